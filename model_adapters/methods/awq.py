"""``awq``: an AWQ checkpoint, ``awq:<path>``, loaded through transformers on gptqmodel's AWQ
kernels (the route transformers 5 takes; autoawq is deprecated and its inference needs IPEX
on CPU). On CPU the layers become ``TorchAtenAwqLinear``.

:func:`produce_awq` makes an AWQ checkpoint with gptqmodel (``AWQConfig``, GEMM format). On
CPU it runs with gptqmodel's portable torch kernel (``BACKEND.AWQ_TORCH``); gptqmodel's AWQ
clip search needs every quantized layer's output width to be a multiple of 64, which it is for
real models (SmolLM2-135M: 192, 576, 1536) but not for every toy one, and 16-bit weights
(a float32 request quantizes in bfloat16 on CPU, float16 on CUDA).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, InputFileError

from ..registry import MethodHandler
from ..spec import AWQSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["AWQHandler", "HANDLER", "produce_awq", "AWQ_OUT_MULTIPLE"]

AWQ_OUT_MULTIPLE = 64


def produce_awq(base: Path, out: Path, prompts: list[str], *, bits: int = 4, group_size: int = 128,
                device: str = "cpu", n_samples: int = 128, dtype: Any = "auto",
                cache_dir: Path | None = None) -> dict[str, Any]:
    """Quantize the model at ``base`` with AWQ on ``prompts`` (rendered and filtered as for
    GPTQ) and save the checkpoint into ``out``; returns what was done. A GGUF base is first
    dequantized into ``cache_dir`` (default: compsec's variant cache)."""
    B.prepare_gptqmodel_env()
    from ..loading import load_tokenizer

    shapes = B.linear_shapes(base)
    B.check_group_size(group_size, {n: s[0] for n, s in shapes.items()},
                       fix=lambda g: f"group_size={g}")
    bad = {n: s[1] for n, s in shapes.items() if s[1] % AWQ_OUT_MULTIPLE}
    if bad:
        name, width = next(iter(bad.items()))
        raise CompsecError(
            f"gptqmodel's AWQ needs every quantized layer's output width to be a multiple of {AWQ_OUT_MULTIPLE}; "
            f"{name} has {width} ({len(bad)} layer(s) affected)"
        )
    texts, stats = B.calibration_texts(load_tokenizer(base), prompts, n_samples)
    if base.is_file():
        from ..cache import default_cache_dir

        folder = B.hf_folder(base, cache_dir or default_cache_dir())
    else:
        folder = base

    import torch
    from gptqmodel import BACKEND, AWQConfig, GPTQModel

    if dtype in (torch.float32, "float32"):
        # gptqmodel packs AWQ layers only from 16-bit weights
        dtype = torch.float16 if B.is_cuda(device) else torch.bfloat16
        logger.info("AWQ quantizes in %s (gptqmodel's AWQ packing takes 16-bit weights only)", dtype)
    qcfg = AWQConfig(bits=bits, group_size=group_size, offload_to_disk=False)
    model = GPTQModel.load(str(folder), qcfg, device=device, dtype=dtype)
    backend = BACKEND.AUTO if B.is_cuda(device) else BACKEND.AWQ_TORCH
    with tempfile.TemporaryDirectory(prefix="compsec-gptqmodel-") as logs, B.gptqmodel_logs_in(Path(logs)):
        model.quantize(texts, batch_size=1, backend=backend)
    model.save(str(out))
    return {"bits": bits, "group_size": group_size, "dtype": str(dtype).replace("torch.", ""), **stats}


class AWQHandler(MethodHandler):
    method = "awq"
    spec_cls = AWQSpec
    extra = "awq"
    requires = ("gptqmodel", "transformers")
    backend = "gptqmodel"
    description = "AWQ checkpoint (gptqmodel kernels)"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[awq]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"gptqmodel check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        B.prepare_gptqmodel_env()
        from ..integrity import hash_weight_files
        from ..loading import load_tokenizer
        from .gptq import count_quant_linear, load_quantized_checkpoint

        folder = B.resolve_path(spec.path, base, what="AWQ checkpoint")
        if not folder.is_dir():
            raise InputFileError(f"AWQ checkpoint {spec.path!r} must be a folder (config.json + safetensors)")
        B.require_safetensors(folder, "AWQ checkpoint")
        qc = B.quantization_config_of(folder)
        qmethod = str(qc.get("quant_method", "")).lower()
        if qmethod != "awq":
            what = f"quant_method {qmethod!r}" if qmethod else "no quantization_config"
            raise InputFileError(
                f"{str(folder)!r} is not an AWQ checkpoint (its config.json has {what})"
                + ("; load it with gptq:<path>" if qmethod == "gptq" else "")
                + ("; load it with ct:<path>" if qmethod == "compressed-tensors" else "")
            )
        model = load_quantized_checkpoint(folder, dtype=dtype, device=device)
        tok_src = folder if (folder / "tokenizer_config.json").is_file() else base
        info = {
            "backend": "gptqmodel",
            "backend_version": self.backend_version(),
            "produced": False,
            "saved_path": str(folder),
            "variant_files": hash_weight_files(folder),
            "bits": qc.get("bits"),
            "group_size": qc.get("group_size"),
            "version": qc.get("version") or qc.get("format"),
            "zero_point": qc.get("zero_point"),
            "quantized_modules": count_quant_linear(model),
            "tokenizer_from": str(tok_src),
        }
        return model, load_tokenizer(tok_src), info


HANDLER = AWQHandler()
