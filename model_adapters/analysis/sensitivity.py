"""Layer sensitivity: where quantization breaks refusal, and which blocks to keep at high precision.

* :func:`weight_error_by_layer` — relative Frobenius error ``||W - Q(W)|| / ||W||`` of every
  linear layer for a variant, and per block (errors pooled over the block's layers). RTN is
  computed in memory with the project's own quantizer; every other method goes through
  :func:`~model_adapters.loading.load_variant` and compares the variant's (dequantized)
  weights with the base's, layer by layer.
* :func:`behavioural_sensitivity` — quantize one block (or one linear layer) at a time, in
  place, score the refusal margin of harmful prompts, restore the weights bit for bit; the
  drop of the mean margin against the unquantized model ranks the units. The baseline pass
  is run once per batch and reused (see :mod:`model_adapters.analysis.margin`).
* :func:`mixed_precision_plan` — keep the ``keep_n`` most sensitive units at ``high``
  precision, the rest at ``low``, with the nominal bytes of the linear weights;
  :func:`verify_plan` applies it and scores it against uniform low-bit quantization.

The plan file
-------------
The variant grammar (``rtn:4:g64``) has no per-layer options, so a plan is a small JSON file,
applied by :func:`apply_plan` to a loaded model (or by :func:`load_with_plan` from a base)::

    {"format": "compsec-mixed-precision/1",
     "default": "rtn:4:g64",                       # every linear layer not overridden
     "overrides": {"model.layers.3": "rtn:8:g64",  # a module name: a block or one layer;
                   "model.layers.7": "rtn:8:g64"}, # the longest matching name wins
     "high": "rtn:8:g64", "low": "rtn:4:g64", "unit": "block", "keep": ["model.layers.3", ...],
     "nominal_linear_weight_bytes": 1234567,       # the plan, packed
     "uniform_low_bytes": 1200000, "uniform_high_bytes": 2300000,
     "source": {...}}                              # the sensitivity run it came from

Every value is an RTN variant string; the output head stays unquantized as in ``rtn``. Bytes
are counted as :func:`~model_adapters.manifest.simulated_linear_bytes` counts them (the
weights at ``bits`` each, a 16-bit scale per group, a zero point too when asymmetric, biases
in float32).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, InputFileError, UnknownNameError, VariantError

from ..spec import PruneSpec, RTNSpec, VariantSpec, parse_variant
from ._model import block_index, find_blocks
from .margin import Intervention, MarginProbe, MarginSummary, summarize

logger = logging.getLogger(__name__)

__all__ = [
    "UNITS",
    "PLAN_FORMAT",
    "LayerWeightError",
    "WeightErrorReport",
    "LinearShape",
    "UnitEffect",
    "SensitivityReport",
    "MixedPrecisionPlan",
    "PlanVerification",
    "weight_error_by_layer",
    "behavioural_sensitivity",
    "mixed_precision_plan",
    "verify_plan",
    "apply_plan",
    "load_plan",
    "load_with_plan",
    "nominal_linear_bytes",
]

UNITS = ("block", "linear")
PLAN_FORMAT = "compsec-mixed-precision/1"


# ---------------------------------------------------------------------------------------
# weight error


@dataclass(frozen=True)
class LayerWeightError:
    """``rel_error = ||W - Q(W)||_F / ||W||_F`` of one linear layer."""

    name: str
    block: int | None
    numel: int
    rel_error: float
    error_norm: float
    weight_norm: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class WeightErrorReport:
    variant: str
    layers: tuple[LayerWeightError, ...]
    block_prefix: str
    skipped: tuple[str, ...] = ()

    def by_block(self) -> dict[int, float]:
        """block -> pooled relative error ``sqrt(sum ||dW||^2) / sqrt(sum ||W||^2)``."""
        err: dict[int, float] = {}
        norm: dict[int, float] = {}
        for r in self.layers:
            if r.block is None:
                continue
            err[r.block] = err.get(r.block, 0.0) + r.error_norm ** 2
            norm[r.block] = norm.get(r.block, 0.0) + r.weight_norm ** 2
        return {b: (err[b] ** 0.5 / norm[b] ** 0.5 if norm[b] > 0 else 0.0) for b in sorted(err)}

    def to_dict(self) -> dict[str, Any]:
        return {"variant": self.variant, "block_prefix": self.block_prefix,
                "layers": [r.to_dict() for r in self.layers],
                "blocks": [{"block": b, "unit": f"{self.block_prefix}.{b}", "rel_error": e}
                           for b, e in self.by_block().items()],
                "skipped": list(self.skipped)}


def _dense_weight(mod: Any) -> Any:
    """The float weight a (possibly quantized) linear module computes with, or None when it
    cannot be read back."""
    import torch

    deq = getattr(mod, "dequantize", None)
    if callable(deq):  # hqq HQQLinear
        try:
            return deq().float()
        except Exception:  # noqa: BLE001 - the backend's own failure: try the weight
            pass
    plain = (torch.Tensor, torch.nn.Parameter)
    qw = getattr(mod, "qweight", None)  # quanto modules (gptq's packed int qweight is a plain tensor)
    if qw is not None and type(qw) not in plain and callable(getattr(qw, "dequantize", None)):
        return qw.dequantize().float()
    w = getattr(mod, "weight", None)
    if not isinstance(w, torch.Tensor):
        return None
    state = getattr(w, "quant_state", None)
    if state is not None:  # bitsandbytes 4-bit
        import bitsandbytes.functional as bnbf

        return bnbf.dequantize_4bit(w.data, state).float()
    scb = getattr(w, "SCB", None)
    if scb is not None and w.dtype == torch.int8:  # bitsandbytes LLM.int8()
        return w.data.float() * scb.float().unsqueeze(1) / 127.0
    if type(w) not in plain and callable(getattr(w, "dequantize", None)):
        try:  # tensor subclasses (torchao, quanto)
            return w.dequantize().float()
        except Exception:  # noqa: BLE001
            return None
    if w.is_floating_point():
        return w.detach().float()
    return None


def _base_model(base_model: Any, dtype: str, device: str) -> tuple[Any, str | None]:
    """(model, local path or None) from a loaded model or a reference."""
    if hasattr(base_model, "named_modules"):
        return base_model, getattr(base_model, "name_or_path", None) or None
    from ..loading import load_hf_model, resolve_base

    _, path = resolve_base(base_model)
    return load_hf_model(path, dtype=dtype, device=device), str(path)


def weight_error_by_layer(
    base_model: Any,
    variant_spec: str | Mapping[str, Any] | VariantSpec = "rtn:4:g64",
    *,
    dtype: str = "float32",
    device: str = "cpu",
    calibration: Sequence[str] | str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> WeightErrorReport:
    """Relative Frobenius weight error of every linear layer (and block) of ``variant_spec``.

    ``base_model`` is a loaded model or a reference (local folder, GGUF file,
    ``organism:<name>``). RTN is computed in memory (the model is not changed). Other methods
    are produced or loaded through :func:`~model_adapters.loading.load_variant` from the base's
    folder (a loaded model must carry it in ``name_or_path``); layers whose weights cannot be
    read back as floats are listed in ``skipped``."""
    import torch

    from ..methods.rtn import DEFAULT_SKIP, rtn_quantize_weight, target_linears

    spec = parse_variant(variant_spec)
    model, path = _base_model(base_model, dtype, device)
    prefix, _ = find_blocks(model)
    rows: list[LayerWeightError] = []
    skipped: list[str] = []

    def row(name: str, w0: Any, w1: Any) -> LayerWeightError:
        d = (w1.double() - w0.double()).norm().item()
        n = w0.double().norm().item()
        return LayerWeightError(name, block_index(name, prefix), int(w0.numel()), d / n if n > 0 else 0.0, d, n)

    t0 = time.perf_counter()
    if isinstance(spec, RTNSpec):
        skip = () if spec.quantize_head else DEFAULT_SKIP
        with torch.no_grad():
            for name, mod in target_linears(model, skip):
                w = mod.weight.detach()
                rows.append(row(name, w.float(), rtn_quantize_weight(w, spec.bits, spec.group_size,
                                                                     spec.symmetric).float()))
    else:
        if not path or not Path(path).exists():
            raise CompsecError(
                f"weight error of {spec.to_string()} needs the base model's folder to produce the variant: "
                "pass base_model as a path or organism:<name> (this model has no local name_or_path)"
            )
        from ..loading import load_variant

        lv = load_variant(path, spec, dtype=dtype, device=device, calibration=calibration, cache_dir=cache_dir,
                          fidelity=False)
        variant_mods = dict(lv.model.named_modules())
        with torch.no_grad():
            for name, mod in target_linears(model, DEFAULT_SKIP):
                vmod = variant_mods.get(name)
                w1 = _dense_weight(vmod) if vmod is not None else None
                w0 = mod.weight.detach().float()
                if w1 is None or tuple(w1.shape) != tuple(w0.shape):
                    skipped.append(name)
                    continue
                rows.append(row(name, w0, w1.to(w0.device)))
        del lv
        if skipped:
            logger.warning("weight error of %s: %d layer(s) could not be read back as float weights: %s",
                           spec.to_string(), len(skipped), ", ".join(skipped[:5]))
    if not rows:
        raise CompsecError(f"no linear layer of the model could be compared with variant {spec.to_string()}")
    logger.info("weight error of %s over %d layers in %.2f s", spec.to_string(), len(rows), time.perf_counter() - t0)
    return WeightErrorReport(spec.to_string(), tuple(rows), prefix, tuple(skipped))


# ---------------------------------------------------------------------------------------
# in-place quantizers


def _inplace_quantizer(spec: VariantSpec) -> Callable[[Any], None]:
    """A function quantizing (or pruning) one linear module in place, from a spec."""
    if isinstance(spec, RTNSpec):
        from ..methods.rtn import quantize_rtn_

        def rtn(mod: Any) -> None:
            quantize_rtn_(mod, spec.bits, spec.group_size, spec.symmetric, skip=())
        return rtn
    if isinstance(spec, PruneSpec) and spec.criterion in ("magnitude", "random"):
        from ..methods.prune import prune_

        def prune(mod: Any) -> None:
            prune_(mod, spec.criterion, spec.sparsity, spec.pattern, spec.seed, skip=())
        return prune
    raise VariantError(
        f"layer-by-layer quantization needs a method that works on one layer in place: "
        f"rtn:<bits>[:g<group>] or prune:magnitude|random:<sparsity>; got {spec.to_string()!r}"
    )


@contextmanager
def _modified(modules: Sequence[Any], fn: Callable[[Any], None]) -> Iterator[None]:
    """Apply ``fn`` to each module's weight in place; restore the weights bit for bit on exit."""
    import torch

    with torch.no_grad():
        saved = [m.weight.detach().clone() for m in modules]
        try:
            for m in modules:
                fn(m)
            yield
        finally:
            for m, w in zip(modules, saved, strict=True):
                m.weight.copy_(w)


