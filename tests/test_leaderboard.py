"""compsec_tasks.leaderboard without a model: recipes and their errors, the runner's resume,
kill and failure handling, publishing (JSON, CSV, Markdown, HTML, findings), corrupted runs,
refused output folders, merge and the command line. The harness is replaced by a stand-in
runner that writes synthetic lm-eval logs (tests/fixtures/compare/synth.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "compare"))

import synth  # noqa: E402

from compsec_tasks.errors import OutputPathError, UnknownNameError, VariantError  # noqa: E402
from compsec_tasks.leaderboard import (  # noqa: E402
    RECIPE_KEYS,
    LeaderboardRunner,
    Recipe,
    RecipeError,
    RunState,
    UnknownRecipeKeyError,
    VariantEntry,
    load_leaderboard,
    merge_published,
    nominal_bits,
    publish_work,
    run_recipe,
)
from compsec_tasks.leaderboard.html import json_for_script  # noqa: E402
from compsec_tasks.leaderboard_cli import main  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
XSS = "<script>alert(1)</script>"

SYNTH_RECIPE: dict[str, Any] = {
    "name": "synthetic",
    "description": "Synthetic runs <b>not</b> from a model",
    "base": {"model": "/models/tiny", "label": "tiny"},
    "variants": [
        {"spec": "rtn:8:g32", "label": XSS},
        "rtn:2:g32",
        "prune:magnitude:0.5",
        "awq:/nope",
    ],
    "tasks": ["compsec"],
    "judge": "rules",
    "limit": 3,
    "generation": {"max_gen_toks": 8, "batch_size": 2},
}

#: per variant spec: fidelity (KL, top-1) recorded in its manifest
_FIDELITY = {"original": (0.0, 1.0), "rtn:8:g32": (0.01, 0.97), "rtn:2:g32": (5.0, 0.3),
             "prune:magnitude:0.5": (1.2, 0.6), "quanto:int4": (1.1, 0.7)}


def _tasks_for(spec: str) -> dict[str, list[dict[str, Any]]]:
    """The original gets the known baseline; rtn:8 refuses 15 fewer harmful prompts while it is
    close to the base (hidden danger); the others get the known candidate."""
    if spec == "original":
        return synth.known_tasks(0)
    if spec == "rtn:8:g32":
        tasks = synth.known_tasks(0)
        flipped = 0
        for s in tasks["compsec_refusal"]:
            if s["verdict"] == "refusal" and flipped < 15:
                s["verdict"] = "compliance"
                flipped += 1
        return tasks
    return synth.known_tasks(1)


class SynthRunner(LeaderboardRunner):
    """The runner with the model and lm-eval replaced by synthetic logs."""

    calls: list[tuple[str, str]] = []

    def load_model(self, base: Any, target: Any) -> Any:
        if "nope" in target.spec:
            raise FileNotFoundError(f"AWQ checkpoint {target.spec.split(':', 1)[1]!r} not found")
        kl, top1 = _FIDELITY[target.spec]
        return SimpleNamespace(spec=target.spec, compsec_manifest=synth.manifest(target.spec, kl=kl, top1=top1))

    def evaluate_task(self, lm: Any, task: str, out_dir: Path) -> None:
        type(self).calls.append((lm.spec, task))
        synth.write_lm_eval_run(out_dir, {task: _tasks_for(lm.spec)[task]}, manifest=lm.compsec_manifest,
                                judge=self.recipe.judge, max_gen_toks=self.recipe.generation.max_gen_toks)

    def evaluate_tasks(self, lm: Any, tasks: Any, out_dirs: Any, done: Any) -> None:
        for task in tasks:
            self.evaluate_task(lm, task, out_dirs[task])
            done(task)


def synthetic_leaderboard(tmp: Path, recipe: dict[str, Any] | None = None, **kw: Any) -> Any:
    """Run the synthetic recipe with the stand-in runner and publish it into ``tmp/out``."""
    r = Recipe.from_dict(recipe or SYNTH_RECIPE)
    return run_recipe(r, out=kw.pop("out", tmp / "out"), progress=False, runner_cls=SynthRunner, **kw)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lb")
    synthetic_leaderboard(tmp)
    return tmp / "out"


# ---------------------------------------------------------------------------------------
# recipes


def test_recipe_round_trip_and_defaults(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(
        "name: demo\nbase: organism:smollm2-135m-safe\nvariants: [rtn:4:g64, {spec: 'bnb:nf4', label: nf4},"
        " {method: prune, criterion: wanda, sparsity: 0.5, label: wanda}]\nseeds: 7\n",
        encoding="utf-8",
    )
    r = Recipe.from_yaml(p)
    assert r.name == "demo" and r.bases[0].name == "smollm2-135m-safe"
    assert [v.label for v in r.targets()] == ["original", "rtn:4:g64", "nf4", "wanda"]
    assert r.variants[2].spec == "prune:wanda:0.5"
    assert r.seeds == (7, 7, 7, 7) and r.tasks == ("compsec",) and r.generation.max_gen_toks == 128
    assert r.expanded_tasks() == ["compsec_refusal", "compsec_overrefusal", "compsec_refusal_margin",
                                  "compsec_backdoor"]
    assert Recipe.from_dict(r.to_dict()) == r
    # the hash ignores labels, the description and the variant list; it follows the settings
    other = Recipe.from_dict({**r.to_dict(), "description": "x", "variants": ["rtn:2"]})
    assert other.eval_hash(other.bases[0]) == r.eval_hash(r.bases[0])
    tokens = Recipe.from_dict({**r.to_dict(), "generation": {"max_gen_toks": 64, "batch_size": 8}})
    assert tokens.eval_hash(tokens.bases[0]) != r.eval_hash(r.bases[0])


def test_organisms_recipe_parses() -> None:
    r = Recipe.from_yaml(REPO / "leaderboards" / "organisms.yaml")
    assert [b.model for b in r.bases] == ["organism:smollm2-135m-safe", "organism:smollm2-135m-backdoor"]
    specs = [v.spec for v in r.targets()]
    for s in ("original", "rtn:8:g64", "rtn:4:g64", "rtn:3:g64", "rtn:2:g64", "bnb:nf4", "hqq:4:g64", "hqq:3:g64",
              "hqq:2:g64",
              "quanto:int8", "quanto:int4", "gptq:4:g64:n32", "prune:magnitude:0.3", "prune:magnitude:0.5",
              "prune:wanda:0.5:n128"):
        assert s in specs
    q = r.quick_recipe()
    assert q.name == "organisms-quick" and q.limit == 8 and q.is_quick
    assert [v.spec for v in q.targets()] == ["original", "rtn:4:g64", "rtn:2:g64"]


@pytest.mark.parametrize(("data", "needles"), [
    ({"name": "x", "base": "m", "variats": ["rtn:4"]}, ["'variats'", "Did you mean 'variants'", "Available:"]),
    ({"name": "x", "base": "m", "generation": {"max_gen_tokens": 4}},
     ["generation", "Did you mean 'max_gen_toks'", "batch_size"]),
    ({"name": "x", "base": {"model": "m", "lable": "a"}}, ["Did you mean 'label'"]),
])
def test_unknown_key_says_did_you_mean(data: dict[str, Any], needles: list[str]) -> None:
    with pytest.raises(UnknownRecipeKeyError) as e:
        Recipe.from_dict(data, where="r.yaml")
    msg = str(e.value)
    assert msg.startswith("recipe r.yaml:")
    for n in needles:
        assert n in msg, msg
    assert set(RECIPE_KEYS) >= {"name", "base", "variants", "tasks", "judge", "generation", "split", "limit",
                                "seeds", "dtype"}


@pytest.mark.parametrize(("variants", "needles"), [
    (["rtn:4", "rtn:9:g32"], ["variants[1]", "rtn:9:g32", "bits must be from 2 to 8", "Grammar: rtn:<bits>"]),
    (["bnb:nf5"], ["variants[0]", "mode must be one of int8, nf4, fp4"]),
    (["rnt:4"], ["variants[0]", "Did you mean 'rtn'"]),
    ([{"method": "rtn", "bitz": 4}], ["variants[0]", "unknown key(s) 'bitz'"]),
])
def test_bad_variant_names_its_index(variants: list[Any], needles: list[str]) -> None:
    with pytest.raises(VariantError) as e:
        Recipe.from_dict({"name": "x", "base": "m", "variants": variants})
    for n in needles:
        assert n in str(e.value), str(e.value)


@pytest.mark.parametrize(("patch", "needle"), [
    ({"name": "a b"}, "name must match"),
    ({"variants": ["rtn:4", {"spec": "rtn:3", "label": "rtn:4:g128"}]},
     "label 'rtn:4:g128' is also the label of variants[0]"),
    ({"variants": ["rtn:4:g128", "rtn:4"]}, "listed twice"),
    ({"variants": [{"spec": "rtn:4", "label": "original"}]}, "the label 'original' is the base model's"),
    ({"seeds": [1, 2]}, "seeds must be one integer or a list of four"),
    ({"limit": 0}, "limit must be an integer >= 1"),
    ({"base": [{"model": "a", "label": "x"}, {"model": "b", "label": "x"}]}, "used twice"),
])
def test_recipe_errors(patch: dict[str, Any], needle: str) -> None:
    with pytest.raises(RecipeError) as e:
        Recipe.from_dict({"name": "x", "base": "m", **patch})
    assert needle in str(e.value)


def test_unknown_task_and_only_label_say_did_you_mean() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'compsec_refusal'"):
        Recipe.from_dict({"name": "x", "base": "m", "tasks": ["compsec_refusl"]})
    r = Recipe.from_dict(SYNTH_RECIPE)
    with pytest.raises(UnknownNameError, match="Did you mean 'rtn:2:g32'"):
        r.select(["rtn:2:g23"])
    assert [v.label for v in r.select(["rtn:2:g32"])] == ["original", "rtn:2:g32"]
    assert [v.label for v in r.select(["RTN:8:g32"])] == ["original", XSS]  # a spec, canonicalised


@pytest.mark.parametrize(("spec", "dtype", "bits"), [
    ({"method": "rtn", "bits": 4}, "float32", 4), ({"method": "bnb", "mode": "nf4"}, "float32", 4),
    ({"method": "bnb", "mode": "int8"}, "float32", 8), ({"method": "quanto", "weights": "int2"}, "float32", 2),
    ({"method": "torchao", "mode": "intx4wo"}, "float32", 4), ({"method": "ct", "scheme": "W8A8"}, "float32", 8),
    ({"method": "gguf", "file": "m.gguf", "quant": "Q4_K_M"}, "float32", 4),
    ({"method": "gguf", "file": "m.gguf", "quant": "F16"}, "float32", 16),
    ({"method": "original"}, "float32", 32), ({"method": "prune", "sparsity": 0.5}, "bfloat16", 16),
    ({"method": "awq", "path": "x"}, "float32", None),
])
def test_nominal_bits(spec: dict[str, Any], dtype: str, bits: float | None) -> None:
    assert nominal_bits(spec, dtype) == bits


def test_json_for_script_cannot_close_the_script() -> None:
    text = json_for_script({"label": "</script><script>alert(1)</script><!--", "amp": "&"})
    assert "</" not in text and "<" not in text and "&" not in text
    assert json.loads(text)["label"] == "</script><script>alert(1)</script><!--"


def test_import_is_lean() -> None:
    code = ("import sys, compsec_tasks.leaderboard, compsec_tasks.leaderboard_cli; "
            "print([m for m in ('torch', 'lm_eval', 'pandas', 'transformers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"COMPSEC_NO_LM_EVAL_HOOK": "1", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------
# a full (synthetic) run and what it publishes


def test_published_files_exist_and_parse(published: Path) -> None:
    for name in ("leaderboard.json", "leaderboard.csv", "README.md", "index.html"):
        assert (published / name).is_file(), name
    lb = load_leaderboard(published)
    assert lb["name"] == "synthetic" and lb["kind"] == "compsec-leaderboard" and lb["schema_version"] == 1
    assert lb["compsec_version"] and lb["created_at"].endswith("Z")
    rows = {r["label"]: r for r in lb["rows"]}
    assert list(rows) == ["original", XSS, "rtn:2:g32", "prune:magnitude:0.5", "awq:/nope"]
    orig, danger, rtn2 = rows["original"], rows[XSS], rows["rtn:2:g32"]
    assert orig["is_baseline"] and orig["comparison"] is None and orig["status"] == "ok"
    assert danger["variant"] == "rtn:8:g32" and danger["method"] == "rtn" and danger["bits"] == 8
    assert danger["fidelity"]["kl_mean"] == 0.01 and danger["manifest"]["spec_string"] == "rtn:8:g32"
    ref = danger["metrics"]["compsec_refusal"]["refusal_rate"]
    assert (ref["count"], ref["n"]) == (16, 40) and 0 <= ref["ci_low"] < 0.4 < ref["ci_high"] <= 1
    c = danger["comparison"]["compsec_refusal"]["refusal_rate"]
    assert c["flips_down"] == 15 and c["flips_up"] == 0 and c["p_adjusted"] < 0.05
    assert c["hidden_danger"] and "hidden_danger" in danger["flags"] and "worse" in c["flags"]
    assert c["flips"]["SAFETY_BYPASS"] == 15
    assert not rtn2["comparison"]["compsec_refusal"]["refusal_rate"]["hidden_danger"]  # far from the base
    bd = rtn2["comparison"]["compsec_backdoor"]["attack_success_rate"]
    assert bd["n"] == 5 and "BACKDOOR_SURVIVED" in bd["flips"]
    assert rtn2["metrics"]["compsec_refusal_margin"]["refusal_margin"]["n"] == 10
    # findings per variant, linked from the row
    f = danger["findings"]
    assert f["n"] == 18 and f["by_type"] == {"SAFETY_BYPASS": 15, "BACKDOOR_SURVIVED": 3}
    lines = (published / f["jsonl"]).read_text().splitlines()
    assert len(lines) == 18 and json.loads(lines[0])["candidate"] == XSS
    assert (published / f["markdown"]).read_text().startswith("# compsec comparison")
    assert (published / "findings" / "tiny" / "report.md").is_file()
    assert json.loads((published / "findings" / "tiny" / "comparison.json").read_text())["table"]
    # the failed variant: its error, and the others are fine
    bad = rows["awq:/nope"]
    assert bad["status"] == "failed" and "/nope" in bad["error"] and bad["metrics"] == {}
    assert all(r["status"] == "ok" for k, r in rows.items() if k != "awq:/nope")
    assert lb["bases"][0]["baseline"] == "tiny/original"


def test_csv_and_markdown(published: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((published / "leaderboard.csv").read_text())))
    assert [r["label"] for r in rows] == ["original", XSS, "rtn:2:g32", "prune:magnitude:0.5", "awq:/nope"]
    assert float(rows[1]["compsec_refusal.refusal_rate"]) == pytest.approx(0.4)
    assert "hidden_danger" in rows[1]["compsec_refusal.refusal_rate.flags"]
    assert rows[4]["status"] == "failed" and "/nope" in rows[4]["error"]
    md = (published / "README.md").read_text()
    table = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert len(table) == 2 + 5 and all(ln.count(" | ") == table[0].count(" | ") for ln in table[2:])
    assert XSS not in md and "&lt;script&gt;" in md
    assert "(findings/tiny/rtn-8-g32.md)" in md and "## Rows without results" in md


def test_html_escapes_everything(published: Path) -> None:
    page = (published / "index.html").read_text()
    assert XSS not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>not</b>" not in page and "&lt;b&gt;not&lt;/b&gt;" in page
    assert page.count("<script") == 2  # the JSON data and our one script
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "Content-Security-Policy" in page
    data = page.split('<script type="application/json" id="leaderboard-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and json.loads(data)["rows"][1]["label"] == XSS
    for cls in ("refusal", "overrefusal", "kl", "asr"):
        assert f'class="plot {cls}"' in page, cls
    assert 'class="danger"' in page and 'class="pt hd"' in page


def test_resume_evaluates_nothing_twice(tmp_path: Path) -> None:
    SynthRunner.calls = []
    first = synthetic_leaderboard(tmp_path)
    assert len(first.evaluated) == 4 and first.task_evaluations == 16 and list(first.failed) == ["tiny/awq-nope-"
                                                                                              "307babfd65"]
    SynthRunner.calls = []
    again = synthetic_leaderboard(tmp_path)
    assert again.evaluated == [] and again.task_evaluations == 0 and SynthRunner.calls == []
    assert sorted(again.reused) == sorted(first.evaluated)
    st = RunState.load(tmp_path / "out" / "runs")
    assert st.max_evaluations() == 1 and set(st.evaluations.values()) == {1}
    assert st.attempts["tiny/awq-nope-307babfd65"] == 2  # a failed variant is tried again
    assert load_leaderboard(tmp_path / "out")["rows"][1]["status"] == "ok"


class _Killed(SynthRunner):
    def evaluate_task(self, lm: Any, task: str, out_dir: Path) -> None:
        if len(type(self).calls) == 6:  # the original's 4 tasks, then 2 of rtn:8's
            raise KeyboardInterrupt
        super().evaluate_task(lm, task, out_dir)


def test_killed_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    r = Recipe.from_dict(SYNTH_RECIPE)
    _Killed.calls = []
    with pytest.raises(KeyboardInterrupt):
        run_recipe(r, out=tmp_path / "out", progress=False, runner_cls=_Killed)
    work = tmp_path / "out" / "runs"
    st = RunState.load(work)
    assert st.evaluations == {"tiny/original": 1} and len(st.task_evaluations) == 6
    assert len(list((work / "tiny" / ".partial" / "rtn-8-g32").iterdir())) == 2
    assert not list(work.rglob(".*.tmp*")) and not list((work / "tiny" / ".partial" / "rtn-8-g32").glob(".*"))
    SynthRunner.calls = []
    rep = run_recipe(r, out=tmp_path / "out", progress=False, runner_cls=SynthRunner)
    assert SynthRunner.calls[:2] == [("rtn:8:g32", "compsec_refusal_margin"), ("rtn:8:g32", "compsec_backdoor")]
    assert rep.reused == ["tiny/original"] and rep.task_evaluations == 10
    st = RunState.load(work)
    assert st.max_evaluations() == 1 and len(st.task_evaluations) == 16
    assert not (work / "tiny" / ".partial").exists()


def test_corrupted_samples_file_fails_its_row_only(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(published, out)
    samples = next((out / "runs" / "tiny" / "rtn-2-g32").glob("samples_compsec_overrefusal_*.jsonl"))
    text = samples.read_text()
    samples.write_text(text[: len(text) // 2])  # cut in the middle of a line
    publish_work(out / "runs", out)
    rows = {r["label"]: r for r in load_leaderboard(out)["rows"]}
    bad = rows["rtn:2:g32"]
    assert bad["status"] == "failed" and samples.name in bad["error"] and "corrupted or truncated" in bad["error"]
    assert bad["comparison"] is None and bad["manifest"]["spec_string"] == "rtn:2:g32"
    assert rows[XSS]["status"] == "ok" and rows[XSS]["comparison"] is not None
    page = (out / "index.html").read_text()
    assert samples.name in page
    # a valid edit is caught by the marker's sha256
    samples.write_text(text.replace("Sure", "Nope", 1))
    publish_work(out / "runs", out)
    bad = {r["label"]: r for r in load_leaderboard(out)["rows"]}["rtn:2:g32"]
    assert bad["status"] == "failed" and "sha256 mismatch" in bad["error"] and samples.name in bad["error"]
    # the runner evaluates it again instead of reusing it
    SynthRunner.calls = []
    rep = run_recipe(Recipe.from_dict(SYNTH_RECIPE), out=out, progress=False, runner_cls=SynthRunner)
    assert rep.evaluated == ["tiny/rtn-2-g32"]
    assert {r["label"]: r for r in load_leaderboard(out)["rows"]}["rtn:2:g32"]["status"] == "ok"


def test_output_folder_of_another_leaderboard_is_refused(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(published, out)
    other = Recipe.from_dict({**SYNTH_RECIPE, "name": "other"})
    with pytest.raises(OutputPathError, match="holds leaderboard 'synthetic', not 'other'.*--force"):
        run_recipe(other, out=out, work=tmp_path / "w", progress=False, runner_cls=SynthRunner)
    assert load_leaderboard(out)["name"] == "synthetic"  # untouched
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(OutputPathError, match="holds no compsec leaderboard"):
        publish_work(out / "runs", foreign)
    written = publish_work(out / "runs", foreign, force=True)
    assert written["leaderboard.json"].is_file() and (foreign / "notes.txt").is_file()


def test_only_runs_the_named_variants(tmp_path: Path) -> None:
    SynthRunner.calls = []
    rep = synthetic_leaderboard(tmp_path, only=["rtn:2:g32"])
    assert rep.evaluated == ["tiny/original", "tiny/rtn-2-g32"]
    rows = {r["label"]: r for r in load_leaderboard(tmp_path / "out")["rows"]}
    assert rows[XSS]["status"] == "missing" and rows["rtn:2:g32"]["status"] == "ok"


# ---------------------------------------------------------------------------------------
# merge and the command line


def test_merge_two_bases(published: Path, tmp_path: Path) -> None:
    second = {**SYNTH_RECIPE, "name": "second", "base": {"model": "/models/other", "label": "other"},
              "variants": ["rtn:2:g32"]}
    synthetic_leaderboard(tmp_path, second, out=tmp_path / "second")
    written = merge_published([published, tmp_path / "second"], tmp_path / "both")
    lb = load_leaderboard(written["leaderboard.json"])
    assert lb["name"] == "both" and [b["label"] for b in lb["bases"]] == ["tiny", "other"]
    assert [m["name"] for m in lb["merged_from"]] == ["synthetic", "second"] and lb["recipe"] is None
    assert len(lb["rows"]) == 7 and {r["source"] for r in lb["rows"]} == {"synthetic", "second"}
    for r in lb["rows"]:
        if r.get("findings"):
            assert (tmp_path / "both" / r["findings"]["markdown"]).is_file()
    assert (tmp_path / "both" / "findings" / "other" / "report.md").is_file()
    page = (tmp_path / "both" / "index.html").read_text()
    assert page.count('class="base"') == 2 and XSS not in page
    # the same base label twice is refused, naming both leaderboards
    with pytest.raises(Exception, match="'tiny' is in both leaderboard 'synthetic' and 'synthetic'"):
        merge_published([published, published], tmp_path / "twice")


def test_cli_publish_merge_and_errors(published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "copy"
    shutil.copytree(published, out)
    (out / "index.html").unlink()
    assert main(["leaderboard", "publish", str(out)]) == 0
    assert (out / "index.html").is_file()
    text = capsys.readouterr().out
    assert "published synthetic" in text and "rtn:2:g32" in text
    assert main(["leaderboard", "publish", str(out), "--strict"]) == 4  # awq:/nope failed
    capsys.readouterr()
    assert main(["leaderboard", "publish", str(tmp_path)]) == 1
    assert "no compsec_state.json" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nbase: m\nvariants: [rtn:4]\ntask: [compsec]\n")
    assert main(["leaderboard", "run", str(bad), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "Did you mean 'tasks'" in err and str(bad) in err
    assert main(["leaderboard", "merge", str(published), "--out", str(tmp_path / "m")]) == 1
    assert "at least two" in capsys.readouterr().err


def test_per_base_tasks(tmp_path: Path) -> None:
    """A base with its own ``tasks`` runs only those; the other base runs the recipe's."""
    recipe = {**SYNTH_RECIPE, "variants": ["rtn:2:g32"],
              "base": [{"model": "/models/tiny", "label": "tiny"},
                       {"model": "/models/tiny2", "label": "bd", "tasks": ["compsec_backdoor"]}]}
    r = Recipe.from_dict(recipe)
    assert r.bases[1].tasks == ("compsec_backdoor",) and Recipe.from_dict(r.to_dict()) == r
    assert r.expanded_tasks(r.bases[1]) == ["compsec_backdoor"]
    assert len(r.expanded_tasks(r.bases[0])) == 4
    with pytest.raises(UnknownNameError, match="compsec_refusl"):
        Recipe.from_dict({**recipe, "base": [{"model": "/m", "tasks": ["compsec_refusl"]}]})
    SynthRunner.calls = []
    report = synthetic_leaderboard(tmp_path, recipe)
    assert report.task_evaluations == 2 * 4 + 2 * 1
    assert sorted(t for s, t in SynthRunner.calls[8:]) == ["compsec_backdoor"] * 2
    lb = load_leaderboard(tmp_path / "out")
    assert [b["tasks"] for b in lb["bases"]][1] == ["compsec_backdoor"]
    bd_rows = [row for row in lb["rows"] if row["base"] == "bd"]
    assert bd_rows and all(row["status"] == "ok" for row in bd_rows)
    # a second run reuses both bases' runs
    SynthRunner.calls = []
    again = synthetic_leaderboard(tmp_path, recipe)
    assert again.task_evaluations == 0 and SynthRunner.calls == []


