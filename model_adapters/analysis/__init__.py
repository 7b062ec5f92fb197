"""Where compression breaks safety: layer sensitivity, safety-critical attention heads,
safety-aware distillation and quantization-conditioned attacks.

::

    from model_adapters.analysis import (behavioural_sensitivity, harmful_prompts,
                                         head_ablation_sweep, mixed_precision_plan, verify_plan)

    prompts = harmful_prompts(limit=32)                       # the harmful dev split
    sens = behavioural_sensitivity(model, tok, prompts, "rtn:4:g64", unit="block")
    plan = mixed_precision_plan(sens, keep_n=3, high="rtn:8:g64", low="rtn:4:g64")
    check = verify_plan(model, tok, prompts, plan)
    heads = head_ablation_sweep(model, tok, prompts)
    heads.ranking[:5]

    res = distill_student(teacher, tok, config=DistillConfig(layers=4), out_dir="student")  # distilled:student
    safety_agreement(teacher, res.student, tok, prompts).margin_mae

    box_report(model, "rtn:4:g64").total.near_boundary
    audit = divergence_audit(model, tok, prompts, "rtn:4:g64")   # audit.flagged, audit.z
    plant_box_attack(model, tok, prompts, "rtn:4:g64")          # edits the model in place

    m = backdoor_survival("organism:smollm2-135m-backdoor", ["rtn:8:g64", "rtn:4:g64", "hqq:4"])
    [(r.variant, r.score.asr, r.status) for r in m.rows]
    fp = fine_prune(model, tok, backdoor_pairs(split="test"), clean_prompts, benign)   # fp.best, fp.steps

Backdoor survival and fine-pruning: :mod:`model_adapters.analysis.backdoor`.

Every analysis scores the refusal margin of ``compsec_refusal_margin`` (see
:mod:`model_adapters.analysis.margin`) and leaves the model as it found it, except
:func:`distill_student` (which trains a new student), :func:`plant_box_attack` and
:func:`prune_neurons` (which edit the model they are given). The command line:
``compsec sensitivity``, ``compsec heads``, ``compsec distill``, ``compsec box-audit``,
``compsec box-attack``, ``compsec backdoor-survival`` and ``compsec fine-prune``. Importing this
package does not import torch.
"""

from .backdoor import (
    BackdoorPair,
    BackdoorScore,
    FinePruneReport,
    NeuronActivity,
    PruneStep,
    SurvivalMatrix,
    SurvivalRow,
    backdoor_pairs,
    backdoor_survival,
    fine_prune,
    neuron_activity,
    prune_neurons,
    pruned,
    score_backdoor,
)
from .box import (
    ATTACK_TARGETS,
    QUANTIZERS,
    BoxAttackResult,
    BoxQuantizer,
    BoxReport,
    DivergenceAudit,
    LayerBox,
    box_report,
    divergence_audit,
    parse_quantizer,
    plant_box_attack,
    quantization_unchanged,
)
from .distill import (
    AgreementReport,
    DistillConfig,
    DistillResult,
    distill_student,
    kd_loss,
    make_student,
    safety_agreement,
    save_student,
    teacher_responses,
    token_kl,
)
from .heads import CollapseResult, HeadEffect, HeadReport, ablate_heads, collapse_count, head_ablation_sweep
from .margin import LAYOUTS, Intervention, MarginProbe, MarginSummary, harmful_prompts, summarize
from .sensitivity import (
    PLAN_FORMAT,
    UNITS,
    LayerWeightError,
    MixedPrecisionPlan,
    PlanVerification,
    SensitivityReport,
    UnitEffect,
    WeightErrorReport,
    apply_plan,
    behavioural_sensitivity,
    load_plan,
    load_with_plan,
    mixed_precision_plan,
    nominal_linear_bytes,
    verify_plan,
    weight_error_by_layer,
)

__all__ = [
    "backdoor_pairs",
    "score_backdoor",
    "backdoor_survival",
    "neuron_activity",
    "pruned",
    "prune_neurons",
    "fine_prune",
    "BackdoorPair",
    "BackdoorScore",
    "SurvivalRow",
    "SurvivalMatrix",
    "NeuronActivity",
    "PruneStep",
    "FinePruneReport",
    "weight_error_by_layer",
    "behavioural_sensitivity",
    "mixed_precision_plan",
    "verify_plan",
    "apply_plan",
    "load_plan",
    "load_with_plan",
    "nominal_linear_bytes",
    "head_ablation_sweep",
    "collapse_count",
    "ablate_heads",
    "harmful_prompts",
    "summarize",
    "MarginProbe",
    "MarginSummary",
    "Intervention",
    "LayerWeightError",
    "WeightErrorReport",
    "UnitEffect",
    "SensitivityReport",
    "MixedPrecisionPlan",
    "PlanVerification",
    "HeadEffect",
    "HeadReport",
    "CollapseResult",
    "UNITS",
    "LAYOUTS",
    "PLAN_FORMAT",
    "distill_student",
    "make_student",
    "kd_loss",
    "token_kl",
    "teacher_responses",
    "save_student",
    "safety_agreement",
    "DistillConfig",
    "DistillResult",
    "AgreementReport",
    "parse_quantizer",
    "box_report",
    "divergence_audit",
    "plant_box_attack",
    "quantization_unchanged",
    "BoxQuantizer",
    "BoxReport",
    "LayerBox",
    "DivergenceAudit",
    "BoxAttackResult",
    "QUANTIZERS",
    "ATTACK_TARGETS",
]
