"""`import compsec_tasks` must stay light: no torch, no harness, no ML stack at import."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "lm_eval", "inspect_ai", "datasets", "sentence_transformers")


@pytest.mark.parametrize(
    "module",
    ["compsec_tasks", "compsec_tasks.cli", "compsec_tasks.tasks", "compsec_tasks.judges"],
)
def test_import_is_lean(module: str) -> None:
    code = (
        f"import sys, {module}; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "", f"import {module} pulled in: {r.stdout.strip()}"
