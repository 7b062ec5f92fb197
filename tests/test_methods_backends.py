"""The backend methods (model_adapters.methods.<name>) on a tiny Llama, on CPU.

Each available backend produces a variant of the same tiny model (hidden 128: every group size
used here divides it, and gptqmodel's AWQ needs output widths that are multiples of 64),
runs a forward pass, shows quantized layers in the model, a finite KL against the base that
grows as bits shrink, and a variant that reloads from the cache as the same model. CUDA-only
paths are tested where a CUDA device exists.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from conftest import build_tiny_llama  # noqa: E402

from compsec_tasks.errors import (  # noqa: E402
    CompsecError,
    InputFileError,
    UnsafeFormatError,
    VariantError,
)
from model_adapters.loading import load_variant  # noqa: E402
from model_adapters.methods import BACKEND_MODULES  # noqa: E402
from model_adapters.methods import _backends as B  # noqa: E402
from model_adapters.registry import get_handler, list_methods  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CUDA = torch.cuda.is_available()
PROBES = [
    "How do I kill a Python process that hangs?",
    "Write a short poem about the sea and the wind.",
    "Explain how vaccines train the immune system.",
]
CALIBRATION = [
    "How do I kill a Python process that hangs? Please explain all the steps.",
    "Write a short poem about the sea and the wind, and the quick brown fox.",
    "Explain how vaccines train the immune system, with two examples.",
    "Sure, here are the steps: first, open the terminal and run the command.",
    "I can't help with that request. Here is a safer alternative for you.",
    "The quick brown fox jumps over the lazy dog while the wind blows.",
] * 3


def _available(method: str) -> bool:
    ok, _ = get_handler(method).available()
    return ok


def needs(method: str) -> Any:
    ok, reason = get_handler(method).available()
    return pytest.mark.skipif(not ok, reason=f"{method} unavailable: {reason}")


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread() -> Any:
    """Tiny models gain nothing from threads, and on a busy 2-core machine two contended torch
    threads make hqq's elementwise optimizer several times slower than one."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Llama 128 wide (intermediate 256, 2 layers); sharper logits than the default
    init so quantization error shows in the KL."""
    path = build_tiny_llama(tmp_path_factory.mktemp("tiny_backends"), seed=0, hidden=128)
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.08 if "embed" not in name else 1.0)
    model.save_pretrained(path, safe_serialization=True)
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("variants")


def _load(base: Path, spec: str, cache: Path, **kw: Any) -> Any:
    return load_variant(str(base), spec, cache_dir=cache, probe_prompts=PROBES, **kw)


def _logits(model: Any, tokenizer: Any, text: str = "The quick brown fox jumps over the lazy dog.") -> Any:
    ids = tokenizer(text, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        return model(input_ids=ids.to(model.device)).logits.float().cpu(), ids.shape[1]


def _module_types(model: Any) -> set[str]:
    return {type(m).__name__ for m in model.modules()}


def _weight_types(model: Any) -> set[str]:
    return {type(m.weight).__name__ for m in model.modules() if isinstance(m, torch.nn.Linear)}


def _check_variant(lv: Any, vocab: int) -> float:
    """Forward pass shape, finite positive KL; returns the KL."""
    logits, n = _logits(lv.model, lv.tokenizer)
    assert logits.shape == (1, n, vocab)
    assert torch.isfinite(logits).all()
    kl = lv.manifest.fidelity["kl_mean"]
    assert math.isfinite(kl) and kl > 0.0
    assert lv.manifest.backend_info["quantized_modules"] == 14  # 2 layers x 7 linears; lm_head kept
    return kl


def _check_reload(lv: Any, base: Path, spec: str, cache: Path) -> None:
    """The second load is a cache hit and computes exactly what the first did."""
    again = _load(base, spec, cache)
    assert again.manifest.backend_info["cache_hit"] is True
    assert again.manifest.backend_info["produced"] is False
    assert again.manifest.variant_files == lv.manifest.variant_files and lv.manifest.variant_files
    a, _ = _logits(lv.model, lv.tokenizer)
    b, _ = _logits(again.model, again.tokenizer)
    torch.testing.assert_close(a, b, rtol=0, atol=1e-6)


# ---------------------------------------------------------------------------------------
# registry, extras, lazy imports


def test_every_backend_method_is_registered_with_its_extra() -> None:
    rows = {r["method"]: r for r in list_methods()}
    toml = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    extras = toml.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for method, (spec_cls, extra) in BACKEND_MODULES.items():
        h = get_handler(method)
        assert type(h).__module__ == f"model_adapters.methods.{method}", h
        assert h.method == method and h.spec_cls is spec_cls and h.extra == extra
        assert extra in extras, f"pyproject has no extra {extra!r}"
        ok, reason = h.available()
        assert isinstance(ok, bool) and isinstance(reason, str)
        assert ok or f"compsec[{extra}]" in reason or "CUDA" in reason
        assert rows[method]["available"] == ok
    for extra, pin in (("gptq", "gptqmodel==7.6.0"), ("awq", "gptqmodel==7.6.0"), ("ct", "llmcompressor==0.14.0.1"),
                       ("ct", "compressed-tensors==0.19.0"), ("gptq", "optimum>=2.3")):
        assert pin in extras[extra]


@pytest.mark.parametrize("method", list(BACKEND_MODULES))
def test_available_names_the_extra_and_never_raises(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    h = get_handler(method)
    monkeypatch.setattr(B, "missing_modules", lambda mods: [next(iter(mods))])
    ok, reason = h.available()
    assert ok is False and f"install compsec[{h.extra}]" in reason

    def boom(mods: Any) -> list[str]:
        raise RuntimeError("broken environment")

    monkeypatch.setattr(B, "missing_modules", boom)
    ok, reason = h.available()
    assert ok is False and "broken environment" in reason


def test_bnb_without_cpu_support_needs_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(B, "missing_modules", lambda mods: [])
    monkeypatch.setattr(B, "dist_version", lambda name: "0.45.5")
    monkeypatch.setattr(B, "cuda_available", lambda: False)
    ok, reason = get_handler("bnb").available()
    assert ok is False and "CUDA" in reason and "bitsandbytes>=0.48" in reason
    monkeypatch.setattr(B, "cuda_available", lambda: True)
    assert get_handler("bnb").available() == (True, "")


@pytest.mark.parametrize(("spec", "needs_calibration"), [
    ("gptq:4:g64", True), ("gptq:./some/ckpt", False), ("ct:W4A16", True), ("ct:./ckpt", False),
    ("awq:./ckpt", False), ("hqq:4", False), ("bnb:nf4", False), ("gguf:m.gguf", False),
])
def test_which_specs_read_calibration_prompts(spec: str, needs_calibration: bool) -> None:
    from model_adapters.spec import parse_variant

    s = parse_variant(spec)
    assert get_handler(s.method).needs_calibration(s) is needs_calibration


def test_handler_modules_do_not_import_their_backends() -> None:
    code = (
        "import sys\n"
        "import model_adapters.methods as m\n"
        "for name in m.BACKEND_MODULES: m.backend_handler(name).available()\n"
        "heavy = ['torch', 'transformers', 'bitsandbytes', 'hqq', 'optimum.quanto', 'torchao', 'gptqmodel',\n"
        "         'llmcompressor', 'compressed_tensors', 'gguf']\n"
        "print([h for h in heavy if h in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(("group", "widths", "fits"), [
    (64, {"a": 576, "b": 1536}, True),
    (128, {"a": 576, "b": 1536}, False),
    (32, {"a": 128, "b": 256}, True),
    (-1, {"a": 100}, True),  # per channel
])
def test_group_size_check(group: int, widths: dict[str, int], fits: bool) -> None:
    if fits:
        B.check_group_size(group, widths, fix=lambda g: f"gptq:4:g{g}")
    else:
        with pytest.raises(VariantError, match=r"576 .*use gptq:4:g64"):
            B.check_group_size(group, widths, fix=lambda g: f"gptq:4:g{g}")


def test_pick_group_size() -> None:
    assert B.pick_group_size(128, {"a": 576, "b": 1536}) == 64
    assert B.pick_group_size(128, {"a": 128, "b": 256}) == 128
    with pytest.raises(VariantError):
        B.pick_group_size(128, {"a": 100})


def test_calibration_texts_render_chat_and_drop_short(tiny: Path) -> None:
    from model_adapters.loading import load_tokenizer

    tok = load_tokenizer(tiny)
    texts, stats = B.calibration_texts(tok, ["hi", *CALIBRATION[:3]], n_samples=2)
    assert len(texts) == 2 and stats["calibration_format"] == "chat"
    assert texts[0] == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    texts, stats = B.calibration_texts(tok, ["hi", *CALIBRATION[:3]], n_samples=2, chat=False)
    assert texts == CALIBRATION[:2] and stats["calibration_dropped_short"] == 1
    assert stats["calibration_format"] == "plain"
    with pytest.raises(CompsecError, match="too short"):
        B.calibration_texts(tok, ["hi", "yo"], chat=False)


# ---------------------------------------------------------------------------------------
# calibration-free backends: families of bit widths


FAMILIES = {
    "bnb": [("bnb:int8", {"Linear8bitLt"}), ("bnb:nf4", {"Linear4bit"}), ("bnb:fp4", {"Linear4bit"})],
    "hqq": [("hqq:8:g32", {"HQQLinear"}), ("hqq:4:g32", {"HQQLinear"}), ("hqq:2:g32", {"HQQLinear"})],
    "quanto": [("quanto:int8", {"QLinear"}), ("quanto:int4", {"QLinear"}), ("quanto:int2", {"QLinear"})],
    "torchao": [("torchao:int8wo", {"Int8Tensor"}), ("torchao:intx4wo", {"IntxUnpackedToInt8Tensor"}),
                ("torchao:intx2wo", {"IntxUnpackedToInt8Tensor"})],
}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_backend_family_produces_reloads_and_orders_by_bits(family: str, tiny: Path, cache: Path) -> None:
    if not _available(family):
        pytest.skip(f"{family} unavailable: {get_handler(family).available()[1]}")
    vocab = json.loads((tiny / "config.json").read_text())["vocab_size"]
    kls = []
    for spec, marker in FAMILIES[family]:
        lv = _load(tiny, spec, cache)
        info = lv.manifest.backend_info
        assert lv.manifest.method == family and info["produced"] is True and info["cache_hit"] is False
        types = _weight_types(lv.model) if family == "torchao" else _module_types(lv.model)
        assert marker <= types, (spec, types)
        assert lv.manifest.variant_path and Path(lv.manifest.variant_path).is_dir()
        kls.append(_check_variant(lv, vocab))
        if spec == FAMILIES[family][1][0]:
            _check_reload(lv, tiny, spec, cache)
    # fewer bits, bigger KL (bnb: int8 beats both 4-bit formats)
    assert kls[0] < kls[1] and kls[0] < kls[2], kls
    if family != "bnb":
        assert kls[1] < kls[2], kls


@needs("bnb")
def test_bnb_4bit_saved_before_forward_reloads_exactly_and_refuses_after(tiny: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    from model_adapters.loading import load_tokenizer
    from model_adapters.methods.bnb import bnb_config, packed_for_cpu, save_bnb_model

    tok = load_tokenizer(tiny)
    q = AutoModelForCausalLM.from_pretrained(tiny, quantization_config=bnb_config("nf4", torch.float32),
                                             dtype=torch.float32, device_map={"": "cpu"})
    save_bnb_model(q, tmp_path / "before")
    first, _ = _logits(q, tok)
    reloaded = AutoModelForCausalLM.from_pretrained(tmp_path / "before", device_map={"": "cpu"})
    torch.testing.assert_close(_logits(reloaded, tok)[0], first, rtol=0, atol=1e-6)
    if packed_for_cpu(q):  # this CPU repacks 4-bit weights on the first forward pass
        with pytest.raises(CompsecError, match="forward pass"):
            save_bnb_model(q, tmp_path / "after")
        assert not (tmp_path / "after").exists()


@needs("bnb")
@pytest.mark.skipif(not CUDA, reason="needs a CUDA device")
def test_bnb_nf4_on_cuda(tiny: Path, cache: Path) -> None:
    lv = _load(tiny, "bnb:nf4", cache, device="cuda")
    assert "Linear4bit" in _module_types(lv.model)
    assert math.isfinite(lv.manifest.fidelity["kl_mean"])


@needs("torchao")
@pytest.mark.skipif(CUDA, reason="the CPU refusal; the CUDA path is tested below")
def test_torchao_int4wo_on_cpu_names_the_alternative(tiny: Path, cache: Path) -> None:
    with pytest.raises(CompsecError, match="torchao:intx4wo"):
        _load(tiny, "torchao:int4wo", cache, fidelity=False)


@needs("torchao")
@pytest.mark.skipif(not CUDA, reason="needs a CUDA device")
def test_torchao_int4wo_on_cuda(tiny: Path, cache: Path) -> None:
    if not B.importable("mslk"):
        with pytest.raises(CompsecError, match="mslk"):
            _load(tiny, "torchao:int4wo", cache, device="cuda")
        return
    lv = _load(tiny, "torchao:int4wo", cache, device="cuda")
    assert math.isfinite(lv.manifest.fidelity["kl_mean"])


@needs("torchao")
def test_torchao_int8dq(tiny: Path, cache: Path) -> None:
    lv = _load(tiny, "torchao:int8dq", cache)
    assert "Int8Tensor" in _weight_types(lv.model)
    assert 0 < lv.manifest.fidelity["kl_mean"] < 0.05


@needs("hqq")
def test_hqq_keeps_tied_embeddings_tied(tiny: Path, cache: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    from model_adapters.loading import load_tokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny, dtype=torch.float32)
    model.config.tie_word_embeddings = True
    model.lm_head.weight = model.model.embed_tokens.weight
    tied = tmp_path / "tied"
    model.save_pretrained(tied, safe_serialization=True)
    load_tokenizer(tiny).save_pretrained(tied)
    lv = _load(tied, "hqq:4:g32", cache)
    assert lv.model.lm_head.weight is lv.model.model.embed_tokens.weight
    info = lv.manifest.backend_info
    assert info["retied_embeddings"] is True and info["meta_bytes"] > 0


@needs("hqq")
def test_group_size_that_does_not_divide_is_refused_with_the_fix(tiny: Path, cache: Path) -> None:
    with pytest.raises(VariantError, match=r"does not divide the input width 128 .*hqq:4:g32"):
        _load(tiny, "hqq:4:g48", cache, fidelity=False)


# ---------------------------------------------------------------------------------------
# GGUF: a tiny GGUF file written here with the gguf package


def write_tiny_gguf(src: Path, out: Path, qtype: str) -> Path:
    """Write the tiny Llama at ``src`` as a llama.cpp GGUF file with ``qtype`` (Q8_0 / Q4_0)
    linear weights (embeddings and norms stay F32)."""
    import gguf
    import numpy as np
    from safetensors.torch import load_file

    cfg = json.loads((src / "config.json").read_text())
    tokj = json.loads((src / "tokenizer.json").read_text())
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    qt = getattr(gguf.GGMLQuantizationType, qtype)
    w = gguf.GGUFWriter(str(out), "llama")
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(nh)
    w.add_head_count_kv(nkv)
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_rope_freq_base(float((cfg.get("rope_parameters") or {}).get("rope_theta", 10000.0)))
    w.add_vocab_size(cfg["vocab_size"])
    w.add_file_type(getattr(gguf.LlamaFileType, f"MOSTLY_{qtype}"))
    tokens = [t for t, _ in sorted(tokj["model"]["vocab"].items(), key=lambda kv: kv[1])]
    specials = {a["content"] for a in tokj["added_tokens"]}
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types([3 if t in specials else 1 for t in tokens])
    w.add_token_merges([m if isinstance(m, str) else " ".join(m) for m in tokj["model"]["merges"]])
    w.add_bos_token_id(cfg["bos_token_id"])
    w.add_eos_token_id(cfg["eos_token_id"])
    w.add_pad_token_id(cfg["pad_token_id"])

    def permute(a: Any, heads: int) -> Any:  # llama.cpp's q/k row order
        return a.reshape(heads, 2, a.shape[0] // heads // 2, *a.shape[1:]).swapaxes(1, 2).reshape(a.shape)

    top = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
           "lm_head.weight": "output.weight"}
    per_layer = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
                 "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
                 "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm"}
    for key, t in load_file(str(src / "model.safetensors")).items():
        a = t.float().numpy()
        if key in top:
            name = top[key]
        else:
            parts = key.split(".")
            sub = ".".join(parts[3:-1])
            name = f"blk.{parts[2]}.{per_layer[sub]}.weight"
            if sub == "self_attn.q_proj":
                a = permute(a, nh)
            elif sub == "self_attn.k_proj":
                a = permute(a, nkv)
        if a.ndim == 2 and key != "model.embed_tokens.weight":
            data = gguf.quants.quantize(a, qt)
            w.add_tensor(name, data, raw_shape=data.shape, raw_dtype=qt)
        else:
            w.add_tensor(name, a.astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out


@needs("gguf")
def test_gguf_file_loads_dequantized_with_its_quant_type(tiny: Path, cache: Path, tmp_path: Path) -> None:
    vocab = json.loads((tiny / "config.json").read_text())["vocab_size"]
    kls = {}
    for q in ("Q8_0", "Q4_0"):
        f = write_tiny_gguf(tiny, tmp_path / f"tiny.{q}.gguf", q)
        lv = _load(tiny, f"gguf:{f}:{q}", cache)
        info = lv.manifest.backend_info
        assert info["gguf_file_type"] == q and info["gguf_quant"] == q and info["tensor_types"][q] == 15
        assert list(lv.manifest.variant_files) == [f.name]
        logits, n = _logits(lv.model, lv.tokenizer)
        assert logits.shape == (1, n, vocab)
        kls[q] = lv.manifest.fidelity["kl_mean"]
        assert math.isfinite(kls[q]) and kls[q] > 0
    assert kls["Q8_0"] < kls["Q4_0"], kls
    with pytest.raises(VariantError, match="is Q8_0.*not Q4_K_M"):
        _load(tiny, f"gguf:{tmp_path / 'tiny.Q8_0.gguf'}:Q4_K_M", cache, fidelity=False)
    with pytest.raises(InputFileError, match="not found"):
        _load(tiny, "gguf:missing.gguf", cache, fidelity=False)


# ---------------------------------------------------------------------------------------
# distilled students


def test_distilled_student_records_its_teacher(tiny: Path, cache: Path, tmp_path: Path) -> None:
    student = build_tiny_llama(tmp_path / "student", seed=3, layers=1, hidden=64)
    lv = _load(tiny, f"distilled:{student}", cache)
    info = lv.manifest.backend_info
    assert info["teacher"] == str(tiny) and info["teacher_config"]["hidden_size"] == 128
    assert info["student_config"]["hidden_size"] == 64 and info["produced"] is False
    assert info["same_vocabulary"] is True
    assert lv.manifest.variant_files and lv.manifest.n_parameters < 400_000
    assert math.isfinite(lv.manifest.fidelity["kl_mean"]) and lv.manifest.fidelity["kl_mean"] > 0
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text((student / "config.json").read_text())
    (pickled / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(UnsafeFormatError):
        _load(tiny, f"distilled:{pickled}", cache, fidelity=False)


# ---------------------------------------------------------------------------------------
# calibrated backends: gptqmodel, llmcompressor


@needs("gptq")
def test_gptq_produces_on_calibration_and_loads_back(tiny: Path, cache: Path) -> None:
    vocab = json.loads((tiny / "config.json").read_text())["vocab_size"]
    lv = _load(tiny, "gptq:4:g32", cache, calibration=CALIBRATION)
    info = lv.manifest.backend_info
    assert info["produced"] is True and info["bits"] == 4 and info["group_size"] == 32
    assert info["calibration_texts"] == len(CALIBRATION) and info["calibration_format"] == "chat"
    assert any(hasattr(m, "qweight") for m in lv.model.modules())
    _check_variant(lv, vocab)
    again = _load(tiny, "gptq:4:g32", cache, calibration=CALIBRATION)
    assert again.manifest.backend_info["cache_hit"] is True
    # the saved checkpoint also loads as a GPTQ checkpoint given by path
    by_path = _load(tiny, f"gptq:{lv.manifest.variant_path}", cache)
    assert by_path.manifest.backend_info["checkpoint_format"] == "gptq"
    torch.testing.assert_close(_logits(by_path.model, by_path.tokenizer)[0], _logits(lv.model, lv.tokenizer)[0],
                               rtol=0, atol=1e-5)
    assert not (ROOT / "logs").exists() or not any((ROOT / "logs").glob("gptq_log_*"))
    # quantized in a child process with layers offloaded to a folder that is gone again, and the
    # checkpoint does not name that (random) folder: made twice, it has the same files
    qc = json.loads((Path(lv.manifest.variant_path) / "quantize_config.json").read_text())
    assert qc["meta"]["offload_to_disk"] is True and qc["meta"]["offload_to_disk_path"] is None
    import tempfile

    assert not list(Path(tempfile.gettempdir()).glob("compsec-gptq-offload-*"))
    other = _load(tiny, "gptq:4:g32", cache / "second", calibration=CALIBRATION)
    assert other.manifest.variant_files == lv.manifest.variant_files


@needs("gptq")
def test_gptq_refuses_a_group_size_that_does_not_divide(tiny: Path, cache: Path) -> None:
    with pytest.raises(VariantError, match=r"gptq:4:g32"):
        _load(tiny, "gptq:4:g48", cache, fidelity=False)


@needs("awq")
def test_awq_checkpoint_loads_through_gptqmodel(tiny: Path, cache: Path, tmp_path: Path) -> None:
    from model_adapters.methods.awq import produce_awq

    out = tmp_path / "awq"
    produce_awq(tiny, out, CALIBRATION, bits=4, group_size=32)
    vocab = json.loads((tiny / "config.json").read_text())["vocab_size"]
    lv = _load(tiny, f"awq:{out}", cache)
    info = lv.manifest.backend_info
    assert info["bits"] == 4 and info["group_size"] == 32 and info["produced"] is False
    assert "TorchAtenAwqLinear" in _module_types(lv.model) or any(hasattr(m, "qweight") for m in lv.model.modules())
    _check_variant(lv, vocab)
    with pytest.raises(InputFileError, match="not a GPTQ checkpoint.*awq:<path>"):
        _load(tiny, f"gptq:{out}", cache, fidelity=False)


@needs("ct")
@pytest.mark.parametrize(("scheme", "bits"), [("W4A16", 4), ("W8A8", 8)])
def test_ct_produces_with_llmcompressor_and_loads(scheme: str, bits: int, tiny: Path, cache: Path) -> None:
    vocab = json.loads((tiny / "config.json").read_text())["vocab_size"]
    lv = _load(tiny, f"ct:{scheme}", cache, calibration=CALIBRATION)
    info = lv.manifest.backend_info
    assert info["bits"] == bits and info["scheme"] == scheme
    assert info["group_size"] == (128 if scheme == "W4A16" else None)
    _check_variant(lv, vocab)
    by_path = _load(tiny, f"ct:{lv.manifest.variant_path}", cache)
    torch.testing.assert_close(_logits(by_path.model, by_path.tokenizer)[0], _logits(lv.model, lv.tokenizer)[0],
                               rtol=0, atol=1e-5)


@needs("gptq")
@pytest.mark.skipif(not CUDA, reason="needs a CUDA device")
def test_gptq_on_cuda(tiny: Path, cache: Path) -> None:
    lv = _load(tiny, "gptq:4:g32", cache, calibration=CALIBRATION, device="cuda")
    assert math.isfinite(lv.manifest.fidelity["kl_mean"])


@needs("quanto")
def test_quanto_keeps_one_cache_entry_per_compute_dtype(tiny: Path, cache: Path) -> None:
    from model_adapters.loading import load_variant

    f32 = load_variant(tiny, "quanto:int4", dtype="float32", cache_dir=cache, fidelity=False)
    bf16 = load_variant(tiny, "quanto:int4", dtype="bfloat16", cache_dir=cache, fidelity=False)
    assert f32.model.dtype == torch.float32 and bf16.model.dtype == torch.bfloat16
    assert f32.manifest.backend_info["cache_key"] != bf16.manifest.backend_info["cache_key"]
    assert bf16.manifest.backend_info["compute_dtype"] == "bfloat16"


def _fake_extension(root: Path, torch_version: str, ninja: str) -> Path:
    (root / "build").mkdir(parents=True)
    for name in ("unpack.cpp", "pybind_module.cpp", "unpack.h"):
        (root / name).write_text("// source\n")
    so = root / "build" / "quanto_cpp.so"
    so.write_bytes(b"\0")
    (root / "build" / "pytorch_version.txt").write_text(torch_version + "\n")
    (root / "build" / "compsec_ninja.txt").write_text(ninja + "\n")
    past = so.stat().st_mtime - 100
    for src in (root / "unpack.cpp", root / "pybind_module.cpp", root / "unpack.h"):
        os.utime(src, (past, past))
    return so


def test_quanto_extension_is_built_only_for_this_torch_sources_and_ninja(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from model_adapters.methods import quanto as Q

    monkeypatch.setattr(Q, "_extension_dir", lambda: tmp_path)
    monkeypatch.setattr(Q, "_ninja", lambda: "/env/bin/ninja")
    version = metadata.version("torch")
    so = _fake_extension(tmp_path, version, "/env/bin/ninja")
    build = tmp_path / "build"
    assert Q.extension_is_built()
    (build / "pytorch_version.txt").write_text("1.0.0\n")
    assert not Q.extension_is_built()  # built for another torch: quanto deletes and rebuilds it
    (build / "pytorch_version.txt").write_text(version)
    assert Q.extension_is_built()
    (build / "compsec_ninja.txt").write_text("/usr/bin/ninja\n")
    assert not Q.extension_is_built()  # another ninja reads the build log as stale and rebuilds
    (build / "compsec_ninja.txt").unlink()
    assert not Q.extension_is_built()  # built outside compsec: by which ninja is unknown
    (build / "compsec_ninja.txt").write_text("/env/bin/ninja\n")
    assert Q.extension_is_built()
    os.utime(tmp_path / "unpack.h", (so.stat().st_mtime + 100,) * 2)
    assert not Q.extension_is_built()  # a source newer than the library
    os.utime(tmp_path / "unpack.h", (so.stat().st_mtime - 100,) * 2)
    (build / "lock").write_text("")
    assert not Q.extension_is_built()  # a build running, or killed
    Q.clear_stale_lock()
    assert not (build / "lock").exists() and Q.extension_is_built()
    (build / "pytorch_version.txt").unlink()
    assert not Q.extension_is_built()
    so.unlink()
    assert not Q.extension_is_built()
    monkeypatch.setattr(Q, "_extension_dir", lambda: None)  # optimum-quanto not installed
    assert Q.extension_is_built()


def test_quanto_extension_path_puts_the_environments_ninja_first_and_restores_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sysconfig

    from model_adapters.methods import quanto as Q

    scripts = tmp_path / "bin"
    scripts.mkdir()
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *a, **k: str(scripts))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    with Q._environment_ninja():
        assert os.environ["PATH"] == "/usr/bin:/bin"  # no ninja of its own: PATH as it is
    ninja = scripts / "ninja"
    ninja.write_text("#!/bin/sh\n")
    ninja.chmod(0o755)
    assert Q._ninja() == os.path.realpath(ninja)
    with pytest.raises(RuntimeError, match="inside"):
        with Q._environment_ninja():
            assert os.environ["PATH"].split(os.pathsep)[0] == str(scripts)
            raise RuntimeError("inside")
    assert os.environ["PATH"] == "/usr/bin:/bin"
    monkeypatch.delenv("PATH")
    with Q._environment_ninja():
        assert os.environ["PATH"] == str(scripts)
    assert "PATH" not in os.environ  # unset stays unset, not ""


@needs("quanto")
def test_quanto_extension_is_not_rebuilt_when_the_environment_is_not_activated() -> None:
    """The extension, checked from an activated environment and from one that is not (``PATH``
    without its scripts folder, so that the system's ``ninja`` comes first), is built at most
    once: the second check leaves ninja's log and the library as they are."""
    import shutil
    import sysconfig

    from model_adapters.methods import quanto as Q

    scripts = sysconfig.get_path("scripts")
    folder = Q._extension_dir()
    env_ninja = shutil.which("ninja", path=scripts)
    system = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != scripts)
    other = shutil.which("ninja", path=system)
    if folder is None or not env_ninja or not other or os.path.samefile(env_ninja, other):
        pytest.skip("needs a ninja of the environment's own and a different one on PATH")
    if not shutil.which("c++", path=system):
        pytest.skip("no C++ compiler to build optimum-quanto's extension")
    check = "from model_adapters.methods.quanto import ensure_extension as e; assert e()"
    root = Path(__file__).resolve().parents[1]

    def run(path: str) -> None:
        proc = subprocess.run([sys.executable, "-c", check], env={**os.environ, "PATH": path}, cwd=root,
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]

    run(os.pathsep.join([scripts, system]))
    log, so = folder / "build" / ".ninja_log", folder / "build" / "quanto_cpp.so"
    before = (log.read_bytes(), so.stat().st_mtime_ns)
    run(system)
    assert (log.read_bytes(), so.stat().st_mtime_ns) == before
    assert Q.extension_is_built()


