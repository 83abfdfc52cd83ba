"""The audit's report formats, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mfa_sim.errors import UsageError

if TYPE_CHECKING:
    from mfa_sim.compliance.result import AuditResult


def _text(result: AuditResult) -> list[bytes]:
    from mfa_sim.report.audit_text import audit_text

    return [audit_text(result)]


def _json(result: AuditResult) -> list[bytes]:
    from mfa_sim.report.audit_json import audit_json_chunks

    return audit_json_chunks(result)


def _csv(result: AuditResult) -> list[bytes]:
    from mfa_sim.report.audit_csv import audit_csv

    return [audit_csv(result)]


AUDIT_RENDERERS: dict[str, Callable[[AuditResult], list[bytes]]] = {
    "text": _text,
    "json": _json,
    "csv": _csv,
}


def render_audit(result: AuditResult, fmt: str) -> list[bytes]:
    """The report in a format, as UTF-8 chunks to write in turn."""
    try:
        renderer = AUDIT_RENDERERS[fmt]
    except KeyError:
        raise UsageError(f"unknown audit format {fmt!r}; formats: "
                         f"{', '.join(AUDIT_RENDERERS)}") from None
    return renderer(result)