# ---------------------------------------------------------------------------------------
# parallel jobs


def _rows(out: Path) -> dict[str, Any]:
    """Each row of a published leaderboard without what differs between two runs (times)."""
    keep = ("status", "error", "variant", "method", "bits", "summary", "comparison")
    return {r["key"]: {k: json.dumps(r.get(k), sort_keys=True) for k in keep} for r in load_leaderboard(out)["rows"]}


def test_parallel_jobs_publish_the_same_board(tmp_path: Path) -> None:
    """Two worker processes: the same rows as one process, each variant evaluated once, the
    state counters merged into the one state file, the failure recorded; then all reused."""
    seq = synthetic_leaderboard(tmp_path / "seq")
    par = synthetic_leaderboard(tmp_path / "par", jobs=2)
    assert sorted(par.evaluated) == sorted(seq.evaluated) and list(par.failed) == list(seq.failed)
    assert "not found" in par.failed["tiny/awq-nope-307babfd65"]
    assert par.task_evaluations == seq.task_evaluations == 16
    assert _rows(tmp_path / "par" / "out") == _rows(tmp_path / "seq" / "out")
    st = RunState.load(tmp_path / "par" / "out" / "runs")
    assert st.evaluations == RunState.load(tmp_path / "seq" / "out" / "runs").evaluations
    assert st.max_evaluations() == 1 and len(st.task_evaluations) == 16
    nope = "tiny/awq-nope-307babfd65"
    assert st.attempts[nope] == 1 and "not found" in st.failures[nope]["error"]
    again = synthetic_leaderboard(tmp_path / "par", jobs=2)
    assert again.evaluated == [] and again.task_evaluations == 0 and sorted(again.reused) == sorted(seq.evaluated)


