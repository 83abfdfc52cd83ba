"""``mfa-sim checks``: every audit check, with its severity, granularity, what it finds
and its remediation, for people (text) and for pipelines (json).

The checks are listed worst first, then in the check table's order, as the audit's
reports for people list findings.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from mfa_sim.compliance.checks import Check
from mfa_sim.report.severity_order import checks_worst_first

WIDTH = 88
"""The text listing's line width."""


def worst_first(checks: Sequence[Check]) -> list[Check]:
    """Checks by severity, worst first, then in the check table's order.

    Examples
    --------
    >>> from mfa_sim.compliance.checks import CHECKS
    >>> [check.id for check in worst_first(CHECKS)][:2]
    ['enforcing_managers_without_mfa', 'member_without_mfa_in_enforcing_account']
    """
    by_id = {check.id: check for check in checks}
    return [by_id[check] for check in checks_worst_first(by_id)]


def check_json(checks: Sequence[Check]) -> str:
    """The checks as a JSON array of objects: ``id``, ``severity``, ``granularity``,
    ``title``, ``finds``, ``remediation``.

    Examples
    --------
    >>> from mfa_sim.compliance.checks import CHECKS
    >>> json.loads(check_json(CHECKS))[0]["severity"]
    'critical'
    """
    entries = [{"id": check.id, "severity": check.severity.value,
                "granularity": check.granularity.value, "title": check.title,
                "finds": check.finds, "remediation": check.remediation}
               for check in worst_first(checks)]
    return json.dumps(entries, indent=2) + "\n"


def check_text(checks: Sequence[Check]) -> str:
    """The checks for a person: a line per check (id, severity, one finding per what),
    then what it finds and what to do, indented.

    Examples
    --------
    >>> from mfa_sim.compliance.checks import CHECKS
    >>> print(check_text([CHECKS[1]]))
    admin_without_mfa  high  one finding per membership
        Owner or admin without MFA. An owner or admin of an account lacks MFA.
        Remediation: Have the owner or admin enable MFA: the people who manage an account
        should be the first protected.
    <BLANKLINE>
    1 check.
    """
    lines = []
    for check in worst_first(checks):
        lines.append(f"{check.id}  {check.severity.value}  one finding per "
                     f"{check.granularity.value}")
        for text in (f"{check.title}. {check.finds}", f"Remediation: {check.remediation}"):
            lines += textwrap.wrap(text, WIDTH, initial_indent="    ",
                                   subsequent_indent="    ")
        lines.append("")
    count = len(checks)
    lines.append(f"{count} check{'' if count == 1 else 's'}.")
    return "\n".join(lines) + "\n"
