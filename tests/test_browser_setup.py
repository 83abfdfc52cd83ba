"""The browser tests' own setup, checked whether or not a browser is installed."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_a_missing_browser_is_named_with_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What a skip (or, under CI=true, the failure) says when chromium is not there."""
    from tests import browser as browser_module

    monkeypatch.setattr(browser_module, "CHROMIUM", tmp_path / "chromium")
    reason = browser_module.missing()
    assert reason is not None
    assert str(tmp_path / "chromium") in reason
    assert "apt-get install -y chromium chromium-driver" in reason
