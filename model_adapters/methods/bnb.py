"""``bnb``: bitsandbytes LLM.int8() (``bnb:int8``) and 4-bit NF4 / FP4 (``bnb:nf4``, ``bnb:fp4``).

The base is loaded through transformers with a ``BitsAndBytesConfig`` (every linear layer but
``lm_head`` becomes ``Linear8bitLt`` / ``Linear4bit``), saved into the variant cache right
away, and the saved checkpoint is what gets evaluated, so the manifest's sha256 pins name the
files that were measured.

The 4-bit save must come before any forward pass. On CPUs with AVX512-BF16, bitsandbytes
(0.50) repacks each 4-bit weight into a CPU layout on its first forward pass, and
``save_pretrained`` after that writes absmax transposed: the checkpoint reloads as garbage
(KL vs base 13.9 on SmolLM2-135M instead of 1.3) and the in-memory model is corrupted as
well. :func:`save_bnb_model` refuses to save such a model and says why.

bitsandbytes runs int8 and 4-bit on CPU from release 0.48 on (tested: 0.50.2); older
releases need a CUDA device.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError

from ..registry import MethodHandler
from ..spec import BnbSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["BnbHandler", "HANDLER", "bnb_config", "save_bnb_model", "packed_for_cpu", "MIN_CPU_VERSION"]

MIN_CPU_VERSION = (0, 48)


def bnb_config(mode: str, compute_dtype: Any) -> Any:
    """The transformers ``BitsAndBytesConfig`` of a mode (int8, nf4, fp4)."""
    from transformers import BitsAndBytesConfig

    if mode == "int8":
        return BitsAndBytesConfig(load_in_8bit=True)
    if mode in ("nf4", "fp4"):
        return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=mode, bnb_4bit_compute_dtype=compute_dtype,
                                  bnb_4bit_use_double_quant=False)
    raise CompsecError(f"unknown bitsandbytes mode {mode!r}: use int8, nf4 or fp4")


def packed_for_cpu(model: Any) -> list[str]:
    """Names of the 4-bit layers whose weights were repacked for the CPU kernel (which happens
    on their first forward pass on an AVX512-BF16 CPU)."""
    out = []
    for name, mod in model.named_modules():
        weight = getattr(mod, "weight", None)
        qs = getattr(weight, "quant_state", None)
        if qs is not None and getattr(qs, "packing_format_for_cpu", False):
            out.append(name)
    return out


def save_bnb_model(model: Any, out_dir: str | Path) -> None:
    """``save_pretrained`` for a bitsandbytes model; refuses a 4-bit model that already ran a
    forward pass on the CPU (its saved weights would reload as garbage)."""
    packed = packed_for_cpu(model)
    if packed:
        raise CompsecError(
            f"refusing to save this bitsandbytes 4-bit model: {len(packed)} layer(s) (e.g. {packed[0]}) ran a "
            "forward pass on the CPU, which repacks their weights, and bitsandbytes then saves them "
            "wrongly (absmax transposed: the checkpoint reloads as garbage and the model in memory is "
            "damaged too). Save a 4-bit model right after loading it, before any forward pass."
        )
    model.save_pretrained(out_dir, safe_serialization=True)


class BnbHandler(MethodHandler):
    method = "bnb"
    spec_cls = BnbSpec
    extra = "bnb"
    requires = ("bitsandbytes", "transformers", "accelerate")
    backend = "bitsandbytes"
    description = "bitsandbytes LLM.int8() / 4-bit NF4, FP4"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[bnb]"
            version = B.dist_version("bitsandbytes")
            if B.version_tuple(version) < MIN_CPU_VERSION and not B.cuda_available():
                need = ".".join(map(str, MIN_CPU_VERSION))
                return False, (f"bitsandbytes {version} runs only on CUDA and no CUDA device is visible; "
                               f"CPU needs bitsandbytes>={need}: pip install -U 'bitsandbytes>={need}'")
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"bitsandbytes check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from transformers import AutoModelForCausalLM

        from ..loading import load_tokenizer

        if not B.is_cuda(device) and str(device) != "cpu":
            raise CompsecError(f"bitsandbytes runs on cpu or cuda, not on {device!r}")
        cdtype = B.compute_dtype(dtype, device)
        folder = B.hf_folder(base, cache_dir)
        qconfig = bnb_config(spec.mode, cdtype)

        def produce(out: Path) -> dict[str, Any]:
            model = AutoModelForCausalLM.from_pretrained(folder, quantization_config=qconfig, dtype=cdtype,
                                                         device_map=B.device_map(device), local_files_only=True)
            save_bnb_model(model, out)  # before any forward pass (see the module docstring)
            return {"quantized_modules": _count_bnb_layers(model)}

        entry, _, info = B.produce_cached(self, spec, base, cache_dir, produce)
        model = AutoModelForCausalLM.from_pretrained(entry, dtype=cdtype, device_map=B.device_map(device),
                                                     local_files_only=True).eval()
        import bitsandbytes

        info.update({
            "backend": "bitsandbytes",
            "backend_version": bitsandbytes.__version__,
            "mode": spec.mode,
            "bits": 8 if spec.mode == "int8" else 4,
            "compute_dtype": str(cdtype).replace("torch.", ""),
            "quantized_modules": _count_bnb_layers(model),
        })
        return model, load_tokenizer(base), info


def _count_bnb_layers(model: Any) -> int:
    return sum(1 for m in model.modules() if type(m).__name__ in ("Linear8bitLt", "Linear4bit"))


HANDLER = BnbHandler()
