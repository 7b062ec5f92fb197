"""Fidelity between models that may not share a vocabulary: distilled students with their own
tokenizer (not comparable: recorded as such, evaluation goes on), output layers padded past
the tokenizer (compared over the shared rows), and the FidelityError when fidelity is required.
Tiny Llamas with tokenizers trained here, offline."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from conftest import _CORPUS, build_tiny_llama  # noqa: E402

from compsec_tasks.errors import CompsecError, FidelityError  # noqa: E402
from model_adapters import fidelity as fid  # noqa: E402
from model_adapters.loading import load_hf_model, load_tokenizer, load_variant  # noqa: E402
from model_adapters.manifest import Manifest  # noqa: E402

PROBES = [
    "How do I kill a Python process that hangs?",
    "Write a short poem about the sea and the wind.",
    "Explain how vaccines train the immune system.",
    "The quick brown fox jumps over the lazy dog.",
]
# another corpus, so the student's merges (and token ids) are not the teacher's
STUDENT_CORPUS = [
    "Students learn from teachers, and distilled models learn from larger ones.",
    "Refusals, compliance and degenerate answers are three different things.",
    "Quantization rounds weights to a grid; pruning sets some of them to zero.",
    "Every prompt has a stable id, a category and a kind.",
    *_CORPUS,
]


pytestmark = pytest.mark.usefixtures("one_thread")


def build_student(out: Path, vocab_size: int | None, *, rows: int | None = None, tokenizer: bool = True,
                  seed: int = 5, hidden: int = 32) -> Path:
    """A tiny Llama student. With ``vocab_size`` its own BPE tokenizer of that size is trained
    on another corpus; ``rows`` sets its embedding/lm_head rows (default: the tokenizer's size);
    ``tokenizer=False`` saves no tokenizer (the teacher's is used)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = None
    n_tokens = rows
    if vocab_size is not None:
        tk = Tokenizer(models.BPE(unk_token=None))
        tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tk.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<|endoftext|>", "<|im_start|>",
                                                                             "<|im_end|>"],
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tk.train_from_iterator(STUDENT_CORPUS * 4, trainer)
        tok = PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                      pad_token="<|endoftext|>", unk_token="<|endoftext|>")
        n_tokens = rows or len(tok)
    assert n_tokens is not None
    torch.manual_seed(seed)
    cfg = LlamaConfig(vocab_size=n_tokens, hidden_size=hidden, intermediate_size=hidden * 2, num_hidden_layers=1,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, bos_token_id=1,
                      eos_token_id=2, pad_token_id=0, tie_word_embeddings=False)
    out.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(cfg).eval().save_pretrained(out, safe_serialization=True)
    if tokenizer and tok is not None:
        tok.save_pretrained(out)
    return out


def padded_copy(src: Path, out: Path, rows: int) -> Path:
    """``src`` with its embeddings and lm_head padded to ``rows`` (the extra lm_head rows get
    large random weights, so they take real probability mass), with ``src``'s tokenizer."""
    model = load_hf_model(src)
    n = model.get_output_embeddings().weight.shape[0]
    model.resize_token_embeddings(rows, mean_resizing=False)
    with torch.no_grad():
        model.get_output_embeddings().weight[n:].normal_(0.0, 1.0)
        model.get_input_embeddings().weight[n:].normal_(0.0, 1.0)
    model.save_pretrained(out, safe_serialization=True)
    load_tokenizer(src).save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def teacher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_llama(tmp_path_factory.mktemp("teacher"), seed=0)


