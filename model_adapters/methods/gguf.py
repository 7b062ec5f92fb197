"""``gguf``: a GGUF file (llama.cpp quantization), ``gguf:<file>[:<quant>]``.

transformers reads the file (``from_pretrained(folder, gguf_file=name)``) and dequantizes every
tensor to ``dtype``: the model computes with the GGUF's quantization grid, in ordinary
``nn.Linear`` layers. The quantization itself is read from the file with the ``gguf`` package
and recorded in the manifest: the file type (``general.file_type``, e.g. ``Q4_K_M``), the
predominant type of the weight matrices, and a count per tensor type. When the spec names a
``quant`` it must match the file (the file type or the predominant weight type); a mismatch is
an error, so a leaderboard row never claims a quantization it did not measure.

A relative ``<file>`` is looked up as given, then next to the base model. The tokenizer is the
base model's (the variant must share its vocabulary); when the GGUF model's vocabulary is
smaller than that, the tokenizer embedded in the file is used instead.
"""

from __future__ import annotations

import collections
import logging
from pathlib import Path
from typing import Any

from compsec_tasks.errors import InputFileError, VariantError

from ..registry import MethodHandler
from ..spec import GGUFSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["GGUFHandler", "HANDLER", "read_gguf_quant"]

_UNQUANTIZED = {"F32", "F16", "BF16", "F64"}


def read_gguf_quant(path: str | Path) -> dict[str, Any]:
    """What a GGUF file says about its quantization: ``file_type`` (e.g. ``Q4_1``, ``Q4_K_M``),
    ``quant`` (the predominant type among quantized 2-D weights, e.g. ``Q4_K``), ``tensor_types``
    (type -> count), ``architecture`` and ``quantization_version``."""
    from gguf import GGUFReader, LlamaFileType

    reader = GGUFReader(str(path))

    def field(name: str) -> Any:
        f = reader.fields.get(name)
        if f is None:
            return None
        try:
            return f.contents()
        except Exception:  # noqa: BLE001 - a malformed field is reported as absent
            return None

    counts = collections.Counter(t.tensor_type.name for t in reader.tensors)
    weights = collections.Counter(
        t.tensor_type.name for t in reader.tensors if len(t.shape) >= 2 and t.tensor_type.name not in _UNQUANTIZED
    )
    ft = field("general.file_type")
    file_type = None
    if isinstance(ft, int):
        try:
            file_type = LlamaFileType(ft).name.removeprefix("MOSTLY_")
        except ValueError:
            file_type = str(ft)
    return {
        "file_type": file_type,
        "quant": weights.most_common(1)[0][0] if weights else (counts.most_common(1)[0][0] if counts else None),
        "tensor_types": dict(sorted(counts.items())),
        "architecture": field("general.architecture"),
        "quantization_version": field("general.quantization_version"),
        "n_tensors": len(reader.tensors),
    }


def _matches(want: str, q: dict[str, Any]) -> bool:
    w = want.upper()
    names = {str(q.get("file_type") or "").upper(), str(q.get("quant") or "").upper()}
    # Q4_K_M / Q4_K_S files hold Q4_K weights (with some Q6_K): accept the family name too
    return w in names or any(n and w.startswith(n + "_") for n in names)


class GGUFHandler(MethodHandler):
    method = "gguf"
    spec_cls = GGUFSpec
    extra = "gguf"
    requires = ("gguf", "transformers")
    backend = "gguf"
    description = "GGUF file (llama.cpp quantization), dequantized by transformers"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[gguf]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"gguf check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from ..integrity import sha256_file
        from ..loading import load_hf_model, load_tokenizer

        path = B.resolve_path(spec.file, base, what="GGUF file")
        if not path.is_file() or path.suffix.lower() != ".gguf":
            raise InputFileError(f"GGUF variant {spec.file!r} must be a .gguf file, got {str(path)!r}")
        quant = read_gguf_quant(path)
        if spec.quant is not None and not _matches(spec.quant, quant):
            raise VariantError(
                f"{path.name} is {quant.get('file_type') or '?'} (weights mostly {quant.get('quant') or '?'}), "
                f"not {spec.quant}: fix the spec to gguf:{spec.file}:{quant.get('file_type') or quant.get('quant')}"
            )
        model = load_hf_model(path, dtype="float32" if dtype == "auto" else dtype, device=device)
        tokenizer, tok_from = load_tokenizer(base), str(base)
        vocab = int(getattr(model.config, "vocab_size", 0) or 0)
        if vocab and len(tokenizer) > vocab:
            logger.warning("the base tokenizer (%d tokens) does not fit %s (%d); using the GGUF's own",
                           len(tokenizer), path.name, vocab)
            tokenizer, tok_from = load_tokenizer(path), str(path)
        import gguf as gguf_pkg

        info = {
            "backend": "gguf",
            "backend_version": B.dist_version("gguf") or getattr(gguf_pkg, "__version__", ""),
            "transformers_version": B.dist_version("transformers"),
            "produced": False,
            "saved_path": str(path),
            "variant_files": {path.name: sha256_file(path)},
            "gguf_file": str(path),
            **{("gguf_" + k if k in ("quant", "file_type") else k): v for k, v in quant.items()},
            "dequantized_to": "float32" if dtype == "auto" else dtype,
            "tokenizer_from": tok_from,
        }
        return model, tokenizer, info


HANDLER = GGUFHandler()
