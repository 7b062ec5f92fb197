"""Integrity of model files: sha256 pins and safe formats.

* :func:`sha256_file`, :func:`hash_weight_files` — what a manifest records.
* :func:`verify_files` — check a folder (or one file) against pins; a mismatch raises
  :class:`IntegrityError` naming the file and both hashes.
* :func:`check_safe_format` — refuse checkpoints stored only as pickles (``.bin``, ``.pt``),
  which run arbitrary code when loaded, unless the caller explicitly allows them.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from pathlib import Path

from compsec_tasks.errors import CompsecError, IntegrityError, UnsafeFormatError

__all__ = [
    "WEIGHT_SUFFIXES",
    "PICKLE_SUFFIXES",
    "sha256_file",
    "weight_files",
    "hash_weight_files",
    "verify_files",
    "mismatches",
    "check_safe_format",
]

SAFE_SUFFIXES = (".safetensors", ".gguf")
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
WEIGHT_SUFFIXES = SAFE_SUFFIXES + PICKLE_SUFFIXES

# (path, inode, size, mtime_ns, ctime_ns) -> sha256, so one process hashes a 500 MB base once;
# any write changes ctime, which no caller can set back
_MEMO: dict[tuple[str, int, int, int, int], str] = {}
_memo_lock = threading.Lock()


def sha256_file(path: str | Path, *, memo: bool = True) -> str:
    """sha256 of a file's bytes (memoised within a process until the file changes)."""
    p = Path(path)
    st = p.stat()
    key = (str(p.resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if memo:
        with _memo_lock:
            if key in _MEMO:
                return _MEMO[key]
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    if memo:
        with _memo_lock:
            _MEMO[key] = digest
    return digest


def weight_files(path: str | Path) -> list[Path]:
    """The weight files of a model: ``path`` itself when it is a file, else every
    safetensors/gguf/pickle file in the folder (top level and one level down), sorted."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise CompsecError(f"{str(p)!r} is neither a model folder nor a weight file")
    files = [f for f in p.rglob("*") if f.is_file() and f.suffix in WEIGHT_SUFFIXES
             and len(f.relative_to(p).parts) <= 2 and not f.name.startswith(".")]
    return sorted(files, key=lambda f: f.relative_to(p).as_posix())


def _rel(path: Path, root: Path) -> str:
    return path.name if root.is_file() else path.relative_to(root).as_posix()


def hash_weight_files(path: str | Path) -> dict[str, str]:
    """file name (relative to the folder) -> sha256 for every weight file of ``path``."""
    root = Path(path)
    return {_rel(f, root): sha256_file(f) for f in weight_files(root)}


def _normalise(path: Path, expected: Mapping[str, str] | str) -> dict[str, str]:
    if isinstance(expected, str):
        files = weight_files(path)
        if len(files) != 1:
            names = ", ".join(_rel(f, path) for f in files) or "none"
            raise CompsecError(
                f"a single sha256 pin needs a single weight file, but {str(path)!r} has {len(files)} ({names}); "
                "pin each file: {'model.safetensors': '<sha256>', ...}"
            )
        return {_rel(files[0], path): expected.lower()}
    if not isinstance(expected, Mapping) or not expected:
        raise CompsecError(f"sha256 pins must be a non-empty mapping of file name -> sha256, got {expected!r}")
    return {str(k): str(v).lower() for k, v in expected.items()}


def _target(path: Path, name: str) -> Path:
    if path.is_file():
        return path if (name == path.name or Path(name).name == path.name) else path.parent / name
    return path / name


def mismatches(path: str | Path, expected: Mapping[str, str] | str) -> list[tuple[str, str, str]]:
    """(file, expected, actual) for each pinned file whose sha256 differs (actual is
    ``"(missing)"`` for a missing file); empty when everything matches."""
    root = Path(path)
    out = []
    for name, want in sorted(_normalise(root, expected).items()):
        f = _target(root, name)
        got = sha256_file(f) if f.is_file() else "(missing)"
        if got != want:
            out.append((str(f), want, got))
    return out


def verify_files(path: str | Path, expected: Mapping[str, str] | str, what: str = "weight file") -> dict[str, str]:
    """Check every pinned file of ``path`` (a folder, or a single file); returns the pins.
    Raises :class:`IntegrityError` naming the first bad file and both hashes."""
    bad = mismatches(path, expected)
    if bad:
        f, want, got = bad[0]
        err = IntegrityError(f, want, got, what)
        if len(bad) > 1:
            err.args = (f"{err.args[0]} ({len(bad) - 1} more file(s) also fail)",)
        raise err
    return _normalise(Path(path), expected)


def check_safe_format(path: str | Path, allow_pickle: bool = False) -> list[Path]:
    """Refuse a model whose weights exist only as pickles; returns its weight files.

    A folder with safetensors (or a GGUF file) is safe: transformers loads those and ignores
    the pickles. With only ``.bin``/``.pt`` files, loading unpickles them, which can run any
    code the file's author wrote; ``allow_pickle=True`` accepts that risk explicitly.
    """
    files = weight_files(path)
    if not files:
        raise CompsecError(f"no weight files (safetensors, gguf, bin) in {str(path)!r}")
    if any(f.suffix in SAFE_SUFFIXES for f in files) or allow_pickle:
        return files
    names = ", ".join(f.name for f in files[:5])
    raise UnsafeFormatError(
        f"{str(path)!r} holds only pickle checkpoints ({names}). Loading a pickle can execute "
        "arbitrary code embedded in the file, so compsec refuses it. Convert it to safetensors "
        "(model.save_pretrained(dir, safe_serialization=True) on a trusted machine), or, if you "
        "trust its source, pass allow_pickle=True (--allow-pickle on the command line)."
    )
