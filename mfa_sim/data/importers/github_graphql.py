"""GitHub's GraphQL ``organization.membersWithRole``, as an owner or a non-owner sees it.

Each edge has the member's ``role`` (``ADMIN``, GitHub's org owner, or ``MEMBER``) and
``hasTwoFactorEnabled``; both are ``null`` when the viewer is not an owner, which means
*unknown*, never false. ``node.email`` is the public profile email, often ``""``.
``organization.requiresTwoFactorAuthentication`` gives the account's enforcement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfa_sim.columns.buffers import null_of, rows_of, scalar_of, text_array
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
from mfa_sim.data.importers.json_stream import MISSING, JsonExport, json_path
from mfa_sim.errors import ProblemReason

if TYPE_CHECKING:
    import pyarrow as pa

ORGANIZATION = "data.organization"
EDGES = f"{ORGANIZATION}.membersWithRole.edges.item"

ROLES = {"ADMIN": "owner", "MEMBER": "member"}
"""GraphQL's OrganizationMemberRole: ADMIN is what the web pages call an Owner."""


def recognises(head: FileHead) -> bool:
    """A GraphQL response holding ``organization.membersWithRole``."""
    return head.kind == "json" and f"{ORGANIZATION}.membersWithRole" in head.keys


BATCH = 1 << 13
"""Edges converted to Arrow at a time: the parser builds each edge as a Python object,
and a batch of them becomes columns in one call."""


def _edge_type() -> pa.DataType:
    import pyarrow as pa

    return pa.struct([("role", pa.string()), ("hasTwoFactorEnabled", pa.bool_()),
                      ("node", pa.struct([("login", pa.string()), ("name", pa.string()),
                                          ("email", pa.string())]))])


def _schema() -> pa.Schema:
    """The part of a response that is read; any other key is ignored."""
    import pyarrow as pa

    members = pa.struct([("pageInfo", pa.struct([("hasNextPage", pa.bool_())])),
                         ("edges", pa.list_(_edge_type()))])
    organization = pa.struct([("login", pa.string()),
                              ("requiresTwoFactorAuthentication", pa.bool_()),
                              ("membersWithRole", members)])
    return pa.schema([("data", pa.struct([("organization", organization)]))])


def _read_whole(path: str) -> tuple[pa.ChunkedArray, dict[str, object]] | None:
    """The edges and the organization's fields, read by Arrow's JSON reader in one
    pass (each page a row); ``None`` when the file is not of the schema's shape, to be
    read again as a stream that locates every problem."""
    import os

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pajson

    try:
        table = pajson.read_json(
            path, read_options=pajson.ReadOptions(block_size=os.path.getsize(path) + 1),
            parse_options=pajson.ParseOptions(explicit_schema=_schema(),
                                              unexpected_field_behavior="ignore",
                                              newlines_in_values=True))
        # The reader takes strings' bytes as they are: bytes that are not UTF-8 are
        # found here, and located by the stream.
        table.validate(full=True)
    except (pa.ArrowInvalid, OSError):
        return None
    organization = pc.struct_field(table.column("data"), "organization")
    if not table.num_rows or organization.null_count == len(organization):
        return None
    members = pc.struct_field(organization, "membersWithRole")
    edges = pc.list_flatten(pc.struct_field(members, "edges"))
    login = pc.struct_field(organization, "login").drop_null()
    enforced = pc.struct_field(organization, "requiresTwoFactorAuthentication").drop_null()
    pages = pc.struct_field(pc.struct_field(members, "pageInfo"), "hasNextPage").drop_null()
    found: dict[str, object] = {}
    if len(login):
        found[f"{ORGANIZATION}.login"] = login[0].as_py()
    if len(enforced):
        found[f"{ORGANIZATION}.requiresTwoFactorAuthentication"] = enforced[0].as_py()
    if len(pages):
        # Pages written one after another: the last says whether more were left out.
        found[f"{ORGANIZATION}.membersWithRole.pageInfo.hasNextPage"] = pages[-1].as_py()
    return pa.chunked_array(edges.chunks if isinstance(edges, pa.ChunkedArray)
                            else [edges], _edge_type()), found


