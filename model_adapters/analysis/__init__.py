"""Where compression breaks safety: layer sensitivity and safety-critical attention heads.

::

    from model_adapters.analysis import (behavioural_sensitivity, harmful_prompts,
                                         head_ablation_sweep, mixed_precision_plan, verify_plan)

    prompts = harmful_prompts(limit=32)                       # the harmful dev split
    sens = behavioural_sensitivity(model, tok, prompts, "rtn:4:g64", unit="block")
    plan = mixed_precision_plan(sens, keep_n=3, high="rtn:8:g64", low="rtn:4:g64")
    check = verify_plan(model, tok, prompts, plan)
    heads = head_ablation_sweep(model, tok, prompts)
    heads.ranking[:5]

Every analysis scores the refusal margin of ``compsec_refusal_margin`` (see
:mod:`model_adapters.analysis.margin`) and leaves the model as it found it. The command line:
``compsec sensitivity`` and ``compsec heads``. Importing this package does not import torch.
"""

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
]
