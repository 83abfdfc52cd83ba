"""The HTML reports in a real browser: Debian's headless chromium, driven by Selenium.

Sorting, the find box and the filters are the page's own script at work; the checks
here are what a person sees: rows in a new order, rows hidden. The pages must raise no
console error, fetch nothing, and fit a 1,400-pixel window even for a 200,000-user
audit. Under ``CI=true`` a missing browser fails the run; elsewhere these tests are
skipped, saying how to install it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mfa_sim.cli import main
from tests.browser import Page, browser, missing, open_page, report_picture
from tests.conftest import EXAMPLE

AS_OF = "2026-01-10"
BIG_USERS = 200_000

_reason = missing()
if _reason is not None and os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
    raise RuntimeError(f"CI=true and the HTML reports cannot be tested in a browser: "
                       f"{_reason}")
pytestmark = pytest.mark.skipif(_reason is not None, reason=_reason or "")


def write(argv: list[str]) -> None:
    code = main(argv)
    assert code in (0, 1), argv


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's audit, simulation, comparison and rollout-plan pages."""
    folder = tmp_path_factory.mktemp("pages")
    audit, run = folder / "audit.html", folder / "simulation.html"
    comparison, plan = folder / "compare.html", folder / "plan.html"
    write(["audit", str(EXAMPLE), "--format", "html", "--output", str(audit), "--as-of", AS_OF])
    write(["simulate", str(EXAMPLE), str(EXAMPLE / "scenario.yaml"), "--format", "html",
           "--output", str(run)])
    write(["compare", str(EXAMPLE), str(EXAMPLE / "scenario.yaml"), "--format", "html",
           "--output", str(comparison)])
    write(["plan", str(EXAMPLE), "--format", "html", "--output", str(plan), "--as-of", AS_OF])
    return {"audit": audit, "simulation": run, "compare": comparison, "plan": plan}


@pytest.fixture(scope="session")
def big_audit_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The audit page of a generated 200,000-user export, made once per session."""
    folder = tmp_path_factory.mktemp("big")
    write(["generate", "--users", str(BIG_USERS), "--seed", "1", "--output",
           str(folder / "export")])
    page = folder / "audit.html"
    write(["audit", str(folder / "export"), "--format", "html", "--output", str(page),
           "--as-of", AS_OF])
    return page


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with browser(tmp_path_factory.mktemp("profile")) as running:
        yield running


def column(page: Page, index: int) -> list[str]:
    """The text of one column of the findings table, visible rows only, top to bottom."""
    texts: list[str] = page.run(
        "var index = arguments[0];"
        "return Array.prototype.filter.call("
        "document.getElementById('mfa-sim-findings').tBodies[0].rows,"
        "function (row) { return !row.hidden; })"
        ".map(function (row) { return row.cells[index].textContent; });", index)
    return texts


def click_heading(page: Page, name: str) -> None:
    from selenium.webdriver.common.by import By

    page.driver.find_element(
        By.XPATH, f"//table[@id='mfa-sim-findings']//th/button[text()='{name}']").click()


def assert_quiet(page: Page) -> None:
    """No console error or warning, and nothing fetched but the page itself."""
    assert page.console_errors() == []
    assert page.requests() == [page.url]
    assert page.run("return performance.getEntriesByType('resource').length;") == 0


def test_clicking_a_heading_sorts_the_findings(driver: Any, pages: dict[str, Path]) -> None:
    page = open_page(driver, pages["audit"])
    accounts = column(page, 3)
    assert accounts != sorted(accounts)  # worst first, not by account
    click_heading(page, "Account")
    assert column(page, 3) == sorted(accounts)
    assert page.run("return document.querySelector('#mfa-sim-findings th[aria-sort]')"
                    ".getAttribute('aria-sort');") == "ascending"
    click_heading(page, "Account")
    assert column(page, 3) == sorted(accounts, reverse=True)
    click_heading(page, "#")
    assert column(page, 0) == [str(n) for n in range(1, len(accounts) + 1)]
    assert_quiet(page)


def test_the_find_box_and_the_filters_filter_the_findings(driver: Any,
                                                          pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    page = open_page(driver, pages["audit"])
    everything = len(column(page, 0))
    shown = driver.find_element(By.ID, "mfa-sim-filter-shown")
    assert shown.text == f"{everything} of {everything} shown"

    words = driver.find_element(By.ID, "mfa-sim-filter-words")
    words.send_keys("u_ben")
    assert column(page, 4) == ["u_ben"]
    assert shown.text == f"1 of {everything} shown"
    words.clear()
    words.send_keys("NO-SUCH-WORD")
    assert column(page, 0) == []
    words.clear()
    words.send_keys(" ")
    words.clear()

    Select(driver.find_element(By.ID, "mfa-sim-filter-severity")).select_by_value("medium")
    severities = column(page, 1)
    assert severities
    assert set(severities) == {"medium"}
    Select(driver.find_element(By.ID, "mfa-sim-filter-check")).select_by_value(
        "enforcement_blocked_by_member")
    assert column(page, 4) == ["u_ben", "u_chloe"]
    Select(driver.find_element(By.ID, "mfa-sim-filter-severity")).select_by_value("low")
    assert column(page, 0) == []
    assert_quiet(page)


def test_the_simulation_page_is_quiet_and_keeps_each_time_on_one_line(
        driver: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    page = open_page(driver, pages["simulation"])
    # Each "Clock after" cell is one line high: its time does not wrap.
    heights = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('td.mfa-sim-time'),"
        "function (cell) { var range = document.createRange(); range.selectNodeContents(cell);"
        " return range.getClientRects().length; });")
    assert heights
    assert set(heights) == {1}
    assert page.run("return document.documentElement.scrollWidth"
                    " <= document.documentElement.clientWidth;")
    assert_quiet(page)
    assert page.screenshot(tmp_path / "simulation.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("name", ["compare", "plan"])
def test_the_comparison_and_plan_pages_are_quiet_and_fit_the_window(
        driver: Any, pages: dict[str, Path], tmp_path: Path, name: str) -> None:
    page = open_page(driver, pages[name])
    assert page.run("return document.querySelectorAll('table').length;") >= 1
    assert page.run("return document.documentElement.scrollWidth"
                    " <= document.documentElement.clientWidth;")
    assert_quiet(page)
    assert page.screenshot(tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_the_200k_user_audit_page_has_no_horizontal_scroll_at_1400_px(
        driver: Any, big_audit_page: Path, tmp_path: Path) -> None:
    page = open_page(driver, big_audit_page)
    assert page.run("return window.innerWidth;") == 1400
    widths = page.run("return [document.documentElement.scrollWidth,"
                      " document.documentElement.clientWidth];")
    assert widths[0] <= widths[1], widths
    assert len(column(page, 0)) == 2_000
    assert_quiet(page)
    shot = page.screenshot(tmp_path / "audit-200k.png")
    assert shot.read_bytes()[:4] == b"\x89PNG"


def test_the_readme_picture_is_made_by_this_code(pages: dict[str, Path],
                                                  tmp_path: Path) -> None:
    """The README's picture comes from report_picture (python tests/browser.py): it
    makes a small PNG of the findings with their filters."""
    picture = report_picture(pages["audit"], tmp_path / "audit-report.png",
                             tmp_path / "profile")
    data = picture.read_bytes()
    assert data[:4] == b"\x89PNG"
    assert len(data) < 80_000
    assert (Path(__file__).resolve().parents[1] / "docs" / "audit-report.png").exists()

