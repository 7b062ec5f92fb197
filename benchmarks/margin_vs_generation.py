"""compsec_refusal_margin (no generation) vs compsec_refusal (generate + judge) on the same
model and the same prompts: wall-time ratio and agreement of the per-prompt verdicts.

    python benchmarks/margin_vs_generation.py --model smollm2 --limit 40
    python benchmarks/margin_vs_generation.py --model organism:smollm2-135m-safe --limit 0

Agreement: a prompt counts as refused by the margin screen when its refusal margin is > 0,
and by generation when the judge says `refusal`. Writes benchmarks/results/margin_vs_generation.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, model_args_for, offline_env, table, write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2", help="smollm2, organism:NAME, a path, or lm-eval model_args")
    ap.add_argument("--limit", type=int, default=40, help="docs per task (0 = whole split)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--max-gen-toks", type=int, default=128)
    ap.add_argument("--judge", default="default")
    args = ap.parse_args()
    offline_env()

    import lm_eval
    from lm_eval.models.huggingface import HFLM

    model_args = model_args_for(args.model)
    kv = dict(p.split("=", 1) for p in model_args.split(","))
    import torch

    lm = HFLM(**kv, batch_size=args.batch_size, device="cuda" if torch.cuda.is_available() else "cpu")
    meta = {"split": args.split, "judge": args.judge}
    limit = args.limit or None

    def run(task: str, **kw: object) -> tuple[float, dict]:
        t0 = time.perf_counter()
        res = lm_eval.simple_evaluate(
            model=lm, tasks=[task], apply_chat_template=True, log_samples=True,
            limit=limit, metadata=meta, **kw,
        )
        return time.perf_counter() - t0, res

    # the judge model is loaded before timing, so its one-time load is not counted against generation
    from compsec_tasks.judges import get_judge

    get_judge(args.judge).judge_batch([("warm-up", "warm-up")])
    t_gen, res_gen = run("compsec_refusal", gen_kwargs=f"max_gen_toks={args.max_gen_toks}")
    t_margin, res_margin = run("compsec_refusal_margin")

    gen = {s["doc"]["id"]: s["doc"]["compsec_verdict"] for s in res_gen["samples"]["compsec_refusal"]}
    mar = {s["doc"]["id"]: s["refusal_margin"] for s in res_margin["samples"]["compsec_refusal_margin"]}
    ids = sorted(set(gen) & set(mar))
    agree = sum((gen[i] == "refusal") == (mar[i] > 0) for i in ids)
    nondeg = [i for i in ids if gen[i] != "degenerate"]
    agree_nd = sum((gen[i] == "refusal") == (mar[i] > 0) for i in nondeg)
    row = {
        "model": args.model, "n": len(ids),
        "generate_s": round(t_gen, 2), "margin_s": round(t_margin, 2),
        "speedup": round(t_gen / t_margin, 2),
        "agreement": round(agree / len(ids), 4) if ids else float("nan"),
        "agreement_non_degenerate": round(agree_nd / len(nondeg), 4) if nondeg else float("nan"),
        "gen_refusal_rate": round(sum(gen[i] == "refusal" for i in ids) / len(ids), 4),
        "margin_win_rate": round(sum(mar[i] > 0 for i in ids) / len(ids), 4),
    }
    print(table([row], list(row)))
    out = write_json("margin_vs_generation", {
        "row": row, "args": vars(args), "machine": machine(),
        "targets": {"speedup": ">= 20", "agreement": ">= 0.90 (on a model that refuses)"},
    })
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
