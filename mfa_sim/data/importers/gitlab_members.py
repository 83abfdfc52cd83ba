"""GitLab: group members from the API (JSON) or from the members CSV export, and the
admin Users API (JSON), the only one with ``two_factor_enabled``. A user's id is their
``username`` in all three, so the files of one instance merge.

Access levels and roles map as: 50 Owner to ``owner``; 40 Maintainer to ``admin``; 30
Developer, 20 Reporter, 15 Planner, 10 Guest and 5 Minimal Access to ``member``. Neither
members format has a 2FA state (unknown unless the Users API, or an MFA list, gives it);
a group's ``require_two_factor_authentication`` is not in them either (unknown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.buffers import flags_of, rows_of, scalar_of, text_array
from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    Mapped,
    empty_invitations,
    file_stem,
    problem,
    text_table,
)
from mfa_sim.data.importers.csv_export import CsvExport
from mfa_sim.data.importers.github_people import ITEMS
from mfa_sim.data.importers.json_stream import JsonExport, json_path
from mfa_sim.errors import ProblemReason

if TYPE_CHECKING:
    import pyarrow as pa

ACCESS_LEVELS = {50: "owner", 40: "admin", 30: "member", 20: "member", 15: "member",
                 10: "member", 5: "member"}
ROLE_NAMES = {"owner": "owner", "maintainer": "admin", "developer": "member",
              "reporter": "member", "planner": "member", "guest": "member",
              "minimal access": "member"}
CSV_COLUMNS = ("Name", "Username", "Email", "Path", "Type", "Role", "Membership status")


def _unknown_mfa(count: int) -> list[Gap]:
    return [Gap("mfa_unknown", count, "GitLab's member lists have no 2FA state (only the "
                "admin Users API has two_factor_enabled): unknown"),
            Gap("enforcement_unknown", 1, "whether a group requires 2FA "
                "(require_two_factor_authentication) is not in the file: unknown"),
            Gap("no_plan", 1, "GitLab tiers are not in the file: the plan is empty (tier "
                "unknown)")]


def _email(item: dict[str, Any]) -> str | None:
    email = item.get("email")
    if type(email) is str and email.strip():
        return email.strip()
    identity = item.get("group_saml_identity")
    uid = identity.get("extern_uid") if type(identity) is dict else None
    return uid.strip() if type(uid) is str and "@" in uid else None


# -- group members, API ------------------------------------------------------------------


def recognises_api(head: FileHead) -> bool:
    """A JSON array of objects with ``username`` and ``access_level``."""
    return head.kind == "json" and {"item.username", "item.access_level"} <= head.keys


def read_api(path: str) -> Mapped:
    """Map ``GET /groups/:id/members``: the group (named after the file), its members."""
    import pyarrow as pa

    export = JsonExport(path)
    seen: dict[str, int] = {}
    columns: dict[str, list[Any]] = {"key": [], "email": [], "name": [], "state": [],
                                     "role": []}
    for index, item in export.items(ITEMS):
        username = export.unique_key(ITEMS, index, item, "username", seen)
        if type(item) is not dict:
            continue  # reported: nothing in it to judge
        level = item.get("access_level")
        role = ACCESS_LEVELS.get(level) if type(level) is int else None
        if role is None:
            export.problems.append(problem(
                export.file, json_path(ITEMS, index, "access_level"), level,
                ProblemReason.UNKNOWN_ROLE, "expected 50, 40, 30, 20, 15, 10 or 5"))
        if username is None or role is None or not export.clean:
            continue
        name, state = item.get("name"), item.get("state")
        columns["key"].append(username)
        columns["email"].append(_email(item))
        columns["name"].append(name if type(name) is str and name else None)
        columns["state"].append(state if type(state) is str else None)
        columns["role"].append(role)
    export.raise_problems()
    account = file_stem(path)
    count = len(columns["key"])
    roles = columns.pop("role")
    no_email = columns["email"].count(None)
    gaps = [Gap("account_named_after_file", 1, "the answer does not name its group: the "
                f"account is named after the file ({account!r}) unless another GitLab file "
                "names one"), *_unknown_mfa(count)]
    if no_email:
        gaps.append(Gap("no_email", no_email, f"{no_email:,} members have no email (GitLab "
                        "shows it for enterprise users only): their id stands in for it"))
    return Mapped(
        file=path, format=API_FORMAT.name, product="gitlab",
        users=text_table({**columns, "mfa_enabled": [None] * count,
                          "gitlab_username": columns["key"]}, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [account] * count, "user": columns["key"],
                                "role": roles}),
        invitations=empty_invitations(), account_from_file=True, gaps=tuple(gaps))


# -- group members, CSV export -----------------------------------------------------------


def recognises_csv(head: FileHead) -> bool:
    """A CSV whose header has ``Username``, ``Role`` and ``Membership status``."""
    return head.kind == "csv" and head.header_has("Username", "Role", "Membership status")


def read_csv(path: str) -> Mapped:
    """Map a members export: a group or project per ``Path``, its members, and pending
    members as invitations."""
    import pyarrow as pa

    export = CsvExport(path, CSV_COLUMNS)
    usernames, paths, roles = (export.column("Username"), export.column("Path"),
                               export.column("Role"))
    count = len(usernames)
    status, emails, names = (_or_empty(export.column(name, required=False), count)
                             for name in ("Membership status", "Email", "Name"))
    pending = _judged_rows(export, usernames, paths, roles, status, emails)
    export.raise_problems()
    users: dict[str, tuple[str | None, str | None]] = {}
    accounts: list[str] = []
    pairs: dict[tuple[str, str], str] = {}
    invited: list[tuple[str, str, str]] = []
    for username, where, written, is_pending, email, name in zip(
            usernames.to_pylist(), paths.to_pylist(), roles.to_pylist(), pending.tolist(),
            emails.to_pylist(), names.to_pylist(), strict=True):
        role = ROLE_NAMES[written.lower()]
        if where not in accounts:
            accounts.append(where)
        if is_pending:
            invited.append((where, email or f"gitlab:{username}", role))
            continue
        # Older exports list a user once per membership: the first name and email stay.
        users.setdefault(username, (email or None, name or None))
        pairs.setdefault((where, username), role)
    keys = list(users)
    no_email = sum(email is None for email, _ in users.values())
    gaps = _unknown_mfa(len(keys))
    if no_email:
        gaps.append(Gap("no_email", no_email, f"{no_email:,} members have no email: their "
                        "id stands in for it"))
    if invited:
        gaps.append(Gap("pending_as_invitations", len(invited), f"{len(invited):,} pending "
                        "members (invited by email) are invitations"))
    return Mapped(
        file=path, format=CSV_FORMAT.name, product="gitlab",
        users=text_table({"key": keys, "email": [users[key][0] for key in keys],
                          "mfa_enabled": [None] * len(keys),
                          "name": [users[key][1] for key in keys], "gitlab_username": keys},
                         {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": accounts, "name": accounts, "plan": [""] * len(accounts),
                             "mfa_enforced": [None] * len(accounts)},
                            {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [where for where, _ in pairs],
                                "user": [user for _, user in pairs],
                                "role": list(pairs.values())}),
        invitations=text_table({"account": [where for where, _, _ in invited],
                                "email": [email for _, email, _ in invited],
                                "invitation_id": [None] * len(invited),
                                "role": [role for _, _, role in invited],
                                "invited_at": [None] * len(invited)}),
        gaps=tuple(gaps))


def _or_empty(column: pa.Array | None, count: int) -> pa.Array:
    """An optional column, or empty text where the file does not have it."""
    import pyarrow as pa

    return pa.repeat(scalar_of(""), count) if column is None else column


def _judged_rows(export: CsvExport, usernames: pa.Array, paths: pa.Array, roles: pa.Array,
                 status: pa.Array, emails: pa.Array) -> np.ndarray:
    """Every field of every row judged, each problem located; which rows are pending
    (invitations, which need an email or a username, where a member needs a username)."""
    import pyarrow.compute as pc

    export.report("Path", rows_of(pc.equal(paths, scalar_of(""))), paths,
                  ProblemReason.EMPTY_ID, "the path is empty")
    known = pc.is_in(pc.utf8_lower(roles), value_set=text_array(list(ROLE_NAMES)))
    export.report("Role", rows_of(pc.invert(known)), roles, ProblemReason.UNKNOWN_ROLE,
                  "unknown role; known: Owner, Maintainer, Developer, Reporter, Planner, "
                  "Guest, Minimal Access")
    pending = pc.equal(pc.utf8_lower(status), scalar_of("pending"))
    no_username = pc.equal(usernames, scalar_of(""))
    export.report("Email", rows_of(pc.and_(pending, pc.and_(
        no_username, pc.equal(emails, scalar_of(""))))), emails, ProblemReason.EMPTY_ID,
        "a pending member has neither an email nor a username")
    export.report("Username", rows_of(pc.and_(pc.invert(pending), no_username)), usernames,
                  ProblemReason.EMPTY_ID, "the username is empty")
    return flags_of(pending)


# -- admin Users API ------------------------------------------------------------------


def recognises_users(head: FileHead) -> bool:
    """A JSON array of objects with ``username`` and ``two_factor_enabled``."""
    return head.kind == "json" and {"item.username", "item.two_factor_enabled"} <= head.keys


def read_users(path: str) -> Mapped:
    """Map the admin Users API: the instance as one account (its admins ``admin``),
    each user's email and 2FA."""
    import pyarrow as pa

    export = JsonExport(path)
    seen: dict[str, int] = {}
    columns: dict[str, list[Any]] = {"key": [], "email": [], "mfa_enabled": [], "name": [],
                                     "state": []}
    roles: list[str] = []
    hosts: list[str] = []
    for index, item in export.items(ITEMS):
        username = export.unique_key(ITEMS, index, item, "username", seen)
        if type(item) is not dict:
            continue  # reported: nothing in it to judge
        flags = {key: export.flag(json_path(ITEMS, index, key), item.get(key))
                 for key in ("two_factor_enabled", "is_admin")}
        if username is None or not export.clean:
            continue
        name, state, web = item.get("name"), item.get("state"), item.get("web_url")
        columns["key"].append(username)
        columns["email"].append(_email(item))
        columns["mfa_enabled"].append(flags["two_factor_enabled"])
        columns["name"].append(name if type(name) is str and name else None)
        columns["state"].append(state if type(state) is str else None)
        roles.append("admin" if flags["is_admin"] else "member")
        if type(web) is str and "://" in web:
            hosts.append(web.split("://", 1)[1].split("/", 1)[0])
    export.raise_problems()
    account = max(set(hosts), key=hosts.count) if hosts else file_stem(path)
    count = len(columns["key"])
    gaps = [Gap("instance_as_account", 1, f"the instance ({account}) is one account: its "
                "administrators (is_admin) are admin, every other user member"),
            Gap("enforcement_unknown", 1, "whether the instance requires 2FA is not in the "
                "file: unknown"),
            Gap("no_plan", 1, "GitLab tiers are not in the file: the plan is empty (tier "
                "unknown)")]
    unknown = columns["mfa_enabled"].count(None)
    if unknown:
        gaps.append(Gap("mfa_unknown", unknown, f"{unknown:,} users have no "
                        "two_factor_enabled (it is shown to administrators only): unknown"))
    return Mapped(
        file=path, format=USERS_FORMAT.name, product="gitlab",
        users=text_table({**columns, "gitlab_username": columns["key"]},
                         {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [account] * count, "user": columns["key"],
                                "role": roles}),
        invitations=empty_invitations(), gaps=tuple(gaps))


API_FORMAT = ExportFormat(
    name="gitlab-members-api", product="gitlab",
    title="GitLab group members API (JSON; no 2FA state)",
    obtain="glab api --paginate groups/GROUP/members/all > members.json",
    recognises=recognises_api, read=read_api)
CSV_FORMAT = ExportFormat(
    name="gitlab-members-csv", product="gitlab",
    title="GitLab group members CSV export (pending members are invitations)",
    obtain="group > Manage > Members > Export as CSV (the file is emailed to you)",
    recognises=recognises_csv, read=read_csv)
USERS_FORMAT = ExportFormat(
    name="gitlab-users", product="gitlab",
    title="GitLab admin Users API (JSON; two_factor_enabled, is_admin)",
    obtain="glab api --paginate users > users.json (as an administrator)",
    recognises=recognises_users, read=read_users)
