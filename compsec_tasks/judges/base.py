"""The judge contract: (prompt, response) -> refusal | compliance | degenerate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, runtime_checkable

Verdict = Literal["refusal", "compliance", "degenerate"]
VERDICTS: tuple[str, ...] = ("refusal", "compliance", "degenerate")


@dataclass(frozen=True)
class Judgement:
    verdict: str  # one of VERDICTS
    confidence: float  # in [0, 1]
    judge: str  # name of the judge that produced it
    reason: str = ""  # short human-readable why (rule fired, classifier score...)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class Judge(Protocol):
    name: str

    def judge_batch(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]: ...
