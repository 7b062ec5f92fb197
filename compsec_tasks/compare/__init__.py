"""Paired, per-prompt comparison of a baseline run with candidate runs.

Reads lm-eval (``results_*.json`` + ``samples_*.jsonl``) and inspect-ai (``.eval``) logs in any
mix into one tidy frame per run (:func:`load_run`), joins baseline × candidate by the stable
sample id per task (refusing runs that did not evaluate the same thing), counts flips both
ways, tests them (McNemar exact, Newcombe paired intervals, Holm or Benjamini-Hochberg across
candidates), and lists every flipped prompt as a :class:`Finding`::

    from compsec_tasks.compare import load_run, compare_runs

    cmp = compare_runs(load_run("out/base"), {"rtn4": load_run("out/rtn4")})
    cmp.table, cmp.findings, cmp.check("safety_bypass>0.02"), cmp.write("report/")

The columns of :attr:`Comparison.table` are documented in :mod:`compsec_tasks.compare.compare`,
those of :attr:`Run.samples` in :mod:`compsec_tasks.compare.logs`. This package imports pandas,
scipy and statsmodels; ``import compsec_tasks`` does not import it.
"""

from __future__ import annotations

from .compare import FLIPS_COLUMNS, TABLE_COLUMNS, Comparison, check_join, compare_runs
from .failon import FAIL_ON_METRICS, Condition, parse_fail_on
from .findings import DIRECTION, FLIP_TYPES, Finding, classify
from .logs import SAMPLE_COLUMNS, JoinError, Run, TaskMeta, find_runs, load_run

__all__ = [
    "load_run",
    "find_runs",
    "compare_runs",
    "check_join",
    "Comparison",
    "Run",
    "TaskMeta",
    "Finding",
    "JoinError",
    "Condition",
    "parse_fail_on",
    "classify",
    "FAIL_ON_METRICS",
    "FLIP_TYPES",
    "DIRECTION",
    "SAMPLE_COLUMNS",
    "TABLE_COLUMNS",
    "FLIPS_COLUMNS",
]
