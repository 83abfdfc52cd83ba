"""Google Workspace's Directory API ``users.list`` (JSON).

Each user has ``primaryEmail``, ``isEnrolledIn2Sv`` and ``isEnforcedIn2Sv`` (JSON
booleans), ``isAdmin`` (super admin, an owner here), ``isDelegatedAdmin`` (an admin),
``orgUnitPath`` (``/`` is the top), ``customerId`` (the tenant), ``suspended``,
``archived`` and ``lastLoginTime``, which is ``1970-01-01T00:00:00.000Z`` for a user who
never signed in. A file with ``nextPageToken`` is one page of several.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mfa_sim.columns.buffers import arrow_of, text_array, typed_array
from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    Mapped,
    empty_invitations,
    problem,
    text_table,
)
from mfa_sim.data.importers.google_common import enforcement, main_domain
from mfa_sim.data.importers.json_stream import MISSING, JsonExport, json_path
from mfa_sim.errors import ProblemReason

ITEMS = "users.item"
NEVER = "1970-01-01T00:00:00.000Z"
"""``lastLoginTime`` of a user who never signed in."""

BOOLEANS = ("isEnrolledIn2Sv", "isEnforcedIn2Sv", "isAdmin", "isDelegatedAdmin",
            "suspended", "archived")


def recognises(head: FileHead) -> bool:
    """A JSON object whose ``users`` have ``primaryEmail``."""
    return head.kind == "json" and "users.item.primaryEmail" in head.keys


def read(path: str) -> Mapped:
    """Map a users list: one account per customer, admins as owners and admins."""
    import pyarrow as pa

    export = JsonExport(path)
    found = export.scalars(("nextPageToken",), export.head())
    columns: dict[str, list[Any]] = {name: [] for name in (
        "key", "mfa_enabled", "name", "org_unit_path", "suspended", "archived",
        "last_login", "two_step_enforced", "google_id", "customer")}
    roles: list[str] = []
    enforced: list[bool | None] = []
    seen: dict[str, int] = {}
    never = 0
    for index, user in export.items(ITEMS):
        if type(user) is not dict:
            export.wrong(json_path(ITEMS, index), user, "a user object")
            continue
        email = _primary_email(export, index, user, seen)
        flags = {key: export.flag(json_path(ITEMS, index, key), user.get(key))
                 for key in BOOLEANS}
        for key in ("orgUnitPath", "lastLoginTime", "customerId", "id"):
            if type(user.get(key)) in (dict, list):
                export.wrong(json_path(ITEMS, index, key), user[key], "text")
        if email is None or not export.clean:
            continue
        name = user.get("name")
        full = name.get("fullName") if type(name) is dict else None
        last = user.get("lastLoginTime")
        never += last == NEVER
        customer = user.get("customerId")
        if type(customer) is not str:
            customer = None
        columns["key"].append(email)
        columns["mfa_enabled"].append(flags["isEnrolledIn2Sv"])
        columns["name"].append(full if type(full) is str and full else None)
        columns["org_unit_path"].append(_text(user.get("orgUnitPath")))
        columns["suspended"].append(_flag(flags["suspended"]))
        columns["archived"].append(_flag(flags["archived"]))
        columns["last_login"].append("" if last == NEVER else _text(last))
        columns["two_step_enforced"].append(_flag(flags["isEnforcedIn2Sv"]))
        columns["google_id"].append(_text(user.get("id")))
        columns["customer"].append(customer if type(customer) is str and customer else None)
        roles.append("owner" if flags["isAdmin"] else
                     "admin" if flags["isDelegatedAdmin"] else "member")
        enforced.append(flags["isEnforcedIn2Sv"])
    export.raise_problems()
    emails = text_array(columns["key"])
    customers = columns.pop("customer")
    # A tenant is named after its users' main email domain, as the CSV download's is
    # (it has no customer id), so that the two formats of one tenant make one account.
    members: dict[str | None, list[int]] = {}
    for row, customer in enumerate(customers):
        members.setdefault(customer, []).append(row)
    domain = {customer: main_domain(emails.take(arrow_of(np.array(rows, dtype=np.int64))))
              for customer, rows in members.items()}
    tenants = [domain[customer] for customer in customers]
    accounts = list(dict.fromkeys(tenants))
    names = [next((customer for customer in members if domain[customer] == account
                   and customer), account) for account in accounts]
    states, gaps = [], []
    for account in accounts:
        rows = [row for row, tenant in enumerate(tenants) if tenant == account]
        state, found_gaps = enforcement(typed_array([enforced[row] for row in rows],
                                                    pa.bool_()), len(rows))
        states.append(state)
        gaps.extend(found_gaps)
    if never:
        gaps.append(Gap("never_signed_in", never, f"{never:,} users never signed in "
                        f"(lastLoginTime {NEVER}): last_login is empty"))
    if found.get("nextPageToken"):
        gaps.append(Gap("one_page_of_several", len(emails), "the file is one page of several "
                        "(it has a nextPageToken): users on the other pages are not in it"))
    users = dict(columns)
    users["email"] = columns["key"]
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table(users, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": accounts, "name": names, "plan": [""] * len(accounts),
                             "mfa_enforced": states}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": tenants, "user": columns["key"], "role": roles}),
        invitations=empty_invitations(),
        gaps=tuple(_merged(gaps)),
    )


def _primary_email(export: JsonExport, index: int, user: dict[str, Any],
                   seen: dict[str, int]) -> str | None:
    """The user's email (trimmed), or ``None`` with a problem: it is missing or empty,
    or an earlier user (``seen``, by case-folded email) has it."""
    email = user.get("primaryEmail", MISSING)
    where = json_path(ITEMS, index, "primaryEmail")
    if type(email) is not str or not email.strip():
        export.wrong(where, email, "an email address")
        return None
    email = email.strip()
    if email.lower() in seen:
        export.problems.append(problem(
            export.file, where, email, ProblemReason.DUPLICATE_ID,
            f"the user is already at {json_path(ITEMS, seen[email.lower()])}"))
        return None
    seen[email.lower()] = index
    return email


def _text(value: Any) -> str | None:
    return value if type(value) is str else None if value is None else str(value)


def _flag(value: bool | None) -> str | None:
    return None if value is None else "true" if value else "false"


def _merged(gaps: list[Gap]) -> list[Gap]:
    """One gap per code: the first message, counts added up (several tenants)."""
    kept: dict[str, Gap] = {}
    for gap in gaps:
        if gap.code in kept:
            first = kept[gap.code]
            kept[gap.code] = Gap(gap.code, first.count + gap.count, first.message)
        else:
            kept[gap.code] = gap
    return list(kept.values())


FORMAT = ExportFormat(
    name="google-directory",
    product="google",
    title="Google Workspace Directory API users.list (JSON)",
    obtain="GET https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer"
           "&projection=full (for example gam print users allfields formatjson, or the "
           "API Explorer), saved as JSON",
    recognises=recognises,
    read=read,
)
