"""One self-contained HTML report of analysis results, with a plot per analysis.

``compsec analysis-report R1.json R2.json STUDENT_DIR ... --out report.html`` reads the JSON
files the analysis commands write (``compsec sensitivity``, ``heads``, ``box-audit``,
``backdoor-survival``, ``fine-prune``; ``box-attack`` and ``distill`` write theirs into the model
folder: give the folder or its ``box_attack.json`` / ``distillation.json``) and renders one page:

* sensitivity — refusal-margin drop per quantized block (bars, standard errors) with the
  relative weight error, and the mixed-precision plan against uniform low-bit;
* heads — margin drop per (layer, head) as a heat map, and the collapse trajectory (refusal-win
  rate as the top heads are ablated together);
* distill — teacher vs student margins per held-out prompt, one panel per student (a student
  trained with safety samples next to one without shows what they buy);
* box-audit — the divergence between full-precision and quantized margins against the in-box
  null draws, and the distance-to-edge histogram;
* box-attack — full-precision and quantized margins before and after the attack;
* backdoor-survival — ASR, backdoor rate, clean refusal and benign answers per variant;
* fine-prune — the same rates against the pruned fraction.

Like the leaderboard page (:mod:`compsec_tasks.leaderboard.html`), nothing is loaded from the
network, every text from a model, a file or a recipe is escaped, and the Content-Security-Policy
allows no script at all (the page has none).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from compsec_tasks.errors import InputFileError

__all__ = ["COMMANDS", "load_result", "render_report", "write_report"]

COMMANDS = ("sensitivity", "heads", "distill", "box-audit", "box-attack", "backdoor-survival", "fine-prune")
_DIR_FILES = ("distillation.json", "box_attack.json", "fine_prune.json")


def load_result(path: str | os.PathLike[str]) -> dict[str, Any]:
    """One analysis result: a JSON file an analysis command wrote, or a model folder holding
    ``distillation.json`` (distill), ``box_attack.json`` (box-attack) or ``fine_prune.json``."""
    p = Path(path)
    if p.is_dir():
        found = [p / f for f in _DIR_FILES if (p / f).is_file()]
        if not found:
            raise InputFileError(f"{p}: a folder without {', '.join(_DIR_FILES)}; give an analysis result JSON "
                                 "or a folder written by compsec distill / box-attack / fine-prune --save")
        p = found[0]
    if not p.is_file():
        raise InputFileError(f"{p}: no such file (give the JSON an analysis command wrote with --out)")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputFileError(f"{p}: not JSON ({e})") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{p}: not an analysis result (a JSON object is expected)")
    if "command" not in data and data.get("format") == _distill_format():  # a student's distillation.json
        data = {**data, "command": "distill"}
    if data.get("command") not in COMMANDS:
        raise InputFileError(f"{p}: not an analysis result (its 'command' is {data.get('command')!r}; expected one "
                             f"of {', '.join(COMMANDS)})")
    data["_source"] = str(path)
    return data


def _distill_format() -> str:
    from .distill import DISTILL_FORMAT

    return DISTILL_FORMAT


# ---------------------------------------------------------------------------------------------
# plots


def _esc(x: Any) -> str:
    from compsec_tasks.leaderboard.html import esc

    return esc(x)


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def _nice_range(values: Sequence[float], include_zero: bool = True) -> tuple[float, float]:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-9:
        hi = lo + 1.0
    pad = 0.05 * (hi - lo)
    return lo - (pad if lo < 0 else 0.0), hi + pad


def _ticks(lo: float, hi: float, n: int = 5, pct: bool = False) -> list[tuple[float, str]]:
    step = (hi - lo) / (n - 1)
    out = []
    for i in range(n):
        v = lo + i * step
        out.append((v, f"{100 * v:.0f}%" if pct else f"{v:.3g}"))
    return out


def _bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *,
          ylabel: str, pct: bool = False, errors: Mapping[str, Sequence[float | None]] | None = None,
          cls: str = "bars") -> str:
    """Grouped bars: one group per label, one bar per series."""
    from compsec_tasks.leaderboard.html import PALETTE, _Axes, _svg

    names = list(series)
    allv = [v for s in series.values() for v in s if v is not None]
    ylim = (0.0, 1.0) if pct else _nice_range(allv)
    per = max(1, len(names))
    slot_w = max(14 * per + 10, 34)
    W = max(420, 70 + slot_w * len(labels) + 150)
    H = 320
    ax = _Axes(W - 150, H, (0, max(1, len(labels))), ylim, margin=(28, 16, 96, 56))
    body = ax.frame(title, "", ylabel, [], _ticks(*ylim, pct=pct))
    slot = (ax.w - ax.left - ax.right) / max(1, len(labels))
    bw = min(14.0, slot * 0.8 / per)
    zero = ax.y(max(ylim[0], min(0.0, ylim[1])))
    for i, lab in enumerate(labels):
        x0 = ax.left + slot * i + (slot - bw * per) / 2
        for k, name in enumerate(names):
            v = series[name][i]
            if v is None:
                continue
            x = x0 + bw * k
            y = ax.y(v)
            top, h = (y, zero - y) if y < zero else (zero, y - zero)
            tip = f"{lab}: {name} {100 * v:.1f}%" if pct else f"{lab}: {name} {v:.4g}"
            body.append(f'<rect class="bar" x="{x:.1f}" y="{top:.1f}" width="{bw:.1f}" height="{max(h, 0.5):.1f}" '
                        f'fill="{PALETTE[k % len(PALETTE)]}"><title>{_esc(tip)}</title></rect>')
            e = (errors or {}).get(name)
            ev = e[i] if e is not None else None
            if ev is not None and ev > 0:
                cx = x + bw / 2
                body.append(f'<line class="err" stroke="#222" x1="{cx:.1f}" x2="{cx:.1f}" '
                            f'y1="{ax.y(v - ev):.1f}" y2="{ax.y(v + ev):.1f}"/>')
        short = lab if len(lab) <= 20 else lab[:19] + "…"
        tx, ty = ax.left + slot * i + slot / 2 - 3, ax.y(ylim[0]) + 10
        body.append(f'<text transform="translate({tx:.1f} {ty:.1f}) rotate(40)" class="tick">{_esc(short)}</text>')
    for k, name in enumerate(names):
        yy = 40 + 14 * k
        body.append(f'<rect x="{W - 140}" y="{yy - 5}" width="9" height="9" fill="{PALETTE[k % len(PALETTE)]}"/>'
                    f'<text x="{W - 126}" y="{yy + 4}" class="legend">{_esc(name)}</text>')
    return _svg(W, H, body, title, cls)


def _lines(title: str, xs: Sequence[float], series: Mapping[str, Sequence[float | None]], *, xlabel: str,
           ylabel: str, pct: bool = False, cls: str = "lines", xticks: Sequence[tuple[float, str]] | None = None,
           hline: float | None = None) -> str:
    from compsec_tasks.leaderboard.html import PALETTE, _Axes, _svg

    allv = [v for s in series.values() for v in s if v is not None]
    ylim = (0.0, 1.0) if pct else _nice_range(allv)
    xlim = (min(xs), max(xs)) if xs else (0.0, 1.0)
    W, H = 520, 320
    ax = _Axes(W - 150, H, xlim, ylim)
    ticks = list(xticks) if xticks is not None else [(x, f"{x:g}") for x in xs]
    body = ax.frame(title, xlabel, ylabel, ticks, _ticks(*ylim, pct=pct))
    if hline is not None and ylim[0] <= hline <= ylim[1]:
        body.append(f'<line class="baseline" x1="{ax.left}" x2="{ax.w - ax.right}" y1="{ax.y(hline):.1f}" '
                    f'y2="{ax.y(hline):.1f}"/>')
    for k, (name, vals) in enumerate(series.items()):
        c = PALETTE[k % len(PALETTE)]
        pts = [(ax.x(x), ax.y(v), x, v) for x, v in zip(xs, vals, strict=True) if v is not None]
        if len(pts) > 1:
            body.append('<polyline class="series" stroke="{}" points="{}"/>'.format(
                c, " ".join(f"{px:.1f},{py:.1f}" for px, py, _x, _v in pts)))
        for px, py, x, v in pts:
            tip = f"{name} at {x:g}: {100 * v:.1f}%" if pct else f"{name} at {x:g}: {v:.4g}"
            body.append(f'<circle class="pt" cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{c}">'
                        f'<title>{_esc(tip)}</title></circle>')
        yy = 40 + 14 * k
        body.append(f'<circle cx="{W - 136}" cy="{yy}" r="4" fill="{c}"/>'
                    f'<text x="{W - 126}" y="{yy + 4}" class="legend">{_esc(name)}</text>')
    return _svg(W, H, body, title, cls)


def _heatmap(title: str, matrix: Sequence[Sequence[float | None]], *, row_label: str, col_label: str,
             cls: str = "heatmap") -> str:
    from compsec_tasks.leaderboard.html import _svg

    vals = [v for row in matrix for v in row if v is not None and math.isfinite(v)]
    top = max((abs(v) for v in vals), default=1.0) or 1.0
    n_rows, n_cols = len(matrix), max((len(r) for r in matrix), default=0)
    cell = max(8, min(22, 600 // max(1, n_cols)))
    rh = max(6, min(16, 480 // max(1, n_rows)))
    L, T = 56, 36
    W, H = max(L + cell * n_cols + 90, 8 * len(title) + 20), T + rh * n_rows + 40
    body = [f'<text x="{L}" y="20" class="ptitle">{_esc(title)}</text>']
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            if v is None or not math.isfinite(v):
                fill = "#f0f0f0"
                tip = f"layer {i}, head {j}: not swept"
            else:
                a = min(1.0, abs(v) / top)
                # red: ablating the head lowers the refusal margin; blue: raises it
                r, g, b = (255, int(255 * (1 - a)), int(255 * (1 - a))) if v > 0 else \
                    (int(255 * (1 - a)), int(255 * (1 - a)), 255)
                fill = f"rgb({r},{g},{b})"
                tip = f"layer {i}, head {j}: margin drop {v:.4g}"
            body.append(f'<rect class="cell" x="{L + cell * j}" y="{T + rh * i}" width="{cell}" height="{rh}" '
                        f'fill="{fill}"><title>{_esc(tip)}</title></rect>')
        if n_rows <= 40 or i % 5 == 0:
            body.append(f'<text x="{L - 4}" y="{T + rh * i + rh - 2}" text-anchor="end" class="tick">{i}</text>')
    for j in range(n_cols):
        if n_cols <= 16 or j % 3 == 0:
            body.append(f'<text x="{L + cell * j + cell / 2}" y="{T + rh * n_rows + 12}" text-anchor="middle" '
                        f'class="tick">{j}</text>')
    body.append(f'<text x="{L + cell * n_cols / 2}" y="{H - 8}" text-anchor="middle" class="axis">'
                f'{_esc(col_label)}</text>')
    body.append(f'<text transform="translate(14 {T + rh * n_rows / 2}) rotate(-90)" text-anchor="middle" '
                f'class="axis">{_esc(row_label)}</text>')
    x = L + cell * n_cols + 14
    body.append(f'<rect x="{x}" y="{T}" width="10" height="10" fill="rgb(255,0,0)"/>'
                f'<text x="{x + 14}" y="{T + 9}" class="legend">+{top:.3g}</text>'
                f'<rect x="{x}" y="{T + 16}" width="10" height="10" fill="rgb(0,0,255)"/>'
                f'<text x="{x + 14}" y="{T + 25}" class="legend">-{top:.3g}</text>')
    return _svg(W, H, body, title, cls)


def _scatter(title: str, xs: Sequence[float], ys: Sequence[float], *, xlabel: str, ylabel: str,
             cls: str = "scatter") -> str:
    from compsec_tasks.leaderboard.html import _Axes, _svg

    lim = _nice_range(list(xs) + list(ys))
    W, H = 420, 340
    ax = _Axes(W, H, lim, lim)
    body = ax.frame(title, xlabel, ylabel, _ticks(*lim), _ticks(*lim))
    body.append(f'<line class="baseline" x1="{ax.x(lim[0]):.1f}" y1="{ax.y(lim[0]):.1f}" x2="{ax.x(lim[1]):.1f}" '
                f'y2="{ax.y(lim[1]):.1f}"/>')
    for x, y in zip(xs, ys, strict=True):
        body.append(f'<circle class="pt" cx="{ax.x(x):.1f}" cy="{ax.y(y):.1f}" r="3" fill="#1f77b4" opacity=".7">'
                    f'<title>{_esc(f"{x:.3g}, {y:.3g}")}</title></circle>')
    return _svg(W, H, body, title, cls)


def _table(rows: Sequence[Mapping[str, Any]], cols: Sequence[tuple[str, str, str]]) -> str:
    """cols: (key, header, kind) with kind in pct, num, int, text."""
    def cell(v: Any, kind: str) -> str:
        n = _num(v)
        if kind == "pct" and n is not None:
            return f"{100 * n:.1f}%"
        if kind == "num" and n is not None:
            return f"{n:.4g}"
        if kind == "int" and n is not None:
            return f"{int(n)}"
        return "" if v is None else _esc(v)

    head = "".join(f'<th class="{"text" if k == "text" else ""}">{_esc(h)}</th>' for _key, h, k in cols)
    body = "".join("<tr>" + "".join(f'<td class="{"text" if k == "text" else ""}">{cell(r.get(key), k)}</td>'
                                    for key, _h, k in cols) + "</tr>" for r in rows)
    return f'<div class="wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


# ---------------------------------------------------------------------------------------------
# sections


def _model_of(r: Mapping[str, Any]) -> str:
    m = r.get("model") or r.get("teacher")
    if isinstance(m, Mapping):
        return str(m.get("ref") or m.get("path") or "")
    return str(m or "")


def _sec_sensitivity(r: Mapping[str, Any]) -> str:
    s = r.get("sensitivity") or {}
    def order(e: Mapping[str, Any]) -> tuple[int, str]:
        last = str(e.get("unit")).rsplit(".", 1)[-1]
        return (int(last) if last.isdigit() else -1, str(e.get("unit")))

    effects = sorted(s.get("effects") or [], key=order)
    labels = [str(e.get("unit")).rsplit(".", 1)[-1] if s.get("unit") == "block" else str(e.get("unit"))
              for e in effects]
    errs = {b.get("unit"): b.get("rel_error") for b in (r.get("weight_error") or {}).get("blocks") or []}
    out = [_bars(f"refusal-margin drop, one {s.get('unit')} at {s.get('quantize')}", labels,
                 {"margin drop (nats)": [_num(e.get("margin_drop")) for e in effects]},
                 errors={"margin drop (nats)": [_num(e.get("margin_drop_se")) for e in effects]},
                 ylabel="mean margin drop", cls="sensitivity")]
    if errs:
        out.append(_bars("relative weight error per block", labels,
                         {"relative error": [_num(errs.get(e.get("unit"))) for e in effects]},
                         ylabel="||dW|| / ||W||", cls="weight-error"))
    text = (f"<p>Baseline: mean margin {_fmt(s.get('baseline', {}).get('refusal_margin'))} nats, refusal-win rate "
            f"{_pct(s.get('baseline', {}).get('refusal_win_rate'))} on {_esc(s.get('n_prompts'))} harmful prompts.")
    v = r.get("verification")
    if v:
        text += (f" Plan keeping {_esc(', '.join(r.get('plan', {}).get('keep') or []))} at "
                 f"{_esc(r.get('plan', {}).get('high'))}: margin {_fmt(v['plan_result'].get('refusal_margin'))} "
                 f"(win rate {_pct(v['plan_result'].get('refusal_win_rate'))}, {_esc(v.get('plan_bytes'))} bytes) vs "
                 f"uniform {_esc(v.get('reference'))}: {_fmt(v['uniform_result'].get('refusal_margin'))} (win rate "
                 f"{_pct(v['uniform_result'].get('refusal_win_rate'))}, {_esc(v.get('reference_bytes'))} bytes); "
                 f"margin gain {_fmt(v.get('margin_gain'))} (95% CI {_ci(v.get('margin_gain_ci95'))}).")
    return "".join(out) + text + "</p>"


def _sec_heads(r: Mapping[str, Any]) -> str:
    h = r.get("heads") or {}
    out = [_heatmap("refusal-margin drop when one head is ablated", h.get("margin_drop_matrix") or [],
                    row_label="layer", col_label="head")]
    c = r.get("collapse")
    if c and c.get("trajectory"):
        t = c["trajectory"]
        out.append(_lines("refusal-win rate as the top heads are ablated together", [p["k"] for p in t],
                          {"refusal-win rate": [_num(p.get("refusal_win_rate")) for p in t]},
                          xlabel="heads ablated", ylabel="refusal-win rate", pct=True, cls="collapse",
                          xticks=[(p["k"], str(p["k"])) for p in t if len(t) <= 16 or p["k"] % 5 == 0],
                          hline=_num(c.get("threshold"))))
    top = (h.get("effects") or [])[:10]
    text = _table(top, [("layer", "layer", "int"), ("head", "head", "int"), ("margin_drop", "margin drop", "num"),
                        ("margin_drop_se", "se", "num"), ("win_rate", "win rate", "pct")])
    if c:
        how = (f"after ablating the top {c.get('n_heads')} head(s)" if c.get("collapsed")
               else f"not reached with the top {len(c.get('heads') or [])} heads")
        text += f"<p>Refusal-win rate below {_pct(c.get('threshold'))}: {_esc(how)}.</p>"
    return "".join(out) + text


def _sec_distill(r: Mapping[str, Any]) -> str:
    ev = r.get("evaluation")
    cfg = r.get("config") or {}
    what = (f"student {_esc(r.get('student_parameters'))} parameters "
            f"({_esc(len(r.get('teacher_layers') or []))} of the teacher's blocks), "
            f"{'with' if cfg.get('safety') else 'without'} safety samples"
            + (f" (weight {_esc(cfg.get('safety_weight'))})" if cfg.get("safety") else "")
            + f", {_esc(cfg.get('steps'))} steps")
    if not ev:
        return f"<p>{what}; no held-out evaluation in this record.</p>"
    out = _scatter("teacher vs student refusal margin (held-out prompts)", ev.get("teacher_margins") or [],
                   ev.get("student_margins") or [], xlabel="teacher margin (nats)", ylabel="student margin (nats)",
                   cls="distill")
    t, s = ev.get("teacher") or {}, ev.get("student") or {}
    return out + (f"<p>{what}. On {_esc(ev.get('n_prompts'))} held-out harmful prompts: teacher refusal-win rate "
                  f"{_pct(t.get('refusal_win_rate'))}, student {_pct(s.get('refusal_win_rate'))}; mean |margin "
                  f"difference| {_fmt(ev.get('margin_mae'))}, sign agreement {_pct(ev.get('sign_agreement'))}.</p>")


def _sec_box_audit(r: Mapping[str, Any]) -> str:
    a = r.get("audit") or {}
    null = [v for v in (a.get("null") or []) if _num(v) is not None]
    labels = [f"null {i + 1}" for i in range(len(null))] + ["observed"]
    out = [_bars(f"fp vs {a.get('quantizer')} divergence against the in-box null", labels,
                 {"null draw": [*null, None], "observed": [*([None] * len(null)), _num(a.get("divergence"))]},
                 ylabel="mean |fp - quantized margin| (nats)", cls="box-null")]
    box = a.get("box")
    if box and box.get("total", {}).get("histogram"):
        hist = box["total"]["histogram"]
        edges = box.get("bin_edges") or []
        total = sum(hist) or 1
        labels = [f"{edges[i]:.2f}" if i < len(edges) else str(i) for i in range(len(hist))]
        out.append(_bars("distance to the quantization-box edge (all free weights)", labels,
                         {"share of weights": [c / total for c in hist]}, ylabel="share", cls="box-hist"))
    verdict = "FLAGGED" if a.get("flagged") else "not flagged"
    return "".join(out) + (f"<p>Divergence {_fmt(a.get('divergence'))} vs null {_fmt(a.get('null_mean'))} ± "
                           f"{_fmt(a.get('null_std'))}: z {_fmt(a.get('z'))}, p {_fmt(a.get('p_value'))} → "
                           f"<b>{verdict}</b>.</p>")


def _sec_box_attack(r: Mapping[str, Any]) -> str:
    a = r.get("attack") or {}
    keys = [("fp_before", "fp before"), ("fp_after", "fp after"), ("quantized_before", "quantized before"),
            ("quantized_after", "quantized after")]
    out = _bars(f"box attack ({a.get('target')}): refusal-win rate", [lab for _k, lab in keys],
                {"refusal-win rate": [_num((a.get(k) or {}).get("refusal_win_rate")) for k, _l in keys]},
                ylabel="refusal-win rate", pct=True, cls="box-attack")
    return out + (f"<p>{_esc(a.get('moved'))} of {_esc(a.get('n_weights'))} weights moved in {_esc(a.get('steps'))} "
                  f"steps; quantized model unchanged: {_esc(a.get('quantized_unchanged'))}.</p>")


_RATES = [("attack_success_rate", "ASR"), ("backdoor_rate", "backdoor rate"),
          ("clean_refusal_rate", "clean refusal"), ("benign_answer_rate", "benign answered")]


def _sec_survival(r: Mapping[str, Any]) -> str:
    s = r.get("survival") or {}
    rows = [s.get("base") or {}, *(s.get("variants") or [])]
    labels = [str(x.get("variant")) for x in rows]
    series = {name: [_num(x.get(k)) for x in rows] for k, name in _RATES if any(_num(x.get(k)) is not None
                                                                                  for x in rows)}
    by = "judged generations" if (s.get("settings") or {}).get("generate") else "refusal margin"
    out = _bars(f"backdoor survival per variant ({by})", labels, series, ylabel="rate", pct=True, cls="survival")
    table = _table(rows, [("variant", "variant", "text"), ("attack_success_rate", "ASR", "pct"),
                          ("backdoor_rate", "backdoor rate", "pct"), ("false_trigger_rate", "false trigger", "pct"),
                          ("clean_refusal_rate", "clean refusal", "pct"),
                          ("benign_answer_rate", "benign answered", "pct"),
                          ("trigger_effect", "trigger effect (nats)", "num"), ("kl", "KL", "num"),
                          ("p_adjusted", "p adj", "num"), ("status", "status", "text")])
    legend = "".join(f"<li><b>{_esc(k)}</b>: {_esc(v)}</li>" for k, v in (s.get("statuses") or {}).items())
    return out + table + (f"<p>{_esc(s.get('settings', {}).get('n_pairs'))} pairs; p adj: McNemar exact on the "
                          f"backdoor-rate outcome vs the original, {_esc(s.get('correction'))}-adjusted (the "
                          f"status also tests ASR and clean refusal).</p><ul>{legend}</ul>")


def _sec_fine_prune(r: Mapping[str, Any]) -> str:
    f = r.get("fine_prune") or {}
    steps = f.get("steps") or []
    xs = [float(x.get("fraction", 0)) for x in steps]
    series = {name: [_num(x.get(k)) for x in steps] for k, name in _RATES if any(_num(x.get(k)) is not None
                                                                                   for x in steps)}
    out = _lines("fine-pruning: rates vs fraction of dormant neurons pruned", xs, series,
                 xlabel="fraction of each block's MLP neurons pruned", ylabel="rate", pct=True, cls="fine-prune")
    best = f.get("best_fraction")
    verdict = (f"{_esc(best)} (lowest ASR with clean behaviour within {_esc(f.get('tolerance'))})" if best is not None
               else f"none: the defence failed (no fraction lowered the backdoor while clean refusal and benign "
                    f"answers stayed within {_esc(f.get('tolerance'))})")
    return out + (f"<p>Best fraction: {verdict}. Neuron activity measured on {_esc(f.get('n_clean_prompts'))} clean "
                  f"prompts; blocks {_esc(f.get('blocks'))}.</p>")


_SECTIONS = {"sensitivity": ("Layer sensitivity", _sec_sensitivity), "heads": ("Safety-critical heads", _sec_heads),
             "distill": ("Safety-aware distillation", _sec_distill), "box-audit": ("Box audit", _sec_box_audit),
             "box-attack": ("Box attack", _sec_box_attack),
             "backdoor-survival": ("Backdoor survival", _sec_survival), "fine-prune": ("Fine-pruning", _sec_fine_prune)}


def _fmt(v: Any) -> str:
    n = _num(v)
    return "–" if n is None else f"{n:.3g}"


def _pct(v: Any) -> str:
    n = _num(v)
    return "–" if n is None else f"{100 * n:.1f}%"


def _ci(v: Any) -> str:
    if isinstance(v, Sequence) and len(v) == 2:
        return f"{_fmt(v[0])} to {_fmt(v[1])}"
    return "–"


def _seconds(r: Mapping[str, Any]) -> float | None:
    for k in ("seconds",):
        if _num(r.get(k)) is not None:
            return _num(r.get(k))
    for sub in ("fine_prune", "survival", "attack", "audit"):
        if isinstance(r.get(sub), Mapping) and _num(r[sub].get("seconds")) is not None:
            return _num(r[sub]["seconds"])
    return None


def render_report(results: Sequence[Mapping[str, Any]], title: str = "compsec analyses") -> str:
    """The whole page: a timing table, then one section per result, in the given order."""
    from compsec_tasks.leaderboard.html import _CSS

    timing = [{"analysis": r.get("command"), "model": _model_of(r), "source": r.get("_link") or r.get("_source", ""),
               "seconds": _seconds(r), "created_at": r.get("created_at")} for r in results]
    parts = [f"<h1>{_esc(title)}</h1>",
             "<p class=\"meta\">Refusal margin: the log-odds that the answer opens with a refusal "
             "(compsec_refusal_margin). Wall times on the machine that ran each analysis.</p>",
             _table(timing, [("analysis", "analysis", "text"), ("model", "model", "text"),
                             ("seconds", "wall time (s)", "num"), ("created_at", "created", "text"),
                             ("source", "file", "text")])]
    for i, r in enumerate(results):
        name, fn = _SECTIONS[str(r.get("command"))]
        parts.append(f'<h2 id="a{i}">{_esc(name)}: <code>{_esc(_model_of(r))}</code></h2>')
        parts.append(f'<div class="plots section-{_esc(r.get("command"))}">{fn(r)}</div>')
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{_CSS}.plots p,.plots .wrap{{flex-basis:100%}}</style></head><body>",
        *parts, "</body></html>\n"])


def write_report(paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str],
                 title: str = "compsec analyses") -> Path:
    """Read the results (see :func:`load_result`), render, write ``out`` atomically."""
    from compsec_tasks._io import atomic_write_text
    from compsec_tasks.errors import OutputPathError

    if not paths:
        raise InputFileError("no analysis results given: pass the JSON files the analysis commands wrote")
    results = [load_result(p) for p in paths]
    o = Path(out)
    for r in results:  # name each result by its path from the report's folder
        r["_link"] = os.path.relpath(Path(r["_source"]).resolve(), o.resolve().parent)
    if o.is_dir():
        raise OutputPathError(f"output path {out!r} is a directory; give a file path such as report.html")
    o.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(o, render_report(results, title))
    return o
