"""``quanto``: optimum-quanto weight quantization, ``quanto:int8|int4|int2``.

``QuantizedModelForCausalLM.quantize`` quantizes and freezes every linear layer but
``lm_head`` (they become ``QLinear`` holding packed ``qint8``/``qint4``/``qint2`` weights); its
``save_pretrained`` writes safetensors plus ``quanto_qmap.json`` into the variant cache and
``QuantizedModelForCausalLM.from_pretrained`` reloads them. (A transformers ``QuantoConfig``
model cannot be saved, hence this route.) The handler returns the wrapped transformers model,
so harnesses see an ordinary ``PreTrainedModel``.

SmolLM2-135M on a CPU: under 1.2 s; KL vs fp32 0.006 (int8), 1.09 (int4), 12.7 (int2).

On a CPU, optimum-quanto unpacks int4/int2 weights with a C++ extension that torch compiles on
first use (about a minute and ~3 GiB: ninja and two compilers). :func:`ensure_extension` builds or
checks it with the Python environment's own ``ninja`` whether or not the environment is activated:
ninja records a hash of each compile command in a log whose format depends on its version, so a
venv's ``ninja`` and the system's, taken in turn from ``PATH``, rebuilt the extension each time.
``scripts/install.sh`` builds it once; a leaderboard run with CPU workers builds it, when it is
not built, before they start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sysconfig
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from compsec_tasks.errors import VariantError

from ..registry import MethodHandler
from ..spec import QuantoSpec
from . import _backends as B

logger = logging.getLogger(__name__)

__all__ = ["QuantoHandler", "HANDLER", "QTYPES", "clear_stale_lock", "ensure_extension", "extension_is_built"]

EXTENSION = "quanto_cpp"
PACKED = ("int4", "int2")  # the weights the CPU extension unpacks
NINJA_MARKER = "compsec_ninja.txt"  # beside the build: the ninja that built or last checked it

QTYPES = {"int8": "qint8", "int4": "qint4", "int2": "qint2"}
BITS = {"int8": 8, "int4": 4, "int2": 2}


class QuantoHandler(MethodHandler):
    method = "quanto"
    spec_cls = QuantoSpec
    extra = "quanto"
    requires = ("optimum.quanto", "transformers", "accelerate")
    backend = "optimum-quanto"
    description = "optimum-quanto int8/int4/int2 weights"

    def available(self) -> tuple[bool, str]:
        try:
            missing = B.missing_modules(self.requires)
            if missing:
                return False, f"missing {', '.join(missing)}: install compsec[quanto]"
            return True, ""
        except Exception as exc:  # noqa: BLE001 - available() never raises
            return False, f"optimum-quanto check failed: {exc}"

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        import optimum.quanto as oq
        from optimum.quanto import QuantizedModelForCausalLM

        from ..loading import load_hf_model, load_tokenizer

        cdtype = B.compute_dtype(dtype, device)
        if spec.weights == "int8" and str(cdtype) == "torch.bfloat16" and not B.is_cuda(device):
            raise VariantError(
                "quanto:int8 with dtype bfloat16 on a CPU crashes the process (a segmentation fault in "
                "torch._weight_int8pack_mm, which optimum-quanto uses for bfloat16 activations); use dtype "
                "float32 for quanto:int8 on a CPU, or run it on a GPU"
            )
        qtype = getattr(oq, QTYPES[spec.weights])
        if spec.weights in PACKED and str(device).startswith("cpu"):
            ensure_extension()

        def produce(out: Path) -> dict[str, Any]:
            model = load_hf_model(base, dtype=str(cdtype).replace("torch.", ""))
            qmodel = QuantizedModelForCausalLM.quantize(model, weights=qtype, exclude="lm_head")
            qmodel.save_pretrained(out)
            return {"quantized_modules": _count_qlinear(qmodel._wrapped)}

        # the saved model holds the compute dtype it was quantized in: one entry per dtype
        entry, _, info = B.produce_cached(self, spec, base, cache_dir, produce,
                                          dtype=str(cdtype).replace("torch.", ""))
        qmodel = QuantizedModelForCausalLM.from_pretrained(str(entry), local_files_only=True)
        model = qmodel._wrapped.to(device).eval()
        info.update({
            "backend": "optimum-quanto",
            "backend_version": B.dist_version("optimum-quanto"),
            "weights": spec.weights,
            "bits": BITS[spec.weights],
            "compute_dtype": str(cdtype).replace("torch.", ""),
            "quantized_modules": _count_qlinear(model),
        })
        return model, load_tokenizer(base), info


def _extension_dir() -> Path | None:
    """optimum-quanto's CPU extension folder, found without importing it (and torch)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("optimum.quanto")
    except (ImportError, ValueError):  # ``optimum`` itself is missing
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "library" / "extensions" / "cpp"


