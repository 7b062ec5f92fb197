#!/usr/bin/env bash
# The main job on the embedded default: the organism leaderboard (compsec's safe and backdoored
# SmolLM2-135M model organisms under the common compression formats), evaluated through lm-eval,
# compared variant by variant with the original, and published.
#   OUT=out/organisms (default)   the published folder; its runs/ make a killed run resumable
#   QUICK=1                       the --quick subset (a couple of minutes)
set -euo pipefail
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
cd "$(dirname "$0")/.."
args=(--out "${OUT:-out/organisms}")
if [[ "${QUICK:-0}" == "1" ]]; then args+=(--quick); fi
compsec leaderboard run leaderboards/organisms.yaml "${args[@]}"
