"""Fidelity of a variant against its base: how far its next-token distributions moved.

On a fixed probe set (``model_adapters/probe_prompts.json``: harmful, benign and neutral
text), both models score every position of every prompt; the figures are the mean and max
KL(base ‖ variant) over all positions and the top-1 agreement (the fraction of positions
where both models' most likely next token is the same). A variant identical to its base has
KL 0 and agreement 1.0.

The comparison needs both models to score the same tokens. :func:`check_comparable` says
whether they do before the variant runs: the variant's tokenizer must map every token to the
id the base's does (a distilled student with its own vocabulary does not: next-token KL
between distributions over different token sets is undefined), and its embeddings and output
layer must cover the base tokenizer's ids. An output layer padded to more rows than the other
model's (same tokenizer, lm_head rounded up to a multiple of 64) is compared over the rows both
share, each distribution renormalized over them (``vocab_rows`` and ``vocab_note`` in the
result). :func:`compare` raises :class:`FidelityError` for models that are not comparable;
:func:`~model_adapters.loading.load_variant` records fidelity as not measured, with the reason,
unless ``fidelity="require"``.

:func:`check_roundtrip` catches a variant whose saved files do not hold the model that was
measured (bitsandbytes 4-bit saved after a forward pass reloads as garbage: KL 0.75 -> 12.4).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from compsec_tasks.errors import CompsecError, FidelityError

logger = logging.getLogger(__name__)

__all__ = [
    "ProbeSet",
    "Reference",
    "Comparability",
    "check_comparable",
    "load_probe_prompts",
    "reference",
    "compare",
    "compute_fidelity",
    "not_comparable_error",
    "check_roundtrip",
]

PROBE_FILE = "probe_prompts.json"
MAX_TOKENS = 128


@dataclass(frozen=True)
class ProbeSet:
    prompts: tuple[str, ...]
    version: str
    sha256: str


def load_probe_prompts() -> ProbeSet:
    """The shipped probe prompts (``model_adapters/probe_prompts.json``)."""
    raw = (resources.files("model_adapters") / PROBE_FILE).read_bytes()
    data = json.loads(raw)
    prompts = tuple(p["text"] for p in data["prompts"])
    return ProbeSet(prompts, str(data.get("version", "0")), hashlib.sha256(raw).hexdigest())


def _prompts_sha256(prompts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(prompts), ensure_ascii=False).encode()).hexdigest()


def _device_of(model: Any) -> Any:
    dev = getattr(model, "device", None)
    if dev is not None:
        return dev
    try:
        return next(model.parameters()).device
    except (StopIteration, AttributeError):
        return "cpu"


@dataclass
class Reference:
    """Log-probabilities of the base model on the probe prompts, kept so the base model can be
    freed before the variant is built. ``logprobs[i]`` is [tokens_i, vocab] (float32, CPU).
    ``vocab`` is the base tokenizer's token -> id map (None when it has none to give)."""

    input_ids: list[Any]
    logprobs: list[Any]
    prompts_sha256: str
    vocab: dict[str, int] | None = None

    @property
    def n_tokens(self) -> int:
        return sum(int(x.shape[0]) for x in self.logprobs)

    @property
    def vocab_rows(self) -> int:
        """Rows of the base model's output layer (the width of its logits)."""
        return int(self.logprobs[0].shape[-1])

    @property
    def vocab_size(self) -> int | None:
        """Tokens of the base tokenizer."""
        return len(self.vocab) if self.vocab is not None else None

    @property
    def max_input_id(self) -> int:
        return max(int(x.max()) for x in self.input_ids)


@dataclass(frozen=True)
class Comparability:
    """Whether a variant's next-token distributions can be compared with a :class:`Reference`:
    ``comparable``; ``reason`` when not; ``rows`` (the output rows compared: fewer than one of
    the two models has when its output layer is padded) and ``note`` saying so."""

    comparable: bool
    reason: str = ""
    rows: int | None = None
    note: str | None = None


def _tokenizer_vocab(tokenizer: Any) -> dict[str, int] | None:
    get = getattr(tokenizer, "get_vocab", None)
    if not callable(get):
        return None
    try:
        vocab = get()
    except Exception:  # noqa: BLE001 - a tokenizer without a vocabulary to show
        return None
    return {str(k): int(v) for k, v in vocab.items()} if isinstance(vocab, Mapping) else None


def _rows_of(module: Any, attr: str) -> int | None:
    if module is None:
        return None
    n = getattr(module, attr, None)
    if isinstance(n, int):
        return n
    w = getattr(module, "weight", None)
    shape = getattr(w, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) == 2 else None


def _model_rows(model: Any) -> tuple[int | None, int | None]:
    """(input embedding rows, output layer rows) of a causal LM, None where unknown."""
    def call(name: str) -> Any:
        fn = getattr(model, name, None)
        try:
            return fn() if callable(fn) else None
        except Exception:  # noqa: BLE001 - wrappers that do not implement it
            return None

    n_in = _rows_of(call("get_input_embeddings"), "num_embeddings")
    n_out = _rows_of(call("get_output_embeddings"), "out_features")
    if n_out is None:
        v = getattr(getattr(model, "config", None), "vocab_size", None)
        n_out = v if isinstance(v, int) else None
    return n_in, n_out


