"""``audit --format json`` (contract §4): summary, findings, accounts, in that order;
then, when there are any, ``resolved``, ``baseline``, ``mutes`` and ``policy``; last,
``checks``: the ids of the checks that ran.

``baseline`` is written only when the comparison with a baseline has something to add
to the findings' ``change``: ``not_compared``, how many findings are of checks the
baseline did not run (their ``change`` is ``not_compared``), ``not_compared_checks``,
their checks, and ``warnings``, sentences about the baseline itself (such as one that
seems to be of another export)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mfa_sim.compliance.baseline import comparison
from mfa_sim.data.writing import Chunk
from mfa_sim.report.json_arrays import json_array_chunks

if TYPE_CHECKING:
    from mfa_sim.compliance.result import AuditResult

FINDING_KEYS = ("check", "severity", "account", "user", "email", "message", "remediation")
OPTIONAL_FINDING_KEYS = ("muted", "mute_reason", "change")
ACCOUNT_KEYS = ("account", "plan", "tier", "enforced", "members", "noncompliant",
                "ready_to_enforce")


VOCABULARY = frozenset({"check", "severity", "tier", "change"})
"""Columns holding only the product's own words: nothing in them needs escaping."""

RESOLVED_VOCABULARY = VOCABULARY - {"check"}
"""A resolved finding's check is as the baseline file wrote it, which may be any text;
only its severity is one of the product's words (the baseline's are checked)."""


def audit_json_chunks(result: AuditResult) -> list[Chunk]:
    """The audit as the contract's JSON document, UTF-8, one finding per line, in
    chunks to write one after the other (no copy of the whole document is made)."""
    findings = result.findings
    keys = [key for key in (*FINDING_KEYS, *OPTIONAL_FINDING_KEYS)
            if key in findings.column_names]
    summary = json.dumps(result.summary(), ensure_ascii=False).encode()
    chunks: list[Chunk] = [
        b'{\n  "summary": ', summary, b',\n  "findings": ',
        *json_array_chunks({key: findings.column(key) for key in keys}, "  ", VOCABULARY),
        b',\n  "accounts": ',
        *json_array_chunks({key: result.accounts.column(key) for key in ACCOUNT_KEYS}, "  ",
                           VOCABULARY)]
    if result.resolved is not None:
        chunks += [b',\n  "resolved": ',
                   *json_array_chunks({key: result.resolved.column(key)
                                       for key in FINDING_KEYS}, "  ", RESOLVED_VOCABULARY)]
    compared = comparison(result)
    if compared is not None and (compared.not_compared or compared.warnings()):
        # A key of our own, only when there is something to say: a reader of the
        # contract's keys finds them where they were.
        chunks += [b',\n  "baseline": ',
                   json.dumps(compared.to_dict(), ensure_ascii=False).encode()]
    if result.mute_report is not None:
        chunks += [b',\n  "mutes": ', _mutes(result.mute_report.to_dict())]
    if result.policy is not None:
        chunks += [b',\n  "policy": ', json.dumps(result.policy, ensure_ascii=False).encode()]
    # Which checks ran (every one unless the run chose some): a key of our own, last,
    # so the contract's keys keep their places.
    chunks += [b',\n  "checks": ', json.dumps(list(result.checks)).encode(), b"\n}\n"]
    return chunks


def _mutes(report: dict[str, Any]) -> bytes:
    """The ``mutes`` object: the count, then the expired and unmatched entries, one per
    line."""
    lines = [f'{{\n    "muted": {report["muted"]}']
    for key in ("expired", "unmatched"):
        entries = [json.dumps(entry, ensure_ascii=False) for entry in report[key]]
        listed = "[\n      " + ",\n      ".join(entries) + "\n    ]" if entries else "[]"
        lines.append(f'    "{key}": {listed}')
    return (",\n".join(lines) + "\n  }").encode()


def audit_json(result: AuditResult) -> bytes:
    """The audit as the contract's JSON document (see :func:`audit_json_chunks`).

    Examples
    --------
    >>> import json
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> report = json.loads(audit_json(audit(load_dataset("datasets/example"))))
    >>> list(report), report["summary"]["findings"]["high"]
    (['summary', 'findings', 'accounts', 'checks'], 2)
    """
    return b"".join(audit_json_chunks(result))
