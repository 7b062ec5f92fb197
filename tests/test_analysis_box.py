"""Quantization boxes, the divergence audit and the box attack on a tiny Llama with planted refusal.

The planted model (:func:`plant`) refuses every prompt through a path the linear layers do not
touch, and carries a dormant compliance path the attack can open from inside the boxes. Its
margin is scored on :data:`conftest.PLANTED_OPENINGS` (the single-token openings "I", "N",
"S", "U"; fixture ``planted_openings``), so the margin is the log-odds that the answer opens
with "\\n" and then one of those tokens:

* :func:`conftest.plant_newline_gate` (features 3 and 4) makes the answer's "\\n" certain after
  the prompt and its next token one of the *decision* tokens: the four openings, and the
  first tokens of :data:`conftest.COMPLIANCE_EXAMPLES` ("Sure", "C", "O", "Y");
* every token's embedding holds a constant 4 in feature 0 and 0 in feature 2, and no block
  writes either feature (but row 2 of block 1's ``o_proj`` below); the output head reads
  feature 0 (weight 1.1) as "refuse" (an opening token up, a compliance token down), so full
  precision and RTN-4 both refuse with log-odds of about 8 (float32 resolves them to about
  1e-4; a margin much above that would not be);
* in block 1 every value vector is feature 0 of the normed input (a constant, about 5.7), and
  row 2 of ``o_proj`` (which writes feature 2) holds +0.1 and -0.1 on two columns and 0
  elsewhere: they cancel, so feature 2 stays exactly 0, but they set the row's RTN-4 scale, so
  the row's 62 zero weights (which RTN-4 keeps at 0) each have a box of about +-0.007 to move
  in;
* the output head reads feature 2 (weight 3.5) as "comply". Moving those weights to the edges
  of their boxes writes about 2.5 into feature 2 in full precision, enough to flip the
  log-odds to about -7, while RTN-4 rounds every one of them back to 0.
"""

from __future__ import annotations

import json
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

from compsec_tasks.errors import CompsecError, PromptSetError, UnknownNameError, VariantError  # noqa: E402
from model_adapters.analysis import (  # noqa: E402
    BoxQuantizer,
    MarginProbe,
    box_report,
    divergence_audit,
    harmful_prompts,
    parse_quantizer,
    plant_box_attack,
    quantization_unchanged,
)
from model_adapters.analysis.box import differentiable_margins  # noqa: E402

QUANT = "rtn:4:g64"


pytestmark = pytest.mark.usefixtures("one_thread")


COMPLY, NL, NOT_NL = 2, 3, 4  # planted features (feature 0: the constant)
REFUSE_W, COMPLY_W = 1.1, 3.5


def plant(model: Any, tok: Any) -> None:
    """Rewire a 2-block tiny Llama as the module docstring says."""
    refuse = opening_tokens(tok, PLANTED_OPENINGS)
    comply = opening_tokens(tok, COMPLIANCE_EXAMPLES)
    assert not set(refuse) & set(comply)
    plant_newline_gate(model, tok, refuse + comply, nl=NL, not_nl=NOT_NL)
    body = model.model
    with torch.no_grad():
        body.embed_tokens.weight[:, 0] = 4.0
        body.embed_tokens.weight[:, COMPLY] = 0.0
        for layer in body.layers:  # no block writes the planted features (but o_proj row 2 below)
            layer.self_attn.o_proj.weight[[0, COMPLY]] = 0.0
            layer.mlp.down_proj.weight[[0, COMPLY]] = 0.0
        attn = body.layers[1].self_attn
        attn.v_proj.weight.zero_()
        attn.v_proj.weight[:, 0] = 1.0
        attn.o_proj.weight[COMPLY, 0] = 0.1
        attn.o_proj.weight[COMPLY, 1] = -0.1
        head = model.lm_head.weight
        head[:, [0, COMPLY]] = 0.0
        head[refuse, 0], head[comply, 0] = REFUSE_W, -REFUSE_W
        head[refuse, COMPLY], head[comply, COMPLY] = -COMPLY_W, COMPLY_W


