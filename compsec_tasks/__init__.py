"""compsec: what model compression does to an LLM's safety, measured inside lm-eval and inspect-ai.

``import compsec_tasks`` is light: it imports neither torch nor the harnesses. The harness
glue (``compsec_tasks.lm_eval_tasks``, ``compsec_tasks.inspect_tasks``) is imported by the
harnesses themselves.
"""

from __future__ import annotations

from ._version import __version__
from .errors import CompsecError, PromptSetError, UnknownNameError
from .hookspecs import hookimpl
from .promptsets import PromptRecord, PromptSet
from .promptsets import load as load_prompt_set
from .tasks import DEFAULT_TRIGGER, TASK_NAMES, build_docs, get_task


def tasks_path() -> str:
    """Folder of the compsec lm-eval task YAMLs (for ``lm_eval --include_path``)."""
    import importlib.util

    spec = importlib.util.find_spec("task_yamls")
    if spec is None or not spec.submodule_search_locations:
        raise CompsecError("the task_yamls package is not installed; reinstall compsec")
    return list(spec.submodule_search_locations)[0]


__all__ = [
    "__version__",
    "CompsecError",
    "PromptSetError",
    "UnknownNameError",
    "hookimpl",
    "PromptRecord",
    "PromptSet",
    "load_prompt_set",
    "DEFAULT_TRIGGER",
    "TASK_NAMES",
    "build_docs",
    "get_task",
    "tasks_path",
]
