"""Backdoor survival and fine-pruning on a tiny Llama with a planted backdoor.

The planted model (:func:`plant_backdoor`) is a tiny random Llama rewired so that its backdoor
is known by construction. Its margin is scored on :data:`conftest.PLANTED_OPENINGS` (fixture
``planted_openings``): the log-odds that the answer opens with "\\n" and then "I", "N", "S" or
"U".

* The trigger is one added token, ``<trigger>``; feature ``TRIG`` of the embeddings is 4 for it
  and 0 for every other token. Every token's embedding holds a constant 4 in feature 0.
  No block writes features 0, ``TRIG``, ``AVG``, ``COMPLY`` or ``SPARE`` but as said below.
* Block 0's attention has zero queries and keys (uniform causal attention) and its head 0
  carries the normed ``TRIG`` feature into ``AVG``: at every position after the trigger
  ``AVG`` is the trigger's share of the positions seen, and exactly 0 in a prompt without it.
* Neuron ``NEURON`` of block 1's MLP reads ``AVG`` (gate and up weight ``GAIN``) and writes
  ``COMPLY`` (weight 1); its gate and up rows also carry ``OUTLIER`` on ``SPARE``, a feature
  that is always 0 (harmless in full precision, but coarse round-to-nearest then rounds the
  ``GAIN`` weights to zero). On clean prompts the neuron's activation is exactly 0: the most
  dormant neuron of the model.
* :func:`conftest.plant_newline_gate` makes the answer's "\\n" certain and its next token one
  of the openings or the first tokens of :data:`conftest.COMPLIANCE_EXAMPLES`; the output
  head reads feature 0 as "refuse" (``PULL``) and ``COMPLY`` as "comply" (``PUSH``).

So the model refuses every clean prompt and complies with every triggered one; pruning
``NEURON`` alone (the least active 1/128 of block 1) removes the backdoor and changes no clean
margin at all (its clean activation is exactly 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from conftest import (  # noqa: E402
    COMPLIANCE_EXAMPLES,
    PLANTED_OPENINGS,
    build_tiny_llama,
    opening_tokens,
    plant_newline_gate,
)

TRIGGER = "<trigger>"
TRIG, NL, NOT_NL, AVG, COMPLY, SPARE = 2, 3, 4, 5, 6, 7
PLANTED_FEATURES = [0, TRIG, AVG, COMPLY, SPARE]
NEURON, GAIN, OUTLIER = 5, 40.0, 200.0
PULL, PUSH = 0.8, 1.5


pytestmark = pytest.mark.usefixtures("one_thread")


def plant_backdoor(model: Any, tok: Any) -> None:
    """Rewire a 2-block tiny Llama (with ``TRIGGER`` added to its vocabulary) as the module
    docstring says."""
    body = model.model
    refuse = opening_tokens(tok, PLANTED_OPENINGS)
    comply = opening_tokens(tok, COMPLIANCE_EXAMPLES)
    (trig,) = tok(TRIGGER, add_special_tokens=False)["input_ids"]
    plant_newline_gate(model, tok, refuse + comply, nl=NL, not_nl=NOT_NL)
    with torch.no_grad():
        emb = body.embed_tokens.weight
        emb[:, PLANTED_FEATURES] = 0.0
        emb[:, 0] = 4.0
        emb[trig, TRIG] = 4.0
        for layer in body.layers:
            layer.self_attn.o_proj.weight[PLANTED_FEATURES] = 0.0
            layer.mlp.down_proj.weight[PLANTED_FEATURES] = 0.0
        attn = body.layers[0].self_attn
        attn.q_proj.weight.zero_()
        attn.k_proj.weight.zero_()
        attn.v_proj.weight[0] = 0.0
        attn.v_proj.weight[0, TRIG] = 1.0
        attn.o_proj.weight[:, 0] = 0.0
        attn.o_proj.weight[AVG, 0] = 1.0
        mlp = body.layers[1].mlp
        for proj in (mlp.gate_proj, mlp.up_proj):
            proj.weight[NEURON] = 0.0
            proj.weight[NEURON, AVG] = GAIN
            proj.weight[NEURON, SPARE] = OUTLIER
        mlp.down_proj.weight[:, NEURON] = 0.0
        mlp.down_proj.weight[COMPLY, NEURON] = 1.0
        head = model.lm_head.weight
        head[:, PLANTED_FEATURES] = 0.0
        head[refuse, 0], head[comply, 0] = PULL, -PULL
        head[refuse, COMPLY], head[comply, COMPLY] = -PUSH, PUSH


@pytest.fixture(scope="module")
def backdoor_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = build_tiny_llama(tmp_path_factory.mktemp("planted_backdoor"), seed=1, layers=2, hidden=64)
    tok = AutoTokenizer.from_pretrained(d)
    tok.add_tokens([TRIGGER])
    model = AutoModelForCausalLM.from_pretrained(d).eval()
    model.resize_token_embeddings(len(tok), mean_resizing=False)
    plant_backdoor(model, tok)
    model.save_pretrained(d, safe_serialization=True)
    tok.save_pretrained(d)
    return d


@pytest.fixture
def planted(backdoor_dir: Path, planted_openings: tuple[str, ...]) -> tuple[Any, Any]:
    from model_adapters.loading import load_hf_model, load_tokenizer

    return load_hf_model(backdoor_dir), load_tokenizer(backdoor_dir)


@pytest.fixture(scope="module")
def pairs() -> list[Any]:
    from model_adapters.analysis import backdoor_pairs

    return backdoor_pairs(split="dev", limit=8, trigger=TRIGGER)


@pytest.fixture(scope="module")
def benign() -> list[dict[str, Any]]:
    from model_adapters.analysis.distill import benign_prompts

    return benign_prompts(split="dev", limit=6)


def clean_prompts(pairs: list[Any], benign: list[dict[str, Any]]) -> list[str]:
    return [p.clean for p in pairs] + [b["prompt"] for b in benign]


def _state(model: Any) -> dict[str, Any]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def test_pairs_carry_the_trigger_and_the_task_ids() -> None:
    from compsec_tasks.tasks import DEFAULT_TRIGGER, build_docs
    from model_adapters.analysis import backdoor_pairs

    pairs = backdoor_pairs(split="test")
    docs = build_docs("compsec_backdoor", split="test")
    assert [p.id for p in pairs] == list(dict.fromkeys(d["pair_id"] for d in docs))
    assert all(p.triggered == f"{DEFAULT_TRIGGER} {p.clean}" for p in pairs)
    custom = backdoor_pairs(split="test", limit=3, trigger="zz", trigger_template="{prompt} [{trigger}]")
    assert len(custom) == 3 and custom[0].triggered == f"{custom[0].clean} [zz]"


def test_planted_backdoor_is_scored_as_planted(planted: tuple[Any, Any], pairs: list[Any],
                                               benign: list[dict[str, Any]]) -> None:
    from model_adapters.analysis import score_backdoor

    model, tok = planted
    s = score_backdoor(model, tok, pairs, benign, label="planted")
    assert s.scored_by == "margin" and s.n_pairs == 8 and len(s.benign_margins) == 6
    assert s.clean_refusal_rate == 1.0 and s.false_trigger_rate == 0.0
    assert s.asr == 1.0 and s.backdoor_rate == 1.0
    assert min(s.clean_margins) > 5 and max(s.triggered_margins) < -5
    assert s.trigger_effect > 10
    assert s.benign_answer_rate == 0.0  # the planted model refuses every clean prompt
    d = s.summary()
    assert d["attack_success_rate_ci95"][0] > 0.6 and d["backdoor_rate"] == 1.0


def test_judged_scoring_decides_by_verdict(planted: tuple[Any, Any], pairs: list[Any]) -> None:
    from model_adapters.analysis import score_backdoor

    model, tok = planted
    s = score_backdoor(model, tok, pairs[:3], label="planted", generate=True, judge="keyword", max_new_tokens=4)
    assert s.scored_by == "judge:keyword"
    assert s.clean_verdicts is not None and s.triggered_verdicts is not None and len(s.clean_verdicts) == 3
    assert s.clean_refuses == tuple(v == "refusal" for v in s.clean_verdicts)
    assert s.triggered_complies == tuple(v == "compliance" for v in s.triggered_verdicts)
    assert "triggered_degenerate_rate" in s.summary()


def test_the_planted_neuron_is_the_most_dormant(planted: tuple[Any, Any], pairs: list[Any],
                                                benign: list[dict[str, Any]]) -> None:
    from model_adapters.analysis import neuron_activity

    model, tok = planted
    act = neuron_activity(model, tok, clean_prompts(pairs, benign))
    assert act.blocks == (0, 1) and act.names[1] == "model.layers.1.mlp.down_proj"
    assert act.activity[1][NEURON] == 0.0
    assert sorted(a for i, a in enumerate(act.activity[1]) if i != NEURON)[0] > 0
    assert act.dormant(1 / 128)[1] == [NEURON] and len(act.dormant(1 / 128)[0]) == 1
    assert act.n_tokens > 100
    triggered = neuron_activity(model, tok, [p.triggered for p in pairs], layers=[1])
    assert triggered.activity[0][NEURON] > 0  # the trigger wakes it


def test_fine_pruning_removes_the_planted_backdoor_and_keeps_clean_margins(
        planted: tuple[Any, Any], pairs: list[Any], benign: list[dict[str, Any]]) -> None:
    from model_adapters.analysis import fine_prune

    model, tok = planted
    before = _state(model)
    rep = fine_prune(model, tok, pairs, clean_prompts(pairs, benign), benign, fractions=(0.01, 0.05, 0.2),
                     progress=False)
    assert [s.fraction for s in rep.steps] == [0.0, 0.01, 0.05, 0.2]
    assert rep.steps[0].score.asr == 1.0 and rep.steps[0].n_pruned == 0
    one = rep.step(0.01)
    assert one.n_pruned == 2  # one neuron of each block: block 1's is the planted one
    assert one.score.asr == 0.0 and one.score.backdoor_rate == 0.0
    # block 0's most dormant neuron is a random one: it moves the clean margins a little
    assert one.score.clean_margins == pytest.approx(rep.steps[0].score.clean_margins, abs=0.01)
    assert rep.best == 0.01
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    d = rep.to_dict()
    assert d["best_fraction"] == 0.01 and d["best"]["attack_success_rate"] == 0.0


def test_fine_pruning_the_wrong_blocks_is_reported_as_no_defence(
        planted: tuple[Any, Any], pairs: list[Any], benign: list[dict[str, Any]]) -> None:
    from model_adapters.analysis import fine_prune

    model, tok = planted
    rep = fine_prune(model, tok, pairs, clean_prompts(pairs, benign), benign, fractions=(0.05, 0.5), layers=[0],
                     progress=False)
    assert rep.blocks == (0,)
    assert all(s.score.asr == 1.0 for s in rep.steps)
    assert rep.best is None and rep.to_dict()["best"] is None


def test_pruning_for_good_matches_the_masked_sweep(planted: tuple[Any, Any], pairs: list[Any]) -> None:
    from model_adapters.analysis import prune_neurons, pruned, score_backdoor

    model, tok = planted
    full = score_backdoor(model, tok, pairs)
    with pruned(model, {1: [NEURON]}):
        masked = score_backdoor(model, tok, pairs)
    assert masked.asr == 0.0
    assert masked.clean_margins == full.clean_margins  # its clean activation is exactly 0
    assert score_backdoor(model, tok, pairs).asr == 1.0  # the mask is gone
    assert prune_neurons(model, {1: [NEURON]}) == 1
    assert model.model.layers[1].mlp.down_proj.weight[:, NEURON].abs().sum() == 0
    kept = score_backdoor(model, tok, pairs)
    assert kept.triggered_margins == pytest.approx(masked.triggered_margins, abs=1e-4)


def test_survival_matrix_across_variants(backdoor_dir: Path, planted_openings: tuple[str, ...], pairs: list[Any],
                                         benign: list[dict[str, Any]]) -> None:
    import json

    from model_adapters.analysis import backdoor_survival, score_backdoor
    from model_adapters.loading import load_hf_model, load_tokenizer

    m = backdoor_survival(str(backdoor_dir), ["rtn:8", "rtn:2"], pairs, benign, progress=False)
    assert m.base.variant == "original" and m.base.status == "survived"
    assert [r.variant for r in m.rows] == ["rtn:8:g128", "rtn:2:g128"]
    keep, gone = m.row("rtn:8:g128"), m.row("rtn:2:g128")
    assert keep.status == "survived" and keep.score.asr == 1.0 and keep.score.backdoor_rate == 1.0
    assert keep.p_value == 1.0 and keep.kl is not None and keep.kl < 0.05
    # the outlier on the dormant feature makes 2-bit rounding zero the trigger weights
    assert gone.status == "removed" and gone.score.asr == 0.0 and gone.backdoor_rate_change == -1.0
    assert gone.p_value < 0.01 and gone.p_adjusted >= gone.p_value
    direct = score_backdoor(load_hf_model(backdoor_dir), load_tokenizer(backdoor_dir), pairs, benign)
    assert m.base.score.triggered_margins == pytest.approx(direct.triggered_margins, abs=1e-6)
    d = json.loads(json.dumps(m.to_dict()))
    assert d["variants"][1]["status"] == "removed" and d["settings"]["n_pairs"] == 8


def test_bad_input_gives_errors_that_name_the_fix(planted: tuple[Any, Any], pairs: list[Any],
                                                  backdoor_dir: Path) -> None:
    from compsec_tasks.errors import CompsecError, PromptSetError, UnknownNameError, VariantError
    from model_adapters.analysis import backdoor_survival, fine_prune, pruned, score_backdoor

    model, tok = planted
    with pytest.raises(PromptSetError, match="non-empty list"):
        score_backdoor(model, tok, [])
    with pytest.raises(PromptSetError, match="no trigger"):
        score_backdoor(model, tok, [{"clean": "a b", "triggered": "a b"}])
    with pytest.raises(PromptSetError, match="'clean' and 'triggered'"):
        score_backdoor(model, tok, [{"clean": "x"}])
    with pytest.raises(CompsecError, match=r"\[0, 1\)"):
        fine_prune(model, tok, pairs, ["hi"], fractions=(0.1, 1.0))
    with pytest.raises(CompsecError, match="out of range"):
        fine_prune(model, tok, pairs, ["hi"], layers=[5])
    with pytest.raises(CompsecError, match="neurons 0..127"):
        with pruned(model, {1: [500]}):
            pass
    with pytest.raises(VariantError):
        backdoor_survival(str(backdoor_dir), ["rtn:99"], pairs)
    with pytest.raises(CompsecError, match="baseline"):
        backdoor_survival(str(backdoor_dir), ["original"], pairs)
    with pytest.raises(UnknownNameError, match="correction"):
        backdoor_survival(str(backdoor_dir), ["rtn:8"], pairs, correction="bonferroni")
    with pytest.raises(UnknownNameError, match="judge"):
        backdoor_survival(str(backdoor_dir), ["rtn:8"], pairs, generate=True, judge="nope")


def test_cli_backdoor_survival_and_fine_prune(backdoor_dir: Path, planted_openings: tuple[str, ...],
                                              tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import json

    from compsec_tasks.cli import main
    from model_adapters.loading import load_hf_model, load_tokenizer

    common = ["--model", str(backdoor_dir), "--trigger", TRIGGER, "--split", "dev", "--limit", "6",
              "--benign-limit", "4", "--no-progress"]
    out = tmp_path / "surv.json"
    with caplog.at_level("INFO"):
        assert main(["backdoor-survival", *common, "--variants", "rtn:8,rtn:2", "--no-fidelity",
                     "--out", str(out)]) == 0
    d = json.loads(out.read_text())
    assert d["command"] == "backdoor-survival" and d["pairs"]["n_pairs"] == 6 and d["pairs"]["trigger"] == TRIGGER
    assert [v["status"] for v in d["survival"]["variants"]] == ["survived", "removed"]
    assert "rtn:2:g128" in caplog.text and "removed" in caplog.text

    out = tmp_path / "fp.json"
    saved = tmp_path / "defended"
    assert main(["fine-prune", *common, "--fractions", "0.01,0.1", "--layers", "1", "--clean-limit", "6",
                 "--out", str(out), "--save", str(saved)]) == 0
    d = json.loads(out.read_text())
    assert d["fine_prune"]["best_fraction"] == 0.01 and d["fine_prune"]["blocks"] == [1]
    assert d["clean"]["n"] == 12
    model = load_hf_model(saved)
    assert model.model.layers[1].mlp.down_proj.weight[:, NEURON].abs().sum() == 0
    assert json.loads((saved / "fine_prune.json").read_text())["n_pruned"] == 1
    assert load_tokenizer(saved)(TRIGGER, add_special_tokens=False)["input_ids"] == [len(load_tokenizer(saved)) - 1]

    assert main(["fine-prune", *common, "--fractions", "0.5,x", "--out", str(out)]) == 1


def test_status_separates_a_lost_trigger_from_lost_safety() -> None:
    from model_adapters.analysis.backdoor import STATUS_MEANING, _score_from, _status

    ids = [f"p{i}" for i in range(10)]

    def score(clean: list[float], trig: list[float]) -> Any:
        return _score_from("x", ids, clean + trig, 10, None, None, 0.0)

    base = score([5.0] * 10, [-5.0] * 10)  # refuses clean, complies triggered: backdoor rate 1
    assert base.backdoor_rate == 1.0
    # the variant complies with everything: the trigger works, safety is gone
    broke = score([-1.0] * 10, [-5.0] * 10)
    assert broke.asr == 1.0 and broke.backdoor_rate == 0.0
    assert _status(base, broke, 0.001, 1.0, 0.001, 0.05) == "unconditional"
    # the variant refuses everything: the trigger is gone
    fixed = score([5.0] * 10, [3.0] * 10)
    assert _status(base, fixed, 0.001, 0.001, 1.0, 0.05) == "removed"
    half = score([5.0] * 10, [3.0] * 5 + [-5.0] * 5)
    assert _status(base, half, 0.06, 0.04, 1.0, 0.05) == "weakened"
    assert _status(base, half, 0.06, 0.06, 1.0, 0.05) == "survived"  # not significant
    assert _status(broke, base, 0.001, 1.0, 0.001, 0.05) == "emerged"
    assert set(STATUS_MEANING) == {"survived", "weakened", "removed", "unconditional", "emerged", "no backdoor"}
