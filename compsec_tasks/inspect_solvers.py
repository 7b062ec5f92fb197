"""inspect-ai solver of compsec_refusal_margin: log-likelihoods of fixed continuations.

inspect-ai has no log-likelihood API, so this solver reaches the transformers model and
tokenizer that inspect's ``hf/`` provider holds (``get_model().api.model`` and
``.tokenizer``) and scores every continuation of one prompt in a single batched forward pass.
The prompt is formatted exactly as the provider formats it for generation (its chat
template with the generation prompt), and the continuation follows it directly, as in the
lm-eval task (``target_delimiter: ""``). A continuation's log-likelihood is the sum of its
tokens' log-probabilities, with the text split into context and continuation tokens the way
lm-eval splits it.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from typing import Any

import anyio
from inspect_ai.model import ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from . import tasks as T
from .errors import CompsecError
from .inspect_scorers import LOGLIKELIHOODS_KEY

logger = logging.getLogger(__name__)

# one forward pass at a time: inspect runs samples concurrently, and parallel forward passes
# on one model only compete for the same cores and memory
_FORWARD_LOCK = threading.Lock()


def _local_transformers(api: Any) -> tuple[Any, Any]:
    model = getattr(api, "model", None)
    tokenizer = getattr(api, "tokenizer", None)
    if model is None or tokenizer is None or not callable(getattr(model, "forward", None)):
        raise CompsecError(
            "compsec_refusal_margin needs log-likelihoods, which inspect-ai gives only through "
            "a local transformers model: run it with --model hf/<name or local> "
            f"(this model's provider is {type(api).__name__}), or run the lm-eval task "
            "compsec_refusal_margin instead"
        )
    return model, tokenizer


def _chat_context(api: Any, tokenizer: Any, state: TaskState) -> str:
    hf_chat = getattr(api, "hf_chat", None)
    if callable(hf_chat):
        return str(hf_chat(state.messages, []))
    messages = [{"role": m.role, "content": m.text} for m in state.messages]
    return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))


def continuation_loglikelihoods_sync(
    model: Any, tokenizer: Any, context: str, continuations: Sequence[str]
) -> list[float]:
    """Sum of token log-probabilities of each continuation after ``context``: the context once
    and the continuations after it in one tree row (:mod:`model_adapters.tree_scoring`), or one
    row per continuation on a model that does not honour the tree layout."""

    def encode(text: str) -> list[int]:
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])

    # as lm-eval does: trailing whitespace of the context moves to the continuation, and the
    # continuation's tokens are those of the whole past the length of the context's tokens
    stripped = context.rstrip()
    moved = context[len(stripped):]
    ctx = encode(stripped)
    if not ctx:
        raise CompsecError("compsec_refusal_margin: the formatted prompt has no tokens")
    rows: list[tuple[list[int], int]] = []  # (token ids, number of continuation tokens)
    for cont in continuations:
        whole = encode(stripped + moved + cont)
        n_cont = len(whole) - len(ctx)
        if n_cont <= 0:
            raise CompsecError(f"compsec_refusal_margin: continuation {cont!r} has no tokens")
        rows.append((whole, n_cont))

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    scorer = _tree_scorer(model, int(pad))
    if scorer is not None:
        from model_adapters.tree_scoring import TreeLayoutUnsupported

        try:
            with _FORWARD_LOCK:
                (answers,) = scorer.score([(ctx, [whole[len(ctx):] for whole, _ in rows])])
            return [ll for ll, _greedy in answers]
        except TreeLayoutUnsupported as e:
            logger.warning("%s; scoring one row per continuation", e)
            _TREE_SCORERS[model] = None
    return _rows_loglikelihoods(model, rows, int(pad))


_TREE_SCORERS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _tree_scorer(model: Any, pad: int) -> Any:
    """One tree scorer per model (its layout check runs once); None once the model refused it."""
    if model not in _TREE_SCORERS:
        from model_adapters.tree_scoring import TreeScorer

        _TREE_SCORERS[model] = TreeScorer(model, pad, batch_size=1, share_prefix=False)
    return _TREE_SCORERS[model]


def _rows_loglikelihoods(model: Any, rows: list[tuple[list[int], int]], pad: int) -> list[float]:
    """One right-padded row per continuation, the model's own causal mask."""
    import torch

    width = max(len(ids) for ids, _ in rows)
    input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (ids, _) in enumerate(rows):  # right padding: real tokens keep positions 0..n-1
        input_ids[i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        attention[i, : len(ids)] = 1
    device = getattr(model, "device", "cpu")
    with _FORWARD_LOCK, torch.inference_mode():
        logits = model(
            input_ids=input_ids.to(device), attention_mask=attention.to(device)
        ).logits
        out: list[float] = []
        for i, (ids, n_cont) in enumerate(rows):
            start = len(ids) - n_cont  # first continuation token
            # the logits at position t predict token t + 1
            logprobs = torch.log_softmax(logits[i, start - 1 : len(ids) - 1].float(), dim=-1)
            targets = input_ids[i, start : len(ids)].to(logprobs.device)
            out.append(float(logprobs.gather(-1, targets.unsqueeze(-1)).sum().item()))
    return out




@solver
def continuation_loglikelihoods(
    continuations: Sequence[str] = T.REFUSAL_OPENINGS,
) -> Solver:
    """Score ``continuations`` after the chat-formatted prompt; no generation.

    The log-likelihoods go to the sample store under ``compsec_loglikelihoods`` (in the order
    of ``continuations``); the sample's output is the most likely continuation.
    """
    conts = list(continuations)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        m = get_model()
        model, tokenizer = _local_transformers(m.api)
        context = _chat_context(m.api, tokenizer, state)
        lls = await anyio.to_thread.run_sync(
            continuation_loglikelihoods_sync, model, tokenizer, context, conts
        )
        state.store.set(LOGLIKELIHOODS_KEY, lls)
        best = max(range(len(conts)), key=lambda i: lls[i])
        state.output = ModelOutput.from_content(model=m.name, content=conts[best])
        return state

    return solve
