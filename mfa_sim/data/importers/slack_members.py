"""Slack's member list (Manage members, Export member list, CSV).

Header ``username,email,status,billing-active,has-2fa,has-sso,userid,fullname,
displayname,expiration-timestamp`` (older files lack the last column). ``has-2fa``,
``has-sso`` and ``billing-active`` are ``1``/``0``; ``status`` is ``Owner``, ``Admin``,
``Member``, ``Bot`` or ``Deactivated`` (guests and ``Primary Owner`` are accepted too).
A member who signs in through single sign-on (``has-sso`` 1) without Slack's own 2FA
has MFA enforced, or not, by the identity provider: unknown, never false. The file
names no workspace and no plan, and does not say whether 2FA is required.
"""

from __future__ import annotations

from mfa_sim.columns.buffers import null_of, rows_of, scalar_of, text_array
from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    LeftOut,
    Mapped,
    empty_invitations,
    file_stem,
    text_table,
)
from mfa_sim.data.importers.csv_export import CsvExport
from mfa_sim.errors import ProblemReason

STATUSES = {"primary owner": "owner", "owner": "owner", "admin": "admin", "member": "member",
            "multi-channel guest": "collaborator", "single-channel guest": "collaborator",
            "guest": "collaborator"}
"""Slack's statuses of people in the workspace; guests are outside collaborators."""
LEFT_OUT = ("bot", "deactivated")
"""Statuses that are no member: kept out of the dataset, and counted."""
COLUMNS = ("username", "email", "status", "billing-active", "has-2fa", "has-sso", "userid",
           "fullname", "displayname")


def recognises(head: FileHead) -> bool:
    """A CSV whose header has ``userid``, ``status`` and ``has-2fa``."""
    return head.kind == "csv" and head.header_has("userid", "status", "has-2fa")


def read(path: str) -> Mapped:
    """Map a member list: one account (the workspace), its people and their 2FA."""
    import pyarrow as pa
    import pyarrow.compute as pc

    export = CsvExport(path, COLUMNS)
    ids, statuses, two_factor = (export.column("userid"), export.column("status"),
                                 export.column("has-2fa"))
    export.require_ids("userid", ids, "user id")
    folded = pc.utf8_lower(statuses)
    known = pc.is_in(folded, value_set=text_array([*STATUSES, *LEFT_OUT]))
    export.report("status", rows_of(pc.invert(known)), statuses, ProblemReason.UNKNOWN_ROLE,
                  "unknown status; known: Primary Owner, Owner, Admin, Member, Multi-Channel "
                  "Guest, Single-Channel Guest, Bot, Deactivated")
    mfa = export.states("has-2fa", two_factor)
    single_sign_on = export.column("has-sso", required=False)
    sso = (pa.nulls(len(ids), pa.bool_()) if single_sign_on is None
           else export.states("has-sso", single_sign_on))
    export.raise_problems()
    kept = pc.invert(pc.is_in(folded, value_set=text_array(LEFT_OUT)))
    left = {status: int(pc.sum(pc.equal(folded, scalar_of(status))).as_py() or 0)
            for status in LEFT_OUT}
    # Without Slack's 2FA, a single sign-on member's MFA is the identity provider's.
    by_provider = pc.and_(pc.fill_null(sso, scalar_of(False)),
                          pc.invert(pc.fill_null(mfa, scalar_of(True))))
    mfa = pc.if_else(by_provider, null_of(pa.bool_()), mfa)
    encoded = folded.dictionary_encode()
    roles = text_array([STATUSES.get(status) for status in encoded.dictionary.to_pylist()]
                       ).take(encoded.indices)
    nothing = null_of(pa.string())
    emails = export.column("email", required=False)
    emails = (pa.nulls(len(ids), pa.string()) if emails is None
              else pc.if_else(pc.equal(emails, scalar_of("")), nothing, emails))
    names = export.column("fullname", required=False)
    names = (pa.nulls(len(ids), pa.string()) if names is None
             else pc.if_else(pc.equal(names, scalar_of("")), nothing, names))
    users = {"key": ids, "email": emails, "mfa_enabled": mfa, "name": names}
    for column in ("username", "displayname", "billing-active", "has-sso"):
        found = export.column(column, required=False)
        if found is not None:
            users[column.replace("-", "_")] = found
    table = text_table(users, {"mfa_enabled": pa.bool_()}).filter(kept)
    count = table.num_rows
    account = file_stem(path)
    gaps = [Gap("account_named_after_file", 1, "the member list does not name its workspace: "
                f"the account is named after the file ({account!r})"),
            Gap("enforcement_unknown", 1, "the member list does not say whether the "
                "workspace requires 2FA: mfa_enforced is unknown"),
            Gap("no_plan", 1, "Slack plans are not in the file: the plan is empty "
                "(tier unknown)")]
    provider = int(pc.sum(pc.and_(by_provider, kept)).as_py() or 0)
    if provider:
        gaps.append(Gap("mfa_by_identity_provider", provider, f"{provider:,} members sign in "
                        "through single sign-on without Slack's 2FA: their MFA is the "
                        "identity provider's, unknown here"))
    no_email = table.column("email").null_count
    if no_email:
        gaps.append(Gap("no_email", no_email, f"{no_email:,} members have no email: their "
                        "id stands in for it"))
    left_out = tuple(LeftOut(count, f"{status} rows are no members: kept out of the dataset")
                     for status, count in left.items() if count)
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=table,
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": pa.repeat(scalar_of(account), count),
                                "user": table.column("key"), "role": roles.filter(kept)}),
        invitations=empty_invitations(),
        account_from_file=True, gaps=tuple(gaps), left_out=left_out,
    )


FORMAT = ExportFormat(
    name="slack-members",
    product="slack",
    title="Slack member list (Manage members > Export member list, CSV)",
    obtain="Slack admin: Manage members > Export member list (the CSV arrives as a "
           "Slackbot message)",
    recognises=recognises,
    read=read,
)