def _read_stream(export: JsonExport, judged: set[int]
                 ) -> tuple[pa.ChunkedArray, dict[str, object]]:
    """The edges and the organization's fields, streamed: an edge that does not fit the
    schema is judged on its own, each problem located by its JSON path, and converted
    with what is wrong in it read as not given, so that every edge is still checked with
    the others (:func:`_check_columns`). The edges whose node or login was judged wrong
    here are added to ``judged``."""
    import pyarrow as pa

    given = export.scalars((f"{ORGANIZATION}.login",
                            f"{ORGANIZATION}.requiresTwoFactorAuthentication",
                            f"{ORGANIZATION}.membersWithRole.pageInfo.hasNextPage"),
                           export.head())
    found: dict[str, object] = {key: value for key, value in given.items()
                                if value is not None}
    edge_type = _edge_type()
    converted: list[pa.Array] = []
    for first, batch in export.batches(EDGES, BATCH):
        try:
            converted.append(pa.array(batch, edge_type))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            converted.append(pa.array([_judged_edge(export, first + offset, edge, judged)
                                       for offset, edge in enumerate(batch)], edge_type))
    return pa.chunked_array(converted, edge_type), found


def read(path: str) -> Mapped:
    """Map a ``membersWithRole`` response: one account, its members and their 2FA."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim.columns.arrays import one_chunk

    export = JsonExport(path)
    judged: set[int] = set()
    edges, found = _read_whole(path) or _read_stream(export, judged)
    if not len(edges) and f"{ORGANIZATION}.login" not in found and not export.problems:
        export.wrong(json_path(ORGANIZATION), MISSING, "the organization, with its login "
                     "and membersWithRole (a GraphQL answer of errors only has none)")
    node = pc.struct_field(edges, "node")
    logins = one_chunk(pc.utf8_trim_whitespace(pc.struct_field(node, "login")))
    roles = one_chunk(pc.struct_field(edges, "role"))
    _check_columns(export, node, logins, roles, judged)
    organization = found.get(f"{ORGANIZATION}.login")
    if organization is not None and (type(organization) is not str or not organization.strip()):
        export.wrong(json_path(f"{ORGANIZATION}.login"), organization,
                     "the organization's login")
        organization = None
    requires = f"{ORGANIZATION}.requiresTwoFactorAuthentication"
    enforced = export.flag(json_path(requires), found.get(requires))
    export.raise_problems()
    account = organization.strip() if isinstance(organization, str) else file_stem(path)
    count = len(logins)
    emails = pc.utf8_trim_whitespace(one_chunk(pc.struct_field(node, "email")))
    nothing = null_of(pa.string())
    emails = pc.if_else(pc.equal(emails, scalar_of("")), nothing, emails)
    names = one_chunk(pc.struct_field(node, "name"))
    names = pc.if_else(pc.equal(names, scalar_of("")), nothing, names)
    mfa = one_chunk(pc.struct_field(edges, "hasTwoFactorEnabled"))
    mapped_roles = pc.if_else(pc.equal(roles, scalar_of("ADMIN")), scalar_of("owner"),
                              pc.if_else(pc.equal(roles, scalar_of("MEMBER")),
                                         scalar_of("member"), nothing))
    gaps = github_gaps(count, emails.null_count, mfa.null_count, mapped_roles.null_count,
                       enforced is None, named=organization is not None, file=path)
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
        memberships=text_table({"account": pa.repeat(scalar_of(account), count),
                                "user": logins, "role": mapped_roles}),
        invitations=empty_invitations(),
        account_from_file=organization is None,
        gaps=tuple(gaps),
    )


def _judged_edge(export: JsonExport, index: int, edge: object, judged: set[int]
                 ) -> dict[str, object]:
    """An edge that does not convert to the schema's shape, judged: each value of the
    wrong type is a problem, and is read as not given. The edge's index joins ``judged``
    when its node or login is one of them (not to be reported again as missing)."""
    if type(edge) is not dict:
        export.wrong(json_path(EDGES, index), edge, "an object with role, "
                     "hasTwoFactorEnabled and node")
        judged.add(index)
        return {}
    node = edge.get("node", MISSING)
    kept: dict[str, object] | None = None
    if type(node) is not dict:
        export.wrong(json_path(EDGES, index, "node"), node, "an object with login")
        judged.add(index)
    else:
        kept = {}
        for key in ("login", "name", "email"):
            value = node.get(key)
            if value is not None and type(value) is not str:
                export.wrong(json_path(EDGES, index, "node", key), value, "text")
                if key == "login":
                    judged.add(index)
                value = None
            kept[key] = value
    role = edge.get("role")
    if role is not None and (type(role) is not str or role not in ROLES):
        _unknown_role(export, index, role)
        role = None
    return {"role": role, "node": kept, "hasTwoFactorEnabled": export.flag(
        json_path(EDGES, index, "hasTwoFactorEnabled"), edge.get("hasTwoFactorEnabled"))}


def _unknown_role(export: JsonExport, index: int, role: object) -> None:
    export.problems.append(problem(
        export.file, json_path(EDGES, index, "role"), role, ProblemReason.UNKNOWN_ROLE,
        "expected ADMIN, MEMBER or null (unknown)"))


def _check_columns(export: JsonExport, node: pa.ChunkedArray, logins: pa.Array,
                   roles: pa.Array, judged: set[int]) -> None:
    """The problems of every edge, as converted: no node or login (unless ``judged``
    already), an unknown role, a login met before. Edges are numbered as in the file:
    every one read is converted, the wrong ones with what is wrong read as not given."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim.data.importers.csv_export import distinct, repeated_rows

    for row in rows_of(node.is_null()).tolist():
        if row not in judged:
            export.wrong(json_path(EDGES, row, "node"), MISSING, "an object with login")
    empty = pc.and_(node.is_valid(),
                    pc.fill_null(pc.equal(logins, scalar_of("")), scalar_of(True)))
    for row in rows_of(empty).tolist():
        if row not in judged:
            export.wrong(json_path(EDGES, row, "node", "login"), logins[row].as_py(),
                         "a non-empty login")
    unknown = pc.and_(roles.is_valid(),
                      pc.invert(pc.is_in(roles, value_set=text_array(list(ROLES)))))
    for row in rows_of(unknown).tolist():
        _unknown_role(export, row, roles[row].as_py())
    # An empty login is reported above, never as repeated.
    given = pc.if_else(pc.equal(logins, scalar_of("")), null_of(pa.string()), logins)
    if not distinct(given):
        for row, first in repeated_rows(given):
            export.problems.append(problem(
                export.file, json_path(EDGES, row, "node", "login"), logins[row].as_py(),
                ProblemReason.DUPLICATE_ID,
                f"the login is already a member at {json_path(EDGES, first)}"))


def github_gaps(count: int, no_email: int, unknown: int, no_role: int,
                enforcement_unknown: bool, *, named: bool, file: str) -> list[Gap]:
    """What a GitHub member list lacks: emails, 2FA states, roles, enforcement, plan
    (given how many members lack each)."""
    gaps = []
    if no_email:
        gaps.append(Gap("no_email", no_email, f"{no_email:,} of {count:,} members have no "
                        "email in the file: their id stands in for it, and they are never "
                        "merged with another source"))
    if unknown:
        gaps.append(Gap("mfa_unknown", unknown, f"the 2FA state of {unknown:,} of "
                        f"{count:,} members is not given (only an owner sees it): unknown"))
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
