"""``prune``: weight pruning of every ``nn.Linear`` but ``lm_head``, in torch.

Criteria (the weights with the lowest score are zeroed):

* ``magnitude`` — score |W|; unstructured pruning ranks each layer as a whole.
* ``wanda`` — score |W_ij| · ||X_j||₂ (Sun et al., 2023), ranked within each output row;
  ||X_j|| is the L2 norm of input feature j over every token of the calibration prompts,
  collected with forward hooks on the dense model in one pass.
* ``random`` — uniform random scores from a generator seeded with ``seed``; unstructured
  pruning draws per layer.

With a pattern ``NofM`` (``2of4``) every group of M consecutive weights of a row keeps its N
highest-scoring weights, whatever the criterion. A row whose length is not a multiple of M
keeps its tail dense. The achieved sparsity (zeros / weights over the pruned layers) goes
into the manifest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..registry import MethodHandler
from ..spec import PruneSpec
from ._backends import spread
from .rtn import DEFAULT_SKIP, target_linears

logger = logging.getLogger(__name__)

__all__ = ["prune_", "collect_input_norms", "measure_sparsity", "PruneHandler", "HANDLER"]


def _format(tokenizer: Any, prompt: str) -> str:
    if getattr(tokenizer, "chat_template", None):
        return str(tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                                 add_generation_prompt=True))
    return prompt


def collect_input_norms(model: Any, tokenizer: Any, prompts: Sequence[str], skip: Iterable[str] = DEFAULT_SKIP,
                        batch_size: int = 8, max_length: int = 256) -> dict[str, Any]:
    """name -> ||X_j||₂ (float32, CPU) of the inputs of every target linear layer over every
    non-padding token of ``prompts`` (chat-formatted when the tokenizer has a template)."""
    import torch

    targets = dict(target_linears(model, skip))
    sq: dict[str, Any] = {n: torch.zeros(m.in_features, dtype=torch.float32) for n, m in targets.items()}
    state: dict[str, Any] = {"mask": None}

    def make_hook(name: str) -> Any:
        def hook(_mod: Any, inputs: tuple[Any, ...]) -> None:
            x = inputs[0].detach().float()
            mask = state["mask"]
            if mask is not None and x.dim() == 3 and tuple(x.shape[:2]) == tuple(mask.shape):
                x = x * mask.to(x.device, x.dtype).unsqueeze(-1)
            sq[name] += x.reshape(-1, x.shape[-1]).pow(2).sum(0).cpu()
        return hook

    handles = [m.register_forward_pre_hook(make_hook(n)) for n, m in targets.items()]
    texts = [_format(tokenizer, p) for p in prompts]
    dev = getattr(model, "device", "cpu")
    side = getattr(tokenizer, "padding_side", "right")
    tokenizer.padding_side = "right"
    try:
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                enc = tokenizer(texts[start:start + batch_size], return_tensors="pt", padding=True,
                                truncation=True, max_length=max_length, add_special_tokens=False)
                state["mask"] = enc["attention_mask"]
                model(input_ids=enc["input_ids"].to(dev), attention_mask=enc["attention_mask"].to(dev))
    finally:
        state["mask"] = None
        tokenizer.padding_side = side
        for h in handles:
            h.remove()
    return {n: v.sqrt() for n, v in sq.items()}


def _prune_mask(score: Any, sparsity: float, criterion: str, n_m: tuple[int, int] | None,
                generator: Any) -> Any:
    """Boolean mask (True = zero this weight) from a [rows, cols] score."""
    import torch

    rows, cols = score.shape
    if n_m is not None:
        mask = torch.zeros_like(score, dtype=torch.bool)
        n, m = n_m
        usable = cols - cols % m
        if usable:
            s = score[:, :usable].reshape(rows, usable // m, m)
            drop = torch.topk(s, m - n, dim=-1, largest=False).indices
            sub = torch.zeros_like(s, dtype=torch.bool).scatter_(-1, drop, True)
            mask[:, :usable] = sub.reshape(rows, usable)
        return mask
    if criterion == "wanda":  # per output row
        return _lowest_k(score, int(round(sparsity * cols)))
    # magnitude and random: per layer
    return _lowest_k(score.reshape(1, -1), int(round(sparsity * score.numel()))).reshape(rows, cols)


def _lowest_k(score: Any, k: int) -> Any:
    """Boolean mask of the ``k`` lowest scores of each row of a 2-D ``score``; among equal scores
    at the cut, the first ones in the row. A k-th value and a comparison: several times faster
    than ``topk`` with k near half the row."""
    import torch

    mask = torch.zeros_like(score, dtype=torch.bool)
    if k <= 0:
        return mask
    if k >= score.shape[1]:
        return ~mask
    cut = torch.kthvalue(score, k, dim=1, keepdim=True).values
    mask = score < cut
    need = k - mask.sum(dim=1, keepdim=True)  # how many of the scores equal to the cut go too
    tie = score == cut
    mask |= tie & (tie.cumsum(dim=1) <= need)
    return mask


def prune_(model: Any, criterion: str, sparsity: float, pattern: str | None = None, seed: int = 0,
           input_norms: dict[str, Any] | None = None, skip: Iterable[str] = DEFAULT_SKIP) -> dict[str, Any]:
    """Prune ``model``'s linear layers in place; returns the achieved sparsity and counts.
    ``input_norms`` (from :func:`collect_input_norms`) is required for ``wanda``."""
    import torch

    spec = PruneSpec(criterion, sparsity, pattern, seed)  # validates the options
    if criterion == "wanda" and input_norms is None:
        raise ValueError("wanda pruning needs input_norms from collect_input_norms()")
    gen = torch.Generator().manual_seed(seed)
    zeros = total = n_mod = 0
    with torch.no_grad():
        for name, mod in target_linears(model, skip):
            w = mod.weight
            wf = w.detach().float()
            if criterion == "magnitude":
                score = wf.abs()
            elif criterion == "wanda":
                assert input_norms is not None
                score = wf.abs().cpu() * input_norms[name].unsqueeze(0)
            else:
                score = torch.rand(wf.shape, generator=gen)
            mask = _prune_mask(score.cpu(), spec.sparsity, criterion, spec.n_m, gen)
            w.masked_fill_(mask.to(w.device), 0)
            zeros += int((w == 0).sum())
            total += w.numel()
            n_mod += 1
    return {"sparsity": zeros / total if total else 0.0, "pruned_modules": n_mod, "pruned_weights": total,
            "criterion": criterion, "pattern": pattern}


def measure_sparsity(model: Any, skip: Iterable[str] = DEFAULT_SKIP) -> float:
    """Fraction of zero weights over the target linear layers."""
    zeros = total = 0
    for _, mod in target_linears(model, skip):
        zeros += int((mod.weight == 0).sum())
        total += mod.weight.numel()
    return zeros / total if total else 0.0


class PruneHandler(MethodHandler):
    method = "prune"
    spec_cls = PruneSpec
    extra = "hf"
    requires = ("torch", "transformers")
    backend = "torch"
    description = "magnitude / Wanda / random pruning, unstructured or N:M (torch)"

    def needs_calibration(self, spec: Any) -> bool:
        return bool(spec.criterion == "wanda")

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        import torch

        from ..loading import calibration_prompts, load_hf_model, load_tokenizer

        model = load_hf_model(base, dtype=dtype, device=device)
        tok = load_tokenizer(base)
        t0 = time.perf_counter()
        norms = None
        if spec.criterion == "wanda":
            prompts = spread(calibration if calibration is not None else calibration_prompts(), spec.n_samples)
            norms = collect_input_norms(model, tok, prompts)
        stats = prune_(model, spec.criterion, spec.sparsity, spec.pattern, spec.seed, input_norms=norms)
        info = {"backend": "torch", "backend_version": torch.__version__, "produced": True,
                "seconds": round(time.perf_counter() - t0, 3), **stats}
        if norms is not None:
            info["calibration_prompts"] = len(prompts)
        return model, tok, info


HANDLER = PruneHandler()