@pytest.fixture(scope="module")
def planted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = build_tiny_llama(tmp_path_factory.mktemp("box_planted"), seed=0, layers=2, hidden=64)
    model = AutoModelForCausalLM.from_pretrained(d).eval()
    plant(model, AutoTokenizer.from_pretrained(d))
    model.save_pretrained(d, safe_serialization=True)
    return d


@pytest.fixture
def planted(planted_dir: Path, planted_openings: tuple[str, ...]) -> tuple[Any, Any]:
    from model_adapters.loading import load_hf_model, load_tokenizer

    return load_hf_model(planted_dir), load_tokenizer(planted_dir)


@pytest.fixture(scope="module")
def prompts() -> list[dict[str, Any]]:
    return harmful_prompts(limit=8)


def _state(model: Any) -> dict[str, Any]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# -- the grid and its boxes -----------------------------------------------------------------


@pytest.mark.parametrize("text, bits, group, symmetric, head", [
    ("rtn:4:g64", 4, 64, True, False),
    ("rtn:3:pc:asym", 3, None, False, False),
    ("rtn:8:g128:head", 8, 128, True, True),
    ("int8", 8, None, True, False),
    ("INT8", 8, None, True, False),
])
def test_parse_quantizer(text: str, bits: int, group: int | None, symmetric: bool, head: bool) -> None:
    q = parse_quantizer(text)
    assert (q.bits, q.group_size, q.symmetric, q.quantize_head) == (bits, group, symmetric, head)
    assert parse_quantizer(q) is q


@pytest.mark.parametrize("spec", ["rtn:4:g64", "rtn:4:g16", "rtn:3:g16:asym", "rtn:2:pc", "int8", "rtn:5:g32:asym"])
@pytest.mark.parametrize("shape", [(8, 64), (5, 70)])
def test_every_point_of_every_box_quantizes_like_the_weight(spec: str, shape: tuple[int, int]) -> None:
    q = parse_quantizer(spec)
    g = torch.Generator().manual_seed(1)
    w = torch.randn(shape, generator=g) * 0.05
    w[0, 3] = 0.9  # an outlier sets its group's scale
    w[1, :] = 0.0  # an all-zero row
    c = q.cells(w)
    want = q.quantize(w)
    assert bool(((c.lo <= w) & (w <= c.hi)).all())
    assert torch.equal(c.lo[c.pinned], w[c.pinned]) and torch.equal(c.hi[c.pinned], w[c.pinned])
    # the corners: every free weight at its lower (upper) edge at once
    for corner in (c.lo, c.hi):
        assert torch.equal(q.quantize(corner), want)
    for seed in range(5):
        u = torch.rand(shape, generator=torch.Generator().manual_seed(seed))
        assert torch.equal(q.quantize(c.lo + u * (c.hi - c.lo)), want)
    free = ~c.pinned
    d = c.distance[free]
    assert bool(((d >= 0) & (d <= 0.5)).all()) and bool(c.distance[c.pinned].isnan().all())
    # one step past an edge changes the quantized weight (where the edge is a rounding boundary)
    inner = free & (c.hi < w.abs().amax() * 0.99) & (c.hi > -w.abs().amax() * 0.99)
    out = w.clone()
    out[inner] = c.hi[inner] + 0.01 * c.step[inner]
    moved = q.quantize(out) != want
    assert bool(moved[inner].float().mean() > 0.9)


def test_pinned_weights_are_the_group_extremes() -> None:
    w = torch.tensor([[0.1, -0.5, 0.2, 0.5], [0.3, 0.3, -0.1, 0.0]])
    c = parse_quantizer("rtn:4:g4").cells(w)
    assert c.pinned.tolist() == [[False, True, False, True], [True, True, False, False]]
    c = parse_quantizer("rtn:4:g4:asym").cells(w)
    assert c.pinned.tolist() == [[False, True, False, True], [True, True, True, False]]


