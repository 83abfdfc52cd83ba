"""GitHub's outside collaborators of an organization (REST
``GET /orgs/{org}/outside_collaborators``), each a member with the ``collaborator`` role.

The answer is a list of plain GitHub users (``login``, ``id``, ``type``,
``site_admin``...): no role, no 2FA field (GitHub gives 2FA only as a filter,
``filter=2fa_disabled``), no email, and not the organization's name. Of the formats
here it is the only plain list of users, which is how it is recognised.
"""

from __future__ import annotations

from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    Mapped,
    empty_invitations,
    file_stem,
    text_table,
)
from mfa_sim.data.importers.github_people import ITEMS
from mfa_sim.data.importers.json_stream import JsonExport

OTHER_FORMATS_KEYS = ("item.role", "item.tfa_enabled", "item.tfa_level", "item.inviter")


def recognises(head: FileHead) -> bool:
    """A JSON array of GitHub users (``login`` and ``site_admin``) with no role or 2FA."""
    return (head.kind == "json" and "item.login" in head.keys
            and "item.site_admin" in head.keys
            and not any(key in head.keys for key in OTHER_FORMATS_KEYS))


def read(path: str) -> Mapped:
    """Map outside collaborators: members with the collaborator role, 2FA unknown."""
    import pyarrow as pa

    export = JsonExport(path)
    logins: list[str] = []
    seen: dict[str, int] = {}
    for index, item in export.items(ITEMS):
        login = export.unique_key(ITEMS, index, item, "login", seen)
        if login is not None:
            logins.append(login)
    export.raise_problems()
    account = file_stem(path)
    count = len(logins)
    nothing: list[None] = [None] * count
    gaps = (
        Gap("no_email", count, f"the list gives no email: the ids of its {count:,} "
            "collaborators stand in for it, and they are never merged with another source"),
        Gap("mfa_unknown", count, "the list gives no 2FA state (GitHub has only the filter "
            "?filter=2fa_disabled): unknown, unless another file gives it"),
        Gap("account_named_after_file", 1, "the file does not name its organization: the "
            f"account is named after the file ({account!r}) unless another GitHub file "
            "names the organization"),
    )
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table({"key": logins, "email": nothing, "mfa_enabled": nothing,
                          "name": nothing, "github_login": logins},
                         {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [account] * count, "user": logins,
                                "role": ["collaborator"] * count}),
        invitations=empty_invitations(),
        account_from_file=True, gaps=gaps,
    )


FORMAT = ExportFormat(
    name="github-outside-collaborators",
    product="github",
    title="GitHub outside collaborators of an organization (REST JSON)",
    obtain="gh api --paginate /orgs/ORG/outside_collaborators > collaborators.json",
    recognises=recognises,
    read=read,
)
