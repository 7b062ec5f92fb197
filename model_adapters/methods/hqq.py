"""``hqq``: half-quadratic quantization (calibration-free), ``hqq:<bits>[:g<group>]``.

transformers 5 has no working ``HqqConfig`` path, so the model is quantized with hqq's own
``AutoHQQHFModel.quantize_model`` (every linear layer but ``lm_head`` becomes an
``HQQLinear``), saved with ``AutoHQQHFModel.save_quantized`` into the variant cache and
reloaded with ``AutoHQQHFModel.from_quantized``, which reproduces the quantized model exactly.
hqq's checkpoint is ``qmodel.pt`` (a torch file read back with ``weights_only=True``, so it
cannot run code) and ``config.json``. hqq reloads tied embeddings as two copies; the handler
ties them again. Scales and zero points live in each layer's ``meta`` dict, outside the
parameters and buffers: the manifest's ``weight_bytes`` and ``linear_weight_bytes`` include
them (:func:`model_adapters.manifest.model_stats`), and ``backend_info["meta_bytes"]`` says how
many of those bytes they are.

SmolLM2-135M: KL vs fp32 about 0.3 (4-bit), 2.7 (3-bit), 10.6 (2-bit) on the probe prompts
(benchmarks/backends_cpu.py). hqq's weight optimizer runs elementwise torch ops: on a busy
2-core CPU, ``torch.set_num_threads(1)`` is several times faster than two contended threads.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, VariantError

from ..registry import MethodHandler
from ..spec import HQQSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["HQQHandler", "HANDLER"]


class HQQHandler(MethodHandler):
    method = "hqq"
    spec_cls = HQQSpec
    extra = "hqq"
    requires = ("hqq", "transformers")
    backend = "hqq"
    description = "half-quadratic quantization (hqq), 1-8 bits"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[hqq]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"hqq check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from hqq.core.quantize import BaseQuantizeConfig
        from hqq.models.hf.base import AutoHQQHFModel

        from ..loading import load_hf_model, load_tokenizer

        cdtype = B.compute_dtype(dtype, device)
        widths = B.linear_in_features(base)
        # hqq groups the flattened weight: the group must divide each row to stay within it
        B.check_group_size(spec.group_size, widths, fix=lambda g: f"hqq:{spec.bits}:g{g}")

        def produce(out: Path) -> dict[str, Any]:
            model = load_hf_model(base, dtype=str(cdtype).replace("torch.", ""))
            qcfg = BaseQuantizeConfig(nbits=spec.bits, group_size=spec.group_size)
            AutoHQQHFModel.quantize_model(model, quant_config=qcfg, compute_dtype=cdtype, device=device)
            AutoHQQHFModel.save_quantized(model, str(out))
            return {"quantized_modules": _count_hqq(model)}

        entry, _, info = B.produce_cached(self, spec, base, cache_dir, produce)
        try:
            model = AutoHQQHFModel.from_quantized(str(entry), compute_dtype=cdtype, device=device)
        except Exception as exc:
            raise CompsecError(f"hqq could not reload the variant saved at {entry}: {exc}") from exc
        n = _count_hqq(model)
        if n == 0:
            raise VariantError(f"hqq reloaded {entry} without any HQQLinear layer")
        retied = _retie_embeddings(model)
        import hqq

        info.update({
            "backend": "hqq",
            "backend_version": getattr(hqq, "__version__", "") or B.dist_version("hqq"),
            "bits": spec.bits,
            "group_size": spec.group_size,
            "compute_dtype": str(cdtype).replace("torch.", ""),
            "quantized_modules": n,
            "meta_bytes": _meta_bytes(model),
            "retied_embeddings": retied,
            "format": "hqq qmodel.pt (torch, read with weights_only=True)",
        })
        return model.eval(), load_tokenizer(base), info


def _retie_embeddings(model: Any) -> bool:
    """hqq's ``from_quantized`` loads a tied ``lm_head`` as a second copy of the embeddings (113 MB
    more for SmolLM2-135M); tie it again when the config says so and the copy is identical."""
    import torch

    if not getattr(model.config, "tie_word_embeddings", False):
        return False
    inp, out = model.get_input_embeddings(), model.get_output_embeddings()
    if inp is None or out is None or not isinstance(out, torch.nn.Linear) or out.weight is inp.weight:
        return False
    if out.weight.shape != inp.weight.shape or not torch.equal(out.weight, inp.weight):
        return False
    out.weight = inp.weight
    return True


def _meta_bytes(model: Any) -> int:
    """Bytes of the tensors HQQLinear keeps in its ``meta`` dict (scales and zero points, and
    their own metadata when hqq quantizes them), which are neither parameters nor buffers."""
    from ..manifest import _Bytes, _meta_tensors

    counter = _Bytes()
    return sum(counter.add(t) for m in model.modules() if type(m).__name__ == "HQQLinear"
               for t in _meta_tensors(m))


def _count_hqq(model: Any) -> int:
    return sum(1 for m in model.modules() if type(m).__name__ == "HQQLinear")


HANDLER = HQQHandler()
