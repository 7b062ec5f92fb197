"""Helpers shared by the backend handlers (``bnb``, ``hqq``, ``quanto``, ``torchao``, ``gptq``,
``awq``, ``ct``, ``gguf``, ``distilled``).

* :func:`produce_cached` — produce a variant once into the variant cache
  (:mod:`model_adapters.cache`) and hand back its folder; a second call is a cache hit.
* :func:`hf_folder` — a Hugging Face folder for a base that is a GGUF file (the producers
  that read ``from_pretrained`` folders need one), dequantized once and cached.
* :func:`linear_in_features`, :func:`check_group_size`, :func:`pick_group_size` — group sizes
  must divide the input width of every quantized linear layer (SmolLM2-135M is 576 wide:
  64 divides it, 128 does not).
* :func:`calibration_texts` — calibration prompts as the model sees them (chat template),
  without the ones too short for the backend (gptqmodel drops texts of <= 10 tokens).

Nothing here imports torch or a backend at module import.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from compsec_tasks.errors import CompsecError, InputFileError, UnsafeFormatError, VariantError

logger = logging.getLogger(__name__)

GROUP_CANDIDATES = (256, 128, 64, 32, 16)
DEQUANTIZED_DIR = "_dequantized"

T = TypeVar("T")


def dist_version(name: str) -> str:
    """Installed version of a distribution, ``""`` when absent."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing_modules(modules: Iterable[str]) -> list[str]:
    return [m for m in modules if not importable(m)]


def version_tuple(v: str) -> tuple[int, ...]:
    out = []
    for part in v.split("+")[0].split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def is_cuda(device: str) -> bool:
    return str(device).startswith("cuda")


def torch_dtype(dtype: str) -> Any:
    """``"float32"`` -> ``torch.float32``; ``"auto"`` stays ``"auto"``."""
    from ..loading import _torch_dtype

    return _torch_dtype(dtype)


def compute_dtype(dtype: str, device: str) -> Any:
    """A concrete torch dtype for backends that need one (``auto``: fp16 on CUDA, fp32 on CPU)."""
    import torch

    if dtype == "auto":
        return torch.float16 if is_cuda(device) else torch.float32
    return torch_dtype(dtype)


def device_map(device: str) -> dict[str, Any]:
    """``device_map`` for ``from_pretrained``: the whole model on one device."""
    return {"": device if device else "cpu"}


def elapsed(t0: float) -> float:
    return round(time.perf_counter() - t0, 3)


# ---------------------------------------------------------------------------------------
# base folders


def hf_folder(base: Path, cache_dir: Path) -> Path:
    """``base`` when it is a folder; for a GGUF file, a Hugging Face folder with its weights
    dequantized to float32 (made once, as the cache entry ``<cache_dir>/_dequantized-<sha256>``)."""
    if base.is_dir():
        return base
    from ..cache import get_or_produce
    from ..integrity import sha256_file
    from ..loading import load_hf_model, load_tokenizer

    key = sha256_file(base)

    def produce(out: Path) -> dict[str, Any]:
        model = load_hf_model(base, dtype="float32")
        model.save_pretrained(out, safe_serialization=True)
        load_tokenizer(base).save_pretrained(out)
        return {"source": str(base), "source_sha256": key}

    folder, _ = get_or_produce(key, produce, DEQUANTIZED_DIR, cache_dir)
    return folder


def resolve_path(path: str, base: Path | None = None, *, what: str = "checkpoint") -> Path:
    """A user-given path: as given (``~`` expanded), else relative to the base model's
    folder. Raises :class:`InputFileError` when neither exists."""
    p = Path(path).expanduser()
    if p.exists():
        return p
    if base is not None and not p.is_absolute():
        anchor = base if base.is_dir() else base.parent
        q = anchor / p
        if q.exists():
            return q
    raise InputFileError(f"{what} {path!r} not found (looked at {str(p)!r}"
                         + (f" and next to the base model in {str(base)!r})" if base is not None else ")"))


