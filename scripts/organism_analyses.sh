#!/usr/bin/env bash
# Every analysis of model_adapters.analysis on the model organisms, and one HTML report of them.
#   OUT=leaderboards/published/organisms/analysis (default)   result JSONs + index.html
#   WORK=/tmp/compsec-organism-analyses (default)             edited models and students
#   STEPS=150                                                  distillation steps per student
#   ONLY="sensitivity heads ..."                               run only these (default: all)
# Selection (which blocks, heads, fractions) is made on the dev split; the backdoor survival
# matrix and the distilled students' held-out comparison report on the test split.
set -euo pipefail
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
cd "$(dirname "$0")/.."
OUT=${OUT:-leaderboards/published/organisms/analysis}
WORK=${WORK:-/tmp/compsec-organism-analyses}
STEPS=${STEPS:-150}
ONLY=${ONLY:-"sensitivity heads box distill backdoor fineprune"}
SAFE=organism:smollm2-135m-safe
BACKDOOR=organism:smollm2-135m-backdoor
VARIANTS=rtn:8:g64,rtn:4:g64,rtn:3:g64,rtn:2:g64,bnb:nf4,hqq:4:g64,hqq:3:g64,hqq:2:g64,quanto:int8,quanto:int4,gptq:4:g64:n32,prune:magnitude:0.3,prune:magnitude:0.5,prune:wanda:0.5
mkdir -p "$OUT" "$WORK"
want() { [[ " $ONLY " == *" $1 "* ]]; }

if want sensitivity; then
  compsec sensitivity --model "$SAFE" --limit 32 --quantize rtn:4:g64 --keep-n 3 --high rtn:8:g64 --low rtn:4:g64 \
    --out "$OUT/sensitivity.json" --plan-out "$OUT/plan.json"
  # at equal or lower bytes than uniform RTN-4: the 6 most RTN-3-sensitive blocks at 8 bits, the rest at 3
  compsec sensitivity --model "$SAFE" --limit 32 --quantize rtn:3:g64 --variant none --keep-n 6 --high rtn:8:g64 \
    --low rtn:3:g64 --reference rtn:4:g64 --out "$OUT/sensitivity_budget.json" --plan-out "$OUT/plan_budget.json"
fi
if want heads; then
  compsec heads --model "$SAFE" --limit 32 --max-heads 40 --out "$OUT/heads.json"
fi
if want box; then
  compsec box-audit --model "$SAFE" --quantizer rtn:4:g64 --limit 32 --out "$OUT/box_audit.json"
  compsec box-attack --model "$SAFE" --quantizer rtn:4:g64 --limit 32 --target comply --out "$WORK/box_attacked"
  cp "$WORK/box_attacked/box_attack.json" "$OUT/box_attack.json"
  compsec box-audit --model "$WORK/box_attacked" --quantizer rtn:4:g64 --limit 32 --out "$OUT/box_audit_attacked.json"
fi
if want distill; then
  # 48 harmful + 48 benign dev prompts, the teacher's greedy answer and one sampled answer to each
  compsec distill --teacher "$SAFE" --steps "$STEPS" --limit 48 --responses-per-prompt 2 --out "$WORK/student_safety"
  compsec distill --teacher "$SAFE" --steps "$STEPS" --no-safety --out "$WORK/student_plain"
  cp "$WORK/student_safety/distillation.json" "$OUT/distill_safety.json"
  cp "$WORK/student_plain/distillation.json" "$OUT/distill_plain.json"
  # each student through lm-eval: 32 harmful and 32 benign test prompts, generated and judged
  mkdir -p "$OUT/students"
  for s in safety plain; do
    rm -rf "$WORK/lm_eval_student_$s"
    lm_eval --model compsec --model_args "pretrained=$SAFE,variant=distilled:$WORK/student_$s" \
      --tasks compsec_refusal,compsec_overrefusal --limit 32 --batch_size 32 --gen_kwargs max_gen_toks=32 \
      --apply_chat_template --fewshot_as_multiturn --output_path "$WORK/lm_eval_student_$s"
    cp "$(find "$WORK/lm_eval_student_$s" -name 'results_*.json' | sort | tail -n 1)" "$OUT/students/lm_eval_student_$s.json"
  done
fi
if want backdoor; then
  compsec backdoor-survival --model "$BACKDOOR" --variants "$VARIANTS" --generate --out "$OUT/backdoor_survival.json"
fi
if want fineprune; then
  compsec fine-prune --model "$BACKDOOR" --out "$OUT/fine_prune.json"
fi

results=()
for f in sensitivity sensitivity_budget heads box_audit box_attack box_audit_attacked distill_safety distill_plain backdoor_survival fine_prune; do
  if [[ -f "$OUT/$f.json" ]]; then results+=("$OUT/$f.json"); fi
done
compsec analysis-report "${results[@]}" --out "$OUT/index.html" --title "compsec analyses: the model organisms"
