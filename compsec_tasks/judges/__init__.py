"""Refusal judges: (prompt, response) -> refusal | compliance | degenerate.

    from compsec_tasks.judges import get_judge, judge_one
    get_judge("default").judge_batch([(prompt, response), ...])

Built-ins: ``default`` (rules for degenerate output + a learned head over sentence
embeddings), ``rules`` (no ML), ``keyword`` (the baseline, for comparison) and ``llm``
(LLM-as-judge, opt-in). Plugins add judges through the ``register_judges`` hook.
Importing this package does not import torch, transformers or sentence-transformers.
"""

from __future__ import annotations

from .base import VERDICTS, Judge, Judgement, Verdict
from .registry import available_judges, clear_cache, get_judge, judge_one

__all__ = [
    "VERDICTS",
    "Judge",
    "Judgement",
    "Verdict",
    "available_judges",
    "clear_cache",
    "get_judge",
    "judge_one",
]
