"""VariantSpec: a compressed variant as data.

One frozen dataclass per compression method, all subclasses of :class:`VariantSpec`. A spec
is parsed from a short string (``bnb:nf4``, ``hqq:3:g64``, ``prune:wanda:0.5:2of4``), from a
dict (YAML recipes) or built directly, and it round-trips::

    spec = parse_variant("rtn:4:g64:asym")
    assert parse_variant(spec.to_string()) == spec
    assert VariantSpec.from_dict(spec.to_dict()) == spec

The grammar, one method per line (``[...]`` is optional)::

    original
    rtn:<bits>[:g<group>|:pc][:asym][:head]          bits 2-8, group 128 by default, pc = per channel
    bnb:int8|nf4|fp4
    hqq:<bits>[:g<group>]                             bits 1, 2, 3, 4 or 8; group 64 by default
    quanto:int8|int4|int2
    torchao:int8wo|int4wo|int8dq|intx4wo|intx2wo
    gptq:<bits>[:g<group>|:pc][:n<samples>][:cal=<ref>]   or gptq:<path> (load a checkpoint)
    awq:<path>
    ct:<path> | ct:W4A16 | ct:W8A8                    compressed-tensors: load, or produce a scheme
    gguf:<file>[:<quant>]
    prune:magnitude|wanda|random:<sparsity>[:<N>of<M>][:s<seed>]   (prune:wanda:2of4 implies 0.5)
    distilled:<path>

A third party adds a method with its own spec class (a subclass of :class:`VariantSpec` with
``method``, ``grammar`` and the classmethod ``parse_args``) registered through
:func:`model_adapters.registry.register_method`.

This module imports neither torch nor any backend.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from compsec_tasks.errors import UnknownNameError, VariantError

__all__ = [
    "VariantSpec",
    "OriginalSpec",
    "RTNSpec",
    "BnbSpec",
    "HQQSpec",
    "QuantoSpec",
    "TorchaoSpec",
    "GPTQSpec",
    "AWQSpec",
    "CTSpec",
    "GGUFSpec",
    "PruneSpec",
    "DistilledSpec",
    "parse_variant",
    "register_spec_class",
    "spec_class",
    "spec_classes",
]

S = TypeVar("S", bound="VariantSpec")

_SPEC_CLASSES: dict[str, type[VariantSpec]] = {}
_INT_RE = re.compile(r"^[0-9]+$")


def _fail(cls: type[VariantSpec], text: str | None, problem: str) -> VariantError:
    where = f"bad variant {text!r}: " if text is not None else f"bad {cls.method} variant: "
    examples = ", ".join(cls.examples)
    return VariantError(f"{where}{problem}. Grammar: {cls.grammar}" + (f" (e.g. {examples})" if examples else ""))


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


@dataclass(frozen=True)
class VariantSpec:
    """Base class of every variant spec. Subclasses set ``method``, ``grammar``, ``examples``
    and implement :meth:`parse_args`, :meth:`args` and :meth:`validate`."""

    method: ClassVar[str] = ""
    grammar: ClassVar[str] = ""
    examples: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    def __post_init__(self) -> None:
        self.validate()

    # -- to implement -------------------------------------------------------------------
    def validate(self) -> None:
        """Raise :class:`VariantError` (via :meth:`error`) when an option is out of range."""

    @classmethod
    def parse_args(cls: type[S], args: str, text: str) -> S:
        """Build a spec from the part of the string after ``<method>:`` (``""`` when absent)."""
        if args:
            raise _fail(cls, text, f"{cls.method} takes no options, got {args!r}")
        return cls()

    def args(self) -> list[str]:
        """The canonical option tokens after ``<method>:`` (inverse of :meth:`parse_args`)."""
        return []

    # -- shared -------------------------------------------------------------------------
    def error(self, problem: str) -> VariantError:
        return _fail(type(self), None, problem)

    def to_string(self) -> str:
        """Canonical short string; ``parse_variant(spec.to_string()) == spec``."""
        return ":".join([self.method, *self.args()])

    def __str__(self) -> str:
        return self.to_string()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method}
        for f in dataclasses.fields(self):
            out[f.name] = getattr(self, f.name)
        return out

    @classmethod
    def allowed_keys(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> VariantSpec:
        """Build a spec from a dict with ``method`` (required on :class:`VariantSpec` itself)."""
        if not isinstance(d, Mapping):
            raise VariantError(f"a variant dict must be a mapping, got {type(d).__name__}")
        data = dict(d)
        method = data.pop("method", None)
        target: type[VariantSpec] = cls
        if cls is VariantSpec:
            if not isinstance(method, str) or not method:
                raise VariantError(
                    f"a variant dict needs a 'method' key, one of {', '.join(_known_methods())}; got {dict(d)!r}"
                )
            target = spec_class(method)
        elif method is not None and method != cls.method:
            raise VariantError(f"{cls.__name__} is method {cls.method!r}, got method {method!r}")
        allowed = target.allowed_keys()
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise _fail(
                target, None,
                f"unknown key(s) {', '.join(map(repr, unknown))} for method {target.method!r}; "
                f"allowed keys: {', '.join(['method', *allowed])}",
            )
        try:
            return target(**data)
        except TypeError as exc:  # a required key is missing
            raise _fail(target, None, f"{exc}; allowed keys: {', '.join(['method', *allowed])}") from None

    @property
    def slug(self) -> str:
        """A filesystem-safe name, unique per spec (paths are shortened and hashed)."""
        s = self.to_string()
        if re.fullmatch(r"[A-Za-z0-9._=:]+", s) and len(s) <= 64 and ".." not in s:
            return s.replace(":", "-")
        safe = "-".join(p for p in re.split(r"[^A-Za-z0-9._=]+", s) if p.strip("."))
        digest = hashlib.sha256(s.encode()).hexdigest()[:10]
        return f"{safe[:48].rstrip('-.')}-{digest}"


def register_spec_class(cls: type[S]) -> type[S]:
    """Make ``cls`` parseable under ``cls.method`` (also a class decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, VariantSpec)) or not cls.method:
        raise VariantError(f"{cls!r} is not a VariantSpec subclass with a 'method'")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", cls.method):
        raise VariantError(f"method name {cls.method!r} must match [a-z][a-z0-9_]*")
    _SPEC_CLASSES[cls.method] = cls
    return cls


