"""The plugin manager, loaded once: built-ins go through the same hooks as third parties."""

from __future__ import annotations

import logging
import threading

import pluggy

from . import hookspecs

logger = logging.getLogger(__name__)

_pm: pluggy.PluginManager | None = None
_lock = threading.Lock()


def get_plugin_manager() -> pluggy.PluginManager:
    global _pm
    with _lock:
        if _pm is None:
            pm = pluggy.PluginManager(hookspecs.PROJECT)
            pm.add_hookspecs(hookspecs)
            n = pm.load_setuptools_entrypoints(hookspecs.PROJECT)
            if not any(
                getattr(p, "__name__", "") == "compsec_tasks.judges.builtin" for p in pm.get_plugins()
            ):
                # running from a source tree without the installed entry point
                from .judges import builtin

                pm.register(builtin)
            if not any(getattr(p, "__name__", "") == "model_adapters.methods" for p in pm.get_plugins()):
                from model_adapters import methods

                pm.register(methods)
            logger.debug("compsec: %d plugin(s) from entry points", n)
            _pm = pm
        return _pm


def reset_plugin_manager() -> None:
    """Forget loaded plugins (tests)."""
    global _pm
    with _lock:
        _pm = None