# ---------------------------------------------------------------------------------------
# behavioural sensitivity


@dataclass(frozen=True)
class LinearShape:
    name: str
    block: int | None
    in_features: int
    out_features: int
    bias: bool


@dataclass(frozen=True)
class UnitEffect:
    """The refusal margin with one unit (a block or a linear layer) quantized.

    ``margin_drop`` = baseline mean margin - this mean margin (positive: quantizing the unit
    weakens refusal); ``margin_drop_se`` is the standard error of the mean paired drop."""

    unit: str
    block: int | None
    margin: float
    margin_drop: float
    margin_drop_se: float
    win_rate: float
    win_rate_drop: float
    n_weights: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SensitivityReport:
    quantize: str
    unit: str
    block_prefix: str
    n_blocks: int
    prompt_ids: tuple[str, ...]
    baseline: MarginSummary
    baseline_margins: tuple[float, ...]
    effects: tuple[UnitEffect, ...]  # most sensitive first
    linear_shapes: tuple[LinearShape, ...]
    seconds: float
    layout: str = "tree"

    @property
    def ranking(self) -> list[str]:
        return [e.unit for e in self.effects]

    def to_dict(self) -> dict[str, Any]:
        return {
            "quantize": self.quantize, "unit": self.unit, "block_prefix": self.block_prefix,
            "n_blocks": self.n_blocks, "n_prompts": len(self.prompt_ids), "prompt_ids": list(self.prompt_ids),
            "baseline": self.baseline.to_dict(), "baseline_margins": list(self.baseline_margins),
            "effects": [e.to_dict() for e in self.effects],
            "linear_shapes": [s.__dict__ for s in self.linear_shapes],
            "seconds": self.seconds, "layout": self.layout,
            "direction": "margin_drop > 0: quantizing the unit alone lowers the refusal margin",
        }


