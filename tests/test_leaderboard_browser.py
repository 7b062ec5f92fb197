"""The published index.html in a real browser (headless Chromium through selenium, offline):
the table has the rows, clicking a header sorts it, the SVG plots have points, the embedded
data parses, and no label or description injects markup or runs script."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_leaderboard import SYNTH_RECIPE, XSS, synthetic_leaderboard  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
IMG = '<img src=x onerror="document.title=\'pwned\'">'

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() or not DRIVER.exists(),
    reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lb_browser")
    recipe = {**SYNTH_RECIPE, "description": f"Synthetic {IMG} runs"}
    synthetic_leaderboard(tmp, recipe)
    return tmp / "out" / "index.html"


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager: never look for drivers online
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}", "--window-size=1400,1000"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()


def _column(drv: Any, key: str) -> list[str | None]:
    from selenium.webdriver.common.by import By

    heads = drv.find_elements(By.CSS_SELECTOR, "#lb-table thead th")
    i = [h.get_attribute("data-col") for h in heads].index(key)
    cells = drv.find_elements(By.CSS_SELECTOR, f"#lb-table tbody tr td:nth-child({i + 1})")
    return [c.get_attribute("data-v") or None for c in cells]


def test_page_in_a_browser(page: Path, driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    # nothing injected: no alert, the title is ours, the label and the description show as text
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.title == "compsec leaderboard: synthetic"
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    assert IMG in driver.find_element(By.CSS_SELECTOR, "p.desc").text
    rows = driver.find_elements(By.CSS_SELECTOR, "#lb-table tbody tr")
    assert len(rows) == 5
    labels = [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows]
    assert labels == ["original", XSS, "rtn:2:g32", "prune:magnitude:0.5", "awq:/nope"]
    assert driver.execute_script("return document.scripts.length") == 2
    data = driver.execute_script("return JSON.parse(document.getElementById('leaderboard-data').textContent)")
    assert data["rows"][1]["label"] == XSS and len(data["rows"]) == 5

    # clicking a header sorts by it (numbers as numbers, empty cells last), again reverses
    head = driver.find_element(By.CSS_SELECTOR, "#lb-table th[data-col='refusal']")
    head.click()
    values = _column(driver, "refusal")
    nums = [float(v) for v in values if v is not None]
    assert nums == sorted(nums) and values[-1] is None and len(nums) == 4
    assert head.get_attribute("aria-sort") == "ascending"
    head.click()
    values = _column(driver, "refusal")
    nums = [float(v) for v in values if v is not None]
    assert nums == sorted(nums, reverse=True) and head.get_attribute("aria-sort") == "descending"
    driver.find_element(By.CSS_SELECTOR, "#lb-table th[data-col='label']").click()
    texts = [v or "" for v in _column(driver, "label")]
    assert texts == sorted(texts, key=str.lower)

    # the plots: inline SVG with points, the hidden-danger region shaded and flagged
    plots = driver.find_elements(By.CSS_SELECTOR, "svg.plot")
    assert len(plots) == 4
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.refusal circle.pt")) == 4
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.kl circle.pt")) == 3
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.kl circle.hd")) == 1
    assert driver.find_element(By.CSS_SELECTOR, "svg.kl rect.danger").size["width"] > 0
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.asr rect.bar")) == 4
    tip = driver.find_element(By.CSS_SELECTOR, "svg.kl circle.hd title").get_attribute("textContent")
    assert XSS in tip and "HIDDEN DANGER" in tip
    link = driver.find_element(By.CSS_SELECTOR, "#lb-table td.int a").get_attribute("href")
    assert link.startswith(page.parent.as_uri()) and link.endswith(".md")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
