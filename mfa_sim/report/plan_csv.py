"""``plan --format csv``: the contact list, one row per person, for a mail merge.

Cells are written as the audit's CSV writes them
(:func:`~mfa_sim.report.audit_csv.cells_of`): control characters shown as escapes,
then formulas neutralised with a leading apostrophe. ``unblocks_alone_accounts`` and
``newly_ready_accounts`` list the accounts the person's MFA alone would make ready and
those that become ready with them, separated by ``; `` (``--format json`` gives them as
lists).
"""

from __future__ import annotations

from mfa_sim.columns.buffers import text_array
from mfa_sim.data.writing import csv_bytes
from mfa_sim.report.audit_csv import cells_of
from mfa_sim.rollout import RolloutPlan

CSV_COLUMNS = ("rank", "user", "email", "manages", "blocks", "unblocks_alone",
               "unblocks_alone_accounts", "newly_ready", "newly_ready_accounts",
               "accounts_ready", "members_ready", "wave")


def plan_csv(plan: RolloutPlan) -> bytes:
    """The contact list as CSV (UTF-8, LF).

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> print(plan_csv(plan(mfa_sim.load_dataset("datasets/example"))).decode(), end="")
    rank,user,email,manages,blocks,unblocks_alone,unblocks_alone_accounts,newly_ready,newly_ready_accounts,accounts_ready,members_ready,wave
    1,u_ben,ben@acme.example,0,1,0,,0,,0,0,1
    2,u_chloe,chloe@acme.example,0,1,0,,1,a_team,1,4,1
    """
    contacts = plan.contacts
    columns = {
        "rank": [str(contact.rank) for contact in contacts],
        "user": [contact.user for contact in contacts],
        "email": [contact.email for contact in contacts],
        "manages": [str(contact.manages) for contact in contacts],
        "blocks": [str(contact.blocks) for contact in contacts],
        "unblocks_alone": [str(len(contact.unblocks_alone)) for contact in contacts],
        "unblocks_alone_accounts": ["; ".join(contact.unblocks_alone) for contact in contacts],
        "newly_ready": [str(len(contact.newly_ready)) for contact in contacts],
        "newly_ready_accounts": ["; ".join(contact.newly_ready) for contact in contacts],
        "accounts_ready": [str(contact.accounts_ready) for contact in contacts],
        "members_ready": [str(contact.members_ready) for contact in contacts],
        "wave": [str(contact.wave) for contact in contacts],
    }
    return csv_bytes(CSV_COLUMNS, {name: cells_of(text_array(values))
                                   for name, values in columns.items()})