def _linear_targets(model: Any, prefix: str) -> list[tuple[str, int | None, Any]]:
    from ..methods.rtn import DEFAULT_SKIP, target_linears

    return [(n, block_index(n, prefix), m) for n, m in target_linears(model, DEFAULT_SKIP)]


def _shapes(targets: Sequence[tuple[str, int | None, Any]]) -> tuple[LinearShape, ...]:
    return tuple(LinearShape(n, b, int(m.in_features), int(m.out_features), m.bias is not None)
                 for n, b, m in targets)


def _effects(units: Sequence[tuple[str, int | None, int]], base: Any, margins: Any) -> list[UnitEffect]:
    import numpy as np

    out = []
    b_mean, b_win = float(base.mean()), float((base > 0).mean())
    n = len(base)
    for (unit, block, n_w), m in zip(units, margins, strict=True):
        diff = base - m
        se = float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        out.append(UnitEffect(unit, block, float(m.mean()), b_mean - float(m.mean()), se,
                              float((m > 0).mean()), b_win - float((m > 0).mean()), n_w))
    out.sort(key=lambda e: -e.margin_drop)
    return out


def behavioural_sensitivity(
    model: Any,
    tokenizer: Any,
    prompts: Any,
    quantize: str | Mapping[str, Any] | VariantSpec = "rtn:4:g64",
    unit: str = "block",
    *,
    batch_size: int = 8,
    layout: str = "tree",
    progress: bool = True,
) -> SensitivityReport:
    """Quantize one unit at a time (``unit="block"``: every linear layer of one transformer
    block; ``"linear"``: one linear layer), score the refusal margin of ``prompts`` (harmful
    requests; see :func:`~model_adapters.analysis.margin.harmful_prompts`), restore the weights.

    ``quantize`` is an RTN spec (``rtn:4:g64``) or ``prune:magnitude|random:<sparsity>``. The
    model is left exactly as it was. Units are ranked by ``margin_drop``, largest first."""
    if unit not in UNITS:
        raise UnknownNameError("sensitivity unit", unit, UNITS)
    spec = parse_variant(quantize)
    fn = _inplace_quantizer(spec)
    t0 = time.perf_counter()
    probe = MarginProbe(model, tokenizer, prompts, batch_size=batch_size, layout=layout)
    prefix, blocks = find_blocks(model)
    targets = _linear_targets(model, prefix)
    groups: list[tuple[str, int | None, list[Any]]] = []
    if unit == "block":
        for i in range(len(blocks)):
            mods = [m for _, b, m in targets if b == i]
            if mods:
                groups.append((f"{prefix}.{i}", i, mods))
    else:
        groups = [(n, b, [m]) for n, b, m in targets]
    if not groups:
        raise CompsecError("the model has no linear layers to quantize")

    def make(mods: list[Any]) -> Callable[[], Any]:
        return lambda: _modified(mods, fn)

    ivs = [Intervention(name, make(mods), b if b is not None else 0) for name, b, mods in groups]
    logger.info("behavioural sensitivity: %s per %s, %d units x %d prompts (%d batches)",
                spec.to_string(), unit, len(ivs), probe.n_prompts, probe.n_batches)
    base, margins = probe.sweep(ivs, progress=progress, desc=f"sensitivity {spec.to_string()}")
    units = [(name, b, sum(int(m.weight.numel()) for m in mods)) for name, b, mods in groups]
    effects = _effects(units, base, margins)
    seconds = round(time.perf_counter() - t0, 3)
    logger.info("behavioural sensitivity done in %.1f s; most sensitive: %s (margin drop %.3f)",
                seconds, effects[0].unit, effects[0].margin_drop)
    return SensitivityReport(spec.to_string(), unit, prefix, len(blocks), tuple(probe.ids), summarize(base),
                             tuple(float(x) for x in base), tuple(effects), _shapes(targets), seconds, layout)


