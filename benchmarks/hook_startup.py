"""Start-up cost of the lm-eval import hook (compsec_lm_eval_hook.pth -> _compsec_lm_eval_hook).

    python benchmarks/hook_startup.py --runs 30

Reads `python -X importtime -c pass` (cumulative microseconds of the hook's import) over several
interpreter starts, and the wall time of `python -c pass` with the hook on and off
(COMPSEC_NO_LM_EVAL_HOOK=1 still imports the module but installs nothing). Target: well under 5 ms.
Writes benchmarks/results/hook_startup.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import table, write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    import_us: list[int] = []
    for _ in range(args.runs):
        r = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], capture_output=True, text=True)
        for ln in r.stderr.splitlines():
            if ln.rstrip().endswith("_compsec_lm_eval_hook"):
                import_us.append(int(ln.split("|")[1]))
    if not import_us:
        sys.exit("the hook is not installed (no _compsec_lm_eval_hook import at start-up)")

    def wall(env: dict[str, str]) -> list[float]:
        out = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
            out.append((time.perf_counter() - t0) * 1000)
        return out

    on = wall(dict(os.environ))
    off = wall({**os.environ, "COMPSEC_NO_LM_EVAL_HOOK": "1"})
    row = {
        "runs": args.runs,
        "hook_import_median_ms": round(statistics.median(import_us) / 1000, 3),
        "hook_import_min_ms": round(min(import_us) / 1000, 3),
        "python_start_on_ms": round(statistics.median(on), 2),
        "python_start_off_ms": round(statistics.median(off), 2),
    }
    print(table([row], list(row)))
    print(f"\nwrote {write_json('hook_startup', {'row': row, 'import_us': import_us, 'target_ms': 5})}")


if __name__ == "__main__":
    main()
