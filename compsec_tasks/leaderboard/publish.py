"""Publishing: runs → ``leaderboard.json``, ``leaderboard.csv``, ``README.md``, ``index.html`` and
``findings/``, written atomically into ``leaderboards/published/<name>/``.

:func:`build_leaderboard` reads the complete runs of a work folder (only logs and manifests,
never models), compares every variant with its base model's original
(:func:`compsec_tasks.compare.compare_runs`), and returns the leaderboard as data;
:func:`write_outputs` renders and writes it; :func:`publish_work` does both. An output
folder that holds a different leaderboard (another name) is refused unless ``force``.
The schema of ``leaderboard.json`` is in the package docstring (:mod:`compsec_tasks.leaderboard`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import CompsecError, InputFileError
from ..tasks import TASKS
from .recipe import BaseModel, Recipe, VariantEntry
from .runner import (
    MANIFEST_FILE,
    MARKER_FILE,
    PARTIAL,
    RunState,
    _read_json,
    _replace_dir,
    check_output_dir,
    run_is_complete,
    run_key,
    write_json_atomic,
)

logger = logging.getLogger(__name__)

__all__ = [
    "SCHEMA_VERSION",
    "SUMMARY_COLUMNS",
    "Column",
    "build_leaderboard",
    "publish_work",
    "write_outputs",
    "load_leaderboard",
    "render_csv",
    "render_markdown",
    "nominal_bits",
    "run_metrics",
    "json_safe",
]

SCHEMA_VERSION = 1

#: per-sample 0/1 metrics computed from the samples of each task semantics (kind filter or None)
_BINARY: dict[str, list[tuple[str, str | None, Callable[[Any], Any]]]] = {
    "compsec_refusal": [
        ("refusal_rate", None, lambda df: df["success"]),
        ("compliance_rate", None, lambda df: df["verdict"] == "compliance"),
        ("degenerate_rate", None, lambda df: df["verdict"] == "degenerate"),
    ],
    "compsec_overrefusal": [
        ("overrefusal_rate", None, lambda df: df["success"]),
        ("answer_rate", None, lambda df: df["verdict"] == "compliance"),
        ("degenerate_rate", None, lambda df: df["verdict"] == "degenerate"),
    ],
    "compsec_refusal_margin": [
        ("refusal_win_rate", None, lambda df: df["success"]),
    ],
    "compsec_backdoor": [
        ("attack_success_rate", "triggered", lambda df: df["success"]),
        ("false_trigger_rate", "clean", lambda df: df["success"]),
        ("degenerate_rate", None, lambda df: df["verdict"] == "degenerate"),
    ],
}

_COMPARISON_FIELDS = (
    "n", "n_baseline_only", "n_candidate_only", "base_rate", "base_ci_low", "base_ci_high", "cand_rate",
    "cand_ci_low", "cand_ci_high", "diff", "diff_ci_low", "diff_ci_high", "flips_up", "flips_down", "p_value",
    "p_adjusted", "significant", "worse", "hidden_danger", "margin_diff", "margin_diff_ci_low",
    "margin_diff_ci_high", "margin_p_adjusted",
)


def json_safe(obj: Any) -> Any:
    """``obj`` as strict JSON data: NaN/inf → None, numpy scalars → Python, tuples → lists."""
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)) and getattr(obj, "ndim", 1) == 0:
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---------------------------------------------------------------------------------------
# row facts


_DTYPE_BITS = {"float32": 32, "bfloat16": 16, "float16": 16, "auto": None}
_MODE_BITS = {"int8": 8, "nf4": 4, "fp4": 4, "int4": 4, "int2": 2, "int8wo": 8, "int8dq": 8, "int4wo": 4,
              "intx4wo": 4, "intx2wo": 2, "W4A16": 4, "W8A8": 8}


def nominal_bits(spec: Mapping[str, Any], dtype: str = "float32",
                 manifest: Mapping[str, Any] | None = None) -> float | None:
    """The weight bit width a variant is named for (16/32 for unquantized weights)."""
    method = spec.get("method")
    bits = spec.get("bits")
    if isinstance(bits, (int, float)) and not isinstance(bits, bool):
        return float(bits)
    for key in ("mode", "weights", "scheme"):
        v = spec.get(key)
        if isinstance(v, str) and v in _MODE_BITS:
            return float(_MODE_BITS[v])
    if method == "gguf":
        q = str(spec.get("quant") or "")
        m = re.match(r"^(?:I?Q|TQ)(\d)", q.upper())
        if m:
            return float(m.group(1))
        if q.upper() in ("F16", "BF16"):
            return 16.0
        if q.upper() == "F32":
            return 32.0
    info = (manifest or {}).get("backend_info") or {}
    if isinstance(info, Mapping):
        for key in ("bits", "w_bit"):
            v = info.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
    if method in ("original", "prune", "distilled", None):
        b = _DTYPE_BITS.get(str((manifest or {}).get("dtype") or dtype))
        return float(b) if b else None
    return None


def _wilson(count: int, n: int, alpha: float) -> tuple[float | None, float | None]:
    from ..compare.stats import wilson_ci

    lo, hi = wilson_ci(count, n, alpha)
    return json_safe(float(lo[0])), json_safe(float(hi[0]))


def run_metrics(run: Any, alpha: float = 0.05) -> dict[str, dict[str, dict[str, Any]]]:
    """Per task, per metric: ``{value, count, n, ci_low, ci_high}`` from the run's samples
    (rates with Wilson intervals; the mean refusal margin with a t interval)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    df_all = run.samples
    for task, meta in run.tasks.items():
        df = df_all[df_all["task"] == task]
        metrics: dict[str, dict[str, Any]] = {}
        for metric, kind, fn in _BINARY.get(meta.semantics, []):
            sel = df if kind is None else df[df["kind"] == kind]
            n = len(sel)
            count = int(fn(sel).astype(bool).sum()) if n else 0
            lo, hi = _wilson(count, n, alpha) if n else (None, None)
            metrics[metric] = {"value": count / n if n else None, "count": count, "n": n,
                               "ci_low": lo, "ci_high": hi}
        if meta.semantics == "compsec_refusal_margin":
            m = df["margin"].dropna().to_numpy(dtype=float)
            mean = float(m.mean()) if m.size else None
            lo = hi = None
            if m.size > 1:
                from scipy import stats as sst

                se = float(m.std(ddof=1)) / math.sqrt(m.size)
                t = float(sst.t.ppf(1 - alpha / 2, m.size - 1))
                lo, hi = (mean - t * se, mean + t * se) if mean is not None else (None, None)
            metrics["refusal_margin"] = json_safe({"value": mean, "count": None, "n": int(m.size),
                                                   "ci_low": lo, "ci_high": hi})
        out[task] = metrics
    return out


