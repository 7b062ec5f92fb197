"""Lazy lm-eval integration, loaded at interpreter start by ``compsec_lm_eval_hook.pth``.

lm-eval 0.4.13 reads no plugin entry points: external tasks are found only through
``include_path`` and external models only by importing the module that registers them.
This module installs a meta-path finder that does nothing until ``lm_eval.tasks.manager``
is imported; then it makes every ``TaskManager`` also scan compsec's ``task_yamls`` folder,
so ``lm_eval --tasks compsec_refusal`` works with no extra flag.  When ``lm_eval.api.registry``
is imported it registers compsec's ``--model compsec`` as a lazy placeholder, and when
``lm_eval.models.huggingface`` is imported it lets ``pretrained=organism:NAME`` name a model
organism (resolved to its local folder).

It costs one ``sys.meta_path`` entry at start-up (microseconds) and imports nothing.
Set ``COMPSEC_NO_LM_EVAL_HOOK=1`` to switch it off; then use the explicit route
``lm_eval --include_path "$(compsec tasks-path)" ...``.
"""

import os
import sys

_TARGETS = ("lm_eval.tasks.manager", "lm_eval.api.registry", "lm_eval.models.huggingface")


def _tasks_dir():  # type: ignore[no-untyped-def]
    # Resolved without importing the package (task_yamls holds only data and utils).
    import importlib.util

    spec = importlib.util.find_spec("task_yamls")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("compsec: the task_yamls package is not installed")
    return list(spec.submodule_search_locations)[0]


def _patch_task_manager(module):  # type: ignore[no-untyped-def]
    cls = getattr(module, "TaskManager", None)
    if cls is None or getattr(cls, "_compsec_patched", False):
        return
    original_init = cls.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.environ.get("COMPSEC_NO_LM_EVAL_HOOK"):
            return original_init(self, *args, **kwargs)
        try:
            ours = _tasks_dir()
        except ImportError:
            return original_init(self, *args, **kwargs)
        include = kwargs.get("include_path")
        if include is None and len(args) >= 2:
            include = args[1]
            args = (args[0],) + args[2:]
        paths = [] if include is None else (
            list(include) if isinstance(include, (list, tuple)) else [include]
        )
        if not any(os.path.abspath(str(p)) == os.path.abspath(ours) for p in paths):
            # ours first: a user's include_path given later overrides same-named configs
            paths = [ours] + paths
        kwargs["include_path"] = paths
        return original_init(self, *args, **kwargs)

    cls.__init__ = __init__
    cls._compsec_patched = True


def _register_models(module):  # type: ignore[no-untyped-def]
    """Register ``--model compsec`` lazily (a "module:Class" placeholder: nothing is imported)."""
    import importlib.util

    if importlib.util.find_spec("model_adapters") is None:
        return
    registry = getattr(module, "model_registry", None)
    if registry is None:
        return
    # lm-eval fills its own placeholders only while the registry is empty; fill them first
    import lm_eval.models  # noqa: F401

    if "compsec" not in registry:
        registry.register("compsec", target="model_adapters.lm_eval_model:CompsecLM")


def _patch_hflm(module):  # type: ignore[no-untyped-def]
    """Let ``--model hf --model_args pretrained=organism:NAME`` resolve the organism to its folder."""
    cls = getattr(module, "HFLM", None)
    if cls is None or getattr(cls, "_compsec_patched", False):
        return
    original_init = cls.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        pretrained = kwargs.get("pretrained")
        if isinstance(pretrained, str) and pretrained.startswith("organism:"):
            from model_adapters.organisms import resolve_organism

            kwargs["pretrained"] = str(resolve_organism(pretrained))
        return original_init(self, *args, **kwargs)

    cls.__init__ = __init__
    cls._compsec_patched = True


class _Finder:
    """Meta-path finder that wraps the real loader of the two lm-eval modules we patch."""

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if fullname not in _TARGETS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def exec_and_patch(module):  # type: ignore[no-untyped-def]
            exec_module(module)
            if fullname == "lm_eval.tasks.manager":
                _patch_task_manager(module)
            elif fullname == "lm_eval.api.registry":
                _register_models(module)
            else:
                _patch_hflm(module)

        class _Loader:
            def __getattr__(self, name):  # type: ignore[no-untyped-def]
                return getattr(loader, name)  # get_source, get_filename, ... for tracebacks

            def create_module(self, spec):  # type: ignore[no-untyped-def]
                return loader.create_module(spec) if hasattr(loader, "create_module") else None

            def exec_module(self, module):  # type: ignore[no-untyped-def]
                exec_and_patch(module)

        spec.loader = _Loader()
        return spec


def install():  # type: ignore[no-untyped-def]
    if os.environ.get("COMPSEC_NO_LM_EVAL_HOOK"):
        return
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())


install()
