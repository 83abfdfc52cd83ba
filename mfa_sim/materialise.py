"""A simulation state seen whole: the loaded tables with every change applied.

Vectorised over the tables: the changes are gathered into index arrays and applied
with Arrow kernels, so seeing the state costs one pass, not one lookup per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.arrays import one_piece
from mfa_sim.schema import INVITATIONS, MEMBERSHIPS, USERS, FileSchema, Kind

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.dataset import Dataset
    from mfa_sim.state import Invitation, State


def materialise(state: State) -> Dataset:
    """The dataset the state amounts to (saved with ``--save-state``)."""
    from mfa_sim.dataset import Dataset

    dataset = state.dataset
    tables = {
        "users": _users(state),
        "accounts": _accounts(state),
        "memberships": _memberships(state),
        "invitations": _invitations(state),
    }
    return Dataset(tables, dataset.header, source=None)


def _replace(column: pa.ChunkedArray, rows: list[int], values: list[Any]) -> pa.Array:
    """A column with some rows' values replaced."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = one_piece(column)
    if not rows:
        return array
    order = np.argsort(rows, kind="stable")
    mask = np.zeros(len(array), dtype=bool)
    mask[rows] = True
    replacements = pa.array([values[i] for i in order.tolist()], type=array.type)
    return pc.replace_with_mask(array, pa.array(mask), replacements)


def _appended(schema: FileSchema, base: pa.Table, header: tuple[str, ...],
              rows: list[dict[str, Any]]) -> pa.Table:
    """The table with new rows added; text columns the file has get '' where unset,
    as they would read back."""
    import pyarrow as pa

    if not rows:
        return base
    columns: dict[str, pa.Array] = {}
    for name in base.column_names:
        column = schema.column(name)
        textual = column is None or column.kind not in (Kind.MFA, Kind.BOOLEAN, Kind.COUNT,
                                                        Kind.TIME)
        fill = "" if textual and name in header else None
        values = [row.get(name, fill) for row in rows]
        columns[name] = pa.array(values, type=base.schema.field(name).type)
    return pa.concat_tables([base, pa.table(columns, schema=base.schema)])


def _users(state: State) -> pa.Table:
    dataset = state.dataset
    base = dataset.tables["users"]
    rows_of = dataset.lookups.user_rows
    changed = [(rows_of[user], enabled) for user, enabled in state.mfa.items()
               if user in rows_of]
    table = base.set_column(base.column_names.index("mfa_enabled"), "mfa_enabled",
                            _replace(base.column("mfa_enabled"),
                                     [row for row, _ in changed],
                                     [enabled for _, enabled in changed]))
    added = [{"user_id": user.user_id, "email": user.email,
              "mfa_enabled": state.mfa.get(user.user_id, False),
              "created_at": user.created_at}
             for user in sorted(state.new_users.values(), key=lambda u: u.created_at)]
    return _appended(USERS, table, dataset.header["users"], added)


def _accounts(state: State) -> pa.Table:
    dataset = state.dataset
    table = dataset.tables["accounts"]
    rows_of = dataset.lookups.account_rows
    enforced = [(rows_of[account], value) for account, value in state.enforced.items()]
    plans = [(rows_of[account], plan) for account, plan in state.plans.items()]
    for name, changes in (("mfa_enforced", enforced), ("plan", plans)):
        position = table.column_names.index(name)
        table = table.set_column(position, name, _replace(
            table.column(name), [row for row, _ in changes], [value for _, value in changes]))
    return table


def _memberships(state: State) -> pa.Table:
    import pyarrow as pa

    dataset = state.dataset
    base = dataset.tables["memberships"]
    lookups = dataset.lookups
    keep = np.ones(base.num_rows, dtype=bool)
    account_ids = state.baseline.account_ids
    users = state.baseline.member_users
    added = []
    for (account, user), role in state.memberships.items():
        in_base = False
        if user in lookups.user_rows:
            for row in lookups.memberships_of_user(user):
                if account_ids[int(lookups.membership_account[row])].as_py() == account:
                    in_base = True
                    keep[row] = (role is not None
                                 and role.value == state.baseline.member_roles[row].as_py())
                    if role is not None and not keep[row]:
                        added.append({"account_id": account, "user_id": users[row].as_py(),
                                      "role": role.value})
        if not in_base and role is not None:
            added.append({"account_id": account, "user_id": user, "role": role.value})
    if _statuses_written(state):
        for row in added:
            row["status"] = _status(state, row["account_id"], row["user_id"])
        base = _with_statuses(state, base)
    table = base.filter(pa.array(keep)) if not keep.all() else base
    return _appended(MEMBERSHIPS, table, dataset.header["memberships"], added)


def _status(state: State, account: str, user: str) -> str:
    from mfa_sim.values import MembershipStatus

    suspended = state.is_suspended(account, user)
    return (MembershipStatus.SUSPENDED if suspended else MembershipStatus.ACTIVE).value


def _statuses_written(state: State) -> bool:
    """Whether memberships are saved with their status: when the dataset or the state
    suspends any (a state without suspension is saved as it was read)."""
    return state.baseline.any_suspended or any(state.suspended.values())


def _with_statuses(state: State, base: pa.Table) -> pa.Table:
    """The memberships of the dataset with their statuses as they stand, every row in
    canonical form."""
    lookups = state.dataset.lookups
    rows, values = [], []
    for (account, user), suspended in state.suspended.items():
        if user not in lookups.user_rows:
            continue
        for row in lookups.memberships_of_user(user):
            if lookups.membership_account[row] == lookups.account_row(account):
                rows.append(int(row))
                values.append("suspended" if suspended else "active")
    position = base.column_names.index("status")
    canonical = state.baseline.member_statuses
    return base.set_column(position, "status", _replace(canonical, rows, values))


def _invitation_row(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation_id": invitation.invitation_id,
        "account_id": invitation.account,
        "email": invitation.email,
        "role": invitation.role_written if invitation.base_row is not None
        else invitation.role.value,
        "invited_at": invitation.invited_at,
        "status": invitation.status.value,
    }


def _invitations(state: State) -> pa.Table:
    import pyarrow as pa

    dataset = state.dataset
    base = dataset.tables["invitations"]
    keep = np.ones(base.num_rows, dtype=bool)
    status_rows: list[int] = []
    statuses: list[str] = []
    added = []
    for key, invitation in state.invitations.items():
        row = state.baseline.invitation_rows.get(key)
        if row is not None and invitation is not None and invitation.base_row == row:
            status_rows.append(row)
            statuses.append(invitation.status.value)
            continue
        if row is not None:
            # Withdrawn, or withdrawn and sent again (a new invitation, saved last).
            keep[row] = False
        if invitation is not None:
            added.append(_invitation_row(invitation))
    position = base.column_names.index("status")
    table = base.set_column(position, "status",
                            _replace(base.column("status"), status_rows, statuses))
    table = table.filter(pa.array(keep)) if not keep.all() else table
    added.sort(key=lambda row: int(str(row["invitation_id"]).removeprefix("sim-")))
    return _appended(INVITATIONS, table, dataset.header["invitations"], added)


__all__ = ["materialise"]
