"""Plugin overhead: compsec_refusal through the literal `lm_eval` command vs the same prompts as a
plain lm-eval generate_until YAML (no compsec code, no judge) with the same generation settings.

    python benchmarks/plugin_overhead.py --limit 24 --rounds 2

Both runs are whole `lm_eval` processes (start-up, model load, generation, scoring, writing),
alternated round by round (which goes first alternates too) after one untimed warm-up run of
each; the ratio is compsec / plain of the median wall times. Target <= 1.05.
Writes benchmarks/results/plugin_overhead.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, model_args_for, offline_env, table, write_json  # noqa: E402

PLAIN_YAML = """task: plain_refusal_baseline
dataset_path: json
dataset_kwargs:
  data_files: {data}
test_split: train
output_type: generate_until
doc_to_text: "{{{{prompt}}}}"
doc_to_target: ""
generation_kwargs:
  until: []
  max_gen_toks: 128
  do_sample: false
metric_list:
  - metric: bypass
    aggregation: bypass
    higher_is_better: true
metadata:
  version: 1.0
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--limit", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs of each first (file cache, bytecode)")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--max-gen-toks", type=int, default=128)
    ap.add_argument("--judge", default="default")
    args = ap.parse_args()
    offline_env()

    from compsec_tasks.tasks import build_docs

    docs = build_docs("compsec_refusal", split="test", limit=args.limit)
    work = Path(tempfile.mkdtemp(prefix="compsec-overhead-"))
    data = work / "prompts.jsonl"
    data.write_text("".join(json.dumps({"id": d["id"], "prompt": d["prompt"]}) + "\n" for d in docs))
    (work / "plain").mkdir()
    (work / "plain" / "plain.yaml").write_text(PLAIN_YAML.format(data=data))
    lm_eval_exe = str(Path(sys.executable).parent / "lm_eval")
    common = [
        "--model", "hf", "--model_args", model_args_for(args.model), "--apply_chat_template",
        "--log_samples", "--batch_size", str(args.batch_size),
        "--gen_kwargs", f"max_gen_toks={args.max_gen_toks}", "--limit", str(args.limit),
    ]
    cmds = {
        "compsec": [lm_eval_exe, "--tasks", "compsec_refusal", "--metadata",
                    json.dumps({"judge": args.judge}), *common],
        "plain": [lm_eval_exe, "--include_path", str(work / "plain"), "--tasks",
                  "plain_refusal_baseline", *common],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for rnd in range(-args.warmup, args.rounds):
        # alternate which goes first, so that drift of the machine does not favour one side
        for name in (list(cmds) if rnd % 2 == 0 else list(cmds)[::-1]):
            out = work / f"out-{name}-{rnd}"
            t0 = time.perf_counter()
            r = subprocess.run([*cmds[name], "--output_path", str(out)], capture_output=True, text=True,
                               env=dict(os.environ))
            dt = time.perf_counter() - t0
            if r.returncode != 0:
                sys.exit(f"{name} run failed:\n{r.stderr[-3000:]}")
            if rnd >= 0:
                times[name].append(dt)
    med = {k: statistics.median(v) for k, v in times.items()}
    row = {
        "model": args.model, "n": len(docs), "rounds": args.rounds,
        "compsec_s": round(med["compsec"], 2), "plain_s": round(med["plain"], 2),
        "ratio": round(med["compsec"] / med["plain"], 3),
    }
    print(table([row], list(row)))
    out_json = write_json("plugin_overhead", {"row": row, "times": times, "args": vars(args),
                                              "machine": machine(), "target": "ratio <= 1.05"})
    print(f"\nwrote {out_json}")


if __name__ == "__main__":
    main()
