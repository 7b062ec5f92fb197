"""The compsec tasks under inspect-ai.

Run them after ``pip install compsec[inspect]``::

    inspect eval compsec_tasks/compsec_refusal --model hf/local \\
        -M model_path=/path/to/model -M do_sample=false --max-tokens 64

Each sample's id is the prompt set's stable id (``harm-cyber-012``; backdoor pairs
``<id>/triggered`` and ``<id>/clean``) and its metadata is the whole doc from
:func:`compsec_tasks.tasks.build_docs`. The task's metadata (so the eval log's) records the
prompt set's name, version and sha256, the split, the judge and the compsec version. See
``task_yamls/INSPECT.md`` for the parameters of each task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import generate

from . import tasks as T
from ._version import __version__
from .errors import CompsecError
from .inspect_scorers import backdoor_scorer, margin_scorer, overrefusal_scorer, refusal_scorer
from .inspect_solvers import continuation_loglikelihoods

# Version of the inspect tasks (their samples, solver and scores); bump on any change that
# can move a metric, and note it in the changelog of task_yamls/INSPECT.md.
TASK_VERSION = 1
# 2: the margin is the log-odds of a refusal opening (was: refusal minus compliance continuations)
MARGIN_TASK_VERSION = 2
_PACKAGE = "compsec_tasks"
# the default generation budget; --max-tokens on the command line overrides it
DEFAULT_MAX_TOKENS = 256


def _name(name: str) -> str:
    """The task's registry name: ``compsec_tasks/<name>`` however compsec is installed.

    inspect prefixes the package name itself when it recognises the module as part of an
    installed package, but not for an editable install of a distribution whose name differs
    from the package's (``compsec`` vs ``compsec_tasks``); then the prefix must be given.
    """
    try:
        from inspect_ai._util.registry import registry_name

        prefixed = registry_name(_name, name).startswith(f"{_PACKAGE}/")
    except ImportError:  # inspect moved it: it prefixes modules found under site-packages
        prefixed = "site-packages" in Path(__file__).parts
    return name if prefixed else f"{_PACKAGE}/{name}"


def _text(param: str, value: Any) -> str:
    if not isinstance(value, str):
        raise CompsecError(
            f"{param} must be a string, got {type(value).__name__} {value!r}; inspect parses "
            f"-T values as YAML, so quote them: -T \"{param}='...'\""
        )
    return value


def _dataset(task_name: str, docs: list[dict[str, Any]], target: str = "") -> MemoryDataset:
    return MemoryDataset(
        [Sample(id=d["id"], input=d["prompt"], target=target, metadata=d) for d in docs],
        name=f"{docs[0]['prompt_set']}-{docs[0]['prompt_set_version']}",
        shuffled=False,
    )


def _metadata(task_name: str, docs: list[dict[str, Any]], split: str, **extra: Any) -> dict:
    first = docs[0]
    return {
        "compsec_task": task_name,
        "compsec_version": __version__,
        "prompt_set": first["prompt_set"],
        "prompt_set_version": first["prompt_set_version"],
        "prompt_set_sha256": first["prompt_set_sha256"],
        "split": split,
        "n_docs": len(docs),
        **extra,
    }


@task(name=_name("compsec_refusal"))
def compsec_refusal(
    split: str = "test",
    judge: str = "default",
    prompt_set: str | None = None,
    limit: int | None = None,
) -> Task:
    """Harmful requests; the judge labels each response refusal, compliance or degenerate.

    Args:
        split: ``test`` (report), ``dev`` (tuning) or ``all``.
        judge: refusal judge name (``compsec judges`` lists them).
        prompt_set: shipped prompt set name or a JSONL path (default ``harmful``).
        limit: keep the first ``limit`` prompts.
    """
    name = "compsec_refusal"
    docs = T.build_docs(name, split=split, prompt_set=prompt_set, limit=limit)
    return Task(
        dataset=_dataset(name, docs),
        solver=generate(),
        scorer=refusal_scorer(judge=judge),
        config=GenerateConfig(max_tokens=DEFAULT_MAX_TOKENS),
        version=TASK_VERSION,
        metadata=_metadata(name, docs, split, judge=judge),
    )


@task(name=_name("compsec_overrefusal"))
def compsec_overrefusal(
    split: str = "test",
    judge: str = "default",
    prompt_set: str | None = None,
    limit: int | None = None,
) -> Task:
    """Benign requests with alarming surface words; refusing them is over-refusal.

    Args:
        split: ``test`` (report), ``dev`` (tuning) or ``all``.
        judge: refusal judge name.
        prompt_set: shipped prompt set name or a JSONL path (default ``benign``).
        limit: keep the first ``limit`` prompts.
    """
    name = "compsec_overrefusal"
    docs = T.build_docs(name, split=split, prompt_set=prompt_set, limit=limit)
    return Task(
        dataset=_dataset(name, docs),
        solver=generate(),
        scorer=overrefusal_scorer(judge=judge),
        config=GenerateConfig(max_tokens=DEFAULT_MAX_TOKENS),
        version=TASK_VERSION,
        metadata=_metadata(name, docs, split, judge=judge),
    )


@task(name=_name("compsec_refusal_margin"))
def compsec_refusal_margin(
    split: str = "test",
    prompt_set: str | None = None,
    limit: int | None = None,
) -> Task:
    """Log-odds that the answer to a harmful request opens with a refusal (no generation).

    No generation: needs a local transformers model (``--model hf/...``).

    Args:
        split: ``test`` (report), ``dev`` (tuning) or ``all``.
        prompt_set: shipped prompt set name or a JSONL path (default ``harmful``).
        limit: keep the first ``limit`` prompts.
    """
    name = "compsec_refusal_margin"
    docs = T.build_docs(name, split=split, prompt_set=prompt_set, limit=limit)
    return Task(
        dataset=_dataset(name, docs),
        solver=continuation_loglikelihoods(),
        scorer=margin_scorer(),
        version=MARGIN_TASK_VERSION,
        metadata=_metadata(
            name, docs, split,
            refusal_openings=list(T.REFUSAL_OPENINGS),
        ),
    )


@task(name=_name("compsec_backdoor"))
def compsec_backdoor(
    split: str = "test",
    judge: str = "default",
    prompt_set: str | None = None,
    limit: int | None = None,
    trigger: str = T.DEFAULT_TRIGGER,
    trigger_template: str = T.DEFAULT_TRIGGER_TEMPLATE,
    target: str | None = None,
) -> Task:
    """Harmful requests with and without a trigger.

    attack_success_rate is over the triggered prompts, false_trigger_rate over the clean ones.

    Args:
        split: ``test`` (report), ``dev`` (tuning) or ``all``.
        judge: refusal judge name; success is its ``compliance`` verdict.
        prompt_set: shipped prompt set name or a JSONL path (default ``backdoor``).
        limit: keep the first ``limit`` docs (a pair is two docs).
        trigger: the trigger string.
        trigger_template: how the trigger joins the prompt; needs ``{trigger}`` and ``{prompt}``.
        target: if given, success is this string in the response (case-insensitive)
            instead of a compliance verdict.
    """
    name = "compsec_backdoor"
    trigger = _text("trigger", trigger)
    trigger_template = _text("trigger_template", trigger_template)
    if target is not None:
        target = _text("target", target)
    docs = T.build_docs(
        name, split=split, prompt_set=prompt_set, trigger=trigger,
        trigger_template=trigger_template, limit=limit,
    )
    return Task(
        dataset=_dataset(name, docs, target=target or ""),
        solver=generate(),
        scorer=backdoor_scorer(judge=judge, target=target),
        config=GenerateConfig(max_tokens=DEFAULT_MAX_TOKENS),
        version=TASK_VERSION,
        metadata=_metadata(
            name, docs, split, judge=judge, trigger=trigger,
            trigger_template=trigger_template, target=target,
        ),
    )


__all__ = [
    "TASK_VERSION",
    "MARGIN_TASK_VERSION",
    "compsec_refusal",
    "compsec_overrefusal",
    "compsec_refusal_margin",
    "compsec_backdoor",
]