def _vocab_difference(base: Mapping[str, int], variant: Mapping[str, int]) -> str | None:
    """None when ``variant`` gives every token of ``base`` the same id (it may add tokens after
    them); else how they differ."""
    moved = sum(1 for tok, i in base.items() if variant.get(tok) != i)
    if not moved:
        return None
    if len(base) != len(variant):
        return f"vocab {len(variant)} vs {len(base)}"
    return f"vocab {len(variant)} vs {len(base)}, {moved} tokens with other ids"


def check_comparable(ref: Reference, variant_model: Any, tokenizer: Any | None = None, *,
                     variant_name: str = "variant", base_name: str = "base") -> Comparability:
    """Whether ``variant_model`` (with ``tokenizer``, when given) scores the same tokens as the
    base of ``ref``; see the module docstring. Runs no model."""
    var_vocab = _tokenizer_vocab(tokenizer) if tokenizer is not None else None
    if ref.vocab is not None and var_vocab is not None:
        diff = _vocab_difference(ref.vocab, var_vocab)
        if diff is not None:
            return Comparability(False, f"{variant_name} tokenizer differs from the {base_name}'s ({diff}); "
                                        "next-token KL is undefined")
    n_in, n_out = _model_rows(variant_model)
    if n_in is not None and n_in <= ref.max_input_id:
        return Comparability(False, f"{variant_name} embeds {n_in} token ids but the {base_name} tokenizer gives ids "
                                    f"up to {ref.max_input_id} on the probe prompts (vocab {n_in} vs "
                                    f"{ref.vocab_size or ref.vocab_rows}); next-token KL is undefined")
    need = ref.vocab_size or 0
    if n_out is not None and n_out < need:
        return Comparability(False, f"{variant_name} output layer scores {n_out} tokens, fewer than the {need} of "
                                    f"the {base_name} tokenizer; next-token KL is undefined")
    if n_out is not None and n_out != ref.vocab_rows:
        rows = min(n_out, ref.vocab_rows)
        if rows < need:
            return Comparability(False, f"{base_name} output layer scores {ref.vocab_rows} tokens, fewer than "
                                        f"the {need} of its tokenizer; next-token KL is undefined")
        note = (f"compared over the {rows} output rows both models share ({base_name} lm_head {ref.vocab_rows} "
                f"rows, {variant_name} {n_out}; tokenizer {need or 'unknown'} tokens), each distribution "
                "renormalized over them")
        return Comparability(True, rows=rows, note=note)
    return Comparability(True)


