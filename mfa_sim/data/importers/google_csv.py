"""Google Workspace, Admin console, Users, "Download users" (CSV).

Columns are found by their header names: Google has changed the set and order at least
three times (34 columns, 35 with ``Advanced Protection Program enrollment``, 40 with the
``[READ ONLY]`` block moved after the upload columns), and ``2sv Enrolled [READ ONLY]``
and ``2sv Enforced [READ ONLY]`` are in every one. Values are capitalised
``True``/``False``. The file has no customer id and no admin flag, and ``Password``
holds ``****``, which is never copied.
"""

from __future__ import annotations

from mfa_sim.columns.buffers import null_of, scalar_of
from mfa_sim.data.importers.base import ExportFormat, FileHead, Gap, Mapped, empty_invitations
from mfa_sim.data.importers.csv_export import CsvExport
from mfa_sim.data.importers.google_common import tenant_enforcement

EMAIL = ("Email Address [Required]", "Email Address")
ENROLLED = ("2sv Enrolled [READ ONLY]", "2sv Enrolled")
ENFORCED = ("2sv Enforced [READ ONLY]", "2sv Enforced")
FIRST_NAME = ("First Name [Required]", "First Name")
LAST_NAME = ("Last Name [Required]", "Last Name")
ORG_UNIT = ("Org Unit Path [Required]", "Org Unit Path")
STATUS = ("Status [READ ONLY]", "Status")
LAST_SIGN_IN = ("Last Sign In [READ ONLY]", "Last Sign In")


def recognises(head: FileHead) -> bool:
    """A CSV whose header has the email address and 2-step enrolment columns."""
    return head.kind == "csv" and any(head.header_has(email, enrolled)
                                      for email in EMAIL for enrolled in ENROLLED)


def read(path: str) -> Mapped:
    """Map a users download: one account (the tenant), every user a member."""
    import pyarrow as pa
    import pyarrow.compute as pc

    export = CsvExport(path, (*EMAIL, *ENROLLED, *ENFORCED, *FIRST_NAME, *LAST_NAME,
                               *ORG_UNIT, *STATUS, *LAST_SIGN_IN))
    emails = export.column(*EMAIL)
    enrolled = export.column(*ENROLLED)
    enforced = export.column(*ENFORCED, required=False)
    export.require_ids(export.name_of(*EMAIL), emails, "email address")
    mfa = export.states(export.name_of(*ENROLLED), enrolled)
    per_user = None if enforced is None else export.states(export.name_of(*ENFORCED), enforced)
    export.raise_problems()
    count = len(emails)
    first, last = (export.column(*FIRST_NAME, required=False),
                   export.column(*LAST_NAME, required=False))
    parts = [part for part in (first, last) if part is not None]
    name = (pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, scalar_of(" ")))
            if parts else pa.nulls(count, pa.string()))
    name = pc.if_else(pc.equal(name, scalar_of("")), null_of(pa.string()), name)
    users = {"key": emails, "email": emails, "mfa_enabled": mfa, "name": name}
    for column, names in (("org_unit_path", ORG_UNIT), ("status", STATUS),
                          ("last_sign_in", LAST_SIGN_IN)):
        found = export.column(*names, required=False)
        if found is not None:
            users[column] = found
    if per_user is not None:
        users["two_step_enforced"] = pc.if_else(per_user, scalar_of("true"),
                                                scalar_of("false"))
    tenant, account_enforced, gaps = tenant_enforcement(emails, per_user, count)
    gaps.append(Gap("no_admin_flag", count, "the download carries no admin flag: every "
                    "user is written as member (the Directory API JSON has isAdmin)"))
    gaps.append(Gap("account_named_after_domain", 1, "the download has no customer id: the "
                    f"account is named after the users' main email domain ({tenant!r})"))
    from mfa_sim.data.importers.base import text_table

    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table(users, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [tenant], "name": [tenant], "plan": [""],
                             "mfa_enforced": [account_enforced]},
                            {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": pa.repeat(scalar_of(tenant), count),
                                "user": emails, "role": pa.nulls(count, pa.string())}),
        invitations=empty_invitations(),
        gaps=tuple(gaps),
    )


FORMAT = ExportFormat(
    name="google-csv",
    product="google",
    title='Google Workspace "Download users" CSV (any of its column sets)',
    obtain="Admin console > Directory > Users > Download users > All user info columns "
           "> CSV",
    recognises=recognises,
    read=read,
)
