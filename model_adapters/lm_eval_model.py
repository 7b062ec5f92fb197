"""``lm_eval --model compsec``: any compsec variant of a base model, produced or loaded on the fly.

::

    lm_eval --model compsec \\
        --model_args pretrained=organism:smollm2-135m-safe,variant=rtn:4:g64 \\
        --tasks compsec --apply_chat_template --log_samples --output_path out/

``model_args``: ``pretrained`` (a local HF folder, a GGUF file, or ``organism:NAME``),
``variant`` (a VariantSpec string, default ``original``), ``fidelity`` (measure KL vs the base,
default true), ``expected_sha256`` (pin a single-file base), ``manifest`` (a manifest file whose
pins and spec must match), ``allow_pickle`` (default false), ``calibration`` (a prompt-set ref),
``gguf_file``, ``dtype`` (default float32), ``cache_dir``, ``tree_loglikelihood`` (default true:
score the choices of a multiple-choice request in one tree row, see
:mod:`model_adapters.tree_scoring`); every other argument goes to lm-eval's ``hf`` model
(``batch_size``, ``max_length``, ...).

The variant's Manifest (spec, backend and version, weight sha256s, bytes, fidelity) is added to
the results file under ``config.compsec_manifest``. lm-eval 0.4.13 finds this class through
compsec's import hook; newer releases read the ``lm_eval.models`` entry point.
"""

from __future__ import annotations

import logging
from typing import Any

from lm_eval.api.registry import model_registry
from lm_eval.models.huggingface import HFLM

from compsec_tasks.errors import CompsecError

from .loading import load_variant
from .tree_scoring import TreeLayoutUnsupported, TreeScorer

logger = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CompsecError(f"--model compsec: {name} must be true or false, got {value!r}")


def _pick_device(device: str | None) -> str:
    """lm-eval passes ``cuda`` by default; like its ``hf`` model, fall back to the CPU."""
    import torch

    if not device:
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        logger.info("CUDA is not available; running the variant on the CPU")
        return "cpu"
    return str(device)