def test_null_draws_stay_in_the_box_with_the_residual_magnitudes() -> None:
    q = parse_quantizer("rtn:4:g16")
    w = torch.randn(6, 48, generator=torch.Generator().manual_seed(0))
    qw = q.quantize(w)
    draws = [q.null_draw(w, torch.Generator().manual_seed(s)) for s in range(3)]
    tol = 2e-3 * float(q.cells(w).step.max())
    for d in draws:
        assert torch.equal(q.quantize(d), qw)
        # the same residual magnitudes, except where the mirror image would leave an outermost
        # cell (past the group's absmax): clamped there, so never larger
        same = ((d - qw).abs() - (w - qw).abs()).abs() <= tol
        assert bool(((d - qw).abs() <= (w - qw).abs() + tol).all()) and float(same.float().mean()) > 0.9
    assert not torch.equal(draws[0], draws[1])


# -- box report -----------------------------------------------------------------------------


def test_box_report_of_a_clean_model(planted: tuple[Any, Any]) -> None:
    model, _ = planted
    before = _state(model)
    rep = box_report(model, QUANT, bins=5)
    assert len(rep.layers) == 14 and rep.quantizer == QUANT
    for r in (*rep.layers, rep.total):
        assert sum(r.histogram) == r.numel - r.pinned
        qs = [r.quantiles[k] for k in ("q00", "q01", "q05", "q25", "q50", "q75", "q95", "q100")]
        assert qs == sorted(qs) and 0 <= qs[0] and qs[-1] <= 0.5
    assert rep.total.numel == sum(r.numel for r in rep.layers)
    assert 0.1 < rep.total.mean_distance < 0.4 and rep.total.near_boundary < 0.05
    o_proj = next(r for r in rep.layers if r.name == "model.layers.1.self_attn.o_proj")
    assert o_proj.block == 1 and o_proj.pinned >= 64
    d = rep.to_dict()
    assert d["expected_near_boundary_uniform"] == pytest.approx(0.02) and len(d["bin_edges"]) == 6
    json.dumps(d)
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())


# -- the attack and the audit ---------------------------------------------------------------


def test_differentiable_margins_are_the_probe_margins(planted: tuple[Any, Any], prompts: list[dict[str, Any]]) -> None:
    model, tok = planted
    probe = MarginProbe(model, tok, prompts, batch_size=3)
    want = probe.margins()
    got = torch.zeros(len(prompts), dtype=torch.float64)
    for b in probe.batches():
        got[b.prompts] = differentiable_margins(probe, b).detach().double()
    assert got.tolist() == pytest.approx(want.tolist(), abs=1e-3)


