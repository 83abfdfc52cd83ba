"""Several mapped files made into one dataset (contract §6): ids prefixed with their
product, one user per product id, users of different products merged by email, and
every disagreement between files reported as a :class:`Conflict`, never settled silently.

- A user's id is ``product:key`` (``github:ada-example``); a user found in several
  products by email (compared trimmed and case-folded) is one user whose id is that
  email, case-folded. A user without an email is never merged across products, and
  their id stands in for the email users.csv requires: two ids of one product that
  differ only in case are then one user, reported as a ``shared_email`` conflict.
- Two files that disagree on an MFA state make it unknown; on anything else (a name,
  a role, an email, a plan) the first file's value is kept. Either way it is reported.
- An MFA list sets the state of the users whose email it names; an email that names
  nobody is reported, never made into a user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.buffers import arrow_of, numpy_of, scalar_of, text_array, typed_array
from mfa_sim.data.importers.base import Mapped, file_stem

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class Conflict:
    """Files that disagree about one value.

    Attributes
    ----------
    kind
        What they disagree on: ``mfa_enabled``, ``mfa_enforced``, ``name``, ``email``,
        ``plan``, ``role``; or ``shared_email``, one product's different ids with one
        email (made one user).
    subject
        The user or account (or ``account / user`` for a role) in the written dataset.
    values
        Each file with the value it gives, in the order the files were given.
    outcome
        What was written.
    """

    kind: str
    subject: str
    values: tuple[tuple[str, str], ...]
    outcome: str


@dataclass(frozen=True)
class Assembled:
    """The four files' text columns and what merging them did."""

    tables: dict[str, pa.Table]
    merged_users: int
    """Users found in more than one product and made one."""
    conflicts: tuple[Conflict, ...]
    mfa_list_applied: int
    """Users whose MFA state an MFA list gave."""
    mfa_list_unmatched: tuple[str, ...]
    """Emails of an MFA list that name no imported user."""
    account_choices: tuple[str, ...]
    """Sentences saying which account a file that names none was given."""


def assemble(mapped: Sequence[Mapped]) -> Assembled:
    """Make one dataset of every mapped file (in the order given)."""
    sources = [item for item in mapped if item.mfa_states is None]
    lists = [item for item in mapped if item.mfa_states is not None]
    sources, choices = _resolve_accounts(sources)
    conflicts: list[Conflict] = []
    merged_users, renamed, merged = _users(sources, conflicts)
    applied, unmatched = 0, tuple[str, ...]()
    if lists:
        merged_users, applied, unmatched = _apply_mfa_lists(merged_users, lists, conflicts)
    users = _written_users(merged_users)
    accounts = _accounts(sources, conflicts)
    memberships = _memberships(sources, renamed, conflicts)
    invitations = _invitations(sources, conflicts)
    return Assembled(
        tables={"users": users, "accounts": accounts, "memberships": memberships,
                "invitations": invitations},
        merged_users=merged, conflicts=tuple(conflicts), mfa_list_applied=applied,
        mfa_list_unmatched=unmatched, account_choices=tuple(choices))


# -- accounts a file does not name ---------------------------------------------------


def _resolve_accounts(sources: list[Mapped]) -> tuple[list[Mapped], list[str]]:
    """A file that does not name its account (a People export, pending invitations)
    belongs to the one account the other files of its product name, if there is one."""
    import pyarrow.compute as pc

    choices = []
    named: dict[str, list[str]] = {}
    for item in sources:
        if not item.account_from_file:
            for key in item.accounts.column("key").to_pylist():
                if key not in named.setdefault(item.product, []):
                    named[item.product].append(key)
    resolved = []
    for item in sources:
        candidates = named.get(item.product, [])
        if not item.account_from_file:
            resolved.append(item)
            continue
        stem = file_stem(item.file)
        if len(candidates) != 1:
            choices.append(f"{item.file} names no {item.product} account and the other "
                           f"files name {len(candidates)}: its account is "
                           f"{item.product}:{stem}, after the file")
            resolved.append(item)
            continue
        account = candidates[0]
        choices.append(f"{item.file} names no {item.product} account: it is given "
                       f"{item.product}:{account}, the one the other files name")

        def rename(table: pa.Table, column: str, account: str = account,
                   stem: str = stem) -> pa.Table:
            position = table.column_names.index(column)
            return table.set_column(position, column, pc.if_else(
                pc.equal(table.column(column), scalar_of(stem)), scalar_of(account),
                table.column(column)))

        resolved.append(replace(
            item, accounts=rename(item.accounts, "key"),
            memberships=rename(item.memberships, "account"),
            invitations=rename(item.invitations, "account")))
    return resolved, choices


