"""Log-likelihoods of several continuations of one context in one row of one forward pass.

A multiple-choice request set (``compsec_refusal_margin`` asks for sixteen refusal openings of
every prompt) is, written out the usual way, one padded row per (context, continuation): the context
is computed once per continuation and the output head runs on every position. Here a row holds
the context once followed by all its continuations; a 4-D attention mask lets each continuation
see the context and its own earlier tokens only, and position ids restart after the context for
each continuation, so every continuation token gets exactly the logits it gets in its own row.
Three more savings, all exact:

* continuations that start with the same tokens share them (a token trie), and a token that
  only ends continuations is never fed in (it is a target, predicted at its parent);

* the longest token prefix shared by all contexts of a call (the chat template's system turn) is
  run once and its key/value cache reused by every row;
* only the positions that predict a continuation token go through the output head (a pre-hook
  on it gathers them): the vocabulary projection is not paid for context tokens.

:class:`TreeScorer` checks the layout on the model once (the last continuation of the first tree, scored the
usual way, must match: a model that ignores the mask or the position
ids gets it wrong) and raises :class:`TreeLayoutUnsupported` when the model ignores custom
4-D masks or position ids, so callers can fall back to the row layout rather than report a
wrong number.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from compsec_tasks.errors import CompsecError

logger = logging.getLogger(__name__)

__all__ = ["TreeBatch", "TreeLayoutUnsupported", "TreeScorer", "build_tree_batch", "common_prefix_length"]

Group = tuple[Sequence[int], Sequence[Sequence[int]]]  # (context tokens, continuations' tokens)


class TreeLayoutUnsupported(CompsecError):
    """The model does not honour a custom 4-D attention mask / position ids."""


@dataclass
class TreeBatch:
    """One padded batch of trees. ``gather_row``/``gather_pos`` are the distinct positions whose
    logits are needed; target ``t`` is predicted by the logits at distinct position
    ``source[t]``. ``segment`` numbers the continuations of the batch in order (group by group,
    continuation by continuation); ``n_segments`` is how many there are."""

    input_ids: Any
    attention_mask: Any
    position_ids: Any
    gather_row: Any
    gather_pos: Any
    target: Any
    segment: Any
    n_segments: int
    source: Any = None  # None: target t is predicted at gather position t


def common_prefix_length(seqs: Sequence[Sequence[int]]) -> int:
    """Length of the longest token prefix shared by every sequence."""
    if not seqs:
        return 0
    first = seqs[0]
    n = min(len(s) for s in seqs)
    for s in seqs[1:]:
        k = 0
        while k < n and s[k] == first[k]:
            k += 1
        n = k
        if n == 0:
            break
    return n


def build_tree_batch(groups: Sequence[Group], pad_id: int, dtype: Any, device: Any, prefix_len: int = 0) -> TreeBatch:
    """The tree rows of ``groups``: per group its context, then its continuations as a token
    trie (continuations that start alike share those tokens, as they would share them in their
    own rows; a continuation's last token is only a target unless another continuation goes
    on from it). Each token sees the context and its own ancestors only, at the position it has
    in its own row. With ``prefix_len`` > 0 the contexts given are what follows a cached prefix
    of that many tokens: positions start there and every token sees the prefix (its keys come
    first in the cache)."""
    import torch

    rows: list[tuple[list[int], list[int], list[list[int]]]] = []  # (tokens, positions, ancestors) per group
    g_row: list[int] = []
    g_pos: list[int] = []
    tgt: list[int] = []
    sgm: list[int] = []
    n_seg = 0
    for i, (ctx, conts) in enumerate(groups):
        c = len(ctx)
        if c == 0:
            raise CompsecError("a tree row needs at least one context token after the shared prefix")
        # the trie of continuation tokens; node -1 is the context's last token. Only nodes with
        # children become input tokens: a leaf is a target, predicted at its parent's position
        node_of: dict[tuple[int, int], int] = {}
        parent_of: list[int] = []
        token_of: list[int] = []
        has_child: set[int] = set()
        paths: list[list[int]] = []
        for cont in conts:
            if len(cont) == 0:
                raise CompsecError("a continuation with no tokens cannot be scored")
            parent, path = -1, []
            for tok in cont:
                key = (parent, int(tok))
                node = node_of.get(key)
                if node is None:
                    node = node_of[key] = len(token_of)
                    parent_of.append(parent)
                    token_of.append(int(tok))
                has_child.add(parent)
                path.append(node)
                parent = node
            paths.append(path)
        toks = [int(t) for t in ctx]
        poss = list(range(prefix_len, prefix_len + c))
        anc = [list(range(k + 1)) for k in range(c)]
        slot = {-1: c - 1}
        for node in range(len(token_of)):  # parents are numbered before their children
            if node in has_child:
                par = slot[parent_of[node]]
                slot[node] = len(toks)
                toks.append(token_of[node])
                poss.append(poss[par] + 1)
                anc.append(anc[par] + [slot[node]])
        for path in paths:
            for node in path:
                g_row.append(i)
                g_pos.append(slot[parent_of[node]])  # the logits at the parent predict this token
                tgt.append(token_of[node])
                sgm.append(n_seg)
            n_seg += 1
        rows.append((toks, poss, anc))
    uniq: dict[tuple[int, int], int] = {}
    src = [uniq.setdefault(rp, len(uniq)) for rp in zip(g_row, g_pos, strict=True)]
    u_row = [r for r, _ in uniq]
    u_pos = [p for _, p in uniq]
    width = max(len(r[0]) for r in rows)
    ids = torch.full((len(groups), width), pad_id, dtype=torch.long)
    pos = torch.zeros((len(groups), width), dtype=torch.long)
    allowed = torch.zeros((len(groups), width, width), dtype=torch.bool)
    allowed |= torch.eye(width, dtype=torch.bool).unsqueeze(0)  # padding sees itself: no empty softmax row
    for i, (toks, poss, anc) in enumerate(rows):
        ids[i, :len(toks)] = torch.tensor(toks)
        pos[i, :len(toks)] = torch.tensor(poss)
        q = [k for k, a in enumerate(anc) for _ in a]
        kk = [x for a in anc for x in a]
        allowed[i, q, kk] = True
    if prefix_len:
        allowed = torch.cat([torch.ones((len(groups), width, prefix_len), dtype=torch.bool), allowed], dim=2)
    mask = torch.zeros(allowed.shape, dtype=dtype).masked_fill_(~allowed, torch.finfo(dtype).min).unsqueeze(1)
    return TreeBatch(ids.to(device), mask.to(device), pos.to(device), torch.tensor(u_row, device=device),
                     torch.tensor(u_pos, device=device), torch.tensor(tgt, device=device),
                     torch.tensor(sgm, device=device), n_seg, torch.tensor(src, device=device))


def _fed(conts: Sequence[Sequence[int]]) -> int:
    """Continuation tokens a tree feeds in: trie nodes that another token follows."""
    nodes: set[tuple[int, ...]] = set()
    for c in conts:
        for k in range(1, len(c)):
            nodes.add(tuple(c[:k]))
    return len(nodes)


def _float_dtype(model: Any) -> Any:
    import torch

    dtype = getattr(model, "dtype", None)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        return torch.float32
    return dtype


def _exact_float32(model: Any) -> bool:
    """True when the model computes in float32 throughout: float32 weights and no quantized
    kernel. Packed integer weights (bitsandbytes, GPTQ, HQQ, ...) or a half-precision compute
    dtype mean kernels that round differently when the same tokens come in another layout."""
    import torch

    if _float_dtype(model) != torch.float32:
        return False
    low = {torch.int8, torch.uint8, torch.int16, torch.int32}
    low.update(d for d in (getattr(torch, n, None) for n in ("float8_e4m3fn", "float8_e5m2")) if d is not None)
    if not hasattr(model, "parameters"):
        return True
    for t in (*model.parameters(), *model.buffers()):
        if t.dtype in low and t.numel() > 1024:
            return False
    for m in model.modules():
        cd = getattr(m, "compute_dtype", None)
        if isinstance(cd, torch.dtype) and cd != torch.float32:
            return False
    return True


def _device(model: Any) -> Any:
    dev = getattr(model, "device", None)
    if dev is not None:
        return dev
    return next(model.parameters()).device


def gathered_logits(model: Any, batch: TreeBatch, past: Any = None, upcast: bool = True) -> Any:
    """Logits [distinct gather positions, vocab] of one forward pass over ``batch``, as float32
    (``upcast``) or in the model's own dtype; only the positions that predict a target go through
    the output head. Runs with or without gradients, as the caller's context says."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    handle = None
    fired: list[bool] = []
    if head is not None:
        def gather(_mod: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
            fired.append(True)
            h = args[0]
            return (h[batch.gather_row, batch.gather_pos].unsqueeze(0), *args[1:])

        handle = head.register_forward_pre_hook(gather)
    kw: dict[str, Any] = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
    if batch.position_ids is not None:
        kw["position_ids"] = batch.position_ids
    if past is not None:
        kw["past_key_values"] = past
        kw["use_cache"] = True
    else:
        kw["use_cache"] = False
    try:
        logits = model(**kw).logits
    finally:
        if handle is not None:
            handle.remove()
    # the head may not be called as a module (logits from a tied weight): then every position
    # came back and the needed ones are picked here
    out = logits[0] if fired else logits[batch.gather_row, batch.gather_pos]
    return out.float() if upcast else out


def target_logprobs(picked: Any, batch: TreeBatch, lse: Any = None) -> tuple[Any, Any]:
    """(log-probability of each target, index of its row in ``picked``) from :func:`gathered_logits`;
    ``lse`` is the float log-sum-exp of each row of ``picked`` when the caller already has it."""
    import torch

    src = batch.source if batch.source is not None else torch.arange(len(batch.target), device=picked.device)
    if lse is None:
        lse = torch.logsumexp(picked, dim=-1)
    return picked[src, batch.target] - lse[src], src


def forward_tree(model: Any, batch: TreeBatch, past: Any = None) -> tuple[Any, Any]:
    """(log-likelihood [segments] float64, greedy [segments] bool) of the batch's continuations."""
    import torch

    with torch.no_grad():
        raw = gathered_logits(model, batch, past, upcast=False)
        # one pass for the maximum and its index (the first one, as argmax gives), then the
        # log-sum-exp in float32 around that maximum, in place: the [positions, vocab] block is
        # the biggest tensor of the pass and is read three times instead of five
        top, best = raw.max(dim=-1)
        top = top.float()
        z = raw.float() if raw.dtype != torch.float32 else raw.clone()
        lse = top + z.sub_(top[:, None]).exp_().sum(dim=-1).log()
        del z
        tok_lp, src = target_logprobs(raw, batch, lse)  # model-dtype logit − float32 lse: float32
        miss = (best[src] != batch.target).long()
    lls = torch.zeros(batch.n_segments, dtype=torch.float64, device=tok_lp.device)
    lls.index_add_(0, batch.segment, tok_lp.double())
    misses = torch.zeros(batch.n_segments, dtype=torch.long, device=tok_lp.device)
    misses.index_add_(0, batch.segment, miss)
    return lls.cpu(), (misses == 0).cpu()


def _row_loglikelihood(model: Any, ctx: Sequence[int], cont: Sequence[int]) -> float:
    """One continuation scored the usual way (one causal row, no custom mask): the reference."""
    import torch

    ids = torch.tensor([list(ctx) + list(cont)], device=_device(model))
    with torch.no_grad():
        logits = model(input_ids=ids, use_cache=False).logits[0].float()
    lp = torch.log_softmax(logits[len(ctx) - 1:-1], dim=-1)
    return float(lp.gather(-1, torch.tensor(list(cont), device=lp.device).unsqueeze(-1)).sum())


class TreeScorer:
    """Scores groups of (context, continuations) on ``model`` in tree rows (see the module).

    ``batch_size`` counts groups (trees) per forward pass; ``max_tokens`` (attribute, default
    None) also bounds a pass by its padded size, trees x widest tree. ``share_prefix`` caches the prefix
    shared by all contexts of a call once. ``check`` compares the last continuation of the first tree against
    the row layout once per scorer and raises :class:`TreeLayoutUnsupported` on a mismatch."""

    def __init__(self, model: Any, pad_id: int, *, batch_size: int = 8, share_prefix: bool = True,
                 check: bool = True, rtol: float = 1e-4) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise CompsecError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.model, self.pad_id, self.batch_size = model, int(pad_id), batch_size
        self.max_tokens: int | None = None
        self.share_prefix, self._checked, self.rtol = share_prefix, not check, rtol
        self._exact: bool | None = None

    def _prefix_cache(self, prefix: Sequence[int]) -> Any:
        import torch

        ids = torch.tensor([list(prefix)], device=_device(self.model))
        with torch.no_grad():
            out = self.model(input_ids=ids, use_cache=True)
        cache = getattr(out, "past_key_values", None)
        if cache is None or not hasattr(cache, "batch_repeat_interleave"):
            return None
        return cache

    def score(self, groups: Sequence[Group], progress: bool = False,
              desc: str = "tree") -> list[list[tuple[float, bool]]]:
        """Per group, per continuation: (log-likelihood, continuation is the greedy decode)."""
        from tqdm.auto import tqdm

        if not groups:
            return []
        plen = 0
        cache = None
        if self.share_prefix and len(groups) > 1:
            plen = min(common_prefix_length([g[0] for g in groups]), min(len(g[0]) for g in groups) - 1)
            if plen >= 2:
                try:
                    cache = self._prefix_cache(groups[0][0][:plen])
                except (TypeError, ValueError, RuntimeError, NotImplementedError, AttributeError) as e:
                    logger.info("no shared-prefix cache for %s (%s); scoring whole rows", type(self.model).__name__, e)
                    cache = None
            if cache is None:
                plen = 0
        dtype, dev = _float_dtype(self.model), _device(self.model)
        order = sorted(range(len(groups)), key=lambda i: len(groups[i][0]) + sum(len(c) for c in groups[i][1]))
        out: list[list[tuple[float, bool]]] = [[] for _ in groups]
        batches = self._batches(order, [len(groups[i][0]) - plen + _fed(groups[i][1]) for i in range(len(groups))])
        for idx in tqdm(batches, desc=desc, unit="batch", disable=not progress):
            trimmed = [(groups[i][0][plen:], groups[i][1]) for i in idx]
            batch = build_tree_batch(trimmed, self.pad_id, dtype, dev, prefix_len=plen)
            past = None
            if cache is not None:
                past = copy.deepcopy(cache)
                past.batch_repeat_interleave(len(idx))
            if self._checked:
                lls, greedy = forward_tree(self.model, batch, past)
            else:
                try:
                    lls, greedy = forward_tree(self.model, batch, past)
                except (TypeError, ValueError, RuntimeError, NotImplementedError, AttributeError) as e:
                    # an attention implementation or cache that refuses the layout outright
                    raise TreeLayoutUnsupported(
                        f"{type(self.model).__name__} cannot run the tree layout ({type(e).__name__}: {e})"
                    ) from e
            k = 0
            for i in idx:
                for _ in groups[i][1]:
                    out[i].append((float(lls[k]), bool(greedy[k])))
                    k += 1
            if not self._checked:
                self._check(groups[idx[0]], out[idx[0]][-1][0])
        return out

    def _batches(self, order: list[int], width: list[int]) -> list[list[int]]:
        """Groups in ``order`` (shortest first), ``batch_size`` at most per batch and, with
        ``max_tokens``, no more than fit padded to the batch's widest tree."""
        out: list[list[int]] = []
        cur: list[int] = []
        for i in order:
            wide = max([width[j] for j in cur] + [width[i]])
            full = len(cur) >= self.batch_size or (
                self.max_tokens is not None and cur and (len(cur) + 1) * wide > self.max_tokens)
            if full:
                out.append(cur)
                cur = []
            cur.append(i)
        if cur:
            out.append(cur)
        return out

    def _check(self, group: Group, tree_ll: float) -> None:
        ctx, conts = group
        # the last continuation: its positions and mask differ most from a plain row
        ref = _row_loglikelihood(self.model, ctx, conts[-1])
        # half precision and quantized kernels round differently in a different layout; a mask that
        # is ignored is off by far more
        if self._exact is None:
            self._exact = _exact_float32(self.model)
        rel = self.rtol if self._exact else max(self.rtol, 3e-2)
        tol = rel * max(1.0, abs(ref))
        if not (math.isfinite(tree_ll) and abs(ref - tree_ll) <= tol):
            raise TreeLayoutUnsupported(
                f"{type(self.model).__name__} gives {tree_ll:.5f} in the tree layout but {ref:.5f} in its own row: "
                "its attention ignores custom 4-D masks or position ids; score one row per continuation instead"
            )
        self._checked = True
        logger.debug("tree layout checked on the model: %.6f vs %.6f", tree_ll, ref)
