"""``rtn``: simulated round-to-nearest weight quantization, in torch.

Every ``nn.Linear`` weight (``lm_head`` excluded unless ``quantize_head``) is split into
groups of ``group_size`` consecutive input columns of a row (the whole row when
``group_size`` is None); each group gets its own scale (and zero point when asymmetric) and
is rounded to ``2**bits`` levels, then dequantized back into the weight. The model keeps its
dtype and size: it computes exactly what a real kernel with that quantization grid would.

* symmetric: scale = absmax / (2**(bits-1) - 1), levels -(2**(bits-1)-1) .. 2**(bits-1)-1
* asymmetric: scale = (max - min) / (2**bits - 1), zero = round(-min / scale), levels 0 .. 2**bits-1

A row whose length is not a multiple of ``group_size`` ends with a shorter group.
Vectorised: about 0.1 s for SmolLM2-135M on a CPU.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..registry import MethodHandler
from ..spec import RTNSpec

__all__ = ["rtn_quantize_weight", "quantize_rtn_", "target_linears", "RTNHandler", "HANDLER"]

DEFAULT_SKIP = ("lm_head",)


def target_linears(model: Any, skip: Iterable[str] = DEFAULT_SKIP) -> Iterator[tuple[str, Any]]:
    """(name, module) of every ``nn.Linear`` whose name is not (and does not end with) one in
    ``skip``."""
    import torch

    skip = tuple(skip)
    for name, mod in model.named_modules():
        if not isinstance(mod, torch.nn.Linear):
            continue
        if any(name == s or name.endswith("." + s) for s in skip):
            continue
        yield name, mod


def rtn_quantize_weight(w: Any, bits: int, group_size: int | None = 128, symmetric: bool = True) -> Any:
    """The round-to-nearest quantize-dequantize of a 2-D weight (computed in float32, returned
    in ``w``'s dtype)."""
    import torch

    if w.dim() != 2:
        raise ValueError(f"rtn_quantize_weight expects a 2-D weight, got shape {tuple(w.shape)}")
    rows, cols = w.shape
    x = w.detach().float()
    g = cols if group_size is None or group_size >= cols else int(group_size)
    pad = (-cols) % g
    if pad:
        # repeat the last column: it belongs to the last (short) group, so its min/max/absmax
        # is unchanged by the padding
        x = torch.cat([x, x[:, -1:].expand(rows, pad)], dim=1)
    x = x.reshape(rows, -1, g)
    if symmetric:
        qmax = 2 ** (bits - 1) - 1
        scale = x.abs().amax(dim=-1, keepdim=True) / qmax
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        q = torch.clamp(torch.round(x / scale), -qmax, qmax)
        deq = q * scale
    else:
        levels = 2**bits - 1
        lo = x.amin(dim=-1, keepdim=True)
        hi = x.amax(dim=-1, keepdim=True)
        scale = (hi - lo) / levels
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        zero = torch.round(-lo / scale)
        q = torch.clamp(torch.round(x / scale) + zero, 0, levels)
        deq = (q - zero) * scale
    deq = deq.reshape(rows, -1)[:, :cols]
    return deq.to(w.dtype)


def quantize_rtn_(model: Any, bits: int, group_size: int | None = 128, symmetric: bool = True,
                  skip: Iterable[str] = DEFAULT_SKIP) -> dict[str, Any]:
    """Quantize ``model``'s linear weights in place; returns what was done (for the manifest).
    A quantized weight tied to another module (``lm_head`` and the embeddings) is untied
    first, so only the linear layer changes."""
    import torch

    n_mod = n_weights = 0
    tied_ptrs = _tied_weight_ids(model)
    with torch.no_grad():
        for _, mod in target_linears(model, skip):
            deq = rtn_quantize_weight(mod.weight, bits, group_size, symmetric)
            if id(mod.weight) in tied_ptrs:
                mod.weight = torch.nn.Parameter(deq, requires_grad=False)
                if hasattr(model.config, "tie_word_embeddings"):
                    model.config.tie_word_embeddings = False
            else:
                mod.weight.copy_(deq)
            n_mod += 1
            n_weights += mod.weight.numel()
    return {"quantized_modules": n_mod, "quantized_weights": n_weights, "skipped": list(skip)}


def _tied_weight_ids(model: Any) -> set[int]:
    """ids of parameters reachable under more than one module name (tied weights)."""
    seen: dict[int, int] = {}
    for _, p in model.named_parameters(remove_duplicate=False):
        seen[id(p)] = seen.get(id(p), 0) + 1
    return {k for k, n in seen.items() if n > 1}


class RTNHandler(MethodHandler):
    method = "rtn"
    spec_cls = RTNSpec
    extra = "hf"
    requires = ("torch", "transformers")
    backend = "torch"
    description = "simulated group-wise round-to-nearest (torch)"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        import time

        import torch

        from ..loading import load_hf_model, load_tokenizer

        model = load_hf_model(base, dtype=dtype, device=device)
        t0 = time.perf_counter()
        skip = () if spec.quantize_head else DEFAULT_SKIP
        stats = quantize_rtn_(model, spec.bits, spec.group_size, spec.symmetric, skip=skip)
        info = {"backend": "torch", "backend_version": torch.__version__, "produced": True,
                "simulated": True, "seconds": round(time.perf_counter() - t0, 3), **stats}
        return model, load_tokenizer(base), info


HANDLER = RTNHandler()
