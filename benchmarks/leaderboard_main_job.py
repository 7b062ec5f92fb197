"""The leaderboard main job: run a recipe, then run it again (a resume), and report wall time,
peak RSS and the evaluation counters of both.

    python benchmarks/leaderboard_main_job.py                         # organisms recipe, --quick
    python benchmarks/leaderboard_main_job.py --full --out leaderboards/published/organisms
    python benchmarks/leaderboard_main_job.py --recipe my.yaml --only rtn:4:g64

Each run is `compsec leaderboard run` in a child process, so its peak RSS is its own
(os.wait4: the largest process of its tree); with --jobs the workers run at once, so the peak of
their summed RSS (the process tree sampled every 0.5 s) is reported too (peak_tree_rss_mib).
The totals are resource.getrusage of the children and of this process. The
resume must evaluate nothing (new evaluations 0, and no variant evaluated more than once).
The output goes to a fresh temporary folder unless --out is given (the work folder is
<out>/runs, so the first run starts from scratch only when that folder is new).
Writes benchmarks/results/leaderboard_main_job.json (or --results).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, machine, offline_env, table, write_json  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def _counters(work: Path) -> dict[str, Any]:
    p = work / "compsec_state.json"
    if not p.is_file():
        return {"evaluations": 0, "task_evaluations": 0, "max_per_variant": 0}
    st = json.loads(p.read_text(encoding="utf-8"))
    ev, tev = st.get("evaluations") or {}, st.get("task_evaluations") or {}
    return {"evaluations": sum(ev.values()), "task_evaluations": sum(tev.values()),
            "max_per_variant": max([*ev.values(), *tev.values(), 0])}


def _tree_rss(pid: int) -> tuple[int, list[tuple[int, str]]]:
    """Summed RSS (bytes) of ``pid`` and its descendants now, and each one's with what it is
    (0 without psutil): ``main``, ``child of main`` or ``grandchild``, and the tail of its command line."""
    try:
        import psutil
    except ImportError:
        return 0, []
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, []
    parts = []
    for q in procs:
        try:
            rss = q.memory_info().rss
            role = "main" if q.pid == pid else "child of main" if q.ppid() == pid else "grandchild"
            cmd = " ".join(q.cmdline())
        except psutil.Error:
            continue
        parts.append((rss, f"{role}: {cmd[-70:]}"))
    return sum(r for r, _ in parts), parts


def _run(cmd: list[str], log: Path) -> dict[str, Any]:
    import threading

    t0 = time.perf_counter()
    peak = [0]
    at_peak: list[tuple[int, str]] = []
    with open(log, "w", encoding="utf-8") as fh:
        p = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                total, parts = _tree_rss(p.pid)
                if total > peak[0]:
                    peak[0] = total
                    at_peak[:] = parts

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _, status, usage = os.wait4(p.pid, 0)
        stop.set()
        th.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": p.returncode, "wall_s": round(time.perf_counter() - t0, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "peak_tree_rss_mib": round(peak[0] / 2**20, 1),
            # each process of the tree at that moment (the main process first), MiB
            "peak_tree_parts_mib": [round(x / 2**20) for x, _ in at_peak],
            "peak_tree_processes": [f"{round(x / 2**20)} MiB {what}" for x, what in at_peak],
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", default=str(REPO / "leaderboards" / "organisms.yaml"))
    ap.add_argument("--full", action="store_true", help="the whole recipe (default: --quick)")
    ap.add_argument("--out", help="published folder (default: a fresh temporary folder)")
    ap.add_argument("--only", nargs="+", metavar="LABEL", help="only these variants")
    ap.add_argument("--jobs", help="passed to `compsec leaderboard run --jobs` (default: the recipe's)")
    ap.add_argument("--results", default=str(RESULTS / "leaderboard_main_job.json"), help="where to write the JSON")
    args = ap.parse_args()
    offline_env()

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="compsec-leaderboard-")) / "out"
    work = out / "runs"
    cmd = [sys.executable, "-m", "compsec_tasks.leaderboard_cli", "leaderboard", "run", args.recipe,
           "--out", str(out), "--no-progress"]
    if not args.full:
        cmd.append("--quick")
    if args.only:
        cmd += ["--only", *args.only]
    if args.jobs:
        cmd += ["--jobs", args.jobs]
    logs = out.parent / f"{out.name}-logs"
    logs.mkdir(parents=True, exist_ok=True)

    rows = []
    before = _counters(work)
    for phase in ("first run", "resume"):
        res = _run(cmd, logs / f"{phase.replace(' ', '_')}.log")
        after = _counters(work)
        rows.append({
            "phase": phase, **res,
            "new_evaluations": after["evaluations"] - before["evaluations"],
            "new_task_evaluations": after["task_evaluations"] - before["task_evaluations"],
            "max_evaluations_per_variant": after["max_per_variant"],
        })
        before = after
        if res["rc"] != 0:
            print((logs / f"{phase.replace(' ', '_')}.log").read_text()[-3000:], file=sys.stderr)
            break
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    totals = {"peak_rss_children_mib": round(children.ru_maxrss / 1024, 1),
              "peak_rss_self_mib": round(me.ru_maxrss / 1024, 1)}
    lb_path = out / "leaderboard.json"
    summary: dict[str, Any] = {}
    if lb_path.is_file():
        lb = json.loads(lb_path.read_text(encoding="utf-8"))
        summary = {"name": lb["name"], "rows": len(lb["rows"]),
                   "failed": [f"{r['key']}: {r['error']}" for r in lb["rows"] if r["status"] != "ok"]}
    print(table(rows, list(rows[0])))
    print(f"\npeak RSS: children {totals['peak_rss_children_mib']} MiB, this process "
          f"{totals['peak_rss_self_mib']} MiB; published {summary.get('name', '?')} ({summary.get('rows', 0)} rows) "
          f"to {out}")
    resume = rows[-1] if rows[-1]["phase"] == "resume" else None
    ok = resume is not None and resume["rc"] == 0 and resume["new_evaluations"] == 0 and \
        resume["max_evaluations_per_variant"] <= 1
    print("resume evaluated nothing again: " + ("yes" if ok else "NO"))
    path = Path(args.results)
    payload = {"rows": rows, "totals": totals, "leaderboard": summary, "resume_ok": ok,
               "args": {**vars(args), "out": str(out)}, "command": cmd, "machine": machine()}
    if path.resolve() == (RESULTS / "leaderboard_main_job.json").resolve():
        written = write_json("leaderboard_main_job", payload)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, sort_keys=True), encoding="utf-8")
        written = path
    print(f"wrote {written}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
