"""The self-contained ``index.html`` of a leaderboard: a sortable table and inline SVG plots.

Nothing is loaded from the network: CSS, the one script and the SVG plots (drawn here in
Python, no plotting library) are inline, and a Content-Security-Policy allows no fetch at
all and no script but ours (by its sha256). Every text that comes from a model, a recipe
or a run (labels, specs, errors, notes, descriptions) goes through :func:`html.escape` —
in the table, in the SVG ``<title>``/``<text>`` elements and in attributes. The leaderboard
data is embedded as JSON in ``<script type="application/json">`` with ``<``, ``>`` and ``&``
written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (so no ``</script>``, ``<!--`` or ``</``
can appear in it; ``JSON.parse`` reads them back unchanged).

Plots, per base model: refusal and over-refusal rate vs nominal weight bits, one series per
format (method), with the original as a dashed line; fidelity (mean KL vs the base, log
scale) vs the change in refusal rate, with the hidden-danger region (close to the base but
refusing less) shaded; and backdoor attack success rate per variant, coloured by format.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from .publish import SUMMARY_COLUMNS, Column, fmt_cell, fmt_value

__all__ = ["render_html", "json_for_script", "esc", "PALETTE"]

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22", "#393b79", "#637939")


def esc(x: Any) -> str:
    """HTML-escaped text (quotes too: safe in attributes)."""
    return html.escape("" if x is None else str(x), quote=True)


def json_for_script(obj: Any) -> str:
    """JSON safe inside a ``<script>`` element (see the module docstring)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, sort_keys=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def _metric(row: Mapping[str, Any], task: str, metric: str) -> Mapping[str, Any]:
    return ((row.get("metrics") or {}).get(task) or {}).get(metric) or {}


def _cmp(row: Mapping[str, Any], task: str, metric: str) -> Mapping[str, Any]:
    return ((row.get("comparison") or {}).get(task) or {}).get(metric) or {}


# ---------------------------------------------------------------------------------------
# SVG


class _Axes:
    """A plot area with x/y scales mapping data to pixels (log scales take log first)."""

    def __init__(self, width: int, height: int, xlim: tuple[float, float], ylim: tuple[float, float],
                 xlog: bool = False, margin: tuple[int, int, int, int] = (28, 16, 46, 56)) -> None:
        self.w, self.h = width, height
        self.top, self.right, self.bottom, self.left = margin
        self.xlog = xlog
        self.x0, self.x1 = (math.log10(xlim[0]), math.log10(xlim[1])) if xlog else xlim
        self.y0, self.y1 = ylim
        if self.x1 <= self.x0:
            self.x1 = self.x0 + 1
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1

    def x(self, v: float) -> float:
        if self.xlog:
            v = math.log10(max(v, 10 ** self.x0))
        return self.left + (v - self.x0) / (self.x1 - self.x0) * (self.w - self.left - self.right)

    def y(self, v: float) -> float:
        return self.h - self.bottom - (v - self.y0) / (self.y1 - self.y0) * (self.h - self.top - self.bottom)

    def frame(self, title: str, xlabel: str, ylabel: str, xticks: Sequence[tuple[float, str]],
              yticks: Sequence[tuple[float, str]]) -> list[str]:
        L, R, T, B = self.left, self.w - self.right, self.top, self.h - self.bottom
        out = [f'<rect x="{L}" y="{T}" width="{R - L}" height="{B - T}" class="area"/>']
        for v, text in yticks:
            yy = self.y(v)
            out.append(f'<line x1="{L}" x2="{R}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>')
            out.append(f'<text x="{L - 6}" y="{yy + 4:.1f}" text-anchor="end" class="tick">{esc(text)}</text>')
        for v, text in xticks:
            xx = self.x(v)
            out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{T}" y2="{B}" class="grid"/>')
            out.append(f'<text x="{xx:.1f}" y="{B + 16}" text-anchor="middle" class="tick">{esc(text)}</text>')
        out.append(f'<text x="{(L + R) / 2:.1f}" y="{self.h - 8}" text-anchor="middle" class="axis">'
                   f'{esc(xlabel)}</text>')
        out.append(f'<text transform="translate(14 {(T + B) / 2:.1f}) rotate(-90)" text-anchor="middle" '
                   f'class="axis">{esc(ylabel)}</text>')
        out.append(f'<text x="{L}" y="{T - 10}" class="ptitle">{esc(title)}</text>')
        return out


def _svg(width: int, height: int, body: Sequence[str], label: str, cls: str) -> str:
    return (f'<svg class="plot {esc(cls)}" role="img" aria-label="{esc(label)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">' + "".join(body) + "</svg>")


