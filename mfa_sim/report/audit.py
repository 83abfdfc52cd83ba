"""The audit's report formats, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from mfa_sim.data.writing import Chunk
from mfa_sim.errors import UsageError

if TYPE_CHECKING:
    from mfa_sim.compliance.result import AuditResult


def _text(result: AuditResult) -> list[Chunk]:
    from mfa_sim.report.audit_text import audit_text

    return [audit_text(result)]


def _json(result: AuditResult) -> list[Chunk]:
    from mfa_sim.report.audit_json import audit_json_chunks

    return audit_json_chunks(result)


def _ocsf(result: AuditResult) -> list[Chunk]:
    from mfa_sim.report.audit_ocsf import audit_ocsf_chunks

    return audit_ocsf_chunks(result)


def _csv(result: AuditResult) -> list[Chunk]:
    from mfa_sim.report.audit_csv import audit_csv

    return [audit_csv(result)]


def _markdown(result: AuditResult) -> list[Chunk]:
    from mfa_sim.report.audit_markdown import audit_markdown

    return [audit_markdown(result).encode()]


def _html(result: AuditResult) -> list[Chunk]:
    from mfa_sim.report.audit_html import audit_html

    return [audit_html(result).encode()]


def _junit(result: AuditResult, *, fail_on: str = "high") -> list[Chunk]:
    from mfa_sim.report.audit_junit import audit_junit_chunks

    return audit_junit_chunks(result, fail_on=fail_on)


class _Thresholded(Protocol):
    """A renderer whose output depends on ``--fail-on``."""

    def __call__(self, result: AuditResult, *, fail_on: str = "high") -> list[Chunk]: ...


_THRESHOLDED: dict[str, _Thresholded] = {"junit": _junit}
"""The renderers :func:`render_audit` passes ``fail_on`` to."""

AUDIT_RENDERERS: dict[str, Callable[[AuditResult], list[Chunk]]] = {
    "text": _text,
    "json": _json,
    "csv": _csv,
    "markdown": _markdown,
    "html": _html,
    "junit": _junit,
    "ocsf": _ocsf,
}


def render_audit(result: AuditResult, fmt: str, *, fail_on: str = "high") -> list[Chunk]:
    """The report in a format, as UTF-8 chunks to write in turn; ``fail_on`` (the
    ``--fail-on`` severity) decides which findings the ``junit`` report fails."""
    if fmt in _THRESHOLDED:
        return _THRESHOLDED[fmt](result, fail_on=fail_on)
    try:
        renderer = AUDIT_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown audit format {fmt!r}; formats: "
                         f"{', '.join(AUDIT_RENDERERS)}") from None
    return renderer(result)
