"""On-disk cache of produced variants (GPTQ runs take minutes; a second run reuses them).

An entry is a folder ``<cache_dir>/<method>-<key[:16]>/`` holding the variant's files and
``compsec_variant.json`` (the key, what went into it, the sha256 of every file). Entries are
written into a temporary folder and moved into place with ``os.replace``, so a reader never
sees half an entry; a lookup re-hashes the files and refuses an entry that changed.

The key is the sha256 of the base weight files' sha256s, the spec's canonical string, the
backend version and the calibration prompts' hash: change any of them and the variant is
produced again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError

from .integrity import verify_files
from .manifest import now_utc
from .spec import VariantSpec, parse_variant

logger = logging.getLogger(__name__)

__all__ = [
    "ENTRY_FILE",
    "default_cache_dir",
    "cache_key",
    "calibration_hash",
    "entry_path",
    "lookup",
    "store",
    "get_or_produce",
]

ENTRY_FILE = "compsec_variant.json"


def default_cache_dir() -> Path:
    """``$COMPSEC_CACHE_DIR/variants``, else ``~/.cache/compsec/variants``."""
    root = os.environ.get("COMPSEC_CACHE_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "compsec"
    return base / "variants"


def _root(cache_dir: str | Path | None) -> Path:
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()


def calibration_hash(prompts: list[str] | None) -> str | None:
    """sha256 of the calibration prompts (None when the method uses none)."""
    if prompts is None:
        return None
    return hashlib.sha256(json.dumps(list(prompts), ensure_ascii=False).encode()).hexdigest()


def cache_key(base_sha256: Mapping[str, str], spec: VariantSpec | str, backend_version: str,
              calibration: str | None = None) -> str:
    """sha256 over (base weight sha256s, spec canonical string, backend version, calibration
    hash); ``calibration`` is a hash from :func:`calibration_hash`."""
    if not base_sha256:
        raise CompsecError("a cache key needs the sha256 of at least one base weight file")
    payload = {
        "base": dict(sorted((str(k), str(v)) for k, v in base_sha256.items())),
        "spec": parse_variant(spec).to_string(),
        "backend_version": backend_version or "",
        "calibration": calibration,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


LOCKS_DIR = ".locks"


def entry_path(key: str, method: str = "variant", cache_dir: str | Path | None = None) -> Path:
    return _root(cache_dir) / f"{method}-{key[:16]}"


def _read_entry(path: Path) -> dict[str, Any] | None:
    meta = path / ENTRY_FILE
    if not meta.is_file():
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def lookup(key: str, method: str = "variant", cache_dir: str | Path | None = None, *,
           verify: bool = True) -> Path | None:
    """The entry folder for ``key``, or None. With ``verify`` (default) every file is
    re-hashed; a changed file raises :class:`IntegrityError` naming it and both hashes."""
    path = entry_path(key, method, cache_dir)
    meta = _read_entry(path)
    if meta is None or meta.get("key") != key:
        return None
    files = meta.get("files") or {}
    if verify and files:
        verify_files(path, files, what="cached variant file")
    return path


def _hash_tree(folder: Path) -> dict[str, str]:
    from .integrity import sha256_file

    return {
        f.relative_to(folder).as_posix(): sha256_file(f, memo=False)
        for f in sorted(folder.rglob("*"))
        if f.is_file() and f.name != ENTRY_FILE
    }


def store(key: str, produce: Callable[[Path], Mapping[str, Any] | None], method: str = "variant",
          cache_dir: str | Path | None = None, info: Mapping[str, Any] | None = None) -> Path:
    """Call ``produce(tmp_dir)`` to write the variant's files, record them and move the folder
    into place atomically. When another process stored the same key first, its entry is
    kept. ``produce`` may return a dict, kept in the entry (``meta["produced"]``)."""
    final = entry_path(key, method, cache_dir)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        produced = produce(tmp) or {}
        meta = {
            "key": key,
            "method": method,
            "created_at": now_utc(),
            "info": dict(info or {}),
            "produced": dict(produced),
            "files": _hash_tree(tmp),
        }
        (tmp / ENTRY_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n",
                                      encoding="utf-8")
        if final.exists() and _read_entry(final) is None:
            # a stale, incomplete folder (no entry file): move it away, then replace it
            stale = final.with_name(f".{final.name}.stale-{os.getpid()}")
            os.replace(final, stale)
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(tmp, final)
        except OSError:
            if _read_entry(final) is None:
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process won the race: keep theirs
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("cached %s variant at %s", method, final)
    return final


def get_or_produce(key: str, produce: Callable[[Path], Mapping[str, Any] | None], method: str = "variant",
                   cache_dir: str | Path | None = None, info: Mapping[str, Any] | None = None
                   ) -> tuple[Path, bool]:
    """(entry folder, hit): the cached entry for ``key``, produced and stored on a miss.

    A process that finds the entry missing takes a lock on the key (``<cache folder>/.locks/
    <method>-<key>.lock``, an empty file, safe to delete when nothing runs) before producing it,
    so two processes that need the same variant at once (two leaderboard jobs, two users sharing
    a cache) produce it once: the second waits and reads it."""
    hit = lookup(key, method, cache_dir)
    if hit is not None:
        logger.info("variant cache hit: %s", hit)
        return hit, True
    from filelock import FileLock

    locks = _root(cache_dir) / LOCKS_DIR
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(str(locks / f"{method}-{key}.lock")):
        hit = lookup(key, method, cache_dir)
        if hit is not None:
            logger.info("variant cache hit (produced by another process): %s", hit)
            return hit, True
        return store(key, produce, method, cache_dir, info), False


def entry_meta(path: str | Path) -> dict[str, Any]:
    """The ``compsec_variant.json`` of an entry."""
    meta = _read_entry(Path(path))
    if meta is None:
        raise CompsecError(f"{str(path)!r} is not a compsec variant cache entry (no {ENTRY_FILE})")
    return meta
