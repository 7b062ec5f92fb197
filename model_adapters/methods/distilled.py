"""``distilled``: a distilled (student) model standing in for its teacher, ``distilled:<path>``.

The student is a local Hugging Face folder with safetensors weights (a folder whose weights
are only pickles is refused); a relative path is looked up as given, then next to the base
model. The base model given to :func:`~model_adapters.loading.load_variant` is the teacher:
the manifest's fidelity compares the student with it on the probe prompts, and
``backend_info`` records it (``teacher``) next to both models' sizes. Student and teacher must
share the tokenizer's vocabulary for that comparison (``same_vocabulary`` says whether they
do; load a student with another vocabulary with ``fidelity=False``); the student's own
tokenizer is used when its folder has one, else the teacher's.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from compsec_tasks.errors import InputFileError

from ..registry import MethodHandler
from ..spec import DistilledSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["DistilledHandler", "HANDLER"]


def _config_summary(folder: Path) -> dict[str, Any]:
    cfg = folder / "config.json"
    if not cfg.is_file():
        return {}
    try:
        data = json.loads(cfg.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    keys = ("model_type", "hidden_size", "num_hidden_layers", "intermediate_size", "vocab_size")
    return {k: data[k] for k in keys if k in data}


class DistilledHandler(MethodHandler):
    method = "distilled"
    spec_cls = DistilledSpec
    extra = "hf"
    requires = ("torch", "transformers")
    backend = "transformers"
    description = "a distilled student model (local safetensors folder)"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[hf]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"transformers check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from ..integrity import hash_weight_files
        from ..loading import load_hf_model, load_tokenizer

        folder = B.resolve_path(spec.path, base, what="distilled model")
        if not folder.is_dir():
            raise InputFileError(f"distilled model {spec.path!r} must be a Hugging Face folder "
                                 "(config.json + safetensors)")
        B.require_safetensors(folder, "distilled model")
        model = load_hf_model(folder, dtype=dtype, device=device, use_safetensors=True)
        has_tok = (folder / "tokenizer_config.json").is_file() or (folder / "tokenizer.json").is_file()
        tok_src = folder if has_tok else base
        student_params = sum(p.numel() for p in model.parameters())
        teacher = _config_summary(base) if base.is_dir() else {}
        tokenizer = load_tokenizer(tok_src)
        student_vocab = int(getattr(model.config, "vocab_size", 0) or 0)
        teacher_vocab = int(teacher.get("vocab_size") or len(load_tokenizer(base)))
        if student_vocab != teacher_vocab:
            logger.warning(
                "distilled model %s has a vocabulary of %d, its teacher %s of %d: fidelity against the "
                "teacher (which scores the teacher's tokens) is not defined; load it with fidelity=False",
                folder, student_vocab, base, teacher_vocab)
        info = {
            "backend": "transformers",
            "backend_version": self.backend_version(),
            "produced": False,
            "saved_path": str(folder),
            "variant_files": hash_weight_files(folder),
            "teacher": str(base),
            "teacher_config": teacher,
            "student_config": _config_summary(folder),
            "student_parameters": int(student_params),
            "same_vocabulary": student_vocab == teacher_vocab,
            "tokenizer_from": str(tok_src),
        }
        return model, tokenizer, info


HANDLER = DistilledHandler()
