"""Merge published leaderboards (typically of different base models) into one.

::

    compsec leaderboard merge leaderboards/published/a leaderboards/published/b --out leaderboards/published/ab

The rows of every input are kept as they are (each was compared with its own base model's
original, so nothing is recomputed), their findings folders are copied, and the same outputs
are written as for one leaderboard. Base labels must be distinct across the inputs (the
message names both leaderboards otherwise). When the inputs were made with different settings
(judge, split, limit, tokens, correction...), the merged leaderboard notes each difference and
keeps every input's settings in ``merged_from``.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import CompsecError
from .publish import SCHEMA_VERSION, _now, json_safe, load_leaderboard, write_outputs

logger = logging.getLogger(__name__)

__all__ = ["merge_leaderboards", "merge_published"]


def merge_leaderboards(paths: Sequence[str | os.PathLike[str]], name: str,
                       description: str | None = None) -> tuple[dict[str, Any], dict[str, Path]]:
    """``(merged leaderboard, files to copy)``: the files map ``findings/...`` paths of the
    merged folder to the input files they come from."""
    if len(paths) < 2:
        raise CompsecError("compsec leaderboard merge: give at least two published leaderboards")
    inputs = []
    for p in paths:
        folder = Path(p) if Path(p).is_dir() else Path(p).parent
        inputs.append((folder, load_leaderboard(p)))
    rows: list[dict[str, Any]] = []
    bases: list[dict[str, Any]] = []
    notes: list[str] = []
    merged_from: list[dict[str, Any]] = []
    tasks: dict[str, Any] = {}
    copies: dict[str, Path] = {}
    owner: dict[str, str] = {}
    for folder, lb in inputs:
        src = str(lb.get("name"))
        for b in lb.get("bases") or []:
            label = str(b.get("label"))
            if label in owner:
                raise CompsecError(
                    f"base model label {label!r} is in both leaderboard {owner[label]!r} and {src!r} ({folder}); "
                    "give the bases distinct labels in their recipes (base: {model: ..., label: ...})"
                )
            owner[label] = src
            bases.append({**b, "source": src})
            slug = str(b.get("slug") or "")
            fdir = folder / "findings" / slug
            if slug and fdir.is_dir():
                for f in sorted(fdir.rglob("*")):
                    if f.is_file():
                        copies[f"findings/{slug}/{f.relative_to(fdir).as_posix()}"] = f
        for r in lb.get("rows") or []:
            row = copy.deepcopy(r)
            row["source"] = src
            fnd = row.get("findings")
            if isinstance(fnd, dict):
                for k in ("markdown", "jsonl"):
                    if fnd.get(k) and fnd[k] not in copies:
                        notes.append(f"{src}: {fnd[k]} is missing from {folder}; its link is dropped")
                        fnd[k] = None
            rows.append(row)
        for t, info in (lb.get("tasks") or {}).items():
            tasks.setdefault(t, info)
        notes.extend(f"{src}: {n}" for n in lb.get("notes") or [])
        for m in lb.get("merged_from") or []:
            merged_from.append(m)
        if not lb.get("merged_from"):
            merged_from.append({
                "name": src, "source": str(folder), "created_at": lb.get("created_at"),
                "compsec_version": lb.get("compsec_version"), "quick": lb.get("quick"),
                "settings": lb.get("settings"), "recipe": lb.get("recipe"),
            })
    settings = dict(inputs[0][1].get("settings") or {})
    for _folder, lb in inputs[1:]:
        other = lb.get("settings") or {}
        diffs = [f"{k} {settings.get(k)!r} vs {other.get(k)!r}" for k in sorted(set(settings) | set(other))
                 if settings.get(k) != other.get(k)]
        if diffs:
            notes.append(f"{lb.get('name')} was made with other settings than {inputs[0][1].get('name')}: "
                         + "; ".join(diffs) + " (each base's rows keep their own; see merged_from)")
    names = [str(lb.get("name")) for _, lb in inputs]
    merged = {
        "schema_version": SCHEMA_VERSION,
        "kind": "compsec-leaderboard",
        "name": name,
        "description": description if description is not None else "Merged from " + ", ".join(names) + ".",
        "quick": any(bool(lb.get("quick")) for _, lb in inputs),
        "compsec_version": __version__,
        "created_at": _now(),
        "recipe": None,
        "merged_from": merged_from,
        "settings": settings,
        "tasks": tasks,
        "bases": bases,
        "rows": rows,
        "notes": notes,
    }
    return json_safe(merged), copies


def merge_published(paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], *,
                    name: str | None = None, description: str | None = None,
                    force: bool = False) -> dict[str, Path]:
    """Merge ``paths`` and write the outputs into ``out`` (named ``name``, default the
    folder's name)."""
    out_dir = Path(out)
    lb, copies = merge_leaderboards(paths, name or out_dir.resolve().name, description)
    written = write_outputs(lb, out_dir, {}, copy_files=copies, force=force)
    logger.info("merged %d leaderboards (%d rows) into %s", len(paths), len(lb["rows"]), out_dir)
    return written
