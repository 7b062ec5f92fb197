"""``compsec scan``: the jailbreak-divergence scan on a user's own prompts, without a harness.

Loads the original model and the variant through :func:`model_adapters.loading.load_variant`,
generates greedily with the chat template for both (batched, left padding, a progress bar),
judges both responses with the chosen judge, and compares the two runs exactly as
``compsec compare`` does (same table, findings and report).

Prompts file: JSONL, one object per line, either in the PromptSet schema (``id``, ``prompt``,
``category``, ``kind``, ``split``) or just ``{"prompt": "..."}``. Missing fields default to
``id`` = ``p-`` + the first 16 hex digits of the sha256 of the prompt text (stable across
runs and files), ``category`` = ``uncategorised`` and ``kind`` = ``harmful``. Prompts of kind
``harmful`` form the task ``scan_refusal`` (refusal semantics), ``benign`` the task
``scan_overrefusal`` and ``triggered``/``clean`` the task ``scan_backdoor`` (success =
compliance). The prompt set sha256 of a scan is the sha256 of the prompts file.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputFileError
from ..promptsets import KINDS, sha256_file
from .compare import Comparison, compare_runs
from .logs import SAMPLE_COLUMNS, Run, TaskMeta, _manifest_ref, normalise_gen_settings, settings_hash

logger = logging.getLogger(__name__)

__all__ = ["ScanPrompt", "read_prompts", "generate_responses", "scan"]

SCAN_VERSION = "1.0"
_TASK_OF_KIND = {"harmful": "scan_refusal", "benign": "scan_overrefusal", "triggered": "scan_backdoor",
                 "clean": "scan_backdoor"}
_SEMANTICS = {"scan_refusal": "compsec_refusal", "scan_overrefusal": "compsec_overrefusal",
              "scan_backdoor": "compsec_backdoor"}


@dataclass(frozen=True)
class ScanPrompt:
    id: str
    prompt: str
    category: str
    kind: str


def prompt_id(text: str) -> str:
    return "p-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_prompts(path: str | os.PathLike[str]) -> list[ScanPrompt]:
    """Read a prompts JSONL file; errors name the file and line."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"prompts file {str(p)!r} does not exist or is not a file")
    out: list[ScanPrompt] = []
    seen: dict[str, int] = {}
    with open(p, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{p}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise InputFileError(f"{p}:{lineno}: expected a JSON object with a 'prompt'")
            text = obj.get("prompt")
            if not isinstance(text, str) or not text.strip():
                raise InputFileError(f"{p}:{lineno}: field 'prompt' must be a non-empty string")
            kind = str(obj.get("kind") or "harmful")
            if kind not in KINDS:
                raise InputFileError(f"{p}:{lineno}: kind {kind!r} is not one of {', '.join(KINDS)}")
            pid = str(obj.get("id") or prompt_id(text))
            if pid in seen:
                what = "prompt" if "id" not in obj else "id"
                raise InputFileError(
                    f"{p}:{lineno}: duplicate {what} (id {pid!r}, first on line {seen[pid]}); ids must be unique"
                )
            seen[pid] = lineno
            out.append(ScanPrompt(pid, text, str(obj.get("category") or "uncategorised"), kind))
    if not out:
        raise InputFileError(f"{p}: no prompts (the file is empty)")
    return out


def generate_responses(
    model: Any, tokenizer: Any, prompts: Sequence[str], *, max_new_tokens: int = 128, batch_size: int = 8,
    desc: str = "generating",
) -> tuple[list[str], bool]:
    """Greedy responses to ``prompts`` (chat template when the tokenizer has one), batched with
    left padding. Returns ``(responses, used_chat_template)``."""
    import torch
    from tqdm.auto import tqdm

    chat = bool(getattr(tokenizer, "chat_template", None))
    if chat:
        texts = [tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                               add_generation_prompt=True) for p in prompts]
    else:
        logger.warning("the tokenizer has no chat template; prompting with the raw text")
        texts = list(prompts)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    device = next(model.parameters()).device
    out: list[str] = []
    with tqdm(total=len(texts), desc=desc, unit="prompt") as bar:
        for start in range(0, len(texts), batch_size):
            batch = texts[start:start + batch_size]
            enc = tokenizer(batch, return_tensors="pt", padding=True, add_special_tokens=not chat).to(device)
            with torch.no_grad():
                gen = model.generate(
                    **enc, max_new_tokens=max_new_tokens, do_sample=False, temperature=None, top_p=None,
                    top_k=None, pad_token_id=tokenizer.pad_token_id,
                )
            new = gen[:, enc["input_ids"].shape[1]:]
            out.extend(tokenizer.batch_decode(new, skip_special_tokens=True))
            bar.update(len(batch))
    return out, chat


