"""GitHub's GraphQL ``organization.membersWithRole``, as an owner or a non-owner sees it.

Each edge has the member's ``role`` (``ADMIN``, GitHub's org owner, or ``MEMBER``) and
``hasTwoFactorEnabled``; both are ``null`` when the viewer is not an owner, which means
*unknown*, never false. ``node.email`` is the public profile email, often ``""``.
``organization.requiresTwoFactorAuthentication`` gives the account's enforcement.
"""

from __future__ import annotations

from mfa_sim.errors import ProblemReason
from mfa_sim.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    Mapped,
    empty_invitations,
    file_stem,
    problem,
    text_table,
)
from mfa_sim.importers.json_stream import MISSING, JsonExport, json_path

ORGANIZATION = "data.organization"
EDGES = f"{ORGANIZATION}.membersWithRole.edges.item"

ROLES = {"ADMIN": "owner", "MEMBER": "member"}
"""GraphQL's OrganizationMemberRole: ADMIN is what the web pages call an Owner."""


def recognises(head: FileHead) -> bool:
    """A GraphQL response holding ``organization.membersWithRole``."""
    return head.kind == "json" and f"{ORGANIZATION}.membersWithRole" in head.keys


def read(path: str) -> Mapped:
    """Map a ``membersWithRole`` response: one account, its members and their 2FA."""
    import pyarrow as pa

    export = JsonExport(path)
    found = export.scalars((f"{ORGANIZATION}.login",
                            f"{ORGANIZATION}.requiresTwoFactorAuthentication",
                            f"{ORGANIZATION}.membersWithRole.pageInfo.hasNextPage"),
                           export.head())
    logins: list[str] = []
    emails: list[str | None] = []
    mfa: list[bool | None] = []
    names: list[str | None] = []
    roles: list[str | None] = []
    seen: dict[str, int] = {}
    wrong = export.wrong
    for index, edge in export.items(EDGES):
        if type(edge) is not dict:
            wrong(json_path(EDGES, index), edge, "an object with role, hasTwoFactorEnabled "
                  "and node")
            continue
        node = edge.get("node", MISSING)
        if type(node) is not dict:
            wrong(json_path(EDGES, index, "node"), node, "an object with login")
            continue
        login = node.get("login", MISSING)
        if type(login) is not str or not login.strip():
            wrong(json_path(EDGES, index, "node", "login"), login, "a non-empty login")
            continue
        login = login.strip()
        if login in seen:
            export.problems.append(problem(
                export.file, json_path(EDGES, index, "node", "login"), login,
                ProblemReason.DUPLICATE_ID,
                f"the login is already a member at {json_path(EDGES, seen[login])}"))
            continue
        seen[login] = index
        two_factor = edge.get("hasTwoFactorEnabled", None)
        if two_factor is not None and type(two_factor) is not bool:
            export.problems.append(problem(
                export.file, json_path(EDGES, index, "hasTwoFactorEnabled"), two_factor,
                ProblemReason.INVALID_BOOLEAN, "expected true, false or null (unknown)"))
        role = edge.get("role", None)
        if role is not None and role not in ROLES:
            export.problems.append(problem(
                export.file, json_path(EDGES, index, "role"), role, ProblemReason.UNKNOWN_ROLE,
                "expected ADMIN, MEMBER or null (unknown)"))
        email = node.get("email")
        name = node.get("name")
        logins.append(login)
        emails.append(email.strip() if type(email) is str and email.strip() else None)
        mfa.append(two_factor if type(two_factor) is bool else None)
        names.append(name if type(name) is str and name else None)
        roles.append(ROLES.get(role) if type(role) is str else None)
    organization = found.get(f"{ORGANIZATION}.login")
    if organization is not None and (type(organization) is not str or not organization.strip()):
        wrong(json_path(f"{ORGANIZATION}.login"), organization, "the organization's login")
        organization = None
    enforced = found.get(f"{ORGANIZATION}.requiresTwoFactorAuthentication")
    if enforced is not None and type(enforced) is not bool:
        export.problems.append(problem(
            export.file, json_path(f"{ORGANIZATION}.requiresTwoFactorAuthentication"),
            enforced, ProblemReason.INVALID_BOOLEAN, "expected true, false or null (unknown)"))
        enforced = None
    export.raise_problems()
    account = organization.strip() if isinstance(organization, str) else file_stem(path)
    count = len(logins)
    gaps = github_gaps(count, emails, mfa, roles, enforced is None,
                       named=organization is not None, file=path)
    if found.get(f"{ORGANIZATION}.membersWithRole.pageInfo.hasNextPage") is True:
        gaps.append(Gap("one_page_of_several", count,
                        "the file is one page of several (pageInfo.hasNextPage is true): "
                        "members on the other pages are not in it"))
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table({"key": logins, "email": emails, "mfa_enabled": mfa, "name": names,
                          "github_login": logins}, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [enforced]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": pa.repeat(account, count) if count else [],
                                "user": logins, "role": roles}),
        invitations=empty_invitations(),
        account_from_file=organization is None,
        gaps=tuple(gaps),
    )


def github_gaps(count: int, emails: list[str | None], mfa: list[bool | None],
                roles: list[str | None], enforcement_unknown: bool, *, named: bool,
                file: str) -> list[Gap]:
    """What a GitHub member list lacks: emails, 2FA states, roles, enforcement, plan."""
    gaps = []
    no_email = sum(email is None for email in emails)
    if no_email:
        gaps.append(Gap("no_email", no_email, f"{no_email:,} of {count:,} members have no "
                        "email in the file: their id stands in for it, and they are never "
                        "merged with another source"))
    unknown = sum(state is None for state in mfa)
    if unknown:
        gaps.append(Gap("mfa_unknown", unknown, f"the 2FA state of {unknown:,} of "
                        f"{count:,} members is not given (only an owner sees it): unknown"))
    no_role = sum(role is None for role in roles)
    if no_role:
        gaps.append(Gap("role_unknown", no_role, f"the role of {no_role:,} of {count:,} "
                        "members is not given (only an owner sees it): written as member"))
    if enforcement_unknown:
        gaps.append(Gap("enforcement_unknown", 1, "whether the organization requires 2FA is "
                        "not given: mfa_enforced is unknown"))
    if not named:
        gaps.append(Gap("account_named_after_file", 1, "the file does not name its "
                        f"organization: the account is named after the file "
                        f"({file_stem(file)!r}) unless another GitHub file names the "
                        "organization"))
    gaps.append(Gap("no_plan", 1, "GitHub plans are not in the file: the plan is empty "
                    "(tier unknown)"))
    return gaps


FORMAT = ExportFormat(
    name="github-graphql",
    product="github",
    title="GitHub GraphQL organization.membersWithRole (owner or non-owner view)",
    obtain="gh api graphql -f query='{ organization(login: \"ORG\") { login "
           "requiresTwoFactorAuthentication membersWithRole(first: 100) { pageInfo "
           "{ hasNextPage endCursor } edges { role hasTwoFactorEnabled node { login name "
           "email } } } } }' > members.json",
    recognises=recognises,
    read=read,
)
