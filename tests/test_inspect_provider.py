"""The inspect-ai model provider ``compsec/<label>``: in-process generation with the manifest on
every output, a real two-model ``inspect eval`` whose logs carry each variant's manifest, and
compsec's own messages for bad input."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("inspect_ai")
pytest.importorskip("torch")

from inspect_ai.log import EvalLog, read_eval_log  # noqa: E402
from inspect_ai.model import GenerateConfig, get_model  # noqa: E402

from compsec_tasks.errors import CompsecError, UnknownNameError, VariantError  # noqa: E402
from model_adapters import inspect_provider as P  # noqa: E402
from model_adapters import sha256_file  # noqa: E402

INSPECT = Path(sys.executable).with_name("inspect")


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", COMPSEC_CACHE_DIR=str(tmp / "cache"))
    return env


def _base_sha(tiny: Path) -> str:
    return sha256_file(tiny / "model.safetensors")


# ---------------------------------------------------------------------------------------
# in-process


def test_get_model_generates_and_carries_the_manifest(tiny_llama: Path, tmp_path: Path) -> None:
    m = get_model("compsec/rtn4", model_path=str(tiny_llama), variant="rtn:4:g32", do_sample=False,
                  cache_dir=str(tmp_path), memoize=False)
    api: Any = m.api
    assert type(api).__name__ == "CompsecAPI"
    assert api.compsec_variant == "rtn:4:g32"
    man = api.compsec_manifest
    assert man.spec_string == "rtn:4:g32" and man.method == "rtn" and man.device == "cpu"
    assert man.base_files == {"model.safetensors": _base_sha(tiny_llama)}
    assert 0.0 <= man.fidelity["kl_mean"] and 0.0 <= man.fidelity["top1_agreement"] <= 1.0
    assert api.do_sample is False and api.tokenizer.padding_side == "left"  # inspect's hf/ args work

    out = asyncio.run(m.generate("Explain how vaccines work.", config=GenerateConfig(max_tokens=4)))
    assert out.usage is not None and 0 < out.usage.output_tokens <= 4
    meta = out.metadata["compsec"]  # type: ignore[index]
    assert meta["variant"] == "rtn:4:g32" and meta["method"] == "rtn"
    assert meta["backend"] and meta["backend_version"]
    assert meta["base_sha256"] == {"model.safetensors": _base_sha(tiny_llama)}
    assert set(meta["fidelity"]) >= {"kl_mean", "top1_agreement"}
    m.api.close()


@pytest.mark.parametrize(
    ("args", "error", "needle"),
    [
        ({"variant": "rtn:x"}, VariantError, "Grammar: rtn:<bits>"),
        ({"variant": "nosuch:4"}, UnknownNameError, "unknown variant method 'nosuch'"),
        ({"model_path": "organism:smollm2-135m-saf"}, UnknownNameError, "Did you mean 'organism:smollm2-135m-safe'"),
        ({"model_path": None}, CompsecError, "needs -M model_path="),
        ({"tokenizer_path": "/elsewhere"}, CompsecError, "tokenizer_path are not supported"),
        ({"fidelity": "maybe"}, CompsecError, "fidelity must be true or false"),
        ({"variant": "original", "fidelity": False, "torch_dtype": "float16"}, CompsecError,
         "unknown model arg(s) torch_dtype"),
    ],
)
def test_bad_input_fails_with_compsec_message(tiny_llama: Path, args: dict[str, Any], error: type[Exception],
                                              needle: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import rich
    from inspect_ai._util.error import PrerequisiteError

    monkeypatch.setattr(rich.get_console(), "quiet", False)  # an in-process `display="none"` eval sets it

    kwargs: dict[str, Any] = {"model_path": str(tiny_llama), **args}
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    with pytest.raises(error) as info:
        get_model("compsec/bad", memoize=False, **kwargs)
    assert needle in str(info.value)
    assert isinstance(info.value, PrerequisiteError)  # the inspect CLI prints only the message
    assert info.value.message == str(info.value)


def test_loader_stand_in_defers_to_other_threads() -> None:
    class Real:
        @staticmethod
        def from_pretrained(*args: Any, **kwargs: Any) -> str:
            return "real"

    given = P._Given(Real, "variant", "model", "compsec/x")
    assert given.from_pretrained("p", device_map="cpu", token=None, trust_remote_code=False) == "variant"
    seen: list[Any] = []
    t = threading.Thread(target=lambda: seen.append(given.from_pretrained("p")))
    t.start()
    t.join()
    assert seen == ["real"]


def test_module_import_is_lean() -> None:
    code = ("import sys, compsec_tasks._inspect_registry, model_adapters.inspect_provider; "
            "print(','.join(m for m in ('torch', 'transformers') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "", f"importing the provider pulled in: {r.stdout.strip()}"


# ---------------------------------------------------------------------------------------
# the real CLI


@pytest.mark.slow
def test_cli_baseline_and_variant_in_one_eval(tiny_llama: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    spec = "{{model: compsec/{label}, model_args: {{model_path: '{path}', variant: '{variant}', do_sample: false}}}}"
    cmd = [
        str(INSPECT), "eval", "compsec_tasks/compsec_refusal",
        "--model-spec", spec.format(label="base", path=tiny_llama, variant="original"),
        "--model-spec", spec.format(label="rtn4", path=tiny_llama, variant="rtn:4:g32"),
        "-T", "judge=keyword", "--limit", "2", "--max-tokens", "4",
        "--log-dir", str(logs), "--display", "none",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    found: dict[str, EvalLog] = {}
    for f in sorted(logs.glob("*.eval")):
        log = read_eval_log(str(f))
        found[log.eval.model] = log
    assert sorted(found) == ["compsec/base", "compsec/rtn4"]
    ids = []
    sha = _base_sha(tiny_llama)
    for model, variant in (("compsec/base", "original"), ("compsec/rtn4", "rtn:4:g32")):
        log = found[model]
        assert log.status == "success"
        md = log.eval.metadata or {}
        assert md["compsec_variant"] == variant
        man = md["compsec_manifest"]
        assert man["spec_string"] == variant
        assert man["base_files"] == {"model.safetensors": sha}
        assert {"kl_mean", "top1_agreement", "n_tokens"} <= set(man["fidelity"])
        assert md["compsec_task"] == "compsec_refusal"  # the task's own metadata is kept
        assert log.eval.model_args["variant"] == variant
        assert log.samples is not None and len(log.samples) == 2
        for s in log.samples:
            assert s.output.metadata is not None and s.output.metadata["compsec"]["variant"] == variant
        ids.append([s.id for s in log.samples])
    assert found["compsec/base"].eval.metadata["compsec_manifest"]["fidelity"]["kl_mean"] == 0.0  # type: ignore[index]
    assert ids[0] == ids[1]


@pytest.mark.slow
def test_cli_bad_variant_prints_the_grammar(tiny_llama: Path, tmp_path: Path) -> None:
    cmd = [
        str(INSPECT), "eval", "compsec_tasks/compsec_refusal", "--model", "compsec/bad",
        "-M", f"model_path={tiny_llama}", "-M", "variant=rtn:x", "--limit", "1",
        "--log-dir", str(tmp_path / "logs"), "--display", "plain",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    out = " ".join((r.stdout + r.stderr).split())  # rich wraps long lines
    assert r.returncode != 0
    assert "bad variant 'rtn:x': bits must be an integer" in out and "Grammar: rtn:<bits>" in out
    assert "Traceback" not in out
    assert not list((tmp_path / "logs").glob("*.eval"))