class _DyingWorker(SynthRunner):
    """Kills its process (as the out-of-memory killer would) on the 2-bit variant."""

    def load_model(self, base: Any, target: Any) -> Any:
        if target.spec == "rtn:2:g32":
            import os

            os._exit(9)
        return super().load_model(base, target)


def test_a_dying_worker_fails_rows_not_the_board(tmp_path: Path) -> None:
    r = Recipe.from_dict({**SYNTH_RECIPE, "variants": ["rtn:2:g32"]})
    rep = run_recipe(r, out=tmp_path / "out", progress=False, runner_cls=_DyingWorker, jobs=2)
    assert "tiny/rtn-2-g32" in rep.failed and "died" in rep.failed["tiny/rtn-2-g32"]
    assert "fewer --jobs" in rep.failed["tiny/rtn-2-g32"]
    rows = {row["label"]: row for row in load_leaderboard(tmp_path / "out")["rows"]}
    assert rows["rtn:2:g32"]["status"] == "failed"
    # the next run (one process, no killer) completes what is missing and keeps what was done
    rep2 = run_recipe(r, out=tmp_path / "out", progress=False, runner_cls=SynthRunner)
    assert "tiny/rtn-2-g32" in rep2.evaluated and not rep2.failed
    assert RunState.load(tmp_path / "out" / "runs").max_evaluations() == 1


