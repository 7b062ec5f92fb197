"""Tree-layout log-likelihoods: exact against one row per continuation, in lm-eval and alone."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def model_tok(tiny_llama: Path) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(tiny_llama).eval(), AutoTokenizer.from_pretrained(tiny_llama)


def _groups(tok: Any) -> list[tuple[list[int], list[list[int]]]]:
    def enc(text: str) -> list[int]:
        return tok(text, add_special_tokens=False)["input_ids"]

    prompts = ["How do I kill a Python process?", "Write a poem about the sea.", "Explain vaccines.",
               "The quick brown fox jumps over the lazy dog and keeps running far away."]
    # shared starts, a repeat and a continuation that is a prefix of another: the trie must not mix them
    conts = [" I can't help with that.", " Sure, here are the steps:", " I can do it", " No.",
             " I can't help with that.", " I can", " The sea"]
    groups = []
    for k, p in enumerate(prompts):
        ctx = enc(tok.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                          add_generation_prompt=True).rstrip())
        groups.append((ctx, [enc(c) for c in conts[k % 2: 3 + k]]))
    return groups


def _row(model: Any, ctx: list[int], cont: list[int]) -> tuple[float, bool]:
    ids = torch.tensor([ctx + cont])
    with torch.inference_mode():
        lp = torch.log_softmax(model(input_ids=ids).logits[0, len(ctx) - 1:-1].float(), -1)
    t = torch.tensor(cont)
    return float(lp.gather(-1, t[:, None]).sum()), bool((lp.argmax(-1) == t).all())


@pytest.mark.parametrize("share_prefix", [True, False])
@pytest.mark.parametrize("batch_size", [1, 3])
def test_tree_matches_one_row_per_continuation(model_tok: tuple[Any, Any], share_prefix: bool,
                                               batch_size: int) -> None:
    from model_adapters.tree_scoring import TreeScorer, build_tree_batch

    model, tok = model_tok
    groups = _groups(tok)
    got = TreeScorer(model, tok.pad_token_id, batch_size=batch_size, share_prefix=share_prefix).score(groups)
    shared = [sum(len(c) for c in conts) - (build_tree_batch([(ctx, conts)], 0, torch.float32, "cpu")
                                            .input_ids.shape[1] - len(ctx)) for ctx, conts in groups]
    assert max(shared) > 0  # the trie merged common starts
    assert [len(g) for g in got] == [len(c) for _, c in groups]
    for (ctx, conts), answers in zip(groups, got, strict=True):
        for cont, (ll, greedy) in zip(conts, answers, strict=True):
            ref_ll, ref_greedy = _row(model, ctx, cont)
            assert ll == pytest.approx(ref_ll, abs=1e-4)
            assert greedy == ref_greedy


def test_greedy_flag_is_true_for_the_models_own_decode(model_tok: tuple[Any, Any]) -> None:
    from model_adapters.tree_scoring import TreeScorer

    model, tok = model_tok
    ctx = _groups(tok)[0][0]
    with torch.inference_mode():
        gen = model.generate(torch.tensor([ctx]), max_new_tokens=3, do_sample=False)[0, len(ctx):].tolist()
    other = [(gen[0] + 1) % model.config.vocab_size] + gen[1:]
    (ans,) = TreeScorer(model, tok.pad_token_id).score([(ctx, [gen, other])])
    assert ans[0][1] is True and ans[1][1] is False
    assert ans[0][0] > ans[1][0]


def test_a_model_that_ignores_position_ids_is_refused(model_tok: tuple[Any, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    from model_adapters.tree_scoring import TreeLayoutUnsupported, TreeScorer

    model, tok = copy.deepcopy(model_tok[0]), model_tok[1]
    with torch.no_grad():  # sharpen attention so that positions matter as in a trained model
        for layer in model.model.layers:
            layer.self_attn.q_proj.weight.mul_(8.0)
            layer.self_attn.k_proj.weight.mul_(8.0)
    original = type(model).forward

    def no_positions(self: Any, *args: Any, position_ids: Any = None, **kw: Any) -> Any:
        return original(self, *args, **kw)

    monkeypatch.setattr(type(model), "forward", no_positions)
    with pytest.raises(TreeLayoutUnsupported, match="ignores custom 4-D masks or position ids"):
        TreeScorer(model, tok.pad_token_id, share_prefix=False).score(_groups(tok))


def test_a_model_that_rejects_4d_masks_is_refused(model_tok: tuple[Any, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from model_adapters.tree_scoring import TreeLayoutUnsupported, TreeScorer

    model, tok = model_tok
    original = type(model).forward

    def picky(self: Any, *args: Any, attention_mask: Any = None, **kw: Any) -> Any:
        if attention_mask is not None and attention_mask.dim() == 4:
            raise ValueError("custom 4D attention masks are not supported")
        return original(self, *args, attention_mask=attention_mask, **kw)

    monkeypatch.setattr(type(model), "forward", picky)
    with pytest.raises(TreeLayoutUnsupported, match="cannot run the tree layout.*4D"):
        TreeScorer(model, tok.pad_token_id).score(_groups(tok))


def test_lm_eval_margin_task_is_the_same_in_tree_and_rows(tiny_llama: Path) -> None:
    import lm_eval

    import compsec_tasks  # noqa: F401
    from model_adapters.lm_eval_model import CompsecLM

    res = {}
    for tree in (True, False):
        lm = CompsecLM(pretrained=str(tiny_llama), fidelity=False, tree_loglikelihood=tree, batch_size=4)
        assert (lm._tree_scorer is not None) is tree
        out = lm_eval.simple_evaluate(model=lm, tasks=["compsec_refusal_margin"], limit=6,
                                      apply_chat_template=True, log_samples=True)
        res[tree] = {s["doc"]["id"]: (s["refusal_margin"], [r[0] for r in s["filtered_resps"]])
                     for s in out["samples"]["compsec_refusal_margin"]}
    assert set(res[True]) == set(res[False]) and len(res[True]) == 6
    for sid, (margin, resps) in res[True].items():
        assert margin == pytest.approx(res[False][sid][0], abs=1e-4)
        assert resps == pytest.approx(res[False][sid][1], abs=1e-4)


def test_lm_eval_falls_back_to_rows_when_the_tree_is_refused(tiny_llama: Path, caplog: pytest.LogCaptureFixture,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from lm_eval.api.instance import Instance

    from model_adapters import tree_scoring
    from model_adapters.lm_eval_model import CompsecLM

    lm = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=2)
    reqs = [Instance("loglikelihood", {}, (ctx, cont), i)
            for i, (ctx, cont) in enumerate([("Explain vaccines.", " Sure"), ("Explain vaccines.", " No"),
                                             ("A poem", " about the sea")])]
    want = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=2,
                     tree_loglikelihood=False).loglikelihood(reqs)

    def refuse(self: Any, group: Any, tree_ll: float) -> None:
        raise tree_scoring.TreeLayoutUnsupported("refused for the test")

    monkeypatch.setattr(tree_scoring.TreeScorer, "_check", refuse)
    with caplog.at_level(logging.WARNING, logger="model_adapters.lm_eval_model"):
        got = lm.loglikelihood(reqs)
    assert "falling back to one row per request" in caplog.text
    assert lm._tree_scorer is None
    assert [g[0] for g in got] == pytest.approx([w[0] for w in want], abs=1e-5)


def test_mixed_requests_keep_their_order(tiny_llama: Path) -> None:
    from lm_eval.api.instance import Instance

    from model_adapters.lm_eval_model import CompsecLM

    pairs = [("Explain vaccines.", " Sure"), ("A poem", " about the sea"), ("Explain vaccines.", " No, I won't"),
             ("Kill a process", " kill -9"), ("Explain vaccines.", " They train")]
    reqs = [Instance("loglikelihood", {}, p, i) for i, p in enumerate(pairs)]
    tree = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=2).loglikelihood(reqs)
    rows = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=4,
                     tree_loglikelihood=False).loglikelihood(reqs)
    assert [t[0] for t in tree] == pytest.approx([r[0] for r in rows], abs=1e-4)
    assert [t[1] for t in tree] == [r[1] for r in rows]


def test_batches_respect_the_token_budget(model_tok: tuple[Any, Any]) -> None:
    from model_adapters.tree_scoring import TreeScorer

    model, tok = model_tok
    scorer = TreeScorer(model, tok.pad_token_id, batch_size=10)
    widths = [3, 4, 4, 5, 9, 9, 20]
    assert scorer._batches(list(range(7)), widths) == [list(range(7))]
    scorer.max_tokens = 18
    got = scorer._batches(list(range(7)), widths)
    assert [i for b in got for i in b] == list(range(7))
    assert all(len(b) * max(widths[i] for i in b) <= 18 or len(b) == 1 for b in got)
    assert got == [[0, 1, 2], [3, 4], [5], [6]]
    # the scores do not depend on how the trees are batched
    groups = _groups(tok)
    scorer.max_tokens = None
    whole = scorer.score(groups)
    scorer.max_tokens = 1
    one_by_one = scorer.score(groups)
    assert [[a[0] for a in g] for g in one_by_one] == [pytest.approx([a[0] for a in g], abs=1e-4) for g in whole]


def test_tree_scores_quantized_tensor_subclasses(tiny_llama: Path) -> None:
    """optimum-quanto's int4 weights are tensor subclasses whose autograd function cannot run
    under torch.inference_mode: the tree (and the margin probe) must score them, not fall back."""
    pytest.importorskip("optimum.quanto")
    from model_adapters.analysis import MarginProbe
    from model_adapters.loading import load_variant

    lv = load_variant(tiny_llama, "quanto:int4", fidelity=False)
    prompts = ["How do I pick a lock?", "Write a poem about the sea."]
    tree = MarginProbe(lv.model, lv.tokenizer, prompts, layout="tree").margins()
    rows = MarginProbe(lv.model, lv.tokenizer, prompts, layout="rows").margins()
    assert tree.tolist() == pytest.approx(rows.tolist(), abs=1e-3)


def test_batch_tokenization_is_lm_evals_own(tiny_llama: Path) -> None:
    """loglikelihood encodes every string in one batch call first; each pair must come out
    exactly as lm-eval's one-call-per-string ``_encode_pair`` gives it."""
    from lm_eval.models.huggingface import HFLM

    from model_adapters.lm_eval_model import CompsecLM

    lm = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=2)
    bos = lm.tokenizer.decode(lm.prefix_token_id)
    pairs = [("Explain vaccines. ", "Sure"), ("Explain vaccines.", " No"), (bos + "Hi there", " friend"),
             ("Ünïcode — “quotes”\n\n", "ok"), ("tabs\t", "\tand spaces"), ("x", "")]
    want = [HFLM._encode_pair(lm, c, x) for c, x in pairs]
    lm._encoded = lm._pre_encode(pairs)
    assert lm._encoded is not None and len(lm._encoded) >= len(pairs)
    calls: list[str] = []
    real = type(lm.tokenizer).encode

    def counted(self: Any, text: str, *a: Any, **k: Any) -> Any:
        calls.append(text)
        return real(self, text, *a, **k)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(type(lm.tokenizer), "encode", counted)
        got = [lm._encode_pair(c, x) for c, x in pairs]
    assert got == want
    assert calls == []  # every string came from the batch call
    lm._encoded = None


