"""``load_variant``: the one entry point from a base model and a variant spec to a model,
its tokenizer and the :class:`~model_adapters.manifest.Manifest` of what was loaded.

::

    from model_adapters import load_variant

    lv = load_variant("organism:smollm2-135m-safe", "rtn:4:g64")
    lv.model, lv.tokenizer, lv.spec, lv.manifest.fidelity["kl_mean"]

Steps: resolve the base (a local Hugging Face folder, a GGUF file, or ``organism:<name>``),
verify sha256 pins, refuse pickle-only checkpoints, score the probe prompts with the base
(for fidelity), produce or load the variant through its method's handler, measure it, and
write the manifest. Nothing is downloaded.

The helpers :func:`load_hf_model` and :func:`load_tokenizer` are what handlers use to load a
base model from a folder or a GGUF file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, InputFileError, MissingDependencyError, VariantError

from . import fidelity as fid
from .cache import calibration_hash, default_cache_dir
from .integrity import check_safe_format, hash_weight_files, verify_files
from .isolate import release_memory
from .manifest import SIMULATED_NOTE, Manifest, model_stats, now_utc, runtime_versions, simulated_linear_bytes
from .organisms import is_organism_ref, resolve_organism
from .registry import get_handler
from .spec import OriginalSpec, VariantSpec, parse_variant

logger = logging.getLogger(__name__)

__all__ = [
    "LoadedVariant",
    "load_variant",
    "resolve_base",
    "load_hf_model",
    "load_tokenizer",
    "calibration_prompts",
    "DEFAULT_CALIBRATION",
    "DTYPES",
]

DTYPES = ("float32", "bfloat16", "float16", "auto")
FIDELITY_MODES = (True, False, "require")
DEFAULT_CALIBRATION = "compsec:dev"
FIDELITY_FILE = "compsec_fidelity.json"


@dataclass(frozen=True)
class LoadedVariant:
    model: Any
    tokenizer: Any
    spec: VariantSpec
    manifest: Manifest


# ---------------------------------------------------------------------------------------
# base models


def resolve_base(base: str | os.PathLike[str], gguf_file: str | None = None) -> tuple[str, Path]:
    """(reference as given, local path): a folder, a GGUF file, or ``organism:<name>``
    resolved to its cached folder. Nothing is downloaded."""
    ref = str(base)
    if is_organism_ref(ref):
        return ref, resolve_organism(ref)
    p = Path(ref).expanduser()
    if gguf_file is not None:
        p = p / gguf_file
        ref = str(p)
    if not p.exists():
        raise InputFileError(
            f"base model {ref!r} not found: give a local Hugging Face folder, a .gguf file or "
            "organism:<name> (compsec never downloads models; fetch them first, e.g. "
            "`huggingface-cli download <repo> --local-dir <dir>`)"
        )
    if p.is_file() and p.suffix != ".gguf":
        raise InputFileError(f"base model {ref!r} is a file but not a .gguf file; give its folder instead")
    return ref, p


def _torch_dtype(dtype: str) -> Any:
    import torch

    if dtype not in DTYPES:
        raise CompsecError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return "auto" if dtype == "auto" else getattr(torch, dtype)


def _gguf_parts(base: Path) -> tuple[str, dict[str, Any]]:
    if base.is_file():
        return str(base.parent), {"gguf_file": base.name}
    return str(base), {}


def load_tokenizer(base: str | Path) -> Any:
    """The tokenizer of a local folder or GGUF file, with a pad token."""
    from transformers import AutoTokenizer

    path = Path(base)
    where, kw = _gguf_parts(path)
    tok: Any = AutoTokenizer.from_pretrained(where, local_files_only=True, **kw)
    if path.is_file():
        from .organisms import CHAT_SPECIAL_TOKENS, SMOLLM2_135M

        if path.name == SMOLLM2_135M.filename:  # its GGUF names the wrong eos for chat
            tok.add_special_tokens(dict(CHAT_SPECIAL_TOKENS))
    if tok.pad_token_id is None and tok.eos_token is not None:
        tok.pad_token = tok.eos_token
    return tok


def load_hf_model(base: str | Path, *, dtype: str = "float32", device: str = "cpu", **kwargs: Any) -> Any:
    """A causal LM from a local folder or GGUF file, in eval mode on ``device``. A GGUF model is
    dequantized to ``dtype`` and its quantizer state dropped (so it can be saved)."""
    from transformers import AutoModelForCausalLM

    path = Path(base)
    where, kw = _gguf_parts(path)
    model: Any = AutoModelForCausalLM.from_pretrained(where, dtype=_torch_dtype(dtype), local_files_only=True,
                                                 **kw, **kwargs)
    if kw:
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
    if device and device != "cpu":
        model = model.to(device)
    return model.eval()


# ---------------------------------------------------------------------------------------
# calibration


def calibration_prompts(ref: str = DEFAULT_CALIBRATION) -> list[str]:
    """Calibration prompts from a reference:

    * ``compsec:dev`` (default) — the dev split of compsec's harmful and benign prompt sets;
    * ``compsec:<set>[:<split>]`` — a shipped prompt set (``compsec:benign:test``);
    * a ``.jsonl`` prompt-set file, or a ``.txt`` file with one prompt per line.

    The test split is never the default: variants are not tuned on what they are scored on.
    """
    from compsec_tasks import promptsets

    if ref.startswith("compsec:"):
        parts = ref.split(":")[1:]
        if parts in (["dev"], ["test"]):
            return [r.prompt for name in ("harmful", "benign") for r in promptsets.load(name).select(split=parts[0])]
        return [r.prompt for r in promptsets.load(parts[0]).select(split=parts[1] if len(parts) > 1 else None)]
    p = Path(ref).expanduser()
    if p.suffix == ".jsonl":
        return [r.prompt for r in promptsets.load_file(p)]
    if p.suffix == ".txt" and p.is_file():
        return [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    raise CompsecError(
        f"unknown calibration reference {ref!r}: use compsec:dev, compsec:<set>[:<split>], "
        "a prompt-set .jsonl file or a .txt file with one prompt per line"
    )


def _resolve_calibration(calibration: Sequence[str] | str | None, spec: VariantSpec) -> list[str]:
    if isinstance(calibration, str):
        prompts = calibration_prompts(calibration)
    elif calibration is not None:
        prompts = [str(p) for p in calibration]
    else:
        prompts = calibration_prompts(getattr(spec, "calibration", DEFAULT_CALIBRATION))
    if not prompts:
        raise CompsecError("the calibration set is empty")
    return prompts


# ---------------------------------------------------------------------------------------
# load_variant


def _check_pins(base_path: Path, expected_sha256: Mapping[str, str] | str | None,
                manifest: Manifest | None) -> None:
    if expected_sha256 is not None:
        verify_files(base_path, expected_sha256, what="base weight file")
    if manifest is not None:
        if not manifest.base_files:
            raise CompsecError("the manifest records no base files to verify against")
        verify_files(base_path, manifest.base_files, what="base weight file")


def _free(model: Any) -> None:
    """Drop a model; when it was big enough for it to matter, collect garbage and hand the freed
    heap back to the system."""
    try:
        big = sum(p.numel() for p in model.parameters()) > 20_000_000
    except AttributeError:
        big = True
    del model
    if big:
        release_memory()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except ImportError:  # pragma: no cover
        pass


def _write_json_atomic(path: Path, data: Mapping[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(dict(data), fh, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_saved_fidelity(info: Mapping[str, Any], fidelity: Mapping[str, Any], tol: float) -> None:
    """A saved variant must reload as the model that was measured: compare with the
    fidelity the backend measured before saving, and with the one recorded the first time
    a cached entry was loaded."""
    before = info.get("fidelity_before_save")
    if isinstance(before, Mapping):
        fid.check_roundtrip(before, fidelity, tol, where=f"the variant saved at {info.get('saved_path', '?')}")
    entry = info.get("cache_path")
    if not entry or not Path(str(entry)).is_dir():
        return
    fpath = Path(str(entry)) / FIDELITY_FILE
    if fpath.is_file():
        try:
            prev = json.loads(fpath.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            prev = None
        if isinstance(prev, dict) and prev.get("prompts_sha256") == fidelity.get("prompts_sha256"):
            fid.check_roundtrip(prev, fidelity, tol, where=f"the cached variant at {entry}")
            return
    _write_json_atomic(fpath, fidelity)


# The base's probe-set reference, kept for the next variant of the same base (a leaderboard loads a
# dozen variants of one base in a row; each would load the base again and score the probe prompts
# again). Keyed by everything the reference depends on: the base's files (path, sizes, mtimes and
# weight sha256s), the device and the probe prompts. About 60 MB per SmolLM2-size entry.
_REFERENCES: OrderedDict[tuple[Any, ...], fid.Reference] = OrderedDict()
_REFERENCES_KEPT = 2


def _files_state(path: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    out = []
    for f in files:
        st = f.stat()
        out.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _base_reference(base_path: Path, base_files: Mapping[str, str], device: str, base_ref: str,
                    probe_prompts: Sequence[str] | None) -> fid.Reference:
    """The base model's :class:`~model_adapters.fidelity.Reference` (float32), computed once per
    base, device and probe set and reused while the base's files are unchanged."""
    path = Path(base_path).resolve()
    key = (str(path), _files_state(path), tuple(sorted(base_files.items())), str(device),
           None if probe_prompts is None else fid._prompts_sha256(probe_prompts))
    hit = _REFERENCES.get(key)
    if hit is not None:
        _REFERENCES.move_to_end(key)
        logger.info("probe-prompt scores of the base model %s reused", base_ref)
        return hit
    logger.info("scoring the probe prompts with the base model %s", base_ref)
    base_model = load_hf_model(base_path, dtype="float32", device=device)
    base_tok = load_tokenizer(base_path)
    ref = fid.reference(base_model, base_tok, probe_prompts)
    _free(base_model)
    del base_model
    _REFERENCES[key] = ref
    while len(_REFERENCES) > _REFERENCES_KEPT:
        _REFERENCES.popitem(last=False)
    return ref


