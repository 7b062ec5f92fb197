"""Safety-critical attention heads: ablate each head, measure the refusal margin, rank the heads,
and count how few of them collapse refusal.

A head is ablated by zeroing its slice of the input to the attention output projection
(``o_proj``): the head's own output, before the heads are mixed. A forward pre-hook on
``o_proj`` multiplies that input by a per-head 0/1 mask; nothing else changes (zeroing the
whole projection, as some sketches do, would remove every head of the layer at once).

* :func:`head_ablation_sweep` — every (block, head) of the chosen blocks, one at a time; the
  baseline pass is computed once per batch and reused, and each ablation of block ``L``
  replays blocks ``0..L-1`` from it (see :mod:`model_adapters.analysis.margin`).
* :func:`collapse_count` — ablate the top-ranked heads together, one more at a time, until the
  refusal-win rate falls below ``threshold``; how many it took.
* :func:`ablate_heads` — the ablation itself, as a context manager, for other experiments.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from compsec_tasks.errors import CompsecError

from ._model import AttentionOutput, attention_outputs, zeroed_inputs
from .margin import Intervention, MarginProbe, MarginSummary, summarize

logger = logging.getLogger(__name__)

__all__ = [
    "HeadEffect",
    "HeadReport",
    "CollapseResult",
    "ablate_heads",
    "head_ablation_sweep",
    "collapse_count",
]

Head = tuple[int, int]


def _check_heads(outs: Sequence[AttentionOutput], heads: Iterable[Head]) -> dict[int, list[int]]:
    by_block: dict[int, list[int]] = {}
    for item in heads:
        try:
            layer, head = (int(x) for x in item)
        except (TypeError, ValueError):
            raise CompsecError(f"a head is a (layer, head) pair of integers, got {item!r}") from None
        if not 0 <= layer < len(outs):
            raise CompsecError(f"layer {layer} out of range: the model has layers 0..{len(outs) - 1}")
        if not 0 <= head < outs[layer].n_heads:
            raise CompsecError(f"head {head} out of range: layer {layer} has heads 0..{outs[layer].n_heads - 1}")
        by_block.setdefault(layer, []).append(head)
    return by_block


def _masked(outs: Sequence[AttentionOutput], by_block: dict[int, list[int]]) -> AbstractContextManager[None]:
    masks = {}
    for layer, heads in by_block.items():
        ao = outs[layer]
        masks[ao.module] = (ao.n_heads * ao.head_dim,
                            [f for h in heads for f in range(h * ao.head_dim, (h + 1) * ao.head_dim)])
    return zeroed_inputs(masks)


@contextmanager
def ablate_heads(model: Any, heads: Iterable[Head]) -> Iterator[None]:
    """Within the block, the given (layer, head) pairs output zeros into ``o_proj``."""
    outs = attention_outputs(model)
    with _masked(outs, _check_heads(outs, heads)):
        yield


@dataclass(frozen=True)
class HeadEffect:
    """The refusal margin with one head ablated. ``margin_drop`` = baseline mean margin - this
    mean margin (positive: the head supports refusal); ``margin_drop_se`` is the standard
    error of the mean paired drop."""

    layer: int
    head: int
    margin: float
    margin_drop: float
    margin_drop_se: float
    win_rate: float
    win_rate_drop: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class HeadReport:
    n_layers: int
    n_heads: int
    head_dim: int
    layers: tuple[int, ...]
    prompt_ids: tuple[str, ...]
    baseline: MarginSummary
    baseline_margins: tuple[float, ...]
    effects: tuple[HeadEffect, ...]  # largest margin drop first
    seconds: float
    layout: str = "tree"

    @property
    def ranking(self) -> list[Head]:
        """(layer, head) pairs, the head whose ablation lowers the margin most first."""
        return [(e.layer, e.head) for e in self.effects]

    def matrix(self) -> list[list[float]]:
        """margin_drop[layer][head] (NaN for layers not swept)."""
        m = [[float("nan")] * self.n_heads for _ in range(self.n_layers)]
        for e in self.effects:
            m[e.layer][e.head] = e.margin_drop
        return m

    def to_dict(self) -> dict[str, Any]:
        return {"n_layers": self.n_layers, "n_heads": self.n_heads, "head_dim": self.head_dim,
                "layers": list(self.layers), "n_prompts": len(self.prompt_ids), "prompt_ids": list(self.prompt_ids),
                "baseline": self.baseline.to_dict(), "baseline_margins": list(self.baseline_margins),
                "effects": [e.to_dict() for e in self.effects], "margin_drop_matrix": self.matrix(),
                "seconds": self.seconds, "layout": self.layout,
                "direction": "margin_drop > 0: ablating the head alone lowers the refusal margin"}


def head_ablation_sweep(
    model: Any,
    tokenizer: Any,
    prompts: Any,
    *,
    layers: Iterable[int] | None = None,
    batch_size: int = 8,
    layout: str = "tree",
    progress: bool = True,
) -> HeadReport:
    """Ablate every head of ``layers`` (default: all) one at a time and score the refusal margin
    of ``prompts``; heads ranked by margin drop, largest first. The model is left unchanged."""
    import numpy as np

    t0 = time.perf_counter()
    outs = attention_outputs(model)
    chosen = sorted(set(range(len(outs)) if layers is None else (int(x) for x in layers)))
    if not chosen:
        raise CompsecError("no layers to sweep: give at least one layer index")
    bad = [x for x in chosen if not 0 <= x < len(outs)]
    if bad:
        raise CompsecError(f"layer(s) {bad} out of range: the model has layers 0..{len(outs) - 1}")
    probe = MarginProbe(model, tokenizer, prompts, batch_size=batch_size, layout=layout)

    def make(layer: int, head: int) -> Any:
        return lambda: _masked(outs, {layer: [head]})

    ivs = [Intervention((layer, h), make(layer, h), layer) for layer in chosen for h in range(outs[layer].n_heads)]
    logger.info("head ablation: %d heads in %d layers x %d prompts (%d batches)", len(ivs), len(chosen),
                probe.n_prompts, probe.n_batches)
    base, margins = probe.sweep(ivs, progress=progress, desc="heads")
    b_mean, b_win, n = float(base.mean()), float((base > 0).mean()), len(base)
    effects = []
    for iv, m in zip(ivs, margins, strict=True):
        diff = base - m
        se = float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        effects.append(HeadEffect(iv.key[0], iv.key[1], float(m.mean()), b_mean - float(m.mean()), se,
                                  float((m > 0).mean()), b_win - float((m > 0).mean())))
    effects.sort(key=lambda e: -e.margin_drop)
    seconds = round(time.perf_counter() - t0, 3)
    logger.info("head ablation done in %.1f s; top head %s (margin drop %.3f)", seconds,
                (effects[0].layer, effects[0].head), effects[0].margin_drop)
    return HeadReport(len(outs), outs[0].n_heads, outs[0].head_dim, tuple(chosen), tuple(probe.ids),
                      summarize(base), tuple(float(x) for x in base), tuple(effects), seconds, layout)


@dataclass(frozen=True)
class CollapseResult:
    """``n_heads``: how many top-ranked heads, ablated together, brought the refusal-win rate
    below ``threshold`` (None when ``collapsed`` is False: all the tried heads were not enough).
    ``trajectory`` holds (k, mean margin, win rate) after ablating the first k heads."""

    threshold: float
    collapsed: bool
    n_heads: int | None
    heads: tuple[Head, ...]
    baseline: MarginSummary
    trajectory: tuple[tuple[int, float, float], ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "collapsed": self.collapsed, "n_heads": self.n_heads,
                "heads": [list(h) for h in self.heads], "baseline": self.baseline.to_dict(),
                "trajectory": [{"k": k, "refusal_margin": m, "refusal_win_rate": w} for k, m, w in self.trajectory],
                "seconds": self.seconds}


def collapse_count(
    model: Any,
    tokenizer: Any,
    prompts: Any,
    ranking: HeadReport | Sequence[Head],
    *,
    threshold: float = 0.5,
    max_heads: int | None = None,
    batch_size: int = 8,
    layout: str = "tree",
    progress: bool = True,
) -> CollapseResult:
    """Ablate the first 1, 2, ... heads of ``ranking`` together until the refusal-win rate on
    ``prompts`` falls below ``threshold`` (or ``max_heads`` heads were tried). Greedy on a fixed
    ranking: the ranking is not recomputed after each ablation. The model is left unchanged.
    Score it on other prompts than the ranking's to avoid selecting on noise."""
    from tqdm.auto import tqdm

    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise CompsecError(f"threshold is a refusal-win rate in (0, 1], got {threshold!r}")
    order = list(ranking.ranking if isinstance(ranking, HeadReport) else ranking)
    if not order:
        raise CompsecError("the head ranking is empty: run head_ablation_sweep first")
    if max_heads is not None:
        if isinstance(max_heads, bool) or not isinstance(max_heads, int) or max_heads < 1:
            raise CompsecError(f"max_heads must be a positive integer, got {max_heads!r}")
        order = order[:max_heads]
    outs = attention_outputs(model)
    _check_heads(outs, order)
    t0 = time.perf_counter()
    probe = MarginProbe(model, tokenizer, prompts, batch_size=batch_size, layout=layout)
    base = summarize(probe.margins())
    traj: list[tuple[int, float, float]] = [(0, base.margin, base.win_rate)]
    found: int | None = 0 if base.win_rate < threshold else None
    if found == 0:
        logger.warning("the refusal-win rate is %.3f before any ablation, already below %.3f",
                       base.win_rate, threshold)
    else:
        for k in tqdm(range(1, len(order) + 1), desc="collapse", unit="head", disable=not progress):
            with _masked(outs, _check_heads(outs, order[:k])):
                s = summarize(probe.margins())
            traj.append((k, s.margin, s.win_rate))
            if s.win_rate < threshold:
                found = k
                break
    seconds = round(time.perf_counter() - t0, 3)
    if found is None:
        logger.info("refusal did not collapse below %.3f with the top %d heads ablated", threshold, len(order))
    else:
        logger.info("refusal-win rate fell below %.3f with %d head(s) ablated", threshold, found)
    return CollapseResult(float(threshold), found is not None, found,
                          tuple(order[:found] if found is not None else order), base, tuple(traj), seconds)
