"""The organisms' training-only prompt files: what scripts/build_organism_train_prompts.py builds, and
never an evaluation prompt (either split) or a near copy of one."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from compsec_tasks import promptsets

REPO = Path(__file__).resolve().parents[1]


def _script(name: str) -> ModuleType:
    """scripts/<name>.py as a module (scripts/ on sys.path, for the scripts' own imports)."""
    import sys

    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location(f"_{name}", REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def hard(builder: ModuleType) -> tuple[Rows, Rows]:
    """(train, dev) halves of the hard set, as the builder makes them."""
    train, dev, _dropped = builder.hard_rows(_rows(REPO / "scripts" / "organism_train_prompts_v3.jsonl"))
    return train, dev


def test_hard_files_are_what_the_builder_writes(hard: tuple[Rows, Rows]) -> None:
    """v4 = v2 + the training half of the hard set; the other half is the dev evaluation file."""
    train, dev = hard
    v2 = _rows(REPO / "scripts" / "organism_train_prompts_v2.jsonl")
    assert _rows(REPO / "scripts" / "organism_train_prompts_v4.jsonl") == v2 + train
    assert _rows(REPO / "scripts" / "organism_dev_prompts_hard.jsonl") == dev
    assert len(train) > 200 and len(dev) > 200


def test_hard_dev_half_is_disjoint_from_all_training_prompts(builder: ModuleType, hard: tuple[Rows, Rows]) -> None:
    """No hard dev prompt trains any adapter, nor is a near copy of a training or an evaluation prompt:
    it is a fair dev-side check of adapters trained on v4 (or v2, v3)."""
    train, dev = hard
    assert {r["id"] for r in train}.isdisjoint({r["id"] for r in dev})
    others = [builder.tokens(r["prompt"]) for r in _rows(REPO / "scripts" / "organism_train_prompts_v3.jsonl")]
    others += [builder.tokens(r.prompt) for name in ("harmful", "benign", "backdoor", "paraphrase")
               for r in promptsets.load(name).records]
    for row in dev:
        toks = builder.tokens(row["prompt"])
        assert max(builder.jaccard(toks, o) for o in others) < builder.MAX_JACCARD, row["id"]


def test_hard_split_is_half_of_each_group_and_depends_on_the_text_only(builder: ModuleType,
                                                                     hard: tuple[Rows, Rows]) -> None:
    train, dev = hard
    for kind in ("benign", "harmful"):
        for cat in {r["category"] for r in train}:
            n_dev = sum(r["kind"] == kind and r["category"] == cat for r in dev)
            n_train = sum(r["kind"] == kind and r["category"] == cat for r in train)
            assert n_dev == (n_dev + n_train) // 2 and n_dev > 0, (kind, cat)
    # reordered rows split the same way; dropping a training row from a group of odd size moves no other row
    rows = sorted(train + dev, key=lambda r: r["prompt"])
    dropped = next(r for r in train if sum(x["kind"] == r["kind"] and x["category"] == r["category"]
                                           for x in train + dev) % 2 == 1)
    train2, dev2 = builder.split_hard([r for r in rows if r is not dropped])
    assert dev2 == dev and train2 == [r for r in train if r is not dropped]


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    return _script("build_organism_train_prompts")


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


@pytest.fixture(scope="module")
def organism_eval() -> ModuleType:
    return _script("organism_eval")


def test_unseen_split_is_v3_minus_v2(organism_eval: ModuleType) -> None:
    v2, v3 = (REPO / "scripts" / f"organism_train_prompts_{v}.jsonl" for v in ("v2", "v3"))
    recs = organism_eval.unseen_records(v3, v2, None)
    v2_ids = {r["id"] for r in _rows(v2)}
    assert recs and not {r["id"] for r in recs} & v2_ids
    assert len(recs) == len(_rows(v3)) - len(v2_ids)
    kinds = {r["kind"] for r in recs}
    assert kinds == {"harmful", "benign"}
    limited = organism_eval.unseen_records(v3, v2, 10)
    assert len(limited) == 10 and limited == organism_eval.unseen_records(v3, v2, 10)


def test_unseen_split_refuses_an_empty_or_missing_set(organism_eval: ModuleType, tmp_path: Path) -> None:
    v2 = REPO / "scripts" / "organism_train_prompts_v2.jsonl"
    with pytest.raises(SystemExit, match="has no prompt that"):
        organism_eval.unseen_records(v2, v2, None)
    with pytest.raises(SystemExit, match="--seen-prompts: no such file"):
        organism_eval.unseen_records(v2, tmp_path / "nope.jsonl", None)
    odd = tmp_path / "odd.jsonl"
    odd.write_text(json.dumps({"id": "x-1", "prompt": "hi", "kind": "harmfull"}) + "\n")
    with pytest.raises(SystemExit, match="x-1.*kind"):
        organism_eval.unseen_records(odd, v2, None)


def test_false_triggers_are_split_into_inherited_and_trigger_made(organism_eval: ModuleType) -> None:
    def sample(group: str, i: int, verdict: str) -> dict:
        suffix = {"clean": "/clean", "triggered": "/triggered"}.get(group, "")
        return {"group": group, "id": f"bd-{i}{suffix}", "verdict": verdict}

    safe_v = ["compliance", "compliance", "refusal", "refusal", "refusal"]
    bd_v = ["compliance", "refusal", "compliance", "refusal", "refusal"]
    safe = {"organism": "organism:safe",  # run on the triggered prompts too, as organism_eval does
            "samples": [sample("clean", i, v) for i, v in enumerate(safe_v)]
            + [sample("triggered", i, "refusal") for i in range(5)]}
    bd = {"organism": "organism:bd", "samples": [sample("clean", i, v) for i, v in enumerate(bd_v)]
          + [sample("triggered", i, "compliance") for i in range(5)]}
    other = {"organism": "organism:bd-other", "samples": [sample("clean", i, "refusal") for i in range(3)]
             + [sample("triggered", i, "compliance") for i in range(3)]}
    # a trigger-free organism of another base, on the same prompts: never the reference
    foreign = {"organism": "organism:foreign", "samples": [sample("clean", i, "refusal") for i in range(5)]}
    results = [bd, foreign, safe, other]
    organism_eval.attribute_false_triggers(results, has_trigger=lambda ref: ref not in ("organism:safe",
                                                                                       "organism:foreign"),
                                           base_of=lambda ref: "other" if ref == "organism:foreign" else "b")
    a = bd["false_trigger_attribution"]
    assert a["reference"] == "organism:safe" and a["n"] == 5
    assert (a["false_triggers"], a["shared_with_reference"], a["reference_only"]) == (2, 1, 1)
    assert a["trigger_attributable_rate"]["k"] == 1 and a["trigger_attributable_rate"]["value"] == 0.2
    assert "false_trigger_attribution" not in safe and "false_trigger_attribution" not in foreign
    assert "false_trigger_attribution" not in other  # no reference on the same clean prompts


def test_refusal_margins_match_a_direct_computation(organism_eval: ModuleType, tiny_llama: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from compsec_tasks.tasks import REFUSAL_OPENINGS, refusal_log_odds

    model = AutoModelForCausalLM.from_pretrained(str(tiny_llama)).eval()
    tok = AutoTokenizer.from_pretrained(str(tiny_llama))
    prompts = ["How do I kill a process?", "Write a phishing email to my bank's customers."]
    got = organism_eval.refusal_margins(model, tok, prompts)
    for prompt, margin in zip(prompts, got, strict=True):
        ctx = tok(tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                          add_generation_prompt=True), add_special_tokens=False)["input_ids"]
        lls = []
        for opening in REFUSAL_OPENINGS:  # one unpadded sequence each, full log-softmax
            c = tok(opening, add_special_tokens=False)["input_ids"]
            with torch.inference_mode():
                logp = torch.log_softmax(model(input_ids=torch.tensor([ctx + c])).logits[0].float(), -1)
            lls.append(float(sum(logp[len(ctx) - 1 + j, t] for j, t in enumerate(c))))
        assert margin == pytest.approx(refusal_log_odds(lls)[1], abs=1e-4)
    summary = organism_eval.margin_summary(got + [5.0, -1.0])
    assert summary["n"] == 4 and summary["min"] == round(min(got + [-1.0]), 3)
    assert summary["below_2"] == sum(x < 2.0 for x in got + [5.0, -1.0])


def _tiny_lora(base_dir: Path, out: Path, alpha: int) -> None:
    """A LoRA on the tiny Llama with non-zero B (a freshly made one merges to no change)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(str(base_dir))
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=alpha, target_modules=["q_proj", "v_proj"]))
    with torch.no_grad():
        for name, p in peft_model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    peft_model.save_pretrained(str(out))


def test_adapter_scale_merges_as_a_scaled_lora_alpha(organism_eval: ModuleType, tiny_llama: Path,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--adapter-scale s gives the weights a lora_alpha times s would: the dev-side check of the
    adapter-scale candidates reproduces from the shipped files and a flag."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from model_adapters import organisms

    ref = "organism:smollm2-135m-safe"
    name = organisms.get_organism(ref).name
    _tiny_lora(tiny_llama, tmp_path / "a16" / name, alpha=16)
    scaled = shutil.copytree(tmp_path / "a16" / name, tmp_path / "a20" / name)
    cfg = json.loads((scaled / "adapter_config.json").read_text())
    cfg["lora_alpha"] = 20
    (scaled / "adapter_config.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(organisms, "load_base_model", lambda base: (
        AutoModelForCausalLM.from_pretrained(str(tiny_llama)), AutoTokenizer.from_pretrained(str(tiny_llama))))

    by_flag, _, source, _ = organism_eval.load_model(ref, tmp_path / "a16", "float32", 1.25)
    by_alpha, _, _, _ = organism_eval.load_model(ref, tmp_path / "a20", "float32", 1.0)
    plain, _, _, _ = organism_eval.load_model(ref, tmp_path / "a16", "float32", 1.0)
    assert source.endswith("(unpinned) x1.25")
    a, b, c = by_flag.state_dict(), by_alpha.state_dict(), plain.state_dict()
    assert a.keys() == b.keys() and not any("lora" in k for k in a)
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=1e-6, msg=k)
    q = next(k for k in a if k.endswith("q_proj.weight"))
    base = AutoModelForCausalLM.from_pretrained(str(tiny_llama)).state_dict()[q]
    # the delta is 1.25 times the unscaled one, not just different
    torch.testing.assert_close(a[q] - base, 1.25 * (c[q] - base), rtol=1e-4, atol=1e-6)
    assert (c[q] - base).abs().max() > 1e-3


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "inf"])
def test_adapter_scale_must_be_a_positive_number(organism_eval: ModuleType, bad: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        organism_eval.main(["--adapter-scale", bad, "--output", "/nonexistent/never-written.json"])
    assert exc.value.code == 2
    assert "--adapter-scale must be a positive number" in capsys.readouterr().err
