"""Readers of per-sample harness logs into one tidy frame per run.

:func:`load_run` accepts

* an lm-eval output folder (``--output_path``) holding one model subfolder, the model
  subfolder itself, or a ``results_<ts>.json`` file; the ``samples_<task>_<ts>.jsonl`` files
  of the same timestamp (``--log_samples``) must sit next to it;
* an inspect-ai ``.eval`` log, or a folder of ``.eval`` logs of one model (one log per task).

A folder that holds several runs is refused with the list of them, so the user picks one.

The frame (:attr:`Run.samples`) has one row per task × sample and the columns of
:data:`SAMPLE_COLUMNS`:

=================  =======================================================================
run                the run's label
task               task name (lm-eval task name; inspect's without the ``compsec_tasks/``)
id                 the prompt set's stable sample id
kind               harmful | benign | triggered | clean
category           the prompt's category
verdict            the judge's verdict (refusal | compliance | degenerate; "" for the
                   margin task)
success            0/1, the task's primary per-sample metric (:data:`SUCCESS_METRIC`):
                   refusal → refused; overrefusal → refused a benign request; margin →
                   refusal more likely than compliance; backdoor → attack succeeded
                   (triggered) or false trigger (clean)
margin             refusal margin (margin task; NaN elsewhere)
response           the model's response ("" for the margin task)
prompt             the prompt as the prompt set has it (without chat template)
prompt_set_sha256  sha256 of the prompt set file
task_version       the task's version, as text ("1.0")
gen_hash           12 hex digits identifying the normalised generation settings
judge              the judge that labelled the response
manifest_ref       ``<variant spec>@<sha256 of the manifest>[:12]``, "" without a manifest
=================  =======================================================================

Only ``inspect_ai.log`` is imported, and only when a ``.eval`` log is read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CompsecError, InputFileError
from ..tasks import TASKS

logger = logging.getLogger(__name__)

__all__ = [
    "SAMPLE_COLUMNS",
    "SUCCESS_METRIC",
    "TaskMeta",
    "Run",
    "JoinError",
    "load_run",
    "find_runs",
    "normalise_gen_settings",
    "settings_hash",
]

SAMPLE_COLUMNS = (
    "run", "task", "id", "kind", "category", "verdict", "success", "margin", "response", "prompt",
    "prompt_set_sha256", "task_version", "gen_hash", "judge", "manifest_ref",
)

#: task semantics -> per-sample metric that is ``success`` (backdoor: per kind)
SUCCESS_METRIC: dict[str, Any] = {
    "compsec_refusal": "refusal_rate",
    "compsec_overrefusal": "overrefusal_rate",
    "compsec_refusal_margin": "refusal_win_rate",
    "compsec_backdoor": {"triggered": "attack_success_rate", "clean": "false_trigger_rate"},
}

LM_EVAL_DEFAULT_MAX_GEN_TOKS = 256


class JoinError(CompsecError, ValueError):
    """Two runs cannot be joined: different prompt sets, task versions, generation settings
    or judges. The message names what differs, with both values."""


@dataclass(frozen=True)
class TaskMeta:
    """What one task of a run evaluated: the facts a join must agree on."""

    task: str
    semantics: str  # one of compsec_tasks.tasks.TASK_NAMES
    prompt_set: str
    prompt_set_sha256: str
    task_version: str
    gen_settings: dict[str, Any]
    gen_hash: str
    judge: str | None  # None for the margin task (no judge)
    n: int
    source: str  # the file the samples came from

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task, "semantics": self.semantics, "prompt_set": self.prompt_set,
            "prompt_set_sha256": self.prompt_set_sha256, "task_version": self.task_version,
            "gen_settings": dict(self.gen_settings), "gen_hash": self.gen_hash, "judge": self.judge,
            "n": self.n, "source": self.source,
        }


@dataclass(frozen=True, eq=False)
class Run:
    """One evaluated model: its samples (tidy frame) and what each task evaluated."""

    label: str
    source: str
    harness: str  # lm-eval | inspect | scan
    model: str
    variant: str | None  # the manifest's variant spec, when the run has one
    manifest: dict[str, Any] | None
    tasks: dict[str, TaskMeta]
    samples: pd.DataFrame = field(repr=False)

    def relabel(self, label: str) -> Run:
        if label == self.label:
            return self
        df = self.samples.copy(deep=False)
        df["run"] = label
        return replace(self, label=label, samples=df)

    @property
    def fidelity(self) -> dict[str, Any]:
        f = (self.manifest or {}).get("fidelity")
        return dict(f) if isinstance(f, Mapping) else {}

    def summary(self) -> dict[str, Any]:
        """JSON-able description (no samples)."""
        return {
            "label": self.label, "source": self.source, "harness": self.harness, "model": self.model,
            "variant": self.variant, "manifest_ref": _manifest_ref(self.manifest),
            "fidelity": self.fidelity or None,
            "tasks": {t: m.to_dict() for t, m in self.tasks.items()},
        }


# ---------------------------------------------------------------------------------------
# helpers


def _canon(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def settings_hash(settings: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canon(dict(settings)).encode()).hexdigest()[:12]


def _manifest_ref(manifest: Mapping[str, Any] | None) -> str:
    if not manifest:
        return ""
    digest = hashlib.sha256(_canon(dict(manifest)).encode()).hexdigest()[:12]
    return f"{manifest.get('spec_string', '?')}@{digest}"


def _version_text(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return str(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(f) if math.isfinite(f) else str(v)


def _sys_sha(text: Any) -> str | None:
    if not text:
        return None
    return hashlib.sha256(str(text).encode()).hexdigest()[:12]


def _num(x: Any) -> float | None:
    if x is None or x == "":
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def normalise_gen_settings(
    *,
    mode: str,
    max_new_tokens: Any = None,
    do_sample: Any = None,
    temperature: Any = None,
    top_p: Any = None,
    top_k: Any = None,
    stop: Any = None,
    chat_template: bool | None = None,
    system: str | None = None,
    seed: Any = None,
) -> dict[str, Any]:
    """Generation settings in one form for every harness, so a hash compares like with like.

    ``greedy`` is True when sampling is off (``do_sample`` false or temperature 0), False when
    it is on, None when the log does not say. Sampling parameters are kept only when sampling.
    """
    temp = _num(temperature)
    if do_sample is not None and not isinstance(do_sample, bool):
        do_sample = str(do_sample).strip().lower() in ("1", "true", "yes", "on")
    greedy: bool | None
    if do_sample is False or temp == 0.0:
        greedy = True
    elif do_sample is True or (temp is not None and temp > 0):
        greedy = False
    else:
        greedy = None
    out: dict[str, Any] = {"mode": mode, "chat_template": chat_template, "system": system}
    if mode == "generate":
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        out.update(
            max_new_tokens=int(max_new_tokens) if _num(max_new_tokens) is not None else None,
            greedy=greedy,
            stop=sorted(str(s) for s in stops),
        )
        if greedy is not True:
            out.update(temperature=temp, top_p=_num(top_p), top_k=_num(top_k), seed=seed)
    return out


def _semantics(task: str, meta: Mapping[str, Any]) -> str | None:
    sem = meta.get("compsec_task")
    if sem in TASKS:
        return str(sem)
    return task if task in TASKS else None


def _success_key(semantics: str, kind: str) -> str:
    key = SUCCESS_METRIC[semantics]
    if isinstance(key, dict):
        return str(key.get(kind, "attack_success_rate"))
    return str(key)


def _frame(cols: dict[str, list[Any]], consts: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    for k, v in consts.items():
        df[k] = v
    df["success"] = df["success"].astype(np.int8)
    df["margin"] = df["margin"].astype(float)
    return df


def _check_frame(df: pd.DataFrame, label: str, source: str) -> None:
    if df.empty:
        raise InputFileError(f"run {label!r}: {source} has no samples (empty file)")
    dup = df["id"].duplicated()
    if dup.any():
        first = df.loc[dup, "id"].iloc[0]
        raise InputFileError(
            f"run {label!r}: {source}: sample id {first!r} appears more than once; ids must be unique per task"
        )


# ---------------------------------------------------------------------------------------
# lm-eval


def _lm_eval_gen_settings(cfg: Mapping[str, Any], results: Mapping[str, Any]) -> dict[str, Any]:
    chat = bool(results.get("chat_template")) if "chat_template" in results else None
    system = _sys_sha(results.get("system_instruction"))
    if cfg.get("output_type") != "generate_until":
        return normalise_gen_settings(mode="loglikelihood", chat_template=chat, system=system)
    g = dict(cfg.get("generation_kwargs") or {})
    return normalise_gen_settings(
        mode="generate",
        max_new_tokens=g.get("max_gen_toks", g.get("max_new_tokens", LM_EVAL_DEFAULT_MAX_GEN_TOKS)),
        do_sample=g.get("do_sample", False),
        temperature=g.get("temperature"),
        top_p=g.get("top_p"),
        top_k=g.get("top_k"),
        stop=g.get("until"),
        chat_template=chat,
        system=system,
        seed=results.get("config", {}).get("random_seed") if g.get("do_sample") else None,
    )


def _response(obj: Mapping[str, Any]) -> str:
    fr = obj.get("filtered_resps")
    if isinstance(fr, list) and fr:
        r = fr[0]
        while isinstance(r, list) and r:
            r = r[0]
        if isinstance(r, str):
            return r
    rs = obj.get("resps")
    if isinstance(rs, list) and rs and isinstance(rs[0], list) and rs[0] and isinstance(rs[0][0], str):
        return rs[0][0]
    return ""


def _read_lm_eval_samples(path: Path, label: str, task: str, semantics: str) -> dict[str, list[Any]]:
    ids: list[str] = []
    kinds: list[str] = []
    cats: list[str] = []
    verdicts: list[str] = []
    success: list[float] = []
    margins: list[float] = []
    responses: list[str] = []
    prompts: list[str] = []
    shas: list[str] = []
    judges: list[str] = []
    generation = semantics != "compsec_refusal_margin"
    loads = json.loads
    where = f"run {label!r}: {path}"
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = loads(line)
                doc = obj["doc"]
                sid = doc["id"]
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    f"{where}, line {lineno}: not valid JSON ({exc.msg}); the file is corrupted or truncated"
                ) from None
            except (KeyError, TypeError):
                raise InputFileError(
                    f"{where}, line {lineno}: no doc with an 'id'; is this a samples file of a compsec task?"
                ) from None
            kind = str(doc.get("kind", ""))
            key = _success_key(semantics, kind)
            value = obj.get(key)
            if value is None:
                raise InputFileError(f"{where}, line {lineno}: sample {sid!r} has no {key!r} value")
            ids.append(str(sid))
            kinds.append(kind)
            cats.append(str(doc.get("category", "")))
            prompts.append(str(doc.get("prompt", "")))
            shas.append(str(doc.get("prompt_set_sha256", "")))
            success.append(value)
            if generation:
                verdicts.append(str(doc.get("compsec_verdict", "")))
                judges.append(str(doc.get("compsec_judge", "")))
                responses.append(_response(obj))
                margins.append(math.nan)
            else:
                verdicts.append("")
                judges.append("")
                responses.append("")
                m = obj.get("refusal_margin", doc.get("compsec_margin"))
                margins.append(math.nan if m is None else m)
    return {
        "id": ids, "kind": kinds, "category": cats, "verdict": verdicts, "success": success,
        "margin": margins, "response": responses, "prompt": prompts, "prompt_set_sha256": shas,
        "judge": judges,
    }


def _load_lm_eval(results_path: Path, label: str | None) -> Run:
    try:
        res = json.loads(results_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"run {label or results_path}: {results_path} is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    if not isinstance(res, dict) or "configs" not in res:
        raise InputFileError(f"{results_path}: not an lm-eval results file (no 'configs')")
    config = res.get("config") or {}
    manifest = config.get("compsec_manifest") if isinstance(config.get("compsec_manifest"), dict) else None
    variant = (manifest or {}).get("spec_string") or config.get("compsec_variant")
    model = str(res.get("model_name") or (config.get("model_args") or {}).get("pretrained") or "")
    if label is None:
        label = str(variant) if variant else (Path(model).name or results_path.parent.name)
    ts = results_path.stem[len("results_"):]
    versions = res.get("versions") or {}
    n_samples = res.get("n-samples") or {}
    tasks: dict[str, TaskMeta] = {}
    frames: list[pd.DataFrame] = []
    others: list[str] = []
    for name, cfg in sorted((res.get("configs") or {}).items()):
        meta = dict((cfg or {}).get("metadata") or {})
        sem = _semantics(name, meta)
        if sem is None:
            others.append(name)
            continue
        spath = results_path.parent / f"samples_{name}_{ts}.jsonl"
        if not spath.is_file():
            raise InputFileError(
                f"run {label!r}: {spath} is missing; compare needs the per-sample logs: rerun lm_eval with "
                "--log_samples (and keep the samples_*.jsonl files next to the results file)"
            )
        cols = _read_lm_eval_samples(spath, label, name, sem)
        expected = (n_samples.get(name) or {}).get("effective")
        if isinstance(expected, int) and len(cols["id"]) < expected:
            raise InputFileError(
                f"run {label!r}: {spath} is truncated: {len(cols['id'])} samples, the results file "
                f"says {expected}"
            )
        settings = _lm_eval_gen_settings(cfg, res)
        ghash = settings_hash(settings)
        sha = str(meta.get("prompt_set_sha256") or (cols["prompt_set_sha256"][0] if cols["id"] else ""))
        version = _version_text(versions.get(name, meta.get("version")))
        judge = None if sem == "compsec_refusal_margin" else str(meta.get("judge") or "")
        df = _frame(cols, {
            "run": label, "task": name, "task_version": version, "gen_hash": ghash,
            "manifest_ref": _manifest_ref(manifest),
        })
        _check_frame(df, label, str(spath))
        frames.append(df)
        tasks[name] = TaskMeta(
            task=name, semantics=sem, prompt_set=str(meta.get("prompt_set", "")), prompt_set_sha256=sha,
            task_version=version, gen_settings=settings, gen_hash=ghash, judge=judge, n=len(df),
            source=str(spath),
        )
    if not tasks:
        raise InputFileError(
            f"run {label!r}: {results_path} has no compsec tasks"
            + (f" (it has {', '.join(others)})" if others else "")
        )
    if others:
        logger.info("run %s: ignoring non-compsec tasks %s", label, ", ".join(others))
    samples = pd.concat(frames, ignore_index=True)[list(SAMPLE_COLUMNS)]
    return Run(label=label, source=str(results_path), harness="lm-eval", model=model, variant=variant,
               manifest=manifest, tasks=tasks, samples=samples)


# ---------------------------------------------------------------------------------------
# inspect-ai


def _read_eval(path: Path, label: str | None, header_only: bool = False) -> Any:
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        from ..errors import MissingDependencyError

        raise MissingDependencyError("reading inspect-ai .eval logs", "inspect", "inspect-ai") from None
    try:
        return read_eval_log(str(path), header_only=header_only)
    except Exception as exc:  # noqa: BLE001 - inspect raises many kinds; name the file
        who = f"run {label!r}: " if label else ""
        raise InputFileError(f"{who}cannot read inspect log {path}: {type(exc).__name__}: {exc}") from None


def _inspect_gen_settings(log: Any, semantics: str) -> dict[str, Any]:
    margs = dict(log.eval.model_args or {})
    use_chat = margs.get("use_chat_template", True)
    chat = str(use_chat).strip().lower() not in ("0", "false", "no", "off")
    cfg = log.plan.config if log.plan is not None else None
    system = _sys_sha(getattr(cfg, "system_message", None))
    if semantics == "compsec_refusal_margin":
        return normalise_gen_settings(mode="loglikelihood", chat_template=chat, system=system)
    return normalise_gen_settings(
        mode="generate",
        max_new_tokens=getattr(cfg, "max_tokens", None),
        do_sample=margs.get("do_sample"),
        temperature=getattr(cfg, "temperature", None),
        top_p=getattr(cfg, "top_p", None),
        top_k=getattr(cfg, "top_k", None),
        stop=getattr(cfg, "stop_seqs", None),
        chat_template=chat,
        system=system,
        seed=getattr(cfg, "seed", None),
    )


def _inspect_frame(log: Any, path: Path, label: str, task: str, semantics: str,
                   consts: dict[str, Any]) -> pd.DataFrame:
    cols: dict[str, list[Any]] = {k: [] for k in (
        "id", "kind", "category", "verdict", "success", "margin", "response", "prompt",
        "prompt_set_sha256", "judge")}
    epochs = set()
    for s in log.samples or []:
        if s.epoch != 1:
            epochs.add(s.epoch)
            continue
        md = dict(s.metadata or {})
        kind = str(md.get("kind", ""))
        key = _success_key(semantics, kind)
        score = None
        for sc in (s.scores or {}).values():
            if isinstance(sc.value, dict) and key in sc.value:
                score = sc
                break
        if score is None:
            raise InputFileError(f"run {label!r}: {path}: sample {s.id!r} has no score with {key!r}")
        smd = dict(score.metadata or {})
        cols["id"].append(str(s.id))
        cols["kind"].append(kind)
        cols["category"].append(str(md.get("category", "")))
        cols["prompt"].append(str(md.get("prompt", s.input if isinstance(s.input, str) else "")))
        cols["prompt_set_sha256"].append(str(md.get("prompt_set_sha256", "")))
        cols["success"].append(score.value[key])
        if semantics == "compsec_refusal_margin":
            cols["verdict"].append("")
            cols["judge"].append("")
            cols["response"].append("")
            cols["margin"].append(score.value.get("refusal_margin", math.nan))
        else:
            cols["verdict"].append(str(smd.get("verdict", "")))
            cols["judge"].append(str(smd.get("judge", "")))
            answer = score.answer if score.answer is not None else (
                s.output.completion if s.output is not None else "")
            cols["response"].append(str(answer))
            cols["margin"].append(math.nan)
    if epochs:
        logger.warning("run %s: %s has %d epochs; comparing epoch 1 only", label, path, max(epochs))
    df = _frame(cols, consts)
    _check_frame(df, label, str(path))
    return df


def _load_inspect(paths: list[Path], label: str | None) -> Run:
    logs = [(p, _read_eval(p, label)) for p in paths]
    first = logs[0][1]
    md0 = dict(first.eval.metadata or {})
    manifest = md0.get("compsec_manifest") if isinstance(md0.get("compsec_manifest"), dict) else None
    variant = (manifest or {}).get("spec_string") or md0.get("compsec_variant")
    model = str(first.eval.model)
    if label is None:
        label = model.split("/", 1)[1] if model.startswith("compsec/") else (
            str(variant) if variant else Path(str((first.eval.model_args or {}).get("model_path", model))).name)
    tasks: dict[str, TaskMeta] = {}
    frames = []
    for path, log in logs:
        if log.status != "success":
            raise InputFileError(
                f"run {label!r}: {path}: the eval's status is {log.status!r}, not 'success'; "
                "it did not finish, so its samples are incomplete"
            )
        if log.samples is None:
            raise InputFileError(f"run {label!r}: {path} has no samples (was it run with --no-log-samples?)")
        name = str(log.eval.task).rsplit("/", 1)[-1]
        md = dict(log.eval.metadata or {})
        sem = _semantics(name, md)
        if sem is None:
            raise InputFileError(f"run {label!r}: {path} is task {log.eval.task!r}, not a compsec task")
        if name in tasks:
            raise InputFileError(f"run {label!r}: task {name} appears in two logs: {tasks[name].source} and {path}")
        settings = _inspect_gen_settings(log, sem)
        ghash = settings_hash(settings)
        version = _version_text(log.eval.task_version)
        judge = None if sem == "compsec_refusal_margin" else str(
            md.get("judge") or (log.eval.task_args or {}).get("judge") or "")
        df = _inspect_frame(log, path, label, name, sem, {
            "run": label, "task": name, "task_version": version, "gen_hash": ghash,
            "manifest_ref": _manifest_ref(manifest),
        })
        sha = str(md.get("prompt_set_sha256") or df["prompt_set_sha256"].iloc[0])
        frames.append(df)
        tasks[name] = TaskMeta(
            task=name, semantics=sem, prompt_set=str(md.get("prompt_set", "")), prompt_set_sha256=sha,
            task_version=version, gen_settings=settings, gen_hash=ghash, judge=judge, n=len(df),
            source=str(path),
        )
    samples = pd.concat(frames, ignore_index=True)[list(SAMPLE_COLUMNS)]
    source = str(paths[0]) if len(paths) == 1 else str(paths[0].parent)
    return Run(label=label, source=source, harness="inspect", model=model, variant=variant,
               manifest=manifest, tasks=tasks, samples=samples)


# ---------------------------------------------------------------------------------------
# finding runs in a path


def find_runs(path: str | os.PathLike[str]) -> list[tuple[str, list[Path]]]:
    """The runs under ``path``: ``(description, files)`` per run. ``files`` is one lm-eval
    results file, or the inspect logs of one model."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{str(p)!r} does not exist")
    if p.is_file():
        if p.suffix == ".eval":
            return [(str(p), [p])]
        if p.name.startswith("results_") and p.suffix == ".json":
            return [(str(p), [p])]
        if p.name.startswith("samples_") and p.suffix == ".jsonl":
            raise InputFileError(f"{p} is a samples file; give the results_*.json next to it (or its folder)")
        raise InputFileError(
            f"{p}: not an lm-eval results_*.json or an inspect .eval log"
        )
    runs: list[tuple[str, list[Path]]] = []
    results = sorted(p.glob("results_*.json")) + sorted(p.glob("*/results_*.json"))
    runs.extend((str(r), [r]) for r in results)
    evals = sorted(p.glob("*.eval"))
    if evals:
        groups: dict[str, list[Path]] = {}
        for e in evals:
            log = _read_eval(e, None, header_only=True)
            md = dict(log.eval.metadata or {})
            man = md.get("compsec_manifest") if isinstance(md.get("compsec_manifest"), dict) else None
            key = _canon([log.eval.model, log.eval.model_args or {}, _manifest_ref(man)])
            groups.setdefault(key, []).append(e)
        for key, files in groups.items():
            model = json.loads(key)[0]
            names = [f.name for f in files]
            runs.append((f"inspect {model}: {', '.join(names)}", files))
    if not runs:
        raise InputFileError(
            f"{p}: no lm-eval results_*.json (in it or one folder down) and no inspect .eval logs"
        )
    return runs


def load_run(path: str | os.PathLike[str] | Run, label: str | None = None) -> Run:
    """Read one run (see the module docstring for what ``path`` may be)."""
    if isinstance(path, Run):
        return path.relabel(label) if label else path
    runs = find_runs(path)
    if len(runs) > 1:
        listing = "\n  ".join(desc for desc, _ in runs)
        raise InputFileError(
            f"{path} holds {len(runs)} runs; pick one by giving its file (or folder):\n  {listing}"
        )
    _, files = runs[0]
    if files[0].suffix == ".eval":
        return _load_inspect(files, label)
    return _load_lm_eval(files[0], label)
