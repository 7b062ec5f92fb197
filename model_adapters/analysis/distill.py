"""Safety-aware distillation: a smaller student learns its teacher's next-token distributions
on ordinary text and on safety samples, the latter weighted up.

The loss
--------
For every position in the loss, the forward KL divergence from the teacher's next-token
distribution ``p`` to the student's ``q``, both softened by a temperature ``T``::

    KL(p || q) = sum_v p_v (log p_v - log q_v),   p = softmax(teacher / T), q = softmax(student / T)

    F.kl_div(log_softmax(student / T), log_softmax(teacher / T), log_target=True,
             reduction="batchmean") * T**2

(:func:`kd_loss`; Hinton et al. 2015: the ``T**2`` keeps the gradient's scale independent of
``T``). ``F.kl_div(input, target)`` computes ``sum target * (log target - input)``: ``input``
is the log-probabilities of the model being trained, ``target`` the distribution it should
match. Passing the teacher's log-probabilities as ``input`` and the student's probabilities
as ``target`` (as a widely copied sketch of safety-weighted distillation does) computes
``sum q (log q - log p) = KL(q || p)``: the reverse, mode-seeking divergence, with the
student's gradient flowing through the argument PyTorch treats as the fixed target. It
rewards a student that puts its mass on any one mode of the teacher and ignores the rest,
which is how a student can keep the teacher's most likely answer while losing the
low-probability-but-decisive refusal tokens. The test suite pins the direction on two known
distributions.

The data
--------
* ordinary text (:func:`default_texts` unless given): every position is in the loss, weight 1;
* safety samples: harmful requests with the teacher's own responses (its refusals) and
  benign requests with its answers, chat-formatted as the harness shows them; only the
  positions that predict the response are in the loss, weighted by ``safety_weight``. The
  response side is split off as the refusal margin splits it (lm-eval's way,
  :func:`~model_adapters.analysis.margin.encode_prompt`): the chat template's trailing
  whitespace (ChatML's "\\n" after ``<|im_start|>assistant``) moves from the context to the
  response, because the margin scores every opening as P(whitespace + opening | stripped
  context) and a student never trained on the position that predicts that whitespace is
  free to drift there (:func:`response_start`; a context without trailing whitespace, such
  as a raw prompt without a template, is unchanged). The first response position is then the
  template's whitespace, the next the refuse-or-answer decision. Each prompt gets the
  teacher's greedy response and ``responses_per_prompt - 1`` sampled ones (temperature
  ``response_temperature``). On greedy responses alone a student learns the teacher's one
  most likely refusal and loses the others: on a tiny teacher trained on the 16 refusal
  openings of ``compsec_refusal_margin``, a greedy-only student matched the teacher's first
  token (KL 3e-4) yet its refusal margin turned negative on all 8 harmful prompts (error in
  log P(a refusal opening) 1.14 nats, against 1.56 for a student distilled on text only);
  greedy plus three samples brought that error to 0.22 with every margin's sign kept
  (200 steps; ``tests/test_analysis_distill.py``).

A batch holds ``safety_fraction`` of safety samples (when there are any); its loss is
``mean_i(w_i * KL_i)`` where ``KL_i`` is sample ``i``'s mean KL over its positions.

The student
-----------
:func:`make_student` keeps some of the teacher's transformer blocks (evenly spaced, the first
and the last included) with its embeddings, final norm and output layer: a model of the same
class with fewer layers. Any other causal LM that shares the teacher's tokenizer can be
given instead. :func:`distill_student` saves it as a Hugging Face folder (safetensors, tokenizer and
``distillation.json``, the training record) that loads as ``distilled:<path>``.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, InputFileError, PromptSetError

from ._model import block_index, find_blocks, model_device, normalize_prompts
from .margin import MarginProbe, MarginSummary, format_context, summarize

logger = logging.getLogger(__name__)

__all__ = [
    "DISTILL_FORMAT",
    "RECORD_FILE",
    "DistillConfig",
    "DistillSample",
    "DistillResult",
    "AgreementReport",
    "kd_loss",
    "token_kl",
    "make_student",
    "teacher_responses",
    "default_texts",
    "benign_prompts",
    "response_start",
    "build_samples",
    "distill_student",
    "save_student",
    "safety_agreement",
]

DISTILL_FORMAT = "compsec-distillation/1"
RECORD_FILE = "distillation.json"


# ---------------------------------------------------------------------------------------
# the loss


def kd_loss(student_logits: Any, teacher_logits: Any, temperature: float = 1.0) -> Any:
    """``KL(teacher || student)`` of next-token distributions at temperature ``T``, times ``T**2``,
    averaged over rows (``[rows, vocab]`` logits; leading dimensions are flattened):
    ``F.kl_div(student log-probs, teacher log-probs, log_target=True, reduction="batchmean")``."""
    import torch.nn.functional as F

    t = float(temperature)
    s = F.log_softmax(student_logits.float().reshape(-1, student_logits.shape[-1]) / t, dim=-1)
    p = F.log_softmax(teacher_logits.float().reshape(-1, teacher_logits.shape[-1]) / t, dim=-1)
    return F.kl_div(s, p, log_target=True, reduction="batchmean") * (t * t)


def token_kl(student_logits: Any, teacher_logits: Any, temperature: float = 1.0) -> Any:
    """Per-position ``KL(teacher || student) * T**2`` (logits ``[..., vocab]`` -> ``[...]``);
    its mean is :func:`kd_loss`."""
    import torch.nn.functional as F

    t = float(temperature)
    s = F.log_softmax(student_logits.float() / t, dim=-1)
    p = F.log_softmax(teacher_logits.float() / t, dim=-1)
    return F.kl_div(s, p, log_target=True, reduction="none").sum(-1) * (t * t)


# ---------------------------------------------------------------------------------------
# configuration


@dataclass(frozen=True)
class DistillConfig:
    """How to distil. ``layers``: the student's number of blocks when it is built from the
    teacher (None: half the teacher's, rounded up). ``safety``: use safety samples at all."""

    layers: int | None = None
    steps: int = 200
    batch_size: int = 8
    lr: float = 1e-4
    weight_decay: float = 0.0
    temperature: float = 2.0
    safety: bool = True
    safety_weight: float = 2.0
    safety_fraction: float = 0.5
    max_length: int = 256
    max_new_tokens: int = 48
    responses_per_prompt: int = 4
    response_temperature: float = 1.0
    grad_clip: float = 1.0
    seed: int = 0
    log_every: int = 10

    def __post_init__(self) -> None:
        def positive_int(name: str, allow_zero: bool = False) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < (0 if allow_zero else 1):
                raise CompsecError(f"distillation {name} must be a {'non-negative' if allow_zero else 'positive'} "
                                   f"integer, got {v!r}")

        for name in ("steps", "batch_size", "max_length", "max_new_tokens", "responses_per_prompt", "log_every"):
            positive_int(name, allow_zero=name == "steps")
        if self.layers is not None:
            positive_int("layers")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise CompsecError(f"distillation seed must be an integer, got {self.seed!r}")
        for name in ("lr", "temperature", "response_temperature"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
                raise CompsecError(f"distillation {name} must be a positive number, got {v!r}")
        for name in ("weight_decay", "safety_weight", "grad_clip"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0:
                raise CompsecError(f"distillation {name} must be a number >= 0, got {v!r}")
        if not 0 <= self.safety_fraction <= 1:
            raise CompsecError(f"safety_fraction is the share of safety samples in a batch, in [0, 1]; "
                               f"got {self.safety_fraction!r}")
        if not isinstance(self.safety, bool):
            raise CompsecError(f"safety must be true or false, got {self.safety!r}")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DistillConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise CompsecError(f"unknown distillation option(s) {', '.join(unknown)}; "
                               f"known: {', '.join(sorted(known))}")
        return cls(**dict(d))


# ---------------------------------------------------------------------------------------
# the student


def _layer_count_key(config: Any) -> str:
    for key in ("num_hidden_layers", "n_layer", "num_layers"):
        if isinstance(getattr(config, key, None), int):
            return key
    raise CompsecError("the teacher's config names no number of layers (num_hidden_layers); give a student model")


def _spread(n: int, total: int) -> list[int]:
    if n == 1:
        return [0]
    return sorted({round(i * (total - 1) / (n - 1)) for i in range(n)})


def make_student(teacher: Any, layers: int | Sequence[int]) -> tuple[Any, tuple[int, ...]]:
    """(student, teacher block indices it keeps): a model of the teacher's class with only the
    given blocks (an int: that many, evenly spaced, first and last included), the teacher's
    embeddings, final norm and output layer, on the teacher's device and dtype."""
    import torch

    prefix, blocks = find_blocks(teacher)
    total = len(blocks)
    if isinstance(layers, bool):
        raise CompsecError(f"layers is a number of blocks or a list of block indices, got {layers!r}")
    if isinstance(layers, int):
        if not 1 <= layers <= total:
            raise CompsecError(f"a student built from the teacher keeps 1 to {total} of its {total} blocks; "
                               f"got layers={layers}")
        keep = _spread(layers, total)
    else:
        keep = [int(i) for i in layers]
        if not keep or sorted(set(keep)) != keep or not all(0 <= i < total for i in keep):
            raise CompsecError(f"layers must be increasing, distinct block indices from 0 to {total - 1}; "
                               f"got {layers!r}")
    cfg = copy.deepcopy(teacher.config)
    setattr(cfg, _layer_count_key(cfg), len(keep))
    for key in ("layer_types",):
        v = getattr(cfg, key, None)
        if isinstance(v, list) and len(v) == total:
            setattr(cfg, key, [v[i] for i in keep])
    student = type(teacher)(cfg)
    remap = {old: new for new, old in enumerate(keep)}
    state: dict[str, Any] = {}
    head = prefix + "."
    for key, value in teacher.state_dict().items():
        b = block_index(key, prefix)
        if b is None:
            state[key] = value
        elif b in remap:
            state[f"{head}{remap[b]}{key[len(head) + len(str(b)):]}"] = value
    missing, unexpected = student.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if not k.endswith("rotary_emb.inv_freq")]:
        raise CompsecError(f"could not copy the teacher's blocks into a {len(keep)}-block student: missing "
                           f"{list(missing)[:5]}, unexpected {list(unexpected)[:5]}; give a student model instead")
    dtype = next(teacher.parameters()).dtype
    student = student.to(device=model_device(teacher), dtype=dtype if isinstance(dtype, torch.dtype) else None)
    return student, tuple(keep)


def _same_tokenizer(teacher_tok: Any, student_tok: Any) -> bool:
    if student_tok is teacher_tok:
        return True
    t_vocab, s_vocab = teacher_tok.get_vocab(), student_tok.get_vocab()
    return len(t_vocab) == len(s_vocab) and all(s_vocab.get(t) == i for t, i in t_vocab.items())


def _vocab_rows(model: Any) -> int:
    out = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    rows = getattr(out, "out_features", None) or getattr(model.config, "vocab_size", None)
    if not isinstance(rows, int):
        raise CompsecError(f"{type(model).__name__} has no output layer whose size can be read (out_features)")
    return rows


def _resolve_student(student: Any, student_tokenizer: Any, teacher: Any, tokenizer: Any,
                     config: DistillConfig) -> tuple[Any, tuple[int, ...] | None, str | None]:
    """(student model, teacher blocks it was built from or None, its path or None)."""
    path: str | None = None
    if student is None:
        _, blocks = find_blocks(teacher)
        n = config.layers if config.layers is not None else max(1, math.ceil(len(blocks) / 2))
        model, keep = make_student(teacher, n)
        return model, keep, None
    if isinstance(student, (str, os.PathLike)):
        from ..loading import load_hf_model, load_tokenizer

        folder = Path(student)
        if not folder.is_dir():
            raise InputFileError(f"student {str(student)!r} is not a folder: give a Hugging Face model folder, or "
                                 "build the student from the teacher's blocks (layers=N / --layers N)")
        path = str(folder)
        has_tok = (folder / "tokenizer_config.json").is_file() or (folder / "tokenizer.json").is_file()
        if student_tokenizer is None and has_tok:
            student_tokenizer = load_tokenizer(folder)
        student = load_hf_model(folder, device=str(model_device(teacher)))
    if student_tokenizer is not None and not _same_tokenizer(tokenizer, student_tokenizer):
        raise CompsecError(
            f"the student{' ' + repr(path) if path else ''} has a different tokenizer ({len(student_tokenizer)} "
            f"tokens) from the teacher ({len(tokenizer)} tokens): next-token distillation needs the same token ids; "
            "give a student trained with the teacher's tokenizer, or build one from the teacher's blocks "
            "(layers=N / --layers N)"
        )
    if _vocab_rows(student) < len(tokenizer):
        raise CompsecError(f"the student's output layer has {_vocab_rows(student)} rows, fewer than the "
                           f"{len(tokenizer)} tokens of the teacher's tokenizer: it cannot score every token")
    return student, None, path


# ---------------------------------------------------------------------------------------
# data


def default_texts() -> list[str]:
    """Ordinary text when none is given: the neutral texts of the fidelity probe set and the
    benign requests of the shipped benign set's dev split, as plain text. Small: give a real
    corpus (``texts=`` / ``--texts``) for a student meant to be used."""
    from importlib import resources

    from compsec_tasks.tasks import build_docs

    from ..fidelity import PROBE_FILE

    data = json.loads((resources.files("model_adapters") / PROBE_FILE).read_bytes())
    out = [str(p["text"]) for p in data["prompts"] if p.get("kind") == "neutral"]
    out += [d["prompt"] for d in build_docs("compsec_overrefusal", split="dev")]
    return out


def benign_prompts(prompt_set: str | None = None, split: str | None = "dev",
                   limit: int | None = None) -> list[dict[str, Any]]:
    """The benign requests of ``compsec_overrefusal`` (the shipped benign set's dev split by default)."""
    from compsec_tasks.tasks import build_docs

    return build_docs("compsec_overrefusal", split=split, prompt_set=prompt_set, limit=limit)


def _encode(tokenizer: Any, text: str) -> list[int]:
    return [int(t) for t in tokenizer(text, add_special_tokens=False)["input_ids"]]


def teacher_responses(teacher: Any, tokenizer: Any, prompts: Sequence[str], *, max_new_tokens: int = 48,
                      batch_size: int = 8, sample: bool = False, temperature: float = 1.0,
                      progress: bool = False) -> list[tuple[list[int], list[int]]]:
    """(context ids, response ids) per prompt: the chat-formatted prompt and the teacher's
    response to it, up to and including its end-of-turn token (or ``max_new_tokens``): greedy,
    or sampled at ``temperature`` with ``sample`` (seed torch first)."""
    import torch
    from tqdm.auto import tqdm

    eos = tokenizer.eos_token_id
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
    if pad is None:
        raise CompsecError("the tokenizer has neither a pad nor an end-of-sequence token: cannot batch generation")
    contexts = [_encode(tokenizer, format_context(tokenizer, p)) for p in prompts]
    device = model_device(teacher)
    out: list[tuple[list[int], list[int]]] = []
    for i in tqdm(range(0, len(contexts), batch_size), desc="teacher responses", unit="batch", disable=not progress):
        chunk = contexts[i:i + batch_size]
        width = max(len(c) for c in chunk)
        ids = torch.full((len(chunk), width), int(pad), dtype=torch.long)
        att = torch.zeros((len(chunk), width), dtype=torch.long)
        for r, c in enumerate(chunk):  # left padding: every row ends where generation starts
            ids[r, width - len(c):] = torch.tensor(c)
            att[r, width - len(c):] = 1
        with torch.inference_mode():
            kw: dict[str, Any] = {"do_sample": True, "temperature": float(temperature), "top_k": 0,
                                  "top_p": 1.0} if sample else {"do_sample": False}
            gen = teacher.generate(input_ids=ids.to(device), attention_mask=att.to(device),
                                   max_new_tokens=max_new_tokens, pad_token_id=int(pad), eos_token_id=eos, **kw)
        for r, c in enumerate(chunk):
            resp: list[int] = []
            for t in gen[r, width:].tolist():
                resp.append(int(t))
                if eos is not None and t == eos:
                    break
            out.append((c, resp))
    return out


@dataclass(frozen=True)
class DistillSample:
    """Token ids and the first token whose prediction is in the loss (1 for text: every
    position; for a safety sample the first token of the response side of the margin's split,
    i.e. the template's trailing whitespace: :func:`response_start`)."""

    kind: str  # text | harmful | benign
    ids: tuple[int, ...]
    loss_from: int
    weight: float
    source: str = ""

    @property
    def n_loss(self) -> int:
        return len(self.ids) - self.loss_from


def response_start(tokenizer: Any, prompt: str, context: Sequence[int]) -> int:
    """Index in ``context`` (the ids of ``format_context(tokenizer, prompt)``, where the teacher's
    response starts) of the first token on the response side of the margin's split
    (:func:`~model_adapters.analysis.margin.encode_prompt`): the context's trailing whitespace
    (a chat template's "\\n" after the generation prompt) belongs to the response, so the result
    is the length of the stripped context's encoding, or of its longest common prefix with
    ``context`` where the tokenizer merges that whitespace into an earlier token; at least 1
    (position 0 predicts nothing). ``len(context)`` when the context ends in no whitespace (a
    raw prompt without a template, as a rule)."""
    text = format_context(tokenizer, prompt)
    stripped = text.rstrip()
    if stripped == text:
        return len(context)
    ids = _encode(tokenizer, stripped)
    n = 0
    for a, b in zip(ids, context, strict=False):
        if a != b:
            break
        n += 1
    return max(1, min(n, len(context)))


def build_samples(tokenizer: Any, texts: Sequence[str],
                  safety: Sequence[tuple[str, str, str, list[int], list[int]]],
                  *, safety_weight: float, max_length: int) -> tuple[list[DistillSample], list[DistillSample]]:
    """(text samples, safety samples). ``safety`` holds (kind, id, prompt, context ids, response
    ids), the context being the chat-formatted prompt the response was generated after. A safety
    sample's loss starts where the margin's continuations start (:func:`response_start`): at
    the prediction of the template's trailing whitespace, which the margin scores as the first
    token(s) of every opening, not after it."""
    text_samples: list[DistillSample] = []
    for i, t in enumerate(texts):
        ids = _encode(tokenizer, t)[:max_length]
        if len(ids) >= 2:
            text_samples.append(DistillSample("text", tuple(ids), 1, 1.0, f"text-{i}"))
    safety_samples: list[DistillSample] = []
    dropped = 0
    for kind, sid, prompt, ctx, resp in safety:
        ids = (list(ctx) + list(resp))[:max_length]
        if not resp or len(ctx) >= len(ids):
            dropped += 1
            continue
        start = response_start(tokenizer, prompt, ctx)
        safety_samples.append(DistillSample(kind, tuple(ids), start, float(safety_weight), sid))
    if dropped:
        logger.warning("distillation: %d safety sample(s) dropped (empty response, or the prompt alone fills "
                       "max_length %d)", dropped, max_length)
    return text_samples, safety_samples


class _Cycler:
    """Indices of a pool, a fresh seeded permutation each pass."""

    def __init__(self, n: int, rng: random.Random):
        self.n, self.rng = n, rng
        self._order: list[int] = []

    def take(self, k: int) -> list[int]:
        out = []
        for _ in range(k):
            if not self._order:
                self._order = list(range(self.n))
                self.rng.shuffle(self._order)
            out.append(self._order.pop())
        return out


def _collate(samples: Sequence[DistillSample], pad: int, device: Any) -> tuple[Any, Any, Any, Any]:
    """(input ids, attention mask, loss mask over positions [B, T-1], weights [B])."""
    import torch

    width = max(len(s.ids) for s in samples)
    ids = torch.full((len(samples), width), pad, dtype=torch.long)
    att = torch.zeros((len(samples), width), dtype=torch.long)
    mask = torch.zeros((len(samples), max(width - 1, 1)), dtype=torch.bool)
    for r, s in enumerate(samples):
        n = len(s.ids)
        ids[r, :n] = torch.tensor(s.ids)
        att[r, :n] = 1
        mask[r, s.loss_from - 1:n - 1] = True  # position p predicts token p + 1
    w = torch.tensor([s.weight for s in samples], dtype=torch.float32)
    return ids.to(device), att.to(device), mask.to(device), w.to(device)


# ---------------------------------------------------------------------------------------
# training


@dataclass(frozen=True)
class DistillResult:
    """The trained student and how it was made. ``history``: per step the batch loss and the
    mean KL of its text and safety samples (NaN when the batch had none)."""

    student: Any = field(repr=False)
    tokenizer: Any = field(repr=False)
    config: DistillConfig
    teacher_layers: tuple[int, ...] | None
    history: tuple[dict[str, float], ...]
    n_text: int
    n_harmful: int
    n_benign: int
    teacher_parameters: int
    student_parameters: int
    seconds: float
    path: str | None = None
    student_source: str | None = None

    def record(self, teacher_ref: str | None = None) -> dict[str, Any]:
        from compsec_tasks._version import __version__

        hist = self.history
        last = hist[-10:]

        def mean(key: str, rows: Sequence[dict[str, float]]) -> float:
            vals = [r[key] for r in rows if not math.isnan(r[key])]
            return sum(vals) / len(vals) if vals else float("nan")

        return {
            "format": DISTILL_FORMAT, "compsec_version": __version__,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "teacher": teacher_ref, "student_source": self.student_source, "teacher_layers":
                list(self.teacher_layers) if self.teacher_layers is not None else None,
            "teacher_parameters": self.teacher_parameters, "student_parameters": self.student_parameters,
            "config": self.config.to_dict(),
            "samples": {"text": self.n_text, "harmful": self.n_harmful, "benign": self.n_benign},
            "loss": {"first": hist[0]["loss"] if hist else None, "last10": mean("loss", last) if hist else None,
                     "last10_text_kl": mean("text_kl", last), "last10_safety_kl": mean("safety_kl", last)},
            "history": [dict(h) for h in hist],
            "seconds": self.seconds,
            "objective": "KL(teacher || student) of next-token distributions at temperature T, times T^2 "
                         "(F.kl_div(student log-probs, teacher log-probs, log_target=True)); safety samples "
                         "weighted by safety_weight",
        }


def _to_texts(texts: Any) -> list[str]:
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
        raise PromptSetError(f"texts must be a list of strings, got {type(texts).__name__}")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise PromptSetError(f"text {i} is a {type(t).__name__}, not a string")
        if t.strip():
            out.append(t)
    return out


def distill_student(
    teacher: Any,
    tokenizer: Any,
    *,
    student: Any = None,
    student_tokenizer: Any = None,
    config: DistillConfig | Mapping[str, Any] | None = None,
    texts: Sequence[str] | None = None,
    harmful: Any = None,
    benign: Any = None,
    out_dir: str | os.PathLike[str] | None = None,
    teacher_ref: str | None = None,
    progress: bool = True,
) -> DistillResult:
    """Distil ``student`` (None: :func:`make_student` with ``config.layers`` blocks; a model; or
    a folder) from ``teacher`` on ``texts`` (default :func:`default_texts`) and, unless
    ``config.safety`` is off, safety samples: ``harmful`` requests (default the harmful dev
    split) and ``benign`` ones (default the benign dev split) with the teacher's greedy
    responses. Seeded by ``config.seed``. With ``out_dir`` the student is saved there
    (:func:`save_student`). The teacher is not changed."""
    import torch
    from tqdm.auto import tqdm

    from .margin import harmful_prompts

    cfg = config if isinstance(config, DistillConfig) else DistillConfig.from_dict(config or {})
    t0 = time.perf_counter()
    torch.manual_seed(cfg.seed)
    text_list = _to_texts(default_texts() if texts is None else texts)
    safety: list[tuple[str, str, str, list[int], list[int]]] = []
    n_harm = n_benign = 0
    if cfg.safety:
        groups = [("harmful", harmful_prompts(split="dev") if harmful is None else harmful),
                  ("benign", benign_prompts() if benign is None else benign)]
        teacher.eval()
        for kind, prompts in groups:
            if prompts is not None and len(prompts) == 0 and kind == "benign":
                continue  # harmful prompts are what safety samples are for; benign ones are optional
            ids, prompt_texts = normalize_prompts(prompts)
            for k in range(cfg.responses_per_prompt):  # the greedy response, then sampled ones
                pairs = teacher_responses(teacher, tokenizer, prompt_texts, max_new_tokens=cfg.max_new_tokens,
                                          batch_size=cfg.batch_size, sample=k > 0,
                                          temperature=cfg.response_temperature, progress=progress)
                safety += [(kind, pid if k == 0 else f"{pid}#{k}", text, c, r)
                           for pid, text, (c, r) in zip(ids, prompt_texts, pairs, strict=True)]
            if kind == "harmful":
                n_harm = len(ids)
            else:
                n_benign = len(ids)
        logger.info("distillation: teacher responses to %d harmful and %d benign prompts", n_harm, n_benign)
    text_samples, safety_samples = build_samples(tokenizer, text_list, safety, safety_weight=cfg.safety_weight,
                                                 max_length=cfg.max_length)
    if not text_samples and not safety_samples:
        raise PromptSetError("nothing to distil on: no ordinary text of at least two tokens and no safety samples; "
                             "give texts (a list of strings / --texts FILE) or keep the safety samples on")

    model, keep, source = _resolve_student(student, student_tokenizer, teacher, tokenizer, cfg)
    vocab = min(_vocab_rows(model), _vocab_rows(teacher))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    device = model_device(model)
    rng = random.Random(cfg.seed)
    text_cycle = _Cycler(len(text_samples), rng)
    safety_cycle = _Cycler(len(safety_samples), rng)
    if not text_samples:
        n_safe = cfg.batch_size
    elif not safety_samples:
        n_safe = 0
    else:
        n_safe = min(cfg.batch_size, round(cfg.batch_size * cfg.safety_fraction))
        if cfg.safety_fraction > 0 and n_safe == 0:
            n_safe = 1
    n_text = cfg.batch_size - n_safe
    teacher.eval()
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    history: list[dict[str, float]] = []
    logger.info("distillation: %d text and %d safety samples, %d steps of %d (%d safety), T=%g, safety_weight=%g",
                len(text_samples), len(safety_samples), cfg.steps, cfg.batch_size, n_safe, cfg.temperature,
                cfg.safety_weight)
    bar = tqdm(range(cfg.steps), desc="distill", unit="step", disable=not progress)
    for step in bar:
        batch = [text_samples[i] for i in text_cycle.take(n_text)]
        batch += [safety_samples[i] for i in safety_cycle.take(n_safe)]
        ids, att, mask, w = _collate(batch, int(pad), device)
        with torch.no_grad():
            t_logits = teacher(input_ids=ids, attention_mask=att, use_cache=False).logits[:, :-1, :vocab]
        s_logits = model(input_ids=ids, attention_mask=att, use_cache=False).logits[:, :-1, :vocab]
        kl = token_kl(s_logits, t_logits, cfg.temperature) * mask  # [B, T-1]
        per_sample = kl.sum(1) / mask.sum(1).clamp(min=1)
        loss = (w * per_sample).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        opt.step()
        ps = per_sample.detach().float().cpu()
        kinds = [s.kind == "text" for s in batch]
        text_kl = [float(v) for v, k in zip(ps, kinds, strict=True) if k]
        safe_kl = [float(v) for v, k in zip(ps, kinds, strict=True) if not k]
        row = {"step": float(step), "loss": float(loss.detach()),
               "text_kl": sum(text_kl) / len(text_kl) if text_kl else float("nan"),
               "safety_kl": sum(safe_kl) / len(safe_kl) if safe_kl else float("nan")}
        history.append(row)
        bar.set_postfix(loss=f"{row['loss']:.4f}")
        if step % cfg.log_every == 0 or step == cfg.steps - 1:
            logger.info("distill step %d: loss %.4f (text KL %.4f, safety KL %.4f)", step, row["loss"],
                        row["text_kl"], row["safety_kl"])
    bar.close()
    model.eval()
    result = DistillResult(model, tokenizer, cfg, keep, tuple(history), len(text_samples), n_harm, n_benign,
                           sum(p.numel() for p in teacher.parameters()), sum(p.numel() for p in model.parameters()),
                           round(time.perf_counter() - t0, 3), None, source)
    if out_dir is not None:
        path = save_student(result, out_dir, teacher_ref=teacher_ref or getattr(teacher, "name_or_path", None))
        result = replace(result, path=str(path))
    return result


def save_student(result: DistillResult, out_dir: str | os.PathLike[str], *, teacher_ref: str | None = None,
                 extra: Mapping[str, Any] | None = None) -> Path:
    """Save the student (safetensors), the tokenizer and ``distillation.json`` (the training
    record, plus ``extra``) in ``out_dir``; the folder loads as ``distilled:<out_dir>``."""
    from compsec_tasks._io import atomic_write_text
    from compsec_tasks.errors import OutputPathError

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"student output {str(out)!r} exists and is not a folder; give a folder path")
    out.mkdir(parents=True, exist_ok=True)
    result.student.save_pretrained(out, safe_serialization=True)
    result.tokenizer.save_pretrained(out)
    record = result.record(teacher_ref)
    if extra:
        record.update(dict(extra))
    atomic_write_text(out / RECORD_FILE, json.dumps(record, indent=2, default=float) + "\n")
    logger.info("saved the student in %s (load it as distilled:%s)", out, out)
    return out


# ---------------------------------------------------------------------------------------
# how close the student stays on safety prompts


@dataclass(frozen=True)
class AgreementReport:
    """Teacher and student on the same prompts: refusal margins (summaries and per prompt),
    ``margin_mae`` = mean |student - teacher| margin (log-odds of a refusal opening), split into
    its two halves: ``refusal_logp_mae`` and ``other_logp_mae``, the mean |student - teacher| of
    log P(a refusal opening) and of log P(any other start); ``sign_agreement`` = fraction of
    prompts where both refuse or both comply; ``first_token_kl`` = mean KL(teacher || student)
    of the next-token distribution right after the chat-formatted prompt (the refuse-or-answer
    step). On harmful prompts a refusing teacher rarely starts any other way, so distillation on
    its own responses constrains ``refusal_logp_mae`` and the first token, and leaves the
    other half to the student's generalisation."""

    prompt_ids: tuple[str, ...]
    teacher: MarginSummary
    student: MarginSummary
    teacher_margins: tuple[float, ...]
    student_margins: tuple[float, ...]
    margin_mae: float
    refusal_logp_mae: float
    other_logp_mae: float
    sign_agreement: float
    first_token_kl: float

    def to_dict(self) -> dict[str, Any]:
        return {"n_prompts": len(self.prompt_ids), "prompt_ids": list(self.prompt_ids),
                "teacher": self.teacher.to_dict(), "student": self.student.to_dict(),
                "teacher_margins": list(self.teacher_margins), "student_margins": list(self.student_margins),
                "margin_mae": self.margin_mae, "refusal_logp_mae": self.refusal_logp_mae,
                "other_logp_mae": self.other_logp_mae, "sign_agreement": self.sign_agreement,
                "first_token_kl": self.first_token_kl}


def _last_logits(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int) -> Iterator[Any]:
    import torch

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    device = model_device(model)
    for i in range(0, len(texts), batch_size):
        enc = [_encode(tokenizer, format_context(tokenizer, t)) for t in texts[i:i + batch_size]]
        width = max(len(e) for e in enc)
        ids = torch.full((len(enc), width), int(pad), dtype=torch.long)
        att = torch.zeros((len(enc), width), dtype=torch.long)
        for r, e in enumerate(enc):
            ids[r, :len(e)] = torch.tensor(e)
            att[r, :len(e)] = 1
        with torch.inference_mode():
            logits = model(input_ids=ids.to(device), attention_mask=att.to(device), use_cache=False).logits
        last = torch.tensor([len(e) - 1 for e in enc], device=logits.device)
        yield logits[torch.arange(len(enc), device=logits.device), last].float()


def safety_agreement(teacher: Any, student: Any, tokenizer: Any, prompts: Any, *, batch_size: int = 8,
                     layout: str = "tree") -> AgreementReport:
    """How closely ``student`` follows ``teacher`` on ``prompts`` (see :class:`AgreementReport`)."""
    import numpy as np

    from compsec_tasks.tasks import refusal_log_odds

    ids, texts = normalize_prompts(prompts)
    t_ll = MarginProbe(teacher, tokenizer, prompts, batch_size=batch_size, layout=layout).loglikelihoods()
    s_ll = MarginProbe(student, tokenizer, prompts, batch_size=batch_size, layout=layout).loglikelihoods()
    t_lo = np.array([refusal_log_odds(row, expected=None) for row in t_ll.tolist()])  # (log P, log-odds) per prompt
    s_lo = np.array([refusal_log_odds(row, expected=None) for row in s_ll.tolist()])
    tm, sm = t_lo[:, 1], s_lo[:, 1]
    ref_mae = float(np.abs(s_lo[:, 0] - t_lo[:, 0]).mean())
    t_rest, s_rest = t_lo[:, 0] - t_lo[:, 1], s_lo[:, 0] - s_lo[:, 1]  # log P(any other start)
    comp_mae = float(np.abs(s_rest - t_rest).mean())
    kls: list[float] = []
    for t_log, s_log in zip(_last_logits(teacher, tokenizer, texts, batch_size),
                            _last_logits(student, tokenizer, texts, batch_size), strict=True):
        v = min(t_log.shape[-1], s_log.shape[-1])
        kls += token_kl(s_log[:, :v], t_log[:, :v].to(s_log.device)).cpu().tolist()
    return AgreementReport(tuple(ids), summarize(tm), summarize(sm), tuple(float(x) for x in tm),
                           tuple(float(x) for x in sm), float(np.abs(sm - tm).mean()), ref_mae, comp_mae,
                           float(((sm > 0) == (tm > 0)).mean()), float(np.mean(kls)))
