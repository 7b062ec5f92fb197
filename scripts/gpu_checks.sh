#!/usr/bin/env bash
# The checks that need a GPU, as one script for a CUDA machine (run from the repository root):
#   1. the CUDA-only tests (bitsandbytes nf4, torchao int4wo, GPTQ kernels) — they skip on a CPU;
#   2. the compsec tasks through vLLM on a GPTQ checkpoint that compsec produces, and on the base,
#      then a paired comparison of the two runs.
# Output: out/gpu_checks/ (pytest log, lm-eval runs, comparison). Needs network for pip only.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-out/gpu_checks}"
mkdir -p "$OUT"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
if [[ ! -d .venv ]]; then
    python3 -m venv .venv
    . .venv/bin/activate
    COMPSEC_TORCH_VERSION="${COMPSEC_TORCH_VERSION:-2.13.0}" scripts/install.sh --dev
else
    . .venv/bin/activate
fi
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name(0))"

# 1. CUDA-only tests
python -m pytest -q -rs tests/test_methods_backends.py -k cuda 2>&1 | tee "$OUT/pytest_cuda.log"

# 2. vLLM on the base organism and on its GPTQ 4-bit variant produced by compsec
BASE="organism:smollm2-135m-safe"
BASE_DIR="$(python -c "from model_adapters import resolve_organism; print(resolve_organism('$BASE'))")"
GPTQ_DIR="$(python - <<PY
from model_adapters import load_variant
lv = load_variant("$BASE", "gptq:4:g64", device="cuda", fidelity=True)
print(lv.manifest.variant_path)
PY
)"
pip install -q vllm || { echo "vllm did not install; skipping the vLLM runs"; exit 0; }
for name in base gptq; do
    dir="$BASE_DIR"; [[ "$name" == gptq ]] && dir="$GPTQ_DIR"
    lm_eval --model vllm --model_args "pretrained=${dir},tensor_parallel_size=1,gpu_memory_utilization=0.5" \
        --tasks compsec --apply_chat_template --log_samples --output_path "$OUT/$name" \
        --metadata '{"judge": "default"}'
done
compsec compare "$OUT/base" "$OUT/gptq" --out "$OUT/comparison" | tee "$OUT/comparison.txt"
