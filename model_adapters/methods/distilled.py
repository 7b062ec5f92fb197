"""``distilled``: a distilled (student) model standing in for its teacher, ``distilled:<path>``.

The student is a local Hugging Face folder with safetensors weights (a folder whose weights
are only pickles is refused); a relative path is looked up as given, then next to the base
model. The base model given to :func:`~model_adapters.loading.load_variant` is the teacher:
the manifest's fidelity compares the student with it on the probe prompts, and
``backend_info`` records it (``teacher``) next to both models' sizes. The student's own
tokenizer is used when its folder has one, else the teacher's.

Next-token KL is defined only when student and teacher score the same tokens:
``same_vocabulary`` says whether they do (the student's tokenizer gives every teacher token
the same id, and its output layer covers them), next to both vocabulary sizes and output-layer
row counts. A student with another vocabulary (a 49152-token student of a 32000-token teacher)
loads and evaluates normally; :func:`~model_adapters.loading.load_variant`
records its fidelity as not comparable (``fidelity`` None, the reason in ``fidelity_note``)
and raises :class:`~compsec_tasks.errors.FidelityError` only under ``fidelity="require"``.
A student whose output layer is padded past the shared tokenizer is compared over the rows
both models have.
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


def _vocabulary(student_tok: Any, teacher_tok: Any, student: Any, teacher_config: dict[str, Any]
                ) -> dict[str, Any]:
    """Both vocabularies (tokenizer sizes, output-layer rows) and whether they are the same: every
    teacher token has the same id in the student's tokenizer and the student scores all of them."""
    s_vocab, t_vocab = student_tok.get_vocab(), teacher_tok.get_vocab()
    same_ids = student_tok is teacher_tok or all(s_vocab.get(t) == i for t, i in t_vocab.items())
    out = student.get_output_embeddings() if hasattr(student, "get_output_embeddings") else None
    s_rows = getattr(out, "out_features", None) or getattr(student.config, "vocab_size", None)
    t_rows = teacher_config.get("vocab_size")
    same = bool(same_ids and (s_rows is None or int(s_rows) >= len(teacher_tok)))
    return {"same_vocabulary": same, "same_tokenizer": bool(same_ids), "student_vocab": len(student_tok),
            "teacher_vocab": len(teacher_tok), "student_vocab_rows": int(s_rows) if s_rows else None,
            "teacher_vocab_rows": int(t_rows) if t_rows else None}


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
        teacher_tok = tokenizer if tok_src == base else load_tokenizer(base)
        vocab = _vocabulary(tokenizer, teacher_tok, model, teacher)
        if not vocab["same_vocabulary"]:
            logger.info("distilled model %s does not share its teacher's vocabulary (%d tokens, %s output rows vs "
                        "%d, %s): next-token fidelity against the teacher is undefined", folder,
                        vocab["student_vocab"], vocab["student_vocab_rows"], vocab["teacher_vocab"],
                        vocab["teacher_vocab_rows"])
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
            **vocab,
            "tokenizer_from": str(tok_src),
        }
        return model, tokenizer, info


HANDLER = DistilledHandler()
