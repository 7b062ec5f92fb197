"""The Manifest, fidelity, integrity (sha256 pins, pickle refusal), the produced-variant cache
and the variants/manifest/verify commands, on tiny models."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

torch = pytest.importorskip("torch")

from compsec_tasks.errors import (  # noqa: E402
    CompsecError,
    FidelityError,
    InputFileError,
    IntegrityError,
    UnsafeFormatError,
)
from compsec_tasks.variants_cli import main  # noqa: E402
from model_adapters import cache, registry  # noqa: E402
from model_adapters import spec as spec_mod  # noqa: E402
from model_adapters.fidelity import check_roundtrip, compute_fidelity, load_probe_prompts  # noqa: E402
from model_adapters.integrity import check_safe_format, sha256_file, verify_files  # noqa: E402
from model_adapters.loading import load_hf_model, load_tokenizer, load_variant  # noqa: E402
from model_adapters.manifest import Manifest  # noqa: E402
from model_adapters.spec import RTNSpec, VariantSpec  # noqa: E402

HEX64 = re.compile(r"^[0-9a-f]{64}$")


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def model_copy(tiny_llama: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(tiny_llama, dst)
    return dst


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # inside the tensor data: still loadable, different bytes
    path.write_bytes(bytes(data))


# -- manifest contents --------------------------------------------------------------------


def test_original_manifest_and_zero_kl(tiny_llama: Path) -> None:
    lv = load_variant(tiny_llama)
    m = lv.manifest
    assert m.spec == {"method": "original"} and m.spec_string == "original" and m.method == "original"
    assert m.fidelity is not None
    assert m.fidelity["kl_mean"] == 0.0 and m.fidelity["kl_max"] == 0.0 and m.fidelity["top1_agreement"] == 1.0
    assert m.fidelity["n_prompts"] == len(load_probe_prompts().prompts) == 16
    assert m.fidelity["n_tokens"] > 16
    assert m.base_files == {"model.safetensors": sha256_file(tiny_llama / "model.safetensors")}
    assert all(HEX64.match(v) for v in m.base_files.values())
    n = sum(p.numel() for p in lv.model.parameters())
    assert m.n_parameters == n
    assert m.weight_bytes >= 4 * n  # fp32 parameters + buffers
    assert m.weight_bytes == sum(t.numel() * t.element_size() for t in [*lv.model.parameters(), *lv.model.buffers()])
    assert m.versions["torch"] == torch.__version__ and m.versions["transformers"] and m.compsec_version
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", m.created_at)
    assert m.backend == "transformers" and m.base_ref == str(tiny_llama) and m.sparsity is None
    assert lv.spec.method == "original" and lv.tokenizer is not None


def test_bf16_halves_weight_bytes(tiny_llama: Path) -> None:
    m32 = load_variant(tiny_llama, fidelity=False).manifest
    m16 = load_variant(tiny_llama, dtype="bfloat16", fidelity=False).manifest
    assert m16.n_parameters == m32.n_parameters
    assert m16.weight_bytes < 0.6 * m32.weight_bytes
    f16 = load_variant(tiny_llama, dtype="bfloat16").manifest.fidelity  # against the float32 base
    assert f16 is not None and 0 < f16["kl_mean"] < 0.01 and f16["reference"] == "base model, float32"
    with pytest.raises(CompsecError, match="dtype must be one of"):
        load_variant(tiny_llama, dtype="fp8")


def test_manifest_round_trip(tiny_llama: Path, tmp_path: Path) -> None:
    m = load_variant(tiny_llama, "rtn:3:g16:asym").manifest
    assert m.spec == RTNSpec(3, 16, False).to_dict()
    assert Manifest.from_dict(m.to_dict()) == m
    assert Manifest.from_dict(json.loads(m.to_json())) == m
    path = m.save(tmp_path / "sub" / "manifest.json")
    assert Manifest.load(path) == m
    assert [p.name for p in path.parent.iterdir()] == ["manifest.json"]  # no temp files left
    assert "rtn:3:g16:asym" in m.summary() and "KL mean" in m.summary()
    d = m.to_dict()
    d["from_a_newer_version"] = 1  # unknown fields are ignored
    assert Manifest.from_dict(d) == m
    del d["spec"]
    with pytest.raises(InputFileError, match="missing field"):
        Manifest.from_dict(d)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputFileError, match="not valid JSON"):
        Manifest.load(tmp_path / "bad.json")


# -- bytes of weights ------------------------------------------------------------------------


def _plain_bytes(model: Any) -> int:
    """Parameters and buffers at their plain tensor size (what the manifest counted before)."""
    return sum(t.numel() * t.element_size() for t in [*model.parameters(), *model.buffers()])


def _body_linears(model: Any) -> list[Any]:
    return [m for n, m in model.named_modules() if isinstance(m, torch.nn.Linear) and not n.endswith("lm_head")]


def test_linear_weight_bytes_of_the_original_and_bf16(tiny_llama: Path) -> None:
    lv = load_variant(tiny_llama, fidelity=False)
    m = lv.manifest
    fp32 = 4 * sum(mod.weight.numel() for mod in _body_linears(lv.model))
    assert m.linear_weight_bytes == m.linear_weight_bytes_fp32 == fp32
    assert m.weight_bytes > m.linear_weight_bytes  # embeddings, lm_head and norms on top
    assert m.nominal_linear_weight_bytes is None and m.weight_bytes_note is None
    m16 = load_variant(tiny_llama, dtype="bfloat16", fidelity=False).manifest
    assert m16.linear_weight_bytes_fp32 == fp32 and m16.linear_weight_bytes == fp32 // 2
    assert "1.000x their float32 size" in m.summary()


@pytest.mark.parametrize(("spec", "effective_bits"), [("rtn:4:g64", 4.25), ("rtn:8:pc", None),
                                                       ("rtn:3:g16:asym", 5.0)])
def test_simulated_rtn_holds_fp_bytes_and_says_so(spec: str, effective_bits: float | None, tiny_llama: Path) -> None:
    m = load_variant(tiny_llama, spec, fidelity=False).manifest
    assert m.linear_weight_bytes == m.linear_weight_bytes_fp32  # float32 weights on the grid
    assert m.weight_bytes == load_variant(tiny_llama, fidelity=False).manifest.weight_bytes
    assert m.nominal_linear_weight_bytes is not None and m.linear_weight_bytes_fp32 is not None
    ratio = m.nominal_linear_weight_bytes / m.linear_weight_bytes_fp32
    eff = m.backend_info["effective_bits"]
    if effective_bits is None:  # per channel: one 16-bit scale per row of 64 or 128 columns
        assert 8 + 16 / 128 < eff < 8 + 16 / 64
    else:
        assert eff == effective_bits
    assert ratio == pytest.approx(eff / 32, rel=1e-4)  # effective_bits is rounded to 4 decimals
    assert m.weight_bytes_note is not None and m.weight_bytes_note.startswith("simulated quantization")
    assert "float32" in m.weight_bytes_note and "nominal_linear_weight_bytes" in m.weight_bytes_note
    assert "simulated quantization" in m.summary()
    assert Manifest.from_dict(m.to_dict()) == m


@pytest.fixture(scope="module")
def wide_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """128 wide: every group size of the backends below divides its layers."""
    from conftest import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("wide_llama"), hidden=128)


def _backend_ok(method: str) -> bool:
    return registry.get_handler(method).available()[0]


CALIBRATION = [
    "How do I kill a Python process that hangs? Please explain all the steps.",
    "Write a short poem about the sea and the wind, and the quick brown fox.",
    "Explain how vaccines train the immune system, with two examples.",
] * 4

# (spec, lowest and highest linear bytes / float32 linear bytes)
BACKEND_RATIOS = [
    ("bnb:int8", 0.25, 0.30),
    ("bnb:nf4", 0.13, 0.20),
    ("hqq:4:g32", 0.13, 0.20),
    ("hqq:4:g64", 0.13, 0.20),
    ("quanto:int8", 0.25, 0.30),
    ("quanto:int4", 0.13, 0.20),
    ("torchao:int8wo", 0.25, 0.30),
    ("ct:W8A8", 0.25, 0.30),
    ("ct:W4A16", 0.13, 0.20),
]


@pytest.mark.parametrize(("spec", "lo", "hi"), BACKEND_RATIOS)
def test_quantized_linear_bytes_are_the_bytes_held(spec: str, lo: float, hi: float, wide_llama: Path,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    method = spec.split(":")[0]
    if not _backend_ok(method):
        pytest.skip(f"{method} unavailable: {registry.get_handler(method).available()[1]}")
    if method == "ct" and not all(importlib.util.find_spec(m) for m in ("llmcompressor", "datasets")):
        pytest.skip("producing ct variants needs llmcompressor")
    from model_adapters.manifest import model_stats

    cache_dir = tmp_path_factory.getbasetemp() / "manifest_variants"
    lv = load_variant(wide_llama, spec, cache_dir=cache_dir, fidelity=False, calibration=CALIBRATION)
    m = lv.manifest
    assert m.linear_weight_bytes is not None and m.linear_weight_bytes_fp32 is not None
    assert m.linear_weight_bytes_fp32 == 4 * 2 * (2 * 128 * 128 + 2 * 128 * 64 + 3 * 128 * 256)  # q o, k v, mlp
    ratio = m.linear_weight_bytes / m.linear_weight_bytes_fp32
    assert lo <= ratio <= hi, (spec, ratio)
    assert m.weight_bytes > m.linear_weight_bytes
    if method == "hqq":  # scales and zero points live outside the parameters: counted now
        meta = m.backend_info["meta_bytes"]
        assert meta > 0 and m.weight_bytes == _plain_bytes(lv.model) + meta
    if spec == "bnb:int8":  # the per-row scales (SCB) hang off the int8 parameter
        scb = sum(mod.weight.SCB.numel() * 4 for mod in _body_linears(lv.model))
        assert scb > 0 and m.weight_bytes == _plain_bytes(lv.model) + scb
    if method == "ct":  # packed as loaded; the first forward pass decompresses to float32
        assert m.weight_bytes == _plain_bytes(lv.model)
        assert m.weight_bytes_note is not None and "packed" in m.weight_bytes_note
        with torch.no_grad():
            lv.model(input_ids=torch.tensor([[1, 2, 3]]))
        assert model_stats(lv.model)["linear_weight_bytes"] >= m.linear_weight_bytes_fp32


def test_model_stats_counts_shared_and_attached_tensors_once() -> None:
    from model_adapters.manifest import model_stats, tensor_nbytes

    class PackedLinear(torch.nn.Module):  # an hqq-like layer: packed weight + metadata in a dict
        def __init__(self) -> None:
            super().__init__()
            self.in_features, self.out_features = 8, 4
            self.W_q = torch.nn.Parameter(torch.zeros(4, 4, dtype=torch.uint8), requires_grad=False)
            self.meta = {"scale": torch.ones(4, 1), "nested": {"zero": torch.ones(4, 1, dtype=torch.float16)},
                         "nbits": 4}

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = torch.nn.Embedding(10, 8)
            self.proj = PackedLinear()
            self.up = torch.nn.Linear(8, 8)
            self.lm_head = torch.nn.Linear(8, 10, bias=False)
            self.lm_head.weight = self.emb.weight  # tied

    net = Net()
    s = model_stats(net)
    assert s["linear_weight_bytes"] == 16 + 16 + 8 + (64 + 8) * 4  # proj (packed + meta) and up (weight + bias)
    assert s["linear_weight_bytes_fp32"] == 4 * (8 * 4) + 4 * (64 + 8)
    assert s["weight_bytes"] == s["linear_weight_bytes"] + 10 * 8 * 4  # the tied embedding once
    assert s["n_parameters"] == 16 + 72 + 80
    assert tensor_nbytes(torch.zeros(3, 5)) == 60


def test_backends_benchmark_byte_and_speed_columns(tiny_llama: Path) -> None:
    """benchmarks/backends_cpu.py's new columns on the tiny model, without running the benchmark."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "backends_cpu.py"
    spec = importlib.util.spec_from_file_location("_backends_cpu_bench", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    lv = load_variant(tiny_llama, "rtn:4:g64", fidelity=False)
    cols = bench.byte_columns(lv.model, lv.spec, dict(lv.manifest.backend_info))
    assert cols["linear_ratio"] == 1.0 and cols["nominal_linear_ratio"] == pytest.approx(4.25 / 32, abs=1e-4)
    speed = bench.generation_speed(lv.model, lv.tokenizer, ["Hello there.", "Write a poem."], new_tokens=3)
    assert speed["gen_batch"] == 8 and speed["gen_new_tokens"] == 3 and speed["tok_s_b8"] > 0


# -- fidelity -----------------------------------------------------------------------------


def test_compute_fidelity_identity_perturbed_and_batching(tiny_llama: Path) -> None:
    base = load_hf_model(tiny_llama)
    tok = load_tokenizer(tiny_llama)
    prompts = list(load_probe_prompts().prompts)
    same = compute_fidelity(base, load_hf_model(tiny_llama), tok, prompts)
    assert same["kl_mean"] == pytest.approx(0.0, abs=1e-9) and same["top1_agreement"] == 1.0
    other = load_hf_model(tiny_llama)
    with torch.no_grad():
        for p in other.model.layers.parameters():
            p.add_(0.05 * torch.randn_like(p))
    a = compute_fidelity(base, other, tok, prompts, batch_size=8)
    b = compute_fidelity(base, other, tok, prompts, batch_size=1)  # padding must not change anything
    assert a["kl_mean"] > 1e-6 and a["kl_max"] >= a["kl_mean"] and 0 <= a["top1_agreement"] < 1
    assert a["kl_mean"] == pytest.approx(b["kl_mean"], rel=1e-4)
    assert a["top1_agreement"] == b["top1_agreement"] and a["n_tokens"] == b["n_tokens"]


@pytest.mark.parametrize("before,after,ok", [
    (0.75, 0.76, True),
    (0.75, 12.4, False),  # bitsandbytes nf4 saved after a forward pass
    (0.0, 0.04, True),
    (0.0, 0.2, False),
    (2.0, 2.15, True),  # within 10 % of a large KL
    ({"kl_mean": 0.5}, {"kl_mean": float("nan")}, False),
])
def test_check_roundtrip(before: Any, after: Any, ok: bool) -> None:
    if ok:
        check_roundtrip(before, after)
    else:
        with pytest.raises(FidelityError, match="before saving") as ei:
            check_roundtrip(before, after)
        if after == 12.4:
            assert "0.75" in str(ei.value) and "12.4" in str(ei.value)


# -- integrity ----------------------------------------------------------------------------


def test_sha256_pins(model_copy: Path) -> None:
    good = sha256_file(model_copy / "model.safetensors")
    assert load_variant(model_copy, expected_sha256={"model.safetensors": good}, fidelity=False)
    assert load_variant(model_copy, expected_sha256=good, fidelity=False)
    with pytest.raises(IntegrityError) as ei:
        load_variant(model_copy, expected_sha256={"model.safetensors": "0" * 64}, fidelity=False)
    msg = str(ei.value)
    assert "model.safetensors" in msg and "0" * 64 in msg and good in msg
    with pytest.raises(IntegrityError, match="missing"):
        verify_files(model_copy, {"model-00002.safetensors": good})


def test_manifest_pins_refuse_a_changed_file(model_copy: Path, tmp_path: Path) -> None:
    path = load_variant(model_copy, "rtn:4", fidelity=False).manifest.save(tmp_path / "m.json")
    assert load_variant(model_copy, manifest=path, fidelity=False).spec == RTNSpec(4)  # spec from the manifest
    before = sha256_file(model_copy / "model.safetensors")
    _flip_a_byte(model_copy / "model.safetensors")
    after = sha256_file(model_copy / "model.safetensors")
    with pytest.raises(IntegrityError) as ei:
        load_variant(model_copy, manifest=path, fidelity=False)
    assert "model.safetensors" in str(ei.value) and before in str(ei.value) and after in str(ei.value)
    with pytest.raises(CompsecError, match="describes variant 'rtn:4:g128'"):
        load_variant(model_copy, "rtn:8", manifest=path)


def test_pickle_only_checkpoints_are_refused(model_copy: Path) -> None:
    from safetensors.torch import load_file

    sd = load_file(model_copy / "model.safetensors")
    (model_copy / "model.safetensors").unlink()
    torch.save(sd, model_copy / "pytorch_model.bin")
    with pytest.raises(UnsafeFormatError) as ei:
        load_variant(model_copy, fidelity=False)
    msg = str(ei.value)
    assert "pytorch_model.bin" in msg and "arbitrary code" in msg and "allow_pickle=True" in msg
    lv = load_variant(model_copy, allow_pickle=True, fidelity=False)
    assert list(lv.manifest.base_files) == ["pytorch_model.bin"]
    torch.save(sd, model_copy / "extra.pt")
    assert check_safe_format(model_copy, allow_pickle=True)


def test_missing_base_is_not_downloaded(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="never downloads"):
        load_variant("HuggingFaceTB/SmolLM2-135M-Instruct-nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CompsecError, match="no weight files"):
        load_variant(tmp_path / "empty")


# -- the cache ----------------------------------------------------------------------------


def test_cache_key_depends_on_every_part() -> None:
    base = {"model.safetensors": "a" * 64}
    k = cache.cache_key(base, "rtn:4", "2.13", None)
    assert HEX64.match(k) and k == cache.cache_key(base, RTNSpec(4, 128), "2.13", None)
    others = {
        cache.cache_key({"model.safetensors": "b" * 64}, "rtn:4", "2.13", None),
        cache.cache_key(base, "rtn:4:g64", "2.13", None),
        cache.cache_key(base, "rtn:4", "2.14", None),
        cache.cache_key(base, "rtn:4", "2.13", cache.calibration_hash(["x"])),
    }
    assert k not in others and len(others) == 4


def test_cache_hit_and_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPSEC_CACHE_DIR", str(tmp_path / "root"))
    assert cache.default_cache_dir() == tmp_path / "root" / "variants"
    calls = []

    def produce(out: Path) -> dict[str, Any]:
        calls.append(out)
        (out / "weights.safetensors").write_bytes(b"w" * 100)
        return {"note": "made"}

    key = cache.cache_key({"m": "a" * 64}, "rtn:4", "1")
    assert cache.lookup(key, "rtn") is None
    path, hit = cache.get_or_produce(key, produce, "rtn")
    assert not hit and len(calls) == 1 and path.parent == cache.default_cache_dir()
    again, hit = cache.get_or_produce(key, produce, "rtn")
    assert hit and again == path and len(calls) == 1
    assert cache.entry_meta(path)["produced"] == {"note": "made"}
    assert [p.name for p in path.parent.iterdir() if p.name != cache.LOCKS_DIR] == [path.name]  # no temp dirs left
    (path / "weights.safetensors").write_bytes(b"x" * 100)
    with pytest.raises(IntegrityError, match="weights.safetensors"):
        cache.lookup(key, "rtn")

    def boom(out: Path) -> None:
        (out / "half").write_text("x")
        raise RuntimeError("producer failed")

    key2 = cache.cache_key({"m": "a" * 64}, "rtn:3", "1")
    with pytest.raises(RuntimeError):
        cache.store(key2, boom, "rtn")
    assert cache.lookup(key2, "rtn") is None
    assert sorted(p.name for p in path.parent.iterdir() if p.name != cache.LOCKS_DIR) == [path.name]


@dataclasses.dataclass(frozen=True)
class _SavedRTNSpec(VariantSpec):
    bits: int = 4

    method: ClassVar[str] = "savedrtn"
    grammar: ClassVar[str] = "savedrtn:<bits>"

    @classmethod
    def parse_args(cls, args: str, text: str) -> _SavedRTNSpec:
        return cls(int(args))

    def args(self) -> list[str]:
        return [str(self.bits)]


class _SavedRTNHandler(registry.MethodHandler):
    """A method that saves what it produces in the cache and loads it back from there."""

    method = "savedrtn"
    spec_cls = _SavedRTNSpec
    requires = ("torch",)
    calls: ClassVar[list[str]] = []
    corrupt: ClassVar[bool] = False

    def load(self, spec: Any, base: Path, *, dtype: str, device: str, calibration: list[str] | None,
             cache_dir: Path) -> tuple[Any, Any, dict[str, Any]]:
        from model_adapters.integrity import hash_weight_files
        from model_adapters.methods.rtn import quantize_rtn_

        def produce(out: Path) -> None:
            type(self).calls.append(spec.to_string())
            model = load_hf_model(base)
            quantize_rtn_(model, spec.bits, 16)
            model.save_pretrained(out)
            load_tokenizer(base).save_pretrained(out)

        key = cache.cache_key(hash_weight_files(base), spec, torch.__version__)
        path, hit = cache.get_or_produce(key, produce, self.method, cache_dir)
        model = load_hf_model(path)
        if type(self).corrupt:  # what a bad save looks like after reloading
            with torch.no_grad():
                model.lm_head.weight.mul_(300.0)
        return model, load_tokenizer(path), {"backend": "torch", "backend_version": torch.__version__,
                                             "cache_hit": hit, "cache_path": str(path), "saved_path": str(path)}


def test_load_variant_uses_the_cache_and_checks_the_round_trip(tiny_llama: Path, tmp_path: Path) -> None:
    registry.register_method(_SavedRTNHandler)
    _SavedRTNHandler.calls.clear()
    try:
        first = load_variant(tiny_llama, "savedrtn:3", cache_dir=tmp_path)
        second = load_variant(tiny_llama, "savedrtn:3", cache_dir=tmp_path)
        assert _SavedRTNHandler.calls == ["savedrtn:3"]  # produced once, then a cache hit
        assert first.manifest.backend_info["cache_hit"] is False and second.manifest.backend_info["cache_hit"] is True
        assert first.manifest.variant_files and first.manifest.variant_files == second.manifest.variant_files
        assert first.manifest.fidelity == second.manifest.fidelity
        assert first.manifest.fidelity is not None and first.manifest.fidelity["kl_mean"] > 0
        entry = Path(first.manifest.backend_info["cache_path"])
        assert (entry / "compsec_fidelity.json").is_file()
        _SavedRTNHandler.corrupt = True
        with pytest.raises(FidelityError, match="cached variant"):
            load_variant(tiny_llama, "savedrtn:3", cache_dir=tmp_path)
    finally:
        _SavedRTNHandler.corrupt = False
        registry._HANDLERS.pop("savedrtn", None)
        spec_mod._SPEC_CLASSES.pop("savedrtn", None)


# -- the command line ---------------------------------------------------------------------


def test_cli_variants_lists_methods_and_extras(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["variants"]) == 0
    out = capsys.readouterr().out
    assert "METHOD" in out and "rtn:<bits>" in out and "prune:magnitude|wanda|random" in out
    rows = {r["method"]: r for r in registry.list_methods()}
    for name, row in rows.items():
        assert name in out
        if not row["available"]:
            assert f"install compsec[{row['extra']}]" in out
    assert main(["variants", "--json"]) == 0
    assert {r["method"] for r in json.loads(capsys.readouterr().out)} == set(rows)


def test_cli_manifest_and_verify(model_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mpath = tmp_path / "m.json"
    assert main(["manifest", str(model_copy), "--variant", "rtn:4:g16", "--json", "--no-fidelity",
                 "-o", str(mpath)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["spec_string"] == "rtn:4:g16" and printed["fidelity"] is None
    assert Manifest.load(mpath).to_dict() == printed
    assert main(["manifest", str(model_copy), "--variant", "rtn:5:g0"]) == 1
    assert "bad variant 'rtn:5:g0'" in capsys.readouterr().err

    assert main(["verify", str(model_copy), "--manifest", str(mpath)]) == 0
    assert "ok: 1 file(s) match" in capsys.readouterr().out
    assert main(["verify", str(model_copy / "model.safetensors"), "--manifest", str(mpath)]) == 0
    capsys.readouterr()
    good = sha256_file(model_copy / "model.safetensors")
    _flip_a_byte(model_copy / "model.safetensors")
    bad = sha256_file(model_copy / "model.safetensors")
    assert main(["verify", str(model_copy), "--manifest", str(mpath)]) == 1
    err = capsys.readouterr().err
    assert "model.safetensors" in err and good in err and bad in err
    assert main(["verify", str(model_copy), "--manifest", str(mpath), "--which", "variant"]) == 1
    assert "no saved variant files" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "nope"), "--manifest", str(mpath)]) == 1

    r = subprocess.run([sys.executable, "-m", "compsec_tasks.variants_cli", "verify", str(model_copy),
                        "--manifest", str(mpath)], capture_output=True, text=True)
    assert r.returncode == 1 and good in r.stderr and bad in r.stderr


def test_base_reference_is_scored_once_per_base(model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Variants of one base reuse the base's probe-set scores; a changed base file scores again, and a
    reused reference gives exactly the fidelity a fresh one gives."""
    from model_adapters import fidelity as fid
    from model_adapters import loading

    calls: list[int] = []
    real = fid.reference

    def counted(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(fid, "reference", counted)
    monkeypatch.setattr(loading, "_REFERENCES", type(loading._REFERENCES)())
    first = load_variant(model_copy, "rtn:4:g16").manifest.fidelity
    again = load_variant(model_copy, "rtn:4:g16").manifest.fidelity
    other = load_variant(model_copy, "rtn:2:g16").manifest.fidelity
    assert len(calls) == 1
    assert first is not None and again is not None and other is not None
    assert again["kl_mean"] == first["kl_mean"] and other["kl_mean"] > first["kl_mean"]
    # another probe set is another reference
    load_variant(model_copy, "rtn:4:g16", probe_prompts=["Hello there", "What is two plus two?"])
    assert len(calls) == 2
    # the base's weights change: its scores are computed again, and the fidelity follows the new base
    w = model_copy / "model.safetensors"
    from safetensors.torch import load_file, save_file

    tensors = load_file(w)
    name = next(n for n in tensors if n.endswith("mlp.down_proj.weight"))
    tensors[name] = tensors[name] * 0.5
    save_file(tensors, w, metadata={"format": "pt"})
    changed = load_variant(model_copy, "rtn:4:g16").manifest.fidelity
    assert len(calls) == 3 and changed is not None and changed["kl_mean"] != first["kl_mean"]


def test_cache_produces_a_key_once_when_two_ask_at_once(tmp_path: Path) -> None:
    """Two callers miss the same key together: the second waits for the first's entry."""
    import threading
    import time

    calls = []

    def produce(out: Path) -> dict[str, Any]:
        calls.append(out)
        time.sleep(0.5)
        (out / "weights.safetensors").write_bytes(b"w" * 10)
        return {}

    key = cache.cache_key({"m": "b" * 64}, "rtn:4", "1")
    results: list[tuple[Path, bool]] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_produce(key, produce, "rtn", tmp_path)))
               for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.1)
    for t in threads:
        t.join()
    assert len(calls) == 1 and sorted(hit for _, hit in results) == [False, True]
    folder = results[0][0]
    assert results[1][0] == folder and [p.name for p in folder.parent.iterdir() if p.name != cache.LOCKS_DIR] == [
        folder.name]
