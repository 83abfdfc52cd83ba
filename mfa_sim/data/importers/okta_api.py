"""Okta's management API: users (``GET /api/v1/users``) and their factors
(``GET /api/v1/users/{id}/factors``), as JSON. A user's id is Okta's (``00u...``) in both,
so the files of one org merge.

A user has MFA when a factor is ``ACTIVE``; a user whose factors are all pending (or
otherwise not active) has none; a user with no factors file stays unknown. ``STAGED``
and ``PROVISIONED`` users (invited, never activated) are invitations, not members;
``DEPROVISIONED`` users are counted and kept out. Admin roles and sign-on policies come
from other endpoints: everyone is ``member``, enforcement unknown.
"""

from __future__ import annotations

import re
from typing import Any

from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    LeftOut,
    Mapped,
    empty_accounts,
    empty_invitations,
    empty_memberships,
    file_stem,
    problem,
    text_table,
)
from mfa_sim.data.importers.github_people import ITEMS
from mfa_sim.data.importers.json_stream import MISSING, JsonExport, json_path
from mfa_sim.errors import ProblemReason

INVITED = ("STAGED", "PROVISIONED")
GONE = ("DEPROVISIONED",)
STATUSES = ("STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "LOCKED_OUT", "PASSWORD_EXPIRED",
            "SUSPENDED", "DEPROVISIONED")
FACTOR_STATUSES = ("PENDING_ACTIVATION", "ACTIVE", "INACTIVE", "NOT_SETUP", "ENROLLED",
                   "DISABLED", "EXPIRED")
_USER_URL = re.compile(r"^https?://([^/]+)/api/v1/users/([^/]+)")


def _link(item: dict[str, Any]) -> tuple[str, str] | None:
    """The org's host and the user's id in the item's ``_links.self.href``."""
    links = item.get("_links")
    own = links.get("self") if type(links) is dict else None
    href = own.get("href") if type(own) is dict else None
    found = _USER_URL.match(href) if type(href) is str else None
    return None if found is None else (found[1], found[2])


def _status(export: JsonExport, index: int, item: dict[str, Any],
            known: tuple[str, ...]) -> Any:
    """The item's ``status``; one that is not ``known`` is a problem."""
    status = item.get("status")
    if status not in known:
        export.problems.append(problem(
            export.file, json_path(ITEMS, index, "status"), status,
            ProblemReason.UNKNOWN_STATUS, "expected " + ", ".join(known)))
    return status


# -- users ---------------------------------------------------------------------------


def recognises_users(head: FileHead) -> bool:
    """A JSON array of objects with ``profile.login`` and ``status``."""
    return head.kind == "json" and {"item.profile.login", "item.status"} <= head.keys


