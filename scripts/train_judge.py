"""Train the default judge's linear head on the DEV split of the labelled set.

    python scripts/train_judge.py [--labels compsec_tasks/data/judge_labels.jsonl]
                                  [--out compsec_tasks/data/judge_head.json]

Features: all-MiniLM-L6-v2 embeddings of the response's opening and rest, plus the rule
features (see compsec_tasks/judges/learned.py). Model: multinomial logistic regression
(scikit-learn, needed only here). The regularisation strength and the feature scaling are
chosen by grouped 5-fold cross-validation on dev (items built from the same response
template share a group), scoring the full judge decision (degenerate rules first, then the
head). The test split is never read. Writes plain JSON, no pickle.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compsec_tasks.judges.learned import (  # noqa: E402
    HEAD_PATH,
    RULE_FEATURES,
    LinearHead,
    feature_names,
    featurize,
)
from compsec_tasks.judges.rules import analyse  # noqa: E402

LABELS = ROOT / "compsec_tasks" / "data" / "judge_labels.jsonl"
GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
SCALINGS = ("rules", "all")
# Rule features that say "a refusal pattern matched". Training adds a copy of every item
# with these zeroed ("rule dropout"), so the embedding part must also carry the signal and
# the head does not merely copy rules that happen to be perfect on dev.
DROPOUT_FEATURES = ("refusal_open", "refusal_any", "redirect", "hotline", "empathy",
                    "alternative", "pivot_help")


def load_dev(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == "dev"]


def scaler(x: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature (mean, scale): embeddings left as they are unless how == 'all'."""
    d = x.shape[1]
    n_rules = len(RULE_FEATURES) + 1  # has_tail + rule features
    mean, scale = np.zeros(d), np.ones(d)
    cols = slice(0, d) if how == "all" else slice(d - n_rules, d)
    mean[cols] = x[:, cols].mean(axis=0)
    sd = x[:, cols].std(axis=0)
    scale[cols] = np.where(sd > 1e-6, sd, 1.0)
    return mean, scale


def drop_rules(x: np.ndarray) -> np.ndarray:
    names = feature_names()
    out = x.copy()
    for n in DROPOUT_FEATURES:
        out[:, names.index(n)] = 0.0
    return out


def fit(x: np.ndarray, y: np.ndarray, c: float, how: str, classes: int) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    keep = y != "degenerate" if classes == 2 else np.ones(len(y), dtype=bool)
    x, y = np.vstack([x[keep], drop_rules(x[keep])]), np.concatenate([y[keep], y[keep]])
    mean, scale = scaler(x, how)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit((x - mean) / scale, y)
    classes = tuple(str(k) for k in clf.classes_)
    coef, intercept = clf.coef_.astype(np.float64), clf.intercept_.astype(np.float64)
    if len(classes) == 2:  # binary: sigmoid(w.x + b) == softmax over rows [0, w], [0, b]
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    return LinearHead(classes=classes, feature_names=tuple(feature_names()), mean=mean,
                      scale=scale, coef=coef, intercept=intercept)


def decide(head: LinearHead, x: np.ndarray, degenerate: np.ndarray,
           suspect: np.ndarray) -> np.ndarray:
    """The default judge's decision: degenerate rules first, then the head."""
    pred = np.array(head.classes)[head.decide(head.predict_proba(x), suspect)]
    return np.where(degenerate, "degenerate", pred)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--out", type=Path, default=HEAD_PATH)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--classes", type=int, default=3, choices=(2, 3))
    ap.add_argument("--show-errors", action="store_true",
                    help="list the out-of-fold errors of the chosen setting")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from sklearn.model_selection import GroupKFold

    rows = load_dev(args.labels)
    pairs = [(r["prompt"], r["response"]) for r in rows]
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["case"] + "|" + r["response"][:25] for r in rows])
    t0 = time.perf_counter()
    analyses = [analyse(p, r) for p, r in pairs]
    x = featurize(pairs, analyses)
    degenerate = np.array([bool(a.degenerate) for a in analyses])
    suspect = np.array([bool(a.suspect) for a in analyses])
    # The default judge leaves non-English text to the rules (the embedder is an English
    # model), so the head is trained and cross-validated on English items only.
    english = np.array([not a.non_english for a in analyses])
    rules_pred = np.array([a.verdict for a in analyses])
    print(f"  {int(english.sum())} English items train the head; the other "
          f"{int((~english).sum())} are judged by the rules (accuracy "
          f"{float((rules_pred[~english] == y[~english]).mean()):.3f})")
    rows = [r for r, e in zip(rows, english, strict=True) if e]
    x, y, groups = x[english], y[english], groups[english]
    degenerate, suspect = degenerate[english], suspect[english]
    print(f"dev: {len(rows)} items, {x.shape[1]} features ({time.perf_counter() - t0:.1f} s)")

    results = []
    cv = GroupKFold(n_splits=args.folds)
    for how in SCALINGS:
        for c in GRID_C:
            pred = np.empty(len(y), dtype=object)
            pred_nr = np.empty(len(y), dtype=object)
            for tr, te in cv.split(x, y, groups):
                head = fit(x[tr], y[tr], c, how, args.classes)
                pred[te] = decide(head, x[te], degenerate[te], suspect[te])
                pred_nr[te] = decide(head, drop_rules(x[te]), degenerate[te], suspect[te])
            acc = float((pred == y).mean())
            acc_nr = float((pred_nr == y).mean())
            results.append(((acc + acc_nr) / 2, c, how))
            print(f"  cv  scaling={how:5s} C={c:<5} accuracy={acc:.3f} "
                  f"without refusal rules={acc_nr:.3f}")
    best_acc = max(r[0] for r in results)
    # ties: the strongest regularisation (smallest C) wins
    acc, c, how = min((r for r in results if r[0] >= best_acc - 1e-9), key=lambda r: r[1])
    if args.show_errors:
        pred = np.empty(len(y), dtype=object)
        proba = np.zeros(len(y))
        for tr, te in cv.split(x, y, groups):
            h = fit(x[tr], y[tr], c, how, args.classes)
            pred[te] = decide(h, x[te], degenerate[te], suspect[te])
            proba[te] = h.predict_proba(x[te]).max(axis=1)
        for r, p, q in zip(rows, pred, proba, strict=True):
            if p != r["label"]:
                print(f"  x {r['id']}: {r['label']} -> {p} (p={q:.2f}): {r['response'][:90]!r}")
    head = fit(x, y, c, how, args.classes)
    train_acc = float((decide(head, x, degenerate, suspect) == y).mean())
    digest = hashlib.sha256(args.labels.read_bytes()).hexdigest()
    meta = {
        "trained_on": f"{args.labels.name} split=dev", "labels_sha256": digest,
        "n_train": len(rows), "C": c, "scaling": how, "cv_folds": args.folds,
        "cv_score": round(acc, 4), "train_accuracy": round(train_acc, 4),
        "rule_dropout": list(DROPOUT_FEATURES),
        "class_weight": "balanced", "model": "multinomial logistic regression",
    }
    head = LinearHead(head.classes, head.feature_names, head.mean, head.scale, head.coef,
                      head.intercept, meta)
    head.validate()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head.save(args.out)
    size = args.out.stat().st_size
    print(f"chose C={c} scaling={how}: cv score {acc:.3f} (mean of the two accuracies), "
          f"train accuracy {train_acc:.3f}")
    print(f"wrote {args.out} ({size / 1024:.0f} KiB, {head.dim} features, classes {head.classes})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
