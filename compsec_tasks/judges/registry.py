"""Judges by name: collected through the ``register_judges`` hook, built once per options.

Built-ins (compsec_tasks.judges.builtin) and third-party plugins register the same way::

    @hookimpl
    def register_judges(register):
        register("mine", MyJudge, description="one line")  # factory(**options) -> judge

A factory may also be a ready judge object (anything with ``name`` and ``judge_batch``).
If two plugins register one name, the plugin registered last wins (pluggy calls the newest
plugin first), with a warning.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import JudgeError, UnknownNameError
from .base import Judge, Judgement

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JudgeEntry:
    name: str
    factory: Any  # callable(**options) -> Judge, or a Judge object
    description: str


_cache: dict[tuple[Any, ...], Judge] = {}
_lock = threading.Lock()


def _collect() -> dict[str, JudgeEntry]:
    from ..plugins import get_plugin_manager

    entries: dict[str, JudgeEntry] = {}

    def register(name: str, factory: Any, description: str = "") -> None:
        if not isinstance(name, str) or not name.strip():
            raise JudgeError(f"register_judges: judge name must be a non-empty str, got {name!r}")
        if not (callable(factory) or hasattr(factory, "judge_batch")):
            raise JudgeError(
                f"register_judges: judge {name!r} needs a factory or a judge object, "
                f"got {type(factory).__name__}"
            )
        if name in entries:
            logger.warning("judge %r registered twice; keeping the newer plugin's", name)
            return
        entries[name] = JudgeEntry(name, factory, str(description).strip().splitlines()[0]
                                   if str(description).strip() else "")

    get_plugin_manager().hook.register_judges(register=register)
    return entries


def available_judges() -> dict[str, str]:
    """name -> one-line description of every registered judge."""
    return {n: e.description for n, e in sorted(_collect().items())}


def get_judge(name: str = "default", **options: Any) -> Judge:
    """The judge registered as ``name``, built with ``options`` (cached per name and options)."""
    entries = _collect()
    entry = entries.get(name)
    if entry is None:
        raise UnknownNameError("judge", str(name), entries)
    key: tuple[Any, ...] | None
    try:
        key = (name, entry.factory, tuple(sorted(options.items())))
        hash(key)
    except TypeError:
        key = None  # unhashable option values: build a fresh judge every time
    with _lock:
        if key is not None and key in _cache:
            return _cache[key]
    judge = _build(entry, options)
    if key is not None:
        with _lock:
            judge = _cache.setdefault(key, judge)
    return judge


def _build(entry: JudgeEntry, options: dict[str, Any]) -> Judge:
    factory = entry.factory
    if hasattr(factory, "judge_batch") and not isinstance(factory, type):
        if options:
            raise JudgeError(f"judge {entry.name!r} takes no options, got {sorted(options)}")
        judge = factory
    else:
        try:
            judge = factory(**options)
        except TypeError as e:
            raise JudgeError(
                f"judge {entry.name!r} rejected options {sorted(options)}: {e}"
            ) from e
    if not isinstance(judge, Judge):
        raise JudgeError(
            f"judge {entry.name!r}: factory returned {type(judge).__name__}, which lacks "
            "`name` and `judge_batch(pairs)`"
        )
    return judge


def clear_cache() -> None:
    """Forget built judges (tests, or after registering a plugin that replaces one)."""
    with _lock:
        _cache.clear()


def judge_one(prompt: str, response: str, judge: str | Judge = "default") -> Judgement:
    """Judge one (prompt, response) pair with the named judge."""
    j = judge if not isinstance(judge, str) else get_judge(judge)
    out = j.judge_batch([(prompt, response)])
    if len(out) != 1:
        raise JudgeError(f"judge {j.name!r} returned {len(out)} judgements for one pair")
    return out[0]


Factory = Callable[..., Judge]