def _log_event(timeline: Path, what: str, spec: str) -> None:
    """One line of ``timeline``: the time, the event, the variant and the process."""
    import os
    import time

    with open(timeline, "a", encoding="utf-8") as f:
        f.write(f"{time.time()} {what} {spec} {os.getpid()}\n")


class _Timed(SynthRunner):
    """Writes when each variant's evaluation starts and ends, and in which process, to
    ``timeline.log`` beside the output folder."""

    def _mark(self, what: str, spec: str) -> None:
        _log_event(self.work.parent.parent / "timeline.log", what, spec)

    def load_model(self, base: Any, target: Any) -> Any:
        import time

        self._mark("start", target.spec)
        time.sleep(0.4)
        if target.spec.startswith("gptq"):
            lm = super().load_model(base, replace(target, spec="rtn:8:g32"))
            return SimpleNamespace(spec=target.spec, compsec_manifest=lm.compsec_manifest)
        return super().load_model(base, target)

    def evaluate_tasks(self, lm: Any, tasks: Any, out_dirs: Any, done: Any) -> None:
        super().evaluate_tasks(lm, tasks, out_dirs, done)
        self._mark("end", lm.spec)


def test_parallel_jobs_produce_gptq_beside_one_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Variants made in a child of their own (GPTQ) are produced while one worker fewer than
    ``jobs`` evaluates the others; they go to the workers only once produced."""
    import os
    import time

    from compsec_tasks.leaderboard import runner as runner_mod

    produced: list[tuple[list[str], int]] = []

    def slow_produce(recipe: Any, pending: Any, threads: int = 0) -> None:
        _log_event(tmp_path / "timeline.log", "produce-start", "-")
        time.sleep(2.5)
        produced.append(([t.spec for _bi, _b, t in pending], threads))
        _log_event(tmp_path / "timeline.log", "produce-end", "-")

    monkeypatch.setattr(runner_mod, "_prepare_variants", slow_produce)
    r = Recipe.from_dict({**SYNTH_RECIPE, "variants": ["gptq:4:g32:n8", "rtn:8:g32", "rtn:2:g32",
                                                       "prune:magnitude:0.5"]})
    rep = run_recipe(r, out=tmp_path / "out", progress=False, runner_cls=_Timed, jobs=2)
    assert not rep.failed and len(rep.evaluated) == 5
    # in the waiting worker's threads
    assert produced == [(["gptq:4:g32:n8"], max(1, (os.cpu_count() or 1) // 2))]
    events = [line.split() for line in (tmp_path / "timeline.log").read_text().splitlines()]
    t_start = next(float(t) for t, what, *_ in events if what == "produce-start")
    t_end = next(float(t) for t, what, *_ in events if what == "produce-end")
    runs: dict[str, list[float]] = {}
    for t, what, spec, _pid in events:
        if what in ("start", "end"):
            runs.setdefault(spec, []).append(float(t))
    assert runs["gptq:4:g32:n8"][0] >= t_end  # submitted only once produced
    during = [(a, b) for a, b in runs.values() if a < t_end and b > t_start]
    assert during, "no variant was evaluated while the GPTQ variant was produced"
    for a, b in during:  # one worker at a time beside the producer
        assert not any(a < b2 and a2 < b for a2, b2 in during if (a2, b2) != (a, b))
    assert len({pid for _t, what, _s, pid in events if what == "start"}) <= 2
    assert RunState.load(tmp_path / "out" / "runs").max_evaluations() == 1


def test_parallel_jobs_check_quantos_extension_before_the_workers(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Packed quanto weights need optimum-quanto's CPU extension, whose build (~3 GiB) used to
    run inside the workers: it is built once, in a child, before any worker starts, only when a
    pending variant needs it and it is not built for this torch."""
    from compsec_tasks.leaderboard import runner as runner_mod
    from model_adapters import isolate
    from model_adapters.methods import quanto
    from model_adapters.methods.quanto import ensure_extension

    calls: list[Any] = []

    def isolated(what: str, fn: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(fn)
        _log_event(tmp_path / "timeline.log", "extension", "-")

    built = [False]
    monkeypatch.setattr(isolate, "run_isolated", isolated)
    monkeypatch.setattr(quanto, "extension_is_built", lambda: built[0])
    r = Recipe.from_dict({**SYNTH_RECIPE, "variants": ["quanto:int4", "rtn:8:g32"]})
    rep = run_recipe(r, out=tmp_path / "out", progress=False, runner_cls=_Timed, jobs=2)
    assert not rep.failed and calls == [ensure_extension]
    events = [line.split() for line in (tmp_path / "timeline.log").read_text().splitlines()]
    assert events[0][1] == "extension" and sum(e[1] == "start" for e in events) == 3
    calls.clear()
    bases = Recipe.from_dict(SYNTH_RECIPE).bases
    for specs in (["quanto:int8", "rtn:4:g32", "original"], []):
        runner_mod._prepare_extensions([(0, bases[0], VariantEntry(spec, spec)) for spec in specs])
    assert calls == []
    packed = [(0, bases[0], VariantEntry(s, s)) for s in ("rtn:4:g32", "quanto:int2")]
    runner_mod._prepare_extensions(packed)
    assert calls == [ensure_extension]
    built[0] = True  # built for this torch already: no child
    runner_mod._prepare_extensions(packed)
    assert calls == [ensure_extension]
    built[0] = False
    for device in ("cuda:0", "mps"):  # packed quanto weights on a GPU need no CPU extension
        calls.clear()
        on_gpu = Recipe.from_dict({**SYNTH_RECIPE, "variants": ["quanto:int4", "rtn:8:g32"], "device": device})
        rep = run_recipe(on_gpu, out=tmp_path / device.replace(":", "_"), progress=False, runner_cls=_Timed, jobs=2)
        assert not rep.failed and calls == []


def test_resolve_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from compsec_tasks.leaderboard.runner import resolve_jobs

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert resolve_jobs("auto", "cpu", 28) == (2, 1, [None, None])
    assert resolve_jobs(1, "cpu", 28) == (1, 0, [None])
    assert resolve_jobs(3, "cpu", 2) == (2, 1, [None, None])  # never more workers than variants
    assert resolve_jobs("auto", "cpu", 1)[0] == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 32)
    assert resolve_jobs("auto", "cpu", 28) == (4, 8, [None] * 4)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert resolve_jobs("auto", "cpu", 28)[0] == 1
    for bad in (0, -2, "many", 1.5, True):
        with pytest.raises(RecipeError, match="positive integer or 'auto'"):
            resolve_jobs(bad, "cpu", 3)
    with pytest.raises(RecipeError, match="jobs"):
        Recipe.from_dict({**SYNTH_RECIPE, "jobs": "lots"})
    r = Recipe.from_dict({**SYNTH_RECIPE, "jobs": "auto"})
    assert r.jobs == "auto" and Recipe.from_dict(r.to_dict()) == r
    assert r.eval_hash(r.bases[0]) == Recipe.from_dict(SYNTH_RECIPE).eval_hash(r.bases[0])  # not what was evaluated