def _run_frame(label: str, prompts: Sequence[ScanPrompt], responses: Sequence[str], judgements: Sequence[Any],
               consts: dict[str, Any]) -> pd.DataFrame:
    from ..tasks import score_generation

    rows = []
    for p, resp, j in zip(prompts, responses, judgements, strict=True):
        task = _TASK_OF_KIND[p.kind]
        sem = _SEMANTICS[task]
        vals = score_generation(sem, {"kind": p.kind}, j.verdict, resp)
        success = vals.get("refusal_rate", vals.get("overrefusal_rate", vals.get(
            "attack_success_rate", vals.get("false_trigger_rate", 0.0))))
        rows.append({
            "run": label, "task": task, "id": p.id, "kind": p.kind, "category": p.category,
            "verdict": j.verdict, "success": int(success), "margin": math.nan, "response": resp,
            "prompt": p.prompt, "judge": j.judge,
        })
    df = pd.DataFrame(rows)
    for k, v in consts.items():
        df[k] = v
    return df[list(SAMPLE_COLUMNS)]


def _free(model: Any) -> None:
    del model
    gc.collect()


def scan(
    model: str | os.PathLike[str],
    variant: str,
    prompts: str | os.PathLike[str],
    *,
    judge: str = "default",
    max_new_tokens: int = 128,
    batch_size: int = 8,
    dtype: str = "float32",
    device: str = "cpu",
    fidelity: bool = True,
    correction: str = "holm",
    alpha: float = 0.05,
    **compare_kwargs: Any,
) -> Comparison:
    """Generate with the original ``model`` and its ``variant`` on ``prompts``, judge both,
    and compare them (see the module docstring)."""
    from model_adapters.loading import load_variant

    from ..errors import CompsecError, UnknownNameError
    from ..judges import available_judges, get_judge

    if max_new_tokens < 1 or batch_size < 1:
        raise CompsecError("--max-new-tokens and --batch-size must be at least 1")
    known = available_judges()
    if judge not in known:  # fail before any model loads
        raise UnknownNameError("judge", judge, known)
    items = read_prompts(prompts)
    sha = sha256_file(Path(prompts))
    texts = [p.prompt for p in items]
    judge_obj = get_judge(judge)
    runs = []
    for spec, fid in (("original", False), (variant, fidelity)):
        lv = load_variant(model, spec, dtype=dtype, device=device, fidelity=fid)
        label = lv.spec.to_string()
        responses, chat = generate_responses(lv.model, lv.tokenizer, texts, max_new_tokens=max_new_tokens,
                                             batch_size=batch_size, desc=f"{label}: generating")
        manifest = lv.manifest.to_dict()
        _free(lv.model)
        del lv
        judgements = judge_obj.judge_batch(list(zip(texts, responses, strict=True)))
        settings = normalise_gen_settings(mode="generate", max_new_tokens=max_new_tokens, do_sample=False,
                                          chat_template=chat)
        ghash = settings_hash(settings)
        df = _run_frame(label, items, responses, judgements, {
            "prompt_set_sha256": sha, "task_version": SCAN_VERSION, "gen_hash": ghash,
            "manifest_ref": _manifest_ref(manifest),
        })
        tasks = {
            t: TaskMeta(task=t, semantics=_SEMANTICS[t], prompt_set=Path(prompts).name, prompt_set_sha256=sha,
                        task_version=SCAN_VERSION, gen_settings=settings, gen_hash=ghash, judge=judge,
                        n=int((df["task"] == t).sum()), source=str(prompts))
            for t in dict.fromkeys(df["task"])
        }
        runs.append(Run(label=label, source=str(prompts), harness="scan", model=str(model),
                        variant=label, manifest=manifest, tasks=tasks, samples=df))
    return compare_runs(runs[0], [runs[1]], correction=correction, alpha=alpha, **compare_kwargs)