def require_safetensors(folder: Path, what: str) -> None:
    """Refuse a checkpoint folder whose weights are only pickles (``.bin``/``.pt``)."""
    from ..integrity import check_safe_format

    try:
        check_safe_format(folder, allow_pickle=False)
    except UnsafeFormatError:
        raise
    except CompsecError as exc:
        raise InputFileError(f"{what} {str(folder)!r}: {exc}") from None


# ---------------------------------------------------------------------------------------
# group sizes


def linear_shapes(base: Path, skip: Sequence[str] = ("lm_head",)) -> dict[str, tuple[int, int]]:
    """name -> (in_features, out_features) of every ``nn.Linear`` of the model at ``base`` (a
    folder or a GGUF file), built on the meta device from its config: no weights are read."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    folder, kw = (str(base.parent), {"gguf_file": base.name}) if base.is_file() else (str(base), {})
    config = AutoConfig.from_pretrained(folder, local_files_only=True, **kw)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    return {
        name: (int(mod.in_features), int(mod.out_features))
        for name, mod in model.named_modules()
        if isinstance(mod, torch.nn.Linear) and not any(name == s or name.endswith("." + s) for s in skip)
    }


def linear_in_features(base: Path, skip: Sequence[str] = ("lm_head",)) -> dict[str, int]:
    """name -> input width of every ``nn.Linear`` (but ``skip``) of the model at ``base``."""
    return {name: shape[0] for name, shape in linear_shapes(base, skip).items()}


def dividing_groups(widths: Mapping[str, int], candidates: Sequence[int] = GROUP_CANDIDATES) -> list[int]:
    return [g for g in candidates if all(w % g == 0 for w in widths.values())]


def check_group_size(group_size: int, widths: Mapping[str, int], *, fix: Callable[[int], str]) -> None:
    """Raise :class:`VariantError` when ``group_size`` (> 0) does not divide the input width of
    every linear layer; ``fix(g)`` renders the spec to use instead."""
    if group_size <= 0 or not widths:
        return
    bad = {n: w for n, w in widths.items() if w % group_size}
    if not bad:
        return
    name, width = next(iter(bad.items()))
    ok = dividing_groups(widths)
    if ok:
        best = next((g for g in ok if g <= group_size), ok[-1])
        hint = f"; use {fix(best)} (group sizes that fit: {', '.join(map(str, ok))})"
    else:
        hint = "; no power-of-two group size from 16 to 256 fits every layer"
    raise VariantError(
        f"group size {group_size} does not divide the input width {width} of {name} "
        f"({len(bad)} layer(s) affected){hint}"
    )


def pick_group_size(preferred: int, widths: Mapping[str, int]) -> int:
    """``preferred`` when it divides every input width, else the largest smaller candidate that
    does (for specs without a group-size option, e.g. ``ct:W4A16``)."""
    if all(w % preferred == 0 for w in widths.values()):
        return preferred
    for g in dividing_groups(widths):
        if g <= preferred:
            logger.warning("group size %d does not divide every layer's input width; using %d", preferred, g)
            return g
    raise VariantError(f"no group size <= {preferred} divides the input widths "
                       f"{sorted(set(widths.values()))} of this model")


# ---------------------------------------------------------------------------------------
# calibration


def default_calibration(ref: str) -> list[str]:
    from ..loading import calibration_prompts

    return calibration_prompts(ref)


def spread(items: Sequence[T], n: int | None) -> list[T]:
    """``n`` of ``items`` evenly spaced, in order (all of them when ``n`` is None or not smaller):
    a calibration set listed one kind after another (compsec:dev is harmful, then benign) gives
    a sample of every kind, not the first kind only."""
    if n is None or n >= len(items):
        return list(items)
    return [items[(i * len(items)) // n] for i in range(n)]


def calibration_texts(tokenizer: Any, prompts: Sequence[str], n_samples: int | None = None, *,
                      min_tokens: int = 11, chat: bool = True) -> tuple[list[str], dict[str, Any]]:
    """Calibration texts as the model reads them: each prompt in the tokenizer's chat template
    (as a user turn followed by the assistant header) when it has one, texts with fewer than
    ``min_tokens`` tokens dropped (gptqmodel silently drops texts of <= 10 tokens), at most
    ``n_samples`` kept, evenly spread over the rest in order (:func:`spread`: every part of a
    calibration set that lists one kind of prompt after another is represented). Returns (texts,
    stats for the manifest)."""
    use_chat = bool(chat and getattr(tokenizer, "chat_template", None))
    texts, dropped = [], 0
    for p in prompts:
        text = p
        if use_chat:
            text = tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                                 add_generation_prompt=True)
        if len(tokenizer(text, add_special_tokens=False)["input_ids"]) < min_tokens:
            dropped += 1
            continue
        texts.append(text)
    texts = spread(texts, n_samples)
    if not texts:
        raise CompsecError(
            f"no calibration text has {min_tokens} tokens or more ({len(prompts)} prompts given, all "
            "too short); give longer calibration prompts"
        )
    stats = {"calibration_texts": len(texts), "calibration_dropped_short": dropped,
             "calibration_format": "chat" if use_chat else "plain"}
    return texts, stats


# ---------------------------------------------------------------------------------------
# the variant cache


def produce_cached(handler: Any, spec: Any, base: Path, cache_dir: Path, produce: Callable[[Path], Any], *,
                   calibration: Sequence[str] | None = None, backend_version: str | None = None,
                   dtype: str | None = None) -> tuple[Path, bool, dict[str, Any]]:
    """The cache entry of ``spec`` produced from ``base``: (folder, hit, info). On a miss
    ``produce(tmp_folder)`` writes the variant's files there (and may return a dict, kept in
    the entry and in ``info``). The key covers the base weights' sha256, the spec, the backend
    version and the calibration prompts, and ``dtype`` for methods whose saved files hold
    the compute dtype they were produced in."""
    from ..cache import cache_key, calibration_hash, entry_meta, get_or_produce
    from ..integrity import hash_weight_files

    version = backend_version if backend_version is not None else handler.backend_version()
    if dtype is not None:
        version = f"{version}|dtype={dtype}"
    key = cache_key(hash_weight_files(base), spec, version,
                    calibration_hash(list(calibration)) if calibration is not None else None)
    t0 = time.perf_counter()

    def _produce(tmp: Path) -> dict[str, Any]:
        out = dict(produce(tmp) or {})
        out.setdefault("produce_seconds", elapsed(t0))
        return out

    folder, hit = get_or_produce(key, _produce, spec.method, cache_dir, info={"spec": spec.to_string()})
    produced_info = dict(entry_meta(folder).get("produced") or {})
    info = {**produced_info, "produced": not hit, "cache_hit": hit, "saved_path": str(folder),
            "cache_path": str(folder), "cache_key": key}
    return folder, hit, info


# ---------------------------------------------------------------------------------------
# gptqmodel


def prepare_gptqmodel_env() -> None:
    """``GPTQMODEL_CPU_WORKERS`` (read when gptqmodel is imported), unless the user set it: at
    least 2 (gptqmodel's own default is 1 on a 2-core CPU, where quantizing needs 2)."""
    import os

    cores = os.cpu_count() or 1
    os.environ.setdefault("GPTQMODEL_CPU_WORKERS", str(max(2, min(12, (cores + 1) // 2))))


def quantization_config_of(folder: Path) -> dict[str, Any]:
    """The ``quantization_config`` of a checkpoint's ``config.json`` ({} when absent)."""
    import json

    cfg = folder / "config.json"
    if not cfg.is_file():
        raise InputFileError(f"{str(folder)!r} has no config.json: not a Hugging Face checkpoint folder")
    try:
        data = json.loads(cfg.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{cfg}: not valid JSON ({exc})") from None
    q = data.get("quantization_config") or {}
    return dict(q) if isinstance(q, Mapping) else {}


@contextlib.contextmanager
def gptqmodel_logs_in(folder: Path) -> Iterator[None]:
    """gptqmodel writes per-run log files into ``./logs`` of the working directory; send them
    to ``folder`` instead for the duration of the block."""
    try:
        import gptqmodel.looper.loop_processor as lp
    except ImportError:
        yield
        return
    old = getattr(lp, "_PROJECT_LOG_DIR", None)
    lp._PROJECT_LOG_DIR = Path(folder)
    try:
        yield
    finally:
        if old is not None:
            lp._PROJECT_LOG_DIR = old
