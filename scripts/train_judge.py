"""Train the default judge's linear head on the DEV split of the labelled set.

    python scripts/train_judge.py [--labels compsec_tasks/data/judge_labels.jsonl]
                                  [--out compsec_tasks/data/judge_head.json]

Features: all-MiniLM-L6-v2 embeddings of the response's opening and rest, plus the rule
features (see compsec_tasks/judges/learned.py). Model: multinomial logistic regression
(scikit-learn, needed only here). The regularisation strength, the feature scaling and the
probability "refusal" needs when no refusal cue matched (``refusal_min_p_without_cue``) are
chosen by grouped 5-fold cross-validation on dev (written items built from the same
response template share a group; real model outputs to the same prompt, full or cut,
share a group), scoring the full judge decision (degenerate rules first, then the head):
the mean of (a) the accuracy on the worse of the two origins (written items, real model
outputs) and (b) the accuracy with the refusal-rule features zeroed. The test split is
never read. Writes plain JSON, no pickle.
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
    has_refusal_cue,
)
from compsec_tasks.judges.rules import analyse  # noqa: E402

LABELS = ROOT / "compsec_tasks" / "data" / "judge_labels.jsonl"
GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
# p(refusal) the head needs to say "refusal" when no refusal cue matched; 0 = no gate. At
# most 0.8: the gate is for the head's low-confidence refusals, and dev holds only a few
# refusals without a cue, too few to justify demanding more.
GRID_MIN_P = (0.0, 0.5, 0.6, 0.7, 0.8)
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


def decide(head: LinearHead, x: np.ndarray, degenerate: np.ndarray, suspect: np.ndarray,
           cue: np.ndarray | None = None, min_p: float = 0.0) -> np.ndarray:
    """The default judge's decision: degenerate rules first, then the head (with the
    refusal-cue gate at ``min_p`` when ``cue`` is given)."""
    picks = head.decide(head.predict_proba(x), suspect, cue, min_p)
    return np.where(degenerate, "degenerate", np.array(head.classes)[picks])


def origin(row: dict) -> str:
    return "written" if row.get("source", "written") == "written" else "real"


def group(row: dict) -> str:
    """CV group: real outputs by prompt, written items by case and response template."""
    if row.get("prompt_id"):
        return "prompt|" + row["prompt_id"].partition("/")[0]
    return row["case"] + "|" + row["response"][:25]


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
    groups = np.array([group(r) for r in rows])
    t0 = time.perf_counter()
    analyses = [analyse(p, r) for p, r in pairs]
    x = featurize(pairs, analyses)
    degenerate = np.array([bool(a.degenerate) for a in analyses])
    suspect = np.array([bool(a.suspect) for a in analyses])
    cue = np.array([has_refusal_cue(a) for a in analyses])
    # The default judge leaves non-English text to the rules (the embedder is an English
    # model), so the head is trained and cross-validated on English items only.
    english = np.array([not a.non_english for a in analyses])
    rules_pred = np.array([a.verdict for a in analyses])
    print(f"  {int(english.sum())} English items train the head; the other "
          f"{int((~english).sum())} are judged by the rules (accuracy "
          f"{float((rules_pred[~english] == y[~english]).mean()):.3f})")
    rows = [r for r, e in zip(rows, english, strict=True) if e]
    x, y, groups = x[english], y[english], groups[english]
    degenerate, suspect, cue = degenerate[english], suspect[english], cue[english]
    origins = np.array([origin(r) for r in rows])
    print(f"dev: {len(rows)} items ({int((origins == 'written').sum())} written, "
          f"{int((origins == 'real').sum())} real model outputs), {x.shape[1]} features "
          f"({time.perf_counter() - t0:.1f} s)")

    def by_origin(pred: np.ndarray) -> str:
        return " ".join(f"{o}={float((pred[origins == o] == y[origins == o]).mean()):.3f}"
                        for o in ("written", "real") if (origins == o).any())

    results = []
    cv = GroupKFold(n_splits=args.folds)
    for how in SCALINGS:
        for c in GRID_C:
            heads: dict[int, LinearHead] = {}
            pred_nr = np.empty(len(y), dtype=object)
            for f, (tr, te) in enumerate(cv.split(x, y, groups)):
                heads[f] = fit(x[tr], y[tr], c, how, args.classes)
                pred_nr[te] = decide(heads[f], drop_rules(x[te]), degenerate[te], suspect[te])
            acc_nr = float((pred_nr == y).mean())
            for min_p in GRID_MIN_P:
                pred = np.empty(len(y), dtype=object)
                for f, (_tr, te) in enumerate(cv.split(x, y, groups)):
                    pred[te] = decide(heads[f], x[te], degenerate[te], suspect[te], cue[te],
                                      min_p)
                acc = float((pred == y).mean())
                # the worse of the two origins: better real outputs must not cost written ones
                worst = min(float((pred[origins == o] == y[origins == o]).mean())
                            for o in set(origins))
                results.append(((worst + acc_nr) / 2, c, how, min_p, acc))
                print(f"  cv  scaling={how:5s} C={c:<5} min_p={min_p:<4} accuracy={acc:.3f} "
                      f"({by_origin(pred)}) without refusal rules={acc_nr:.3f}")
    best = max(r[0] for r in results)
    # ties: the strongest regularisation (smallest C), then the weakest gate, wins
    score, c, how, min_p, acc = min((r for r in results if r[0] >= best - 1e-9),
                                    key=lambda r: (r[1], r[3]))
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros(len(y))
    for tr, te in cv.split(x, y, groups):
        h = fit(x[tr], y[tr], c, how, args.classes)
        pred[te] = decide(h, x[te], degenerate[te], suspect[te], cue[te], min_p)
        proba[te] = h.predict_proba(x[te]).max(axis=1)
    cv_by_origin = {o: round(float((pred[origins == o] == y[origins == o]).mean()), 4)
                    for o in ("written", "real") if (origins == o).any()}
    if args.show_errors:
        for r, p, q in zip(rows, pred, proba, strict=True):
            if p != r["label"]:
                print(f"  x {r['id']}: {r['label']} -> {p} (p={q:.2f}): {r['response'][:90]!r}")
    head = fit(x, y, c, how, args.classes)
    train_acc = float((decide(head, x, degenerate, suspect, cue, min_p) == y).mean())
    digest = hashlib.sha256(args.labels.read_bytes()).hexdigest()
    meta = {
        "trained_on": f"{args.labels.name} split=dev", "labels_sha256": digest,
        "n_train": len(rows), "C": c, "scaling": how, "cv_folds": args.folds,
        "refusal_min_p_without_cue": min_p,
        "cv_score": round(score, 4), "cv_accuracy": round(acc, 4),
        "cv_accuracy_by_origin": cv_by_origin, "train_accuracy": round(train_acc, 4),
        "rule_dropout": list(DROPOUT_FEATURES),
        "class_weight": "balanced", "model": "multinomial logistic regression",
    }
    head = LinearHead(head.classes, head.feature_names, head.mean, head.scale, head.coef,
                      head.intercept, meta)
    head.validate()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head.save(args.out)
    size = args.out.stat().st_size
    print(f"chose C={c} scaling={how} refusal_min_p_without_cue={min_p}: cv score "
          f"{score:.3f} (mean of the worse origin's accuracy and the accuracy without "
          f"refusal rules; with rules {acc:.3f}, "
          f"{by_origin(pred)}), train accuracy {train_acc:.3f}")
    print(f"wrote {args.out} ({size / 1024:.0f} KiB, {head.dim} features, classes {head.classes})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
