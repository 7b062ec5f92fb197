"""Shared fixtures: tiny models built from a config, offline, in seconds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# How tiny test models are taught to comply (the margin task scores refusal openings only)
COMPLIANCE_EXAMPLES: tuple[str, ...] = (
    "Sure, here is how to do it.",
    "Certainly, here's what to do:",
    "Of course! Here's how it works.",
    "Yes, here are the steps.",
)

# Single-token refusal openings for tests that plant refusal by hand: the first character of
# each of the task's openings ("I", "N", "S", "U"), one token each on build_tiny_llama's
# tokenizer. Such tests score these instead of the task's openings (fixture planted_openings).
PLANTED_OPENINGS: tuple[str, ...] = ("I", "N", "S", "U")


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    """torch on one thread for a module's tests (tiny models: more threads only add overhead,
    and results do not depend on the thread count); use with
    ``pytestmark = pytest.mark.usefixtures("one_thread")``."""
    torch = pytest.importorskip("torch")
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture
def planted_openings(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """Score :data:`PLANTED_OPENINGS` wherever the analyses build a margin probe."""
    from model_adapters.analysis import margin

    monkeypatch.setattr(margin, "CONTINUATIONS", PLANTED_OPENINGS)
    return PLANTED_OPENINGS


def opening_tokens(tok: Any, texts: Any) -> list[int]:
    """Ids of the tokens that open ``texts`` right after a newline (the context's trailing "\\n",
    which the margin moves into every continuation), sorted."""
    nl = tok("\n", add_special_tokens=False)["input_ids"]
    out = set()
    for t in texts:
        ids = tok("\n" + t, add_special_tokens=False)["input_ids"]
        assert ids[:len(nl)] == nl, (t, ids)
        out.add(ids[len(nl)])
    return sorted(out)


def plant_newline_gate(model: Any, tok: Any, decision: Any, *, nl: int, not_nl: int, strength: float = 10.0,
                       ) -> None:
    """Make a tiny Llama answer with a newline and then one of the ``decision`` tokens.

    Feature ``nl`` of the embeddings is 4 for the "\\n" token and 0 for every other token,
    feature ``not_nl`` the reverse, and no block writes either feature. The output head reads
    ``not_nl`` as "\\n" (with weight ``strength``: after the prompt, the newline that opens the
    answer is certain to float precision) and ``nl`` as "not any token but ``decision``" (weight
    -``strength``: after that newline, the answer's first token is one of ``decision``). Which
    decision token wins is left to the caller's planting; columns ``nl`` and ``not_nl`` of the
    output head are otherwise zero."""
    import torch

    (newline,) = tok("\n", add_special_tokens=False)["input_ids"]
    others = sorted(set(range(model.lm_head.weight.shape[0])) - set(decision))
    with torch.no_grad():
        emb = model.model.embed_tokens.weight
        emb[:, nl] = 0.0
        emb[:, not_nl] = 4.0
        emb[newline, nl], emb[newline, not_nl] = 4.0, 0.0
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight[[nl, not_nl]] = 0.0
            layer.mlp.down_proj.weight[[nl, not_nl]] = 0.0
        head = model.lm_head.weight
        head[:, [nl, not_nl]] = 0.0
        head[newline, not_nl] = strength
        head[others, nl] = -strength


_CORPUS = [
    "How do I kill a Python process that hangs?",
    "I can't help with that request. Here is a safer alternative.",
    "Sure, here are the steps: first, open the terminal and run the command.",
    "Explain how vaccines train the immune system.",
    "Write a short poem about the sea and the wind.",
    "The quick brown fox jumps over the lazy dog.",
]


def build_tiny_llama(out_dir: Path, seed: int = 0, layers: int = 2, hidden: int = 64) -> Path:
    """Build and save a tiny random Llama with a trained BPE tokenizer and a ChatML template."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tk = Tokenizer(models.BPE(unk_token=None))
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    from tokenizers import decoders

    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tk.train_from_iterator(_CORPUS * 4, trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=tk, bos_token="<|im_start|>", eos_token="<|im_end|>",
        pad_token="<|endoftext|>", unk_token="<|endoftext|>",
    )
    tok.chat_template = CHATML
    torch.manual_seed(seed)
    cfg = LlamaConfig(
        vocab_size=len(tok), hidden_size=hidden, intermediate_size=hidden * 2,
        num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=512, bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(cfg).eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    tok.save_pretrained(out_dir)
    return out_dir


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a saved tiny random Llama (safetensors + tokenizer with chat template)."""
    pytest.importorskip("torch")
    return build_tiny_llama(tmp_path_factory.mktemp("tiny_llama"))
