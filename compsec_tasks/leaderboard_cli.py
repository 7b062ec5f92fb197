"""``compsec leaderboard run|publish|merge``: the command line of :mod:`compsec_tasks.leaderboard`.

::

    compsec leaderboard run RECIPE [--out DIR] [--work DIR] [--quick] [--only LABEL ...] [--force] [--strict]
    compsec leaderboard publish RUN_DIR [--out DIR] [--force]
    compsec leaderboard merge A B [...] --out DIR [--name NAME] [--force]

``run`` evaluates the original and every variant of the recipe (resumably: complete runs are
reused, a killed run continues where it stopped), compares, and publishes into
``leaderboards/published/<name>`` (``<name>-quick`` with ``--quick``). ``publish`` rebuilds the
outputs from existing runs: RUN_DIR is a work folder (with ``compsec_state.json``) or a
published folder holding ``runs/``. ``merge`` combines published leaderboards.

Exit status: 0 published; 1 an error (bad recipe, refused output folder, ...); 4 with
``--strict`` when a row has no results (failed or missing).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import CompsecError, InputFileError

__all__ = ["add_subparsers", "cmd_run", "cmd_publish", "cmd_merge", "main", "EXIT_ROWS_FAILED"]

#: exit status of --strict when a row has no results
EXIT_ROWS_FAILED = 4


def _report(lb_path: Path, strict: bool) -> int:
    from .leaderboard import load_leaderboard
    from .leaderboard.publish import summary_lines

    lb = load_leaderboard(lb_path)
    sys.stdout.write(summary_lines(lb))
    bad = [r for r in lb["rows"] if r["status"] != "ok"]
    for r in bad:
        print(f"compsec: {r['key']} ({r['status']}): {r['error']}", file=sys.stderr)
    print(f"published {lb['name']} to {lb_path.parent} (index.html, README.md, leaderboard.json, leaderboard.csv, "
          "findings/)")
    return EXIT_ROWS_FAILED if strict and bad else 0


def cmd_run(args: argparse.Namespace) -> int:
    from .leaderboard import Recipe, run_recipe
    from .leaderboard.recipe import parse_jobs

    jobs = parse_jobs(args.jobs, "--jobs") if args.jobs is not None else None
    recipe = Recipe.from_yaml(args.recipe)
    report = run_recipe(recipe, out=args.out, work=args.work, quick=args.quick, only=args.only or None,
                        force=args.force, progress=not args.no_progress, jobs=jobs)
    st = report.state
    print(f"evaluated {len(report.evaluated)} variant(s) ({report.task_evaluations} task run(s)), reused "
          f"{len(report.reused)}, failed {len(report.failed)}; {report.wall_s:.1f} s"
          + (f"; most evaluations of one variant: {st.max_evaluations()}" if st else ""))
    return _report(report.out_dir / "leaderboard.json", args.strict)


def _work_folder(path: Path) -> Path:
    from .leaderboard.runner import STATE_FILE

    if (path / STATE_FILE).is_file():
        return path
    if (path / "runs" / STATE_FILE).is_file():
        return path / "runs"
    raise InputFileError(
        f"{path}: no {STATE_FILE} here or in {path / 'runs'}; give the work folder of a leaderboard run "
        "(--work of compsec leaderboard run) or the published folder that holds runs/"
    )


def cmd_publish(args: argparse.Namespace) -> int:
    from .leaderboard import publish_work

    given = Path(args.run_dir)
    work = _work_folder(given)
    out: Path | None = Path(args.out) if args.out else (given if work != given else None)
    written = publish_work(work, out, force=args.force)
    return _report(written["leaderboard.json"], args.strict)


def cmd_merge(args: argparse.Namespace) -> int:
    from .leaderboard import merge_published

    written = merge_published(args.inputs, args.out, name=args.name, force=args.force)
    return _report(written["leaderboard.json"], args.strict)


def _add_common(s: argparse.ArgumentParser) -> None:
    s.add_argument("--force", action="store_true",
                   help="write into an output folder that holds a different leaderboard")
    s.add_argument("--strict", action="store_true",
                   help=f"exit {EXIT_ROWS_FAILED} when a row has no results (failed or not evaluated)")


def add_subparsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``leaderboard`` (with ``run``, ``publish``, ``merge``) to the main parser's subcommands."""
    lb = sub.add_parser(
        "leaderboard",
        help="run a leaderboard recipe, publish it, or merge published leaderboards",
        description="Comparative safety leaderboards across compression formats: JSON, CSV, Markdown and a "
                    "self-contained HTML page with plots.",
    )
    lsub = lb.add_subparsers(dest="leaderboard_command", metavar="ACTION")

    s = lsub.add_parser(
        "run", help="evaluate every variant of a recipe (resumably), compare with the original, publish",
        description="Evaluate the original and every variant of RECIPE through lm-eval, compare each with the "
                    "original, and publish. Complete runs are reused; a killed run continues where it stopped.",
    )
    s.add_argument("recipe", help="leaderboard recipe (leaderboards/<name>.yaml)")
    s.add_argument("--out", metavar="DIR",
                   help="published folder (default leaderboards/published/<name>, <name>-quick with --quick)")
    s.add_argument("--work", metavar="DIR", help="folder of the per-variant runs (default <out>/runs)")
    s.add_argument("--quick", action="store_true",
                   help="the recipe's quick subset (default: 8 prompts per task, 32 new tokens, 2 variants), "
                        "published as <name>-quick")
    s.add_argument("--only", nargs="+", metavar="LABEL",
                   help="evaluate only these variants (labels or specs); the original always runs")
    s.add_argument("--jobs", metavar="N",
                   help="variants evaluated at once, each in its own worker process: N or 'auto' (one per GPU; "
                        "on a CPU two or more, splitting the cores). Default: the recipe's jobs (1)")
    s.add_argument("--no-progress", action="store_true", help="no progress bars")
    _add_common(s)
    s.set_defaults(func=cmd_run)

    s = lsub.add_parser(
        "publish", help="rebuild the published outputs from existing runs",
        description="Rebuild leaderboard.json/.csv, README.md, index.html and findings/ from the runs in "
                    "RUN_DIR (a work folder, or a published folder holding runs/).",
    )
    s.add_argument("run_dir", metavar="RUN_DIR", help="work folder or published folder with runs/")
    s.add_argument("--out", metavar="DIR",
                   help="published folder (default: RUN_DIR's published folder, or leaderboards/published/<name>)")
    _add_common(s)
    s.set_defaults(func=cmd_publish)

    s = lsub.add_parser(
        "merge", help="combine published leaderboards (e.g. of several base models) into one",
        description="Combine published leaderboards into one folder with the same outputs.",
    )
    s.add_argument("inputs", nargs="+", metavar="LEADERBOARD", help="published folders (or their leaderboard.json)")
    s.add_argument("--out", required=True, metavar="DIR", help="folder of the merged leaderboard")
    s.add_argument("--name", help="name of the merged leaderboard (default: the --out folder's name)")
    _add_common(s)
    s.set_defaults(func=cmd_merge)

    def _no_action(args: argparse.Namespace) -> int:
        lb.print_help()
        return 2

    lb.set_defaults(func=_no_action)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``leaderboard ...`` alone (``python -m compsec_tasks.leaderboard_cli leaderboard run ...``)."""
    parser = argparse.ArgumentParser(prog="compsec")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_subparsers(sub)
    args: Any = parser.parse_args(argv)
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
