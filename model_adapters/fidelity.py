"""Fidelity of a variant against its base: how far its next-token distributions moved.

On a fixed probe set (``model_adapters/probe_prompts.json``: harmful, benign and neutral
text), both models score every position of every prompt; the figures are the mean and max
KL(base ‖ variant) over all positions and the top-1 agreement (the fraction of positions
where both models' most likely next token is the same). A variant identical to its base has
KL 0 and agreement 1.0.

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
    "load_probe_prompts",
    "reference",
    "compare",
    "compute_fidelity",
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
    freed before the variant is built. ``logprobs[i]`` is [tokens_i, vocab] (float32, CPU)."""

    input_ids: list[Any]
    logprobs: list[Any]
    prompts_sha256: str

    @property
    def n_tokens(self) -> int:
        return sum(int(x.shape[0]) for x in self.logprobs)


def _encode(tokenizer: Any, prompts: Sequence[str]) -> list[Any]:
    import torch

    out = []
    for p in prompts:
        ids = tokenizer(p, add_special_tokens=True, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        if not ids:
            raise CompsecError(f"probe prompt {p[:40]!r} tokenizes to nothing")
        out.append(torch.tensor(ids, dtype=torch.long))
    return out


def _logprobs(model: Any, ids: list[Any], pad_id: int, batch_size: int) -> list[Any]:
    """Per prompt [len, vocab] float32 log-softmax on CPU, batched with right padding."""
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
    return Reference(ids, _logprobs(model, ids, _pad_id(tokenizer), batch_size), _prompts_sha256(prompts))


def compare(ref: Reference, variant_model: Any, tokenizer: Any | None = None, batch_size: int = 8) -> dict[str, Any]:
    """Fidelity of ``variant_model`` against a base :class:`Reference` (same tokenizer)."""
    import torch

    pad = _pad_id(tokenizer) if tokenizer is not None else 0
    var = _logprobs(variant_model, ref.input_ids, pad, batch_size)
    total, kmax, agree, n = 0.0, 0.0, 0, 0
    for lp_b, lp_v in zip(ref.logprobs, var, strict=True):
        if lp_b.shape != lp_v.shape:
            raise CompsecError(
                f"base and variant disagree on the vocabulary ({lp_b.shape[-1]} vs {lp_v.shape[-1]} "
                "logits): fidelity needs models that share a tokenizer"
            )
        kl = (lp_b.exp() * (lp_b - lp_v)).sum(-1).clamp_min(0.0)
        kl = torch.nan_to_num(kl, nan=float("inf"))
        total += float(kl.sum())
        kmax = max(kmax, float(kl.max()))
        agree += int((lp_b.argmax(-1) == lp_v.argmax(-1)).sum())
        n += int(kl.shape[0])
    return {
        "kl_mean": total / n,
        "kl_max": kmax,
        "top1_agreement": agree / n,
        "n_tokens": n,
        "n_prompts": len(ref.logprobs),
        "prompts_sha256": ref.prompts_sha256,
    }


def compute_fidelity(base_model: Any, variant_model: Any, tokenizer: Any, prompts: Sequence[str] | None = None,
                     batch_size: int = 8) -> dict[str, Any]:
    """Mean and max KL(base ‖ variant) of next-token distributions over every position of
    ``prompts`` (default: the shipped probe set), and top-1 agreement. Batched, no grad.
    Returns ``dict(kl_mean, kl_max, top1_agreement, n_tokens, n_prompts, prompts_sha256)``."""
    ref = reference(base_model, tokenizer, prompts, batch_size)
    if variant_model is base_model:
        return compare_reference_to_itself(ref)
    return compare(ref, variant_model, tokenizer, batch_size)


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
