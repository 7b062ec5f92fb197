"""Manifest: what was actually evaluated.

The spec, the backend and its version, torch/transformers versions, the sha256 of every base
weight file (and of the variant's own files when it was saved), parameter count, bytes of
weights in memory, achieved sparsity, and the fidelity against the base on the probe set. It
travels into lm-eval results and inspect eval metadata, so a leaderboard row can always say
what it measured. JSON round-trips: ``Manifest.from_dict(m.to_dict()) == m``.

Bytes (:func:`model_stats`, measured on the variant as loaded, before any forward pass):

* ``weight_bytes`` — every tensor the model holds for its weights: parameters and buffers as
  stored (packed quantized data at its packed size, tensor subclasses as the tensors they are
  made of), plus the quantization metadata kept outside them (bitsandbytes ``quant_state``
  absmax/code and int8 row scales ``SCB``, hqq's ``meta`` scales and zero points). A storage
  shared by two tensors (tied embeddings) counts once.
* ``linear_weight_bytes`` — the same, restricted to the linear layers of the network body
  (``nn.Linear`` and the backends' quantized linear modules) with their quantization metadata;
  embeddings, the output head (``lm_head``) and norms are left out.
* ``linear_weight_bytes_fp32`` — what those linear layers' weights (and biases) take in
  float32: 4 bytes per logical element. ``linear_weight_bytes / linear_weight_bytes_fp32`` is
  about 0.26 for int8 formats and 0.13-0.2 for 4-bit ones.
* ``nominal_linear_weight_bytes`` — only for simulated quantization (``rtn``), which holds its
  weights in floating point on the quantization grid: what a packed format at the spec's
  effective bits per weight (bits + 16-bit scale, and zero point when asymmetric, per group)
  would hold. ``weight_bytes_note`` says so.
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

__all__ = [
    "Manifest",
    "SCHEMA_VERSION",
    "model_stats",
    "tensor_nbytes",
    "runtime_versions",
    "linear_modules",
    "simulated_linear_bytes",
    "SIMULATED_NOTE",
]

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
    # why fidelity is None although it was asked for (the variant's tokenizer differs from the
    # base's), or how it was restricted (the rows of a padded output layer both models share)
    fidelity_note: str | None = None
    linear_weight_bytes: int | None = None  # linear layers but lm_head, with quantization metadata
    linear_weight_bytes_fp32: int | None = None  # the same layers' weights in float32
    nominal_linear_weight_bytes: int | None = None  # simulated quantization: a packed format's bytes
    weight_bytes_note: str | None = None  # what the byte counts mean for this method, when it matters

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
        if self.linear_weight_bytes is not None and self.linear_weight_bytes_fp32:
            ratio = self.linear_weight_bytes / self.linear_weight_bytes_fp32
            lines.append(f"linear       {self.linear_weight_bytes / 2**20:,.2f} MiB, {ratio:.3f}x their float32 size")
        if self.nominal_linear_weight_bytes is not None and self.linear_weight_bytes_fp32:
            ratio = self.nominal_linear_weight_bytes / self.linear_weight_bytes_fp32
            lines.append(f"nominal      {self.nominal_linear_weight_bytes / 2**20:,.2f} MiB packed, "
                         f"{ratio:.3f}x float32 (simulated quantization)")
        if self.weight_bytes_note:
            lines.append(f"bytes note   {self.weight_bytes_note}")
        if self.sparsity is not None:
            lines.append(f"sparsity     {self.sparsity:.4f}")
        if self.fidelity:
            f = self.fidelity
            lines.append(
                f"fidelity     KL mean {f['kl_mean']:.4g}, max {f['kl_max']:.4g}, top-1 agreement "
                f"{f['top1_agreement']:.3f} over {f['n_tokens']} tokens"
            )
        if self.fidelity_note:
            lines.append(f"fidelity     {'not measured: ' if not self.fidelity else ''}{self.fidelity_note}")
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


SIMULATED_NOTE = (
    "simulated quantization: the weights are held in {dtype} on the {bits}-bit grid, so weight_bytes and "
    "linear_weight_bytes are floating-point bytes; nominal_linear_weight_bytes is what a packed format at "
    "{effective_bits:.4g} effective bits per weight would hold"
)


class _Bytes:
    """Sums tensor bytes, each storage once (tied weights, a bitsandbytes ``CB`` that is the
    parameter's own data, a ``code`` table shared by layers)."""

    def __init__(self) -> None:
        self.seen: set[Any] = set()

    def _key(self, t: Any) -> Any:
        try:
            ptr = int(t.untyped_storage().data_ptr())
        except Exception:  # noqa: BLE001 - tensor subclasses and meta tensors have no storage
            ptr = 0
        if not ptr:
            return ("id", id(t))
        return ("mem", ptr, int(t.storage_offset()), tuple(t.shape), str(t.dtype))

    def add(self, t: Any) -> int:
        if t is None or not hasattr(t, "element_size"):
            return 0
        flatten = getattr(t, "__tensor_flatten__", None)
        if flatten is not None and type(t).__name__ not in ("Tensor", "Parameter"):
            try:
                names, _ = flatten()
                inner = [getattr(t, n) for n in names]
            except Exception:  # noqa: BLE001 - fall back to the plain size
                inner = []
            if inner:
                key = ("id", id(t))
                if key in self.seen:
                    return 0
                self.seen.add(key)
                return sum(self.add(x) for x in inner)
        key = self._key(t)
        if key in self.seen:
            return 0
        self.seen.add(key)
        total = int(t.numel()) * int(t.element_size())
        for extra in _attached_tensors(t):
            total += self.add(extra)
        return total


def _attached_tensors(t: Any) -> list[Any]:
    """Quantization metadata hanging off a parameter: bitsandbytes 4-bit ``quant_state``
    (absmax, code, offset, and the nested state of double quantization) and int8 ``SCB``/``CB``."""
    out: list[Any] = []
    qs = getattr(t, "quant_state", None)
    while qs is not None:
        out.extend(getattr(qs, a, None) for a in ("absmax", "code", "offset"))
        qs = getattr(qs, "state2", None)
    for attr in ("SCB", "CB"):
        out.append(getattr(t, attr, None))
    return [x for x in out if x is not None and hasattr(x, "element_size") and x is not t]


def _meta_tensors(module: Any) -> list[Any]:
    """Tensors a module keeps in a ``meta`` dict outside its parameters and buffers (hqq's
    ``HQQLinear``: scales and zero points, and their own metadata when those are quantized)."""
    meta = getattr(module, "meta", None)
    out: list[Any] = []
    stack = [meta] if isinstance(meta, dict) else []
    while stack:
        d = stack.pop()
        for v in d.values():
            if isinstance(v, dict):
                stack.append(v)
            elif hasattr(v, "element_size") and hasattr(v, "numel"):
                out.append(v)
    return out


def tensor_nbytes(t: Any) -> int:
    """Bytes a tensor occupies as stored: packed quantized tensors count their packed data,
    tensor subclasses (torchao, quanto) the tensors they are made of, bitsandbytes parameters
    their quantization state as well."""
    return _Bytes().add(t)


def _logical_numel(t: Any) -> int:
    qs = getattr(t, "quant_state", None)
    shape = getattr(qs, "shape", None)
    if shape is not None:
        n = 1
        for s in shape:
            n *= int(s)
        return n
    return int(t.numel())


def _head_modules(model: Any) -> set[int]:
    """ids of the output head (``get_output_embeddings()``, any module named ``lm_head``)."""
    out: set[int] = set()
    get = getattr(model, "get_output_embeddings", None)
    if callable(get):
        try:
            head = get()
        except Exception:  # noqa: BLE001 - some wrappers do not implement it
            head = None
        if head is not None:
            out.add(id(head))
    for name, mod in model.named_modules():
        if name == "lm_head" or name.endswith(".lm_head"):
            out.add(id(mod))
    return out


def linear_modules(model: Any) -> list[tuple[str, Any]]:
    """(name, module) of the linear layers of the network body: ``nn.Linear`` (bitsandbytes,
    quanto, torchao and compressed-tensors layers are ones) and the backends' own quantized
    linear modules (hqq ``HQQLinear``, gptqmodel/AWQ ``*QuantLinear``), without the output head."""
    import torch

    head = _head_modules(model)
    out = []
    for name, mod in model.named_modules():
        if id(mod) in head:
            continue
        if isinstance(mod, torch.nn.Linear) or type(mod).__name__.endswith("Linear"):
            out.append((name, mod))
    return out


def _linear_logical_numel(mod: Any) -> int:
    """Weight (and bias) elements of a linear layer before quantization."""
    fin, fout = getattr(mod, "in_features", None), getattr(mod, "out_features", None)
    if isinstance(fin, int) and isinstance(fout, int) and fin > 0 and fout > 0:
        n = fin * fout
    else:
        w = getattr(mod, "weight", None)
        n = _logical_numel(w) if w is not None and hasattr(w, "numel") else 0
    bias = getattr(mod, "bias", None)
    if bias is not None and hasattr(bias, "numel"):
        n += int(bias.numel())
    return n


def model_stats(model: Any) -> dict[str, int]:
    """Sizes of ``model`` as it is held now (see the module docstring for what each counts):
    ``n_parameters`` (logical weights, tied ones once), ``weight_bytes``,
    ``linear_weight_bytes`` and ``linear_weight_bytes_fp32``.

    Measure a variant before its first forward pass: compressed-tensors models decompress their
    packed weights to the model dtype on the first one."""
    seen: set[int] = set()
    n_params = 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        n_params += _logical_numel(p)

    counter = _Bytes()
    linear_bytes = linear_fp32 = 0
    for _, mod in linear_modules(model):
        own = [*mod.parameters(recurse=False), *mod.buffers(recurse=False), *_meta_tensors(mod)]
        linear_bytes += sum(counter.add(t) for t in own)
        linear_fp32 += 4 * _linear_logical_numel(mod)
    n_bytes = linear_bytes
    n_bytes += sum(counter.add(p) for p in model.parameters())
    n_bytes += sum(counter.add(b) for b in model.buffers())
    for mod in model.modules():
        n_bytes += sum(counter.add(t) for t in _meta_tensors(mod))
    return {"n_parameters": n_params, "weight_bytes": n_bytes, "linear_weight_bytes": linear_bytes,
            "linear_weight_bytes_fp32": linear_fp32}


def simulated_linear_bytes(model: Any, bits: int, group_size: int | None, symmetric: bool = True,
                           scale_bits: int = 16) -> dict[str, Any]:
    """What the linear layers of :func:`linear_modules` would hold packed at ``bits`` per
    weight with one ``scale_bits`` scale (and zero point when not ``symmetric``) per group of
    ``group_size`` input columns (``None``: per output row); biases stay float32. Returns
    ``nominal_linear_weight_bytes`` and ``effective_bits`` (bits per weight, metadata included)."""
    total_bits = 0
    n_weights = 0
    extra = 0
    per_group = scale_bits * (1 if symmetric else 2)
    for _, mod in linear_modules(model):
        fin, fout = getattr(mod, "in_features", None), getattr(mod, "out_features", None)
        if not (isinstance(fin, int) and isinstance(fout, int)):
            continue
        g = fin if group_size is None or group_size >= fin else int(group_size)
        groups = fout * (-(-fin // g))
        total_bits += fin * fout * bits + groups * per_group
        n_weights += fin * fout
        bias = getattr(mod, "bias", None)
        if bias is not None and hasattr(bias, "numel"):
            extra += 4 * int(bias.numel())
    nominal = -(-total_bits // 8) + extra
    return {"nominal_linear_weight_bytes": int(nominal),
            "effective_bits": round(total_bits / n_weights, 4) if n_weights else float(bits)}