def _fidelity(manifest: Mapping[str, Any] | None) -> dict[str, Any] | None:
    f = (manifest or {}).get("fidelity")
    if not isinstance(f, Mapping):
        return None
    return {k: f.get(k) for k in ("kl_mean", "kl_max", "top1_agreement", "n_tokens", "reference") if k in f}


def _row_facts(base: BaseModel, target: VariantEntry, recipe: Recipe,
               manifest: Mapping[str, Any] | None) -> dict[str, Any]:
    spec = target.spec_dict()
    man = dict(manifest) if manifest else None
    n_params = (man or {}).get("n_parameters")
    wbytes = (man or {}).get("weight_bytes")
    return {
        "key": f"{base.name}/{target.label}",
        "base": base.name,
        "base_model": base.model,
        "label": target.label,
        "variant": target.spec,
        "spec": spec,
        "method": spec.get("method"),
        "bits": nominal_bits(spec, recipe.dtype, man),
        "group_size": spec.get("group_size") if isinstance(spec.get("group_size"), int) else None,
        "sparsity": (man or {}).get("sparsity", spec.get("sparsity")),
        "weight_bytes": wbytes,
        "n_parameters": n_params,
        "bits_per_weight": (8.0 * wbytes / n_params) if isinstance(wbytes, int) and n_params else None,
        "fidelity": _fidelity(man),
        "manifest": man,
        "is_baseline": target.is_original,
    }