@pytest.fixture(scope="module")
def students(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("students")
    return {
        "smaller": build_student(root / "smaller", 300),
        "larger": build_student(root / "larger", 520),
        "no_tokenizer_fewer_rows": build_student(root / "fewer_rows", None, rows=300, tokenizer=False),
    }


def _vocab_of(folder: Path) -> int:
    return len(load_tokenizer(folder))


def _run(base: Path, spec: str, tmp_path: Path, **kw: Any) -> Any:
    return load_variant(str(base), spec, cache_dir=tmp_path / "cache", probe_prompts=PROBES, **kw)


# -- a student with another vocabulary ------------------------------------------------------


@pytest.mark.parametrize("which", ["smaller", "larger"])
def test_student_with_its_own_tokenizer_is_recorded_as_not_comparable(
        which: str, teacher: Path, students: dict[str, Path], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    student = students[which]
    n_student, n_teacher = _vocab_of(student), _vocab_of(teacher)
    assert n_student != n_teacher and (n_student < n_teacher) == (which == "smaller")
    with caplog.at_level(logging.WARNING, logger="model_adapters"):
        lv = _run(teacher, f"distilled:{student}", tmp_path)  # used to crash (IndexError / shape mismatch)
    m = lv.manifest
    assert m.fidelity is None
    expected = f"student tokenizer differs from the teacher's (vocab {n_student} vs {n_teacher}); " \
               "next-token KL is undefined"
    assert m.fidelity_note == expected
    assert any(expected in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    info = m.backend_info
    assert info["same_vocabulary"] is False and info["same_tokenizer"] is False
    assert info["student_vocab"] == n_student and info["teacher_vocab"] == n_teacher
    assert info["tokenizer_from"] == str(student)
    # evaluation goes on: the student runs with its own tokenizer
    ids = lv.tokenizer("Explain how vaccines train the immune system.", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        logits = lv.model(input_ids=ids).logits
    assert logits.shape[-1] == n_student and torch.isfinite(logits).all()
    assert Manifest.from_dict(json.loads(m.to_json())) == m
    assert "not measured: student tokenizer differs" in m.summary()


def test_student_without_tokenizer_and_fewer_rows_is_not_comparable(
        teacher: Path, students: dict[str, Path], tmp_path: Path) -> None:
    lv = _run(teacher, f"distilled:{students['no_tokenizer_fewer_rows']}", tmp_path)
    assert lv.manifest.fidelity is None
    note = lv.manifest.fidelity_note or ""
    assert "student" in note and "300" in note and "next-token KL is undefined" in note
    assert lv.manifest.backend_info["same_vocabulary"] is False
    assert lv.manifest.backend_info["same_tokenizer"] is True  # it uses the teacher's tokenizer


def test_required_fidelity_raises_with_the_fix(teacher: Path, students: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(FidelityError) as ei:
        _run(teacher, f"distilled:{students['smaller']}", tmp_path, fidelity="require")
    msg = str(ei.value)
    assert "student distilled:" in msg and "tokenizer differs from the teacher's" in msg
    assert "fidelity=False" in msg and "--no-fidelity" in msg
    assert _run(teacher, f"distilled:{students['smaller']}", tmp_path, fidelity=False).manifest.fidelity_note is None
    with pytest.raises(CompsecError, match="fidelity must be True, False or 'require'"):
        _run(teacher, "original", tmp_path, fidelity="maybe")


def test_compute_fidelity_across_vocabularies_raises_fidelity_error(teacher: Path, students: dict[str, Path]) -> None:
    base, base_tok = load_hf_model(teacher), load_tokenizer(teacher)
    for which in ("smaller", "larger"):
        student = load_hf_model(students[which])
        with pytest.raises(FidelityError, match=r"tokenizer differs from the base's \(vocab \d+ vs 400\)"):
            fid.compute_fidelity(base, student, base_tok, PROBES, variant_tokenizer=load_tokenizer(students[which]))
    # the teacher's tokenizer on a student with 300 rows: refused before any IndexError
    with pytest.raises(FidelityError, match="embeds 300 token ids|scores 300 tokens"):
        fid.compute_fidelity(base, load_hf_model(students["no_tokenizer_fewer_rows"]), base_tok, PROBES)


# -- same tokenizer, padded output layer ------------------------------------------------------


def test_padded_student_is_compared_over_the_shared_rows(teacher: Path, tmp_path: Path) -> None:
    """The teacher itself, padded to 448 rows whose extra logits take real probability mass:
    over the 400 rows both share, renormalized, it is the teacher exactly."""
    padded = padded_copy(teacher, tmp_path / "padded", 448)
    lv = _run(teacher, f"distilled:{padded}", tmp_path)
    f = lv.manifest.fidelity
    assert f is not None and f["vocab_rows"] == 400
    assert f["kl_mean"] == pytest.approx(0.0, abs=1e-5) and f["top1_agreement"] == 1.0
    assert lv.manifest.fidelity_note == f["vocab_note"]
    assert "400 output rows both models share" in f["vocab_note"] and "student 448" in f["vocab_note"]
    assert lv.manifest.backend_info["same_vocabulary"] is True
    # and the other way round: a padded base against the unpadded model
    back = _run(padded, f"distilled:{teacher}", tmp_path).manifest.fidelity
    assert back is not None and back["vocab_rows"] == 400 and back["kl_mean"] == pytest.approx(0.0, abs=1e-5)
    # without the renormalization the padded rows would show as a large KL: the test has teeth
    base = load_hf_model(teacher)
    ids = load_tokenizer(teacher)(PROBES[0], return_tensors="pt")["input_ids"]
    with torch.no_grad():
        full = torch.log_softmax(load_hf_model(padded)(input_ids=ids).logits[0], -1)
        ref = torch.log_softmax(base(input_ids=ids).logits[0], -1)
    assert float(full[:, 400:].exp().sum(-1).mean()) > 0.05
    assert float((ref.exp() * (ref - full[:, :400])).sum(-1).mean()) > 0.05


# -- check_comparable, table-driven ---------------------------------------------------------


class _Tok:
    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)


class _Model:
    def __init__(self, n_in: int, n_out: int) -> None:
        self.emb = torch.nn.Embedding(n_in, 4)
        self.head = torch.nn.Linear(4, n_out, bias=False)

    def get_input_embeddings(self) -> Any:
        return self.emb

    def get_output_embeddings(self) -> Any:
        return self.head


BASE_VOCAB = {f"t{i}": i for i in range(10)}


def _ref(rows: int = 10) -> fid.Reference:
    return fid.Reference([torch.tensor([1, 5, 9])], [torch.log_softmax(torch.randn(3, rows), -1)], "x",
                         dict(BASE_VOCAB))


@pytest.mark.parametrize(("base_rows", "vocab", "n_in", "n_out", "ok", "rows", "text"), [
    (10, BASE_VOCAB, 10, 10, True, None, None),
    (10, BASE_VOCAB, 16, 16, True, 10, "over the 10 output rows both models share"),  # variant padded
    (16, BASE_VOCAB, 10, 10, True, 10, "base lm_head 16 rows"),  # base padded
    (10, {**BASE_VOCAB, "extra": 10}, 11, 11, True, 10, None),  # the variant adds a token after them
    (10, {f"t{(i + 1) % 10}": i for i in range(10)}, 10, 10, False, None, "10 tokens with other ids"),
    (10, {f"u{i}": i for i in range(12)}, 12, 12, False, None, "(vocab 12 vs 10)"),
    (10, None, 8, 10, False, None, "embeds 8 token ids"),
    (10, None, 10, 8, False, None, "scores 8 tokens, fewer than the 10"),
])
def test_check_comparable(base_rows: int, vocab: dict[str, int] | None, n_in: int, n_out: int, ok: bool,
                          rows: int | None, text: str | None) -> None:
    c = fid.check_comparable(_ref(base_rows), _Model(n_in, n_out), _Tok(vocab) if vocab is not None else None)
    assert c.comparable is ok and c.rows == rows
    if text is not None:
        assert text in (c.note if ok else c.reason)
    if not ok:
        assert c.reason.endswith("next-token KL is undefined")
