"""``torchao``: torchao quantization through transformers' ``TorchAoConfig``.

Modes (``torchao:<mode>``), applied to every linear layer but ``lm_head``:

* ``int8wo`` — ``Int8WeightOnlyConfig``: int8 weights, per channel (CPU and CUDA);
* ``int8dq`` — ``Int8DynamicActivationInt8WeightConfig``: int8 weights and dynamically
  quantized int8 activations (CPU and CUDA);
* ``int4wo`` — ``Int4WeightOnlyConfig``: packed int4 weights in groups; **CUDA only** (torchao
  0.18 needs CUDA and the ``mslk`` kernels; every CPU packing fails), refused on CPU with the
  working alternative named;
* ``intx4wo`` / ``intx2wo`` — ``IntxWeightOnlyConfig`` with ``torch.int4`` / ``torch.int2``
  weights in groups: runs on CPU, but stores each weight unpacked in an int8.

Group sizes (int4wo, intx): 128 when it divides every layer's input width, else the largest
of 64, 32, 16 that does (recorded in the manifest). The quantized model is saved as
safetensors into the variant cache and reloaded from there.

SmolLM2-135M on a CPU: int8wo KL vs fp32 0.008.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, MissingDependencyError

from ..registry import MethodHandler
from ..spec import TorchaoSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["TorchaoHandler", "HANDLER", "torchao_config", "CUDA_ONLY"]

CUDA_ONLY = ("int4wo",)
DEFAULT_GROUP = 128
BITS = {"int8wo": 8, "int8dq": 8, "int4wo": 4, "intx4wo": 4, "intx2wo": 2}


def torchao_config(mode: str, group_size: int | None = None) -> Any:
    """The torchao config object of a mode."""
    import torch
    import torchao.quantization as tq

    g = group_size or DEFAULT_GROUP
    if mode == "int8wo":
        return tq.Int8WeightOnlyConfig()
    if mode == "int8dq":
        return tq.Int8DynamicActivationInt8WeightConfig()
    if mode == "int4wo":
        return tq.Int4WeightOnlyConfig(group_size=g)
    if mode in ("intx4wo", "intx2wo"):
        from torchao.quantization.granularity import PerGroup

        wdtype = getattr(torch, "int4" if mode == "intx4wo" else "int2")
        return tq.IntxWeightOnlyConfig(weight_dtype=wdtype, granularity=PerGroup(g))
    raise CompsecError(f"unknown torchao mode {mode!r}")


def _check_mode(mode: str, device: str) -> None:
    if mode not in CUDA_ONLY:
        return
    if not B.is_cuda(device):
        raise CompsecError(
            f"torchao:{mode} (Int4WeightOnlyConfig) needs a CUDA device: torchao "
            f"{B.dist_version('torchao') or '(not installed)'} has no CPU kernel for packed int4 weights. "
            "On CPU use torchao:intx4wo (IntxWeightOnlyConfig with torch.int4 weights, stored unpacked in "
            "int8), or hqq:4 / quanto:int4 for packed 4-bit weights"
        )
    if not B.cuda_available():
        raise CompsecError(f"torchao:{mode} was asked for device {device!r}, but torch sees no CUDA device")
    if not B.importable("mslk"):
        raise MissingDependencyError("torchao int4 weight-only (Int4WeightOnlyConfig)", "torchao", "mslk>=1.0")


class TorchaoHandler(MethodHandler):
    method = "torchao"
    spec_cls = TorchaoSpec
    extra = "torchao"
    requires = ("torchao", "transformers")
    backend = "torchao"
    description = "torchao int8/int4 weight-only, int8 dynamic, intx"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[torchao]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"torchao check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        _check_mode(spec.mode, device)
        from transformers import AutoModelForCausalLM, TorchAoConfig

        from ..loading import load_tokenizer

        cdtype = B.compute_dtype(dtype, device)
        group = None
        if spec.mode in ("int4wo", "intx4wo", "intx2wo"):
            group = B.pick_group_size(DEFAULT_GROUP, B.linear_in_features(base))
        folder = B.hf_folder(base, cache_dir)
        cfg = torchao_config(spec.mode, group)
        # the group size is not part of the spec string: keep it in the cache key
        version = f"{self.backend_version()}+g{group}" if group else None

        def produce(out: Path) -> dict[str, Any]:
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=cdtype, device_map=B.device_map(device),
                                                         quantization_config=TorchAoConfig(cfg), local_files_only=True)
            model.save_pretrained(out, safe_serialization=True)
            return {"quantized_modules": _count_quantized(model)}

        entry, _, info = B.produce_cached(self, spec, base, cache_dir, produce, backend_version=version)
        model = AutoModelForCausalLM.from_pretrained(entry, dtype=cdtype, device_map=B.device_map(device),
                                                     local_files_only=True).eval()
        info.update({
            "backend": "torchao",
            "backend_version": self.backend_version(),
            "mode": spec.mode,
            "config": type(cfg).__name__,
            "bits": BITS[spec.mode],
            "group_size": group,
            "compute_dtype": str(cdtype).replace("torch.", ""),
            "quantized_modules": _count_quantized(model),
        })
        if spec.mode in ("intx4wo", "intx2wo"):
            info["storage"] = "unpacked: one int8 per weight"
        return model, load_tokenizer(base), info


def _count_quantized(model: Any) -> int:
    import torch

    return sum(1 for m in model.modules()
               if isinstance(m, torch.nn.Linear) and type(m.weight).__name__ not in ("Parameter", "Tensor"))


HANDLER = TorchaoHandler()
