"""``gptq``: GPTQ through gptqmodel — produce (``gptq:<bits>[:g<group>|:pc][:n<samples>]``)
or load a checkpoint (``gptq:<path>``).

Producing: the calibration prompts (the dev split of compsec's prompt sets unless the spec's
``cal=`` or the caller says otherwise) are rendered in the model's chat template, texts under
11 tokens are dropped (gptqmodel would drop them silently), the first ``n_samples`` are kept,
and ``GPTQModel.quantize`` runs on the device (CPU works: set ``GPTQMODEL_CPU_WORKERS``, 2 by
default here). The checkpoint is saved into the variant cache and reloaded through
transformers (whose GPTQ integration runs on gptqmodel's kernels), so what is evaluated is
the saved file.

The group size must divide every linear layer's input width: SmolLM2-135M (576 wide) takes
g64, not the default g128 — the error says so and names the spec to use.

SmolLM2-135M on a 2-core CPU: 4-bit g64 about 80 s, KL vs fp32 about 0.96.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from compsec_tasks.errors import InputFileError

from ..registry import MethodHandler
from ..spec import GPTQSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["GPTQHandler", "HANDLER", "produce_gptq", "load_quantized_checkpoint"]


def produce_gptq(folder: Path, out: Path, texts: list[str], *, bits: int, group_size: int, device: str = "cpu",
                 dtype: Any = "auto") -> dict[str, Any]:
    """Quantize the Hugging Face model in ``folder`` with GPTQ on ``texts`` and save the
    checkpoint (safetensors, config, tokenizer) into ``out``."""
    B.prepare_gptqmodel_env()
    from gptqmodel import GPTQModel, QuantizeConfig

    # layers wait on disk until their turn (same checkpoint, bit for bit; ~0.4 GiB less memory for
    # SmolLM2-135M), in a folder of ours that goes away whatever happens
    with tempfile.TemporaryDirectory(prefix="compsec-gptq-offload-") as offload:
        qcfg = QuantizeConfig(bits=bits, group_size=group_size, offload_to_disk=True, offload_to_disk_path=offload)
        model = GPTQModel.load(str(folder), qcfg, device=device, dtype=dtype)
        # every text is already >= 11 tokens; gptqmodel's own filter stays at its default
        with tempfile.TemporaryDirectory(prefix="compsec-gptqmodel-") as logs, B.gptqmodel_logs_in(Path(logs)):
            model.quantize(texts, batch_size=1)
        model.save(str(out))
        del model
    _drop_offload_path(out)
    return {"calibration_tokens_min": 11}


def _drop_offload_path(out: Path) -> None:
    """gptqmodel records its (temporary, random) offload folder in the checkpoint's configs; a
    checkpoint made twice from the same inputs should have the same files, so it is dropped."""
    for name in ("config.json", "quantize_config.json"):
        path = out / name
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))

        def scrub(node: Any) -> None:
            if isinstance(node, dict):
                for k in list(node):
                    if k == "offload_to_disk_path":
                        node[k] = None
                    else:
                        scrub(node[k])
            elif isinstance(node, list):
                for x in node:
                    scrub(x)

        scrub(data)
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_quantized_checkpoint(folder: Path, *, dtype: str, device: str) -> Any:
    """A GPTQ / AWQ checkpoint folder through transformers (gptqmodel kernels), in eval mode."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=B.torch_dtype(dtype),
                                                 device_map=B.device_map(device), local_files_only=True,
                                                 use_safetensors=True)
    return model.eval()


def count_quant_linear(model: Any) -> int:
    """Layers replaced by gptqmodel's quantized linear kernels (``TorchAtenLinear``,
    ``TorchAtenAwqLinear``, ``TorchQuantLinear``, ...)."""
    return sum(1 for m in model.modules() if hasattr(m, "qweight"))


class GPTQHandler(MethodHandler):
    method = "gptq"
    produces_in_child = True
    spec_cls = GPTQSpec
    extra = "gptq"
    requires = ("gptqmodel", "transformers", "optimum")
    backend = "gptqmodel"
    description = "GPTQ (gptqmodel): produce with calibration, or load a checkpoint"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[gptq]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"gptqmodel check failed: {exc}"

    def needs_calibration(self, spec: Any) -> bool:
        return getattr(spec, "path", None) is None

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        B.prepare_gptqmodel_env()
        from ..isolate import run_isolated
        from ..loading import load_tokenizer

        if spec.path is not None:
            return self._load_checkpoint(spec, base, dtype=dtype, device=device)

        widths = B.linear_in_features(base)
        B.check_group_size(spec.group_size, widths, fix=lambda g: GPTQSpec(
            bits=spec.bits, group_size=g, calibration=spec.calibration, n_samples=spec.n_samples).to_string())
        prompts = list(calibration) if calibration is not None else B.default_calibration(spec.calibration)
        tokenizer = load_tokenizer(base)
        texts, cal_stats = B.calibration_texts(tokenizer, prompts, spec.n_samples)
        folder = B.hf_folder(base, cache_dir)
        qdtype = B.compute_dtype(dtype, device)

        def produce(out: Path) -> dict[str, Any]:
            # in a child process: gptqmodel keeps ~0.6 GiB after quantizing (see model_adapters.isolate)
            run_isolated(f"GPTQ quantization ({spec.to_string()})", produce_gptq, folder, out, texts,
                         bits=spec.bits, group_size=spec.group_size, device=device, dtype=qdtype)
            return dict(cal_stats)

        entry, _, info = B.produce_cached(self, spec, base, cache_dir, produce, calibration=texts)
        model = load_quantized_checkpoint(entry, dtype=dtype, device=device)
        qc = B.quantization_config_of(entry)
        info.update({
            "backend": "gptqmodel",
            "backend_version": self.backend_version(),
            "bits": spec.bits,
            "group_size": spec.group_size,
            "checkpoint_format": qc.get("checkpoint_format") or qc.get("format"),
            "desc_act": qc.get("desc_act"),
            "sym": qc.get("sym"),
            "quantized_modules": count_quant_linear(model),
        })
        return model, tokenizer, info

    def _load_checkpoint(self, spec: Any, base: Path, *, dtype: str, device: str
                         ) -> tuple[Any, Any, dict[str, Any]]:
        from ..integrity import hash_weight_files
        from ..loading import load_tokenizer

        folder = B.resolve_path(spec.path, base, what="GPTQ checkpoint")
        if not folder.is_dir():
            raise InputFileError(f"GPTQ checkpoint {spec.path!r} must be a folder (config.json + safetensors)")
        B.require_safetensors(folder, "GPTQ checkpoint")
        qc = B.quantization_config_of(folder)
        qmethod = str(qc.get("quant_method", "")).lower()
        if qmethod != "gptq":
            what = f"quant_method {qmethod!r}" if qmethod else "no quantization_config"
            raise InputFileError(
                f"{str(folder)!r} is not a GPTQ checkpoint (its config.json has {what})"
                + ("; load it with awq:<path>" if qmethod == "awq" else "")
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
            "checkpoint_format": qc.get("checkpoint_format") or qc.get("format"),
            "desc_act": qc.get("desc_act"),
            "sym": qc.get("sym"),
            "quantized_modules": count_quant_linear(model),
            "tokenizer_from": str(tok_src),
        }
        return model, load_tokenizer(tok_src), info


HANDLER = GPTQHandler()
