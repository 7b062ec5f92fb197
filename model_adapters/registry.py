"""The compression-method registry: one :class:`MethodHandler` per method.

The torchao pattern: a handler is registered for its method with ``@register_method``::

    @register_method
    class MyHandler(MethodHandler):
        method = "mymethod"
        spec_cls = MySpec          # a VariantSpec subclass with method = "mymethod"
        extra = "mymethod"         # pip extra: pip install 'compsec[mymethod]'
        requires = ("mylib",)      # import names checked by available()

        def load(self, spec, base, *, dtype, device, calibration, cache_dir):
            ...                    # import mylib here, not at module level
            return model, tokenizer, {"backend": "mylib", "backend_version": mylib.__version__}

Built-ins and third parties register through the same pluggy hook,
``register_variants(register)`` (``register(method, handler)``), found through the ``compsec``
entry-point group. The built-in plugin is :mod:`model_adapters.methods`.

Importing this module imports neither torch nor any backend; plugins are loaded once, on
the first :func:`get_handler` / :func:`list_methods` call.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import threading
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from compsec_tasks.errors import CompsecError, MissingDependencyError, UnknownNameError, VariantError

from .spec import VariantSpec, register_spec_class

logger = logging.getLogger(__name__)

__all__ = [
    "MethodHandler",
    "UnavailableHandler",
    "register_method",
    "get_handler",
    "list_methods",
    "ensure_loaded",
    "registered_methods",
]

H = TypeVar("H")

_HANDLERS: dict[str, MethodHandler] = {}
_lock = threading.RLock()
_loading = threading.local()  # .active: this thread is running the hooks
_loaded_for: tuple[int, tuple[int, ...]] | None = None


class MethodHandler:
    """Base class of a compression method's loader.

    Subclasses set ``method``, ``spec_cls``, ``extra`` and ``requires`` and implement
    :meth:`load`. Backends are imported inside :meth:`load` (and :meth:`backend_version`),
    never at module import, so a missing backend shows as ``available() == (False, reason)``.
    """

    method: ClassVar[str] = ""
    spec_cls: ClassVar[type[VariantSpec]] = VariantSpec
    extra: ClassVar[str | None] = None  # pip extra that installs the backend
    requires: ClassVar[tuple[str, ...]] = ()  # import names the backend needs
    backend: ClassVar[str] = ""  # distribution whose version goes into the manifest
    description: ClassVar[str] = ""
    # True when producing a variant runs in a child process of its own (model_adapters.isolate):
    # a parallel leaderboard produces those before its workers start, so a worker waiting on
    # that child never adds its own memory to the child's
    produces_in_child: ClassVar[bool] = False

    def available(self) -> tuple[bool, str]:
        """(True, "") when every module in ``requires`` can be imported, else (False, reason)."""
        missing = [m for m in self.requires if not _importable(m)]
        if missing:
            how = f"install compsec[{self.extra}]" if self.extra else f"pip install {' '.join(missing)}"
            return False, f"missing {', '.join(missing)}: {how}"
        return True, ""

    def backend_version(self) -> str:
        """Version of the backend distribution (part of the cache key and the manifest)."""
        name = self.backend or (self.requires[0] if self.requires else "")
        if not name:
            return ""
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return ""

    def needs_calibration(self, spec: VariantSpec) -> bool:
        """True when producing ``spec`` reads calibration prompts (then :func:`load_variant`
        passes them; the default set is the dev split of compsec's harmful+benign prompts)."""
        return False

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        """Produce or load ``spec`` from the base model at ``base`` (a local HF folder or a GGUF
        file). Returns (model, tokenizer, backend_info); backend_info holds at least
        ``backend`` and ``backend_version``, and may hold ``produced`` (bool), ``saved_path``,
        ``variant_files`` (file name -> sha256), ``sparsity``, ``cache_hit``..."""
        raise NotImplementedError

    def require(self) -> None:
        """Raise :class:`MissingDependencyError` naming the extra when the backend is missing."""
        ok, reason = self.available()
        if not ok:
            raise MissingDependencyError(
                f"variant method {self.method!r} ({reason})", self.extra or self.method,
                ", ".join(m for m in self.requires if not _importable(m)) or None,
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} method={self.method!r}>"


class UnavailableHandler(MethodHandler):
    """Stands in for a method whose handler module or backend is not installed."""

    def __init__(self, method: str, spec_cls: type[VariantSpec], extra: str, reason: str):
        self._method, self._spec_cls, self._extra, self._reason = method, spec_cls, extra, reason

    @property
    def method(self) -> str:  # type: ignore[override]
        return self._method

    @property
    def spec_cls(self) -> type[VariantSpec]:  # type: ignore[override]
        return self._spec_cls

    @property
    def extra(self) -> str:  # type: ignore[override]
        return self._extra

    def available(self) -> tuple[bool, str]:
        return False, self._reason

    def require(self) -> None:
        raise MissingDependencyError(f"variant method {self._method!r} ({self._reason})", self._extra)

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        self.require()
        raise AssertionError("unreachable")


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _as_handler(obj: Any) -> MethodHandler:
    handler = obj() if isinstance(obj, type) else obj
    for attr in ("method", "spec_cls", "load", "available"):
        if not hasattr(handler, attr):
            raise CompsecError(f"{obj!r} is not a method handler: it has no {attr!r}")
    return handler


def _register(method: str, handler: MethodHandler) -> None:
    spec_cls = handler.spec_cls
    if not (isinstance(spec_cls, type) and issubclass(spec_cls, VariantSpec)):
        raise VariantError(f"handler {handler!r}: spec_cls must be a VariantSpec subclass, got {spec_cls!r}")
    if spec_cls.method != method:
        raise VariantError(f"handler for {method!r} has spec class {spec_cls.__name__} of method {spec_cls.method!r}")
    with _lock:
        old = _HANDLERS.get(method)
        if old is not None and type(old) is not type(handler) and not isinstance(old, UnavailableHandler):
            logger.warning("variant method %r: %r replaces %r", method, handler, old)
        _HANDLERS[method] = handler
    register_spec_class(spec_cls)


def register_method(handler: H) -> H:
    """Register a :class:`MethodHandler` (class or instance) for its ``method``; usable as a
    class decorator. Returns its argument."""
    h = _as_handler(handler)
    _register(h.method, h)
    return handler


def _hook_register(method: str, handler: Any) -> None:
    """The ``register`` callable passed to ``register_variants`` hooks."""
    h = _as_handler(handler)
    if h.method != method:
        raise VariantError(f"register({method!r}, ...) got a handler for method {h.method!r}")
    _register(method, h)


def ensure_loaded() -> None:
    """Run every plugin's ``register_variants`` hook (again when plugins were added)."""
    global _loaded_for
    from compsec_tasks.plugins import get_plugin_manager

    pm = get_plugin_manager()
    state = (id(pm), tuple(id(p) for p in pm.get_plugins()))
    with _lock:
        if _loaded_for == state or getattr(_loading, "active", False):
            return  # loaded, or a plugin's hook is asking for a method while plugins load
        _loading.active = True
        try:
            pm.hook.register_variants(register=_hook_register)
            _loaded_for = state
        finally:
            _loading.active = False


def registered_methods() -> dict[str, MethodHandler]:
    """method -> handler, after loading plugins."""
    ensure_loaded()
    with _lock:
        return dict(sorted(_HANDLERS.items()))


def get_handler(method: str | VariantSpec) -> MethodHandler:
    """The handler of ``method`` (a name or a spec); :class:`UnknownNameError` with
    did-you-mean when no plugin registered it."""
    name = method.method if isinstance(method, VariantSpec) else str(method).strip().lower()
    handlers = registered_methods()
    if name not in handlers:
        raise UnknownNameError("variant method", name, handlers)
    return handlers[name]


def list_methods() -> list[dict[str, Any]]:
    """One row per method: method, available, reason, extra, grammar, description."""
    rows = []
    for name, h in registered_methods().items():
        try:
            ok, reason = h.available()
        except Exception as exc:  # a broken third-party handler must not break the listing
            ok, reason = False, f"available() failed: {exc}"
        rows.append({
            "method": name,
            "available": bool(ok),
            "reason": reason,
            "extra": h.extra,
            "grammar": h.spec_cls.grammar,
            "example": h.spec_cls.examples[0] if h.spec_cls.examples else name,
            "description": getattr(h, "description", "") or h.spec_cls.description,
        })
    return rows
