"""``lm_eval --model compsec``: any compsec variant of a base model, produced or loaded on the fly.

::

    lm_eval --model compsec \\
        --model_args pretrained=organism:smollm2-135m-safe,variant=rtn:4:g64 \\
        --tasks compsec --apply_chat_template --log_samples --output_path out/

``model_args``: ``pretrained`` (a local HF folder, a GGUF file, or ``organism:NAME``),
``variant`` (a VariantSpec string, default ``original``), ``fidelity`` (measure KL vs the base,
default true), ``expected_sha256`` (pin a single-file base), ``manifest`` (a manifest file whose
pins and spec must match), ``allow_pickle`` (default false), ``calibration`` (a prompt-set ref),
``gguf_file``, ``dtype`` (default float32), ``cache_dir``; every other argument goes to lm-eval's
``hf`` model (``batch_size``, ``max_length``, ...).

The variant's Manifest (spec, backend and version, weight sha256s, bytes, fidelity) is added to
the results file under ``config.compsec_manifest``. lm-eval 0.4.13 finds this class through
compsec's import hook; newer releases read the ``lm_eval.models`` entry point.
"""

from __future__ import annotations

import logging
from typing import Any

from lm_eval.api.registry import model_registry
from lm_eval.models.huggingface import HFLM

from compsec_tasks.errors import CompsecError

from .loading import load_variant

logger = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CompsecError(f"--model compsec: {name} must be true or false, got {value!r}")


def _pick_device(device: str | None) -> str:
    """lm-eval passes ``cuda`` by default; like its ``hf`` model, fall back to the CPU."""
    import torch

    if not device:
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        logger.info("CUDA is not available; running the variant on the CPU")
        return "cpu"
    return str(device)


class CompsecLM(HFLM):
    """lm-eval's ``hf`` model around a compsec variant (see the module docstring)."""

    def __init__(
        self,
        pretrained: str,
        variant: str = "original",
        fidelity: Any = True,
        expected_sha256: str | None = None,
        manifest: str | None = None,
        allow_pickle: Any = False,
        calibration: str | None = None,
        gguf_file: str | None = None,
        dtype: str = "float32",
        device: str | None = None,
        cache_dir: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(pretrained, str) or not pretrained:
            raise CompsecError("--model compsec needs pretrained=<HF folder | GGUF file | organism:NAME>")
        dev = _pick_device(device)
        lv = load_variant(
            pretrained,
            str(variant),
            dtype=str(dtype),
            device=dev,
            calibration=calibration,
            cache_dir=cache_dir,
            expected_sha256=expected_sha256,
            manifest=manifest,
            allow_pickle=_as_bool("allow_pickle", allow_pickle),
            fidelity=_as_bool("fidelity", fidelity),
            gguf_file=gguf_file,
        )
        self.compsec_manifest = lv.manifest
        self.compsec_variant = lv.spec.to_string()
        logger.info("compsec variant loaded:\n%s", lv.manifest.summary())
        super().__init__(pretrained=lv.model, tokenizer=lv.tokenizer, device=dev, **kwargs)

    def get_model_info(self) -> dict[str, Any]:
        try:
            info = super().get_model_info()
        except Exception:  # HFLM asks the Hub for a model sha; offline this may fail
            info = {}
        info["compsec_variant"] = self.compsec_variant
        info["compsec_manifest"] = self.compsec_manifest.to_dict()
        return info


if "compsec" not in model_registry:  # imported directly, without compsec's lm-eval hook
    model_registry.register("compsec", target=CompsecLM)