# ---------------------------------------------------------------------------------------
# mixed-precision plans


def nominal_linear_bytes(shapes: Sequence[LinearShape], spec_for: Callable[[str], RTNSpec],
                         scale_bits: int = 16) -> int:
    """Packed bytes of the linear layers, each at its own RTN spec, counted as
    :func:`~model_adapters.manifest.simulated_linear_bytes` counts them."""
    total_bits = 0
    extra = 0
    for s in shapes:
        spec = spec_for(s.name)
        g = s.in_features if spec.group_size is None or spec.group_size >= s.in_features else spec.group_size
        groups = s.out_features * (-(-s.in_features // g))
        total_bits += s.in_features * s.out_features * spec.bits + groups * scale_bits * (1 if spec.symmetric else 2)
        if s.bias:
            extra += 4 * s.out_features
    return -(-total_bits // 8) + extra


def _rtn(value: str | Mapping[str, Any] | VariantSpec, what: str) -> RTNSpec:
    spec = parse_variant(value)
    if not isinstance(spec, RTNSpec):
        raise VariantError(f"a mixed-precision plan's {what} precision must be an RTN variant such as "
                           f"rtn:8:g64 or rtn:4:g64, got {spec.to_string()!r}")
    return spec


def _matches(name: str, unit: str) -> bool:
    return name == unit or name.startswith(unit + ".")


@dataclass(frozen=True)
class MixedPrecisionPlan:
    """Which units stay at ``high`` precision; every other linear layer gets ``low``."""

    high: str
    low: str
    unit: str
    keep: tuple[str, ...]
    nominal_linear_weight_bytes: int
    uniform_low_bytes: int
    uniform_high_bytes: int
    source: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def overrides(self) -> dict[str, str]:
        return {k: self.high for k in self.keep}

    def spec_for(self, name: str) -> RTNSpec:
        """The RTN spec of linear layer ``name``: the longest matching override, else ``low``."""
        best = ""
        for unit in self.overrides:
            if _matches(name, unit) and len(unit) > len(best):
                best = unit
        return _rtn(self.overrides[best] if best else self.low, "layer")

    def to_dict(self) -> dict[str, Any]:
        return {"format": PLAN_FORMAT, "default": self.low, "overrides": self.overrides, "high": self.high,
                "low": self.low, "unit": self.unit, "keep": list(self.keep),
                "nominal_linear_weight_bytes": self.nominal_linear_weight_bytes,
                "uniform_low_bytes": self.uniform_low_bytes, "uniform_high_bytes": self.uniform_high_bytes,
                "source": self.source}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MixedPrecisionPlan:
        if not isinstance(d, Mapping) or d.get("format") != PLAN_FORMAT:
            raise VariantError(f"not a mixed-precision plan: expected \"format\": \"{PLAN_FORMAT}\"")
        low = str(d.get("default", d.get("low", "")))
        overrides = d.get("overrides") or {}
        if not isinstance(overrides, Mapping):
            raise VariantError("a plan's overrides must map module names to RTN variant strings")
        highs = {str(v) for v in overrides.values()}
        _rtn(low, "default")
        for v in highs:
            _rtn(v, "override")
        high = str(d.get("high") or (highs.pop() if len(highs) == 1 else low))
        keep = tuple(str(k) for k in overrides)
        if any(str(v) != high for v in overrides.values()):
            raise VariantError("this plan format holds one high precision for every override; "
                               f"got {sorted({str(v) for v in overrides.values()})}")
        return cls(high, low, str(d.get("unit", "block")), keep, int(d.get("nominal_linear_weight_bytes", 0)),
                   int(d.get("uniform_low_bytes", 0)), int(d.get("uniform_high_bytes", 0)),
                   dict(d.get("source") or {}))

    def save(self, path: str | os.PathLike[str]) -> Path:
        from compsec_tasks._io import atomic_write_text

        return atomic_write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")


def load_plan(path: str | os.PathLike[str]) -> MixedPrecisionPlan:
    """A plan from its JSON file."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{path}: no such plan file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: not valid JSON ({exc.msg})") from None
    return MixedPrecisionPlan.from_dict(data)


def mixed_precision_plan(
    sensitivity: SensitivityReport,
    keep_n: int,
    high: str | Mapping[str, Any] | VariantSpec = "rtn:8:g64",
    low: str | Mapping[str, Any] | VariantSpec = "rtn:4:g64",
) -> MixedPrecisionPlan:
    """Keep the ``keep_n`` most sensitive units of ``sensitivity`` at ``high``, the rest at ``low``."""
    hi, lo = _rtn(high, "high"), _rtn(low, "low")
    n_units = len(sensitivity.effects)
    if isinstance(keep_n, bool) or not isinstance(keep_n, int) or not 0 <= keep_n <= n_units:
        raise VariantError(
            f"keep_n must be an integer from 0 to {n_units} (the {sensitivity.unit}s ranked by the "
            f"sensitivity run), got {keep_n!r}: give a smaller keep_n"
        )
    keep = tuple(e.unit for e in sensitivity.effects[:keep_n])
    shapes = sensitivity.linear_shapes

    def spec_for(name: str) -> RTNSpec:
        return hi if any(_matches(name, u) for u in keep) else lo

    return MixedPrecisionPlan(
        hi.to_string(), lo.to_string(), sensitivity.unit, keep,
        nominal_linear_bytes(shapes, spec_for),
        nominal_linear_bytes(shapes, lambda _n: lo),
        nominal_linear_bytes(shapes, lambda _n: hi),
        {"quantize": sensitivity.quantize, "n_prompts": len(sensitivity.prompt_ids),
         "margin_drops": {e.unit: e.margin_drop for e in sensitivity.effects[:keep_n]}},
    )


@contextmanager
def _planned(model: Any, spec_for: Callable[[str], RTNSpec]) -> Iterator[None]:
    """Quantize every target linear layer with its spec; restore on exit."""
    import torch

    from ..methods.rtn import DEFAULT_SKIP, rtn_quantize_weight, target_linears

    targets = list(target_linears(model, DEFAULT_SKIP))
    with torch.no_grad():
        saved = [m.weight.detach().clone() for _, m in targets]
        try:
            for name, m in targets:
                s = spec_for(name)
                m.weight.copy_(rtn_quantize_weight(m.weight, s.bits, s.group_size, s.symmetric))
            yield
        finally:
            for (_, m), w in zip(targets, saved, strict=True):
                m.weight.copy_(w)


def apply_plan(model: Any, plan: MixedPrecisionPlan | Mapping[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
    """Quantize ``model``'s linear layers in place as ``plan`` (a plan, its dict or its file)
    says; returns how many layers got each spec."""
    import torch

    from ..methods.rtn import DEFAULT_SKIP, rtn_quantize_weight, target_linears

    if isinstance(plan, (str, os.PathLike)):
        plan = load_plan(plan)
    elif not isinstance(plan, MixedPrecisionPlan):
        plan = MixedPrecisionPlan.from_dict(plan)
    counts: dict[str, int] = {}
    with torch.no_grad():
        for name, m in target_linears(model, DEFAULT_SKIP):
            s = plan.spec_for(name)
            m.weight.copy_(rtn_quantize_weight(m.weight, s.bits, s.group_size, s.symmetric))
            counts[s.to_string()] = counts.get(s.to_string(), 0) + 1
    return {"layers_per_spec": counts, "plan": plan.to_dict()}


def load_with_plan(base: str | os.PathLike[str], plan: MixedPrecisionPlan | Mapping[str, Any] | str | os.PathLike[str],
                   *, dtype: str = "float32", device: str = "cpu") -> tuple[Any, Any]:
    """(model, tokenizer): the base (folder, GGUF file or ``organism:<name>``) with ``plan`` applied."""
    from ..loading import load_hf_model, load_tokenizer, resolve_base

    _, path = resolve_base(base)
    model = load_hf_model(path, dtype=dtype, device=device)
    apply_plan(model, plan)
    return model, load_tokenizer(path)


@dataclass(frozen=True)
class PlanVerification:
    """The plan against uniform ``reference`` quantization on the same prompts.

    ``margin_gain`` = mean paired (plan - reference) margin, with its 95% bootstrap interval."""

    plan: MixedPrecisionPlan
    reference: str
    baseline: MarginSummary
    planned: MarginSummary
    uniform: MarginSummary
    plan_bytes: int
    reference_bytes: int
    margin_gain: float
    margin_gain_ci: tuple[float, float]

    @property
    def within_budget(self) -> bool:
        return self.plan_bytes <= self.reference_bytes

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan.to_dict(), "reference": self.reference, "baseline": self.baseline.to_dict(),
                "plan_result": self.planned.to_dict(), "uniform_result": self.uniform.to_dict(),
                "plan_bytes": self.plan_bytes, "reference_bytes": self.reference_bytes,
                "bytes_ratio": self.plan_bytes / self.reference_bytes if self.reference_bytes else float("nan"),
                "within_budget": self.within_budget, "margin_gain": self.margin_gain,
                "margin_gain_ci95": list(self.margin_gain_ci)}


def verify_plan(
    model: Any,
    tokenizer: Any,
    prompts: Any,
    plan: MixedPrecisionPlan,
    *,
    reference: str | Mapping[str, Any] | VariantSpec | None = None,
    batch_size: int = 8,
    layout: str = "tree",
    progress: bool = True,
) -> PlanVerification:
    """Score the unquantized model, the plan and uniform ``reference`` quantization (default the
    plan's ``low``) on ``prompts``; the model is restored afterwards. Compare bytes with
    ``within_budget``: a plan that keeps layers at 8 bits costs more than uniform 4-bit, so
    give a lower ``low`` (rtn:3) to compare at equal or lower bytes."""
    import numpy as np

    from compsec_tasks.compare.stats import paired_bootstrap_mean_ci

    ref = _rtn(reference if reference is not None else plan.low, "reference")
    probe = MarginProbe(model, tokenizer, prompts, batch_size=batch_size, layout=layout)
    prefix, _ = find_blocks(model)
    shapes = _shapes(_linear_targets(model, prefix))
    base = probe.margins(progress)
    with _planned(model, plan.spec_for):
        planned = probe.margins(progress)
    with _planned(model, lambda _n: ref):
        uniform = probe.margins(progress)
    diff = planned - uniform
    lo, hi = paired_bootstrap_mean_ci(diff)
    out = PlanVerification(plan, ref.to_string(), summarize(base), summarize(planned), summarize(uniform),
                           nominal_linear_bytes(shapes, plan.spec_for), nominal_linear_bytes(shapes, lambda _n: ref),
                           float(np.mean(diff)), (float(lo), float(hi)))
    logger.info("plan (%d %s(s) at %s, rest %s): margin %.3f, win rate %.3f; uniform %s: margin %.3f, "
                "win rate %.3f; bytes %d vs %d", len(plan.keep), plan.unit, plan.high, plan.low,
                out.planned.margin, out.planned.win_rate, out.reference, out.uniform.margin, out.uniform.win_rate,
                out.plan_bytes, out.reference_bytes)
    return out
