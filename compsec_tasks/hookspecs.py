"""pluggy hook specifications: how built-ins and third parties extend compsec.

A plugin is a module (or object) with functions marked ``@compsec_tasks.hookimpl``; it is
found through the ``compsec`` entry-point group (``[project.entry-points.compsec]``) or
registered with ``get_plugin_manager().register(obj)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT = "compsec"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_judges(register: Callable[..., Any]) -> None:
    """Register refusal judges: ``register(name, factory, description="...")``.

    ``factory(**options)`` returns an object with ``name`` and
    ``judge_batch(list[tuple[prompt, response]]) -> list[Judgement]``.
    """


@hookspec
def register_variants(register: Callable[..., Any]) -> None:
    """Register compression methods: ``register(method, handler)`` (see model_adapters)."""
