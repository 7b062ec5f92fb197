"""Manifest: what was actually evaluated.

The spec, the backend and its version, torch/transformers versions, the sha256 of every base
weight file (and of the variant's own files when it was saved), parameter count, bytes of
weights in memory, achieved sparsity, and the fidelity against the base on the probe set. It
travels into lm-eval results and inspect eval metadata, so a leaderboard row can always say
what it measured. JSON round-trips: ``Manifest.from_dict(m.to_dict()) == m``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, InputFileError

__all__ = ["Manifest", "SCHEMA_VERSION", "model_stats", "tensor_nbytes", "runtime_versions"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    spec: dict[str, Any]
    spec_string: str
    method: str
    backend: str
    backend_version: str
    base_ref: str  # as given: a path or organism:<name>
    base_path: str  # the local file or folder it resolved to
    base_files: dict[str, str]  # weight file -> sha256
    n_parameters: int
    weight_bytes: int
    dtype: str
    device: str
    versions: dict[str, str]  # torch, transformers, python, compsec, backend
    compsec_version: str
    created_at: str
    variant_files: dict[str, str] = field(default_factory=dict)
    variant_path: str | None = None
    sparsity: float | None = None
    fidelity: dict[str, Any] | None = None
    calibration: dict[str, Any] | None = None  # n prompts + sha256 when the method used them
    backend_info: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Manifest:
        if not isinstance(d, Mapping):
            raise InputFileError(f"a manifest is a JSON object, got {type(d).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        required = [f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        missing = [k for k in required if k not in d]
        if missing:
            raise InputFileError(f"manifest is missing field(s) {', '.join(missing)}")
        return cls(**{k: v for k, v in d.items() if k in names})

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True, ensure_ascii=False)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write JSON atomically (temp file in the same folder + rename)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.to_json() + "\n")
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return p

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Manifest:
        p = Path(path)
        if not p.is_file():
            raise InputFileError(f"manifest {str(p)!r} does not exist")
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputFileError(f"manifest {str(p)!r} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
        return cls.from_dict(data)

    def pins(self, which: str = "auto") -> dict[str, str]:
        """The sha256 pins to verify: ``variant`` files, ``base`` files, or ``auto`` (the
        variant's when it was saved, else the base's)."""
        if which == "variant" or (which == "auto" and self.variant_files):
            if not self.variant_files:
                raise CompsecError("this manifest records no saved variant files (the variant was built in memory)")
            return dict(self.variant_files)
        if which in ("base", "auto"):
            return dict(self.base_files)
        raise CompsecError(f"which must be auto, base or variant, got {which!r}")

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [
            f"variant      {self.spec_string}",
            f"base         {self.base_ref}" + (f" ({self.base_path})" if self.base_path != self.base_ref else ""),
            f"backend      {self.backend} {self.backend_version}".rstrip(),
            f"parameters   {self.n_parameters:,}",
            f"weights      {self.weight_bytes / 2**20:,.1f} MiB in memory ({self.dtype}, {self.device})",
        ]
        if self.sparsity is not None:
            lines.append(f"sparsity     {self.sparsity:.4f}")
        if self.fidelity:
            f = self.fidelity
            lines.append(
                f"fidelity     KL mean {f['kl_mean']:.4g}, max {f['kl_max']:.4g}, top-1 agreement "
                f"{f['top1_agreement']:.3f} over {f['n_tokens']} tokens"
            )
        for name, digest in self.base_files.items():
            lines.append(f"base file    {name} sha256 {digest}")
        for name, digest in self.variant_files.items():
            lines.append(f"variant file {name} sha256 {digest}")
        lines.append(f"created      {self.created_at} by compsec {self.compsec_version}")
        return "\n".join(lines)


def now_utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def runtime_versions() -> dict[str, str]:
    """Versions of python, torch, transformers and compsec in this process."""
    from compsec_tasks import __version__

    out = {"python": platform.python_version(), "compsec": __version__}
    for mod in ("torch", "transformers"):
        try:
            out[mod] = __import__(mod).__version__
        except ImportError:
            out[mod] = ""
    return out


def tensor_nbytes(t: Any) -> int:
    """Bytes a tensor occupies as stored: packed quantized tensors count their packed data,
    tensor subclasses (torchao, quanto) the tensors they are made of."""
    flatten = getattr(t, "__tensor_flatten__", None)
    if flatten is not None and type(t).__name__ not in ("Tensor", "Parameter"):
        try:
            names, _ = flatten()
            return sum(tensor_nbytes(getattr(t, n)) for n in names)
        except Exception:  # noqa: BLE001 - fall back to the plain size
            pass
    total = int(t.numel()) * int(t.element_size())
    qs = getattr(t, "quant_state", None)  # bitsandbytes Params4bit: absmax and friends
    if qs is not None:
        for attr in ("absmax", "code"):
            v = getattr(qs, attr, None)
            if v is not None and hasattr(v, "element_size"):
                total += int(v.numel()) * int(v.element_size())
    return total


def _logical_numel(t: Any) -> int:
    qs = getattr(t, "quant_state", None)
    shape = getattr(qs, "shape", None)
    if shape is not None:
        n = 1
        for s in shape:
            n *= int(s)
        return n
    return int(t.numel())


def model_stats(model: Any) -> dict[str, int]:
    """``n_parameters`` (logical weights, tied ones once) and ``weight_bytes`` (parameters
    and buffers as stored in memory)."""
    seen: set[int] = set()
    n_params = n_bytes = 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        n_params += _logical_numel(p)
        n_bytes += tensor_nbytes(p)
    for b in model.buffers():
        if id(b) in seen:
            continue
        seen.add(id(b))
        n_bytes += tensor_nbytes(b)
    return {"n_parameters": n_params, "weight_bytes": n_bytes}