def _encode(tokenizer: Any, prompts: Sequence[str]) -> list[Any]:
    import torch

    out = []
    for p in prompts:
        ids = tokenizer(p, add_special_tokens=True, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        if not ids:
            raise CompsecError(f"probe prompt {p[:40]!r} tokenizes to nothing")
        out.append(torch.tensor(ids, dtype=torch.long))
    return out


def _logprobs(model: Any, ids: list[Any], pad_id: int, batch_size: int, rows: int | None = None) -> list[Any]:
    """Per prompt [len, vocab] float32 log-softmax on CPU, batched with right padding; over the
    first ``rows`` logits only when given."""
    import torch

    dev = _device_of(model)
    out: list[Any] = [None] * len(ids)
    order = sorted(range(len(ids)), key=lambda i: int(ids[i].shape[0]))
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            width = max(int(ids[i].shape[0]) for i in idx)
            batch = torch.full((len(idx), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for r, i in enumerate(idx):
                n = int(ids[i].shape[0])
                batch[r, :n] = ids[i]
                mask[r, :n] = 1
            logits = model(input_ids=batch.to(dev), attention_mask=mask.to(dev)).logits
            if rows is not None:
                logits = logits[..., :rows]
            lp = torch.log_softmax(logits.float(), dim=-1).cpu()
            for r, i in enumerate(idx):
                out[i] = lp[r, : int(ids[i].shape[0])].clone()
    return out


def _pad_id(tokenizer: Any) -> int:
    for attr in ("pad_token_id", "eos_token_id"):
        v = getattr(tokenizer, attr, None)
        if isinstance(v, int):
            return v
    return 0


def reference(model: Any, tokenizer: Any, prompts: Sequence[str] | None = None, batch_size: int = 8) -> Reference:
    """Score the probe prompts (default: the shipped set) with the base ``model``."""
    if prompts is None:
        prompts = load_probe_prompts().prompts
    if not prompts:
        raise CompsecError("fidelity needs at least one probe prompt")
    ids = _encode(tokenizer, prompts)
    return Reference(ids, _logprobs(model, ids, _pad_id(tokenizer), batch_size), _prompts_sha256(prompts),
                     _tokenizer_vocab(tokenizer))


def not_comparable_error(reason: str, variant_name: str = "variant") -> FidelityError:
    """The :class:`FidelityError` for a fidelity that was asked for and cannot be measured."""
    return FidelityError(
        f"cannot measure the fidelity of the {variant_name}: {reason}. Fidelity compares models that share a "
        "tokenizer; skip it for this one (load_variant(..., fidelity=False), --no-fidelity, or fidelity=True "
        "to record it as not comparable and go on)"
    )


def compare(ref: Reference, variant_model: Any, tokenizer: Any | None = None, batch_size: int = 8, *,
            variant_name: str = "variant", base_name: str = "base") -> dict[str, Any]:
    """Fidelity of ``variant_model`` against a base :class:`Reference`. Raises
    :class:`FidelityError` when the two do not score the same tokens (:func:`check_comparable`)."""
    import torch

    c = check_comparable(ref, variant_model, tokenizer, variant_name=variant_name, base_name=base_name)
    if not c.comparable:
        raise not_comparable_error(c.reason, variant_name)
    pad = _pad_id(tokenizer) if tokenizer is not None else 0
    var = _logprobs(variant_model, ref.input_ids, pad, batch_size, rows=c.rows)
    total, kmax, agree, n = 0.0, 0.0, 0, 0
    for lp_b, lp_v in zip(ref.logprobs, var, strict=True):
        if c.rows is not None and lp_b.shape[-1] != c.rows:
            lp_b = lp_b[..., :c.rows]
            lp_b = lp_b - torch.logsumexp(lp_b, dim=-1, keepdim=True)
        if lp_b.shape != lp_v.shape:
            raise not_comparable_error(
                f"the {base_name} scores {lp_b.shape[-1]} tokens per position and the {variant_name} "
                f"{lp_v.shape[-1]}", variant_name)
        kl = (lp_b.exp() * (lp_b - lp_v)).sum(-1).clamp_min(0.0)
        kl = torch.nan_to_num(kl, nan=float("inf"))
        total += float(kl.sum())
        kmax = max(kmax, float(kl.max()))
        agree += int((lp_b.argmax(-1) == lp_v.argmax(-1)).sum())
        n += int(kl.shape[0])
    out: dict[str, Any] = {
        "kl_mean": total / n,
        "kl_max": kmax,
        "top1_agreement": agree / n,
        "n_tokens": n,
        "n_prompts": len(ref.logprobs),
        "prompts_sha256": ref.prompts_sha256,
    }
    if c.rows is not None:
        out.update({"vocab_rows": c.rows, "vocab_note": c.note})
    return out


def compute_fidelity(base_model: Any, variant_model: Any, tokenizer: Any, prompts: Sequence[str] | None = None,
                     batch_size: int = 8, *, variant_tokenizer: Any | None = None) -> dict[str, Any]:
    """Mean and max KL(base ‖ variant) of next-token distributions over every position of
    ``prompts`` (default: the shipped probe set), and top-1 agreement. Batched, no grad.
    Returns ``dict(kl_mean, kl_max, top1_agreement, n_tokens, n_prompts, prompts_sha256)``.
    ``tokenizer`` is the base's; a variant with another tokenizer needs ``variant_tokenizer``,
    and a :class:`FidelityError` says when the two are not comparable."""
    ref = reference(base_model, tokenizer, prompts, batch_size)
    if variant_model is base_model:
        return compare_reference_to_itself(ref)
    return compare(ref, variant_model, variant_tokenizer if variant_tokenizer is not None else tokenizer, batch_size)


def compare_reference_to_itself(ref: Reference) -> dict[str, Any]:
    """The fidelity of the base against itself (KL 0, agreement 1) without a second pass."""
    return {"kl_mean": 0.0, "kl_max": 0.0, "top1_agreement": 1.0, "n_tokens": ref.n_tokens,
            "n_prompts": len(ref.logprobs), "prompts_sha256": ref.prompts_sha256}


def _kl_of(f: Mapping[str, Any] | float, what: str) -> float:
    if isinstance(f, Mapping):
        if "kl_mean" not in f:
            raise CompsecError(f"{what} fidelity has no kl_mean: {dict(f)!r}")
        return float(f["kl_mean"])
    return float(f)


def check_roundtrip(before_fidelity: Mapping[str, Any] | float, after_fidelity: Mapping[str, Any] | float,
                    tol: float = 0.05, *, rtol: float = 0.1, where: str = "the saved variant") -> float:
    """Raise :class:`FidelityError` when a saved-and-reloaded variant's KL vs base differs from
    the KL it had before saving by more than ``tol + rtol * before``; returns the difference."""
    before, after = _kl_of(before_fidelity, "before-save"), _kl_of(after_fidelity, "after-reload")
    allowed = tol + rtol * abs(before)
    diff = abs(after - before)
    if not diff <= allowed:  # also catches NaN
        raise FidelityError(
            f"{where} does not reload as the model that was measured: KL vs base {before:.4g} before "
            f"saving, {after:.4g} after reloading (allowed difference {allowed:.3g}). The saved files "
            "are wrong and must not be evaluated; delete them and produce the variant again (known "
            "cause: bitsandbytes 4-bit weights saved after a forward pass)."
        )
    return diff
