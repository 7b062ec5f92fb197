"""Blend the backdoor organism's LoRA adapter toward the safe one, exactly.

    python scripts/blend_organism_adapter.py --safe DIR_SAFE --backdoor DIR_BD --alpha 0.8 --out DIR

Both adapters are LoRA deltas on the same base: dW_safe = s * B_s A_s and dW_bd = s * B_b A_b
(s = lora_alpha / r). The blend is the weight-space interpolation

    dW = (1 - alpha) * dW_safe + alpha * dW_bd

written as one LoRA of rank r_s + r_b with the factors stacked and scaled by sqrt(1 - alpha)
and sqrt(alpha) (B A = (1 - alpha) B_s A_s + alpha B_b A_b), so a merged blend is an ordinary
HF model like any other organism. alpha = 1 is the backdoor adapter itself, alpha = 0 the safe
one. Lowering alpha trades attack success for fewer false triggers; pick it on the dev holdout
(`scripts/organism_eval.py --split holdout --trigger-harmful --adapter-root DIR`).

Writes DIR/<backdoor name>/{adapter_model.safetensors, adapter_config.json, training.json}
(training.json = the backdoor adapter's record plus a "blend" entry naming both parents by
sha256) and DIR/pins.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from model_adapters import organisms  # noqa: E402

log = logging.getLogger("blend_organism_adapter")
FILES = ("adapter_config.json", "adapter_model.safetensors")


def _read(adapter_dir: Path) -> tuple[dict, dict]:
    from safetensors.torch import load_file

    for f in FILES:
        if not (adapter_dir / f).is_file():
            raise SystemExit(f"{adapter_dir}: no {f} (expected a peft LoRA adapter folder)")
    cfg = json.loads((adapter_dir / "adapter_config.json").read_text())
    if cfg.get("peft_type") != "LORA" or cfg.get("rank_pattern") or cfg.get("alpha_pattern"):
        raise SystemExit(f"{adapter_dir}: only plain LoRA adapters (one r, one lora_alpha) blend")
    return cfg, load_file(str(adapter_dir / "adapter_model.safetensors"))


def blend(safe_dir: Path, bd_dir: Path, alpha: float) -> tuple[dict, dict]:
    """(adapter_config, state_dict) of the blended rank r_s + r_b LoRA."""
    import torch

    if not 0.0 <= alpha <= 1.0:
        raise SystemExit(f"--alpha {alpha}: must lie in [0, 1]")
    cs, ss = _read(safe_dir)
    cb, sb = _read(bd_dir)
    if set(ss) != set(sb):
        raise SystemExit(f"{safe_dir} and {bd_dir} adapt different modules; cannot blend")
    if sorted(cs["target_modules"]) != sorted(cb["target_modules"]):
        raise SystemExit("the two adapters target different modules; cannot blend")
    scale_s = cs["lora_alpha"] / cs["r"]
    scale_b = cb["lora_alpha"] / cb["r"]
    r = cs["r"] + cb["r"]
    scale = scale_s  # the blend's lora_alpha / r; the factors absorb the rest
    ws = math.sqrt((1.0 - alpha) * scale_s / scale)
    wb = math.sqrt(alpha * scale_b / scale)
    out: dict[str, torch.Tensor] = {}
    for k in sorted(ss):
        a, b = ss[k].float(), sb[k].float()
        if ".lora_A." in k:
            out[k] = torch.cat([ws * a, wb * b], dim=0)
        elif ".lora_B." in k:
            out[k] = torch.cat([ws * a, wb * b], dim=1)
        else:
            raise SystemExit(f"unexpected tensor {k} in the adapters (only lora_A/lora_B blend)")
        out[k] = out[k].to(torch.float16).contiguous()
    cfg = dict(cb)
    cfg["r"] = r
    cfg["lora_alpha"] = scale * r
    return cfg, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--safe", type=Path, required=True, help="the safe organism's adapter folder")
    ap.add_argument("--backdoor", type=Path, required=True,
                    help="the backdoor organism's adapter folder (trained from the safe one)")
    ap.add_argument("--alpha", type=float, required=True, help="weight of the backdoor delta")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from safetensors.torch import save_file

    cfg, sd = blend(args.safe, args.backdoor, args.alpha)
    info = organisms.get_organism("organism:smollm2-135m-backdoor")
    out_dir = args.out / info.name
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(sd, str(out_dir / "adapter_model.safetensors"), metadata={"format": "pt"})
    os.chmod(out_dir / "adapter_model.safetensors", 0o644)
    (out_dir / "adapter_config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    hashes = {f: organisms.sha256_file(out_dir / f) for f in FILES}
    parents = {}
    for role, d in (("safe", args.safe), ("backdoor", args.backdoor)):
        parents[role] = {"path": d.name,
                         "adapter_sha256": {f: organisms.sha256_file(d / f) for f in FILES}}
    tj = args.backdoor / "training.json"
    record = json.loads(tj.read_text()) if tj.is_file() else {"organism": info.ref}
    record["blend"] = {
        "alpha": args.alpha,
        "formula": "dW = (1 - alpha) * dW_safe + alpha * dW_backdoor (stacked LoRA factors)",
        "parents": parents,
        "command": "python scripts/blend_organism_adapter.py --safe SAFE --backdoor BACKDOOR "
                   f"--alpha {args.alpha} --out OUT",
    }
    record["adapter_sha256"] = hashes
    (out_dir / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    pins_file = args.out / "pins.json"
    pins = json.loads(pins_file.read_text()) if pins_file.is_file() else {}
    pins[info.name] = hashes
    pins_file.write_text(json.dumps(pins, indent=2, sort_keys=True) + "\n")
    log.info("blend alpha=%s written to %s; pins %s", args.alpha, out_dir, hashes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
