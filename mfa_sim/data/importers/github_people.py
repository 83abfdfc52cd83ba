"""GitHub's organization People export as JSON (People, Export, JSON).

One object per member: ``login``, ``name`` (``null`` or ``""`` at times),
``tfa_enabled`` (a JSON boolean), ``role`` (``Owner`` or ``Member``), ``tfa_level``
(``secure``, ``insecure`` for SMS, ``disabled``), ``is_public``,
``organization_roles_count`` and, on Enterprise Cloud with SAML, ``saml_name_id``. The
organization's name is not in the file, and neither is an email (but ``saml_name_id``).
"""

from __future__ import annotations

from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Mapped,
    empty_invitations,
    file_stem,
    problem,
    text_table,
)
from mfa_sim.data.importers.github_graphql import github_gaps
from mfa_sim.data.importers.json_stream import JsonExport, json_path
from mfa_sim.errors import ProblemReason

ITEMS = "item"
ROLES = {"owner": "owner", "member": "member"}


def recognises(head: FileHead) -> bool:
    """A JSON array of objects with ``login`` and ``tfa_enabled`` or ``tfa_level``."""
    return head.kind == "json" and "item.login" in head.keys and (
        "item.tfa_enabled" in head.keys or "item.tfa_level" in head.keys)


def read(path: str) -> Mapped:
    """Map a People export: its members, their role and 2FA state."""
    import pyarrow as pa

    export = JsonExport(path)
    logins: list[str] = []
    emails: list[str | None] = []
    mfa: list[bool | None] = []
    names: list[str | None] = []
    roles: list[str | None] = []
    levels: list[str | None] = []
    seen: dict[str, int] = {}
    for index, item in export.items(ITEMS):
        login = export.unique_key(ITEMS, index, item, "login", seen)
        if type(item) is not dict:
            continue  # reported: nothing in it to judge
        enabled = export.flag(json_path(ITEMS, index, "tfa_enabled"), item.get("tfa_enabled"))
        role = item.get("role")
        if role is not None and (type(role) is not str or role.strip().lower() not in ROLES):
            export.problems.append(problem(
                export.file, json_path(ITEMS, index, "role"), role, ProblemReason.UNKNOWN_ROLE,
                "expected Owner or Member"))
        if login is None or not export.clean:
            continue
        saml = item.get("saml_name_id")
        name = item.get("name")
        level = item.get("tfa_level")
        logins.append(login)
        emails.append(saml.strip() if type(saml) is str and "@" in saml else None)
        mfa.append(enabled)
        names.append(name if type(name) is str and name else None)
        roles.append(ROLES.get(role.strip().lower()) if type(role) is str else None)
        levels.append(level if type(level) is str else None)
    export.raise_problems()
    account = file_stem(path)
    count = len(logins)
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table({"key": logins, "email": emails, "mfa_enabled": mfa, "name": names,
                          "github_login": logins, "tfa_level": levels},
                         {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [account] * count, "user": logins, "role": roles}),
        invitations=empty_invitations(),
        account_from_file=True,
        gaps=tuple(github_gaps(count, emails.count(None), mfa.count(None), roles.count(None),
                               True, named=False, file=path)),
    )


FORMAT = ExportFormat(
    name="github-people",
    product="github",
    title="GitHub organization People export (JSON)",
    obtain="github.com/orgs/ORG/people > Export > JSON",
    recognises=recognises,
    read=read,
)