# -- users ------------------------------------------------------------------------------


def _prefixed(product: str, keys: pa.Array | pa.ChunkedArray) -> pa.Array:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(scalar_of(f"{product}:"), keys, scalar_of(""))


def _all_users(sources: list[Mapped]) -> pa.Table:
    """Every file's users in one table: prefixed id, product, file number, then the
    mapped columns and every extra."""
    import pyarrow as pa

    tables = []
    for number, item in enumerate(sources):
        table = item.users
        rows = table.num_rows
        table = table.append_column("id", _prefixed(item.product, table.column("key")))
        table = table.append_column("source", pa.repeat(scalar_of(item.product), rows))
        table = table.append_column("file", _file_numbers(number, rows))
        tables.append(table.drop_columns(["key"]))
    if not tables:
        from mfa_sim.data.importers.base import empty_users

        empty = empty_users().drop_columns(["key"])
        return empty.append_column("id", pa.nulls(0, pa.string())).append_column(
            "source", pa.nulls(0, pa.string())).append_column("file", _file_numbers(0, 0))
    return pa.concat_tables(tables, promote_options="default")


def _file_numbers(number: int, rows: int) -> pa.Array:
    """A file's number on each of its rows."""
    import pyarrow as pa

    return pa.repeat(scalar_of(number).cast(pa.int32()), rows)