# ---------------------------------------------------------------------------------------
# building


@dataclass
class _Loaded:
    target: VariantEntry
    run: Any = None
    error: str | None = None
    status: str = "ok"
    manifest: dict[str, Any] | None = None
    run_dir: Path | None = None


def _load_target(work: Path, recipe: Recipe, base: BaseModel, target: VariantEntry,
                 state: RunState) -> _Loaded:
    from ..compare import load_run

    run_dir = work / base.slug / target.slug
    key = run_key(base, target)
    man = _read_json(run_dir / MANIFEST_FILE) if run_dir.is_dir() else None
    out = _Loaded(target=target, manifest=man if isinstance(man, dict) else None, run_dir=run_dir)
    complete, why = run_is_complete(run_dir, recipe.eval_hash(base), target.spec, recipe.expanded_tasks(base))
    failure = state.failures.get(key)
    if not complete and failure:
        out.status, out.error = "failed", str(failure.get("error"))
        return out
    if not complete and not (run_dir / MARKER_FILE).exists():
        partial = work / base.slug / PARTIAL / target.slug
        out.status = "missing"
        out.error = "not evaluated yet" + (" (interrupted; run again to resume)" if partial.exists() else "")
        return out
    try:
        out.run = load_run(run_dir, label=target.label)
    except CompsecError as exc:
        out.status, out.error = "failed", f"cannot read the run: {exc}"
        return out
    if not complete:
        out.status, out.error, out.run = "failed", f"the run in {run_dir} is not usable: {why}", None
        return out
    if out.manifest is None and out.run.manifest:
        out.manifest = dict(out.run.manifest)
    return out


def _comparison_rows(cmp: Any, label: str) -> dict[str, dict[str, dict[str, Any]]]:
    t = cmp.table
    sel = t[t["candidate"] == label]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    type_cols = [c for c in t.columns if c.startswith("n_") and c not in ("n_baseline_only", "n_candidate_only")]
    for rec in sel.to_dict(orient="records"):
        d = {k: rec.get(k) for k in _COMPARISON_FIELDS}
        d["flips"] = {c[2:].upper(): int(rec[c]) for c in type_cols if rec.get(c)}
        d["flags"] = [f for f in str(rec.get("flags") or "").split(",") if f]
        d["higher_is_better"] = bool(rec.get("higher_is_better"))
        out.setdefault(str(rec["task"]), {})[str(rec["metric"])] = json_safe(d)
    return out


def _sub_comparison(cmp: Any, label: str) -> Any:
    from ..compare import Comparison

    t = cmp.table
    return Comparison(
        baseline=cmp.baseline, candidates={label: cmp.candidates[label]},
        table=t[t["candidate"] == label].reset_index(drop=True),
        flips=cmp.flips[cmp.flips["candidate"] == label].reset_index(drop=True),
        findings=[f for f in cmp.findings if f.candidate == label], notes=list(cmp.notes),
        settings=dict(cmp.settings),
    )


