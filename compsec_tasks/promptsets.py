"""PromptSet: versioned, hashed JSONL prompt files with stable ids.

Schema of one line (one JSON object per line)::

    {"id": "harm-cyber-012",      # stable id, unique in the file: [a-z0-9][a-z0-9._:/-]*
     "prompt": "...",             # the user request (requests only, never harmful content)
     "category": "cyber",         # free-form category name
     "kind": "harmful",           # harmful | benign | triggered | clean
     "split": "test",             # dev (tuning, training) | test (reporting only)
     ...}                         # optional extra fields (twin_id, source, lang, ...) are kept

The sha256 of the file's bytes identifies the exact prompts a run used; it is written into
lm-eval results and inspect logs, and a comparison refuses to join runs whose hashes differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ._io import sha256_file
from .errors import PromptSetError, UnknownNameError

KINDS = ("harmful", "benign", "triggered", "clean")
SPLITS = ("dev", "test")
REQUIRED_FIELDS = ("id", "prompt", "category", "kind", "split")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._:/-]*$")


@dataclass(frozen=True)
class PromptRecord:
    id: str
    prompt: str
    category: str
    kind: str
    split: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "prompt": self.prompt,
            "category": self.category,
            "kind": self.kind,
            "split": self.split,
        }
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class PromptSetInfo:
    """A shipped prompt set: its name, file, version and what it holds."""

    name: str
    filename: str
    version: str
    description: str


# The prompt sets shipped in compsec_tasks/data. Bump `version` whenever a file changes.
SHIPPED: dict[str, PromptSetInfo] = {
    info.name: info
    for info in (
        PromptSetInfo(
            "harmful", "harmful.jsonl", "1.0",
            "Harmful requests across categories; a safe model refuses them.",
        ),
        PromptSetInfo(
            "benign", "benign.jsonl", "1.0",
            "Benign requests that share surface words with harmful ones (XSTest style); "
            "a safe model answers them.",
        ),
        PromptSetInfo(
            "backdoor", "backdoor.jsonl", "1.0",
            "Harmful requests used in triggered/clean pairs for backdoor tests.",
        ),
        PromptSetInfo(
            "paraphrase", "paraphrase.jsonl", "1.0",
            "Harmful requests phrased unlike the training data, for refusal generalisation.",
        ),
    )
}


@dataclass(frozen=True)
class PromptSet:
    name: str
    version: str
    path: str
    sha256: str
    records: tuple[PromptRecord, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[PromptRecord]:
        return iter(self.records)

    def select(
        self,
        split: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
        category: str | Iterable[str] | None = None,
    ) -> list[PromptRecord]:
        """Records matching every given filter (a value or a list of values)."""

        def norm(v: str | Iterable[str] | None, allowed: Iterable[str] | None, what: str):
            if v is None:
                return None
            vals = {v} if isinstance(v, str) else set(v)
            if allowed is not None:
                bad = vals - set(allowed)
                if bad:
                    raise PromptSetError(
                        f"{what} must be one of {', '.join(allowed)}; got {', '.join(sorted(bad))}"
                    )
            return vals

        splits = norm(split, SPLITS, "split")
        kinds = norm(kind, KINDS, "kind")
        cats = norm(category, None, "category")
        return [
            r
            for r in self.records
            if (splits is None or r.split in splits)
            and (kinds is None or r.kind in kinds)
            and (cats is None or r.category in cats)
        ]

    @property
    def categories(self) -> list[str]:
        return sorted({r.category for r in self.records})


def parse_records(lines: Iterable[str], source: str) -> list[PromptRecord]:
    """Parse and validate JSONL lines; errors name ``source`` and the 1-based line number."""
    records: list[PromptRecord] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PromptSetError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise PromptSetError(f"{source}:{lineno}: expected a JSON object, got {type(obj).__name__}")
        missing = [k for k in REQUIRED_FIELDS if k not in obj]
        if missing:
            raise PromptSetError(
                f"{source}:{lineno}: missing field(s) {', '.join(missing)}; "
                f"every line needs {', '.join(REQUIRED_FIELDS)}"
            )
        for k in REQUIRED_FIELDS:
            if not isinstance(obj[k], str) or not obj[k].strip():
                raise PromptSetError(f"{source}:{lineno}: field {k!r} must be a non-empty string")
        rid = obj["id"]
        if not _ID_RE.match(rid):
            raise PromptSetError(
                f"{source}:{lineno}: id {rid!r} must match {_ID_RE.pattern} (lowercase, no spaces)"
            )
        if rid in seen:
            raise PromptSetError(
                f"{source}:{lineno}: duplicate id {rid!r} (first seen on line {seen[rid]}); ids must be unique"
            )
        seen[rid] = lineno
        if obj["kind"] not in KINDS:
            raise PromptSetError(
                f"{source}:{lineno}: kind {obj['kind']!r} is not one of {', '.join(KINDS)}"
            )
        if obj["split"] not in SPLITS:
            raise PromptSetError(
                f"{source}:{lineno}: split {obj['split']!r} is not one of {', '.join(SPLITS)}"
            )
        extra = {k: v for k, v in obj.items() if k not in REQUIRED_FIELDS}
        records.append(
            PromptRecord(obj["id"], obj["prompt"], obj["category"], obj["kind"], obj["split"], extra)
        )
    if not records:
        raise PromptSetError(f"{source}: no records (the file is empty)")
    return records


def load_file(path: str | Path, name: str | None = None, version: str = "0") -> PromptSet:
    """Load and validate a user's prompt-set JSONL file."""
    p = Path(path)
    if not p.is_file():
        raise PromptSetError(f"prompt set file {str(p)!r} does not exist or is not a file")
    with open(p, encoding="utf-8") as fh:
        records = parse_records(fh, str(p))
    return PromptSet(name or p.stem, version, str(p), sha256_file(p), tuple(records))


def data_path(filename: str) -> Path:
    return Path(str(resources.files("compsec_tasks") / "data" / filename))


_CACHE: dict[str, PromptSet] = {}


def load(name: str) -> PromptSet:
    """Load a shipped prompt set by name (see :data:`SHIPPED`), or a JSONL file by path."""
    if name in SHIPPED:
        if name not in _CACHE:
            info = SHIPPED[name]
            _CACHE[name] = load_file(data_path(info.filename), info.name, info.version)
        return _CACHE[name]
    if name.endswith(".jsonl") or "/" in name:
        return load_file(name)
    raise UnknownNameError("prompt set", name, SHIPPED)


def available() -> list[PromptSetInfo]:
    return list(SHIPPED.values())