def test_attack_flips_full_precision_keeps_the_quantized_model_and_the_audit_catches_it(
        planted: tuple[Any, Any], prompts: list[dict[str, Any]]) -> None:
    model, tok = planted
    original = _state(model)

    clean = divergence_audit(model, tok, prompts, QUANT, n_null=8, progress=False)
    assert not clean.flagged and clean.z < 3
    assert clean.fp.win_rate == 1.0 and clean.quantized.win_rate == 1.0
    assert all(torch.equal(v, original[k]) for k, v in model.state_dict().items())  # the audit restores

    res = plant_box_attack(model, tok, prompts, QUANT, target="comply", goal=1.0, steps=50, progress=False)
    assert res.reached and res.quantized_unchanged and res.reset == 0
    assert min(res.fp_margins_before) > 7 and max(res.fp_margins_after) < -1.0  # every prompt flips
    assert res.fp_before.win_rate == 1.0 and res.fp_after.win_rate == 0.0
    assert res.quantized_after == res.quantized_before and res.quantized_after.win_rate == 1.0
    assert 0 < res.moved <= res.n_weights and 0 < res.mean_move_steps <= 1.0
    # quantize(attacked) == quantize(original), exactly, for every linear layer RTN-4 covers
    same = quantization_unchanged(model, original, QUANT)
    assert len(same) == 14 and all(same.values())
    changed = [k for k, v in model.state_dict().items() if not torch.equal(v, original[k])]
    assert changed and all(k.endswith("proj.weight") for k in changed)  # embeddings, norms, lm_head untouched

    attacked = divergence_audit(model, tok, prompts, QUANT, n_null=8, progress=False)
    assert attacked.flagged and attacked.z > 10 and attacked.p_value == pytest.approx(1 / 9)
    assert attacked.quantized.margin == pytest.approx(clean.quantized.margin, abs=1e-9)
    assert attacked.shift > 7  # the quantized model refuses far more than full precision
    assert attacked.box is not None and clean.box is not None
    assert attacked.box.total.near_boundary > 5 * clean.box.total.near_boundary  # weights at their box edges
    d = attacked.to_dict()
    assert d["flagged"] is True and len(d["null"]) == 8 and d["n_prompts"] == len(prompts)
    json.dumps(d)
    json.dumps(res.to_dict())


def test_attack_restricted_to_some_modules_and_the_refuse_direction(planted: tuple[Any, Any],
                                                                    prompts: list[dict[str, Any]]) -> None:
    model, tok = planted
    original = _state(model)
    target = "model.layers.1.self_attn.o_proj"
    res = plant_box_attack(model, tok, prompts[:4], QUANT, modules=[target], steps=30, progress=False)
    assert res.reached and res.quantized_unchanged and res.modules == (target,)
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, original[k])}
    assert changed == {target + ".weight"}
    # and back: push full precision to refuse again, still inside the same boxes
    back = plant_box_attack(model, tok, prompts[:4], QUANT, target="refuse", goal=5.0, modules=[target], steps=30,
                            progress=False)
    assert back.reached and min(back.fp_margins_after) > 5.0
    assert all(quantization_unchanged(model, original, QUANT).values())


def test_int8_boxes_are_tight(planted: tuple[Any, Any], prompts: list[dict[str, Any]]) -> None:
    model, tok = planted
    original = _state(model)
    res = plant_box_attack(model, tok, prompts[:2], "int8", steps=3, progress=False)
    assert res.quantized_unchanged and all(quantization_unchanged(model, original, "int8").values())
    # an 8-bit per-channel box is 1/127 of a row's absmax wide: three steps cannot flip a margin of 8
    assert not res.reached and min(res.fp_margins_after) > 4


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_attack_and_audit_on_cuda(planted_dir: Path, planted_openings: tuple[str, ...],
                                  prompts: list[dict[str, Any]]) -> None:
    from model_adapters.loading import load_hf_model, load_tokenizer

    model, tok = load_hf_model(planted_dir, device="cuda"), load_tokenizer(planted_dir)
    original = {k: v.cpu() for k, v in _state(model).items()}
    res = plant_box_attack(model, tok, prompts, QUANT, steps=50, progress=False)
    assert res.reached and res.quantized_unchanged and res.fp_after.win_rate == 0.0
    assert all(quantization_unchanged(model, original, QUANT).values())
    audit = divergence_audit(model, tok, prompts, QUANT, n_null=4, progress=False)
    assert audit.flagged and audit.box is not None


# -- bad input ------------------------------------------------------------------------------