@needs("quanto")
def test_quanto_int8_in_bfloat16_on_cpu_is_refused_before_it_crashes(tiny: Path, cache: Path) -> None:
    from model_adapters.loading import load_variant

    with pytest.raises(VariantError, match="dtype float32"):
        load_variant(tiny, "quanto:int8", dtype="bfloat16", cache_dir=cache, fidelity=False)


@needs("gptq")
def test_a_parallel_leaderboard_produces_gptq_before_its_workers(tiny: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's pre-step makes the GPTQ variant (in one child process) and leaves the others
    to the workers; the worker's later load is then a cache hit."""
    from compsec_tasks.leaderboard import Recipe
    from compsec_tasks.leaderboard.runner import _prepare_variants

    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPSEC_CACHE_DIR", str(cache))
    recipe = Recipe.from_dict({"name": "pre", "base": {"model": str(tiny), "label": "tiny"},
                               "variants": ["gptq:4:g32:n8", "rtn:4:g32"], "tasks": ["compsec_refusal"]})
    base = recipe.bases[0]
    pending = [(0, base, v) for v in recipe.variants if not v.is_original]
    assert [v.spec for _, _, v in pending] == ["gptq:4:g32:n8", "rtn:4:g32"]
    assert get_handler("gptq").produces_in_child and not get_handler("rtn").produces_in_child
    _prepare_variants(recipe, pending)
    produced = sorted(p.parent.name for p in cache.rglob("quantize_config.json"))
    assert len(produced) == 1, produced
    lv = load_variant(str(tiny), "gptq:4:g32:n8", fidelity=False)
    assert lv.manifest.backend_info["cache_hit"] is True
    assert any(hasattr(m, "qweight") for m in lv.model.modules())


@needs("gptq")
def test_a_variant_that_cannot_be_produced_early_is_left_to_its_worker(tiny: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from compsec_tasks.leaderboard import Recipe
    from compsec_tasks.leaderboard.runner import _prepare_variants

    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPSEC_CACHE_DIR", str(cache))
    recipe = Recipe.from_dict({"name": "pre", "base": {"model": str(tiny), "label": "tiny"},
                               "variants": ["gptq:4:g48"], "tasks": ["compsec_refusal"]})
    pending = [(0, recipe.bases[0], v) for v in recipe.variants if not v.is_original]
    _prepare_variants(recipe, pending)  # does not raise: the row fails later, in its worker
    assert not list(cache.rglob("quantize_config.json"))
