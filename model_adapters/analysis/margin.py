"""Refusal margins of many prompts under many interventions, in batched forward passes.

The margin is the one ``compsec_refusal_margin`` scores: for each prompt, the log-likelihood
of each of :data:`compsec_tasks.tasks.REFUSAL_OPENINGS` right after the chat-formatted prompt
(the tokenizer's chat template with the generation prompt, one user turn; the raw prompt
when the tokenizer has no template), turned into a margin by
:func:`compsec_tasks.tasks.score_margin` (the log-odds that the answer opens with a refusal;
a *refusal win* when it is > 0). The text is split into context and continuation tokens the
way lm-eval splits it: the context's trailing whitespace moves to the continuation, the
context is encoded alone, and a continuation's tokens are those of context + continuation
past the context's length; nothing special is added (``add_special_tokens=False``).

Two layouts of a batch:

* ``tree`` (default): one row per prompt holding its context once followed by all its
  continuations (:mod:`model_adapters.tree_scoring`); a 4-D attention mask lets each
  continuation see the context and its own earlier tokens only, and position ids restart after
  the context for each continuation. Several times fewer tokens than ``rows`` on SmolLM2's
  chat template. (No shared-prefix cache here: an intervention changes the prefix too.)
* ``rows``: one right-padded row per (prompt, continuation), with the model's own causal
  mask: what lm-eval computes, for attention implementations that refuse a custom 4-D mask.

Only the positions that predict a continuation token go through the output head (a
pre-hook on it gathers them), so the vocabulary projection is not paid for context tokens.

:meth:`MarginProbe.sweep` reuses the baseline forward pass: it runs the unmodified model
once per batch while recording every block's output, and an intervention that changes
nothing before block ``L`` (a head of block ``L``, a quantized linear layer of block ``L``)
then replays the recorded output of block ``L - 1`` and computes blocks ``L`` onwards only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from compsec_tasks.errors import CompsecError, UnknownNameError

from ..tree_scoring import TreeBatch, build_tree_batch, forward_tree
from ._model import find_blocks, model_device, normalize_prompts

logger = logging.getLogger(__name__)

__all__ = [
    "LAYOUTS",
    "CONTINUATIONS",
    "EncodedPrompt",
    "Intervention",
    "MarginProbe",
    "MarginSummary",
    "format_context",
    "encode_prompt",
    "harmful_prompts",
    "summarize",
]

LAYOUTS = ("tree", "rows")


def _continuations() -> tuple[str, ...]:
    from compsec_tasks import tasks as T

    return tuple(T.REFUSAL_OPENINGS)


CONTINUATIONS: tuple[str, ...] = _continuations()


def harmful_prompts(prompt_set: str | None = None, split: str | None = "dev",
                    limit: int | None = None) -> list[dict[str, Any]]:
    """The harmful prompts ``compsec_refusal_margin`` scores (its docs: ``id``, ``prompt``,
    ``category``...), from the shipped harmful set's dev split by default, categories
    interleaved so that a prefix (``limit``) covers every category. The test split is for
    reporting: analyses that choose what to keep should not look at it."""
    from compsec_tasks.tasks import build_docs

    return build_docs("compsec_refusal_margin", split=split, prompt_set=prompt_set, limit=limit)


def format_context(tokenizer: Any, prompt: str) -> str:
    """The prompt as the harness shows it to the model: one user turn through the chat template
    with the generation prompt (the raw prompt when the tokenizer has no template)."""
    if getattr(tokenizer, "chat_template", None):
        return str(tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                                 add_generation_prompt=True))
    return prompt


@dataclass(frozen=True)
class EncodedPrompt:
    """Token ids of one prompt's context and of each continuation after it."""

    context: tuple[int, ...]
    continuations: tuple[tuple[int, ...], ...]

    @property
    def tree_length(self) -> int:
        return len(self.context) + sum(len(c) for c in self.continuations)


def encode_prompt(tokenizer: Any, prompt: str, continuations: Sequence[str] = CONTINUATIONS) -> EncodedPrompt:
    """Context and continuation tokens of ``prompt``, split the way lm-eval splits them."""

    def encode(text: str) -> list[int]:
        return [int(t) for t in tokenizer(text, add_special_tokens=False)["input_ids"]]

    context = format_context(tokenizer, prompt)
    stripped = context.rstrip()
    moved = context[len(stripped):]
    ctx = encode(stripped)
    if not ctx:
        raise CompsecError(f"the formatted prompt {prompt!r} has no tokens")
    conts: list[tuple[int, ...]] = []
    for cont in continuations:
        whole = encode(stripped + moved + cont)
        part = tuple(whole[len(ctx):])
        if not part:
            raise CompsecError(f"continuation {cont!r} has no tokens after prompt {prompt!r}")
        conts.append(part)
    return EncodedPrompt(tuple(ctx), tuple(conts))


