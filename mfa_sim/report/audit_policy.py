"""What the audit's policy would do, in words: the section ``audit --policy NAME``
adds to the text and Markdown reports.

For each eligible account that does not enforce yet, what switching enforcement on
would do to each member lacking MFA; for each user with something at stake, what
disabling MFA would do. The words are plain; each format escapes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mfa_sim.compliance.result import AuditResult

SHOWN = 10
"""How many accounts and users the section names before counting the rest."""

_OUTCOME_WORDS = {"blocks_enforcement": "blocks enforcement", "removed": "removed",
                  "suspended": "suspended", "grace": "given a grace period"}


def _accounts(result: AuditResult) -> list[str]:
    assert result.what_ifs is not None
    assert result.what_ifs.enforcing is not None
    by_account: dict[str, list[str]] = {}
    without_enabler = set()
    for row in result.what_ifs.enforcing.to_pylist():
        by_account.setdefault(row["account"], []).append(
            f"{row['user']} {_OUTCOME_WORDS[row['outcome']]}")
        if row["no_enabler"]:
            without_enabler.add(row["account"])
    return [f"{account}: "
            + (f"{_NO_ENABLER}; then " if account in without_enabler else "")
            + ", ".join(members[:SHOWN])
            + (f" and {len(members) - SHOWN:,} more" if len(members) > SHOWN else "")
            for account, members in by_account.items()]


_NO_ENABLER = "no owner or admin has the MFA needed to switch it on"
"""Said of an account whose policy lets only an owner or admin with MFA switch
enforcement on, where none has MFA (``enabler_without_mfa``)."""


def _users(result: AuditResult) -> list[str]:
    assert result.what_ifs is not None
    found = []
    for row in result.what_ifs.blast_radius.to_pylist():
        if row.get("refused"):
            found.append(f"{row['user']}: refused, the policy keeps their MFA on")
            continue
        parts = []
        if row["removed_from"]:
            parts.append(f"removed from {_count(row['removed_from'], 'enforcing account')}")
        if row.get("suspended_in"):
            parts.append(f"suspended in {_count(row['suspended_in'], 'enforcing account')}")
        if row["left_unmanaged"]:
            parts.append(f"leaving {_count(row['left_unmanaged'], 'account')} unmanaged")
        if parts:
            found.append(f"{row['user']}: {', '.join(parts)}")
    return found


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _listed(items: list[str]) -> list[str]:
    shown = items[:SHOWN]
    if len(items) > SHOWN:
        shown.append(f"… and {len(items) - SHOWN:,} more (mfa_sim.audit(...).what_ifs "
                     "lists them all)")
    return shown or ["nobody"]


def policy_sections(result: AuditResult) -> list[tuple[str, list[str]]]:
    """The section's parts: (title, items), empty when no policy was chosen.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> for title, items in policy_sections(audit(load_dataset("datasets/example"),
    ...                                           policy="github")):
    ...     print(title, *items, sep="\\n  ")
    What github would do if an account switched enforcement on
      a_solo: no owner or admin has the MFA needed to switch it on; then u_finn suspended
      a_team: u_ben suspended, u_chloe suspended
    What github would do if a user disabled MFA
      u_dana: refused, the policy keeps their MFA on
      u_eli: suspended in 1 enforcing account
    """
    if result.policy is None or result.what_ifs is None or result.what_ifs.enforcing is None:
        return []
    name = result.policy
    return [(f"What {name} would do if an account switched enforcement on",
             _listed(_accounts(result))),
            (f"What {name} would do if a user disabled MFA", _listed(_users(result)))]
