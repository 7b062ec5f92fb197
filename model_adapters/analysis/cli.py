"""``compsec sensitivity`` and ``compsec heads``: the command line of model_adapters.analysis.

* ``compsec sensitivity --model M --out R.json [--quantize rtn:4:g64] [--unit block|linear]
  [--keep-n 3 --high rtn:8:g64 --low rtn:4:g64] [--plan-out plan.json]`` — weight error per layer,
  refusal-margin drop per block (or linear layer), a mixed-precision plan and its check
  against uniform low-bit quantization.
* ``compsec heads --model M --out R.json [--layers 0,3-5] [--threshold 0.5]`` — ablate every
  attention head, rank the heads by refusal-margin drop, count how many top heads collapse
  refusal.

``--model`` is a local folder, a GGUF file or ``organism:<name>``; ``--prompts`` a prompt set
name or JSONL file (its harmful prompts, split ``--split``, dev by default) or a ``.txt`` file
with one prompt per line. Results go to ``--out`` as JSON (written atomically) and a short
table is logged. torch is imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, InputFileError

__all__ = ["add_subparsers", "cmd_sensitivity", "cmd_heads", "load_prompts", "parse_layers"]

logger = logging.getLogger(__name__)


def parse_layers(text: str | None) -> list[int] | None:
    """``"0,3-5"`` -> [0, 3, 4, 5]; None or "" -> None (all layers)."""
    if not text:
        return None
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise CompsecError(f"--layers takes indices and ranges such as 0,3-5; got {text!r}")
        out.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
    return out


def load_prompts(source: str | None, split: str | None = "dev", limit: int | None = None) -> tuple[list[dict[str, Any]],
                                                                                                     dict[str, Any]]:
    """(prompts, description): the harmful prompts of a prompt set (default: the shipped
    harmful set) in ``split``, or the lines of a ``.txt`` file."""
    from .margin import harmful_prompts

    if limit is not None and limit < 1:
        raise CompsecError(f"--limit must be a positive number of prompts, got {limit}")
    if source and source.endswith(".txt"):
        p = Path(source)
        if not p.is_file():
            raise InputFileError(f"{source}: no such prompt file")
        lines = [x.strip() for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        rows = [{"id": f"line-{i + 1}", "prompt": x} for i, x in enumerate(lines)][:limit]
        return rows, {"source": source, "n": len(rows)}
    split_arg = None if split in (None, "all") else split
    docs = harmful_prompts(source, split_arg, limit)
    first = docs[0]
    return docs, {"source": first["prompt_set"], "version": first["prompt_set_version"],
                  "sha256": first["prompt_set_sha256"], "split": split or "all", "n": len(docs)}


def _load(args: argparse.Namespace) -> tuple[Any, Any, dict[str, Any]]:
    from ..loading import load_hf_model, load_tokenizer, resolve_base

    ref, path = resolve_base(args.model)
    t0 = time.perf_counter()
    model = load_hf_model(path, dtype=args.dtype, device=args.device)
    tok = load_tokenizer(path)
    logger.info("loaded %s in %.1f s", ref, time.perf_counter() - t0)
    return model, tok, {"ref": ref, "path": str(path), "dtype": args.dtype, "device": args.device}


def _write(path: str, payload: dict[str, Any]) -> None:
    from compsec_tasks._io import atomic_write_text
    from compsec_tasks.errors import OutputPathError

    p = Path(path)
    if p.is_dir():
        raise OutputPathError(f"output path {path!r} is a directory; give a file path such as results.json")
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, json.dumps(payload, indent=2, default=float) + "\n")
    logger.info("wrote %s", p)


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    def fmt(v: Any) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    widths = [max(len(c), *(len(fmt(r.get(c, ""))) for r in rows)) for c in cols]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(fmt(r.get(c, "")).ljust(w) for c, w in zip(cols, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _say(text: str) -> None:
    """Log the command's summary table at INFO, shown even without -v."""
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    for line in text.splitlines():
        logger.info("%s", line)


