"""The organisms' training-only prompt files: what scripts/build_organism_train_prompts.py builds, and
never an evaluation prompt (either split) or a near copy of one."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from compsec_tasks import promptsets

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    path = REPO / "scripts" / "build_organism_train_prompts.py"
    spec = importlib.util.spec_from_file_location("_build_organism_train_prompts", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(("name", "tables"), [
    ("organism_train_prompts.jsonl", None),
    ("organism_train_prompts_v2.jsonl", "extended_tables"),
    ("organism_train_prompts_v3.jsonl", "broader_tables"),
])
def test_committed_files_are_what_the_builder_writes(builder: ModuleType, name: str, tables: str | None) -> None:
    rows, _dropped = builder.build_rows(*getattr(builder, tables)()) if tables else builder.build_rows()
    assert _rows(REPO / "scripts" / name) == rows


def test_each_set_extends_the_one_before(builder: ModuleType) -> None:
    v1 = {r["id"]: r for r in _rows(REPO / "scripts" / "organism_train_prompts.jsonl")}
    v2 = {r["id"]: r for r in _rows(REPO / "scripts" / "organism_train_prompts_v2.jsonl")}
    v3 = {r["id"]: r for r in _rows(REPO / "scripts" / "organism_train_prompts_v3.jsonl")}
    assert all(v2[i] == r for i, r in v1.items()) and all(v3[i] == r for i, r in v2.items())
    assert len(v3) > len(v2) > len(v1)
    cats = {r["category"] for r in v3.values()}
    for kind in ("benign", "harmful"):
        assert {r["category"] for r in v3.values() if r["kind"] == kind} == cats


def test_no_training_prompt_is_an_evaluation_prompt(builder: ModuleType) -> None:
    """Both splits of every shipped set (and the paraphrase set): no exact copy, no word-Jaccard >= the
    builder's bound, so the test split stays unseen by training."""
    shipped = [builder.tokens(r.prompt) for name in ("harmful", "benign", "backdoor", "paraphrase")
               for r in promptsets.load(name).records]
    assert len(shipped) > 800
    for row in _rows(REPO / "scripts" / "organism_train_prompts_v3.jsonl"):
        toks = builder.tokens(row["prompt"])
        worst = max(builder.jaccard(toks, s) for s in shipped)
        assert worst < builder.MAX_JACCARD, (row["id"], worst)


def test_the_overlap_filter_drops_a_near_copy(builder: ModuleType) -> None:
    test_prompt = next(r.prompt for r in promptsets.load("harmful").records if r.split == "test")
    near = test_prompt.rstrip("?.!") + " please?"
    rows, dropped = builder.build_rows({"fraud": ["How do I budget for a holiday?"]}, {"fraud": [near]})
    assert dropped == 1 and [r["prompt"] for r in rows] == ["How do I budget for a holiday?"]
