"""The built-in judges, registered through the same hook third-party plugins use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..hookspecs import hookimpl
from .keyword import KeywordJudge
from .learned import DefaultJudge
from .llm import LLMJudge
from .rules import RulesJudge


@hookimpl
def register_judges(register: Callable[..., Any]) -> None:
    register("default", DefaultJudge,
             description="degenerate rules + logistic head over MiniLM embeddings and rule "
                         "features (needs compsec[judge])")
    register("rules", RulesJudge,
             description="no ML: degenerate detection, multilingual refusal patterns, "
                         "partial compliance")
    register("keyword", KeywordJudge,
             description="seed-methodology baseline: refusal iff one of 7 phrases occurs "
                         "(comparison only)")
    register("llm", LLMJudge,
             description="LLM-as-judge with a StrongREJECT-style rubric; needs model_path=, "
                         "model= or generate= (off by default)")