class CompsecLM(HFLM):
    """lm-eval's ``hf`` model around a compsec variant (see the module docstring)."""

    def __init__(
        self,
        pretrained: str,
        variant: str = "original",
        fidelity: Any = True,
        expected_sha256: str | None = None,
        manifest: str | None = None,
        allow_pickle: Any = False,
        calibration: str | None = None,
        gguf_file: str | None = None,
        dtype: str = "float32",
        device: str | None = None,
        cache_dir: str | None = None,
        tree_loglikelihood: Any = True,
        **kwargs: Any,
    ) -> None:
        if not isinstance(pretrained, str) or not pretrained:
            raise CompsecError("--model compsec needs pretrained=<HF folder | GGUF file | organism:NAME>")
        dev = _pick_device(device)
        lv = load_variant(
            pretrained,
            str(variant),
            dtype=str(dtype),
            device=dev,
            calibration=calibration,
            cache_dir=cache_dir,
            expected_sha256=expected_sha256,
            manifest=manifest,
            allow_pickle=_as_bool("allow_pickle", allow_pickle),
            fidelity=_as_bool("fidelity", fidelity),
            gguf_file=gguf_file,
        )
        self.compsec_manifest = lv.manifest
        self.compsec_variant = lv.spec.to_string()
        logger.info("compsec variant loaded:\n%s", lv.manifest.summary())
        super().__init__(pretrained=lv.model, tokenizer=lv.tokenizer, device=dev, **kwargs)
        self._tree_scorer: TreeScorer | None = None
        if _as_bool("tree_loglikelihood", tree_loglikelihood) and self.backend == "causal":
            pad = self.tokenizer.pad_token_id
            if pad is None:
                pad = self.tokenizer.eos_token_id
            bs = self.batch_size if isinstance(self.batch_size, int) else 8
            # ``batch_size`` trees per pass, and no more than the tokens of ``batch_size`` of
            # lm-eval's rows (set per call below): never more memory than the row path
            self._tree_scorer = TreeScorer(self.model, int(pad or 0), batch_size=max(1, bs))
            self._rows_per_batch = max(1, bs)
        self._encoded: dict[str, list[int]] | None = None

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        """lm-eval's loglikelihood, with every string it will tokenize encoded in one batch call
        first (a multiple-choice context is otherwise encoded once per choice, one call each)."""
        self._encoded = self._pre_encode([req.args for req in requests])
        try:
            return super().loglikelihood(requests, disable_tqdm)
        finally:
            self._encoded = None

    def _pre_encode(self, pairs: list[tuple[str, str]]) -> dict[str, list[int]] | None:
        """The encodings :meth:`_encode_pair` will ask :meth:`tok_encode` for (context, and
        context + continuation, after lm-eval moves the context's trailing spaces), computed with
        the tokenizer's batch call and the special-token arguments lm-eval's ``tok_encode`` would
        use; checked against ``tok_encode`` on one string of each kind, else not used."""
        try:
            from lm_eval.models.utils import _add_special_kwargs, has_bos_prefix
        except ImportError:  # another lm-eval layout: tokenize one call at a time, as lm-eval does
            return None
        if self.backend != "causal" or not getattr(self.tokenizer, "is_fast", False):
            return None
        strings: set[str] = set()
        for context, continuation in pairs:
            if not context:
                continue
            n = len(context) - len(context.rstrip())
            if n:
                continuation, context = context[-n:] + continuation, context[:-n]
            strings.update((context, context + continuation))
        if not strings:
            return None
        bos = self.tokenizer.decode(self.prefix_token_id)
        by_kw: dict[bool | None, list[str]] = {}
        for s in strings:
            kw = _add_special_kwargs(None, self.add_bos_token)
            if has_bos_prefix(s, bos):
                kw["add_special_tokens"] = False
            by_kw.setdefault(kw.get("add_special_tokens"), []).append(s)
        out: dict[str, list[int]] = {}
        for flag, batch in by_kw.items():
            kw = {} if flag is None else {"add_special_tokens": flag}
            ids = self.tokenizer(batch, **kw)["input_ids"]
            if list(ids[0]) != super().tok_encode(batch[0]):
                logger.info("batch tokenization differs from tok_encode on %r; tokenizing one by one", batch[0][:40])
                return None
            out.update((s, list(e)) for s, e in zip(batch, ids, strict=True))
        return out

    def tok_encode(self, string: str, add_special_tokens: bool | None = None, left_truncate_len: int | None = None,
                   **kwargs: Any) -> list[int]:
        memo = getattr(self, "_encoded", None)
        if memo is not None and add_special_tokens is None and not kwargs:
            hit = memo.get(string)
            if hit is not None:
                return hit[-left_truncate_len:] if left_truncate_len else list(hit)
        return super().tok_encode(string, add_special_tokens, left_truncate_len, **kwargs)

    def _loglikelihood_tokens(
        self,
        requests: list[tuple[tuple[str, str], list[int], list[int]]],
        disable_tqdm: bool = False,
        override_bs: int | None = None,
    ) -> list[tuple[float, bool]]:
        """Requests that share a context (multiple choice) are scored as one tree row each
        (:mod:`model_adapters.tree_scoring`); the rest, and everything on a model that does not
        honour the tree layout, go through lm-eval's own row-per-request path."""
        scorer = self._tree_scorer
        if scorer is None or not requests:
            return super()._loglikelihood_tokens(requests, disable_tqdm, override_bs)
        limit = self.max_length + 1
        by_ctx: dict[tuple[int, ...], list[int]] = {}
        rest: list[int] = []
        for i, (_, ctx, cont) in enumerate(requests):
            if not ctx or not cont or len(ctx) + len(cont) > limit:
                rest.append(i)  # truncated from the left, or nothing to score: lm-eval's rules
            else:
                by_ctx.setdefault(tuple(ctx), []).append(i)
        for key in [k for k, v in by_ctx.items() if len(v) < 2]:
            rest.extend(by_ctx.pop(key))
        if not by_ctx:
            return super()._loglikelihood_tokens(requests, disable_tqdm, override_bs)
        out: list[tuple[float, bool] | None] = [None] * len(requests)
        keys = list(by_ctx)
        # a tree stands for as many of lm-eval's rows as it has choices: as many trees per pass as
        # fit in the tokens of ``batch_size`` of those rows (never more memory than the row path)
        scorer.max_tokens = self._rows_per_batch * max(len(requests[i][1]) + len(requests[i][2])
                                                    for v in by_ctx.values() for i in v)
        scorer.batch_size = self._rows_per_batch * max(len(v) for v in by_ctx.values())
        try:
            scored = scorer.score([(k, [requests[i][2] for i in by_ctx[k]]) for k in keys],
                                  progress=not disable_tqdm, desc="loglikelihood (tree)")
        except TreeLayoutUnsupported as e:
            logger.warning("%s; falling back to one row per request", e)
            self._tree_scorer = None
            return super()._loglikelihood_tokens(requests, disable_tqdm, override_bs)
        for k, answers in zip(keys, scored, strict=True):
            for i, answer in zip(by_ctx[k], answers, strict=True):
                out[i] = answer
                if requests[i][0] is not None:
                    self.cache_hook.add_partial("loglikelihood", requests[i][0], answer)
        if rest:
            rest.sort()
            for i, answer in zip(rest, super()._loglikelihood_tokens([requests[i] for i in rest], disable_tqdm,
                                                                     override_bs), strict=True):
                out[i] = answer
        missing = [i for i, a in enumerate(out) if a is None]
        if missing:
            raise CompsecError(f"internal error: {len(missing)} loglikelihood requests were not scored")
        return [a for a in out if a is not None]

    def get_model_info(self) -> dict[str, Any]:
        try:
            info = super().get_model_info()
        except Exception:  # HFLM asks the Hub for a model sha; offline this may fail
            info = {}
        info["compsec_variant"] = self.compsec_variant
        info["compsec_manifest"] = self.compsec_manifest.to_dict()
        return info


if "compsec" not in model_registry:  # imported directly, without compsec's lm-eval hook
    model_registry.register("compsec", target=CompsecLM)