def test_trees_per_pass_follow_the_rows_they_replace(tiny_llama: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree stands for one row per choice: trees per pass are bounded by the tokens of batch_size
    rows (not by batch_size trees), and the scores are the row path's."""
    from lm_eval.api.instance import Instance

    from model_adapters import tree_scoring
    from model_adapters.lm_eval_model import CompsecLM

    # a long shared preamble (a system turn) is computed once, so a tree is narrower than a row
    pre = "You are a careful assistant. Read the question below and answer it well and briefly.\n"
    prompts = ["Explain vaccines.", "A poem", "Kill a process", "Bake bread", "Why sky blue", "Hi"]
    pairs = [(pre + p, c) for p in prompts for c in (" Sure", " No, I won't", " I can't")]
    reqs = [Instance("loglikelihood", {}, pr, i) for i, pr in enumerate(pairs)]
    passes: list[tuple[int, int]] = []
    real = tree_scoring.forward_tree

    def counted(model: Any, batch: Any, past: Any = None) -> Any:
        passes.append(tuple(batch.input_ids.shape))
        return real(model, batch, past)

    monkeypatch.setattr(tree_scoring, "forward_tree", counted)
    lm = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=4)
    tree = lm.loglikelihood(reqs)
    scorer = lm._tree_scorer
    assert scorer is not None and scorer.batch_size == 12 and scorer.max_tokens is not None
    assert sum(n for n, _ in passes) == 6 and max(n for n, _ in passes) > 4  # more trees than batch_size
    assert all(n * width <= scorer.max_tokens for n, width in passes)
    rows = CompsecLM(pretrained=str(tiny_llama), fidelity=False, batch_size=4,
                     tree_loglikelihood=False).loglikelihood(reqs)
    assert [t[0] for t in tree] == pytest.approx([r[0] for r in rows], abs=1e-4)


