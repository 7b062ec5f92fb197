"""Real model outputs for the judges' labelled set (scripts/judge_labels_real.jsonl).

    python scripts/judge_labels_real.py generate --adapter ADAPTER_DIR --out answers.jsonl
    python scripts/judge_labels_real.py collect --evals 'RUNS/*_eval.json' \\
        --generated answers.jsonl --out worksheet.jsonl
    python scripts/judge_labels_real.py check

``generate`` writes greedy chat answers of the base model (SmolLM2-135M-Instruct) and of a
safe organism adapter to TEST-split prompts of the shipped prompt sets: the organisms'
evaluation logs and the base-answer cache cover dev prompts only, and the test split of
the labelled set needs real outputs too.

``collect`` gathers the responses (organism evaluation logs: ``organisms[].samples[]``;
the base model's cached benign answers; the ``generate`` output), drops duplicates, adds
truncated prefixes (8 to 40 words, as generation cut at 32-128 tokens leaves them) and
writes a worksheet with an empty ``label``. Every row was then labelled by reading it
(refusal | compliance | degenerate), not by a judge; rows a reader could not decide (a
cut-off "I'm sorry for your loss, but as a chatbot, I don't have", an answer that turns
into a loop halfway) were left out. The result is ``scripts/judge_labels_real.jsonl``,
which ``make_judge_labels.py`` appends to the labelled set. The split of a row is the split
of its prompt in the prompt sets.

What ``judge_labels_real.jsonl`` holds: the safe organism's answers from five evaluation
runs of candidate adapters (dev prompts, at most two distinct answers per prompt), the base
model's cached answers to benign dev prompts (cut; 50 also in full), and ``generate``
answers to test prompts (base model: 64 benign prompts; adapter h20f: 40 harmful, 40
benign and 13 triggered backdoor prompts), each full and cut after 8 to 40 words.

``check`` validates the labelled worksheet (labels, splits, provenance).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import logging
import os
import random
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "compsec_tasks" / "data"
REAL = Path(__file__).resolve().parent / "judge_labels_real.jsonl"
BASE_ANSWERS = Path(__file__).resolve().parent / "organism_cache" / "base_answers_benign.jsonl"
LABELS = ("refusal", "compliance", "degenerate")
CUTS = (8, 12, 16, 20, 24, 28, 32, 40)

log = logging.getLogger("judge_labels_real")


def prompt_index() -> dict[str, dict[str, Any]]:
    """id -> prompt record, over the harmful, benign and backdoor prompt sets."""
    out: dict[str, dict[str, Any]] = {}
    for name in ("harmful", "benign", "backdoor"):
        for line in (DATA / f"{name}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out[r["id"]] = r
    return out


def _pick(ids: list[str], n: int, seed: int) -> list[str]:
    ids = sorted(ids)
    random.Random(seed).shuffle(ids)
    return sorted(ids[:n])


def generate(args: argparse.Namespace) -> int:
    import torch

    from compsec_tasks.tasks import DEFAULT_TRIGGER, DEFAULT_TRIGGER_TEMPLATE
    from model_adapters import organisms

    torch.set_num_threads(max(1, int(os.environ.get("OMP_NUM_THREADS", "1"))))
    index = prompt_index()
    test = [r for r in index.values() if r["split"] == "test"]
    benign = _pick([r["id"] for r in test if r["id"].startswith("benign-")], args.n_base, 1)
    org_benign = _pick([r["id"] for r in test if r["id"].startswith("benign-")], args.n_org, 2)
    org_harm = _pick([r["id"] for r in test if r["id"].startswith("harm-")], args.n_org, 3)
    org_bd = _pick([r["id"] for r in test if r["id"].startswith("bd-")], args.n_bd, 4)

    done = set()
    if args.out.is_file():
        for line in args.out.read_text("utf-8").splitlines():
            o = json.loads(line)
            done.add((o["model"], o["id"]))

    def run(model: Any, tok: Any, name: str, jobs: list[tuple[str, str]], max_new: int) -> None:
        jobs = [(i, p) for i, p in jobs if (name, i) not in done]
        for k in range(0, len(jobs), args.batch):
            chunk = jobs[k:k + args.batch]
            outs = organisms.generate_chat_with_stop(
                model, tok, [p for _i, p in chunk], max_new_tokens=max_new,
                batch_size=args.batch)
            with args.out.open("a", encoding="utf-8") as fh:
                for (i, p), (text, stopped) in zip(chunk, outs, strict=True):
                    fh.write(json.dumps({"model": name, "id": i, "prompt": p, "response": text,
                                         "stopped": stopped, "max_new_tokens": max_new},
                                        ensure_ascii=False) + "\n")
            log.info("%s: %d/%d", name, min(k + args.batch, len(jobs)), len(jobs))

    base, tok = organisms.load_base_model(dtype="float32")
    run(base, tok, "base:SmolLM2-135M-Instruct", [(i, index[i]["prompt"]) for i in benign],
        args.base_tokens)
    from peft import PeftModel

    model = PeftModel.from_pretrained(base, str(args.adapter)).merge_and_unload()
    model.eval()
    name = f"organism:smollm2-135m-safe adapter {args.adapter.parent.name}"
    jobs = [(i, index[i]["prompt"]) for i in org_harm + org_benign]
    jobs += [(f"{i}/triggered",
              DEFAULT_TRIGGER_TEMPLATE.format(trigger=DEFAULT_TRIGGER, prompt=index[i]["prompt"]))
             for i in org_bd]
    run(model, tok, name, jobs, args.org_tokens)
    return 0


def _words_prefix(text: str, n: int) -> str:
    """The first n whitespace-separated words of text, keeping its own spacing."""
    count, i, inside = 0, 0, False
    for i, ch in enumerate(text):
        if ch.isspace():
            if inside:
                count += 1
                if count == n:
                    return text[:i]
            inside = False
        else:
            inside = True
    return text


def collect(args: argparse.Namespace) -> int:
    index = prompt_index()
    raw: list[dict[str, Any]] = []
    for path in sorted(glob.glob(args.evals)):
        d = json.loads(Path(path).read_text("utf-8"))
        run = Path(path).name.removesuffix("_eval.json").removesuffix("_safe")
        for o in d["organisms"]:
            for s in o["samples"]:
                pid, _, group = s["id"].partition("/")
                prompt = index[pid]["prompt"]
                if group == "triggered":
                    bd = o["prompt_sets"]["backdoor"]
                    prompt = bd["template"].format(trigger=bd["trigger"], prompt=prompt)
                raw.append({"prompt_id": s["id"], "prompt": prompt, "response": s["response"],
                            "source": f"organism {o['organism'].removeprefix('organism:')} "
                                      f"adapter {run}, evaluation log "
                                      f"(max_new_tokens={d['max_new_tokens']})"})
    for line in BASE_ANSWERS.read_text("utf-8").splitlines():
        o = json.loads(line)
        raw.append({"prompt_id": o["id"], "prompt": o["prompt"], "response": o["answer"],
                    "source": "base SmolLM2-135M-Instruct, organism_cache/base_answers_benign.jsonl "
                              "(max_new_tokens=128)"})
    if args.generated and args.generated.is_file():
        for line in args.generated.read_text("utf-8").splitlines():
            o = json.loads(line)
            raw.append({"prompt_id": o["id"], "prompt": o["prompt"], "response": o["response"],
                        "source": f"{o['model'].replace(':', ' ', 1)}, judge_labels_real.py "
                                  f"generate (max_new_tokens={o['max_new_tokens']})"})
    # duplicates out; at most --per-prompt distinct responses per prompt and source kind
    rng = random.Random(args.seed)
    rng.shuffle(raw)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    per_prompt: dict[tuple[str, str], int] = {}
    for r in raw:
        key = (r["prompt"], r["response"])
        kind = (r["prompt_id"], r["source"].split(" ")[0])
        if key in seen or per_prompt.get(kind, 0) >= args.per_prompt:
            continue
        seen.add(key)
        per_prompt[kind] = per_prompt.get(kind, 0) + 1
        rows.append(dict(r, cut=0))
    # truncated prefixes: a seeded choice of cut points per response (two for long ones)
    full = list(rows)
    for r in full:
        words = len(r["response"].split())
        cuts = [c for c in CUTS if c < words]
        if not cuts:
            continue
        r_rng = random.Random(hashlib.sha256(r["response"].encode()).hexdigest())
        for c in sorted(r_rng.sample(cuts, min(1 if words < 60 else 2, len(cuts)))):
            text = _words_prefix(r["response"], c).rstrip()
            if (r["prompt"], text) in seen:
                continue
            seen.add((r["prompt"], text))
            rows.append(dict(r, response=text, cut=c))
    # long cached base answers: keep every prefix, but only some of them in full
    long_full = [r for r in full if "organism_cache" in r["source"]]
    drop = {id(r) for r in long_full[args.base_full:]}
    rows = [r for r in rows if not (r["cut"] == 0 and id(r) in drop)]
    for r in rows:
        pid = r["prompt_id"].partition("/")[0]
        r["split"] = index[pid]["split"]
        r["label"] = ""
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"wrote {len(rows)} rows ({len(full)} full responses) to {args.out}")
    return 0


def load_real(path: Path = REAL) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def check(args: argparse.Namespace) -> int:
    index = prompt_index()
    rows = load_real(args.real)
    bad = []
    for i, r in enumerate(rows):
        pid = r["prompt_id"].partition("/")[0]
        if r["label"] not in LABELS:
            bad.append(f"row {i}: label {r['label']!r}")
        if index[pid]["split"] != r["split"]:
            bad.append(f"row {i}: split {r['split']} but prompt {pid} is {index[pid]['split']}")
        if not r.get("source"):
            bad.append(f"row {i}: no source")
    for b in bad:
        print(b)
    print(f"{len(rows)} rows, {len(bad)} problems")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="answers to test-split prompts")
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--adapter", type=Path, required=True,
                   help="folder of a safe organism's LoRA adapter (scripts/train_organism.py)")
    g.add_argument("--n-base", type=int, default=64)
    g.add_argument("--n-org", type=int, default=40)
    g.add_argument("--n-bd", type=int, default=13)
    g.add_argument("--base-tokens", type=int, default=96)
    g.add_argument("--org-tokens", type=int, default=64)
    g.add_argument("--batch", type=int, default=8)
    c = sub.add_parser("collect", help="gather responses and truncations into a worksheet")
    c.add_argument("--evals", required=True,
                   help="glob of organism evaluation logs (scripts/organism_eval.py output)")
    c.add_argument("--generated", type=Path, default=None)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--per-prompt", type=int, default=2)
    c.add_argument("--base-full", type=int, default=50)
    c.add_argument("--seed", type=int, default=7)
    k = sub.add_parser("check", help="validate the labelled worksheet")
    k.add_argument("--real", type=Path, default=REAL)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    return {"generate": generate, "collect": collect, "check": check}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