def read_users(path: str) -> Mapped:
    """Map a users list: the org (its host) and each user, invited ones as invitations."""
    import pyarrow as pa

    export = JsonExport(path)
    seen: dict[str, int] = {}
    members: dict[str, list[Any]] = {"key": [], "email": [], "name": [], "login": [],
                                     "status": []}
    invited: list[str] = []
    hosts: list[str] = []
    gone = 0
    for index, item in export.items(ITEMS):
        identifier = export.unique_key(ITEMS, index, item, "id", seen)
        if type(item) is not dict:
            continue  # reported: nothing in it to judge
        status = _status(export, index, item, STATUSES)
        profile = item.get("profile", MISSING)
        written = profile.get("login") if type(profile) is dict else None
        login = written.strip() if type(written) is str else ""
        if not login:
            export.wrong(json_path(ITEMS, index, "profile", "login"),
                         MISSING if written is None else written, "the user's login")
        if identifier is None or not login or not export.clean:
            continue
        email = profile.get("email")
        email = email.strip() if type(email) is str and email.strip() else None
        link = _link(item)
        if link is not None:
            hosts.append(link[0])
        if status in GONE:
            gone += 1
        elif status in INVITED:
            invited.append(email or login)
        else:
            first, last = profile.get("firstName"), profile.get("lastName")
            name = " ".join(part for part in (first, last) if type(part) is str and part)
            members["key"].append(identifier)
            members["email"].append(email)
            members["name"].append(name or None)
            members["login"].append(login)
            members["status"].append(status)
    export.raise_problems()
    account = max(set(hosts), key=hosts.count) if hosts else file_stem(path)
    count = len(members["key"])
    gaps = [Gap("no_admin_flag", count, "admin roles come from the roles API, not in the "
                "file: every user is written as member"),
            Gap("mfa_unknown", count, "the users list has no factors: MFA is unknown unless "
                "a factors file (or an MFA list) gives it"),
            Gap("enforcement_unknown", 1, "MFA is required by sign-on policies, not in the "
                "file: mfa_enforced is unknown"),
            Gap("no_plan", 1, "Okta editions are not in the file: the plan is empty (tier "
                "unknown)")]
    if invited:
        gaps.append(Gap("invited_as_invitations", len(invited), f"{len(invited):,} STAGED "
                        "or PROVISIONED users (never activated) are invitations"))
    if not hosts:
        gaps.append(Gap("account_named_after_file", 1, "no user links to its org: the "
                        f"account is named after the file ({account!r})"))
    left_out = (LeftOut(gone, "DEPROVISIONED users are no members: kept out of the dataset"),
                ) if gone else ()
    return Mapped(
        file=path, format=USERS_FORMAT.name, product="okta",
        users=text_table({**members, "mfa_enabled": [None] * count},
                         {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [account] * count, "user": members["key"],
                                "role": [None] * count}),
        invitations=text_table({"account": [account] * len(invited), "email": invited,
                                "invitation_id": [None] * len(invited),
                                "role": [None] * len(invited),
                                "invited_at": [None] * len(invited)}),
        account_from_file=not hosts, gaps=tuple(gaps), left_out=left_out)


# -- factors ---------------------------------------------------------------------------


def recognises_factors(head: FileHead) -> bool:
    """A JSON array of objects with ``factorType`` and ``status``."""
    return head.kind == "json" and {"item.factorType", "item.status"} <= head.keys


def read_factors(path: str) -> Mapped:
    """Map factors: each user's MFA (an active factor) by Okta user id; no account."""
    import pyarrow as pa

    export = JsonExport(path)
    active: dict[str, bool] = {}
    for index, item in export.items(ITEMS):
        if type(item) is not dict:
            export.wrong(json_path(ITEMS, index), item, "a factor object")
            continue
        status = _status(export, index, item, FACTOR_STATUSES)
        link = _link(item)
        if link is None:
            export.wrong(json_path(ITEMS, index, "_links", "self", "href"), MISSING,
                         "the factor's link, .../api/v1/users/ID/factors/...")
        if link is None or not export.clean:
            continue
        active[link[1]] = active.get(link[1], False) or status == "ACTIVE"
    export.raise_problems()
    keys = list(active)
    pending = sum(not state for state in active.values())
    gaps = [Gap("factors_only", len(keys), "a factors file names its users by id only: "
                "with the users list of the same org they are one user each")]
    if pending:
        gaps.append(Gap("no_active_factor", pending, f"{pending:,} users have factors but "
                        "none ACTIVE (pending activation, say): no MFA"))
    return Mapped(
        file=path, format=FACTORS_FORMAT.name, product="okta",
        users=text_table({"key": keys, "email": [None] * len(keys),
                          "mfa_enabled": [active[key] for key in keys],
                          "name": [None] * len(keys)}, {"mfa_enabled": pa.bool_()}),
        accounts=empty_accounts(), memberships=empty_memberships(),
        invitations=empty_invitations(), gaps=tuple(gaps))


USERS_FORMAT = ExportFormat(
    name="okta-users", product="okta",
    title="Okta API users (JSON; STAGED and PROVISIONED users are invitations)",
    obtain="okta API: GET https://ORG.okta.com/api/v1/users (all pages) > users.json",
    recognises=recognises_users, read=read_users)
FACTORS_FORMAT = ExportFormat(
    name="okta-factors", product="okta",
    title="Okta API factors of users (JSON; MFA when a factor is ACTIVE)",
    obtain="okta API: GET https://ORG.okta.com/api/v1/users/ID/factors for each user, "
           "the answers joined in one JSON array > factors.json",
    recognises=recognises_factors, read=read_factors)