def _scripts_ninja() -> str | None:
    """This Python environment's own ``ninja``, if it has one."""
    scripts = sysconfig.get_path("scripts")
    return shutil.which("ninja", path=scripts) if scripts else None


def _ninja() -> str | None:
    """The ``ninja`` that :func:`ensure_extension` builds with, resolved."""
    found = _scripts_ninja() or shutil.which("ninja")
    return os.path.realpath(found) if found else None


def extension_is_built() -> bool:
    """Whether optimum-quanto's CPU extension is built for the installed torch, from its current
    sources, by :func:`ensure_extension` with the ``ninja`` it would use now (another ninja reads
    the build log as stale and rebuilds). No torch import: the leaderboard asks before it decides
    to build it in a child. True when there is nothing to build (quanto or torch missing)."""
    folder = _extension_dir()
    if folder is None:
        return True  # the quanto rows fail with the missing package instead
    try:
        torch_version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        return True
    build = folder / "build"
    so, version, marker = build / f"{EXTENSION}.so", build / "pytorch_version.txt", build / NINJA_MARKER
    if not (so.is_file() and version.is_file() and marker.is_file()) or (build / "lock").exists():
        return False
    so_time = so.stat().st_mtime
    fresh = all(src.stat().st_mtime <= so_time for pat in ("*.cpp", "*.h") for src in folder.glob(pat))
    return (fresh and version.read_text().strip() == torch_version
            and marker.read_text().strip() == str(_ninja()))


@contextlib.contextmanager
def _environment_ninja() -> Iterator[None]:
    """``PATH`` with this Python environment's scripts folder first, when it holds ``ninja``;
    restored as it was (unset included) on the way out."""
    ninja = _scripts_ninja()
    if not ninja:
        yield
        return
    scripts = os.path.dirname(ninja)
    old = os.environ.get("PATH")
    os.environ["PATH"] = os.pathsep.join([scripts, old]) if old else scripts
    try:
        yield
    finally:
        if old is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = old


def clear_stale_lock() -> None:
    """Remove the build lock a killed build leaves behind (torch's builders wait on it forever).
    Only for a caller that knows no build is running."""
    folder = _extension_dir()
    if folder is not None:
        with contextlib.suppress(FileNotFoundError):
            (folder / "build" / "lock").unlink()
            logger.warning("removed a stale build lock of optimum-quanto's CPU extension")


def ensure_extension() -> bool:
    """Build (or check) optimum-quanto's CPU extension now, with the environment's ``ninja``.
    Returns whether it is loaded; a failure is logged, and quanto then fails or falls back as it
    would have on first use."""
    try:
        from optimum.quanto.library.extensions import get_extension, is_extension_available
    except ImportError:
        return False
    if not is_extension_available(EXTENSION):
        return False
    ext = get_extension(EXTENSION)
    if getattr(ext, "_lib", None) is not None:
        return True
    if not extension_is_built():
        logger.info("building or checking optimum-quanto's CPU extension (a minute when it builds)")
    try:
        with _environment_ninja():
            ext.lib  # noqa: B018 - the property builds and loads it
    except Exception as exc:  # noqa: BLE001 - quanto reports its own error on first use
        logger.warning("optimum-quanto's CPU extension could not be built: %s", exc)
        return False
    with contextlib.suppress(OSError):
        (Path(ext.build_directory) / NINJA_MARKER).write_text(f"{_ninja()}\n")
    return True


def _count_qlinear(model: Any) -> int:
    return sum(1 for m in model.modules() if type(m).__name__ == "QLinear")


HANDLER = QuantoHandler()
