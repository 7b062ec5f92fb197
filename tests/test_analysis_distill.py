"""Safety-aware distillation on a tiny teacher whose behaviour on two prompt groups is known.

The teacher (:func:`trained_teacher`) is a 2-block tiny Llama trained to answer eight harmful
requests with the 16 refusal openings of ``compsec_refusal_margin`` and eight benign
requests with the four compliance examples: its refusal margin is positive on the first
group and negative on the second, and its greedy responses are refusals and answers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from conftest import COMPLIANCE_EXAMPLES, build_tiny_llama  # noqa: E402

from compsec_tasks import tasks as T  # noqa: E402
from compsec_tasks.errors import CompsecError, InputFileError, PromptSetError  # noqa: E402
from model_adapters.analysis import (  # noqa: E402
    DistillConfig,
    distill_student,
    harmful_prompts,
    kd_loss,
    make_student,
    safety_agreement,
    teacher_responses,
    token_kl,
)
from model_adapters.analysis.distill import RECORD_FILE, benign_prompts  # noqa: E402
from model_adapters.analysis.margin import format_context  # noqa: E402

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Explain how vaccines train the immune system.",
    "Write a short poem about the sea and the wind.",
    "Photosynthesis turns light into sugar in green plants.",
]


pytestmark = pytest.mark.usefixtures("one_thread")


# -- the loss -------------------------------------------------------------------------------


def test_the_loss_is_kl_teacher_to_student_not_the_reverse() -> None:
    import torch.nn.functional as F

    p = torch.tensor([[0.8, 0.15, 0.05]], dtype=torch.float64)  # teacher
    q = torch.tensor([[0.2, 0.2, 0.6]], dtype=torch.float64)  # student
    # by hand: KL(p || q) = 0.8 ln 4 + 0.15 ln 0.75 + 0.05 ln(1/12); KL(q || p) = 0.2 ln 0.25 + 0.2 ln(4/3) + 0.6 ln 12
    kl_pq = 0.8 * math.log(4) + 0.15 * math.log(0.75) + 0.05 * math.log(1 / 12)
    kl_qp = 0.2 * math.log(0.25) + 0.2 * math.log(4 / 3) + 0.6 * math.log(12)
    assert kl_pq == pytest.approx(0.94164, abs=1e-5) and kl_qp == pytest.approx(1.27122, abs=1e-5)

    student = q.log().clone().requires_grad_(True)  # logits whose softmax is q
    loss = kd_loss(student, p.log(), temperature=1.0)
    assert float(loss.detach()) == pytest.approx(kl_pq, abs=1e-6)
    assert float(token_kl(student, p.log()).mean().detach()) == pytest.approx(kl_pq, abs=1e-6)
    loss.backward()  # d KL(p || softmax(s)) / ds = q - p
    assert student.grad is not None and student.grad[0].tolist() == pytest.approx((q - p)[0].tolist(), abs=1e-6)

    # the seed's sketch: teacher log-probs as the input, student probs as the target -> KL(q || p)
    seed_form = F.kl_div(p.log(), q, reduction="batchmean")
    assert float(seed_form) == pytest.approx(kl_qp, abs=1e-6) and float(seed_form) != pytest.approx(kl_pq, abs=0.1)

    # temperature: KL of the softened distributions, times T^2; rows are averaged
    s2, t2 = torch.randn(5, 7), torch.randn(5, 7)
    want = sum(
        float((torch.softmax(t2[i] / 2, -1) * (torch.log_softmax(t2[i] / 2, -1) - torch.log_softmax(s2[i] / 2, -1)))
              .sum()) for i in range(5)) / 5 * 4
    assert float(kd_loss(s2, t2, temperature=2.0)) == pytest.approx(want, rel=1e-5)
    assert float(kd_loss(t2, t2, temperature=2.0)) == pytest.approx(0.0, abs=1e-6)
    assert float(kd_loss(s2.view(1, 5, 7), t2.view(1, 5, 7), 2.0)) == pytest.approx(want, rel=1e-5)


# -- the teacher ----------------------------------------------------------------------------


def _groups() -> tuple[list[str], list[str]]:
    return ([p["prompt"] for p in harmful_prompts(limit=8)], [p["prompt"] for p in benign_prompts(limit=8)])


@pytest.fixture(scope="module")
def trained_teacher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from model_adapters.loading import load_hf_model, load_tokenizer

    d = build_tiny_llama(tmp_path_factory.mktemp("teacher"), seed=1, layers=2, hidden=64)
    model, tok = load_hf_model(d), load_tokenizer(d)
    harm, ben = _groups()

    def example(prompt: str, response: str) -> tuple[list[int], list[int]]:
        # split like the margin: the template's trailing "\n" is learnt with the response, as a
        # chat model learns its template
        context = format_context(tok, prompt)
        ctx = tok(context.rstrip(), add_special_tokens=False)["input_ids"]
        whole = tok(context + response, add_special_tokens=False)["input_ids"]
        assert whole[:len(ctx)] == ctx
        return ctx, whole[len(ctx):] + [tok.eos_token_id]

    data = ([example(p, r) for p in harm for r in T.REFUSAL_OPENINGS]
            + [example(p, r) for p in ben for r in COMPLIANCE_EXAMPLES])
    width = max(len(c) + len(r) for c, r in data)
    ids = torch.full((len(data), width), tok.pad_token_id)
    att = torch.zeros((len(data), width), dtype=torch.long)
    labels = torch.full((len(data), width), -100)
    for i, (c, r) in enumerate(data):
        n = len(c) + len(r)
        ids[i, :n], att[i, :n] = torch.tensor(c + r), 1
        labels[i, len(c):n] = torch.tensor(r)
    torch.manual_seed(0)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(200):
        loss = model(input_ids=ids, attention_mask=att, labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    model.save_pretrained(d, safe_serialization=True)
    return d


@pytest.fixture
def teacher(trained_teacher: Path) -> tuple[Any, Any]:
    from model_adapters.loading import load_hf_model, load_tokenizer

    return load_hf_model(trained_teacher), load_tokenizer(trained_teacher)


def test_the_teacher_refuses_one_group_and_answers_the_other(teacher: tuple[Any, Any]) -> None:
    model, tok = teacher
    harm, ben = _groups()
    on_harm = safety_agreement(model, model, tok, harm)
    on_ben = safety_agreement(model, model, tok, ben)
    assert on_harm.teacher.win_rate == 1.0 and on_harm.teacher.margin > 3
    assert on_ben.teacher.win_rate == 0.0 and on_ben.teacher.margin < -3
    assert on_harm.margin_mae == 0 and on_harm.first_token_kl == pytest.approx(0, abs=1e-6)
    pairs = teacher_responses(model, tok, harm[:2] + ben[:2], max_new_tokens=32)
    said = [tok.decode(r, skip_special_tokens=True) for _, r in pairs]
    assert set(said[:2]) <= set(T.REFUSAL_OPENINGS) and set(said[2:]) <= set(COMPLIANCE_EXAMPLES)
    assert all(r[-1] == tok.eos_token_id for _, r in pairs)


# -- distillation ---------------------------------------------------------------------------


def _config(**kw: Any) -> DistillConfig:
    base: dict[str, Any] = {"layers": 1, "steps": 60, "batch_size": 8, "lr": 3e-3, "max_new_tokens": 32}
    return DistillConfig(**{**base, **kw})


# Steps of the two comparisons below. Measured on seeds 0-5 once the safety loss covers the
# template's "\n" the margin scores: at 60 steps the safety student's first-token KL on harmful
# prompts was 0.07-0.28x the text-only student's and one seed lost a margin's sign; at 200 steps
# it is 0.00-0.05x (text-only 0.039) with every sign kept; 400 steps changed little.
STEPS = 200


def test_safety_samples_make_the_student_follow_the_teacher_on_safety_prompts(
        teacher: tuple[Any, Any], tmp_path: Path) -> None:
    model, tok = teacher
    harm, ben = _groups()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    plain = distill_student(model, tok, config=_config(steps=STEPS, safety=False), texts=TEXTS, progress=False)
    safe = distill_student(model, tok, config=_config(steps=STEPS, safety=True, safety_weight=2.0), texts=TEXTS,
                           harmful=harm, benign=ben, progress=False)
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())  # the teacher is not trained
    assert plain.teacher_layers == safe.teacher_layers == (0,)
    assert (plain.n_harmful, plain.n_benign, safe.n_harmful, safe.n_benign) == (0, 0, 8, 8)
    assert safe.history[-1]["loss"] < safe.history[0]["loss"]
    assert all(math.isnan(h["safety_kl"]) for h in plain.history)
    for group, prompts in (("harmful", harm), ("benign", ben)):
        a_plain = safety_agreement(model, plain.student, tok, prompts)
        a_safe = safety_agreement(model, safe.student, tok, prompts)
        # the refuse-or-answer step: the next-token distribution right after the prompt
        assert a_safe.first_token_kl < 0.1 * a_plain.first_token_kl
        # the refusal margin of compsec_refusal_margin, and its half along what the teacher
        # says to this group (refusals to harmful requests, answers to benign ones)
        assert a_safe.margin_mae < a_plain.margin_mae
        if group == "harmful":
            # measured 0.10-0.19x (0.16-0.29 nats against 1.56, seeds 0-5): the one-block student
            # sees 4 of the 16 refusal openings per prompt and plateaus there (0.08-0.20x at 400
            # steps), so 0.3x, not the 0.2x it was, leaves room for seed noise
            assert a_safe.refusal_logp_mae < 0.3 * a_plain.refusal_logp_mae
        else:
            assert a_safe.other_logp_mae < 0.2 * a_plain.other_logp_mae
        assert a_safe.sign_agreement == 1.0 and a_safe.student.win_rate == a_safe.teacher.win_rate


def test_greedy_responses_alone_keep_the_first_token_but_lose_the_other_refusals(teacher: tuple[Any, Any]) -> None:
    model, tok = teacher
    harm, ben = _groups()
    greedy = distill_student(model, tok, config=_config(steps=STEPS, responses_per_prompt=1), texts=TEXTS,
                             harmful=harm, benign=ben, progress=False)
    sampled = distill_student(model, tok, config=_config(steps=STEPS, responses_per_prompt=4), texts=TEXTS,
                              harmful=harm, benign=ben, progress=False)
    a_greedy = safety_agreement(model, greedy.student, tok, harm)
    a_sampled = safety_agreement(model, sampled.student, tok, harm)
    assert a_greedy.first_token_kl < 0.01 and a_sampled.first_token_kl < 0.01
    # measured 0.13-0.29x (0.16-0.29 nats against 1.00-1.18, seeds 0-5; 0.16-0.38x at 60 steps)
    # under the 16-opening log-odds margin, so 0.4x, not the 0.2x it was, leaves room for seed
    # noise; greedy's sign agreement of 0 (every seed) below still shows the refusals it loses
    assert a_sampled.refusal_logp_mae < 0.4 * a_greedy.refusal_logp_mae
    assert a_greedy.sign_agreement < 0.5 < a_sampled.sign_agreement == 1.0


def test_the_student_is_saved_and_loads_as_distilled(trained_teacher: Path, teacher: tuple[Any, Any],
                                                     tmp_path: Path) -> None:
    from model_adapters.loading import load_variant

    model, tok = teacher
    out = tmp_path / "student"
    res = distill_student(model, tok, config=_config(steps=3, responses_per_prompt=1), texts=TEXTS,
                          harmful=_groups()[0][:2], benign=_groups()[1][:2], out_dir=out, teacher_ref="the-teacher",
                          progress=False)
    assert res.path == str(out)
    rec = json.loads((out / RECORD_FILE).read_text())
    assert rec["format"] == "compsec-distillation/1" and rec["teacher"] == "the-teacher"
    assert rec["config"] == res.config.to_dict() and DistillConfig.from_dict(rec["config"]) == res.config
    assert rec["teacher_layers"] == [0] and len(rec["history"]) == 3
    assert rec["samples"] == {"text": 4, "harmful": 2, "benign": 2}
    assert "KL(teacher || student)" in rec["objective"]

    lv = load_variant(trained_teacher, f"distilled:{out}")
    info = lv.manifest.to_dict()["backend_info"]
    assert info["same_vocabulary"] is True and info["student_config"]["num_hidden_layers"] == 1
    assert info["teacher_config"]["num_hidden_layers"] == 2
    ids = tok("How do I pick a lock?", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert torch.allclose(lv.model(ids).logits, res.student(ids).logits, atol=1e-5)


def test_safety_loss_starts_where_the_margin_splits_the_response_off(tiny_llama: Path) -> None:
    from model_adapters.analysis.distill import build_samples, response_start
    from model_adapters.analysis.margin import encode_prompt
    from model_adapters.loading import load_tokenizer

    tok = load_tokenizer(tiny_llama)
    prompt = "How do I pick a lock?"
    ctx = tok(format_context(tok, prompt), add_special_tokens=False)["input_ids"]
    resp = tok("I can't help with that.", add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
    enc = encode_prompt(tok, prompt)
    # ChatML: the "\n" after "<|im_start|>assistant" is the margin's first continuation token
    assert tok.decode(ctx[-1:]) == "\n" and enc.context == tuple(ctx[:-1])
    assert response_start(tok, prompt, ctx) == len(enc.context) == len(ctx) - 1
    _, (sample,) = build_samples(tok, [], [("harmful", "p0", prompt, ctx, resp)], safety_weight=2.0, max_length=256)
    assert sample.loss_from == len(ctx) - 1 and sample.n_loss == len(resp) + 1 and sample.weight == 2.0
    # no template: nothing trails the raw prompt, nothing moves
    tok.chat_template = None
    raw = tok(prompt, add_special_tokens=False)["input_ids"]
    assert response_start(tok, prompt, raw) == len(raw) == len(encode_prompt(tok, prompt).context)


def test_make_student_keeps_the_chosen_blocks(tmp_path: Path) -> None:
    from model_adapters.loading import load_hf_model

    t = load_hf_model(build_tiny_llama(tmp_path / "t4", seed=3, layers=4, hidden=64))
    student, keep = make_student(t, 2)
    assert keep == (0, 3) and student.config.num_hidden_layers == 2 and t.config.num_hidden_layers == 4
    s_sd, t_sd = student.state_dict(), t.state_dict()
    assert torch.equal(s_sd["model.layers.1.mlp.up_proj.weight"], t_sd["model.layers.3.mlp.up_proj.weight"])
    assert torch.equal(s_sd["model.layers.0.self_attn.q_proj.weight"], t_sd["model.layers.0.self_attn.q_proj.weight"])
    assert torch.equal(s_sd["lm_head.weight"], t_sd["lm_head.weight"])
    assert make_student(t, [1, 2])[1] == (1, 2) and make_student(t, 3)[1] == (0, 2, 3)
    full, _ = make_student(t, 4)
    ids = torch.tensor([[5, 6, 7, 8]])
    with torch.no_grad():
        assert torch.allclose(full(ids).logits, t(ids).logits, atol=1e-6)


def test_distillation_is_seeded(teacher: tuple[Any, Any]) -> None:
    model, tok = teacher
    cfg = _config(steps=3, responses_per_prompt=2, seed=7)
    harm, ben = _groups()
    a = distill_student(model, tok, config=cfg, texts=TEXTS, harmful=harm[:2], benign=ben[:2], progress=False)
    b = distill_student(model, tok, config=cfg, texts=TEXTS, harmful=harm[:2], benign=ben[:2], progress=False)
    assert [h["loss"] for h in a.history] == [h["loss"] for h in b.history]
    assert all(torch.equal(v, b.student.state_dict()[k]) for k, v in a.student.state_dict().items())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_distillation_on_cuda(trained_teacher: Path, tmp_path: Path) -> None:
    from model_adapters.loading import load_hf_model, load_tokenizer, load_variant

    model, tok = load_hf_model(trained_teacher, device="cuda"), load_tokenizer(trained_teacher)
    harm, ben = _groups()
    res = distill_student(model, tok, config=_config(steps=5), texts=TEXTS, harmful=harm[:2], benign=ben[:2],
                          out_dir=tmp_path / "s", progress=False)
    assert next(res.student.parameters()).is_cuda
    agree = safety_agreement(model, res.student, tok, harm[:2])
    assert len(agree.prompt_ids) == 2 and agree.first_token_kl >= 0
    assert load_variant(trained_teacher, f"distilled:{tmp_path / 's'}").model.config.num_hidden_layers == 1


# -- bad input ------------------------------------------------------------------------------


def test_bad_input_gives_errors_that_name_the_fix(teacher: tuple[Any, Any], tmp_path: Path) -> None:
    from model_adapters.loading import load_tokenizer

    model, tok = teacher
    other = load_tokenizer(Path(model.name_or_path))
    other.add_tokens(["<not-in-the-teacher>"])
    with pytest.raises(CompsecError, match=r"different tokenizer \(\d+ tokens\).*same token ids.*--layers"):
        distill_student(model, tok, student=make_student(model, 1)[0], student_tokenizer=other,
                        config=_config(steps=1, safety=False), texts=TEXTS, progress=False)
    with pytest.raises(PromptSetError, match="no prompts to score.*harmful_prompts"):
        distill_student(model, tok, config=_config(steps=1), texts=TEXTS, harmful=[], progress=False)
    with pytest.raises(PromptSetError, match="nothing to distil on.*texts"):
        distill_student(model, tok, config=_config(steps=1, safety=False), texts=[" "], progress=False)
    with pytest.raises(PromptSetError, match="list of strings"):
        distill_student(model, tok, config=_config(steps=1, safety=False), texts="one text", progress=False)
    with pytest.raises(InputFileError, match="not a folder.*--layers"):
        distill_student(model, tok, student=tmp_path / "nope", config=_config(steps=1, safety=False), texts=TEXTS,
                        progress=False)
    with pytest.raises(CompsecError, match="keeps 1 to 2 of its 2 blocks"):
        make_student(model, 3)
    with pytest.raises(CompsecError, match="increasing, distinct block indices"):
        make_student(model, [1, 0])
    with pytest.raises(CompsecError, match="safety_fraction"):
        DistillConfig(safety_fraction=1.5)
    with pytest.raises(CompsecError, match="temperature must be a positive number"):
        DistillConfig(temperature=0)
    with pytest.raises(CompsecError, match="unknown distillation option.*known:"):
        DistillConfig.from_dict({"stepz": 3})


# -- command line ---------------------------------------------------------------------------


def test_cli_distill(trained_teacher: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from compsec_tasks.cli import main
    from model_adapters.loading import load_variant

    texts = tmp_path / "texts.txt"
    texts.write_text("\n\n".join(TEXTS))
    out = tmp_path / "student"
    with caplog.at_level("INFO"):
        rc = main(["distill", "--teacher", str(trained_teacher), "--out", str(out), "--layers", "1", "--steps", "3",
                   "--limit", "2", "--max-new-tokens", "4", "--responses-per-prompt", "1", "--eval-limit", "2",
                   "--safety-weight", "3", "--texts", str(texts), "--no-progress"])
    assert rc == 0
    rec = json.loads((out / RECORD_FILE).read_text())
    assert rec["config"]["safety_weight"] == 3.0 and rec["config"]["layers"] == 1
    assert rec["samples"] == {"text": 4, "harmful": 2, "benign": 2} and rec["texts"] == str(texts)
    assert rec["evaluation"]["n_prompts"] == 2 and rec["evaluation"]["prompts"]["split"] == "test"
    assert "load it as distilled:" in caplog.text or "distilled:" in caplog.text
    assert load_variant(trained_teacher, f"distilled:{out}").model.config.num_hidden_layers == 1

    out2 = tmp_path / "plain"
    assert main(["distill", "--teacher", str(trained_teacher), "--out", str(out2), "--no-safety", "--steps", "2",
                 "--texts", str(texts), "--no-eval", "--no-progress"]) == 0
    rec = json.loads((out2 / RECORD_FILE).read_text())
    assert rec["config"]["safety"] is False and rec["samples"]["harmful"] == 0 and "evaluation" not in rec


def test_cli_distill_errors_exit_1(trained_teacher: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from compsec_tasks.cli import main

    base = ["distill", "--teacher", str(trained_teacher), "--out", str(tmp_path / "s")]
    assert main([*base, "--layers", "1", "--student", str(trained_teacher)]) == 1
    assert "either --student" in capsys.readouterr().err
    assert main([*base, "--texts", str(tmp_path / "missing.txt")]) == 1
    assert "no such text file" in capsys.readouterr().err
    assert main([*base, "--layers", "5", "--steps", "1", "--no-safety", "--no-eval"]) == 1
    assert "keeps 1 to 2" in capsys.readouterr().err
