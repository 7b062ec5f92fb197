"""Comparative leaderboards: recipes, a resumable runner, and the published outputs.

::

    compsec leaderboard run leaderboards/organisms.yaml [--quick] [--only rtn:4:g64 ...]
    compsec leaderboard publish leaderboards/published/organisms      # again, from the runs
    compsec leaderboard merge leaderboards/published/a leaderboards/published/b --out DIR

A recipe (:class:`Recipe`, ``leaderboards/<name>.yaml``) names the base model(s), the variants,
the tasks, the judge and the generation settings. :func:`run_recipe` evaluates the original
and every variant through lm-eval (resumably: :mod:`compsec_tasks.leaderboard.runner`), compares
each variant with its original (:func:`compsec_tasks.compare.compare_runs`), and publishes
into ``leaderboards/published/<name>/``:

* ``leaderboard.json`` — everything, in the schema below;
* ``leaderboard.csv`` — one line per row, summary values then every task metric;
* ``README.md`` — the summary table in Markdown, ready to paste;
* ``index.html`` — self-contained page (no network): sortable table, inline SVG plots;
* ``findings/<base>/`` — per variant ``<variant>.md`` and ``<variant>.jsonl`` (the prompts whose
  verdict changed, with both responses), and the full ``comparison.json``, ``findings.jsonl``
  and ``report.md`` of the base's comparison;
* ``runs/`` — the lm-eval outputs of every variant (the work folder, unless ``--work``).

**leaderboard.json** (``schema_version`` 1; rates are fractions in [0, 1], null when undefined)::

    kind             "compsec-leaderboard"
    name, description, quick (bool: made by --quick), compsec_version, created_at (UTC ISO 8601)
    recipe           the recipe as data (Recipe.to_dict()); null for a merged leaderboard
    merged_from      [{name, source, created_at, compsec_version, quick, settings, recipe}] ([] unless merged)
    settings         {correction, alpha, kl_threshold, top1_threshold, rate_interval, diff_interval, test,
                      judge, split, limit, max_gen_toks, dtype}
    tasks            {task: {semantics, description, metrics: {metric: higher_is_better}}}
    bases            [{label, model, slug, recipe_hash, baseline (row key), baseline_status, baseline_error,
                      report (findings/<base>/report.md or null), source (merged only)}]
    rows             one per base × variant, the original first:
      key            "<base label>/<variant label>"
      base, base_model, label, variant (canonical VariantSpec string), spec (VariantSpec dict)
      method, bits (nominal weight bits), group_size, sparsity
      weight_bytes, n_parameters, bits_per_weight (from the manifest: the weights as evaluated)
      fidelity       {kl_mean, kl_max, top1_agreement, n_tokens, reference} or null
      manifest       the variant's Manifest (spec, backend + version, file sha256s, ...) or null
      is_baseline    true for the original
      status         ok | failed | missing (not evaluated yet)
      error          why the row has no results (names the file for a corrupted run), else null
      run            the run folder, relative to the work folder, or null
      metrics        {task: {metric: {value, count, n, ci_low, ci_high}}}: Wilson 95% intervals;
                     refusal_margin is a mean with a t interval
      comparison     {task: {metric: {n, n_baseline_only, n_candidate_only, base_rate, base_ci_low,
                     base_ci_high, cand_rate, cand_ci_low, cand_ci_high, diff, diff_ci_low, diff_ci_high,
                     flips_up, flips_down, flips: {FLIP_TYPE: count}, p_value, p_adjusted, significant,
                     worse, hidden_danger, flags: [...], higher_is_better, margin_diff, ...}}}
                     versus the base's original; null for the original and for rows without results
      compare_error  why an evaluated row was not compared (its original failed), else null
      findings       {n, by_type: {FLIP_TYPE: count}, markdown, jsonl} (paths in the folder) or null
      flags          union of the comparison's flags (significant, worse, hidden_danger, ...)
      source         the input leaderboard's name (merged only)
    notes            what the comparisons noted (unpaired ids, tasks in one run only, ...)

``import compsec_tasks.leaderboard`` imports neither torch nor lm-eval; running does.
"""

from __future__ import annotations

from .merge import merge_leaderboards, merge_published
from .publish import (
    SCHEMA_VERSION,
    SUMMARY_COLUMNS,
    build_leaderboard,
    load_leaderboard,
    nominal_bits,
    publish_work,
    render_csv,
    render_markdown,
    run_metrics,
    write_outputs,
)
from .recipe import (
    RECIPE_KEYS,
    BaseModel,
    GenerationSettings,
    QuickSettings,
    Recipe,
    RecipeError,
    UnknownRecipeKeyError,
    VariantEntry,
)
from .runner import LeaderboardRunner, RunReport, RunState, check_output_dir, run_is_complete, run_recipe

__all__ = [
    "Recipe",
    "BaseModel",
    "VariantEntry",
    "GenerationSettings",
    "QuickSettings",
    "RecipeError",
    "UnknownRecipeKeyError",
    "RECIPE_KEYS",
    "run_recipe",
    "LeaderboardRunner",
    "RunReport",
    "RunState",
    "run_is_complete",
    "check_output_dir",
    "build_leaderboard",
    "publish_work",
    "write_outputs",
    "load_leaderboard",
    "render_csv",
    "render_markdown",
    "nominal_bits",
    "run_metrics",
    "merge_leaderboards",
    "merge_published",
    "SCHEMA_VERSION",
    "SUMMARY_COLUMNS",
]