@dataclass
class _Batch:
    prompts: list[int]  # positions in the probe's prompt list
    rows: TreeBatch  # segment = local prompt * n_continuations + continuation


def _tree_batch(encs: Sequence[EncodedPrompt], index: list[int], pad_id: int, dtype: Any, device: Any) -> _Batch:
    return _Batch(index, build_tree_batch([(e.context, e.continuations) for e in encs], pad_id, dtype, device))


def _rows_batch(encs: Sequence[EncodedPrompt], index: list[int], pad_id: int, device: Any) -> _Batch:
    import torch

    rows = [(i, j, e.context + cont) for i, e in enumerate(encs) for j, cont in enumerate(e.continuations)]
    width = max(len(r[2]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(rows), width), dtype=torch.long)
    g_row: list[int] = []
    g_pos: list[int] = []
    tgt: list[int] = []
    sgm: list[int] = []
    for r, (i, j, toks) in enumerate(rows):
        ids[r, :len(toks)] = torch.tensor(toks)
        att[r, :len(toks)] = 1
        c = len(encs[i].context)
        for k, tok in enumerate(encs[i].continuations[j]):
            g_row.append(r)
            g_pos.append(c - 1 + k)
            tgt.append(tok)
            sgm.append(r)  # rows are in (prompt, continuation) order
    tb = TreeBatch(ids.to(device), att.to(device), None, torch.tensor(g_row, device=device),
                   torch.tensor(g_pos, device=device), torch.tensor(tgt, device=device),
                   torch.tensor(sgm, device=device), len(rows))
    return _Batch(index, tb)


@dataclass(frozen=True)
class Intervention:
    """A change to the model, applied by entering ``apply()`` and undone on exit.

    ``start_block`` is the first block whose computation it changes (None: it may change
    anything, so the whole model runs); blocks before it are replayed from the baseline."""

    key: Any
    apply: Callable[[], AbstractContextManager[Any]]
    start_block: int | None = None


@dataclass(frozen=True)
class MarginSummary:
    """Mean refusal margin and refusal-win rate (with its 95% Wilson interval) over ``n`` prompts."""

    n: int
    margin: float
    win_rate: float
    win_rate_ci: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "refusal_margin": self.margin, "refusal_win_rate": self.win_rate,
                "refusal_win_rate_ci95": list(self.win_rate_ci)}


def summarize(margins: Any) -> MarginSummary:
    """:class:`MarginSummary` of per-prompt margins."""
    import numpy as np

    from compsec_tasks.compare.stats import wilson_ci

    m = np.asarray(margins, dtype=float)
    wins = int((m > 0).sum())
    lo, hi = wilson_ci(wins, len(m))
    return MarginSummary(int(len(m)), float(m.mean()), wins / len(m), (float(lo[0]), float(hi[0])))


