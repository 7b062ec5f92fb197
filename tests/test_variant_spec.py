"""VariantSpec: every grammar form parses and round-trips; bad input says what is wrong;
the method registry (built-ins, third parties, unavailable backends)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from compsec_tasks.errors import MissingDependencyError, UnknownNameError, VariantError
from model_adapters import registry
from model_adapters import spec as spec_mod
from model_adapters.spec import (
    AWQSpec,
    BnbSpec,
    CTSpec,
    DistilledSpec,
    GGUFSpec,
    GPTQSpec,
    HQQSpec,
    OriginalSpec,
    PruneSpec,
    QuantoSpec,
    RTNSpec,
    TorchaoSpec,
    VariantSpec,
    parse_variant,
)

# (string, expected spec, canonical string)
GOOD: list[tuple[str, VariantSpec, str]] = [
    ("original", OriginalSpec(), "original"),
    (" Original ", OriginalSpec(), "original"),
    ("rtn:4", RTNSpec(4), "rtn:4:g128"),
    ("rtn:8:g64", RTNSpec(8, 64), "rtn:8:g64"),
    ("rtn:3:pc", RTNSpec(3, None), "rtn:3:pc"),
    ("rtn:2:g32:asym", RTNSpec(2, 32, symmetric=False), "rtn:2:g32:asym"),
    ("rtn:4:asym:g16", RTNSpec(4, 16, False), "rtn:4:g16:asym"),
    ("rtn:4:sym", RTNSpec(4), "rtn:4:g128"),
    ("rtn:4:head", RTNSpec(4, quantize_head=True), "rtn:4:g128:head"),
    ("bnb:int8", BnbSpec("int8"), "bnb:int8"),
    ("bnb:NF4", BnbSpec("nf4"), "bnb:nf4"),
    ("bnb:fp4", BnbSpec("fp4"), "bnb:fp4"),
    ("hqq:4", HQQSpec(4), "hqq:4:g64"),
    ("hqq:3:g64", HQQSpec(3, 64), "hqq:3:g64"),
    ("hqq:1:g16", HQQSpec(1, 16), "hqq:1:g16"),
    ("quanto:int8", QuantoSpec("int8"), "quanto:int8"),
    ("quanto:int2", QuantoSpec("int2"), "quanto:int2"),
    ("torchao:int8wo", TorchaoSpec("int8wo"), "torchao:int8wo"),
    ("torchao:int4wo", TorchaoSpec("int4wo"), "torchao:int4wo"),
    ("gptq:4", GPTQSpec(4), "gptq:4:g128"),
    ("gptq:4:g128", GPTQSpec(4, 128), "gptq:4:g128"),
    ("gptq:3:g64:n64", GPTQSpec(3, 64, n_samples=64), "gptq:3:g64:n64"),
    ("gptq:4:pc", GPTQSpec(4, -1), "gptq:4:pc"),
    ("gptq:4:g64:cal=compsec:benign:dev", GPTQSpec(4, 64, calibration="compsec:benign:dev"),
     "gptq:4:g64:cal=compsec:benign:dev"),
    ("gptq:./models/smol-gptq", GPTQSpec(path="./models/smol-gptq"), "gptq:./models/smol-gptq"),
    ("awq:/models/smol-awq", AWQSpec("/models/smol-awq"), "awq:/models/smol-awq"),
    ("ct:W4A16", CTSpec(scheme="W4A16"), "ct:W4A16"),
    ("ct:w8a8", CTSpec(scheme="W8A8"), "ct:W8A8"),
    ("ct:./smol-w4a16", CTSpec(path="./smol-w4a16"), "ct:./smol-w4a16"),
    ("gguf:model.gguf", GGUFSpec("model.gguf"), "gguf:model.gguf"),
    ("gguf:/m/smol.Q4_K_M.gguf:q4_k_m", GGUFSpec("/m/smol.Q4_K_M.gguf", "Q4_K_M"), "gguf:/m/smol.Q4_K_M.gguf:Q4_K_M"),
    ("gguf:m.gguf:F16", GGUFSpec("m.gguf", "F16"), "gguf:m.gguf:F16"),
    ("prune:magnitude:0.3", PruneSpec("magnitude", 0.3), "prune:magnitude:0.3"),
    ("prune:wanda:50%", PruneSpec("wanda", 0.5), "prune:wanda:0.5"),
    ("prune:wanda:0.5:2of4", PruneSpec("wanda", 0.5, "2of4"), "prune:wanda:0.5:2of4"),
    ("prune:random:2of4", PruneSpec("random", 0.5, "2of4"), "prune:random:0.5:2of4"),
    ("prune:random:0.2:s7", PruneSpec("random", 0.2, seed=7), "prune:random:0.2:s7"),
    ("prune:magnitude:0.75:1of4", PruneSpec("magnitude", 0.75, "1of4"), "prune:magnitude:0.75:1of4"),
    ("prune:wanda:0.5:n128", PruneSpec("wanda", 0.5, n_samples=128), "prune:wanda:0.5:n128"),
    ("prune:wanda:2of4:N64:s2", PruneSpec("wanda", 0.5, "2of4", 2, 64), "prune:wanda:0.5:2of4:s2:n64"),
    ("distilled:/models/student", DistilledSpec("/models/student"), "distilled:/models/student"),
]


@pytest.mark.parametrize("text,expected,canonical", GOOD, ids=[g[0] for g in GOOD])
def test_parse_and_round_trip(text: str, expected: VariantSpec, canonical: str) -> None:
    spec = parse_variant(text)
    assert spec == expected
    assert spec.to_string() == canonical
    assert parse_variant(spec.to_string()) == spec
    d = spec.to_dict()
    assert d["method"] == spec.method
    assert VariantSpec.from_dict(d) == spec
    assert type(spec).from_dict(d) == spec
    assert parse_variant(d) == spec
    assert parse_variant(spec) is spec
    assert dataclasses.is_dataclass(spec)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.x = 1  # type: ignore[attr-defined]


def test_slugs_are_filesystem_safe_and_distinct() -> None:
    slugs: dict[str, str] = {}
    for _, spec, canonical in GOOD:
        slug = spec.slug
        assert slug and "/" not in slug and ":" not in slug and not slug.startswith(".")
        assert all(c.isalnum() or c in "._=-" for c in slug), slug
        slugs.setdefault(canonical, slug)
    assert len(set(slugs.values())) == len(slugs)
    assert RTNSpec(4, 64).slug == "rtn-4-g64"
    assert GPTQSpec(path="./a/b").slug != GPTQSpec(path="./a-b").slug


# (bad string, exception, fragments that must be in the message)
BAD: list[tuple[Any, type[Exception], tuple[str, ...]]] = [
    ("rtm:4", UnknownNameError, ("rtm", "Did you mean", "rtn")),
    ("quant:int8", UnknownNameError, ("quanto",)),
    ("", VariantError, ("empty",)),
    ("rtn", VariantError, ("missing <bits>", "rtn:<bits>")),
    ("rtn:9", VariantError, ("'rtn:9'", "bits must be from 2 to 8", "Grammar: rtn:<bits>")),
    ("rtn:four", VariantError, ("bits must be an integer", "'four'")),
    ("rtn:4:g", VariantError, ("g<int>",)),
    ("rtn:4:gx", VariantError, ("'gx'",)),
    ("rtn:4:g0", VariantError, ("positive",)),
    ("rtn:4:fast", VariantError, ("unknown option 'fast'", "rtn:<bits>")),
    ("rtn:4:g64:g32", VariantError, ("twice",)),
    ("bnb:nf3", VariantError, ("mode must be one of int8, nf4, fp4", "'nf3'", "bnb:int8|nf4|fp4")),
    ("bnb", VariantError, ("missing mode",)),
    ("bnb:nf4:g64", VariantError, ("unexpected option",)),
    ("hqq:5", VariantError, ("bits must be one of 1, 2, 3, 4, 8", "hqq:<bits>")),
    ("hqq:4:64", VariantError, ("g<int>",)),
    ("quanto:int3", VariantError, ("int8, int4, int2",)),
    ("torchao:int2wo", VariantError, ("int8wo",)),
    ("gptq:5", VariantError, ("bits must be one of 2, 3, 4, 8", "gptq:<bits>")),
    ("gptq:4:x64", VariantError, ("unknown option 'x64'",)),
    ("gptq:4:cal=", VariantError, ("cal= needs",)),
    ("gptq", VariantError, ("missing <bits> or <path>",)),
    ("awq", VariantError, ("missing <path>", "awq:<path>")),
    ("ct", VariantError, ("missing",)),
    ("gguf", VariantError, ("missing <file>",)),
    ("prune:l1:0.5", VariantError, ("criterion must be one of magnitude, wanda, random", "'l1'", "prune:")),
    ("prune:magnitude", VariantError, ("missing <sparsity>",)),
    ("prune:magnitude:1.5", VariantError, ("strictly between 0 and 1", "'1.5'")),
    ("prune:magnitude:0", VariantError, ("strictly between 0 and 1",)),
    ("prune:magnitude:half", VariantError, ("sparsity must be a number", "'half'")),
    ("prune:wanda:0.3:2of4", VariantError, ("keeps 2 of every 4", "must be 0.5")),
    ("prune:wanda:0.5:2by4", VariantError, ("unknown option '2by4'",)),
    ("prune:wanda:4of4", VariantError, ("0 < N < M",)),
    ("prune:magnitude:0.5:n64", VariantError, ("only wanda uses calibration prompts", "'n64'")),
    ("prune:wanda:0.5:n0", VariantError, ("n_samples must be a positive integer",)),
    ("distilled", VariantError, ("missing <path>",)),
    ("original:4", VariantError, ("takes no options",)),
    (42, VariantError, ("string, a dict or a VariantSpec",)),
]


@pytest.mark.parametrize("text,exc,fragments", BAD, ids=[str(b[0]) or "empty" for b in BAD])
def test_bad_strings_name_the_problem(text: Any, exc: type[Exception], fragments: tuple[str, ...]) -> None:
    with pytest.raises(exc) as ei:
        parse_variant(text)
    msg = str(ei.value)
    for frag in fragments:
        assert frag in msg, f"{frag!r} not in {msg!r}"


BAD_DICTS: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    ({"method": "rtn", "bits": 4, "groupsize": 64}, ("'groupsize'", "allowed keys", "group_size", "symmetric")),
    ({"bits": 4}, ("'method' key",)),
    ({"method": "rtn"}, ("bits",)),
    ({"method": "rtn", "bits": 4.0}, ("bits must be an integer",)),
    ({"method": "rtn", "bits": True}, ("bits must be an integer",)),
    ({"method": "rtn", "bits": 4, "symmetric": "no"}, ("symmetric must be true or false",)),
    ({"method": "prune", "criterion": "wanda", "sparsity": 0.5, "pattern": "2:4"}, ("<N>of<M>",)),
    ({"method": "prune", "criterion": "magnitude", "sparsity": 2}, ("strictly between 0 and 1",)),
    ({"method": "gptq", "bits": 4, "path": "x"}, ("either path",)),
    ({"method": "gptq"}, ("give bits",)),
    ({"method": "ct"}, ("exactly one of path",)),
    ({"method": "ct", "path": "x", "scheme": "W4A16"}, ("exactly one of path",)),
    ({"method": "gguf", "file": "m.gguf", "quant": "Q9 bad"}, ("GGUF type",)),
    ({"method": "awq", "path": ""}, ("non-empty path",)),
]


@pytest.mark.parametrize("d,fragments", BAD_DICTS, ids=[str(i) for i in range(len(BAD_DICTS))])
def test_bad_dicts_name_the_problem(d: dict[str, Any], fragments: tuple[str, ...]) -> None:
    with pytest.raises(VariantError) as ei:
        parse_variant(d)
    for frag in fragments:
        assert frag in str(ei.value), f"{frag!r} not in {str(ei.value)!r}"


def test_dict_from_yaml_style() -> None:
    assert parse_variant({"method": "rtn", "bits": 3, "group_size": None}) == RTNSpec(3, None)
    assert parse_variant({"method": "PRUNE", "criterion": "wanda", "sparsity": 0.5, "pattern": "2of4"}) \
        == PruneSpec("wanda", 0.5, "2of4")
    with pytest.raises(VariantError, match="RTNSpec is method 'rtn'"):
        RTNSpec.from_dict({"method": "hqq", "bits": 4})


def test_direct_construction_validates() -> None:
    with pytest.raises(VariantError, match="bits must be an integer from 2 to 8"):
        RTNSpec(1)
    with pytest.raises(VariantError, match="mode must be one of"):
        BnbSpec("int4")
    assert PruneSpec("magnitude", 0.667, "1of3").sparsity == pytest.approx(2 / 3)


# -- the registry --------------------------------------------------------------------------


def test_builtins_are_registered_through_the_hook() -> None:
    from compsec_tasks.plugins import get_plugin_manager

    names = {getattr(p, "__name__", "") for p in get_plugin_manager().get_plugins()}
    assert "model_adapters.methods" in names
    methods = {row["method"]: row for row in registry.list_methods()}
    expected = {"original", "rtn", "prune", "bnb", "hqq", "quanto", "torchao", "gptq", "awq", "ct", "gguf",
                "distilled"}
    assert expected <= set(methods)
    for m in ("original", "rtn", "prune"):
        assert methods[m]["available"] is True
    for row in methods.values():
        assert set(row) >= {"method", "available", "reason", "extra", "grammar", "example"}
        if not row["available"]:
            assert f"compsec[{row['extra']}]" in row["reason"]
        assert parse_variant(row["example"]).method == row["method"]


def test_unknown_method_handler_says_did_you_mean() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'prune'"):
        registry.get_handler("prun")


@dataclasses.dataclass(frozen=True)
class _ToySpec(VariantSpec):
    level: int = 1

    method: ClassVar[str] = "toy"
    grammar: ClassVar[str] = "toy[:<level>]"
    examples: ClassVar[tuple[str, ...]] = ("toy:2",)

    @classmethod
    def parse_args(cls, args: str, text: str) -> _ToySpec:
        return cls(int(args) if args else 1)

    def args(self) -> list[str]:
        return [str(self.level)]


class _ToyHandler(registry.MethodHandler):
    method = "toy"
    spec_cls = _ToySpec
    extra = "toy"
    requires = ("compsec_no_such_backend_xyz",)

    def load(self, spec: Any, base: Path, **kw: Any) -> Any:  # type: ignore[override]
        raise AssertionError("never called: the backend is missing")


def test_third_party_method_through_the_plugin_hook(tiny_llama: Path) -> None:
    from compsec_tasks.hookspecs import hookimpl
    from compsec_tasks.plugins import get_plugin_manager
    from model_adapters import load_variant

    class Plugin:
        @hookimpl
        def register_variants(self, register: Any) -> None:
            register("toy", _ToyHandler())

    pm = get_plugin_manager()
    plugin = Plugin()
    pm.register(plugin)
    try:
        assert parse_variant("toy:3") == _ToySpec(3)
        row = {r["method"]: r for r in registry.list_methods()}["toy"]
        assert row["available"] is False and "install compsec[toy]" in row["reason"]
        with pytest.raises(MissingDependencyError) as ei:
            load_variant(tiny_llama, "toy:2")
        assert "pip install 'compsec[toy]'" in str(ei.value) and "toy" in str(ei.value)
    finally:
        pm.unregister(plugin)
        registry._HANDLERS.pop("toy", None)
        spec_mod._SPEC_CLASSES.pop("toy", None)


@dataclasses.dataclass(frozen=True)
class _GhostSpec(VariantSpec):
    method: ClassVar[str] = "ghost"
    grammar: ClassVar[str] = "ghost"


def test_missing_backend_module_is_listed_unavailable(tiny_llama: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model_adapters import load_variant, methods

    # a built-in method whose handler module is not part of this installation
    monkeypatch.setitem(methods.BACKEND_MODULES, "ghost", (_GhostSpec, "ghost"))
    handler = methods.backend_handler("ghost")
    ok, reason = handler.available()
    assert not ok and "model_adapters.methods.ghost" in reason and "install compsec[ghost]" in reason
    registry.register_method(handler)
    try:
        row = {r["method"]: r for r in registry.list_methods()}["ghost"]
        assert row["available"] is False and row["extra"] == "ghost"
        with pytest.raises(MissingDependencyError) as ei:
            load_variant(tiny_llama, "ghost")
        assert "pip install 'compsec[ghost]'" in str(ei.value) and "'ghost'" in str(ei.value)
        with pytest.raises(MissingDependencyError):  # the handler itself refuses too
            handler.load(_GhostSpec(), tiny_llama, dtype="float32", device="cpu", calibration=None,
                         cache_dir=tiny_llama)
    finally:
        registry._HANDLERS.pop("ghost", None)
        spec_mod._SPEC_CLASSES.pop("ghost", None)


def test_register_method_decorator_and_mismatch() -> None:
    @registry.register_method
    class Toy2(_ToyHandler):
        pass

    try:
        assert isinstance(registry.get_handler("toy"), Toy2)
    finally:
        registry._HANDLERS.pop("toy", None)
        spec_mod._SPEC_CLASSES.pop("toy", None)

    class Wrong(registry.MethodHandler):
        method = "wrong"
        spec_cls = RTNSpec

    with pytest.raises(VariantError, match="spec class RTNSpec"):
        registry.register_method(Wrong)


def test_import_model_adapters_is_lean() -> None:
    code = ("import sys, model_adapters, model_adapters.spec, model_adapters.registry, model_adapters.loading; "
            "model_adapters.list_methods(); "
            "print(','.join(m for m in ('torch', 'transformers') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""
