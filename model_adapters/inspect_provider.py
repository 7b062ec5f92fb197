"""inspect-ai model provider ``compsec/<label>``: any compsec variant of a base model, produced or
loaded on the fly, evaluated by inspect's own Hugging Face provider.

::

    inspect eval compsec_tasks/compsec_refusal --model compsec/rtn4 \\
        -M model_path=organism:smollm2-135m-safe -M variant=rtn:4:g64 -M do_sample=false

``<label>`` is only a name for the logs (``compsec/base``, ``compsec/rtn4``): what is loaded is
said by the model args, which mirror ``lm_eval --model compsec``: ``model_path`` (a local HF
folder, a GGUF file, or ``organism:NAME``; lm-eval's ``pretrained``), ``variant`` (a VariantSpec
string, default ``original``), ``fidelity`` (measure KL vs the base, default true),
``expected_sha256``, ``manifest``, ``allow_pickle`` (default false), ``calibration``,
``gguf_file``, ``dtype`` (default float32), ``cache_dir`` and ``device`` (default ``cuda:0``
when CUDA is available, else ``cpu``). Every other argument is one of inspect's ``hf/``
provider (``do_sample``, ``batch_size``, ``chat_template``, ``use_chat_template``,
``tokenizer_call_args``, ``enable_thinking``, ``hidden_states``).

How the model is handed to inspect. :class:`CompsecAPI` subclasses inspect's
``HuggingFaceAPI``, so generation, chat templates, batching, stop sequences and logprobs are
inspect's own. That constructor loads the model itself, through the names
``AutoModelForCausalLM`` and ``AutoTokenizer`` of its module; compsec loads the variant first
(:func:`~model_adapters.loading.load_variant`) and then runs the unchanged constructor with those
two names replaced, for the duration of the call and under a lock, by stand-ins whose
``from_pretrained`` returns the loaded model and tokenizer (and whose answer to any other
thread is the real class). Copying the constructor instead would silently drift from inspect's
arguments with every release; the names it loads through have stayed put.

Provenance, two channels:

* the eval log's metadata: a task-start hook (:class:`CompsecManifestHooks`) adds
  ``compsec_manifest`` (the full :class:`~model_adapters.manifest.Manifest`, as in lm-eval's
  ``config.compsec_manifest``) and ``compsec_variant`` to ``log.eval.metadata`` when the task's
  model is a ``compsec/`` model (and ``compsec_role_manifests`` for compsec models in roles).
  The hook receives the task's live ``EvalSpec``, which the log header is written from when
  the task ends (a run killed before its end leaves a header without it). The hook is
  registered when the first ``compsec/`` model is created, so runs without one carry no
  extra hook;
* every ``ModelOutput.metadata["compsec"]``: a compact manifest (variant, backend and
  version, base and variant sha256s, dtype, device, fidelity KL/top-1), so each sample's
  output says which variant wrote it, even where the hook does not run (a model used
  outside an eval).

Errors compsec raises while loading (a bad variant, an unknown organism, a missing backend)
come out as the same exception class, made an inspect ``PrerequisiteError`` as well, so the
``inspect`` command prints the message alone instead of a traceback (except under
``--display none``, where inspect prints no such message: there the plain exception and its
traceback go to stderr).

Importing this module does not import torch or transformers; the provider class is built the
first time inspect asks for it.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from inspect_ai.hooks import Hooks, TaskStart, hooks
from inspect_ai.model import ModelAPI, modelapi

from compsec_tasks.errors import CompsecError

logger = logging.getLogger(__name__)

__all__ = ["compsec", "compsec_api_class", "compact_manifest", "CompsecManifestHooks", "register_manifest_hooks",
           "COMPSEC_ARGS"]

#: model args compsec takes (the rest go to inspect's hf provider)
COMPSEC_ARGS = (
    "model_path", "variant", "fidelity", "expected_sha256", "manifest", "allow_pickle",
    "calibration", "gguf_file", "dtype", "cache_dir", "device",
)
#: hf provider args that would load something other than the variant
_REFUSED_ARGS = ("tokenizer", "tokenizer_path", "auto_model_class")
#: what HuggingFaceAPI passes to from_pretrained besides the path
_LOADER_KWARGS = {"device_map", "token", "trust_remote_code"}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

_swap_lock = threading.Lock()


def _as_bool(label: str, name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CompsecError(f"{label}: {name} must be true or false, got {value!r}")


def _text_or_mapping(value: Any) -> Any:
    """A model arg as text, or as the mapping YAML read (``-M`` and ``--model-spec`` values are
    YAML: a bare number or boolean arrives as one)."""
    if value is None or isinstance(value, Mapping):
        return value
    return str(value)


def _pick_device(device: Any) -> str:
    import torch

    if device:
        if str(device).startswith("cuda") and not torch.cuda.is_available():
            logger.info("CUDA is not available; running the variant on the CPU")
            return "cpu"
        return str(device)
    return "cuda:0" if torch.cuda.is_available() else "cpu"


def compact_manifest(manifest: Any) -> dict[str, Any]:
    """The few fields of a Manifest that say what wrote an output (for ``ModelOutput.metadata``)."""
    out: dict[str, Any] = {
        "variant": manifest.spec_string,
        "method": manifest.method,
        "backend": manifest.backend,
        "backend_version": manifest.backend_version,
        "base_ref": manifest.base_ref,
        "base_sha256": dict(manifest.base_files),
        "dtype": manifest.dtype,
        "device": manifest.device,
        "compsec_version": manifest.compsec_version,
    }
    if manifest.variant_files:
        out["variant_sha256"] = dict(manifest.variant_files)
    if manifest.sparsity is not None:
        out["sparsity"] = manifest.sparsity
    if manifest.fidelity:
        f = manifest.fidelity
        out["fidelity"] = {k: f[k] for k in ("kl_mean", "kl_max", "top1_agreement", "n_tokens") if k in f}
    return out


# ---------------------------------------------------------------------------------------
# errors the inspect CLI shows as a message


_prerequisite_classes: dict[type[BaseException], type[BaseException]] = {}


def _as_prerequisite(exc: CompsecError) -> BaseException:
    """``exc`` as an instance of a subclass of its own class and inspect's PrerequisiteError
    (``except VariantError`` still catches it; the CLI prints only its message)."""
    import rich
    from inspect_ai._util.error import PrerequisiteError

    if rich.get_console().quiet:  # `--display none`: inspect would print nothing; keep the trace
        return exc
    cls = type(exc)
    try:
        both = _prerequisite_classes.get(cls)
        if both is None:
            both = type(cls.__name__, (cls, PrerequisiteError), {"__module__": cls.__module__,
                                                                 "__qualname__": cls.__qualname__})
            _prerequisite_classes[cls] = both
        new = both.__new__(both, *exc.args)
        new.__dict__.update(exc.__dict__)
        new.message = str(exc)  # type: ignore[attr-defined]
    except TypeError:  # a class that cannot be combined: keep the original
        return exc
    return new


# ---------------------------------------------------------------------------------------
# the provider


class _Given:
    """Stands in for a transformers auto class: ``from_pretrained`` returns ``obj`` to the
    thread that installed it, and defers to ``real`` for any other thread."""

    def __init__(self, real: Any, obj: Any, what: str, label: str) -> None:
        self.real, self.obj, self.what, self.label = real, obj, what, label
        self.owner = threading.get_ident()

    def from_pretrained(self, *args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != self.owner:
            return self.real.from_pretrained(*args, **kwargs)
        extra = sorted(set(kwargs) - _LOADER_KWARGS)
        if extra:
            raise CompsecError(
                f"{self.label}: unknown model arg(s) {', '.join(extra)}. compsec loads the {self.what} "
                f"itself; its args are {', '.join(COMPSEC_ARGS)}, the rest are inspect hf/ args "
                "(do_sample, batch_size, chat_template, ...)"
            )
        return self.obj


@contextmanager
def _loading_from(hf_module: Any, model: Any, tokenizer: Any, label: str) -> Iterator[None]:
    with _swap_lock:
        real_model, real_tok = hf_module.AutoModelForCausalLM, hf_module.AutoTokenizer
        hf_module.AutoModelForCausalLM = _Given(real_model, model, "model", label)
        hf_module.AutoTokenizer = _Given(real_tok, tokenizer, "tokenizer", label)
        try:
            yield
        finally:
            hf_module.AutoModelForCausalLM, hf_module.AutoTokenizer = real_model, real_tok


@functools.lru_cache(maxsize=1)
def compsec_api_class() -> type[ModelAPI]:
    """The provider class (a subclass of inspect's HuggingFaceAPI); imports torch."""
    try:
        from inspect_ai.model._providers import hf as hf_module
    except ImportError as exc:
        from compsec_tasks.errors import MissingDependencyError

        raise MissingDependencyError("the inspect compsec/ model provider", "inspect,hf") from exc
    from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput
    from inspect_ai.tool import ToolChoice, ToolInfo

    from .loading import load_variant

    class CompsecAPI(hf_module.HuggingFaceAPI):  # type: ignore[misc, name-defined]
        """inspect's ``hf/`` provider around a compsec variant (see the module docstring)."""

        def __init__(
            self,
            model_name: str,
            base_url: str | None = None,
            api_key: str | None = None,
            config: GenerateConfig | None = None,
            **model_args: Any,
        ) -> None:
            label = f"compsec/{model_name}"
            ours = {k: model_args.pop(k) for k in COMPSEC_ARGS if k in model_args}
            refused = [k for k in _REFUSED_ARGS if model_args.get(k) is not None]
            if refused:
                raise _as_prerequisite(CompsecError(
                    f"{label}: model arg(s) {', '.join(refused)} are not supported: the model and "
                    "tokenizer are the variant's (set model_path and variant)"
                ))
            model_path = ours.get("model_path")
            if not isinstance(model_path, str) or not model_path:
                raise _as_prerequisite(CompsecError(
                    f"{label} needs -M model_path=<HF folder | GGUF file | organism:NAME>"
                ))
            try:
                device = _pick_device(ours.get("device"))
                lv = load_variant(
                    model_path,
                    _text_or_mapping(ours.get("variant") or "original"),
                    dtype=str(ours.get("dtype") or "float32"),
                    device=device,
                    calibration=ours.get("calibration"),
                    cache_dir=ours.get("cache_dir"),
                    expected_sha256=_text_or_mapping(ours.get("expected_sha256")),
                    manifest=ours.get("manifest"),
                    allow_pickle=_as_bool(label, "allow_pickle", ours.get("allow_pickle", False)),
                    fidelity=_as_bool(label, "fidelity", ours.get("fidelity", True)),
                    gguf_file=ours.get("gguf_file"),
                )
            except CompsecError as exc:
                raise _as_prerequisite(exc) from None
            logger.info("%s: compsec variant loaded:\n%s", label, lv.manifest.summary())
            register_manifest_hooks()
            self.compsec_manifest = lv.manifest
            self.compsec_variant = lv.spec.to_string()
            self._compsec_compact = compact_manifest(lv.manifest)
            try:
                with _loading_from(hf_module, lv.model, lv.tokenizer, label):
                    super().__init__(model_name, base_url=base_url, api_key=api_key,
                                     config=config if config is not None else GenerateConfig(),
                                     model_path=model_path, device=device, **model_args)
            except CompsecError as exc:
                raise _as_prerequisite(exc) from None

        async def generate(
            self,
            input: list[ChatMessage],
            tools: list[ToolInfo],
            tool_choice: ToolChoice,
            config: GenerateConfig,
        ) -> ModelOutput:
            output: ModelOutput = await super().generate(input, tools, tool_choice, config)
            output.metadata = {**(output.metadata or {}), "compsec": dict(self._compsec_compact)}
            return output

    CompsecAPI.__qualname__ = "CompsecAPI"
    return CompsecAPI


@modelapi(name="compsec")
def compsec() -> type[ModelAPI]:
    return compsec_api_class()


# ---------------------------------------------------------------------------------------
# the manifest into the eval log


def _manifest_of(model: Any) -> Any:
    return getattr(getattr(model, "api", None), "compsec_manifest", None)


class CompsecManifestHooks(Hooks):
    """Adds the manifest of the task's ``compsec/`` models to the eval metadata. Registered by
    :func:`register_manifest_hooks` when the first ``compsec/`` model is created, so inspect
    runs without one carry no extra hook."""

    async def on_task_start(self, data: TaskStart) -> None:
        from inspect_ai.model import get_model, model_roles

        try:
            model = get_model()
        except ValueError:  # no active model
            return
        extra: dict[str, Any] = {}
        manifest = _manifest_of(model)
        if manifest is not None:
            extra["compsec_manifest"] = manifest.to_dict()
            extra["compsec_variant"] = manifest.spec_string
        roles: dict[str, Any] = {}
        for role, models in model_roles().items():
            found = [m for m in (models if isinstance(models, list) else [models]) if _manifest_of(m) is not None]
            if found:
                dicts = [_manifest_of(m).to_dict() for m in found]
                roles[role] = dicts[0] if len(dicts) == 1 else dicts
        if roles:
            extra["compsec_role_manifests"] = roles
        if extra:
            current: Mapping[str, Any] = data.spec.metadata or {}
            data.spec.metadata = {**current, **extra}


_hooks_registered = False
_hooks_lock = threading.Lock()


def register_manifest_hooks() -> None:
    """Register :class:`CompsecManifestHooks` with inspect (once per process)."""
    global _hooks_registered
    with _hooks_lock:
        if not _hooks_registered:
            hooks(name="compsec_manifest", description="adds the manifest of compsec/ models to the eval metadata")(
                CompsecManifestHooks)
            _hooks_registered = True