class MarginProbe:
    """Scores the refusal margin of a fixed list of prompts on ``model``, batched.

    ``openings``: prefix-free refusal openings to score instead of the task's
    (:data:`compsec_tasks.tasks.REFUSAL_OPENINGS`), e.g. for a model that refuses in another way.

    The prompts are tokenized once and grouped into batches of similar length; every call
    scores the model as it is at that moment (so apply a change, score, undo)."""

    def __init__(self, model: Any, tokenizer: Any, prompts: Any, *, batch_size: int = 8, layout: str = "tree",
                 openings: Sequence[str] | None = None):
        if layout not in LAYOUTS:
            raise UnknownNameError("margin layout", layout, LAYOUTS)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise CompsecError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.model, self.tokenizer, self.layout, self.batch_size = model, tokenizer, layout, batch_size
        self.ids, self.texts = normalize_prompts(prompts)
        # the task's refusal openings unless given (a module global, read here, so tests can swap it)
        self.openings: tuple[str, ...] = tuple(openings) if openings else CONTINUATIONS
        self.encoded = [encode_prompt(tokenizer, t, self.openings) for t in self.texts]
        self.n_continuations = len(self.openings)
        pad = getattr(tokenizer, "pad_token_id", None)
        if pad is None:
            pad = getattr(tokenizer, "eos_token_id", None)
        self._pad = int(pad) if pad is not None else 0
        order = sorted(range(len(self.encoded)), key=lambda i: self.encoded[i].tree_length)
        self._groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        self._batches: list[_Batch] | None = None
        try:
            self.block_prefix, self.blocks = find_blocks(model)
        except CompsecError:
            self.block_prefix, self.blocks = "", None

    @property
    def n_prompts(self) -> int:
        return len(self.texts)

    @property
    def n_batches(self) -> int:
        return len(self._groups)

    def batches(self) -> list[_Batch]:
        if self._batches is None:
            dtype = getattr(self.model, "dtype", None)
            import torch

            if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
                dtype = torch.float32
            dev = model_device(self.model)
            out = []
            for group in self._groups:
                encs = [self.encoded[i] for i in group]
                if self.layout == "tree":
                    out.append(_tree_batch(encs, group, self._pad, dtype, dev))
                else:
                    out.append(_rows_batch(encs, group, self._pad, dev))
            self._batches = out
        return self._batches

    # -- scoring --------------------------------------------------------------------------
    def _loglikelihoods(self, b: _Batch) -> Any:
        """[prompts in batch, continuations] log-likelihoods (float64) of the model as it is."""
        lls, _greedy = forward_tree(self.model, b.rows)
        return lls.view(len(b.prompts), self.n_continuations)

    @staticmethod
    def _margins_of(lls: Any) -> list[float]:
        """Per-prompt margins through compsec_refusal_margin's own scoring (the log-odds of a
        refusal opening)."""
        from compsec_tasks.tasks import refusal_log_odds

        return [refusal_log_odds(row, expected=None)[1] for row in lls.tolist()]

    def loglikelihoods(self, progress: bool = False) -> Any:
        """[prompts, continuations] log-likelihoods (numpy, float64), in prompt order, of the
        refusal openings."""
        import numpy as np
        from tqdm.auto import tqdm

        out = np.zeros((self.n_prompts, self.n_continuations))
        for b in tqdm(self.batches(), desc="margin", unit="batch", disable=not progress):
            out[b.prompts] = self._loglikelihoods(b).numpy()
        return out

    def margins(self, progress: bool = False) -> Any:
        """Per-prompt refusal margins (numpy), in prompt order."""
        import numpy as np

        return np.array(self._margins_of(self.loglikelihoods(progress)))

    # -- sweeps ---------------------------------------------------------------------------
    @contextmanager
    def _replay(self, record: dict[int, Any], start: int | None) -> Iterator[None]:
        """Blocks before ``start`` return the recorded baseline output of block ``start - 1``."""
        if not start or self.blocks is None or start - 1 not in record:
            yield
            return
        out = record[start - 1]

        def replay_last(*_a: Any, **_k: Any) -> Any:
            return _clone(out)  # block `start` may work in place on its input

        def replay(*_a: Any, **_k: Any) -> Any:
            return out

        patched = []
        try:
            for i in range(start):
                blk = self.blocks[i]
                blk.forward = replay_last if i == start - 1 else replay
                patched.append(blk)
            yield
        finally:
            for blk in patched:
                del blk.forward

    def sweep(self, interventions: Sequence[Intervention], *, progress: bool = True, desc: str = "sweep",
              replay: bool = True) -> tuple[Any, Any]:
        """(baseline margins [prompts], margins [interventions, prompts]) (numpy).

        Batch by batch: the baseline forward pass records every block's output, then each
        intervention is applied, scored (from its ``start_block`` on, replaying the blocks
        before it) and undone. ``replay=False`` runs every block every time (for checking)."""
        import numpy as np
        from tqdm.auto import tqdm

        base = np.zeros(self.n_prompts)
        out = np.zeros((len(interventions), self.n_prompts))
        total = self.n_batches * (1 + len(interventions))
        bar = tqdm(total=total, desc=desc, unit="pass", disable=not progress)
        try:
            for b in self.batches():
                record: dict[int, Any] = {}
                with self._recording(record) if replay and self.blocks is not None else nullcontext():
                    base[b.prompts] = self._margins_of(self._loglikelihoods(b))
                bar.update(1)
                for k, iv in enumerate(interventions):
                    with iv.apply(), self._replay(record, iv.start_block if replay else None):
                        out[k, b.prompts] = self._margins_of(self._loglikelihoods(b))
                    bar.update(1)
        finally:
            bar.close()
        return base, out

    @contextmanager
    def _recording(self, record: dict[int, Any]) -> Iterator[None]:
        assert self.blocks is not None
        handles = []

        def make(i: int) -> Callable[..., None]:
            def hook(_mod: Any, _args: Any, output: Any) -> None:
                record[i] = output
            return hook

        try:
            for i, blk in enumerate(self.blocks):
                if i < len(self.blocks) - 1:
                    handles.append(blk.register_forward_hook(make(i)))
            yield
        finally:
            for h in handles:
                h.remove()


def _clone(out: Any) -> Any:
    if hasattr(out, "clone"):
        return out.clone()
    if isinstance(out, tuple):
        return tuple(_clone(o) for o in out)
    return out
