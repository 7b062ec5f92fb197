"""Where things are in a Hugging Face causal LM: its transformer blocks, the attention output
projection of each block and the head geometry, and the prompts an analysis scores.

Found by structure, not by model type, so the analyses run on any decoder-only model whose
blocks sit in one ``nn.ModuleList`` (Llama, Mistral, Qwen, Gemma, Phi, GPT-2, GPT-NeoX...).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from compsec_tasks.errors import CompsecError, PromptSetError

__all__ = [
    "find_blocks",
    "block_index",
    "AttentionOutput",
    "attention_outputs",
    "MlpNeurons",
    "mlp_neurons",
    "zeroed_inputs",
    "normalize_prompts",
    "model_device",
]

# names of the attention output projection, and of the module holding it
_OUT_PROJ = ("o_proj", "out_proj", "c_proj", "dense")
_ATTN_PARENTS = ("attn", "attention")


def find_blocks(model: Any) -> tuple[str, Any]:
    """(qualified name, module list) of the transformer blocks: the ``nn.ModuleList`` holding
    the most parameters (``model.layers`` in Llama, ``transformer.h`` in GPT-2)."""
    import torch

    best: tuple[str, Any, int] | None = None
    for name, mod in model.named_modules():
        if isinstance(mod, torch.nn.ModuleList) and len(mod) > 0:
            n = sum(p.numel() for p in mod.parameters())
            if best is None or n > best[2]:
                best = (name, mod, n)
    if best is None or best[2] == 0:
        raise CompsecError(
            f"{type(model).__name__} has no nn.ModuleList of transformer blocks: the layer analyses "
            "need a decoder-only causal LM whose blocks sit in one ModuleList (e.g. model.layers)"
        )
    return best[0], best[1]


def block_index(name: str, prefix: str) -> int | None:
    """The block a module belongs to (``model.layers.3.mlp.up_proj`` -> 3), None outside the blocks."""
    head = prefix + "." if prefix else ""
    if not name.startswith(head):
        return None
    first = name[len(head):].split(".", 1)[0]
    return int(first) if first.isdigit() else None


@dataclass(frozen=True)
class AttentionOutput:
    """The attention output projection of one block: its input is the heads' outputs side by
    side, ``n_heads`` slices of ``head_dim`` features."""

    block: int
    name: str
    module: Any
    n_heads: int
    head_dim: int

    def head_slice(self, head: int) -> slice:
        return slice(head * self.head_dim, (head + 1) * self.head_dim)


def _find_in_block(block: Any, leaves: Sequence[str], parents: Sequence[str], missing: str) -> tuple[str, Any]:
    """(name, module) of the first submodule named one of ``leaves`` whose parent's name
    contains one of ``parents``; ``missing`` is the error when there is none."""
    for sub, mod in block.named_modules():
        parts = sub.split(".")
        if len(parts) >= 2 and parts[-1] in leaves and any(a in parts[-2] for a in parents):
            return sub, mod
    raise CompsecError(missing)


@contextmanager
def zeroed_inputs(masks: Mapping[Any, tuple[int, Sequence[int]]]) -> Iterator[None]:
    """Within the block, each module of ``masks`` (module -> (input width, input features))
    sees those input features as zero: a forward pre-hook multiplies its input by a 0/1 mask."""
    import torch

    handles = []
    try:
        for module, (width, features) in masks.items():
            mask = torch.ones(width)
            mask[list(features)] = 0.0

            def pre(_mod: Any, args: tuple[Any, ...], mask: Any = mask) -> tuple[Any, ...]:
                x = args[0]
                return (x * mask.to(device=x.device, dtype=x.dtype), *args[1:])

            handles.append(module.register_forward_pre_hook(pre))
        yield
    finally:
        for h in handles:
            h.remove()


def _config_heads(model: Any) -> int | None:
    cfg = getattr(model, "config", None)
    for c in (cfg, getattr(cfg, "text_config", None)):
        for key in ("num_attention_heads", "n_head", "num_heads"):
            v = getattr(c, key, None)
            if isinstance(v, int) and v > 0:
                return v
    return None


def _in_features(mod: Any) -> int | None:
    for key in ("in_features", "nx"):  # nn.Linear, GPT-2 Conv1D
        v = getattr(mod, key, None)
        if isinstance(v, int):
            return v
    return None


def attention_outputs(model: Any) -> list[AttentionOutput]:
    """The attention output projection (``o_proj``, ``out_proj``, ``attn.c_proj``,
    ``attention.dense``) of every block, in block order."""
    prefix, blocks = find_blocks(model)
    n_heads = _config_heads(model)
    if n_heads is None:
        raise CompsecError("the model config names no number of attention heads (num_attention_heads)")
    out: list[AttentionOutput] = []
    for i, block in enumerate(blocks):
        sub, mod = _find_in_block(
            block, _OUT_PROJ, _ATTN_PARENTS,
            f"block {i} ({prefix}.{i}) has no attention output projection named one of "
            f"{', '.join(_OUT_PROJ)} under an attention module; head ablation cannot find the heads")
        width = _in_features(mod)
        if width is None or width % n_heads:
            raise CompsecError(
                f"{prefix}.{i}.{sub} takes {width} input features, not a multiple of the "
                f"{n_heads} attention heads of the config"
            )
        out.append(AttentionOutput(i, f"{prefix}.{i}.{sub}", mod, n_heads, width // n_heads))
    return out


# names of the MLP's output (down) projection, and of the module holding it
_DOWN_PROJ = ("down_proj", "fc2", "c_proj", "dense_4h_to_h", "w2", "fc_out")
_MLP_PARENTS = ("mlp", "feed_forward", "ffn")


@dataclass(frozen=True)
class MlpNeurons:
    """The MLP output projection of one block: its input holds the block's ``n_neurons``
    hidden neurons (after the activation and any gating), one feature each."""

    block: int
    name: str
    module: Any
    n_neurons: int


def mlp_neurons(model: Any) -> list[MlpNeurons]:
    """The MLP output projection (``down_proj``, ``fc2``, ``mlp.c_proj``, ``dense_4h_to_h``,
    ``w2``) of every block, in block order."""
    prefix, blocks = find_blocks(model)
    out: list[MlpNeurons] = []
    for i, block in enumerate(blocks):
        sub, mod = _find_in_block(
            block, _DOWN_PROJ, _MLP_PARENTS,
            f"block {i} ({prefix}.{i}) has no MLP output projection named one of {', '.join(_DOWN_PROJ)} "
            "under an MLP module; neuron pruning cannot find the neurons (mixture-of-experts MLPs are "
            "not supported)")
        width = _in_features(mod)
        if width is None:
            raise CompsecError(f"{prefix}.{i}.{sub} is not a linear layer with a known input width")
        out.append(MlpNeurons(i, f"{prefix}.{i}.{sub}", mod, width))
    return out


def normalize_prompts(prompts: Any) -> tuple[list[str], list[str]]:
    """(ids, texts) from a list of strings, of dicts with ``prompt`` (and ``id``), or of prompt
    records; a prompt without an id gets ``p<index>``."""
    if isinstance(prompts, (str, bytes)) or not isinstance(prompts, Sequence):
        raise PromptSetError(
            f"prompts must be a list of prompts (strings, dicts with 'prompt', or prompt records), "
            f"got {type(prompts).__name__}"
        )
    if not prompts:
        raise PromptSetError(
            "no prompts to score: give at least one harmful prompt, e.g. "
            "model_adapters.analysis.harmful_prompts() (the harmful dev split)"
        )
    ids: list[str] = []
    texts: list[str] = []
    for i, p in enumerate(prompts):
        if isinstance(p, str):
            pid, text = f"p{i}", p
        elif isinstance(p, Mapping):
            if not isinstance(p.get("prompt"), str):
                raise PromptSetError(f"prompt {i}: a dict prompt needs a string 'prompt' field, got {dict(p)!r}")
            pid, text = str(p.get("id", f"p{i}")), p["prompt"]
        elif isinstance(getattr(p, "prompt", None), str):
            pid, text = str(getattr(p, "id", f"p{i}")), p.prompt
        else:
            raise PromptSetError(f"prompt {i}: expected a string, a dict with 'prompt' or a prompt record, "
                                 f"got {type(p).__name__}")
        if not text.strip():
            raise PromptSetError(f"prompt {i} ({pid}) is empty")
        ids.append(pid)
        texts.append(text)
    return ids, texts


def model_device(model: Any) -> Any:
    try:
        return next(model.parameters()).device
    except (StopIteration, AttributeError):
        return "cpu"
