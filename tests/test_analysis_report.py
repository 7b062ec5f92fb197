"""The analysis report: one HTML page from the results of every analysis command, run for real
on a tiny Llama through the command line."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).parent))

from compsec_tasks.errors import InputFileError  # noqa: E402

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def results(tiny_llama: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import torch

    from compsec_tasks.cli import main

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    tmp = tmp_path_factory.mktemp("analysis_results")
    m = ["--model", str(tiny_llama)]
    quick = ["--limit", "4", "--no-progress", "--batch-size", "4"]
    out = {k: tmp / f"{k}.json" for k in ("sensitivity", "heads", "box-audit", "backdoor-survival", "fine-prune")}
    try:
        assert main(["sensitivity", *m, *quick, "--keep-n", "1", "--out", str(out["sensitivity"])]) == 0
        assert main(["heads", *m, *quick, "--max-heads", "3", "--out", str(out["heads"])]) == 0
        assert main(["box-audit", *m, *quick, "--n-null", "3", "--out", str(out["box-audit"])]) == 0
        assert main(["box-attack", *m, *quick, "--steps", "2", "--out", str(tmp / "attacked")]) == 0
        assert main(["distill", "--teacher", str(tiny_llama), "--layers", "1", "--steps", "2", "--limit", "2",
                     "--responses-per-prompt", "1", "--max-new-tokens", "4", "--eval-limit", "4", "--no-progress",
                     "--out", str(tmp / "student")]) == 0
        bd = [*m, *quick, "--split", "dev", "--benign-limit", "2"]
        assert main(["backdoor-survival", *bd, "--variants", "rtn:8", "--no-fidelity",
                     "--out", str(out["backdoor-survival"])]) == 0
        assert main(["fine-prune", *bd, "--fractions", "0.1", "--clean-limit", "2",
                     "--out", str(out["fine-prune"])]) == 0
    finally:
        torch.set_num_threads(n)
    return {**out, "box-attack": tmp / "attacked", "distill": tmp / "student"}


ORDER = ("sensitivity", "heads", "distill", "box-audit", "box-attack", "backdoor-survival", "fine-prune")


def _sections(page: str) -> list[str]:
    return re.findall(r'<div class="plots section-([a-z-]+)">', page)


def test_report_has_a_plotted_section_per_result(results: dict[str, Path], tmp_path: Path) -> None:
    from compsec_tasks.cli import main

    out = tmp_path / "report.html"
    assert main(["analysis-report", *(str(results[k]) for k in ORDER), "--out", str(out)]) == 0
    page = out.read_text()
    assert _sections(page) == list(ORDER)
    for name in ORDER:  # every section draws at least one plot
        body = page.split(f'section-{name}">', 1)[1].split("</div><h2", 1)[0]
        assert "<svg" in body, name
    assert page.count('class="cell"') == 2 * 4  # heads heat map: 2 layers x 4 heads of the tiny Llama
    # the numbers come from the results
    surv = json.loads(results["backdoor-survival"].read_text())["survival"]
    asr = surv["variants"][0]["attack_success_rate"]
    assert f"{100 * asr:.1f}%" in page and "rtn:8:g128" in page
    fp = json.loads(results["fine-prune"].read_text())["fine_prune"]
    assert len(re.findall(r'<circle class="pt"', page.split('section-fine-prune">', 1)[1])) == \
        len(fp["steps"]) * 4  # four rates per pruning fraction
    secs = json.loads(results["heads"].read_text())["seconds"]
    assert f"{secs:.4g}" in page  # the wall-time table
    assert "Content-Security-Policy" in page and "<script" not in page


def test_text_from_results_is_escaped(results: dict[str, Path], tmp_path: Path) -> None:
    from model_adapters.analysis.report import load_result, render_report

    r = load_result(results["backdoor-survival"])
    r["model"]["ref"] = XSS
    r["survival"]["variants"][0]["variant"] = XSS
    page = render_report([r], title=XSS)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_bad_results_are_refused_with_the_fix(results: dict[str, Path], tmp_path: Path) -> None:
    from model_adapters.analysis.report import load_result, write_report

    with pytest.raises(InputFileError, match="no such file"):
        load_result(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(InputFileError, match="not JSON"):
        load_result(tmp_path / "x.json")
    (tmp_path / "y.json").write_text(json.dumps({"command": "leaderboard"}))
    with pytest.raises(InputFileError, match="expected one of"):
        load_result(tmp_path / "y.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="distillation.json"):
        load_result(tmp_path / "empty")
    copied = tmp_path / "distill_copy.json"  # a student's record, copied out of its folder
    copied.write_text((results["distill"] / "distillation.json").read_text())
    assert load_result(copied)["command"] == "distill"
    with pytest.raises(InputFileError, match="no analysis results"):
        write_report([], tmp_path / "r.html")
    out = tmp_path / "keep.html"
    out.write_text("old")
    with pytest.raises(InputFileError):
        write_report([results["heads"], tmp_path / "y.json"], out)
    assert out.read_text() == "old"  # nothing half-written


def test_report_in_a_browser(results: dict[str, Path], tmp_path: Path) -> None:
    from test_leaderboard_browser import CHROMIUM, DRIVER

    if not CHROMIUM.exists() or not DRIVER.exists():
        pytest.skip("needs Debian's chromium and chromium-driver")
    pytest.importorskip("selenium")
    import os

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from model_adapters.analysis.report import load_result, render_report

    rs = [load_result(results[k]) for k in ORDER]
    rs[0]["model"]["ref"] = XSS
    out = tmp_path / "report.html"
    out.write_text(render_report(rs))
    os.environ.setdefault("SE_OFFLINE", "true")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    try:
        drv.get(out.as_uri())
        assert len(drv.find_elements(By.CSS_SELECTOR, "h2")) == len(ORDER)
        svgs = drv.find_elements(By.CSS_SELECTOR, "svg.plot")
        assert len(svgs) >= len(ORDER)
        assert all(s.size["width"] > 100 and s.size["height"] > 100 for s in svgs)
        assert drv.find_elements(By.CSS_SELECTOR, "svg.survival rect.bar")
        assert XSS in drv.find_element(By.CSS_SELECTOR, "h2").text  # shown as text
        assert not drv.find_elements(By.TAG_NAME, "script")
    finally:
        drv.quit()