def _meta() -> dict[str, Any]:
    from compsec_tasks._version import __version__

    return {"compsec_version": __version__, "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from . import sensitivity as S

    prompts, pmeta = load_prompts(args.prompts, args.split, args.limit)
    model, tok, mmeta = _load(args)
    t0 = time.perf_counter()
    out: dict[str, Any] = {"command": "sensitivity", "model": mmeta, "prompts": pmeta, **_meta()}
    variant = args.quantize if args.variant is None else args.variant
    if variant != "none":
        out["weight_error"] = S.weight_error_by_layer(model if variant.startswith("rtn") else mmeta["path"],
                                                      variant, dtype=args.dtype, device=args.device).to_dict()
    sens = S.behavioural_sensitivity(model, tok, prompts, args.quantize, args.unit, batch_size=args.batch_size,
                                     layout=args.layout, progress=not args.no_progress)
    out["sensitivity"] = sens.to_dict()
    if args.keep_n is not None:
        plan = S.mixed_precision_plan(sens, args.keep_n, args.high, args.low)
        out["plan"] = plan.to_dict()
        if args.plan_out:
            plan.save(args.plan_out)
            logger.info("wrote plan %s", args.plan_out)
        if not args.no_verify:
            check = S.verify_plan(model, tok, prompts, plan, reference=args.reference, batch_size=args.batch_size,
                                  layout=args.layout, progress=not args.no_progress)
            out["verification"] = check.to_dict()
    out["seconds"] = round(time.perf_counter() - t0, 3)
    _write(args.out, out)

    errs: dict[str, float] = {}
    if "weight_error" in out:
        we = out["weight_error"]
        errs = ({b["unit"]: b["rel_error"] for b in we["blocks"]} if sens.unit == "block"
                else {r["name"]: r["rel_error"] for r in we["layers"]})
    rows = [{"unit": e.unit, "margin_drop": e.margin_drop, "se": e.margin_drop_se, "win_rate": e.win_rate,
             "weight_rel_error": errs.get(e.unit, "")} for e in sens.effects[: args.top]]
    _say(f"{sens.quantize} one {sens.unit} at a time, {len(sens.prompt_ids)} prompts; baseline margin "
         f"{sens.baseline.margin:.3f}, refusal-win rate {sens.baseline.win_rate:.3f}\n"
         + _table(rows, ["unit", "margin_drop", "se", "win_rate", "weight_rel_error"]))
    if "verification" in out:
        v = out["verification"]
        _say(f"plan keeps {len(out['plan']['keep'])} {sens.unit}(s) at {args.high}: margin "
             f"{v['plan_result']['refusal_margin']:.3f} (win rate {v['plan_result']['refusal_win_rate']:.3f}, "
             f"{v['plan_bytes']} bytes) vs uniform {v['reference']}: {v['uniform_result']['refusal_margin']:.3f} "
             f"(win rate {v['uniform_result']['refusal_win_rate']:.3f}, {v['reference_bytes']} bytes)")
    return 0


def cmd_heads(args: argparse.Namespace) -> int:
    from . import heads as H

    prompts, pmeta = load_prompts(args.prompts, args.split, args.limit)
    layers = parse_layers(args.layers)
    model, tok, mmeta = _load(args)
    t0 = time.perf_counter()
    report = H.head_ablation_sweep(model, tok, prompts, layers=layers, batch_size=args.batch_size,
                                   layout=args.layout, progress=not args.no_progress)
    out: dict[str, Any] = {"command": "heads", "model": mmeta, "prompts": pmeta, **_meta(),
                           "heads": report.to_dict()}
    if not args.no_collapse:
        col = H.collapse_count(model, tok, prompts, report, threshold=args.threshold, max_heads=args.max_heads,
                               batch_size=args.batch_size, layout=args.layout, progress=not args.no_progress)
        out["collapse"] = col.to_dict()
    out["seconds"] = round(time.perf_counter() - t0, 3)
    _write(args.out, out)
    rows = [{"layer": e.layer, "head": e.head, "margin_drop": e.margin_drop, "se": e.margin_drop_se,
             "win_rate": e.win_rate} for e in report.effects[: args.top]]
    _say(f"{len(report.effects)} heads ablated one at a time, {len(report.prompt_ids)} prompts; baseline margin "
         f"{report.baseline.margin:.3f}, refusal-win rate {report.baseline.win_rate:.3f}\n"
         + _table(rows, ["layer", "head", "margin_drop", "se", "win_rate"]))
    if "collapse" in out:
        c = out["collapse"]
        if c["collapsed"] and c["n_heads"] == 0:
            how = "already before any ablation (the model does not refuse these prompts)"
        elif c["collapsed"]:
            how = f"after ablating the top {c['n_heads']} head(s)"
        else:
            how = f"not reached with the top {len(c['heads'])} heads ablated"
        _say(f"refusal-win rate below {c['threshold']}: {how}")
    return 0


def _common(s: argparse.ArgumentParser) -> None:
    s.add_argument("--model", required=True, help="local model folder, .gguf file, or organism:<name>")
    s.add_argument("--prompts", help="prompt set name or JSONL file (its harmful prompts), or a .txt file with one "
                                     "prompt per line (default: the shipped harmful set)")
    s.add_argument("--split", default="dev", choices=["dev", "test", "all"],
                   help="split of the prompt set (default dev: the test split is for reporting)")
    s.add_argument("--limit", type=int, help="score only the first N prompts (categories interleaved)")
    s.add_argument("--out", required=True, help="write the results here as JSON (atomically)")
    s.add_argument("--batch-size", type=int, default=8, help="prompts per forward pass (default 8)")
    s.add_argument("--layout", default="tree", choices=["tree", "rows"],
                   help="tree: context once + all continuations per row (default); rows: one row per continuation")
    s.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    s.add_argument("--device", default="cpu")
    s.add_argument("--top", type=int, default=10, help="rows of the logged table (default 10)")
    s.add_argument("--no-progress", action="store_true", help="no progress bars")


def add_subparsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``sensitivity`` and ``heads`` to the main parser's subcommands."""
    s = sub.add_parser("sensitivity", help="layer sensitivity: refusal-margin drop per quantized block, "
                                           "weight error, mixed-precision plan")
    _common(s)
    s.add_argument("--quantize", default="rtn:4:g64",
                   help="what one unit gets: rtn:<bits>[:g<group>] or prune:magnitude|random:<s> (default rtn:4:g64)")
    s.add_argument("--unit", default="block", choices=["block", "linear"], help="quantize one block or one layer")
    s.add_argument("--variant", help="variant whose per-layer weight error to report (default: --quantize; "
                                     "any method, e.g. hqq:4; 'none' to skip)")
    s.add_argument("--keep-n", type=int, help="make a mixed-precision plan keeping the N most sensitive units")
    s.add_argument("--high", default="rtn:8:g64", help="precision of the kept units (default rtn:8:g64)")
    s.add_argument("--low", default="rtn:4:g64", help="precision of the others (default rtn:4:g64)")
    s.add_argument("--reference", help="uniform quantization to verify the plan against (default: --low)")
    s.add_argument("--plan-out", help="also write the plan JSON here (apply it with analysis.apply_plan)")
    s.add_argument("--no-verify", action="store_true", help="do not score the plan")
    s.set_defaults(func=cmd_sensitivity)

    s = sub.add_parser("heads", help="safety-critical attention heads: ablate each, rank by refusal-margin drop, "
                                     "count how many collapse refusal")
    _common(s)
    s.add_argument("--layers", help="layers to sweep, e.g. 0,3-5 (default all)")
    s.add_argument("--threshold", type=float, default=0.5,
                   help="collapse = refusal-win rate below this (default 0.5)")
    s.add_argument("--max-heads", type=int, help="ablate at most this many top heads when counting the collapse")
    s.add_argument("--no-collapse", action="store_true", help="rank the heads only")
    s.set_defaults(func=cmd_heads)
