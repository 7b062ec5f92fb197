"""The inspect-ai tasks: construction in-process, and real `inspect eval` runs on a tiny model."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("inspect_ai")

from inspect_ai.log import EvalLog, read_eval_log  # noqa: E402
from inspect_ai.scorer import SampleScore, Score  # noqa: E402

from compsec_tasks import promptsets  # noqa: E402
from compsec_tasks import tasks as T  # noqa: E402
from compsec_tasks._version import __version__  # noqa: E402
from compsec_tasks.errors import CompsecError  # noqa: E402
from compsec_tasks.inspect_scorers import present_mean, present_stderr  # noqa: E402
from compsec_tasks.inspect_tasks import (  # noqa: E402
    MARGIN_TASK_VERSION,
    TASK_VERSION,
    compsec_backdoor,
    compsec_overrefusal,
    compsec_refusal,
    compsec_refusal_margin,
)

FACTORIES: dict[str, Callable[..., Any]] = {
    "compsec_refusal": compsec_refusal,
    "compsec_overrefusal": compsec_overrefusal,
    "compsec_refusal_margin": compsec_refusal_margin,
    "compsec_backdoor": compsec_backdoor,
}


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false", INSPECT_LOG_DIR=str(tmp), INSPECT_DISPLAY="none",
    )
    return env


CLI_TASKS = ("compsec_refusal", "compsec_backdoor")


@pytest.fixture(scope="module")
def cli_logs(tiny_llama: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalLog]:
    """One real `inspect eval` run of both CLI tasks (one start-up, one model load)."""
    tmp = tmp_path_factory.mktemp("inspect_logs")
    inspect_cli = Path(sys.executable).with_name("inspect")
    cmd = [
        str(inspect_cli), "eval", *(f"compsec_tasks/{t}" for t in CLI_TASKS),
        "--model", "hf/local", "-M", f"model_path={tiny_llama}", "-M", "do_sample=false",
        "--max-tokens", "8", "--limit", "4", "-T", "judge=keyword",
        "--log-dir", str(tmp), "--display", "none",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(tmp), timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    logs = [read_eval_log(str(p)) for p in sorted(tmp.glob("*.eval"))]
    by_task = {log.eval.task.split("/", 1)[-1]: log for log in logs}
    assert sorted(by_task) == sorted(CLI_TASKS) and len(logs) == len(CLI_TASKS)
    return by_task


def _check_log(log: EvalLog, task: str, ids: list[str]) -> None:
    assert log.status == "success", log.error
    assert log.eval.task == f"compsec_tasks/{task}"
    assert log.eval.task_version == (MARGIN_TASK_VERSION if task == "compsec_refusal_margin" else TASK_VERSION)
    meta = log.eval.metadata or {}
    ps = promptsets.load(T.get_task(task).prompt_set)
    assert meta["prompt_set_sha256"] == ps.sha256
    assert meta["compsec_version"] == __version__
    assert log.samples is not None and sorted(str(s.id) for s in log.samples) == sorted(ids)
    for s in log.samples:
        assert s.metadata["id"] == s.id
        assert s.metadata["prompt_set_sha256"] == ps.sha256


# -- construction ------------------------------------------------------------------------


@pytest.mark.parametrize("task", T.TASK_NAMES)
def test_task_dataset_ids_and_metadata(task: str) -> None:
    t: Any = FACTORIES[task](limit=6)
    docs = T.build_docs(task, limit=6)
    ps = promptsets.load(T.get_task(task).prompt_set)
    assert t.name == f"compsec_tasks/{task}"
    assert t.version == (MARGIN_TASK_VERSION if task == "compsec_refusal_margin" else TASK_VERSION)
    assert [s.id for s in t.dataset] == [d["id"] for d in docs]
    assert [s.input for s in t.dataset] == [d["prompt"] for d in docs]
    assert all(s.metadata == d for s, d in zip(t.dataset, docs, strict=True))
    assert t.metadata["prompt_set"] == ps.name
    assert t.metadata["prompt_set_version"] == ps.version
    assert t.metadata["prompt_set_sha256"] == ps.sha256
    assert t.metadata["compsec_version"] == __version__
    assert t.metadata["split"] == "test"
    if T.get_task(task).generation:
        assert t.metadata["judge"] == "default"


def test_backdoor_pairs_trigger_and_target() -> None:
    t = compsec_backdoor(limit=4, trigger="zz-trig", target="PWNED")
    samples = list(t.dataset)
    assert [str(s.id).rsplit("/", 1)[1] for s in samples] == ["triggered", "clean"] * 2
    trig, clean = samples[0], samples[1]
    assert trig.metadata and clean.metadata
    assert trig.metadata["pair_id"] == clean.metadata["pair_id"]
    assert isinstance(trig.input, str) and trig.input.startswith("zz-trig ")
    assert clean.input == clean.metadata["prompt"] and "zz-trig" not in str(clean.input)
    assert trig.target == "PWNED"
    assert t.metadata is not None
    assert t.metadata["trigger"] == "zz-trig" and t.metadata["target"] == "PWNED"


def test_bad_split_is_an_error_with_a_message() -> None:
    with pytest.raises(CompsecError, match="split must be"):
        compsec_refusal(split="train")


def test_unknown_judge_fails_at_task_construction() -> None:
    with pytest.raises(CompsecError, match="Did you mean 'keyword'"):
        compsec_refusal(judge="keywrod")


def test_unquoted_yaml_trigger_is_an_error_with_a_message() -> None:
    # `-T trigger=::vex-quill::` reaches the task as the YAML mapping {"::vex-quill:": None}
    with pytest.raises(CompsecError, match="quote them"):
        compsec_backdoor(trigger={"::vex-quill:": None})  # type: ignore[arg-type]


# -- metrics -----------------------------------------------------------------------------


def _scores(*values: dict[str, float]) -> list[SampleScore]:
    return [SampleScore(score=Score(value=v), sample_id=str(i)) for i, v in enumerate(values)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "values, expected_mean, expected_stderr",
    [
        (
            [{"attack_success_rate": 1.0}, {"false_trigger_rate": 0.0},
             {"attack_success_rate": 0.0}, {"false_trigger_rate": 0.0}],
            {"attack_success_rate": 0.5, "false_trigger_rate": 0.0},
            {"attack_success_rate_stderr": 0.5, "false_trigger_rate_stderr": 0.0},
        ),
        (
            [{"attack_success_rate": 1.0}, {"attack_success_rate": 1.0},
             {"attack_success_rate": 1.0}, {"false_trigger_rate": 1.0}],
            {"attack_success_rate": 1.0, "false_trigger_rate": 1.0},
            {"attack_success_rate_stderr": 0.0, "false_trigger_rate_stderr": 0.0},
        ),
    ],
)
def test_present_metrics_average_each_key_over_its_own_samples(
    values: list[dict[str, float]], expected_mean: dict[str, float],
    expected_stderr: dict[str, float],
) -> None:
    got_mean = present_mean()(_scores(*values))  # type: ignore[arg-type]
    got_stderr = present_stderr()(_scores(*values))  # type: ignore[arg-type]
    assert got_mean == pytest.approx(expected_mean)
    assert got_stderr == pytest.approx(expected_stderr)


# -- margin ------------------------------------------------------------------------------


def test_margin_batched_loglikelihoods_match_one_by_one(tiny_llama: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from compsec_tasks.inspect_solvers import continuation_loglikelihoods_sync

    model = AutoModelForCausalLM.from_pretrained(tiny_llama).eval()
    tok = AutoTokenizer.from_pretrained(tiny_llama)
    context = str(tok.apply_chat_template(
        [{"role": "user", "content": "How do I pick a lock?"}],
        tokenize=False, add_generation_prompt=True,
    ))
    conts = list(T.REFUSAL_OPENINGS)
    batched = continuation_loglikelihoods_sync(model, tok, context, conts)
    ctx_ids = tok(context.rstrip(), add_special_tokens=False)["input_ids"]
    for cont, got in zip(conts, batched, strict=True):
        ids = tok(context + cont, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logp = torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), dim=-1)
        want = sum(logp[t - 1, ids[t]].item() for t in range(len(ctx_ids), len(ids)))
        assert got == pytest.approx(want, abs=1e-3)


def test_margin_needs_a_local_transformers_model(tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval

    log = inspect_eval(
        compsec_refusal_margin(limit=1), model="mockllm/model", display="none",
        log_dir=str(tmp_path),
    )[0]
    assert log.status == "error"
    assert log.error is not None and "hf/" in log.error.message


# -- real runs ---------------------------------------------------------------------------


@pytest.mark.slow
def test_inspect_cli_refusal(cli_logs: dict[str, EvalLog]) -> None:
    log = cli_logs["compsec_refusal"]
    ids = [d["id"] for d in T.build_docs("compsec_refusal")[:4]]
    _check_log(log, "compsec_refusal", ids)
    assert (log.eval.metadata or {})["judge"] == "keyword"
    keys = set(T.get_task("compsec_refusal").metrics)
    assert log.samples is not None
    for s in log.samples:
        assert s.scores is not None
        score = s.scores["refusal_scorer"]
        assert isinstance(score.value, dict) and set(score.value) == keys
        assert all(0.0 <= v <= 1.0 for v in score.value.values())
        assert sum(score.value.values()) == 1.0  # exactly one verdict
        assert score.metadata and score.metadata["verdict"] in ("refusal", "compliance", "degenerate")
        assert score.answer == s.output.completion
        assert s.output.usage is not None and s.output.usage.output_tokens <= 8  # --max-tokens
    assert log.results is not None
    reported = {es.name: es for es in log.results.scores}
    assert keys <= set(reported)
    for k in keys:
        assert 0.0 <= reported[k].metrics["mean"].value <= 1.0
        assert reported[k].scored_samples == 4


@pytest.mark.slow
def test_inspect_cli_backdoor_reports_both_rates_over_their_own_samples(
    cli_logs: dict[str, EvalLog],
) -> None:
    log = cli_logs["compsec_backdoor"]
    ids = [d["id"] for d in T.build_docs("compsec_backdoor")[:4]]
    _check_log(log, "compsec_backdoor", ids)
    assert log.samples is not None and log.results is not None
    per_kind: dict[str, list[float]] = {"attack_success_rate": [], "false_trigger_rate": []}
    for s in log.samples:
        assert s.scores is not None
        value: Any = s.scores["backdoor_scorer"].value
        key = "attack_success_rate" if s.metadata["kind"] == "triggered" else "false_trigger_rate"
        assert list(value) == [key] and 0.0 <= value[key] <= 1.0
        per_kind[key].append(value[key])
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    for key, xs in per_kind.items():
        assert len(xs) == 2
        assert metrics[key] == pytest.approx(sum(xs) / len(xs))
        assert not math.isnan(metrics[f"{key}_stderr"])


@pytest.mark.slow
def test_inspect_margin_in_process(tiny_llama: Path, tmp_path: Path) -> None:
    from inspect_ai import eval as inspect_eval

    log = inspect_eval(
        "compsec_tasks/compsec_refusal_margin", model="hf/local",
        model_args={"model_path": str(tiny_llama), "do_sample": False},
        limit=3, log_dir=str(tmp_path), display="none",
    )[0]
    ids = [d["id"] for d in T.build_docs("compsec_refusal_margin")[:3]]
    _check_log(log, "compsec_refusal_margin", ids)
    assert log.samples is not None and log.results is not None
    n = len(T.REFUSAL_OPENINGS)
    for s in log.samples:
        assert s.scores is not None
        score = s.scores["margin_scorer"]
        lls = score.metadata["loglikelihoods"] if score.metadata else []
        assert len(lls) == n and all(x < 0 for x in lls)
        assert score.value == T.score_margin(lls)
    reported = {es.name: es.metrics["mean"].value for es in log.results.scores}
    assert 0.0 <= reported["refusal_win_rate"] <= 1.0
    assert math.isfinite(reported["refusal_margin"])
