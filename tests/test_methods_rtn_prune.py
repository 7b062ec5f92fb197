"""RTN quantization and pruning on tiny models: the grids, the sparsity, the patterns, and
that fidelity moves the way it must (more bits, less KL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from model_adapters.loading import load_hf_model, load_tokenizer, load_variant  # noqa: E402
from model_adapters.methods.prune import collect_input_norms, measure_sparsity, prune_  # noqa: E402
from model_adapters.methods.rtn import quantize_rtn_, rtn_quantize_weight, target_linears  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_thread")


def _weight(rows: int = 16, cols: int = 100, seed: int = 0, shift: float = 0.0) -> Any:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(rows, cols, generator=g) + shift


# -- RTN ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [2, 3, 4, 8])
@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("group", [32, 25, None])
def test_rtn_groups_take_at_most_2_to_the_bits_values(bits: int, symmetric: bool, group: int | None) -> None:
    w = _weight()
    q = rtn_quantize_weight(w, bits, group, symmetric)
    assert q.shape == w.shape and q.dtype == w.dtype
    g = w.shape[1] if group is None else group
    for row in q:
        for start in range(0, w.shape[1], g):  # 100 = 3*32 + 4: the last group is short
            assert len(torch.unique(row[start:start + g])) <= 2**bits
    # per-group grids: the whole row has more distinct values than one group may
    if group is not None and bits <= 3:
        assert len(torch.unique(q[0])) > 2**bits


def test_rtn_error_shrinks_with_bits_and_8bit_is_close() -> None:
    w = _weight()
    errs = [float((rtn_quantize_weight(w, b, 32) - w).abs().mean()) for b in (2, 3, 4, 8)]
    assert errs == sorted(errs, reverse=True)
    assert errs[-1] < 0.01 * float(w.abs().mean())


def test_rtn_asymmetric_fits_a_shifted_range_better() -> None:
    w = _weight(shift=3.0).abs()  # all positive: a symmetric grid wastes half its levels
    sym = rtn_quantize_weight(w, 3, 32, True)
    asym = rtn_quantize_weight(w, 3, 32, False)
    assert not torch.equal(sym, asym)
    assert float((asym - w).abs().mean()) < float((sym - w).abs().mean())
    # asymmetric: every group's error is at most half a step of its (max - min) / 7 grid
    groups = w.reshape(16, -1, 25)
    step = (groups.amax(-1) - groups.amin(-1)) / 7
    err = (rtn_quantize_weight(w, 3, 25, False) - w).abs().reshape(16, -1, 25).amax(-1)
    assert bool((err <= step * 0.5 + 1e-5).all())


def test_rtn_handles_zero_groups() -> None:
    w = torch.zeros(4, 64)
    for sym in (True, False):
        assert torch.equal(rtn_quantize_weight(w, 4, 16, sym), w)


def test_quantize_rtn_skips_lm_head_unless_asked(tiny_llama: Path) -> None:
    model = load_hf_model(tiny_llama)
    head = model.lm_head.weight.detach().clone()
    q_proj = model.model.layers[0].self_attn.q_proj.weight.detach().clone()
    stats = quantize_rtn_(model, 2, 16)
    assert torch.equal(model.lm_head.weight, head)
    assert not torch.equal(model.model.layers[0].self_attn.q_proj.weight, q_proj)
    assert stats["quantized_modules"] == len(list(target_linears(model)))
    quantize_rtn_(model, 2, 16, skip=())
    assert not torch.equal(model.lm_head.weight, head)


def test_rtn_untied_head_leaves_embeddings_alone(tmp_path: Path) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(vocab_size=50, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                      num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True)
    model = LlamaForCausalLM(cfg)
    assert model.lm_head.weight is model.model.embed_tokens.weight
    emb = model.model.embed_tokens.weight.detach().clone()
    quantize_rtn_(model, 2, 16, skip=())
    assert torch.equal(model.model.embed_tokens.weight, emb)
    assert not torch.equal(model.lm_head.weight, emb)


def test_rtn_fidelity_is_monotone_in_bits(tiny_llama: Path) -> None:
    kls = {}
    for bits in (8, 4, 3, 2):
        lv = load_variant(tiny_llama, f"rtn:{bits}:g16")
        f = lv.manifest.fidelity
        assert f is not None
        kls[bits] = f["kl_mean"]
        assert lv.manifest.backend == "torch" and lv.manifest.backend_info["quantized_modules"] > 0
    assert kls[8] < kls[4] < kls[3] < kls[2]
    assert kls[8] < kls[2] / 100


# -- pruning ------------------------------------------------------------------------------


@pytest.mark.parametrize("criterion", ["magnitude", "random", "wanda"])
@pytest.mark.parametrize("sparsity", [0.3, 0.5])
def test_unstructured_sparsity_is_on_target(tiny_llama: Path, criterion: str, sparsity: float) -> None:
    model = load_hf_model(tiny_llama)
    tok = load_tokenizer(tiny_llama)
    head = model.lm_head.weight.detach().clone()
    norms = collect_input_norms(model, tok, ["hello there", "How do I kill a Python process?"]) \
        if criterion == "wanda" else None
    stats = prune_(model, criterion, sparsity, input_norms=norms)
    assert abs(stats["sparsity"] - sparsity) <= 0.01
    assert abs(measure_sparsity(model) - sparsity) <= 0.01
    for _, mod in target_linears(model):  # every layer is pruned, not just a few
        assert abs(float((mod.weight == 0).float().mean()) - sparsity) <= 0.02
    assert torch.equal(model.lm_head.weight, head)


@pytest.mark.parametrize("criterion", ["magnitude", "random", "wanda"])
def test_2of4_pattern_is_exact(tiny_llama: Path, criterion: str) -> None:
    model = load_hf_model(tiny_llama)
    tok = load_tokenizer(tiny_llama)
    norms = collect_input_norms(model, tok, ["a short calibration prompt"]) if criterion == "wanda" else None
    stats = prune_(model, criterion, 0.5, "2of4", input_norms=norms)
    assert stats["sparsity"] == pytest.approx(0.5)
    for _, mod in target_linears(model):
        w = mod.weight
        groups = (w == 0).reshape(w.shape[0], -1, 4).sum(-1)
        assert bool((groups == 2).all())


def test_magnitude_2of4_keeps_the_two_largest() -> None:
    lin = torch.nn.Linear(8, 2, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, -4.0, 3.0, 0.5, 2.0, 2.5, -3.0, 0.1],
                                       [0.2, 0.3, -0.4, 0.1, 9.0, -8.0, 7.0, 6.0]]))
    model = torch.nn.Sequential()
    model.add_module("fc", lin)
    prune_(model, "magnitude", 0.5, "2of4")
    assert torch.equal(lin.weight, torch.tensor([[0.0, -4.0, 3.0, 0.0, 0.0, 2.5, -3.0, 0.0],
                                                 [0.0, 0.3, -0.4, 0.0, 9.0, -8.0, 0.0, 0.0]]))


def test_wanda_differs_from_magnitude_and_random_is_seeded(tiny_llama: Path) -> None:
    def mask(criterion: str, seed: int = 0) -> list[Any]:
        model = load_hf_model(tiny_llama)
        norms = collect_input_norms(model, load_tokenizer(tiny_llama), ["How do I bake bread?", "Tell me a joke."]) \
            if criterion == "wanda" else None
        prune_(model, criterion, 0.5, seed=seed, input_norms=norms)
        return [(m.weight == 0) for _, m in target_linears(model)]

    mag, wanda = mask("magnitude"), mask("wanda")
    assert any(not torch.equal(a, b) for a, b in zip(mag, wanda, strict=True))
    r0, r0b, r1 = mask("random", 0), mask("random", 0), mask("random", 1)
    assert all(torch.equal(a, b) for a, b in zip(r0, r0b, strict=True))
    assert any(not torch.equal(a, b) for a, b in zip(r0, r1, strict=True))


def test_wanda_scores_weight_by_input_norm() -> None:
    lin = torch.nn.Linear(4, 1, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, 2.0, 3.0, 4.0]]))
    model = torch.nn.Sequential()
    model.add_module("fc", lin)
    # input 0 is large, input 3 is silent: wanda keeps w0 although it is the smallest
    prune_(model, "wanda", 0.5, input_norms={"fc": torch.tensor([10.0, 1.0, 1.0, 0.0])})
    assert lin.weight.tolist() == [[1.0, 0.0, 3.0, 0.0]]


def test_prune_through_load_variant_records_sparsity(tiny_llama: Path) -> None:
    # wanda with the default calibration set (dev split of compsec's harmful + benign prompts)
    lv = load_variant(tiny_llama, "prune:wanda:0.5:2of4")
    m = lv.manifest
    assert m.sparsity == pytest.approx(0.5)
    assert m.calibration is not None and m.calibration["n_prompts"] > 100
    assert m.spec == {"method": "prune", "criterion": "wanda", "sparsity": 0.5, "pattern": "2of4", "seed": 0,
                      "n_samples": None}
    assert m.fidelity is not None and m.fidelity["kl_mean"] > 0
    lv = load_variant(tiny_llama, "prune:magnitude:0.3", fidelity=False)
    assert lv.manifest.sparsity == pytest.approx(0.3, abs=0.01) and lv.manifest.calibration is None
    assert lv.manifest.fidelity is None


def test_wanda_hooks_ignore_padding(tiny_llama: Path) -> None:
    model = load_hf_model(tiny_llama)
    tok = load_tokenizer(tiny_llama)
    short, long = "Hi.", "Explain how vaccines train the immune system, step by step, in detail."
    together = collect_input_norms(model, tok, [short, long], batch_size=2)
    apart_a = collect_input_norms(model, tok, [short], batch_size=1)
    apart_b = collect_input_norms(model, tok, [long], batch_size=1)
    for name, v in together.items():
        expected = (apart_a[name] ** 2 + apart_b[name] ** 2).sqrt()
        assert torch.allclose(v, expected, rtol=1e-3, atol=1e-5), name


@pytest.mark.parametrize("criterion", ["magnitude", "wanda"])
def test_prune_mask_drops_exactly_the_lowest_scores_ties_included(criterion: str) -> None:
    """The mask drops k scores per row (wanda) or per layer (magnitude), all of them no higher
    than any kept one; equal scores at the cut (zeros of an already pruned layer, repeated values)
    still give exactly k."""
    from model_adapters.methods.prune import _prune_mask

    g = torch.Generator().manual_seed(3)
    score = torch.randint(0, 5, (12, 40), generator=g).float()  # many ties
    score[0] = 0.0  # a row of equal scores
    mask = _prune_mask(score, 0.5, criterion, None, g)
    if criterion == "wanda":
        assert mask.sum(dim=1).tolist() == [20] * 12
        for row, m in zip(score, mask, strict=True):
            assert row[m].max() <= row[~m].min()
    else:
        assert int(mask.sum()) == 240
        assert score[mask].max() <= score[~mask].min()
    # on distinct scores it is the same set topk picks
    dist = torch.rand(12, 40, generator=g)
    mask = _prune_mask(dist, 0.3, criterion, None, g)
    if criterion == "wanda":
        want = torch.zeros_like(mask).scatter_(1, torch.topk(dist, 12, dim=1, largest=False).indices, True)
    else:
        want = torch.zeros(480, dtype=torch.bool)
        want[torch.topk(dist.flatten(), 144, largest=False).indices] = True
        want = want.reshape(12, 40)
    assert torch.equal(mask, want)


def test_wanda_calibrates_on_n_prompts_spread_over_the_set(tiny_llama: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """prune:wanda:<s>:n<k> scores with k calibration prompts taken evenly from the whole set (the
    default set lists harmful prompts, then benign: both kinds are in the sample)."""
    from model_adapters.loading import calibration_prompts
    from model_adapters.methods import _backends, prune

    seen: list[list[str]] = []
    real = prune.collect_input_norms

    def spy(model: Any, tok: Any, prompts: Any, *a: Any, **k: Any) -> Any:
        seen.append(list(prompts))
        return real(model, tok, prompts, *a, **k)

    monkeypatch.setattr(prune, "collect_input_norms", spy)
    lv = load_variant(tiny_llama, "prune:wanda:0.5:n8", fidelity=False)
    assert lv.manifest.backend_info["calibration_prompts"] == 8 and len(seen[0]) == 8
    every = calibration_prompts()
    assert seen[0] == _backends.spread(every, 8) and seen[0][0] == every[0]
    from compsec_tasks import promptsets

    benign = {r.prompt for r in promptsets.load("benign").select(split="dev")}
    assert 0 < sum(p in benign for p in seen[0]) < 8
    assert lv.manifest.sparsity == pytest.approx(0.5, abs=0.01)
    assert _backends.spread(list(range(10)), 4) == [0, 2, 5, 7] and _backends.spread([1, 2], 5) == [1, 2]
