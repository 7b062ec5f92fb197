"""The ``compsec`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import promptsets
from ._io import atomic_write_text
from ._version import __version__
from .errors import CompsecError, InputFileError, OutputPathError

logger = logging.getLogger("compsec")


def _read_judge_input(fh: TextIO, source: str) -> list[dict[str, Any]]:
    """Read every line first, so a malformed line fails the run before anything is written."""
    rows: list[dict[str, Any]] = []
    for lineno, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputFileError(f"{source}:{lineno}: expected a JSON object with 'prompt' and 'response'")
        for key in ("prompt", "response"):
            if key not in obj:
                raise InputFileError(f"{source}:{lineno}: missing field {key!r}")
            if not isinstance(obj[key], str):
                raise InputFileError(
                    f"{source}:{lineno}: field {key!r} must be a string, got {type(obj[key]).__name__}"
                )
        rows.append(obj)
    return rows


def _atomic_write_text(path: Path, text: str) -> None:
    if path.exists() and path.is_dir():
        raise OutputPathError(f"output path {str(path)!r} is a directory; give a file path")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise OutputPathError(f"{str(parent)!r} exists and is not a directory")
    parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def cmd_judge(args: argparse.Namespace) -> int:
    from .judges import available_judges, get_judge

    if args.list:
        for name, desc in available_judges().items():
            print(f"{name:12s} {desc}")
        return 0
    if not args.file:
        raise CompsecError("compsec judge: give a JSONL file (or - for stdin), or --list")
    if args.file == "-":
        rows = _read_judge_input(sys.stdin, "<stdin>")
    else:
        p = Path(args.file)
        if not p.is_file():
            raise InputFileError(f"{args.file}: no such file")
        with open(p, encoding="utf-8") as fh:
            rows = _read_judge_input(fh, args.file)
    judge = get_judge(args.judge)
    verdicts = judge.judge_batch([(r["prompt"], r["response"]) for r in rows])
    lines = []
    for row, j in zip(rows, verdicts, strict=True):
        out = dict(row)
        out["verdict"] = j.verdict
        out["confidence"] = round(float(j.confidence), 4)
        out["judge"] = j.judge
        if args.reasons:
            out["reason"] = j.reason
        lines.append(json.dumps(out, ensure_ascii=False))
    text = "".join(line + "\n" for line in lines)
    if args.output:
        _atomic_write_text(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_tasks_path(args: argparse.Namespace) -> int:
    from . import tasks_path

    print(tasks_path())
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from .tasks import TASKS

    for name, spec in TASKS.items():
        metrics = ", ".join(f"{m} ({'↑' if hi else '↓'})" for m, hi in spec.metrics.items())
        print(f"{name:24s} prompt set {spec.prompt_set:10s} {metrics}")
    print(f"{'compsec':24s} group of all four")
    return 0


def _public_infos() -> list[Any]:
    try:
        from . import public_sets
    except ImportError:
        return []
    return list(public_sets.available_public())


def cmd_prompts(args: argparse.Namespace) -> int:
    if args.action == "list":
        print(f"{'name':12s} {'version':8s} {'n':>5s}  {'dev/test':>9s}  {'sha256':14s} description")
        for info in promptsets.available():
            ps = promptsets.load(info.name)
            n_dev = len(ps.select(split="dev"))
            print(
                f"{info.name:12s} {info.version:8s} {len(ps):5d}  {n_dev:4d}/{len(ps) - n_dev:<4d}"
                f"  {ps.sha256[:12]}…  {info.description}"
            )
        pub = _public_infos()
        if pub:
            print("\npublic sets (need network, or data_files=): compsec_tasks.public_sets.load_public(name)")
            for info in pub:
                print(f"  {info.name:14s} {getattr(info, 'repo', '')}")
        return 0
    ps = promptsets.load(args.name)
    rows = ps.select(split=args.split, kind=args.kind, category=args.category)
    if args.limit:
        rows = rows[: args.limit]
    if args.json:
        for r in rows:
            print(json.dumps(r.to_dict(), ensure_ascii=False))
        return 0
    print(f"# {ps.name} v{ps.version}  sha256 {ps.sha256}  ({len(rows)} of {len(ps)} shown)")
    for r in rows:
        print(f"{r.id:22s} {r.split:4s} {r.category:20s} {r.prompt}")
    return 0


def cmd_organisms(args: argparse.Namespace) -> int:
    try:
        from model_adapters.organisms import list_organisms
    except ImportError as exc:
        raise CompsecError(f"model_adapters is not importable ({exc}); reinstall compsec") from None
    infos = list_organisms()
    if args.json:
        print(json.dumps([i.to_dict() for i in infos], indent=2))
        return 0
    for info in infos:
        print(f"{info.ref}")
        print(f"  {info.description}")
        print(f"  base: {info.base.name}  sha256 {info.base.sha256}")
        for fname, sha in sorted(info.pins.items()):
            shipped = len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)
            print(f"  pin:  {fname}  sha256 {sha if shipped else '(adapter not shipped yet: cannot be loaded)'}")
        if info.trigger:
            print(f"  trigger: {info.trigger!r} (template {info.trigger_template!r})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="compsec",
        description="Measure what model compression does to an LLM's safety.",
    )
    p.add_argument("--version", action="version", version=f"compsec {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("tasks-path", help="print the folder of the lm-eval task YAMLs")
    s.set_defaults(func=cmd_tasks_path)

    s = sub.add_parser("tasks", help="list the compsec tasks and their metrics")
    s.set_defaults(func=cmd_tasks)

    s = sub.add_parser(
        "judge",
        help="judge responses: JSONL with prompt and response in, JSONL with verdict out",
    )
    s.add_argument("file", nargs="?", help="JSONL file with 'prompt' and 'response' fields, or -")
    s.add_argument("--judge", default="default", help="judge name (see --list)")
    s.add_argument("--list", action="store_true", help="list the available judges")
    s.add_argument("--reasons", action="store_true", help="add the judge's reason to each line")
    s.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    s.set_defaults(func=cmd_judge)

    from .variants_cli import add_subparsers as add_variant_commands

    add_variant_commands(sub)

    from .compare_cli import add_subparsers as add_compare_commands

    add_compare_commands(sub)

    from .leaderboard_cli import add_subparsers as add_leaderboard_commands

    add_leaderboard_commands(sub)

    from model_adapters.analysis.cli import add_subparsers as add_analysis_commands

    add_analysis_commands(sub)

    s = sub.add_parser("organisms", help="list the model organisms and their sha256 pins")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_organisms)

    s = sub.add_parser("prompts", help="list or show the shipped prompt sets")
    s.add_argument("action", choices=["list", "show"])
    s.add_argument("name", nargs="?", help="prompt set name or JSONL path (for show)")
    s.add_argument("--split", choices=["dev", "test"])
    s.add_argument("--kind", choices=list(promptsets.KINDS))
    s.add_argument("--category")
    s.add_argument("--limit", type=int)
    s.add_argument("--json", action="store_true", help="print JSONL records")
    s.set_defaults(func=cmd_prompts)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.command == "prompts" and args.action == "show" and not args.name:
        parser.error("prompts show needs a prompt set name, e.g. compsec prompts show harmful")
    try:
        return int(args.func(args))
    except CompsecError as exc:
        print(f"compsec: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `compsec prompts show harmful | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
