"""``compsec variants``, ``compsec manifest`` and ``compsec verify``: the command line of
model_adapters.

* ``compsec variants`` — every compression method: available here or which extra installs
  it, and its grammar.
* ``compsec manifest BASE --variant SPEC [--json] [--no-fidelity]`` — load (or produce) a
  variant and print its manifest.
* ``compsec verify PATH --manifest M`` — check the sha256 of the weight files under PATH
  against a manifest; exits 1 naming each mismatched file and both hashes, 0 when all match.

:func:`add_subparsers` adds them to the main parser; :func:`main` runs them alone.
model_adapters (and torch) are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import CompsecError

__all__ = ["add_subparsers", "cmd_variants", "cmd_manifest", "cmd_verify", "main"]


def cmd_variants(args: argparse.Namespace) -> int:
    from model_adapters.registry import list_methods

    rows = list_methods()
    if getattr(args, "json", False):
        print(json.dumps(rows, indent=2))
        return 0
    table = [("METHOD", "AVAILABLE", "INSTALL", "GRAMMAR")]
    for r in rows:
        install = "-" if r["available"] else (f"install compsec[{r['extra']}]" if r["extra"] else r["reason"])
        table.append((r["method"], "yes" if r["available"] else "no", install, r["grammar"]))
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
    missing = [r for r in rows if not r["available"]]
    if missing and getattr(args, "verbose_reasons", False):
        print()
        for r in missing:
            print(f"{r['method']}: {r['reason']}")
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from model_adapters.loading import load_variant

    lv = load_variant(
        args.base,
        args.variant,
        dtype=args.dtype,
        device=args.device,
        calibration=args.calibration,
        cache_dir=args.cache_dir,
        allow_pickle=args.allow_pickle,
        fidelity=not args.no_fidelity,
        gguf_file=args.gguf_file,
    )
    man = lv.manifest
    if args.output:
        man.save(args.output)
    print(man.to_json() if args.json else man.summary())
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from model_adapters.integrity import mismatches
    from model_adapters.manifest import Manifest

    man = Manifest.load(args.manifest)
    path = Path(args.path)
    if not path.exists():
        raise CompsecError(f"{args.path}: no such file or folder")
    pins = man.pins(args.which)
    if path.is_file():  # one file: check the pin with its name
        if path.name not in pins:
            raise CompsecError(
                f"{path.name!r} is not among the files the manifest pins ({', '.join(sorted(pins)) or 'none'})"
            )
        pins = {path.name: pins[path.name]}
    bad = mismatches(path, pins)
    for f, want, got in bad:
        print(f"MISMATCH {f}: expected sha256 {want}, got {got}", file=sys.stderr)
    if bad:
        print(f"compsec verify: {len(bad)} of {len(pins)} file(s) do not match {args.manifest}", file=sys.stderr)
        return 1
    print(f"ok: {len(pins)} file(s) match {args.manifest}")
    return 0


def add_subparsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``variants``, ``manifest`` and ``verify`` to the main parser's subcommands."""
    s = sub.add_parser("variants", help="list the compression methods, whether they are installed, their grammar")
    s.add_argument("--json", action="store_true", help="print JSON rows")
    s.add_argument("--reasons", dest="verbose_reasons", action="store_true",
                   help="say why each unavailable method is unavailable")
    s.set_defaults(func=cmd_variants)

    s = sub.add_parser("manifest", help="load or produce a variant and print its manifest")
    s.add_argument("base", help="local model folder, .gguf file, or organism:<name>")
    s.add_argument("--variant", default="original", help="variant spec, e.g. rtn:4:g64, bnb:nf4, prune:wanda:0.5")
    s.add_argument("--json", action="store_true", help="print the manifest as JSON")
    s.add_argument("--no-fidelity", action="store_true", help="skip the KL comparison with the base")
    s.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16", "auto"])
    s.add_argument("--device", default="cpu")
    s.add_argument("--calibration", help="calibration prompts: compsec:dev (default), compsec:<set>[:<split>], "
                                         "a .jsonl prompt set or a .txt file")
    s.add_argument("--cache-dir", help="where produced variants are cached (default $COMPSEC_CACHE_DIR/variants)")
    s.add_argument("--gguf-file", help="GGUF file name inside BASE")
    s.add_argument("--allow-pickle", action="store_true",
                   help="accept pickle-only checkpoints (.bin/.pt): they can run code when loaded")
    s.add_argument("-o", "--output", help="also write the manifest JSON here (atomically)")
    s.set_defaults(func=cmd_manifest)

    s = sub.add_parser("verify", help="check weight files against the sha256 pins of a manifest")
    s.add_argument("path", help="model folder or weight file")
    s.add_argument("--manifest", required=True, help="manifest JSON (from compsec manifest -o)")
    s.add_argument("--which", default="auto", choices=["auto", "base", "variant"],
                   help="the pins to check: the variant's saved files or the base's (auto: variant if saved)")
    s.set_defaults(func=cmd_verify)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one of these commands alone (``python -m compsec_tasks.variants_cli verify ...``)."""
    parser = argparse.ArgumentParser(prog="compsec")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_subparsers(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except CompsecError as exc:
        print(f"compsec: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