def _colors(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    methods: list[str] = []
    for r in rows:
        m = str(r.get("method") or "?")
        if m not in methods:
            methods.append(m)
    return {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(methods)}


def _legend(colors: Mapping[str, str], x: int, y: int, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    shown = {str(r.get("method") or "?") for r in rows}
    out = []
    for i, (m, c) in enumerate((m, c) for m, c in colors.items() if m in shown):
        yy = y + 14 * i
        out.append(f'<circle cx="{x}" cy="{yy}" r="4" fill="{c}"/>')
        out.append(f'<text x="{x + 8}" y="{yy + 4}" class="legend">{esc(m)}</text>')
    return out


def _pct_ticks() -> list[tuple[float, str]]:
    return [(v / 4, f"{int(v * 25)}%") for v in range(5)]


def _rate_vs_bits(rows: Sequence[Mapping[str, Any]], task: str, metric: str, title: str, cls: str,
                  colors: Mapping[str, str]) -> str | None:
    pts = []
    for r in rows:
        m = _metric(r, task, metric)
        v, bits = _num(m.get("value")), _num(r.get("bits"))
        if v is None or bits is None or r.get("status") != "ok":
            continue
        pts.append((r, bits, v, _num(m.get("ci_low")), _num(m.get("ci_high"))))
    if not pts:
        return None
    W, H = 470, 300
    bits_all = sorted({p[1] for p in pts})
    ax = _Axes(W - 110, H, (min(bits_all) / 1.3, max(bits_all) * 1.3), (0.0, 1.0), xlog=True)
    ticks = [(b, f"{b:g}") for b in bits_all]
    body = ax.frame(title, "weight bits (log scale)", title.split(" vs ")[0], ticks, _pct_ticks())
    base = next((p for p in pts if p[0].get("is_baseline")), None)
    if base is not None:
        yy = ax.y(base[2])
        body.append(f'<line x1="{ax.left}" x2="{ax.w - ax.right}" y1="{yy:.1f}" y2="{yy:.1f}" class="baseline">'
                    f'<title>{esc(base[0].get("label"))} (original): {esc(fmt_value("pct", base[2]))}</title></line>')
    series: dict[str, list[tuple[Any, ...]]] = {}
    for p in pts:
        series.setdefault(str(p[0].get("method") or "?"), []).append(p)
    seen: dict[tuple[float, float], int] = {}
    for method, sp in series.items():
        c = colors.get(method, "#333")
        sp.sort(key=lambda p: p[1])
        if len({p[1] for p in sp}) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'}{ax.x(p[1]):.1f},{ax.y(p[2]):.1f}" for i, p in enumerate(sp))
            body.append(f'<path d="{path}" class="series" stroke="{c}"/>')
        for r, bits, v, lo, hi in sp:
            k = (round(ax.x(bits)), round(ax.y(v)))
            jitter = 6 * seen.get(k, 0)
            seen[k] = seen.get(k, 0) + 1
            xx, yy = ax.x(bits) + jitter, ax.y(v)
            if lo is not None and hi is not None:
                body.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{ax.y(lo):.1f}" y2="{ax.y(hi):.1f}" '
                            f'class="err" stroke="{c}"/>')
            tip = f"{r.get('base')} / {r.get('label')} ({r.get('variant')}): {fmt_value('pct', v)}"
            if lo is not None and hi is not None:
                tip += f" [{fmt_value('pct', lo)}, {fmt_value('pct', hi)}]"
            body.append(f'<circle class="pt" data-key="{esc(r.get("key"))}" cx="{xx:.1f}" cy="{yy:.1f}" r="4.5" '
                        f'fill="{c}"><title>{esc(tip)}</title></circle>')
    body += _legend(colors, W - 100, 40, [p[0] for p in pts])
    return _svg(W, H, body, title, cls)


def _kl_scatter(rows: Sequence[Mapping[str, Any]], kl_thr: float, colors: Mapping[str, str]) -> str | None:
    pts = []
    for r in rows:
        if r.get("is_baseline") or r.get("status") != "ok":
            continue
        kl = _num((r.get("fidelity") or {}).get("kl_mean"))
        cm = _cmp(r, "compsec_refusal", "refusal_rate")
        d = _num(cm.get("diff"))
        if kl is None or d is None:
            continue
        pts.append((r, max(kl, 1e-4), d, bool(cm.get("hidden_danger"))))
    if not pts:
        return None
    W, H = 470, 300
    kls = [p[1] for p in pts]
    lo_kl = min(min(kls), kl_thr) / 3
    hi_kl = max(max(kls), kl_thr) * 3
    need = max(abs(p[2]) for p in pts) * 1.1
    span = next((s for s in (0.1, 0.2, 0.25, 0.5, 1.0) if s >= need), 1.0)
    ax = _Axes(W - 110, H, (lo_kl, hi_kl), (-span, span), xlog=True)
    decades = range(math.floor(math.log10(lo_kl)), math.ceil(math.log10(hi_kl)) + 1)
    xticks = [(10.0 ** e, f"{10.0 ** e:g}") for e in decades if lo_kl <= 10.0 ** e <= hi_kl]
    step = span / 2
    yticks = [(k * step, f"{100 * k * step:+.0f}") for k in range(-2, 3)]
    body = ax.frame("fidelity vs refusal", "mean KL vs the base (log scale)", "Δ refusal (pp)", xticks, yticks)
    x_thr = ax.x(kl_thr)
    y0 = ax.y(0.0)
    body.insert(1, f'<rect class="danger" x="{ax.left}" y="{y0:.1f}" width="{x_thr - ax.left:.1f}" '
                   f'height="{ax.y(-span) - y0:.1f}"><title>hidden danger: close to the base (KL &lt; '
                   f'{esc(f"{kl_thr:g}")}) but refusing less</title></rect>')
    body.append(f'<text x="{ax.left + 4}" y="{y0 + 13:.1f}" class="dangerlabel">hidden danger</text>')
    body.append(f'<line x1="{ax.left}" x2="{ax.w - ax.right}" y1="{y0:.1f}" y2="{y0:.1f}" class="baseline"/>')
    for r, kl, d, danger in pts:
        c = colors.get(str(r.get("method") or "?"), "#333")
        tip = (f"{r.get('base')} / {r.get('label')} ({r.get('variant')}): KL {kl:.3g}, Δ refusal "
               f"{fmt_value('pp', d)} pp" + (" — HIDDEN DANGER" if danger else ""))
        body.append(f'<circle class="pt{" hd" if danger else ""}" data-key="{esc(r.get("key"))}" '
                    f'cx="{ax.x(kl):.1f}" cy="{ax.y(d):.1f}" r="5" fill="{c}"><title>{esc(tip)}</title></circle>')
    body += _legend(colors, W - 100, 40, [p[0] for p in pts])
    return _svg(W, H, body, "fidelity vs refusal", "kl")


def _asr_bars(rows: Sequence[Mapping[str, Any]], colors: Mapping[str, str]) -> str | None:
    pts = []
    for r in rows:
        m = _metric(r, "compsec_backdoor", "attack_success_rate")
        v = _num(m.get("value"))
        if v is None or r.get("status") != "ok":
            continue
        pts.append((r, v, _num(m.get("ci_low")), _num(m.get("ci_high"))))
    if not pts:
        return None
    bw = 26
    W = max(470, 70 + (bw + 8) * len(pts) + 110)
    H = 330
    ax = _Axes(W - 110, H, (0, len(pts)), (0.0, 1.0), margin=(28, 16, 96, 56))
    body = ax.frame("backdoor attack success rate per format", "", "attack success rate", [], _pct_ticks())
    slot = (ax.w - ax.left - ax.right) / len(pts)
    for i, (r, v, lo, hi) in enumerate(pts):
        c = colors.get(str(r.get("method") or "?"), "#333")
        x = ax.left + slot * i + (slot - min(bw, slot * 0.8)) / 2
        w = min(bw, slot * 0.8)
        tip = f"{r.get('base')} / {r.get('label')} ({r.get('variant')}): ASR {fmt_value('pct', v)}"
        body.append(f'<rect class="bar pt" data-key="{esc(r.get("key"))}" x="{x:.1f}" y="{ax.y(v):.1f}" '
                    f'width="{w:.1f}" height="{ax.y(0) - ax.y(v):.1f}" fill="{c}"><title>{esc(tip)}</title></rect>')
        if lo is not None and hi is not None:
            cx = x + w / 2
            body.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{ax.y(lo):.1f}" y2="{ax.y(hi):.1f}" class="err" '
                        f'stroke="#222"/>')
        label = str(r.get("label"))
        short = label if len(label) <= 18 else label[:17] + "…"
        tx, ty = x + w / 2, ax.y(0) + 10
        body.append(f'<text transform="translate({tx:.1f} {ty:.1f}) rotate(40)" class="tick">{esc(short)}</text>')
    body += _legend(colors, W - 100, 40, [p[0] for p in pts])
    return _svg(W, H, body, "backdoor attack success rate per format", "asr")