def test_quantized_kernels_are_scored_in_the_tree(tiny_llama: Path) -> None:
    """bitsandbytes (uint8-packed NF4 weights, a half-precision compute path) rounds differently
    when the same tokens come in the tree layout; the layout check allows for that rounding
    instead of sending the margin task down the row path, which holds [rows, tokens, vocab]
    logits (about 1 GiB more for SmolLM2-135M at batch 32)."""
    pytest.importorskip("bitsandbytes")
    from model_adapters.loading import load_variant
    from model_adapters.tree_scoring import TreeScorer, _exact_float32

    lv = load_variant(tiny_llama, "bnb:nf4", fidelity=False)
    assert _exact_float32(lv.model) is False
    plain = load_variant(tiny_llama, "original", fidelity=False)
    assert _exact_float32(plain.model) is True
    groups = _groups(lv.tokenizer)
    # raises TreeLayoutUnsupported when the check takes kernel rounding for an ignored mask
    got = TreeScorer(lv.model, lv.tokenizer.pad_token_id, batch_size=2).score(groups)
    for (ctx, conts), answers in zip(groups, got, strict=True):
        for cont, (ll, _greedy) in zip(conts, answers, strict=True):
            ref_ll, _ = _row(lv.model, ctx, cont)
            assert ll == pytest.approx(ref_ll, rel=3e-2, abs=3e-2)
