"""The order of the reports for people: worst severity first, then the check table's
order, then the order the audit gave (account, then user or email).

The machine formats (json, csv, junit, ocsf) keep the contract's order: by the check
table, then by ids. Text, Markdown and HTML are read from the top by someone who may
stop reading early, so they start with what matters most.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.buffers import arrow_of
from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID
from mfa_sim.report.audit_summary import check_codes, severity_ranks

if TYPE_CHECKING:
    import pyarrow as pa


def checks_worst_first(ids: Iterable[str]) -> list[str]:
    """Check ids by their check's severity, worst first, then in the check table's order
    (ids of no known check last, in the order given).

    Examples
    --------
    >>> checks_worst_first(["enforcement_ready", "zz_other", "admin_without_mfa",
    ...                     "enforcing_managers_without_mfa"])
    ['enforcing_managers_without_mfa', 'admin_without_mfa', 'enforcement_ready', 'zz_other']
    """
    order = {check.id: position for position, check in enumerate(CHECKS)}
    given = list(ids)

    def key(position: int) -> tuple[int, int, int]:
        check = CHECKS_BY_ID.get(given[position])
        if check is None:
            return (1, 0, position)
        return (0, -check.severity.rank, order[check.id])

    return [given[position] for position in sorted(range(len(given)), key=key)]


def findings_worst_first(findings: pa.Table) -> pa.Table:
    """The findings by severity, worst first, then by check in the check table's order;
    within a check, in the order given (a stable sort).

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"check": ["admin_without_mfa", "enforcement_ready",
    ...                             "enforcing_managers_without_mfa", "admin_without_mfa"],
    ...                   "severity": ["high", "low", "critical", "high"],
    ...                   "account": ["a1", "a2", "a3", "a4"]})
    >>> findings_worst_first(table).column("account").to_pylist()
    ['a3', 'a1', 'a4', 'a2']
    """
    if findings.num_rows < 2:
        return findings
    _, codes = check_codes(findings)
    ranks = severity_ranks(findings)
    rows = np.arange(findings.num_rows)
    # lexsort sorts by the last key first: rank (descending), then check, then row.
    order = np.lexsort((rows, codes, -ranks))
    if np.array_equal(order, rows):
        return findings
    return findings.take(arrow_of(order))
