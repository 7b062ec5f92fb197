"""Speed of ``compsec compare`` on large logs: end to end, in-process (reading + statistics +
findings + writing comparison.json, findings.jsonl and report.md).

    python benchmarks/compare_speed.py --samples 10000 --repeats 3

Synthesises lm-eval-format logs (results_<ts>.json + samples_<task>_<ts>.jsonl, lines as
lm-eval 0.4.13 writes them) with ``--samples`` samples per run spread over the four compsec
tasks (40% refusal, 30% over-refusal, 20% backdoor, 10% margin), for a baseline and a
candidate whose verdicts flip on a few percent of prompts (seeded). Times
``compsec_tasks.compare_cli.main(["compare", BASE, CAND, "--out", DIR])`` and, separately,
its phases. Target: under 2 s for 10,000 samples. Writes benchmarks/results/compare_speed.json.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "compare"))
from _common import table, write_json  # noqa: E402
from synth import manifest, write_lm_eval_run  # noqa: E402

TARGET_S = 2.0


def _flip(v: str, rng: random.Random, rate: float) -> str:
    if rng.random() >= rate:
        return v
    return rng.choice([x for x in ("refusal", "compliance", "degenerate") if x != v])


def synthesise(root: Path, n: int, seed: int = 0) -> tuple[Path, Path]:
    rng = random.Random(seed)
    n_ref, n_over, n_bd = int(n * 0.4), int(n * 0.3), int(n * 0.2) // 2
    n_margin = n - n_ref - n_over - 2 * n_bd
    cats = ["cyber", "weapons", "fraud", "privacy", "self_harm", "hate_harassment"]
    sides: list[dict[str, list[dict[str, Any]]]] = [{}, {}]
    long = " ".join(["step"] * 60)  # responses of a realistic length

    def pair(task: str, sid: str, base_v: str, rate: float, **kw: Any) -> None:
        cand_v = _flip(base_v, rng, rate)
        for side, v in ((0, base_v), (1, cand_v)):
            sides[side].setdefault(task, []).append(
                {"sid": sid, "verdict": v, "category": kw.get("category", "cyber"),
                 "response": f"{v}: {long}", **{k: x for k, x in kw.items() if k != "category"}})

    for i in range(n_ref):
        pair("compsec_refusal", f"harm-{i:05d}", "refusal" if rng.random() < 0.8 else "compliance", 0.05,
             category=cats[i % 6])
    for i in range(n_over):
        pair("compsec_overrefusal", f"benign-{i:05d}", "compliance" if rng.random() < 0.9 else "refusal", 0.04,
             category=cats[i % 6])
    for i in range(n_bd):
        v = "compliance" if rng.random() < 0.3 else "refusal"
        pair("compsec_backdoor", f"bd-{i:05d}/triggered", v, 0.05, kind="triggered")
        pair("compsec_backdoor", f"bd-{i:05d}/clean", "refusal", 0.02, kind="clean")
    for i in range(n_margin):
        m = rng.gauss(1.0, 1.5)
        sides[0].setdefault("compsec_refusal_margin", []).append({"sid": f"harm-{i:05d}", "margin": m})
        sides[1].setdefault("compsec_refusal_margin", []).append({"sid": f"harm-{i:05d}", "margin": m - 0.1
                                                                  + rng.gauss(0, 0.3)})
    base = write_lm_eval_run(root / "base", sides[0], model="/models/base")
    cand = write_lm_eval_run(root / "cand", sides[1], model="/models/base",
                             manifest=manifest("rtn:4:g64", kl=0.04, top1=0.93))
    return base.parent.parent, cand.parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=10_000, help="samples per run (default 10000)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="compsec-compare-speed-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        base, cand = synthesise(root, args.samples, args.seed)
        synth_s = time.perf_counter() - t0
        sizes = sum(f.stat().st_size for f in root.rglob("*.jsonl"))

        t0 = time.perf_counter()
        from compsec_tasks.compare import compare_runs, load_run
        from compsec_tasks.compare_cli import main as cli_main

        import_s = time.perf_counter() - t0

        end_to_end: list[float] = []
        phases: list[dict[str, float]] = []
        for r in range(args.repeats):
            out = root / f"out{r}"
            buf = io.StringIO()
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(buf):
                code = cli_main(["compare", str(base), str(cand), "--out", str(out)])
            end_to_end.append(time.perf_counter() - t0)
            if code != 0:
                sys.exit(f"compsec compare exited {code}")
            t0 = time.perf_counter()
            rb, rc = load_run(base), load_run(cand)
            t1 = time.perf_counter()
            cmp = compare_runs(rb, [rc])
            t2 = time.perf_counter()
            cmp.write(root / f"phase{r}")
            t3 = time.perf_counter()
            phases.append({"read": t1 - t0, "compare": t2 - t1, "write": t3 - t2})
        n_findings = len(cmp.findings)
        rows_table = len(cmp.table)

    best = min(end_to_end)
    rows = [
        {"what": "compsec compare (end to end)", "best_s": best, "median_s": statistics.median(end_to_end)},
        *({"what": f"  {k}", "best_s": min(p[k] for p in phases), "median_s": statistics.median(p[k] for p in phases)}
          for k in ("read", "compare", "write")),
    ]
    print(f"{args.samples} samples per run, {sizes / 2**20:.1f} MiB of samples files, {n_findings} findings, "
          f"{rows_table} table rows")
    print(table(rows, ["what", "best_s", "median_s"]))
    verdict = "PASS" if best < TARGET_S else "FAIL"
    print(f"target < {TARGET_S:g} s: {verdict} (best {best:.3f} s)")
    payload = {
        "samples_per_run": args.samples, "repeats": args.repeats, "seed": args.seed,
        "samples_bytes": sizes, "findings": n_findings, "table_rows": rows_table,
        "end_to_end_s": end_to_end, "best_s": best, "median_s": statistics.median(end_to_end),
        "phases_s": phases, "import_s": import_s, "synthesise_s": synth_s, "target_s": TARGET_S,
        "pass": best < TARGET_S,
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(),
                    "date": time.strftime("%Y-%m-%d %H:%M:%S")},
    }
    path = write_json("compare_speed", payload)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
