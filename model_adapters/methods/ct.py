"""``ct``: compressed-tensors checkpoints (the llmcompressor / vLLM format) — load one
(``ct:<path>``) or produce one (``ct:W4A16``, ``ct:W8A8``) with llmcompressor's ``oneshot``.

Producing runs ``GPTQModifier`` on the calibration prompts (chat-rendered, as for ``gptq``),
every linear layer but ``lm_head``:

* ``W4A16`` — int4 symmetric weights in groups, 16-bit activations. The preset's group size is
  128; a model whose layers it does not divide gets the largest of 64, 32, 16 that does
  (SmolLM2-135M, 576 wide: 64), recorded as ``group_size`` in the manifest;
* ``W8A8`` — int8 per-channel weights, int8 dynamic per-token activations.

The checkpoint is saved compressed (``save_compressed=True``) into the variant cache and
reloaded through transformers, which loads the weights packed (``weight_packed`` int32 for
W4A16, int8 ``weight`` for W8A8) and, on the first forward pass, decompresses them to the
model dtype: the model computes with the quantization grid's values (recorded as ``runtime``).
The manifest's byte counts are the packed weights as loaded, measured before that first pass
(``weight_bytes_note`` says so); once decompressed, the linear weights take the model dtype's
size in memory.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from compsec_tasks.errors import InputFileError

from ..isolate import run_isolated
from ..registry import MethodHandler
from ..spec import CTSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["CTHandler", "HANDLER", "produce_ct", "scheme_for"]

DEFAULT_GROUP = 128
N_SAMPLES = 128
MAX_SEQ_LEN = 512
RUNTIME_NOTE = ("transformers keeps the weights packed until the first forward pass, then decompresses them "
                "to the model dtype (values on the quantization grid)")
BYTES_NOTE = ("compressed-tensors: bytes of the packed weights and their scales as loaded, before the first "
              "forward pass; transformers then decompresses the linear weights to {dtype} in memory")


def scheme_for(name: str, group_size: int | None = None) -> Any:
    """The compressed-tensors ``QuantizationScheme`` of a preset (``W4A16``, ``W8A8``) on
    ``Linear`` layers, with the group size replaced when given."""
    from compressed_tensors.quantization import preset_name_to_scheme

    scheme = preset_name_to_scheme(name, ["Linear"])
    if group_size is not None and scheme.weights is not None and scheme.weights.group_size is not None:
        weights = scheme.weights.model_copy(update={"group_size": group_size})
        scheme = scheme.model_copy(update={"weights": weights})
    return scheme


def produce_ct(folder: Path, out: Path, texts: list[str], *, scheme: str, group_size: int | None,
               dtype: Any, device: str) -> dict[str, Any]:
    """Quantize the Hugging Face model in ``folder`` with llmcompressor (GPTQ) on ``texts``
    and save it compressed into ``out`` (with the tokenizer)."""
    from datasets import Dataset
    from llmcompressor import oneshot
    from llmcompressor.modifiers.quantization import GPTQModifier
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype, device_map=B.device_map(device),
                                                 local_files_only=True)
    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    ds = Dataset.from_dict({"text": texts}).map(
        lambda r: tok(r["text"], truncation=True, max_length=MAX_SEQ_LEN, add_special_tokens=False),
        remove_columns=["text"])
    modifier = GPTQModifier(config_groups={"group_0": scheme_for(scheme, group_size)}, ignore=["lm_head"])
    with tempfile.TemporaryDirectory(prefix="compsec-llmcompressor-") as work:
        oneshot(model=model, dataset=ds, recipe=modifier, num_calibration_samples=len(texts),
                max_seq_length=MAX_SEQ_LEN, shuffle_calibration_samples=False, output_dir=None,
                save_compressed=False, **_oneshot_log_kwargs(work))
    model.save_pretrained(out, save_compressed=True)
    tok.save_pretrained(out)
    return {"algorithm": "GPTQModifier"}


def _oneshot_log_kwargs(work: str) -> dict[str, Any]:
    """Keep llmcompressor's run logs out of the working directory where it supports that."""
    import inspect

    from llmcompressor import oneshot

    try:
        params = inspect.signature(oneshot).parameters
    except (TypeError, ValueError):
        return {}
    return {"log_dir": work} if "log_dir" in params else {}


def _scheme_info(qc: dict[str, Any]) -> dict[str, Any]:
    """bits / group size / activation bits of a compressed-tensors ``quantization_config``."""
    groups = qc.get("config_groups") or {}
    first: dict[str, Any] = next(iter(groups.values()), {}) if isinstance(groups, dict) else {}
    w = (first or {}).get("weights") or {}
    a = (first or {}).get("input_activations") or {}
    return {"bits": w.get("num_bits"), "group_size": w.get("group_size"), "weight_strategy": w.get("strategy"),
            "activation_bits": a.get("num_bits") if a else None, "format": qc.get("format")}


