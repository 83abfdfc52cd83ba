"""GitHub Enterprise Cloud's license (membership) report, CSV.

One row per user of the enterprise. ``GitHub com member roles`` holds every
organization the user belongs to, several in one quoted cell
(``example-org:Owner,example-labs:Member``), and ``ORG/REPO:Collaborator`` for an
outside collaborator; ``GitHub com orgs with pending invites`` the organizations that
invited them. On data-residency tenants every ``GitHub com`` is ``GitHub``. The email
is the SAML name id or a verified domain email.
"""

from __future__ import annotations

import numpy as np

from mfa_sim.columns.buffers import null_of, scalar_of
from mfa_sim.data.importers.base import ExportFormat, FileHead, Gap, Mapped, text_table
from mfa_sim.data.importers.csv_export import CsvExport
from mfa_sim.errors import Problem, ProblemReason

ROLES = {"owner": "owner", "member": "member", "collaborator": "collaborator"}
RANK = {"owner": 0, "member": 1, "collaborator": 2}
"""A user who is a member of an organization and a collaborator on one of its
repositories is its member."""


def _names(column: str) -> tuple[str, str]:
    """The column's name on github.com and on a data-residency tenant."""
    return f"GitHub com {column}", f"GitHub {column}"


LOGIN = _names("login")
NAME = _names("name")
ROLES_CELL = _names("member roles")
ENTERPRISE_ROLES = _names("enterprise roles")
VERIFIED_EMAILS = _names("verified domain emails")
SAML_NAME = _names("saml name")
PENDING = _names("orgs with pending invites")
TWO_FACTOR = _names("two factor auth")


def recognises(head: FileHead) -> bool:
    """A CSV whose header has the login and two-factor columns, either spelling."""
    return head.kind == "csv" and any(head.header_has(login, two_factor)
                                      for login, two_factor in zip(LOGIN, TWO_FACTOR,
                                                                   strict=True))


def _split(cell: str | None) -> list[str]:
    """Parts of a cell "delimited by commas" (spaces after them or not)."""
    return [part.strip() for part in (cell or "").split(",") if part.strip()]


def read(path: str) -> Mapped:
    """Map a license report: every organization named, each user's roles in them, their
    2FA and their pending invitations."""
    import pyarrow as pa

    export = CsvExport(path, (*LOGIN, *NAME, *ROLES_CELL, *ENTERPRISE_ROLES, *VERIFIED_EMAILS,
                               *SAML_NAME, *PENDING, *TWO_FACTOR))
    logins = export.column(*LOGIN)
    two_factor = export.column(*TWO_FACTOR)
    cells = export.column(*ROLES_CELL)
    export.require_ids(export.name_of(*LOGIN), logins, "login")
    mfa = export.states(export.name_of(*TWO_FACTOR), two_factor)
    saml = export.column(*SAML_NAME, required=False)
    verified = export.column(*VERIFIED_EMAILS, required=False)
    pending = export.column(*PENDING, required=False)
    count = len(logins)
    login_list = logins.to_pylist()
    saml_list = saml.to_pylist() if saml is not None else [None] * count
    verified_list = verified.to_pylist() if verified is not None else [None] * count
    emails = [_email(one, other) for one, other in zip(saml_list, verified_list, strict=True)]
    organizations: list[str] = []
    pairs: dict[tuple[str, str], str] = {}
    bad_rows: list[int] = []
    bad_values: list[str] = []
    for row, (login, cell) in enumerate(zip(login_list, cells.to_pylist(), strict=True)):
        for part in _split(cell):
            target, _, written = part.rpartition(":")
            role = ROLES.get(written.strip().lower())
            if not target or role is None:
                bad_rows.append(row)
                bad_values.append(part)
                continue
            organization = target.split("/", 1)[0].strip()
            if "/" in target:
                role = "collaborator"
            if organization not in organizations:
                organizations.append(organization)
            key = (organization, login)
            if key not in pairs or RANK[role] < RANK[pairs[key]]:
                pairs[key] = role
    if bad_rows:
        lines = export.text.lines(np.asarray(bad_rows)).tolist()
        column = export.name_of(*ROLES_CELL)
        export.problems.extend(
            Problem(export.file, line, column, value, ProblemReason.UNKNOWN_ROLE,
                    "expected ORG:Owner, ORG:Member or ORG/REPO:Collaborator")
            for line, value in zip(lines, bad_values, strict=True))
    export.raise_problems()
    invited: list[tuple[str, str]] = []
    for login, email, cell in zip(login_list, emails, pending.to_pylist() if pending
                                  is not None else [None] * count, strict=True):
        for organization in _split(cell):
            invited.append((organization, email or f"github:{login}"))
            if organization not in organizations:
                organizations.append(organization)
    users = {"key": logins, "email": emails, "mfa_enabled": mfa,
             "name": _blank_as_null(export.column(*NAME, required=False), count),
             "github_login": logins}
    enterprise = export.column(*ENTERPRISE_ROLES, required=False)
    if enterprise is not None:
        users["enterprise_role"] = enterprise
    no_email = sum(email is None for email in emails)
    gaps = [Gap("enforcement_unknown", len(organizations), "the report does not say which "
                "organizations require 2FA: mfa_enforced is unknown"),
            Gap("no_plan", len(organizations), "GitHub plans are not in the report: the plan "
                "is empty (tier unknown)")]
    if no_email:
        gaps.insert(0, Gap("no_email", no_email, f"{no_email:,} of {count:,} users have no "
                           "SAML name id or verified domain email: their id stands in for it"))
    unknown = mfa.null_count
    if unknown:
        gaps.append(Gap("mfa_unknown", unknown, f"the 2FA state of {unknown:,} users is "
                        "empty: unknown"))
    accounts = len(organizations)
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table(users, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": organizations, "name": organizations,
                             "plan": [""] * accounts, "mfa_enforced": [None] * accounts},
                            {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [organization for organization, _ in pairs],
                                "user": [login for _, login in pairs],
                                "role": list(pairs.values())}),
        invitations=text_table({"account": [organization for organization, _ in invited],
                                "email": [email for _, email in invited],
                                "invitation_id": [None] * len(invited),
                                "role": [None] * len(invited),
                                "invited_at": [None] * len(invited)}),
        gaps=tuple(gaps),
    )


def _email(saml: str | None, verified: str | None) -> str | None:
    if saml and "@" in saml:
        return saml.strip()
    return next((part for part in _split(verified) if "@" in part), None)


def _blank_as_null(values: object, count: int) -> object:
    import pyarrow as pa
    import pyarrow.compute as pc

    if values is None:
        return pa.nulls(count, pa.string())
    return pc.if_else(pc.equal(values, scalar_of("")), null_of(pa.string()), values)


FORMAT = ExportFormat(
    name="github-license-report",
    product="github",
    title="GitHub Enterprise Cloud license report (CSV: members, roles, 2FA, invitations)",
    obtain="github.com/enterprises/ENTERPRISE/enterprise_licensing > Export license "
           "usage > CSV",
    recognises=recognises,
    read=read,
)