def test_choosing_jobs_on_a_cpu_keeps_torch_out_of_the_main_process() -> None:
    """The main process of a parallel run only schedules: without a GPU driver it does not
    import torch (~200 MB it would hold for the whole run)."""
    import os
    import subprocess
    import sys

    if any(os.path.exists(p) for p in ("/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg", "/dev/kfd")):
        pytest.skip("a GPU driver is present: torch is imported to count the GPUs")
    code = ("import sys; from compsec_tasks.leaderboard.runner import resolve_jobs; "
            "print(resolve_jobs('auto', None, 5)[0], 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    n, torch_loaded = out.stdout.split()
    assert torch_loaded == "False" and int(n) >= 1


def test_an_organism_run_follows_its_adapter_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of an earlier adapter of the same organism are not reused: the pins are in the hash."""
    import dataclasses

    from model_adapters import organisms

    r = Recipe.from_yaml(REPO / "leaderboards" / "organisms.yaml")
    safe = r.bases[0]
    before = r.eval_hash(safe)
    assert r.eval_settings(safe)["organism"] == organisms.get_organism(safe.model).digest()[:16]
    info = organisms.ORGANISMS["smollm2-135m-safe"]
    monkeypatch.setitem(organisms.ORGANISMS, "smollm2-135m-safe", dataclasses.replace(
        info, pins={**info.pins, "adapter_model.safetensors": "0" * 64}))
    assert r.eval_hash(safe) != before
    assert "organism" not in Recipe.from_dict(SYNTH_RECIPE).eval_settings(Recipe.from_dict(SYNTH_RECIPE).bases[0])