def _known_methods() -> list[str]:
    return sorted(_SPEC_CLASSES)


def spec_classes() -> dict[str, type[VariantSpec]]:
    """method -> spec class, for every method known so far (plugins included once loaded)."""
    _load_plugins()
    return dict(sorted(_SPEC_CLASSES.items()))


def spec_class(method: str) -> type[VariantSpec]:
    """The spec class of ``method``; :class:`UnknownNameError` with did-you-mean if unknown."""
    key = method.strip().lower()
    if key not in _SPEC_CLASSES:
        _load_plugins()
    if key not in _SPEC_CLASSES:
        raise UnknownNameError("variant method", key, _SPEC_CLASSES)
    return _SPEC_CLASSES[key]


def _load_plugins() -> None:
    """Let third-party plugins register their methods (and spec classes)."""
    from .registry import ensure_loaded

    ensure_loaded()


def parse_variant(value: str | Mapping[str, Any] | VariantSpec) -> VariantSpec:
    """A :class:`VariantSpec` from a short string, a dict (with ``method``) or a spec."""
    if isinstance(value, VariantSpec):
        return value
    if isinstance(value, Mapping):
        return VariantSpec.from_dict(value)
    if not isinstance(value, str):
        raise VariantError(f"a variant is a string, a dict or a VariantSpec; got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise VariantError(f"empty variant string; methods: {', '.join(_known_methods())}")
    method, _, args = text.partition(":")
    cls = spec_class(method)
    try:
        return cls.parse_args(args.strip(), text)
    except VariantError as exc:  # raised by validate(): say which string it was
        prefix = f"bad {cls.method} variant: "
        msg = str(exc)
        if msg.startswith(prefix):
            raise VariantError(f"bad variant {text!r}: {msg[len(prefix):]}") from None
        raise


# ---------------------------------------------------------------------------------------
# option helpers


def _parse_int(cls: type[VariantSpec], text: str, token: str, what: str) -> int:
    if not _INT_RE.match(token):
        raise _fail(cls, text, f"{what} must be an integer, got {token!r}")
    return int(token)


def _parse_group(cls: type[VariantSpec], text: str, token: str) -> int:
    if not token.startswith("g") or not _INT_RE.match(token[1:]):
        raise _fail(cls, text, f"group size must look like g<int> (e.g. g64), got {token!r}")
    return int(token[1:])


def _check_choice(spec: VariantSpec, field: str, choices: tuple[str, ...]) -> None:
    v = getattr(spec, field)
    if v not in choices:
        raise spec.error(f"{field} must be one of {', '.join(choices)}, got {v!r}")


def _check_path(spec: VariantSpec, field: str, required: bool = True) -> None:
    v = getattr(spec, field)
    if v is None and not required:
        return
    if not isinstance(v, str) or not v.strip():
        raise spec.error(f"{field} must be a non-empty path string, got {v!r}")


def _choice_args(cls: type[S], args: str, text: str, field: str, choices: tuple[str, ...]) -> S:
    if not args:
        raise _fail(cls, text, f"missing {field} (one of {', '.join(choices)})")
    if ":" in args:
        raise _fail(cls, text, f"unexpected option(s) after {args.split(':', 1)[0]!r}")
    value = args.lower()
    if value not in choices:
        raise _fail(cls, text, f"{field} must be one of {', '.join(choices)}, got {args!r}")
    return cls(value)  # type: ignore[call-arg]


# ---------------------------------------------------------------------------------------
# the built-in methods


@register_spec_class
@dataclass(frozen=True)
class OriginalSpec(VariantSpec):
    """The base model as it is (the baseline every variant is compared with)."""

    method: ClassVar[str] = "original"
    grammar: ClassVar[str] = "original"
    examples: ClassVar[tuple[str, ...]] = ("original",)
    description: ClassVar[str] = "the base model, unchanged"


@register_spec_class
@dataclass(frozen=True)
class RTNSpec(VariantSpec):
    """Simulated round-to-nearest weight quantization of every linear layer (lm_head kept
    unless ``quantize_head``). ``group_size=None`` is per output channel."""

    bits: int
    group_size: int | None = 128
    symmetric: bool = True
    quantize_head: bool = False

    method: ClassVar[str] = "rtn"
    grammar: ClassVar[str] = "rtn:<bits>[:g<group>|:pc][:asym][:head]"
    examples: ClassVar[tuple[str, ...]] = ("rtn:4", "rtn:4:g64", "rtn:3:pc:asym")
    description: ClassVar[str] = "simulated group-wise round-to-nearest (torch)"

    def validate(self) -> None:
        if not _is_int(self.bits) or not 2 <= self.bits <= 8:
            raise self.error(f"bits must be an integer from 2 to 8, got {self.bits!r}")
        if self.group_size is not None and (not _is_int(self.group_size) or self.group_size < 1):
            raise self.error(f"group_size must be a positive integer or None (per channel), got {self.group_size!r}")
        for f in ("symmetric", "quantize_head"):
            if not isinstance(getattr(self, f), bool):
                raise self.error(f"{f} must be true or false, got {getattr(self, f)!r}")

    @classmethod
    def parse_args(cls, args: str, text: str) -> RTNSpec:
        if not args:
            raise _fail(cls, text, "missing <bits>")
        tokens = args.split(":")
        bits = _parse_int(cls, text, tokens[0], "bits")
        if not 2 <= bits <= 8:
            raise _fail(cls, text, f"bits must be from 2 to 8, got {tokens[0]!r}")
        group: int | None = 128
        symmetric, head, seen = True, False, set()
        for tok in tokens[1:]:
            t = tok.lower()
            kind = "group" if (t.startswith("g") and t != "g") or t in ("pc", "perchannel") else t
            if kind in seen:
                raise _fail(cls, text, f"option {tok!r} given twice")
            seen.add(kind)
            if t in ("pc", "perchannel"):
                group = None
            elif t.startswith("g"):
                group = _parse_group(cls, text, t)
                if group < 1:
                    raise _fail(cls, text, f"group size must be positive, got {tok!r}")
            elif t in ("asym", "sym"):
                if "asym" in seen and "sym" in seen:
                    raise _fail(cls, text, "give either :sym or :asym")
                symmetric = t == "sym"
            elif t == "head":
                head = True
            else:
                raise _fail(cls, text, f"unknown option {tok!r}")
        return cls(bits, group, symmetric, head)

    def args(self) -> list[str]:
        out = [str(self.bits), "pc" if self.group_size is None else f"g{self.group_size}"]
        if not self.symmetric:
            out.append("asym")
        if self.quantize_head:
            out.append("head")
        return out


@register_spec_class
@dataclass(frozen=True)
class BnbSpec(VariantSpec):
    """bitsandbytes: LLM.int8() or 4-bit NF4/FP4."""

    mode: str

    MODES: ClassVar[tuple[str, ...]] = ("int8", "nf4", "fp4")
    method: ClassVar[str] = "bnb"
    grammar: ClassVar[str] = "bnb:int8|nf4|fp4"
    examples: ClassVar[tuple[str, ...]] = ("bnb:int8", "bnb:nf4")
    description: ClassVar[str] = "bitsandbytes int8 / 4-bit"

    def validate(self) -> None:
        _check_choice(self, "mode", self.MODES)

    @classmethod
    def parse_args(cls, args: str, text: str) -> BnbSpec:
        return _choice_args(cls, args, text, "mode", cls.MODES)

    def args(self) -> list[str]:
        return [self.mode]


@register_spec_class
@dataclass(frozen=True)
class HQQSpec(VariantSpec):
    """Half-quadratic quantization (calibration-free)."""

    bits: int
    group_size: int = 64

    BITS: ClassVar[tuple[int, ...]] = (1, 2, 3, 4, 8)
    method: ClassVar[str] = "hqq"
    grammar: ClassVar[str] = "hqq:<bits>[:g<group>]  (bits 1, 2, 3, 4 or 8)"
    examples: ClassVar[tuple[str, ...]] = ("hqq:4", "hqq:3:g64")
    description: ClassVar[str] = "half-quadratic quantization"

    def validate(self) -> None:
        if not _is_int(self.bits) or self.bits not in self.BITS:
            raise self.error(f"bits must be one of {', '.join(map(str, self.BITS))}, got {self.bits!r}")
        if not _is_int(self.group_size) or self.group_size < 1:
            raise self.error(f"group_size must be a positive integer, got {self.group_size!r}")

    @classmethod
    def parse_args(cls, args: str, text: str) -> HQQSpec:
        if not args:
            raise _fail(cls, text, "missing <bits>")
        tokens = args.split(":")
        bits = _parse_int(cls, text, tokens[0], "bits")
        if bits not in cls.BITS:
            raise _fail(cls, text, f"bits must be one of {', '.join(map(str, cls.BITS))}, got {tokens[0]!r}")
        group = 64
        if len(tokens) > 2:
            raise _fail(cls, text, f"unexpected option(s) {':'.join(tokens[2:])!r}")
        if len(tokens) == 2:
            group = _parse_group(cls, text, tokens[1].lower())
            if group < 1:
                raise _fail(cls, text, f"group size must be positive, got {tokens[1]!r}")
        return cls(bits, group)

    def args(self) -> list[str]:
        return [str(self.bits), f"g{self.group_size}"]


@register_spec_class
@dataclass(frozen=True)
class QuantoSpec(VariantSpec):
    """optimum-quanto weight quantization."""

    weights: str

    MODES: ClassVar[tuple[str, ...]] = ("int8", "int4", "int2")
    method: ClassVar[str] = "quanto"
    grammar: ClassVar[str] = "quanto:int8|int4|int2"
    examples: ClassVar[tuple[str, ...]] = ("quanto:int8", "quanto:int4")
    description: ClassVar[str] = "optimum-quanto weight quantization"

    def validate(self) -> None:
        _check_choice(self, "weights", self.MODES)

    @classmethod
    def parse_args(cls, args: str, text: str) -> QuantoSpec:
        return _choice_args(cls, args, text, "weights", cls.MODES)

    def args(self) -> list[str]:
        return [self.weights]


@register_spec_class
@dataclass(frozen=True)
class TorchaoSpec(VariantSpec):
    """torchao: int8/int4 weight-only (``wo``), int8 dynamic activations (``dq``), and the
    unpacked ``IntxWeightOnlyConfig`` int4/int2 (``intx4wo``, ``intx2wo``) that run on CPU."""

    mode: str

    MODES: ClassVar[tuple[str, ...]] = ("int8wo", "int4wo", "int8dq", "intx4wo", "intx2wo")
    method: ClassVar[str] = "torchao"
    grammar: ClassVar[str] = "torchao:int8wo|int4wo|int8dq|intx4wo|intx2wo"
    examples: ClassVar[tuple[str, ...]] = ("torchao:int8wo",)
    description: ClassVar[str] = "torchao quantization"

    def validate(self) -> None:
        _check_choice(self, "mode", self.MODES)

    @classmethod
    def parse_args(cls, args: str, text: str) -> TorchaoSpec:
        return _choice_args(cls, args, text, "mode", cls.MODES)

    def args(self) -> list[str]:
        return [self.mode]


@register_spec_class
@dataclass(frozen=True)
class GPTQSpec(VariantSpec):
    """GPTQ: produce (``bits``, ``group_size``, calibration prompt-set ref, ``n_samples``) or
    load a checkpoint (``path``; its quantization config says the rest)."""

    bits: int | None = None
    group_size: int = 128
    path: str | None = None
    calibration: str = "compsec:dev"
    n_samples: int = 128

    BITS: ClassVar[tuple[int, ...]] = (2, 3, 4, 8)
    method: ClassVar[str] = "gptq"
    grammar: ClassVar[str] = "gptq:<bits>[:g<group>|:pc][:n<samples>][:cal=<ref>]  or  gptq:<path>"
    examples: ClassVar[tuple[str, ...]] = ("gptq:4:g128", "gptq:4:g64:n64", "gptq:./model-gptq")
    description: ClassVar[str] = "GPTQ (gptqmodel): produce with calibration, or load a checkpoint"

    def validate(self) -> None:
        if self.path is not None:
            _check_path(self, "path")
            if self.bits is not None or self.group_size != 128 or self.calibration != "compsec:dev" \
                    or self.n_samples != 128:
                raise self.error(
                    "give either path (load a checkpoint: its config says bits and group size) or "
                    "bits/group_size/calibration/n_samples (produce one), not both"
                )
            return
        if self.bits is None:
            raise self.error("give bits (produce a GPTQ model) or path (load a checkpoint)")
        if not _is_int(self.bits) or self.bits not in self.BITS:
            raise self.error(f"bits must be one of {', '.join(map(str, self.BITS))}, got {self.bits!r}")
        if not _is_int(self.group_size) or (self.group_size < 1 and self.group_size != -1):
            raise self.error(f"group_size must be a positive integer (or -1: per channel), got {self.group_size!r}")
        if not isinstance(self.calibration, str) or not self.calibration:
            raise self.error(f"calibration must be a prompt-set reference, got {self.calibration!r}")
        if not _is_int(self.n_samples) or self.n_samples < 1:
            raise self.error(f"n_samples must be a positive integer, got {self.n_samples!r}")

    @classmethod
    def parse_args(cls, args: str, text: str) -> GPTQSpec:
        if not args:
            raise _fail(cls, text, "missing <bits> or <path>")
        head = args.split(":", 1)[0]
        if not _INT_RE.match(head):
            return cls(path=args)
        rest, _, cal = args.partition(":cal=")
        tokens = rest.split(":")
        bits = int(tokens[0])
        if bits not in cls.BITS:
            raise _fail(cls, text, f"bits must be one of {', '.join(map(str, cls.BITS))}, got {tokens[0]!r}")
        group, n_samples = 128, 128
        seen: set[str] = set()
        for tok in tokens[1:]:
            t = tok.lower()
            if t[:1] in seen:
                raise _fail(cls, text, f"option {tok!r} given twice")
            if t == "pc":
                group = -1
            elif t.startswith("g"):
                group = _parse_group(cls, text, t)
                if group < 1:
                    raise _fail(cls, text, "group size must be positive (pc for per channel)")
            elif t.startswith("n") and _INT_RE.match(t[1:]):
                n_samples = int(t[1:])
            else:
                raise _fail(cls, text, f"unknown option {tok!r}")
            seen.add(t[:1])
        if n_samples < 1:
            raise _fail(cls, text, "n_samples must be positive")
        if "cal=" in args and not cal:
            raise _fail(cls, text, "cal= needs a prompt-set reference")
        return cls(bits=bits, group_size=group, calibration=cal or "compsec:dev", n_samples=n_samples)

    def args(self) -> list[str]:
        if self.path is not None:
            return [self.path]
        out = [str(self.bits), "pc" if self.group_size == -1 else f"g{self.group_size}"]
        if self.n_samples != 128:
            out.append(f"n{self.n_samples}")
        if self.calibration != "compsec:dev":
            out.append(f"cal={self.calibration}")
        return out


@register_spec_class
@dataclass(frozen=True)
class AWQSpec(VariantSpec):
    """An AWQ checkpoint (loaded through gptqmodel)."""

    path: str

    method: ClassVar[str] = "awq"
    grammar: ClassVar[str] = "awq:<path>"
    examples: ClassVar[tuple[str, ...]] = ("awq:./model-awq",)
    description: ClassVar[str] = "AWQ checkpoint"

    def validate(self) -> None:
        _check_path(self, "path")

    @classmethod
    def parse_args(cls, args: str, text: str) -> AWQSpec:
        if not args:
            raise _fail(cls, text, "missing <path>")
        return cls(args)

    def args(self) -> list[str]:
        return [self.path]


@register_spec_class
@dataclass(frozen=True)
class CTSpec(VariantSpec):
    """compressed-tensors (llmcompressor): load a checkpoint (``path``) or produce ``scheme``."""

    path: str | None = None
    scheme: str | None = None

    SCHEMES: ClassVar[tuple[str, ...]] = ("W4A16", "W8A8")
    method: ClassVar[str] = "ct"
    grammar: ClassVar[str] = "ct:<path>  or  ct:W4A16|W8A8"
    examples: ClassVar[tuple[str, ...]] = ("ct:W4A16", "ct:./model-w8a8")
    description: ClassVar[str] = "compressed-tensors (llmcompressor)"

    def validate(self) -> None:
        if (self.path is None) == (self.scheme is None):
            raise self.error("give exactly one of path (load a checkpoint) and scheme (produce one)")
        if self.scheme is not None:
            _check_choice(self, "scheme", self.SCHEMES)
        else:
            _check_path(self, "path")

    @classmethod
    def parse_args(cls, args: str, text: str) -> CTSpec:
        if not args:
            raise _fail(cls, text, "missing <path> or scheme")
        if args.upper() in cls.SCHEMES:
            return cls(scheme=args.upper())
        return cls(path=args)

    def args(self) -> list[str]:
        return [self.scheme if self.scheme is not None else str(self.path)]


_GGUF_QUANT_RE = re.compile(r"^(?:I?Q[0-9][A-Z0-9_]*|TQ[0-9][A-Z0-9_]*|F16|F32|BF16)$", re.IGNORECASE)


@register_spec_class
@dataclass(frozen=True)
class GGUFSpec(VariantSpec):
    """A GGUF file (llama.cpp quantization), dequantized by transformers; ``quant`` names the
    expected quantization type (e.g. ``Q4_K_M``) and is checked against the file."""

    file: str
    quant: str | None = None

    method: ClassVar[str] = "gguf"
    grammar: ClassVar[str] = "gguf:<file>[:<quant>]"
    examples: ClassVar[tuple[str, ...]] = ("gguf:model.Q4_K_M.gguf", "gguf:./m.gguf:Q4_1")
    description: ClassVar[str] = "GGUF file (llama.cpp quantization)"

    def validate(self) -> None:
        _check_path(self, "file")
        if self.quant is not None and (not isinstance(self.quant, str) or not _GGUF_QUANT_RE.match(self.quant)):
            raise self.error(f"quant must be a GGUF type such as Q4_K_M, Q8_0 or F16, got {self.quant!r}")

    @classmethod
    def parse_args(cls, args: str, text: str) -> GGUFSpec:
        if not args:
            raise _fail(cls, text, "missing <file>")
        file, sep, tail = args.rpartition(":")
        if sep and file and _GGUF_QUANT_RE.match(tail):
            return cls(file, tail.upper())
        return cls(args)

    def args(self) -> list[str]:
        return [self.file] + ([self.quant] if self.quant else [])


_PATTERN_RE = re.compile(r"^([0-9]+)of([0-9]+)$")


@register_spec_class
@dataclass(frozen=True)
class PruneSpec(VariantSpec):
    """Weight pruning of every linear layer but lm_head: unstructured (``pattern=None``) or N:M
    (``"2of4"``: keep N of every M consecutive weights of a row, so sparsity = 1 - N/M)."""

    criterion: str  # magnitude | wanda | random  (``method`` is the class attribute "prune")
    sparsity: float
    pattern: str | None = None
    seed: int = 0
    n_samples: int | None = None  # wanda: calibration prompts used (None: all of them)

    CRITERIA: ClassVar[tuple[str, ...]] = ("magnitude", "wanda", "random")
    method: ClassVar[str] = "prune"
    grammar: ClassVar[str] = "prune:magnitude|wanda|random:<sparsity>[:<N>of<M>][:s<seed>][:n<samples> (wanda)]"
    examples: ClassVar[tuple[str, ...]] = ("prune:magnitude:0.3", "prune:wanda:0.5:2of4", "prune:random:0.2:s1",
                                           "prune:wanda:0.5:n128")
    description: ClassVar[str] = "magnitude / Wanda / random pruning, unstructured or N:M (torch)"

    def validate(self) -> None:
        _check_choice(self, "criterion", self.CRITERIA)
        if isinstance(self.sparsity, bool) or not isinstance(self.sparsity, (int, float)) \
                or not 0.0 < float(self.sparsity) < 1.0 or math.isnan(self.sparsity):
            raise self.error(f"sparsity must be a number strictly between 0 and 1, got {self.sparsity!r}")
        if isinstance(self.sparsity, int):
            object.__setattr__(self, "sparsity", float(self.sparsity))
        if self.pattern is not None:
            nm = self.n_m
            if nm is None:
                raise self.error(f"pattern must look like <N>of<M> (e.g. 2of4), got {self.pattern!r}")
            n, m = nm
            if not 0 < n < m:
                raise self.error(f"pattern {self.pattern}: need 0 < N < M")
            if abs(self.sparsity - (1 - n / m)) > 1e-3:
                raise self.error(
                    f"pattern {self.pattern} keeps {n} of every {m} weights, so sparsity must be "
                    f"{1 - n / m:g}, got {self.sparsity:g}"
                )
            object.__setattr__(self, "sparsity", 1 - n / m)
        if not _is_int(self.seed) or self.seed < 0:
            raise self.error(f"seed must be a non-negative integer, got {self.seed!r}")
        if self.n_samples is not None:
            if not _is_int(self.n_samples) or self.n_samples < 1:
                raise self.error(f"n_samples must be a positive integer, got {self.n_samples!r}")
            if self.criterion != "wanda":
                raise self.error(f"n_samples counts calibration prompts, which only wanda uses, not {self.criterion}")

    @property
    def n_m(self) -> tuple[int, int] | None:
        """(N, M) of the N:M pattern, None when unstructured or malformed."""
        if not isinstance(self.pattern, str):
            return None
        m = _PATTERN_RE.match(self.pattern)
        return (int(m.group(1)), int(m.group(2))) if m else None

    @classmethod
    def parse_args(cls, args: str, text: str) -> PruneSpec:
        tokens = args.split(":") if args else []
        if not tokens:
            raise _fail(cls, text, f"missing criterion (one of {', '.join(cls.CRITERIA)})")
        crit = tokens[0].lower()
        if crit not in cls.CRITERIA:
            raise _fail(cls, text, f"criterion must be one of {', '.join(cls.CRITERIA)}, got {tokens[0]!r}")
        if len(tokens) < 2 or not tokens[1]:
            raise _fail(cls, text, "missing <sparsity> (a fraction such as 0.5, or 50%)")
        implied = _PATTERN_RE.match(tokens[1].lower())
        if implied:  # prune:wanda:2of4 -> sparsity 1 - N/M
            n, m = int(implied.group(1)), int(implied.group(2))
            if not 0 < n < m:
                raise _fail(cls, text, f"pattern {tokens[1]}: need 0 < N < M")
            tokens.insert(1, repr(1 - n / m))
        raw = tokens[1]
        try:
            sparsity = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            raise _fail(cls, text, f"sparsity must be a number in (0, 1) such as 0.5, got {raw!r}") from None
        if not 0.0 < sparsity < 1.0:
            raise _fail(cls, text, f"sparsity must be strictly between 0 and 1, got {raw!r}")
        pattern, seed, n_samples = None, 0, None
        for tok in tokens[2:]:
            t = tok.lower()
            if _PATTERN_RE.match(t) and pattern is None:
                pattern = t
            elif t.startswith("s") and _INT_RE.match(t[1:]):
                seed = int(t[1:])
            elif t.startswith("n") and _INT_RE.match(t[1:]) and n_samples is None:
                if crit != "wanda":
                    raise _fail(cls, text, f"{tok!r}: only wanda uses calibration prompts")
                n_samples = int(t[1:])
            else:
                raise _fail(cls, text, f"unknown option {tok!r} (expected <N>of<M>, s<seed> or, for wanda, n<samples>)")
        return cls(crit, sparsity, pattern, seed, n_samples)

    def args(self) -> list[str]:
        out = [self.criterion, repr(float(self.sparsity))]
        if self.pattern:
            out.append(self.pattern)
        if self.seed:
            out.append(f"s{self.seed}")
        if self.n_samples is not None:
            out.append(f"n{self.n_samples}")
        return out


@register_spec_class
@dataclass(frozen=True)
class DistilledSpec(VariantSpec):
    """A distilled (smaller) model that stands in for the base: a local HF folder."""

    path: str

    method: ClassVar[str] = "distilled"
    grammar: ClassVar[str] = "distilled:<path>"
    examples: ClassVar[tuple[str, ...]] = ("distilled:./student",)
    description: ClassVar[str] = "a distilled model (local folder)"

    def validate(self) -> None:
        _check_path(self, "path")

    @classmethod
    def parse_args(cls, args: str, text: str) -> DistilledSpec:
        if not args:
            raise _fail(cls, text, "missing <path>")
        return cls(args)

    def args(self) -> list[str]:
        return [self.path]
