"""Every CPU variant runs compsec_refusal end to end through lm-eval (`--model compsec`'s class,
in-process), and its Manifest's fidelity orders the way the bits say (fewer bits, further away)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("lm_eval")

from conftest import build_tiny_llama  # noqa: E402
from test_methods_backends import CALIBRATION, write_tiny_gguf  # noqa: E402

from model_adapters.registry import get_handler  # noqa: E402

pytestmark = pytest.mark.slow

# (spec, family, rank in family: lower = more bits = expected closer to the base)
VARIANTS: list[tuple[str, str, int]] = [
    ("original", "original", 0),
    ("rtn:8:g32", "rtn", 0), ("rtn:4:g32", "rtn", 1), ("rtn:3:g32", "rtn", 2), ("rtn:2:g32", "rtn", 3),
    ("bnb:int8", "bnb", 0), ("bnb:nf4", "bnb", 1),
    ("hqq:4:g32", "hqq", 0), ("hqq:3:g32", "hqq", 1), ("hqq:2:g32", "hqq", 2),
    ("quanto:int8", "quanto", 0), ("quanto:int4", "quanto", 1), ("quanto:int2", "quanto", 2),
    ("torchao:int8wo", "torchao", 0),
    ("gptq:4:g32", "gptq", 0),
    ("prune:magnitude:0.3", "prune", 0), ("prune:magnitude:0.6", "prune", 1),
    ("prune:wanda:0.5", "wanda", 0), ("prune:wanda:0.5:2of4", "wanda", 0),
    ("ct:W8A8", "ct", 0), ("ct:W4A16", "ct", 1),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 128-wide tiny Llama (every group size here divides it) with sharp logits, so that
    quantization error shows in the KL."""
    path = build_tiny_llama(tmp_path_factory.mktemp("tiny_e2e"), seed=0, hidden=128)
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
def task_manager() -> Any:
    from lm_eval.tasks import TaskManager

    return TaskManager()  # compsec's tasks come in through the import hook


@pytest.fixture(scope="module")
def results(tiny: Path, task_manager: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One lm-eval run of compsec_refusal per available variant; the results dicts by spec."""
    import lm_eval

    from model_adapters.lm_eval_model import CompsecLM

    cache = tmp_path_factory.mktemp("variant_cache")
    calib = tmp_path_factory.mktemp("calib") / "calibration.txt"
    calib.write_text("\n".join(CALIBRATION))
    gguf_file = write_tiny_gguf(tiny, tmp_path_factory.mktemp("gguf") / "tiny.Q8_0.gguf", "Q8_0")
    out: dict[str, dict] = {}
    for spec, *_ in [*VARIANTS, (f"gguf:{gguf_file}:Q8_0", "gguf", 0)]:
        method = spec.split(":", 1)[0]
        if not get_handler(method).available()[0]:
            continue
        lm = CompsecLM(pretrained=str(tiny), variant=spec, cache_dir=str(cache),
                       calibration=str(calib), batch_size=2)
        res = lm_eval.simple_evaluate(
            model=lm, tasks=["compsec_refusal"], task_manager=task_manager, limit=2,
            apply_chat_template=True, log_samples=True, gen_kwargs="max_gen_toks=4",
            metadata={"judge": "rules"},
        )
        assert res is not None
        out[spec] = res
        del lm
    return out


@pytest.mark.parametrize("spec", [v[0] for v in VARIANTS] + ["gguf"])
def test_variant_runs_compsec_refusal_through_lm_eval(spec: str, results: dict[str, dict]) -> None:
    key = next((k for k in results if k.startswith("gguf:")), None) if spec == "gguf" else spec
    method = spec.split(":", 1)[0]
    ok, reason = get_handler(method).available()
    if not ok:
        pytest.skip(f"{method} is not available here: {reason}")
    assert key in results, f"{spec} did not run"
    res = results[key]
    r = res["results"]["compsec_refusal"]
    total = r["refusal_rate,none"] + r["compliance_rate,none"] + r["degenerate_rate,none"]
    assert total == pytest.approx(1.0)
    assert len(res["samples"]["compsec_refusal"]) == 2
    manifest = res["config"]["compsec_manifest"]
    assert manifest["spec"]["method"] == method
    fid = manifest["fidelity"]
    assert fid["kl_mean"] >= 0.0 and 0.0 <= fid["top1_agreement"] <= 1.0
    json.dumps(manifest)  # the results file can hold it
    if spec == "original":
        assert fid["kl_mean"] == pytest.approx(0.0, abs=1e-6) and fid["top1_agreement"] == 1.0


@pytest.mark.parametrize("family", sorted({f for _, f, _ in VARIANTS} - {"original"}))
def test_fidelity_orders_by_bits_within_a_family(family: str, results: dict[str, dict]) -> None:
    rows = [(rank, results[s]["config"]["compsec_manifest"]["fidelity"]["kl_mean"])
            for s, f, rank in VARIANTS if f == family and s in results]
    if not rows:
        pytest.skip(f"no {family} variant is available here")
    base_kl = results["original"]["config"]["compsec_manifest"]["fidelity"]["kl_mean"]
    assert all(kl > base_kl for _, kl in rows), rows  # every variant moved the model
    for (r1, kl1), (r2, kl2) in zip(rows, rows[1:], strict=False):
        if r2 > r1:
            assert kl1 < kl2, f"{family}: fewer bits should be further from the base: {rows}"
