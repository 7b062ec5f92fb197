"""Wall time of the layer-sensitivity and attention-head analyses on one model.

    python benchmarks/analysis_speed.py                                   # the safe organism
    python benchmarks/analysis_speed.py --model organism:smollm2-135m-safe --limit 32
    python benchmarks/analysis_speed.py --model path/to/tiny --out /tmp/analysis_speed.json

Times, on the harmful dev prompts (``--limit`` of them, categories interleaved): one margin
pass in each layout (tree, rows), the RTN weight error per layer, the behavioural sensitivity
(RTN-4 g64, one block at a time), a mixed-precision plan and its verification, the head
ablation sweep (every head of every layer) and the collapse count. Writes
benchmarks/results/analysis_speed.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, offline_env, table, write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="organism:smollm2-135m-safe", help="organism:NAME or a local model folder")
    ap.add_argument("--limit", type=int, default=32, help="harmful dev prompts (default 32)")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--quantize", default="rtn:4:g64")
    ap.add_argument("--keep-n", type=int, default=3)
    ap.add_argument("--max-collapse", type=int, default=30, help="at most this many heads in the collapse count")
    ap.add_argument("--skip-heads", action="store_true", help="time the sensitivity analysis only")
    ap.add_argument("--out", help="write here instead of benchmarks/results/analysis_speed.json")
    args = ap.parse_args()
    offline_env()

    import torch

    from model_adapters.analysis import (
        MarginProbe,
        behavioural_sensitivity,
        collapse_count,
        harmful_prompts,
        head_ablation_sweep,
        mixed_precision_plan,
        verify_plan,
        weight_error_by_layer,
    )
    from model_adapters.loading import load_hf_model, load_tokenizer, resolve_base

    rows: list[dict[str, Any]] = []

    def timed(step: str, fn: Any, **extra: Any) -> Any:
        t0 = time.perf_counter()
        out = fn()
        rows.append({"step": step, "seconds": round(time.perf_counter() - t0, 2), **extra})
        return out

    _, path = resolve_base(args.model)
    model = timed("load", lambda: load_hf_model(path))
    tok = load_tokenizer(path)
    prompts = harmful_prompts(limit=args.limit)
    cfg = model.config
    n_layers, n_heads = cfg.num_hidden_layers, cfg.num_attention_heads
    for layout in ("tree", "rows"):
        probe = MarginProbe(model, tok, prompts, batch_size=args.batch_size, layout=layout)
        tokens = sum(int(b.attention_mask.shape[-1]) * (b.input_ids.shape[0]) for b in probe.batches())
        timed(f"margin pass ({layout})", probe.margins, passes=1, tokens=tokens)
    timed("weight error rtn:4:g64", lambda: weight_error_by_layer(model, args.quantize), passes=0)
    sens = timed(f"sensitivity {args.quantize} per block", lambda: behavioural_sensitivity(
        model, tok, prompts, args.quantize, "block", batch_size=args.batch_size), passes=1 + n_layers)
    keep_n = min(args.keep_n, len(sens.effects))
    plan = mixed_precision_plan(sens, keep_n)
    check = timed(f"verify plan (keep {keep_n})", lambda: verify_plan(
        model, tok, prompts, plan, batch_size=args.batch_size), passes=3)
    result: dict[str, Any] = {
        "sensitivity_top": [e.to_dict() for e in sens.effects[:5]],
        "plan": plan.to_dict(),
        "verification": {k: v for k, v in check.to_dict().items() if k != "plan"},
    }
    if not args.skip_heads:
        heads = timed("head sweep (all heads)", lambda: head_ablation_sweep(
            model, tok, prompts, batch_size=args.batch_size), passes=1 + n_layers * n_heads)
        col = timed("collapse count", lambda: collapse_count(
            model, tok, prompts, heads, max_heads=args.max_collapse, batch_size=args.batch_size))
        rows[-1]["passes"] = len(col.trajectory)
        result["heads_top"] = [e.to_dict() for e in heads.effects[:10]]
        result["collapse"] = col.to_dict()

    print(table(rows, ["step", "seconds", "passes", "tokens"]))
    payload = {"model": args.model, "n_prompts": len(prompts), "n_layers": n_layers, "n_heads": n_heads,
               "rows": rows, "result": result, "args": vars(args), "machine": machine(),
               "torch_threads": torch.get_num_threads(),
               "note": "passes = forward passes over the prompts; sweeps replay the blocks before the changed one"}
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(payload, fh, indent=2, sort_keys=True)
        os.replace(tmp, out)
    else:
        out = write_json("analysis_speed", payload)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