def _repeated(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which rows hold a (non-null) value that another row holds too."""
    import pyarrow.compute as pc

    from mfa_sim.data.importers.csv_export import distinct

    if distinct(values):
        return np.zeros(len(values), dtype=bool)

    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pc.pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    valid = numpy_of(encoded.indices.is_valid())
    codes = numpy_of(encoded.indices.fill_null(scalar_of(0).cast(encoded.indices.type)))
    codes = np.where(valid, codes, -1).astype(np.int64)
    counts = np.bincount(codes[valid], minlength=len(encoded.dictionary))
    repeated: np.ndarray = np.zeros(len(codes), dtype=bool)
    repeated[valid] = counts[codes[valid]] > 1
    return repeated


def _folded(emails: pa.Array | pa.ChunkedArray) -> pa.Array:
    from mfa_sim.columns.arrays import one_chunk
    from mfa_sim.model.emails import email_keys

    return email_keys(one_chunk(emails))


def _users(sources: list[Mapped], conflicts: list[Conflict]
           ) -> tuple[pa.Table, dict[str, str], int]:
    """One row per user; the ids that merging changed (prefixed id to final id); how
    many users were merged across products."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = _all_users(sources)
    ids = table.column("id")
    # A user without an email is written with their id in its place, compared as
    # emails are: ids that differ only in case (GitHub's logins ignore it) are one user.
    folded = _folded(pc.coalesce(table.column("email"), ids))
    candidates = _repeated(ids) | _repeated(folded)
    if not candidates.any():
        return table, {}, 0
    files = [item.file for item in sources]
    rows = np.flatnonzero(candidates)
    groups = _groups(rows, ids.to_pylist(), folded.to_pylist())
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    keep = np.ones(table.num_rows, dtype=bool)
    renamed: dict[str, str] = {}
    merged = 0
    for group in groups:
        first = group[0]
        keep[group[1:]] = False
        distinct = list(dict.fromkeys(columns["id"][row] for row in group))
        emails = list(dict.fromkeys(folded_email for row in group
                                    if (folded_email := _fold(columns["email"][row]))))
        final = emails[0] if len(distinct) > 1 and emails else distinct[0]
        if len(distinct) > 1:
            merged += 1
            products = [identifier.split(":", 1)[0] for identifier in distinct]
            if len(set(products)) < len(products):
                conflicts.append(Conflict(
                    "shared_email", final, _given(columns, "id", group, files),
                    "one product's different ids share this email: made one user"))
        for old in distinct:
            if old != final:
                renamed[old] = final
        columns["id"][first] = final
        _merge_user(columns, group, final, files, conflicts)
        if len(emails) > 1:
            conflicts.append(Conflict("email", final, _given(columns, "email", group, files),
                                      f"kept {columns['email'][first]!r} (the first file's)"))
    merged_table = pa.table({name: typed_array(values, table.schema.field(name).type)
                             for name, values in columns.items()}).filter(arrow_of(keep))
    return merged_table, renamed, merged


def _fold(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def _groups(rows: np.ndarray, ids: list[str], emails: list[str | None]) -> list[list[int]]:
    """Rows that share an id or an email, joined transitively, each group in row order
    and the groups in the order of their first row."""
    parent = {int(row): int(row) for row in rows}

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    def join(one: int, other: int) -> None:
        low, high = sorted((root(one), root(other)))
        parent[high] = low

    first_of: dict[tuple[str, str], int] = {}
    for row in parent:
        for kind, value in (("id", ids[row]), ("email", emails[row])):
            if value is not None:
                join(row, first_of.setdefault((kind, value), row))
    groups: dict[int, list[int]] = {}
    for row in sorted(parent):
        groups.setdefault(root(row), []).append(row)
    return sorted(groups.values(), key=lambda group: group[0])


def _given(columns: dict[str, list[Any]], column: str, group: list[int],
           files: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple((files[columns["file"][row]], _shown(columns[column][row])) for row in group
                 if columns[column][row] is not None)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _merge_user(columns: dict[str, list[Any]], group: list[int], final: str,
                files: list[str], conflicts: list[Conflict]) -> None:
    """Fill the group's first row from the others; report what they disagree on."""
    first = group[0]
    states = {columns["mfa_enabled"][row] for row in group} - {None}
    if len(states) > 1:
        conflicts.append(Conflict("mfa_enabled", final,
                                  _given(columns, "mfa_enabled", group, files),
                                  "written as unknown"))
        columns["mfa_enabled"][first] = None
    else:
        columns["mfa_enabled"][first] = next(iter(states), None)
    names = list(dict.fromkeys(name.strip() for row in group
                               if (name := columns["name"][row]) and name.strip()))
    if len(names) > 1:
        conflicts.append(Conflict("name", final, _given(columns, "name", group, files),
                                  f"kept {names[0]!r} (the first file's)"))
    sources = list(dict.fromkeys(columns["source"][row] for row in group))
    columns["source"][first] = " ".join(sources)
    for name, values in columns.items():
        if name in ("id", "mfa_enabled", "source", "file") or values[first] is not None:
            continue
        values[first] = next((values[row] for row in group if values[row] is not None), None)


def _written_users(table: pa.Table) -> pa.Table:
    """users.csv's columns: a user without an email has their id in its place."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table.column("id")
    email = pc.coalesce(table.column("email"), ids)
    columns = {"user_id": ids, "email": email,
               "mfa_enabled": _state_text(table.column("mfa_enabled")),
               "name": table.column("name"), "source": table.column("source")}
    for name in table.column_names:
        if name not in (*columns, "id", "file"):
            columns[name] = table.column(name)
    return pa.table({name: _text(values) for name, values in columns.items()})


def _text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    import pyarrow as pa

    from mfa_sim.columns.arrays import one_chunk

    return one_chunk(values).cast(pa.string())


def _state_text(states: pa.Array | pa.ChunkedArray) -> pa.Array:
    import pyarrow.compute as pc

    return pc.if_else(states, scalar_of("true"), scalar_of("false"))


# -- MFA lists --------------------------------------------------------------------------


def _apply_mfa_lists(users: pa.Table, lists: list[Mapped], conflicts: list[Conflict]
                     ) -> tuple[pa.Table, int, tuple[str, ...]]:
    """Each list's states given to the users whose (real) email it names."""
    import pyarrow as pa

    ids = users.column("id").to_pylist()
    states: list[bool | None] = users.column("mfa_enabled").to_pylist()
    row_of: dict[str, int] = {}
    for row, email in enumerate(users.column("email").to_pylist()):
        folded = _fold(email)
        if folded is not None:
            row_of.setdefault(folded, row)
    disputed = {conflict.subject for conflict in conflicts if conflict.kind == "mfa_enabled"}
    given: dict[int, list[tuple[str, str]]] = {}
    applied: set[int] = set()
    unmatched: list[str] = []
    for item in lists:
        assert item.mfa_states is not None
        for email, state in zip(item.mfa_states.column("email").to_pylist(),
                                item.mfa_states.column("mfa_enabled").to_pylist(), strict=True):
            found = row_of.get(_fold(email) or "")
            if found is None:
                unmatched.append(email)
                continue
            row = found
            if state is None or ids[row] in disputed:
                continue
            given.setdefault(row, []).append((item.file, _shown(state)))
            if states[row] is None and row not in applied:
                states[row] = state
                applied.add(row)
            elif states[row] is not None and states[row] != state:
                before = "the other files" if row not in applied else given[row][0][0]
                conflicts.append(Conflict("mfa_enabled", ids[row], (
                    (before, _shown(states[row])), (item.file, _shown(state))),
                    "written as unknown"))
                disputed.add(ids[row])
                applied.discard(row)
                states[row] = None
    position = users.column_names.index("mfa_enabled")
    users = users.set_column(position, "mfa_enabled", typed_array(states, pa.bool_()))
    return users, len(applied), tuple(unmatched)


# -- accounts, memberships, invitations ------------------------------------------------


def _accounts(sources: list[Mapped], conflicts: list[Conflict]) -> pa.Table:
    import pyarrow as pa

    ids: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    given: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for item in sources:
        for record in item.accounts.to_pylist():
            account = f"{item.product}:{record['key']}"
            given.setdefault(account, []).append((item.file, record))
            if account not in found:
                ids.append(account)
                found[account] = dict(record)
                continue
            kept = found[account]
            for column in ("name", "plan"):
                if not kept[column] and record[column]:
                    kept[column] = record[column]
    for account, records in given.items():
        kept = found[account]
        enforced = {record["mfa_enforced"] for _, record in records} - {None}
        if len(enforced) > 1:
            kept["mfa_enforced"] = None
            conflicts.append(Conflict("mfa_enforced", account, tuple(
                (file, _shown(record["mfa_enforced"])) for file, record in records
                if record["mfa_enforced"] is not None), "written as unknown"))
        else:
            kept["mfa_enforced"] = next(iter(enforced), None)
        plans = list(dict.fromkeys(record["plan"] for _, record in records if record["plan"]))
        if len(plans) > 1:
            conflicts.append(Conflict("plan", account, tuple(
                (file, record["plan"]) for file, record in records if record["plan"]),
                f"kept {plans[0]!r} (the first file's)"))
    rows = [found[account] for account in ids]
    return pa.table({
        "account_id": text_array(ids),
        "plan": text_array([row["plan"] or "" for row in rows]),
        "mfa_enforced": text_array([_shown(row["mfa_enforced"]) for row in rows]),
        "name": text_array([row["name"] for row in rows]),
    })


def _final_users(product: str, keys: pa.Array | pa.ChunkedArray,
                 renamed: dict[str, str]) -> pa.Array:
    import pyarrow.compute as pc

    prefixed = _prefixed(product, keys)
    if not renamed:
        return prefixed
    old = text_array(list(renamed))
    new = text_array(list(renamed.values()))
    return pc.coalesce(new.take(pc.index_in(prefixed, value_set=old)), prefixed)


def _memberships(sources: list[Mapped], renamed: dict[str, str],
                 conflicts: list[Conflict]) -> pa.Table:
    import pyarrow as pa

    tables = []
    for number, item in enumerate(sources):
        table = item.memberships
        tables.append(pa.table({
            "account_id": _prefixed(item.product, table.column("account")),
            "user_id": _final_users(item.product, table.column("user"), renamed),
            "role": _text(table.column("role")),
            "file": _file_numbers(number, table.num_rows)}))
    if not tables:
        return pa.table({name: pa.nulls(0, pa.string())
                         for name in ("account_id", "user_id", "role")})
    table = pa.concat_tables(tables)
    files = [item.file for item in sources]
    if renamed or sum(bool(item.memberships.num_rows) for item in sources) > 1:
        # Each format lists a member of an account once: only several files, or ids
        # made one user, repeat one.
        table = _deduplicated(table, ("account_id", "user_id"), "role", files, conflicts,
                              lambda record: f"{record['account_id']} / {record['user_id']}")
    return table.drop_columns(["file"]).set_column(
        2, "role", _text(table.column("role")).fill_null(scalar_of("")))


def _invitations(sources: list[Mapped], conflicts: list[Conflict]) -> pa.Table:
    import pyarrow as pa

    tables = []
    for number, item in enumerate(sources):
        table = item.invitations
        tables.append(pa.table({
            "account_id": _prefixed(item.product, table.column("account")),
            "email": _text(table.column("email")),
            "invitation_id": _text(table.column("invitation_id")),
            "role": _text(table.column("role")),
            "invited_at": _text(table.column("invited_at")),
            "file": _file_numbers(number, table.num_rows)}))
    names = ("account_id", "email", "invitation_id", "role", "invited_at")
    if not tables:
        return pa.table({name: pa.nulls(0, pa.string()) for name in names})
    table = pa.concat_tables(tables)
    files = [item.file for item in sources]
    keyed = table.append_column("folded", _folded(table.column("email")))
    keyed = _deduplicated(keyed, ("account_id", "folded"), "role", files, conflicts,
                          lambda record: f"{record['account_id']} / {record['email']}")
    return keyed.select(list(names))


def _deduplicated(table: pa.Table, key: tuple[str, str], compared: str, files: list[str],
                  conflicts: list[Conflict], subject: Any) -> pa.Table:
    """One row per key (the first); a ``compared`` value that differs between the
    rows of a key is reported, the first known one kept."""
    import pyarrow.compute as pc

    joined = pc.binary_join_element_wise(table.column(key[0]), table.column(key[1]),
                                         scalar_of("\x1f"))
    repeated = _repeated(joined)
    if not repeated.any():
        return table
    keys = joined.to_pylist()
    first: dict[str, int] = {}
    keep = np.ones(table.num_rows, dtype=bool)
    values = table.column(compared).to_pylist()
    records = table.to_pylist()
    seen: dict[int, list[int]] = {}
    for row in np.flatnonzero(repeated).tolist():
        head = first.setdefault(keys[row], row)
        if head != row:
            keep[row] = False
        seen.setdefault(head, []).append(row)
    for head, rows in seen.items():
        known = list(dict.fromkeys(values[row] for row in rows if values[row]))
        if not values[head] and known:
            values[head] = known[0]
        if len(known) > 1:
            conflicts.append(Conflict(compared, subject(records[head]), tuple(
                (files[records[row]["file"]], values[row]) for row in rows if values[row]),
                f"kept {known[0]!r} (the first file's)"))
    position = table.column_names.index(compared)
    table = table.set_column(position, compared, text_array(values))
    return table.filter(arrow_of(keep))