def _measure_fidelity(ref: fid.Reference, model: Any, tokenizer: Any, spec: VariantSpec, *,
                      require: bool) -> tuple[dict[str, Any] | None, str | None]:
    """(fidelity, note): the comparison with the base, or None and the reason it is undefined
    (raised as :class:`FidelityError` when ``require``)."""
    names = {"variant_name": "student", "base_name": "teacher"} if spec.method == "distilled" else {}
    c = fid.check_comparable(ref, model, tokenizer, **names)
    if not c.comparable:
        if require:
            raise fid.not_comparable_error(c.reason, f"{names.get('variant_name', 'variant')} {spec.to_string()}")
        logger.warning("fidelity of %s not measured: %s", spec.to_string(), c.reason)
        return None, c.reason
    out = fid.compare(ref, model, tokenizer, variant_name=names.get("variant_name", "variant"),
                      base_name=names.get("base_name", "base"))
    return out, c.note


def load_variant(
    base: str | os.PathLike[str],
    variant: str | Mapping[str, Any] | VariantSpec | None = None,
    *,
    dtype: str = "float32",
    device: str = "cpu",
    calibration: Sequence[str] | str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    expected_sha256: Mapping[str, str] | str | None = None,
    manifest: str | os.PathLike[str] | Manifest | None = None,
    allow_pickle: bool = False,
    fidelity: bool | str = True,
    gguf_file: str | None = None,
    probe_prompts: Sequence[str] | None = None,
    roundtrip_tol: float = 0.05,
) -> LoadedVariant:
    """Load (or produce) ``variant`` of ``base`` and describe it in a :class:`Manifest`.

    ``variant`` is a spec string, dict or :class:`VariantSpec` (default ``original``, or the
    spec of ``manifest`` when one is given). ``expected_sha256`` pins the base weight files
    (a mapping of file name -> sha256, or one sha256 for a single-file base); ``manifest``
    (a path or a Manifest) pins them to the ones it recorded. ``calibration`` is a list of
    prompts or a reference (see :func:`calibration_prompts`) for methods that need one.
    ``fidelity=True`` measures the probe-set comparison where it is defined: a variant whose
    tokenizer differs from the base's (a distilled student with its own vocabulary) gets
    ``manifest.fidelity = None`` with the reason in ``manifest.fidelity_note`` and a logged
    warning, and loads all the same. ``fidelity="require"`` raises :class:`FidelityError`
    instead; ``fidelity=False`` skips the comparison (no second copy of the base).

    The manifest's byte counts are taken on the variant as loaded, before any forward pass
    (see :func:`~model_adapters.manifest.model_stats`).
    """
    if fidelity not in FIDELITY_MODES or not isinstance(fidelity, (bool, str)):
        raise CompsecError(f"fidelity must be True, False or 'require', got {fidelity!r}")
    if isinstance(manifest, (str, os.PathLike)):
        manifest = Manifest.load(manifest)
    if variant is None:
        spec: VariantSpec = parse_variant(manifest.spec) if manifest is not None else OriginalSpec()
    else:
        spec = parse_variant(variant)
    if manifest is not None and parse_variant(manifest.spec) != spec:
        raise VariantError(
            f"the manifest describes variant {manifest.spec_string!r}, not {spec.to_string()!r}; "
            "omit the variant to load the manifest's"
        )
    handler = get_handler(spec.method)
    ok, reason = handler.available()
    if not ok:
        raise MissingDependencyError(f"variant method {spec.method!r} ({reason})",
                                     getattr(handler, "extra", None) or spec.method)
    _torch_dtype(dtype)  # validate early

    base_ref, base_path = resolve_base(base, gguf_file)
    _check_pins(base_path, expected_sha256, manifest)
    check_safe_format(base_path, allow_pickle=allow_pickle)
    base_files = hash_weight_files(base_path)

    calib = _resolve_calibration(calibration, spec) if handler.needs_calibration(spec) else None
    cdir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()

    ref = None
    # the reference is the base in float32; the original in float32 is its own reference
    self_reference = spec.method == OriginalSpec.method and dtype == "float32"
    if fidelity and not self_reference:
        ref = _base_reference(Path(base_path), base_files, device, base_ref, probe_prompts)

    logger.info("loading variant %s of %s", spec.to_string(), base_ref)
    model, tokenizer, info = handler.load(spec, base_path, dtype=dtype, device=device, calibration=calib,
                                          cache_dir=cdir)
    info = dict(info or {})
    # bytes as loaded: compressed-tensors decompresses its weights on the first forward pass
    stats = model_stats(model)
    bytes_note = info.pop("weight_bytes_note", None)
    nominal = None
    bits = getattr(spec, "bits", None)
    if info.get("simulated") and isinstance(bits, int):
        sim = simulated_linear_bytes(model, bits, getattr(spec, "group_size", None),
                                     bool(getattr(spec, "symmetric", True)))
        nominal = sim["nominal_linear_weight_bytes"]
        info["effective_bits"] = sim["effective_bits"]
        bytes_note = SIMULATED_NOTE.format(dtype=dtype, bits=bits, effective_bits=sim["effective_bits"])

    fidelity_out, fidelity_note = None, None
    if fidelity:
        if ref is None:
            fidelity_out = fid.compare_reference_to_itself(fid.reference(model, tokenizer, probe_prompts))
        else:
            fidelity_out, fidelity_note = _measure_fidelity(ref, model, tokenizer, spec, require=fidelity == "require")
        if fidelity_out is not None:
            fidelity_out["reference"] = "base model, float32"
            _check_saved_fidelity(info, fidelity_out, roundtrip_tol)

    variant_files = dict(info.pop("variant_files", None) or {})
    saved = info.get("saved_path")
    if saved and not variant_files and Path(str(saved)).exists():
        variant_files = hash_weight_files(str(saved))
    sparsity = info.pop("sparsity", None)
    versions = runtime_versions()
    backend = str(info.pop("backend", "") or type(handler).__name__)
    backend_version = str(info.pop("backend_version", "") or handler.backend_version())
    if backend_version:
        versions[backend] = backend_version
    man = Manifest(
        spec=spec.to_dict(),
        spec_string=spec.to_string(),
        method=spec.method,
        backend=backend,
        backend_version=backend_version,
        base_ref=base_ref,
        base_path=str(base_path),
        base_files=base_files,
        n_parameters=stats["n_parameters"],
        weight_bytes=stats["weight_bytes"],
        dtype=dtype,
        device=device,
        versions=versions,
        compsec_version=versions["compsec"],
        created_at=now_utc(),
        variant_files=variant_files,
        variant_path=str(saved) if saved else None,
        sparsity=float(sparsity) if sparsity is not None else None,
        fidelity=fidelity_out,
        fidelity_note=fidelity_note,
        linear_weight_bytes=stats["linear_weight_bytes"],
        linear_weight_bytes_fp32=stats["linear_weight_bytes_fp32"],
        nominal_linear_weight_bytes=nominal,
        weight_bytes_note=str(bytes_note) if bytes_note else None,
        calibration=({"n_prompts": len(calib), "sha256": calibration_hash(calib)} if calib is not None else None),
        backend_info=json.loads(json.dumps(info, default=str)),
    )
    return LoadedVariant(model=model, tokenizer=tokenizer, spec=spec, manifest=man)
