# lm-eval resolves `!function utils.X` relative to this folder; the code lives in compsec_tasks.
from compsec_tasks.lm_eval_tasks import (  # noqa: F401
    CompsecTask,
    doc_to_choice,
    doc_to_text,
    load_docs,
    process_results,
)
