"""GitHub's pending organization invitations (REST ``GET /orgs/{org}/invitations``).

Each has ``id``, ``login`` (``null`` when the invitee has no GitHub account), ``email``
(``null`` when the invitation was made by login), ``role`` (``direct_member``,
``admin``, ``billing_manager``, ``hiring_manager``), ``created_at`` and ``failed_at``
(an invitation that failed is not pending). The organization is not in the file.
"""

from __future__ import annotations

from mfa_sim.data.importers.base import (
    NOTHING,
    ExportFormat,
    FileHead,
    Gap,
    LeftOut,
    Mapped,
    empty_users,
    file_stem,
    problem,
    text_table,
)
from mfa_sim.data.importers.json_stream import JsonExport, json_path
from mfa_sim.errors import ProblemReason

ITEMS = "item"
ROLES = {"direct_member": "member", "admin": "owner", "billing_manager": "member",
         "hiring_manager": "member"}
"""``admin`` invites an organization owner; billing and hiring managers do not manage
members, so they are members here."""


def recognises(head: FileHead) -> bool:
    """A JSON array of objects with ``inviter`` and ``failed_at`` or ``invitation_teams_url``."""
    return head.kind == "json" and "item.inviter" in head.keys and (
        "item.failed_at" in head.keys or "item.invitation_teams_url" in head.keys)


def read(path: str) -> Mapped:
    """Map pending invitations: each to the organization, by email or login."""
    import pyarrow as pa

    from mfa_sim.data.parsing import parse_time

    export = JsonExport(path)
    account = file_stem(path)
    emails: list[str] = []
    ids: list[str | None] = []
    roles: list[str] = []
    times: list[str | None] = []
    failed = by_login = managers = 0
    for index, item in export.items(ITEMS):
        if type(item) is not dict:
            export.wrong(json_path(ITEMS, index), item, "an invitation object")
            continue
        if item.get("failed_at") is not None:
            failed += 1
            continue
        email, login = item.get("email"), item.get("login")
        invitee: str | None = None
        if type(email) is str and email.strip():
            invitee = email.strip()
        elif type(login) is str and login.strip():
            # Invited by login: the login's user id stands in for the email.
            invitee = f"github:{login.strip()}"
            by_login += 1
        else:
            export.problems.append(problem(export.file, json_path(ITEMS, index), NOTHING,
                                           ProblemReason.MISSING_KEY,
                                           "the invitation has neither an email nor a login"))
        role = item.get("role")
        mapped_role = ROLES.get(role) if type(role) is str else None
        if mapped_role is None:
            export.problems.append(problem(
                export.file, json_path(ITEMS, index, "role"), role, ProblemReason.UNKNOWN_ROLE,
                "expected " + ", ".join(ROLES)))
        created = item.get("created_at")
        if created is not None and not (type(created) is str
                                        and parse_time(created) is not None):
            export.problems.append(problem(
                export.file, json_path(ITEMS, index, "created_at"), created,
                ProblemReason.INVALID_TIME, "expected an ISO 8601 time"))
        if invitee is None or mapped_role is None or not export.clean:
            continue
        managers += role in ("billing_manager", "hiring_manager")
        identifier = item.get("id")
        emails.append(invitee)
        ids.append(None if identifier is None else f"github:{identifier}")
        roles.append(mapped_role)
        times.append(created)
    export.raise_problems()
    gaps = [Gap("account_named_after_file", 1, "the file does not name its organization: "
                f"the invitations go to the account named after the file "
                f"({account!r}) unless another GitHub file names the organization")]
    if by_login:
        gaps.append(Gap("no_email", by_login, f"{by_login:,} invitations were made by login, "
                        "without an email: the login's id (github:LOGIN) stands in for it"))
    if managers:
        gaps.append(Gap("role_unknown", managers, f"{managers:,} invitations are for billing "
                        "or hiring managers, who manage no members: written as member"))
    left_out = (LeftOut(failed, "invitations that failed (failed_at is set) are not "
                        "pending and are not imported"),) if failed else ()
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=empty_users(),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [], "user": [], "role": []}),
        invitations=text_table({"account": [account] * len(emails), "email": emails,
                                "invitation_id": ids, "role": roles, "invited_at": times}),
        account_from_file=True, gaps=tuple(gaps), left_out=left_out,
    )


FORMAT = ExportFormat(
    name="github-invitations",
    product="github",
    title="GitHub pending organization invitations (REST JSON)",
    obtain="gh api --paginate /orgs/ORG/invitations > invitations.json",
    recognises=recognises,
    read=read,
)
