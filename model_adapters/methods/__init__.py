"""The built-in compression methods, registered through the same pluggy hook as third-party
plugins (entry point ``builtin_variants`` in the ``compsec`` group).

``original``, ``rtn`` and ``prune`` live here and need only torch + transformers. Every other
method has its handler in its own module, ``model_adapters.methods.<name>``, exposing
``HANDLER``; such a module imports its backend lazily (inside ``load``). When a module or its
backend is missing the method is still listed, as unavailable, with the extra to install.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from compsec_tasks.hookspecs import hookimpl

from .. import spec as S
from ..registry import UnavailableHandler
from .original import HANDLER as ORIGINAL
from .prune import HANDLER as PRUNE
from .rtn import HANDLER as RTN

logger = logging.getLogger(__name__)

# method -> (spec class, pip extra) of the methods whose handler lives in its own module
BACKEND_MODULES: dict[str, tuple[type[S.VariantSpec], str]] = {
    "bnb": (S.BnbSpec, "bnb"),
    "hqq": (S.HQQSpec, "hqq"),
    "quanto": (S.QuantoSpec, "quanto"),
    "torchao": (S.TorchaoSpec, "torchao"),
    "gptq": (S.GPTQSpec, "gptq"),
    "awq": (S.AWQSpec, "awq"),
    "ct": (S.CTSpec, "ct"),
    "gguf": (S.GGUFSpec, "gguf"),
    "distilled": (S.DistilledSpec, "hf"),
}


def backend_handler(method: str) -> Any:
    """The ``HANDLER`` of ``model_adapters.methods.<method>``, or an :class:`UnavailableHandler`
    saying what to install when the module cannot be imported."""
    spec_cls, extra = BACKEND_MODULES[method]
    modname = f"{__name__}.{method}"
    try:
        mod = importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        if exc.name == modname:
            reason = f"backend module {modname} is not installed: install compsec[{extra}]"
        else:
            reason = f"{modname} needs {exc.name!r}: install compsec[{extra}]"
        return UnavailableHandler(method, spec_cls, extra, reason)
    except ImportError as exc:
        return UnavailableHandler(method, spec_cls, extra, f"{modname} failed to import ({exc}): "
                                                           f"install compsec[{extra}]")
    handler = getattr(mod, "HANDLER", None)
    if handler is None:
        return UnavailableHandler(method, spec_cls, extra, f"{modname} defines no HANDLER")
    return handler


@hookimpl
def register_variants(register: Callable[..., Any]) -> None:
    for handler in (ORIGINAL, RTN, PRUNE):
        register(handler.method, handler)
    for method in BACKEND_MODULES:
        register(method, backend_handler(method))
