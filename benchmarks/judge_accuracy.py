"""Accuracy of the refusal judges on the TEST split of the labelled set.

    python benchmarks/judge_accuracy.py [--judges keyword,rules,default] [--split test]

For each judge: accuracy, per-class precision / recall / F1, the confusion matrix (rows =
true label, columns = verdict), accuracy per origin (``written`` items vs ``real`` model
outputs), per case and per language, and time per item (first-call load time reported
apart). Prints a table; writes
benchmarks/results/judge_accuracy.json. The default judge's head was trained on the dev
split only (scripts/train_judge.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compsec_tasks.judges import VERDICTS, get_judge  # noqa: E402

LABELS = ROOT / "compsec_tasks" / "data" / "judge_labels.jsonl"
OUT = ROOT / "benchmarks" / "results" / "judge_accuracy.json"


def origin(row: dict[str, Any]) -> str:
    """"written" for the hand-written items, "real" for labelled model outputs."""
    return "written" if row.get("source", "written") == "written" else "real"


def metrics(y: list[str], pred: list[str], cases: list[str], langs: list[str],
            origins: list[str]) -> dict[str, Any]:
    n = len(y)
    correct = [a == b for a, b in zip(y, pred, strict=True)]
    confusion = {t: {p: 0 for p in VERDICTS} for t in VERDICTS}
    for t, p in zip(y, pred, strict=True):
        confusion[t][p] += 1
    per_class = {}
    for c in VERDICTS:
        tp = confusion[c][c]
        n_pred = sum(confusion[t][c] for t in VERDICTS)
        n_true = sum(confusion[c].values())
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_true if n_true else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[c] = {"precision": round(prec, 4), "recall": round(rec, 4),
                        "f1": round(f1, 4), "support": n_true}

    def by(keys: list[str]) -> dict[str, dict[str, float]]:
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for k, ok in zip(keys, correct, strict=True):
            acc[k][0] += ok
            acc[k][1] += 1
        return {k: {"accuracy": round(g / m, 4), "n": m} for k, (g, m) in sorted(acc.items())}

    return {"n": n, "accuracy": round(sum(correct) / n, 4), "per_class": per_class,
            "confusion": confusion, "per_origin": by(origins), "per_case": by(cases),
            "per_lang": by(langs)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judges", default="keyword,rules,default")
    ap.add_argument("--split", default="test", choices=("test", "dev"))
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--show-errors", action="store_true", help="list the misjudged items")
    args = ap.parse_args(argv)

    rows = [json.loads(x) for x in args.labels.read_text("utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if r["split"] == args.split]
    pairs = [(r["prompt"], r["response"]) for r in rows]
    y = [r["label"] for r in rows]
    cases = [r["case"] for r in rows]
    langs = [r["lang"] for r in rows]
    origins = [origin(r) for r in rows]

    results: dict[str, Any] = {}
    for name in args.judges.split(","):
        judge = get_judge(name)
        t0 = time.perf_counter()
        judge.judge_batch(pairs[:1])  # first call: lazy loads (embedder, head)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = judge.judge_batch(pairs)
        run_s = time.perf_counter() - t0
        pred = [j.verdict for j in out]
        m = metrics(y, pred, cases, langs, origins)
        m["timing"] = {"first_call_s": round(load_s, 3), "batch_s": round(run_s, 3),
                       "ms_per_item": round(1000 * run_s / len(pairs), 3)}
        if args.show_errors:
            m["errors"] = [
                {"id": r["id"], "label": r["label"], "verdict": j.verdict, "reason": j.reason,
                 "response": r["response"][:160]}
                for r, j in zip(rows, out, strict=True) if j.verdict != r["label"]
            ]
        results[name] = m

    names = list(results)
    print(f"judge accuracy on the {args.split} split of {args.labels.name} "
          f"(n={len(rows)}; labels: {', '.join(f'{c}={y.count(c)}' for c in VERDICTS)})\n")
    w = 26
    print(f"{'':{w}}" + "".join(f"{n:>10}" for n in names))
    print(f"{'accuracy':{w}}" + "".join(f"{results[n]['accuracy']:>10.3f}" for n in names))
    for c in VERDICTS:
        for k in ("precision", "recall"):
            print(f"{c + ' ' + k:{w}}" + "".join(
                f"{results[n]['per_class'][c][k]:>10.3f}" for n in names))
    print(f"{'ms per item':{w}}" + "".join(
        f"{results[n]['timing']['ms_per_item']:>10.2f}" for n in names))
    print(f"{'first call (load) s':{w}}" + "".join(
        f"{results[n]['timing']['first_call_s']:>10.2f}" for n in names))
    print("\naccuracy per origin")
    for o in sorted(set(origins)):
        print(f"  {o:{w - 2}}" + "".join(
            f"{results[n]['per_origin'][o]['accuracy']:>10.3f}" for n in names)
            + f"   n={results[names[0]]['per_origin'][o]['n']}")
    print("\naccuracy per case")
    for case in sorted(set(cases)):
        print(f"  {case:{w - 2}}" + "".join(
            f"{results[n]['per_case'][case]['accuracy']:>10.3f}" for n in names)
            + f"   n={results[names[0]]['per_case'][case]['n']}")
    print("\naccuracy per language")
    for lang in sorted(set(langs)):
        print(f"  {lang:{w - 2}}" + "".join(
            f"{results[n]['per_lang'][lang]['accuracy']:>10.3f}" for n in names)
            + f"   n={results[names[0]]['per_lang'][lang]['n']}")
    for n in names:
        conf = results[n]["confusion"]
        print(f"\nconfusion ({n}): rows = label, columns = verdict")
        print(f"  {'':12}" + "".join(f"{p:>12}" for p in VERDICTS))
        for t in VERDICTS:
            print(f"  {t:12}" + "".join(f"{conf[t][p]:>12}" for p in VERDICTS))
        for e in results[n].get("errors", []):
            print(f"  x {e['id']}: {e['label']} -> {e['verdict']} ({e['reason']}): "
                  f"{e['response']!r}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"split": args.split, "labels": str(args.labels.relative_to(ROOT))
               if args.labels.is_relative_to(ROOT) else str(args.labels),
               "n": len(rows), "machine": f"{platform.machine()} {os.cpu_count()} cpu",
               "python": platform.python_version(), "judges": results}
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    tmp.replace(args.out)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
