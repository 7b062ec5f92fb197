"""``original``: the base model as it is, the baseline every variant is compared with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..registry import MethodHandler
from ..spec import OriginalSpec


class OriginalHandler(MethodHandler):
    method = "original"
    spec_cls = OriginalSpec
    extra = "hf"
    requires = ("torch", "transformers")
    backend = "transformers"
    description = "the base model, unchanged"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from ..loading import load_hf_model, load_tokenizer

        model = load_hf_model(base, dtype=dtype, device=device)
        return model, load_tokenizer(base), {"backend": "transformers", "backend_version": self.backend_version(),
                                             "produced": False}


HANDLER = OriginalHandler()
