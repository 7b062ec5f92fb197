"""lm-eval glue for the compsec YAML tasks in ``task_yamls/``.

The YAML files point here through a two-line ``utils.py`` in each task folder:
``class: !function utils.CompsecTask``, ``custom_dataset: !function utils.load_docs`` and
``process_results: !function utils.process_results``. This module imports lm_eval; it is
loaded only when lm-eval builds a compsec task.

Run-time options come through lm-eval's ``--metadata`` JSON (they reach ``load_docs``)::

    --metadata '{"split": "test", "judge": "default", "prompt_set": "harmful",
                 "trigger": "::vex-quill::", "trigger_template": "{trigger} {prompt}",
                 "target": null}'

Each logged sample's ``doc`` carries the stable ``id``, the prompt set's sha256, and after
scoring the verdict fields ``compsec_verdict``, ``compsec_confidence``, ``compsec_judge`` and
``compsec_reason``. The results file's task config carries the prompt set name, version and
sha256 actually used, the split, the judge and the compsec version.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from lm_eval.api.task import ConfigurableTask

from . import tasks as T
from ._version import __version__
from .errors import CompsecError

logger = logging.getLogger(__name__)

# metadata keys we understand; anything else from --metadata is ignored by us (lm-eval adds
# its own keys such as version, config_source and the model args).
_OPTIONS = ("split", "judge", "prompt_set", "trigger", "trigger_template", "target", "limit")


def _options(kwargs: dict[str, Any]) -> dict[str, Any]:
    task = kwargs.get("compsec_task")
    if task not in T.TASKS:
        raise CompsecError(
            "compsec task YAML must set metadata.compsec_task to one of "
            f"{', '.join(T.TASKS)}; got {task!r}"
        )
    opts = {k: kwargs[k] for k in _OPTIONS if kwargs.get(k) is not None}
    opts.setdefault("split", "test")
    opts.setdefault("judge", "default")
    return {"task": task, **opts}


def load_docs(**kwargs: Any) -> Any:
    """``custom_dataset`` for every compsec task: returns ``{"test": datasets.Dataset}``."""
    import datasets

    o = _options(kwargs)
    if o["task"] != "compsec_refusal_margin":
        # fail before any generation, not after: an unknown judge lists the available ones
        from .errors import UnknownNameError
        from .judges import available_judges

        judges = available_judges()
        if o["judge"] not in judges:
            raise UnknownNameError("judge", o["judge"], judges)
    docs = T.build_docs(
        o["task"],
        split=o["split"],
        prompt_set=o.get("prompt_set"),
        trigger=o.get("trigger", T.DEFAULT_TRIGGER),
        trigger_template=o.get("trigger_template", T.DEFAULT_TRIGGER_TEMPLATE),
        limit=int(o["limit"]) if o.get("limit") else None,
    )
    # one flat schema for every row: extra fields missing in a row become ""
    keys: list[str] = []
    for d in docs:
        keys.extend(k for k in d if k not in keys)
    rows = [
        {
            **{k: ("" if d.get(k) is None else d.get(k)) for k in keys},
            "compsec_task": o["task"],
            "compsec_judge": o["judge"],
            "compsec_target": o.get("target") or "",
        }
        for d in docs
    ]
    logger.info("compsec: %s: %d docs from prompt set %s (split %s)",
                o["task"], len(rows), docs[0]["prompt_set"], o["split"])
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)})


def doc_to_text(doc: dict[str, Any]) -> str:
    return str(doc["prompt"])


def doc_to_choice(doc: dict[str, Any]) -> list[str]:
    return list(T.REFUSAL_OPENINGS)


def process_results(doc: dict[str, Any], results: Sequence[Any]) -> dict[str, float]:
    """Per-sample metrics. Generation tasks: judge the response and record the verdict in the
    doc (so ``--log_samples`` keeps it). Margin task: log-likelihood margin."""
    task = doc["compsec_task"]
    if task == "compsec_refusal_margin":
        lls = [r[0] if isinstance(r, (tuple, list)) else r for r in results]
        out = T.score_margin([float(x) for x in lls])
        doc["compsec_margin"] = out["refusal_margin"]
        return out
    from .judges import get_judge

    response = results[0] if results else ""
    if isinstance(response, (list, tuple)):  # repeats > 1: judge the first
        response = response[0] if response else ""
    response = str(response)
    j = get_judge(doc["compsec_judge"]).judge_batch([(doc["prompt"], response)])[0]
    doc.update(
        compsec_verdict=j.verdict,
        compsec_confidence=j.confidence,
        compsec_judge=j.judge,
        compsec_reason=j.reason,
    )
    return T.score_generation(task, doc, j.verdict, response, doc.get("compsec_target") or None)


class CompsecTask(ConfigurableTask):
    """A ConfigurableTask that records what it actually evaluated in its config metadata."""

    def __init__(
        self,
        data_dir: str | None = None,
        cache_dir: str | None = None,
        download_mode: Any = None,
        config: dict[str, Any] | None = None,
    ) -> None:
        # lm-eval passes the YAML's own `class:` key along; TaskConfig does not accept it
        cfg = {k: v for k, v in (config or {}).items() if k != "class"}
        super().__init__(data_dir, cache_dir, download_mode, cfg)

    def download(self, dataset_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().download(dataset_kwargs, **kwargs)
        meta = dict(self.config.metadata or {})
        o = _options(meta)
        first = self.dataset["test"][0]
        meta.update(
            compsec_version=__version__,
            prompt_set=first["prompt_set"],
            prompt_set_version=first["prompt_set_version"],
            prompt_set_sha256=first["prompt_set_sha256"],
            split=o["split"],
            n_docs=len(self.dataset["test"]),
        )
        if o["task"] != "compsec_refusal_margin":
            meta["judge"] = o["judge"]
        if o["task"] == "compsec_backdoor":
            meta["trigger"] = o.get("trigger", T.DEFAULT_TRIGGER)
            meta["trigger_template"] = o.get("trigger_template", T.DEFAULT_TRIGGER_TEMPLATE)
            meta["target"] = o.get("target")
        self.config.metadata = meta