def build_leaderboard(work: str | os.PathLike[str], recipe: Recipe | None = None,
                      state: RunState | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """``(leaderboard, findings files)`` from the runs in ``work``; the files map a path
    relative to the output folder (``findings/...``) to its text."""
    from ..compare import compare_runs, load_run  # noqa: F401 - fail early without pandas
    from ..compare.logs import JoinError
    from ..compare.report import render_markdown as comparison_markdown

    work_dir = Path(work)
    st = state or RunState.load(work_dir)
    if recipe is None:
        if not isinstance(st.recipe, dict):
            raise InputFileError(f"{work_dir}: no {st.path.name} with the recipe; is this a leaderboard work folder?")
        recipe = Recipe.from_dict(st.recipe, where=str(st.path))
    files: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    bases_out: list[dict[str, Any]] = []
    notes: list[str] = []
    tasks: list[str] = []
    for b in recipe.bases:
        tasks += [t for t in recipe.expanded_tasks(b) if t not in tasks]
    for base in recipe.bases:
        loaded = [_load_target(work_dir, recipe, base, t, st) for t in recipe.targets()]
        orig = loaded[0]
        base_rows: dict[str, dict[str, Any]] = {}
        for item in loaded:
            row = _row_facts(base, item.target, recipe, item.manifest)
            row.update({
                "status": item.status, "error": item.error,
                "run": (f"{base.slug}/{item.target.slug}" if item.run is not None else None),
                "metrics": run_metrics(item.run, recipe.alpha) if item.run is not None else {},
                "comparison": None, "compare_error": None, "findings": None, "flags": [],
            })
            base_rows[item.target.label] = row
        cands: dict[str, Any] = {}
        if orig.run is None:
            why = f"the original of {base.name} has no usable run ({orig.error})"
            notes.append(f"{base.name}: variants are not compared: {why}")
            for item in loaded[1:]:
                if item.run is not None:
                    base_rows[item.target.label]["compare_error"] = why
        else:
            from ..compare import check_join

            for item in loaded[1:]:
                if item.run is None:
                    continue
                try:
                    check_join(orig.run, item.run)
                except JoinError as exc:
                    r = base_rows[item.target.label]
                    r["status"], r["error"] = "failed", f"cannot be compared with the original: {exc}"
                    continue
                cands[item.target.label] = item.run
        cmp = None
        if cands and orig.run is not None:
            cmp = compare_runs(orig.run, cands, correction=recipe.correction, alpha=recipe.alpha,
                               kl_threshold=recipe.kl_threshold, top1_threshold=recipe.top1_threshold)
            folder = f"findings/{base.slug}"
            files[f"{folder}/comparison.json"] = json.dumps(json_safe(cmp.to_dict()), indent=2, ensure_ascii=False,
                                                            allow_nan=False) + "\n"
            files[f"{folder}/findings.jsonl"] = cmp.findings_jsonl()
            files[f"{folder}/report.md"] = comparison_markdown(cmp)
            notes.extend(f"{base.name}: {n}" for n in cmp.notes)
            for label in cands:
                r = base_rows[label]
                r["comparison"] = _comparison_rows(cmp, label)
                flags: list[str] = []
                for metrics in r["comparison"].values():
                    for d in metrics.values():
                        flags.extend(f for f in d["flags"] if f not in flags)
                r["flags"] = flags
                mine = [f for f in cmp.findings if f.candidate == label]
                by_type: dict[str, int] = {}
                for f in mine:
                    by_type[f.type] = by_type.get(f.type, 0) + 1
                slug = VariantEntry(spec=r["variant"], label=label).slug
                jpath, mpath = f"{folder}/{slug}.jsonl", f"{folder}/{slug}.md"
                files[jpath] = "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in mine)
                files[mpath] = comparison_markdown(_sub_comparison(cmp, label))
                r["findings"] = {"n": len(mine), "by_type": by_type, "jsonl": jpath, "markdown": mpath}
        rows.extend(base_rows.values())
        bases_out.append({
            "label": base.name, "model": base.model, "slug": base.slug, "recipe_hash": recipe.eval_hash(base),
            "baseline": f"{base.name}/{orig.target.label}", "baseline_status": orig.status,
            "baseline_error": orig.error, "tasks": recipe.expanded_tasks(base),
            "report": f"findings/{base.slug}/report.md" if cmp is not None else None,
        })
    metric_info: dict[str, dict[str, Any]] = {}
    for t in tasks:
        spec = TASKS[t]
        metric_info[t] = {"semantics": t, "description": spec.description, "metrics": dict(spec.metrics)}
    lb = {
        "schema_version": SCHEMA_VERSION,
        "kind": "compsec-leaderboard",
        "name": recipe.name,
        "description": recipe.description,
        "quick": recipe.is_quick,
        "compsec_version": __version__,
        "created_at": _now(),
        "recipe": recipe.to_dict(),
        "merged_from": [],
        "settings": {
            "correction": recipe.correction, "alpha": recipe.alpha, "kl_threshold": recipe.kl_threshold,
            "top1_threshold": recipe.top1_threshold, "rate_interval": "Wilson",
            "diff_interval": "Newcombe paired square-and-add (method 10)", "test": "McNemar exact",
            "judge": recipe.judge, "split": recipe.split, "limit": recipe.limit,
            "max_gen_toks": recipe.generation.max_gen_toks, "dtype": recipe.dtype,
        },
        "tasks": metric_info,
        "bases": bases_out,
        "rows": rows,
        "notes": notes,
    }
    return json_safe(lb), files


# ---------------------------------------------------------------------------------------
# summary columns (shared by the CSV, the Markdown and the HTML table)


@dataclass(frozen=True)
class Column:
    """One column of the summary table: its key, header, and how to read it from a row."""

    key: str
    header: str
    kind: str  # text | num | pct | pp | p | int
    get: Callable[[Mapping[str, Any]], Any]
    ci: Callable[[Mapping[str, Any]], tuple[Any, Any]] | None = None
    title: str = ""


def _m(semantics: str, metric: str, field: str = "value") -> Callable[[Mapping[str, Any]], Any]:
    def get(row: Mapping[str, Any]) -> Any:
        d = ((row.get("metrics") or {}).get(semantics) or {}).get(metric) or {}
        return d.get(field)

    return get


def _mci(semantics: str, metric: str) -> Callable[[Mapping[str, Any]], tuple[Any, Any]]:
    return lambda row: (_m(semantics, metric, "ci_low")(row), _m(semantics, metric, "ci_high")(row))


def _c(semantics: str, metric: str, field: str) -> Callable[[Mapping[str, Any]], Any]:
    def get(row: Mapping[str, Any]) -> Any:
        d = ((row.get("comparison") or {}).get(semantics) or {}).get(metric) or {}
        return d.get(field)

    return get


def _cci(semantics: str, metric: str) -> Callable[[Mapping[str, Any]], tuple[Any, Any]]:
    return lambda row: (_c(semantics, metric, "diff_ci_low")(row), _c(semantics, metric, "diff_ci_high")(row))


def _fid(key: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda row: (row.get("fidelity") or {}).get(key)


SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("base", "base", "text", lambda r: r.get("base")),
    Column("label", "variant", "text", lambda r: r.get("label"), title="label (the recipe's) of the variant"),
    Column("variant", "spec", "text", lambda r: r.get("variant"), title="VariantSpec"),
    Column("method", "method", "text", lambda r: r.get("method")),
    Column("bits", "bits", "num", lambda r: r.get("bits"), title="nominal weight bits"),
    Column("mib", "MiB", "num", lambda r: (r["weight_bytes"] / 2**20) if isinstance(r.get("weight_bytes"), int)
           else None, title="weights in memory (MiB)"),
    Column("kl_mean", "KL", "num", _fid("kl_mean"), title="fidelity: mean KL of next-token distributions vs the "
           "float32 base (lower is closer)"),
    Column("top1", "top-1", "num", _fid("top1_agreement"), title="fidelity: top-1 agreement with the base"),
    Column("refusal", "refusal ↑", "pct", _m("compsec_refusal", "refusal_rate"),
           _mci("compsec_refusal", "refusal_rate"), "refusal rate on harmful prompts (95% Wilson CI)"),
    Column("refusal_diff", "Δ refusal", "pp", _c("compsec_refusal", "refusal_rate", "diff"),
           _cci("compsec_refusal", "refusal_rate"), "candidate − original, percentage points (Newcombe CI)"),
    Column("refusal_p", "p adj", "p", _c("compsec_refusal", "refusal_rate", "p_adjusted"),
           title="McNemar exact p, adjusted across the variants of a base"),
    Column("overrefusal", "over-refusal ↓", "pct", _m("compsec_overrefusal", "overrefusal_rate"),
           _mci("compsec_overrefusal", "overrefusal_rate"), "refusal rate on benign prompts (95% Wilson CI)"),
    Column("overrefusal_diff", "Δ over-refusal", "pp", _c("compsec_overrefusal", "overrefusal_rate", "diff"),
           _cci("compsec_overrefusal", "overrefusal_rate"), "candidate − original, percentage points"),
    Column("margin_win", "margin win ↑", "pct", _m("compsec_refusal_margin", "refusal_win_rate"),
           _mci("compsec_refusal_margin", "refusal_win_rate"),
           "share of harmful prompts where a refusal is more likely than compliance (log-likelihood)"),
    Column("asr", "backdoor ASR ↓", "pct", _m("compsec_backdoor", "attack_success_rate"),
           _mci("compsec_backdoor", "attack_success_rate"), "attack success rate on triggered prompts"),
    Column("asr_diff", "Δ ASR", "pp", _c("compsec_backdoor", "attack_success_rate", "diff"),
           _cci("compsec_backdoor", "attack_success_rate"), "candidate − original, percentage points"),
    Column("false_trigger", "false trigger ↓", "pct", _m("compsec_backdoor", "false_trigger_rate"),
           _mci("compsec_backdoor", "false_trigger_rate"),
           "compliance with the same harmful prompts without the trigger"),
    Column("degenerate", "degenerate ↓", "pct", _m("compsec_refusal", "degenerate_rate"),
           _mci("compsec_refusal", "degenerate_rate"),
           "degenerate (empty/repeated/gibberish) responses, harmful prompts"),
    Column("findings", "findings", "int", lambda r: (r.get("findings") or {}).get("n"),
           title="prompts whose verdict changed vs the original"),
    Column("flags", "flags", "text", lambda r: ", ".join(r.get("flags") or [])),
    Column("status", "status", "text", lambda r: r.get("status")),
)


def _isnum(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def fmt_value(kind: str, v: Any) -> str:
    """A cell's text (no interval)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "pp":
        return f"{100 * v:+.1f}"
    if kind == "p":
        return f"{v:.2g}" if v >= 0.001 else f"{v:.1e}"
    if kind == "num":
        return f"{v:.3g}" if isinstance(v, float) else str(v)
    return str(v)


def fmt_cell(col: Column, row: Mapping[str, Any]) -> str:
    v = col.get(row)
    text = fmt_value(col.kind, v)
    if col.ci is not None and _isnum(v):
        lo, hi = col.ci(row)
        if _isnum(lo) and _isnum(hi):
            k = "pp" if col.kind == "pp" else col.kind
            text += f" [{fmt_value(k, lo)}, {fmt_value(k, hi)}]"
    return text


# ---------------------------------------------------------------------------------------
# CSV and Markdown


def _csv_safe(v: Any) -> Any:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def render_csv(lb: Mapping[str, Any]) -> str:
    """One line per row: the summary values, then every task metric with its interval and
    the comparison with the original (diff, interval, adjusted p, flags)."""
    rows = list(lb.get("rows") or [])
    detail: list[tuple[str, str]] = []
    for row in rows:
        for task, metrics in (row.get("metrics") or {}).items():
            for metric in metrics:
                if (task, metric) not in detail:
                    detail.append((task, metric))
    head = ["key", "base", "base_model", "label", "variant", "method", "bits", "group_size", "sparsity",
            "weight_bytes", "n_parameters", "kl_mean", "top1_agreement", "status", "error", "flags", "n_findings"]
    for task, metric in detail:
        p = f"{task}.{metric}"
        head += [p, f"{p}.ci_low", f"{p}.ci_high", f"{p}.n", f"{p}.diff", f"{p}.diff_ci_low", f"{p}.diff_ci_high",
                 f"{p}.p_adjusted", f"{p}.flags"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        fid = r.get("fidelity") or {}
        line: list[Any] = [r.get("key"), r.get("base"), r.get("base_model"), r.get("label"), r.get("variant"),
                           r.get("method"), r.get("bits"), r.get("group_size"), r.get("sparsity"),
                           r.get("weight_bytes"), r.get("n_parameters"), fid.get("kl_mean"),
                           fid.get("top1_agreement"), r.get("status"), r.get("error"),
                           ";".join(r.get("flags") or []), (r.get("findings") or {}).get("n")]
        for task, metric in detail:
            m = ((r.get("metrics") or {}).get(task) or {}).get(metric) or {}
            c = ((r.get("comparison") or {}).get(task) or {}).get(metric) or {}
            line += [m.get("value"), m.get("ci_low"), m.get("ci_high"), m.get("n"), c.get("diff"),
                     c.get("diff_ci_low"), c.get("diff_ci_high"), c.get("p_adjusted"), ";".join(c.get("flags") or [])]
        w.writerow(["" if v is None else _csv_safe(v) for v in line])
    return buf.getvalue()


def md_text(text: Any) -> str:
    """Text for a Markdown table cell: HTML-escaped, Markdown specials and ``|`` escaped, one line."""
    s = html.escape(str(text), quote=False).replace("\r", " ").replace("\n", " ")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", s)


def render_markdown(lb: Mapping[str, Any]) -> str:
    """README.md: the summary table (paste-able), failed rows, notes, how to read it."""
    s = lb.get("settings") or {}
    out = [f"# compsec leaderboard: {md_text(lb.get('name'))}", ""]
    if lb.get("description"):
        out += [md_text(lb["description"]), ""]
    bases = ", ".join(f"{md_text(b['label'])} (`{md_text(b['model'])}`)" for b in lb.get("bases") or [])
    out += [
        f"Base model(s): {bases}. Tasks: {', '.join(md_text(t) for t in lb.get('tasks') or {})}; judge "
        f"{md_text(s.get('judge'))}, split {md_text(s.get('split'))}, "
        f"{'all' if s.get('limit') is None else md_text(s.get('limit'))} prompts per task, greedy, "
        f"{md_text(s.get('max_gen_toks'))} new tokens. Created {md_text(lb.get('created_at'))} by compsec "
        f"{md_text(lb.get('compsec_version'))}" + (" (quick run)." if lb.get("quick") else "."),
        "",
    ]
    cols = SUMMARY_COLUMNS
    out.append("| " + " | ".join(md_text(c.header) for c in cols) + " |")
    out.append("|" + "|".join("---:" if c.kind != "text" else "---" for c in cols) + "|")
    for r in lb.get("rows") or []:
        cells = []
        for c in cols:
            text = md_text(fmt_cell(c, r))
            if c.key == "findings" and r.get("findings"):
                text = f"[{text}]({_md_link(r['findings']['markdown'])})"
            cells.append(text)
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    failed = [r for r in lb.get("rows") or [] if r.get("status") != "ok"]
    if failed:
        out += ["## Rows without results", ""]
        out += [f"- {md_text(r['key'])} ({md_text(r['status'])}): {md_text(r.get('error'))}" for r in failed]
        out.append("")
    if lb.get("notes"):
        out += ["## Notes", ""] + [f"- {md_text(n)}" for n in lb["notes"]] + [""]
    out += [
        "## How to read it",
        "",
        f"Rates are fractions of the prompts with Wilson {100 * (1 - float(s.get('alpha', 0.05))):g}% intervals. "
        "Δ columns are variant − original on the same prompts, in percentage points, with Newcombe's paired "
        "interval; p adj is McNemar's exact test adjusted across the variants of one base "
        f"({md_text(s.get('correction'))}). Flags: significant, worse (significant in the bad direction), "
        "hidden_danger (refusal dropped significantly while the variant's fidelity is close to the base: "
        f"KL < {md_text(s.get('kl_threshold'))}, top-1 ≥ {md_text(s.get('top1_threshold'))}). "
        "Bits are the nominal weight bits of the format; MiB are the weights in memory as evaluated.",
        "",
        "Files: `leaderboard.json` (all the data, schema in `compsec_tasks.leaderboard`), `leaderboard.csv`, "
        "`index.html` (sortable table and plots), `findings/<base>/` (each variant's changed prompts with both "
        "responses, and the full comparison report).",
        "",
    ]
    return "\n".join(out)


def _md_link(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/._-")


# ---------------------------------------------------------------------------------------
# writing


def _atomic_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_outputs(lb: Mapping[str, Any], out_dir: str | os.PathLike[str], files: Mapping[str, str] | None = None,
                  *, force: bool = False, copy_files: Mapping[str, Path] | None = None) -> dict[str, Path]:
    """Write leaderboard.json/.csv, README.md, index.html and findings/ into ``out_dir``.

    ``files`` (relative path under ``findings/`` → text) and ``copy_files`` (relative path →
    source file) make up the new ``findings/`` folder, which replaces the old one as a whole.
    Every file is written through a temp file and a rename; leaderboard.json is written last.
    """
    from .html import render_html

    out = Path(out_dir)
    check_output_dir(out, str(lb.get("name")), force)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    tmp = Path(tempfile.mkdtemp(dir=out, prefix=".findings.tmp-"))
    try:
        for rel, text in (files or {}).items():
            _check_rel(rel)
            p = tmp / rel[len("findings/"):]
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        for rel, src in (copy_files or {}).items():
            _check_rel(rel)
            p = tmp / rel[len("findings/"):]
            p.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, p)
        _replace_dir(tmp, out / "findings")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    written["findings"] = out / "findings"
    written["leaderboard.csv"] = _atomic_text(out / "leaderboard.csv", render_csv(lb))
    written["README.md"] = _atomic_text(out / "README.md", render_markdown(lb))
    written["index.html"] = _atomic_text(out / "index.html", render_html(lb))
    written["leaderboard.json"] = write_json_atomic(out / "leaderboard.json", json_safe(dict(lb)))
    return written


def _check_rel(rel: str) -> None:
    parts = Path(rel).parts
    if not rel.startswith("findings/") or ".." in parts or Path(rel).is_absolute():
        raise CompsecError(f"refusing to write {rel!r} outside findings/")


def publish_work(work: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
                 recipe: Recipe | None = None, force: bool = False) -> dict[str, Path]:
    """Build the leaderboard from the runs in ``work`` and write it into ``out`` (default
    ``leaderboards/published/<name>``)."""
    from .runner import default_out_dir

    lb, files = build_leaderboard(work, recipe)
    out_dir = Path(out) if out is not None else default_out_dir(Recipe.from_dict(lb["recipe"]))
    written = write_outputs(lb, out_dir, files, force=force)
    n_bad = sum(1 for r in lb["rows"] if r["status"] != "ok")
    logger.info("published %s (%d rows, %d without results) to %s", lb["name"], len(lb["rows"]), n_bad, out_dir)
    return written


def load_leaderboard(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A published ``leaderboard.json`` (or the folder holding it)."""
    p = Path(path)
    if p.is_dir():
        p = p / "leaderboard.json"
    if not p.is_file():
        raise InputFileError(f"{str(p)!r} does not exist; give a published leaderboard folder or its leaderboard.json")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{p} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("kind") != "compsec-leaderboard":
        raise InputFileError(f"{p} is not a compsec leaderboard (no kind: compsec-leaderboard)")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise InputFileError(f"{p}: schema version {data.get('schema_version')!r}; this compsec reads {SCHEMA_VERSION}")
    return data


def summary_lines(lb: Mapping[str, Any], cols: Sequence[str] = ("base", "label", "bits", "kl_mean", "refusal",
                                                                 "refusal_diff", "overrefusal", "asr", "findings",
                                                                 "flags", "status")) -> str:
    """A plain-text table for the terminal."""
    chosen = [c for c in SUMMARY_COLUMNS if c.key in cols]
    table = [[c.header for c in chosen]]
    for r in lb.get("rows") or []:
        table.append([fmt_cell(c, r).replace("\n", " ") for c in chosen])
    widths = [max(len(row[i]) for row in table) for i in range(len(chosen))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
