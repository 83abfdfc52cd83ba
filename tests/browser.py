"""Debian's headless chromium, driven through its own chromedriver by Selenium, for the
tests of the HTML reports and for the README's picture of the audit report.

Nothing is downloaded: the browser and the driver are the system's
(``apt-get install -y chromium chromium-driver``), and a missing one is said plainly.
Each browser gets a fresh profile folder and the flags that keep it from reaching out
(no background networking, component updates or sync).

``python tests/browser.py docs/audit-report.png`` remakes the README's picture with the
same code the tests use.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    absent = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        absent.append("the selenium package (pip install -e '.[dev]')")
    if absent:
        return (f"needs {', '.join(absent)}: install the browser with `{INSTALL}` "
                "(as root), as .ci/run does")
    return None


@dataclass
class Page:
    """A page open in the browser, with what it logged and fetched."""

    driver: Any
    url: str

    def run(self, script: str, *arguments: object) -> Any:
        """Run JavaScript in the page; its return value."""
        return self.driver.execute_script(script, *arguments)

    def console_errors(self) -> list[dict[str, Any]]:
        """The console's errors and warnings since the page was opened (a blocked
        fetch or a Content-Security-Policy violation is one)."""
        return [entry for entry in self.driver.get_log("browser")
                if entry["level"] in ("SEVERE", "WARNING")]

    def requests(self) -> list[str]:
        """Every URL asked for since the page was opened, the page itself included; the
        browser's own pages (``chrome://``, such as the new-tab page it starts with)
        aside."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                params = message["params"]
                url = params["request"]["url"]
                # The browser's own pages and what they load (the new-tab page it
                # starts with may still be loading) are not the report's doing.
                if not (url.startswith("chrome://")
                        or params.get("documentURL", "").startswith("chrome://")):
                    urls.append(url)
        return urls

    def screenshot(self, path: Path, selector: str | None = None) -> Path:
        """A PNG of the window, or of one element of the page."""
        if selector is None:
            self.driver.save_screenshot(str(path))
        else:
            from selenium.webdriver.common.by import By

            self.driver.find_element(By.CSS_SELECTOR, selector).screenshot(str(path))
        return path


@contextmanager
def browser(profile: Path, width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A headless chromium of the given window size, with a new profile in ``profile``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: Any, path: Path) -> Page:
    """Open a local page, its logs starting empty."""
    driver.get_log("browser")
    driver.get_log("performance")
    url = path.resolve().as_uri()
    driver.get(url)
    return Page(driver, url)


def report_picture(page_path: Path, picture: Path, profile: Path) -> Path:
    """The README's picture: the audit page's findings, with their find box and filters,
    in a small window, as an indexed-colour PNG (a few tens of kilobytes)."""
    with browser(profile, width=1200, height=640) as driver:
        page = open_page(driver, page_path)
        page.run("document.getElementById('mfa-sim-controls').scrollIntoView();"
                 "window.scrollBy(0, -70);")
        page.screenshot(picture)
    from PIL import Image

    with Image.open(picture) as shot:
        shot.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(picture,
                                                                          optimize=True)
    return picture


def main(argv: list[str]) -> int:
    """Remake the README's picture of the example's audit report."""
    if len(argv) != 1:
        print("usage: python tests/browser.py PICTURE.png", file=sys.stderr)
        return 2
    reason = missing()
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2
    from mfa_sim.cli import main as mfa_sim

    work = Path(tempfile.mkdtemp(prefix="mfa-sim-picture-"))
    try:
        page = work / "audit.html"
        example = Path(__file__).resolve().parents[1] / "datasets" / "example"
        mfa_sim(["audit", str(example), "--format", "html", "--output", str(page),
                 "--as-of", "2026-01-10"])
        report_picture(page, Path(argv[0]), work / "profile")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {argv[0]} ({os.path.getsize(argv[0]):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