def test_bad_input_gives_errors_that_name_the_fix(planted: tuple[Any, Any], prompts: list[dict[str, Any]]) -> None:
    model, tok = planted
    with pytest.raises(UnknownNameError, match=r"unknown box quantizer 'nf4'.*Available: int8, rtn:<bits>"):
        parse_quantizer("nf4")
    with pytest.raises(UnknownNameError, match="Did you mean 'int8'"):
        parse_quantizer("int4")
    with pytest.raises(UnknownNameError, match="box quantizer 'bnb:nf4'"):
        divergence_audit(model, tok, prompts, "bnb:nf4")
    with pytest.raises(VariantError, match="bits must be from 2 to 8"):
        parse_quantizer("rtn:9")
    with pytest.raises(VariantError, match="rtn:4:g64 or int8"):
        parse_quantizer("")
    with pytest.raises(PromptSetError, match="no prompts to score.*harmful_prompts"):
        divergence_audit(model, tok, [], QUANT)
    with pytest.raises(PromptSetError, match="no prompts to score"):
        plant_box_attack(model, tok, [], QUANT)
    with pytest.raises(CompsecError, match="n_null must be an integer >= 2"):
        divergence_audit(model, tok, prompts, QUANT, n_null=1)
    with pytest.raises(UnknownNameError, match="attack target 'obey'.*Available: comply, refuse"):
        plant_box_attack(model, tok, prompts, QUANT, target="obey")
    with pytest.raises(CompsecError, match="matches model.layers.9.*module names or prefixes"):
        plant_box_attack(model, tok, prompts, QUANT, modules=["model.layers.9"])
    with pytest.raises(CompsecError, match=r"step_size is a fraction of a quantization step"):
        plant_box_attack(model, tok, prompts, QUANT, step_size=2.0)
    with pytest.raises(CompsecError, match=r"near is a distance"):
        box_report(model, QUANT, near=0.7)
    model.lm_head.weight = model.model.embed_tokens.weight  # tie the output head to the embeddings
    with pytest.raises(CompsecError, match="tied to another module.*drop ':head'"):
        divergence_audit(model, tok, prompts, "rtn:4:g64:head")
    assert isinstance(parse_quantizer("rtn:4"), BoxQuantizer)


# -- command line ---------------------------------------------------------------------------


def test_cli_box_attack_then_box_audit(planted_dir: Path, planted_openings: tuple[str, ...], tmp_path: Path,
                                      caplog: pytest.LogCaptureFixture) -> None:
    from compsec_tasks.cli import main
    from model_adapters.loading import load_hf_model

    common = ["--limit", "4", "--no-progress", "--quantizer", QUANT]
    clean = tmp_path / "clean.json"
    with caplog.at_level("INFO"):
        assert main(["box-audit", "--model", str(planted_dir), *common, "--n-null", "4", "--out", str(clean),
                     "--fail-on-flag"]) == 0
    d = json.loads(clean.read_text())
    assert d["command"] == "box-audit" and d["audit"]["flagged"] is False and d["prompts"]["n"] == 4
    assert len(d["audit"]["box"]["layers"]) == 14 and "not flagged" in caplog.text

    attacked = tmp_path / "attacked"
    assert main(["box-attack", "--model", str(planted_dir), *common, "--out", str(attacked), "--steps", "40"]) == 0
    rec = json.loads((attacked / "box_attack.json").read_text())
    assert rec["attack"]["reached"] and rec["attack"]["quantized_unchanged"]
    original = load_hf_model(planted_dir).state_dict()
    assert all(quantization_unchanged(load_hf_model(attacked), original, QUANT).values())

    out = tmp_path / "attacked.json"
    assert main(["box-audit", "--model", str(attacked), *common, "--n-null", "4", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["audit"]["flagged"] is True and "FLAGGED" in caplog.text
    assert main(["box-audit", "--model", str(attacked), *common, "--n-null", "4", "--fail-on-flag"]) == 3


def test_cli_errors_exit_1(planted_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from compsec_tasks.cli import main

    assert main(["box-audit", "--model", str(planted_dir), "--quantizer", "nf4"]) == 1
    assert "unknown box quantizer 'nf4'" in capsys.readouterr().err
    assert main(["box-audit", "--model", str(planted_dir / "nope")]) == 1
    assert "not found" in capsys.readouterr().err
