"""Compliance: the batch audit, every check over a whole export in one pass, and the
what-if analytics behind it.

Examples
--------
>>> from datetime import UTC, datetime
>>> import mfa_sim
>>> result = mfa_sim.audit(mfa_sim.load_dataset("datasets/example"),
...                        as_of=datetime(2026, 1, 10, tzinfo=UTC))
>>> result.by_severity
{'critical': 0, 'high': 2, 'medium': 2, 'low': 2, 'info': 0}
>>> result.findings.column("check").to_pylist()[:2]
['admin_without_mfa', 'enforcement_blocked_by_member']
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mfa_sim.compliance.accounts import accounts_table
from mfa_sim.compliance.analytics import WhatIfTables, what_if_tables
from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID, Check, Severity
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.compliance.findings import all_findings
from mfa_sim.compliance.result import AuditResult

if TYPE_CHECKING:
    from mfa_sim.dataset import Dataset


def audit(dataset: Dataset, *, as_of: datetime | None = None) -> AuditResult:
    """Run every check over a dataset.

    Parameters
    ----------
    dataset
        The export to audit.
    as_of
        The date time-dependent checks are judged at (default: now).

    Returns
    -------
    AuditResult
        Findings, the accounts table and counts.
    """
    moment = as_of or datetime.now(UTC)
    facts = AuditFacts(dataset)
    counts = {name: dataset.counts[name] for name in ("users", "accounts", "memberships")}
    accounts = accounts_table(facts)
    return AuditResult(all_findings(facts, moment), accounts, counts, moment,
                       what_if_tables(facts, accounts))


__all__ = ["CHECKS", "CHECKS_BY_ID", "AuditFacts", "AuditResult", "Check", "Severity",
           "WhatIfTables", "audit"]