def count_compressed(model: Any) -> int:
    """Linear layers holding compressed-tensors parameters (``weight_packed`` or
    ``weight_scale``)."""
    return sum(1 for m in model.modules() if hasattr(m, "weight_scale") or hasattr(m, "weight_packed"))


class CTHandler(MethodHandler):
    method = "ct"
    produces_in_child = True
    spec_cls = CTSpec
    extra = "ct"
    requires = ("compressed_tensors", "transformers")
    backend = "compressed-tensors"
    description = "compressed-tensors checkpoints; W4A16 / W8A8 produced with llmcompressor"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[ct]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"compressed-tensors check failed: {exc}"

    def needs_calibration(self, spec: Any) -> bool:
        return getattr(spec, "scheme", None) is not None

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from ..loading import load_tokenizer

        if spec.path is not None:
            return self._load_checkpoint(spec, base, dtype=dtype, device=device)
        missing = B.missing_modules(("llmcompressor", "datasets"))
        if missing:
            from compsec_tasks.errors import MissingDependencyError

            raise MissingDependencyError(f"producing ct:{spec.scheme}", "ct", ", ".join(missing))

        group = B.pick_group_size(DEFAULT_GROUP, B.linear_in_features(base)) if spec.scheme == "W4A16" else None
        prompts = list(calibration) if calibration is not None else B.default_calibration("compsec:dev")
        tokenizer = load_tokenizer(base)
        texts, cal_stats = B.calibration_texts(tokenizer, prompts, N_SAMPLES)
        folder = B.hf_folder(base, cache_dir)
        cdtype = B.compute_dtype(dtype, device)
        version = f"{B.dist_version('llmcompressor')}+ct{self.backend_version()}" + (f"+g{group}" if group else "")

        def produce(out: Path) -> dict[str, Any]:
            done = run_isolated(f"llm-compressor quantization ({spec.to_string()})", produce_ct, folder, out, texts,
                                scheme=spec.scheme, group_size=group, dtype=cdtype, device=device)
            return {**done, **cal_stats}

        entry, _, info = B.produce_cached(self, spec, base, cache_dir, produce, calibration=texts,
                                          backend_version=version)
        model = self._from_pretrained(entry, dtype=dtype, device=device)
        info.update({
            "backend": "compressed-tensors",
            "backend_version": self.backend_version(),
            "llmcompressor_version": B.dist_version("llmcompressor"),
            "scheme": spec.scheme,
            **_scheme_info(B.quantization_config_of(entry)),
            "quantized_modules": count_compressed(model),
            "runtime": RUNTIME_NOTE,
            "weight_bytes_note": BYTES_NOTE.format(dtype=dtype),
        })
        return model, tokenizer, info

    @staticmethod
    def _from_pretrained(folder: Path, *, dtype: str, device: str) -> Any:
        from transformers import AutoModelForCausalLM

        return AutoModelForCausalLM.from_pretrained(str(folder), dtype=B.torch_dtype(dtype),
                                                    device_map=B.device_map(device), local_files_only=True,
                                                    use_safetensors=True).eval()

    def _load_checkpoint(self, spec: Any, base: Path, *, dtype: str, device: str
                         ) -> tuple[Any, Any, dict[str, Any]]:
        from ..integrity import hash_weight_files
        from ..loading import load_tokenizer

        folder = B.resolve_path(spec.path, base, what="compressed-tensors checkpoint")
        if not folder.is_dir():
            raise InputFileError(f"compressed-tensors checkpoint {spec.path!r} must be a folder "
                                 "(config.json + safetensors)")
        B.require_safetensors(folder, "compressed-tensors checkpoint")
        qc = B.quantization_config_of(folder)
        qmethod = str(qc.get("quant_method", "")).lower()
        if qmethod != "compressed-tensors":
            what = f"quant_method {qmethod!r}" if qmethod else "no quantization_config"
            raise InputFileError(f"{str(folder)!r} is not a compressed-tensors checkpoint (its config.json has {what})")
        model = self._from_pretrained(folder, dtype=dtype, device=device)
        tok_src = folder if (folder / "tokenizer_config.json").is_file() else base
        info = {
            "backend": "compressed-tensors",
            "backend_version": self.backend_version(),
            "produced": False,
            "saved_path": str(folder),
            "variant_files": hash_weight_files(folder),
            **_scheme_info(qc),
            "quantized_modules": count_compressed(model),
            "runtime": RUNTIME_NOTE,
            "weight_bytes_note": BYTES_NOTE.format(dtype=dtype),
            "tokenizer_from": str(tok_src),
        }
        return model, load_tokenizer(tok_src), info


HANDLER = CTHandler()
