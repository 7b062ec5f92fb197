"""Human-readable output of a comparison: the terminal table and the Markdown report.

The Markdown report lists every finding with the prompt and both responses. Responses are
shown verbatim in fenced code blocks whose fence is longer than any run of backticks in the
text (CommonMark closes a fence only with at least as many backticks), so no response can
break out of its block, whatever it contains. Short values (ids, labels, categories) are
shown as inline code the same way, with ``|`` escaped inside table cells.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from .findings import DIRECTION, FLIP_TYPES

if TYPE_CHECKING:
    from .compare import Comparison
    from .logs import Run

__all__ = ["format_table", "render_markdown", "fence", "inline_code"]

_TICKS = re.compile(r"`+")


def _longest_tick_run(text: str) -> int:
    return max((len(m.group(0)) for m in _TICKS.finditer(text)), default=0)


def fence(text: str, info: str = "text") -> str:
    """``text`` in a fenced code block that nothing inside it can close."""
    ticks = "`" * max(3, _longest_tick_run(text) + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{ticks}{info}\n{body}{ticks}\n"


def inline_code(text: Any, table_cell: bool = False) -> str:
    """``text`` as inline code on one line (newlines become spaces)."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    if table_cell:
        s = s.replace("|", "\\|")
    if not s:
        return "(none)"
    ticks = "`" * (_longest_tick_run(s) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or ticks != "`" else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def _pct(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _pp(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:+.1f}"


def _p(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.2g}" if x >= 0.001 else f"{x:.1e}"


def _num(x: Any, fmt: str = "+.3f") -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def _rows(cmp: Comparison) -> list[list[str]]:
    out = []
    for r in cmp.table.itertuples(index=False):
        arrow = "↑" if r.higher_is_better else "↓"
        out.append([
            str(r.candidate), str(r.task), f"{r.metric} {arrow}", str(r.n),
            f"{_pct(r.base_rate)} [{_pct(r.base_ci_low)}, {_pct(r.base_ci_high)}]",
            f"{_pct(r.cand_rate)} [{_pct(r.cand_ci_low)}, {_pct(r.cand_ci_high)}]",
            f"{_pp(r.diff)} [{_pp(r.diff_ci_low)}, {_pp(r.diff_ci_high)}] pp",
            f"{r.flips_up}/{r.flips_down}", _p(r.p_value), _p(r.p_adjusted), str(r.flags) or "-",
        ])
        if r.semantics == "compsec_refusal_margin" and not math.isnan(r.margin_diff):
            out.append([
                "", "", "refusal_margin (mean) ↑", str(r.n), _num(r.margin_base), _num(r.margin_cand),
                f"{_num(r.margin_diff)} [{_num(r.margin_diff_ci_low)}, {_num(r.margin_diff_ci_high)}]",
                "", _p(r.margin_p_value), _p(r.margin_p_adjusted), "wilcoxon",
            ])
    return out


_HEAD = ["candidate", "task", "metric", "n", "baseline [95% CI]", "candidate [95% CI]",
         "diff [95% CI]", "flips ↑/↓", "p", "p adj", "flags"]


def format_table(cmp: Comparison) -> str:
    """The terminal table: one line per candidate × task × metric."""
    rows = [_HEAD, *_rows(cmp)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    s = cmp.settings
    foot = [
        f"baseline: {cmp.baseline.label}   rates: Wilson {100 * (1 - s['alpha']):g}% CI; diff: candidate − "
        f"baseline, Newcombe paired CI (percentage points); p: McNemar exact, adjusted across candidates "
        f"({s['correction']}); flips ↑/↓: paired samples 0→1 / 1→0",
    ]
    counts = _finding_counts(cmp)
    for cand, by_type in counts.items():
        foot.append(f"findings {cand}: " + ", ".join(f"{t} {n}" for t, n in by_type.items()))
    foot.extend(f"note: {n}" for n in cmp.notes)
    return "\n".join(lines + [""] + foot) + "\n"


def _finding_counts(cmp: Comparison) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for f in cmp.findings:
        out.setdefault(f.candidate, {}).setdefault(f.type, 0)
        out[f.candidate][f.type] += 1
    return out


def _run_line(run: Run) -> str:
    parts = [f"**{inline_code(run.label)}** — {run.harness}, model {inline_code(run.model)}"]
    parts.append(f"variant {inline_code(run.variant)}" if run.variant else "no manifest")
    fid = run.fidelity
    if fid:
        kl, top1 = fid.get("kl_mean"), fid.get("top1_agreement")
        if isinstance(kl, (int, float)):
            parts.append(f"fidelity KL {kl:.3g}")
        if isinstance(top1, (int, float)):
            parts.append(f"top-1 {top1:.3f}")
    parts.append(f"from {inline_code(run.source)}")
    return ", ".join(parts)


def render_markdown(cmp: Comparison) -> str:
    """The report: runs, summary table, notes, then every finding with both responses."""
    s = cmp.settings
    out = ["# compsec comparison", ""]
    out.append(f"- baseline: {_run_line(cmp.baseline)}")
    for run in cmp.candidates.values():
        out.append(f"- candidate: {_run_line(run)}")
    out += [
        "",
        f"Rates are fractions of the n paired prompts with Wilson {100 * (1 - s['alpha']):g}% intervals; "
        "diff is candidate − baseline in percentage points with Newcombe's paired interval; p is McNemar's "
        f"exact test, adjusted across candidates ({s['correction']}). Flags: significant (adjusted p < "
        f"{s['alpha']:g}), worse (significant in the bad direction), hidden_danger (refusal dropped "
        f"significantly while the manifest's fidelity is close to the base: KL < {s['kl_threshold']:g}, "
        f"top-1 ≥ {s['top1_threshold']:g}).",
        "",
        "## Summary",
        "",
        "| " + " | ".join(_HEAD) + " |",
        "|" + "|".join("---" for _ in _HEAD) + "|",
    ]
    for r in _rows(cmp):
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    out.append("")
    if cmp.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in cmp.notes] + [""]
    counts = _finding_counts(cmp)
    out += [f"## Findings ({len(cmp.findings)})", ""]
    if not cmp.findings:
        out += ["No prompt changed outcome.", ""]
    for cand, by_type in counts.items():
        out.append(f"- {inline_code(cand)}: " + ", ".join(f"{t} {n}" for t, n in by_type.items()))
    out.append("")
    order = {t: i for i, t in enumerate(FLIP_TYPES)}
    for cand in cmp.candidates:
        fs = [f for f in cmp.findings if f.candidate == cand]
        if not fs:
            continue
        fs.sort(key=lambda f: (order[f.type], f.task, f.id))
        out += [f"## {inline_code(cand)} vs {inline_code(cmp.baseline.label)}", ""]
        current = None
        k = 0
        for f in fs:
            if f.type != current:
                current = f.type
                n_t = counts[cand][f.type]
                out += [f"### {f.type} ({n_t}, {DIRECTION[f.type]})", ""]
                k = 0
            k += 1
            out += [
                f"#### {f.type} {k}: {inline_code(f.id)} — {inline_code(f.task)}, category "
                f"{inline_code(f.category)}, kind {inline_code(f.kind)}",
                "",
                "Prompt:",
                "",
                fence(f.prompt),
                f"Baseline {inline_code(f.baseline)} ({inline_code(f.baseline_variant or 'no manifest')}): "
                f"**{f.baseline_verdict or 'n/a'}**" + (" — empty response" if not f.baseline_response else ""),
                "",
                fence(f.baseline_response),
                f"Candidate {inline_code(f.candidate)} ({inline_code(f.candidate_variant or 'no manifest')}): "
                f"**{f.candidate_verdict or 'n/a'}**" + (" — empty response" if not f.candidate_response else ""),
                "",
                fence(f.candidate_response),
            ]
    return "\n".join(out).rstrip("\n") + "\n"