# ---------------------------------------------------------------------------------------
# the page


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#555;margin:4px 0 14px}.desc{max-width:70em}
table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;
text-align:right;white-space:nowrap}th.text,td.text{text-align:left}
th{position:sticky;top:0;background:#f5f5f5;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
tr.failed td{color:#a00}tr.missing td{color:#888}tr.baseline td{background:#fafaf0}
td.flags{color:#b00;font-weight:600}.wrap{overflow-x:auto}
.plots{display:flex;flex-wrap:wrap;gap:12px}
svg.plot{background:#fff;border:1px solid #ddd}svg .area{fill:#fcfcfc;stroke:#bbb}svg .grid{stroke:#eee}
svg .tick{font-size:10px;fill:#555}svg .axis{font-size:11px;fill:#333}svg .ptitle{font-size:12px;font-weight:600}
svg .legend{font-size:11px}svg .series{fill:none;stroke-width:1.5;opacity:.7}svg .err{stroke-width:1.2;opacity:.6}
svg .baseline{stroke:#444;stroke-dasharray:4 3}svg .danger{fill:#f4c7c3;opacity:.55}
svg .dangerlabel{font-size:10px;fill:#a00}svg circle.hd{stroke:#a00;stroke-width:2.5}
code{background:#f3f3f3;padding:0 3px}ul.errors li{margin:3px 0}
"""

_JS = """
(function(){
  var table=document.getElementById('lb-table');
  if(!table){return;}
  var heads=table.tHead.rows[0].cells, body=table.tBodies[0];
  function val(row,i,kind){
    var v=row.cells[i].getAttribute('data-v');
    if(v===null||v===''){return null;}
    if(kind==='text'){return v.toLowerCase();}
    var f=parseFloat(v);return isNaN(f)?null:f;
  }
  function sortBy(i){
    var th=heads[i], kind=th.getAttribute('data-kind');
    var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
    for(var k=0;k<heads.length;k++){heads[k].removeAttribute('aria-sort');}
    th.setAttribute('aria-sort',dir===1?'ascending':'descending');
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){
      var x=val(a,i,kind), y=val(b,i,kind);
      if(x===null&&y===null){return 0;} if(x===null){return 1;} if(y===null){return -1;}
      if(x<y){return -dir;} if(x>y){return dir;} return 0;
    });
    rows.forEach(function(r){body.appendChild(r);});
  }
  Array.prototype.forEach.call(heads,function(th,i){
    th.tabIndex=0;
    th.addEventListener('click',function(){sortBy(i);});
    th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(i);}});
  });
})();
"""


def _sort_value(col: Column, row: Mapping[str, Any]) -> str:
    v = col.get(row)
    if col.kind == "text":
        return "" if v is None else str(v)
    n = _num(v)
    return "" if n is None else repr(n)


def _link(path: str | None) -> str:
    return quote(path or "", safe="/._-")


def _table(rows: Sequence[Mapping[str, Any]], cols: Sequence[Column]) -> str:
    head = "".join(
        f'<th class="{esc(c.kind)}" data-col="{esc(c.key)}" data-kind="{esc(c.kind)}" scope="col"'
        + (f' title="{esc(c.title)}"' if c.title else "") + f">{esc(c.header)}</th>"
        for c in cols
    )
    body = []
    for r in rows:
        status = str(r.get("status") or "")
        cls = " ".join(x for x in (status if status != "ok" else "", "baseline" if r.get("is_baseline") else "") if x)
        cells = []
        for c in cols:
            text = esc(fmt_cell(c, r))
            title = ""
            if c.key == "findings" and r.get("findings"):
                f = r["findings"]
                by = ", ".join(f"{t} {n}" for t, n in (f.get("by_type") or {}).items())
                text = (f'<a href="{esc(_link(f.get("markdown")))}" title="{esc(by)}">{text}</a> '
                        f'<a href="{esc(_link(f.get("jsonl")))}" class="jsonl">jsonl</a>')
            if c.key == "status" and r.get("error"):
                title = f' title="{esc(r.get("error"))}"'
            if c.key == "label" and r.get("variant"):
                title = f' title="{esc(r.get("variant"))}"'
            kcls = f"{c.kind} {c.key}" if c.key == "flags" else c.kind
            cells.append(f'<td class="{esc(kcls)}" data-v="{esc(_sort_value(c, r))}"{title}>{text}</td>')
        body.append(f'<tr class="{esc(cls)}" data-key="{esc(r.get("key"))}">' + "".join(cells) + "</tr>")
    return (f'<div class="wrap"><table id="lb-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _plots(lb: Mapping[str, Any]) -> str:
    rows = list(lb.get("rows") or [])
    settings = lb.get("settings") or {}
    kl_thr = _num(settings.get("kl_threshold")) or 0.1
    colors = _colors(rows)
    out = []
    bases = lb.get("bases") or []
    for b in bases:
        brow = [r for r in rows if r.get("base") == b.get("label")]
        figs = [
            _rate_vs_bits(brow, "compsec_refusal", "refusal_rate", "refusal rate vs bits", "refusal", colors),
            _rate_vs_bits(brow, "compsec_overrefusal", "overrefusal_rate", "over-refusal rate vs bits",
                          "overrefusal", colors),
            _kl_scatter(brow, kl_thr, colors),
            _asr_bars(brow, colors),
        ]
        shown = [f for f in figs if f]
        head = f"<h3>{esc(b.get('label'))} <code>{esc(b.get('model'))}</code></h3>" if len(bases) > 1 else ""
        body = "".join(shown) if shown else "<p>No completed runs to plot.</p>"
        report = b.get("report")
        link = f' <a href="{esc(_link(report))}">full comparison report</a>' if report else ""
        out.append(f'<section class="base" data-base="{esc(b.get("label"))}">{head}'
                   f'<div class="plots">{body}</div><p class="meta">{link}</p></section>')
    return "".join(out)


def render_html(lb: Mapping[str, Any], columns: Sequence[Column] = SUMMARY_COLUMNS) -> str:
    """The whole page (see the module docstring)."""
    s = lb.get("settings") or {}
    rows = list(lb.get("rows") or [])
    bases = ", ".join(f"{esc(b.get('label'))} (<code>{esc(b.get('model'))}</code>)" for b in lb.get("bases") or [])
    limit = "all" if s.get("limit") is None else esc(s.get("limit"))
    meta = (f"Base model(s): {bases}. Tasks: {esc(', '.join(lb.get('tasks') or {}))}; judge {esc(s.get('judge'))}, "
            f"split {esc(s.get('split'))}, {limit} prompts per task, greedy, {esc(s.get('max_gen_toks'))} new tokens. "
            f"Created {esc(lb.get('created_at'))} by compsec {esc(lb.get('compsec_version'))}"
            + (" (quick run)." if lb.get("quick") else "."))
    merged = lb.get("merged_from") or []
    if merged:
        meta += " Merged from: " + ", ".join(esc(m.get("name")) for m in merged) + "."
    problems = [r for r in rows if r.get("status") != "ok"]
    errs = ""
    if problems:
        errs = "<h2>Rows without results</h2><ul class=\"errors\">" + "".join(
            f"<li><b>{esc(r.get('key'))}</b> ({esc(r.get('status'))}): {esc(r.get('error'))}</li>" for r in problems
        ) + "</ul>"
    notes = ""
    if lb.get("notes"):
        notes = "<h2>Notes</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in lb["notes"]) + "</ul>"
    alpha = _num(s.get("alpha")) or 0.05
    how = (f"<h2>How to read it</h2><p class=\"desc\">Rates are fractions of the prompts with Wilson "
           f"{esc(f'{100 * (1 - alpha):g}')}% intervals. Δ columns are variant − original on the same prompts, in "
           f"percentage points, with Newcombe's paired interval; p adj is McNemar's exact test adjusted across the "
           f"variants of one base ({esc(s.get('correction'))}). Flags: significant, worse (significant in the bad "
           f"direction), hidden_danger (refusal dropped significantly while the fidelity is close to the base: KL "
           f"&lt; {esc(s.get('kl_threshold'))}, top-1 ≥ {esc(s.get('top1_threshold'))}). Click a column header to "
           f"sort. Data: <a href=\"leaderboard.json\">leaderboard.json</a>, <a href=\"leaderboard.csv\">"
           f"leaderboard.csv</a>.</p>")
    script_hash = base64.b64encode(hashlib.sha256(_JS.encode()).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    desc = f'<p class="desc">{esc(lb.get("description"))}</p>' if lb.get("description") else ""
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>compsec leaderboard: {esc(lb.get('name'))}</title><style>{_CSS}</style></head><body>",
        f"<h1>compsec leaderboard: {esc(lb.get('name'))}</h1>{desc}<p class=\"meta\">{meta}</p>",
        "<h2>Leaderboard</h2>", _table(rows, columns), errs,
        "<h2>Plots</h2>", _plots(lb), notes, how,
        f'<script type="application/json" id="leaderboard-data">{json_for_script(lb)}</script>',
        f"<script>{_JS}</script></body></html>\n",
    ])

