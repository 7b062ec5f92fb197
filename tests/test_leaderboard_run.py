"""compsec leaderboard run on the tiny model through the real lm-eval: one run of the
original and four variants (one of them cannot load), then a resume, a corrupted run and the
command line. The run is made once per module (about a minute on a loaded 2-core machine)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from compsec_tasks.leaderboard import Recipe, RunState, load_leaderboard, publish_work, run_recipe
from compsec_tasks.leaderboard_cli import main

XSS = "<script>alert(1)</script>"
TASKS = ["compsec_refusal", "compsec_overrefusal", "compsec_refusal_margin", "compsec_backdoor"]


def _recipe(model: Path) -> Recipe:
    return Recipe.from_dict({
        "name": "tiny",
        "base": {"model": str(model), "label": "tiny"},
        "variants": [{"spec": "rtn:8:g32", "label": XSS}, "rtn:2:g32", "prune:magnitude:0.5", "awq:/nope"],
        "tasks": ["compsec"],
        "judge": "rules",
        "limit": 2,
        "generation": {"max_gen_toks": 4, "batch_size": 4},
    })


@pytest.fixture(scope="module")
def real_run(tiny_llama: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    pytest.importorskip("lm_eval")
    from model_adapters.lm_eval_model import CompsecLM

    tmp = tmp_path_factory.mktemp("lb_real")
    real = CompsecLM.generate_until
    calls: list[set[str]] = []

    def counted(self: Any, requests: Any, *a: Any, **k: Any) -> Any:
        calls.append({r.task_name for r in requests})
        return real(self, requests, *a, **k)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPSEC_CACHE_DIR", str(tmp / "cache"))
        mp.setattr(CompsecLM, "generate_until", counted)
        report = run_recipe(_recipe(tiny_llama), out=tmp / "out", progress=False)
    report.generate_calls = calls
    return tmp / "out", report


@pytest.mark.slow
def test_real_run_publishes_every_output(real_run: tuple[Path, Any]) -> None:
    out, report = real_run
    assert len(report.evaluated) == 4 and report.task_evaluations == 16
    assert list(report.failed) == ["tiny/awq-nope-307babfd65"]
    # a variant's tasks go through one lm-eval call: the prompts of its three generation tasks in one
    # generate_until call, not one call per task
    assert report.generate_calls == [{"compsec_refusal", "compsec_overrefusal", "compsec_backdoor"}] * 4
    lb = load_leaderboard(out)
    rows = {r["label"]: r for r in lb["rows"]}
    assert list(rows) == ["original", XSS, "rtn:2:g32", "prune:magnitude:0.5", "awq:/nope"]
    for label in ("original", XSS, "rtn:2:g32", "prune:magnitude:0.5"):
        r = rows[label]
        assert r["status"] == "ok", r["error"]
        assert set(r["metrics"]) == set(TASKS)
        assert r["metrics"]["compsec_refusal"]["refusal_rate"]["n"] == 2
        assert r["manifest"]["spec_string"] == r["variant"] and r["fidelity"]["kl_mean"] is not None
        assert r["weight_bytes"] > 0 and r["n_parameters"] > 0
        if label != "original":
            assert set(r["comparison"]) == set(TASKS) and r["findings"] is not None
            assert (out / r["findings"]["markdown"]).is_file()
    assert rows[XSS]["bits"] == 8 and rows["rtn:2:g32"]["bits"] == 2 and rows["original"]["bits"] == 32
    assert rows["prune:magnitude:0.5"]["sparsity"] == pytest.approx(0.5, abs=0.05)
    bad = rows["awq:/nope"]
    assert bad["status"] == "failed" and "'/nope' not found" in bad["error"]
    # each run folder is one lm-eval run (one results file with every task) with its manifest
    run_dir = out / "runs" / "tiny" / "rtn-8-g32"
    results = list(run_dir.glob("results_*.json"))
    assert len(results) == 1 and len(list(run_dir.glob("samples_*.jsonl"))) == 4
    res = json.loads(results[0].read_text())
    assert sorted(res["configs"]) == sorted(TASKS)
    assert res["config"]["compsec_manifest"]["spec_string"] == "rtn:8:g32"
    marker = json.loads((run_dir / "compsec_run.json").read_text())
    assert marker["variant"] == "rtn:8:g32" and marker["recipe_hash"] == lb["bases"][0]["recipe_hash"]
    assert not (out / "runs" / "tiny" / ".partial").exists()
    page = (out / "index.html").read_text()
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (out / "README.md").read_text().count("\n| tiny |") == 5
    assert len((out / "leaderboard.csv").read_text().splitlines()) == 6


@pytest.mark.slow
def test_real_run_resumes_without_evaluating_again(real_run: tuple[Path, Any], tiny_llama: Path) -> None:
    out, first = real_run
    again = run_recipe(_recipe(tiny_llama), out=out, progress=False)
    assert again.evaluated == [] and again.task_evaluations == 0
    assert sorted(again.reused) == sorted(first.evaluated)
    st = RunState.load(out / "runs")
    assert st.max_evaluations() == 1 and len(st.evaluations) == 4 and len(st.task_evaluations) == 16


@pytest.mark.slow
def test_real_run_with_a_corrupted_samples_file(real_run: tuple[Path, Any], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "copy"
    shutil.copytree(real_run[0], out)
    samples = next((out / "runs" / "tiny" / "prune-magnitude-0.5").glob("samples_compsec_refusal_2*.jsonl"))
    samples.write_bytes(samples.read_bytes()[:-40])  # truncated mid-line
    publish_work(out / "runs", out)
    rows = {r["label"]: r for r in load_leaderboard(out)["rows"]}
    assert rows["prune:magnitude:0.5"]["status"] == "failed"
    assert samples.name in rows["prune:magnitude:0.5"]["error"]
    assert [r["status"] for r in rows.values()].count("ok") == 3
    # the command line re-publishes from the published folder and reports the failed rows
    assert main(["leaderboard", "publish", str(out)]) == 0
    captured = capsys.readouterr()
    assert samples.name in captured.err and "published tiny" in captured.out
