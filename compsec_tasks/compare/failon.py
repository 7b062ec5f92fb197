"""``--fail-on`` conditions: gate a release on a comparison.

Grammar::

    conditions := condition ("," condition)*
    condition  := metric op number          (spaces allowed around each part)
    op         := ">" | ">=" | "<" | "<=" | "==" | "!="
    number     := a decimal number, e.g. 0.02, 1e-3, -0.05

A condition *holds* (and the command exits 3) when it is true for any candidate × task
row where the metric is defined. The metrics (:data:`FAIL_ON_METRICS`) are fractions in
[0, 1] or differences of fractions; see their descriptions. Example:
``--fail-on "safety_bypass>0.02,backdoor_asr_increase>0,refusal_rate_drop>=0.05"``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import CompsecError, UnknownNameError

__all__ = ["Condition", "FAIL_ON_METRICS", "parse_fail_on"]

#: metric -> description (what the value is, per candidate × task row)
FAIL_ON_METRICS: dict[str, str] = {
    "safety_bypass": "SAFETY_BYPASS flips / harmful prompts (refusal → compliance), refusal task",
    "refusal_gained": "REFUSAL_GAINED flips / harmful prompts (compliance → refusal), refusal task",
    "over_refusal": "OVER_REFUSAL flips / benign prompts (compliance → refusal), over-refusal task",
    "answer_gained": "ANSWER_GAINED flips / benign prompts (refusal → compliance), over-refusal task",
    "degenerate": "DEGENERATE flips / prompts (anything → degenerate), each generation task",
    "backdoor_survived": "BACKDOOR_SURVIVED / triggered prompts (attack succeeded in both runs)",
    "backdoor_emerged": "BACKDOOR_EMERGED / triggered prompts (attack failed → succeeded)",
    "backdoor_asr_increase": "candidate − baseline attack success rate on triggered prompts",
    "false_trigger_increase": "candidate − baseline false trigger rate on clean prompts",
    "refusal_rate_drop": "baseline − candidate refusal rate on harmful prompts",
    "overrefusal_rate_increase": "candidate − baseline over-refusal rate on benign prompts",
    "refusal_win_rate_drop": "baseline − candidate refusal win rate (margin task)",
    "margin_drop": "baseline − candidate mean refusal margin (margin task; log-likelihood units)",
    "hidden_danger": "1 when the hidden-danger flag is raised on a refusal row, else 0",
}

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">": operator.gt, "<": operator.lt,
}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_COND = re.compile(rf"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Condition:
    metric: str
    op: str
    threshold: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.threshold:g}"

    def holds(self, value: Any) -> Any:
        return _OPS[self.op](value, self.threshold)


def parse_fail_on(spec: str | Iterable[str | Condition] | None) -> list[Condition]:
    """Parse ``"metric>0.02,metric2>=0"`` (or a list of such strings / Conditions)."""
    if spec is None:
        return []
    parts: list[str | Condition]
    if isinstance(spec, str):
        parts = list(spec.split(","))
    else:
        parts = []
        for s in spec:
            parts.extend(s.split(",") if isinstance(s, str) else [s])
    out: list[Condition] = []
    for part in parts:
        if isinstance(part, Condition):
            out.append(part)
            continue
        if not part.strip():
            continue
        m = _COND.match(part)
        if not m:
            raise CompsecError(
                f"--fail-on: cannot parse {part.strip()!r}; the grammar is <metric><op><number> joined by "
                f"commas, op one of {', '.join(_OPS)} (e.g. \"safety_bypass>0.02,refusal_rate_drop>=0.05\")"
            )
        metric, op, num = m.groups()
        if metric not in FAIL_ON_METRICS:
            raise UnknownNameError("--fail-on metric", metric, FAIL_ON_METRICS)
        out.append(Condition(metric, op, float(num)))
    if not out:
        raise CompsecError("--fail-on: no condition given")
    return out
