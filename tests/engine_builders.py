"""Builders for the engine tests: small dataset folders, and the state seen whole.

Datasets are written as CSV files into a folder (usually pytest's ``tmp_path``) and
loaded with :func:`mfa_sim.data.load.load_dataset`, so every engine test starts from
what a user would hand the simulator. A state is compared through its query methods
only (:func:`observable`), never through its internals.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mfa_sim.data.load import load_dataset
from mfa_sim.model.dataset import Dataset
from mfa_sim.model.outcome import Outcome
from mfa_sim.model.state import State

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "example"

TABLES = ("users", "accounts", "memberships", "invitations")

REQUIRED_COLUMNS = {
    "users": ("user_id", "email", "mfa_enabled"),
    "accounts": ("account_id", "plan", "mfa_enforced"),
    "memberships": ("account_id", "user_id"),
    "invitations": ("account_id", "email"),
}
"""The header written for a table given as an empty list of rows."""

Row = Mapping[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows_csv(rows: Sequence[Row], header: Sequence[str] | None = None) -> str:
    """CSV text of rows given as mappings; the header is every key in first-seen order."""
    if header is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        header = list(seen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
    return out.getvalue()


def write_folder(folder: Path, **files: str | Sequence[Row] | None) -> Path:
    """Write a dataset folder: each keyword (users, accounts, memberships, invitations)
    is CSV text (dedented, surrounding blank lines dropped) or a list of row mappings;
    ``None`` or an absent keyword writes no file."""
    unknown = set(files) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    folder.mkdir(parents=True, exist_ok=True)
    for table, content in files.items():
        if content is None:
            continue
        if isinstance(content, str):
            text = textwrap.dedent(content).strip() + "\n"
        else:
            text = rows_csv(content, None if content else REQUIRED_COLUMNS[table])
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


_folders = iter(range(10**9))


def dataset_in(tmp_path: Path, **files: str | Sequence[Row] | None) -> Dataset:
    """Write a dataset folder under ``tmp_path`` (a new one each call) and load it."""
    return load_dataset(write_folder(tmp_path / f"dataset{next(_folders)}", **files))


def example() -> Dataset:
    """The example dataset of the repository."""
    return load_dataset(EXAMPLE)


def events_of(outcome: Outcome) -> list[dict[str, Any]]:
    """A step's whole event log as the contract's JSON objects."""
    return [event.to_json() for event in outcome.events]


# -- the state seen through its queries ------------------------------------------------------


def user_ids(state: State) -> list[str]:
    """Every user: the dataset's and those signed up since, sorted."""
    return sorted({*state.dataset.indexes.user_rows, *state.new_users})


def account_ids(state: State) -> list[str]:
    """Every account, sorted."""
    return sorted(state.dataset.indexes.account_rows)


def memberships(state: State) -> dict[tuple[str, str], str]:
    """(account, user) -> role of every membership, read through ``members_of``."""
    return {(account, user): role.value
            for account in account_ids(state)
            for user, role in state.members_of(account).items()}


def violations(state: State) -> set[tuple[str, str]]:
    """(account, user) pairs breaking "a member of an enforcing account has MFA"."""
    return {(account, user) for (account, user) in memberships(state)
            if state.is_enforced(account) and state.mfa_of(user) is not True}


def ineligible_enforcing(state: State) -> set[str]:
    """Accounts enforcing MFA on a plan that does not offer it."""
    return {account for account in account_ids(state)
            if state.is_enforced(account) and not state.tier_of(account).can_enforce_mfa}


def observable(state: State, *, with_accounts_of: bool = True) -> dict[str, Any]:
    """Everything a caller can ask a state, as plain data (for equality checks)."""
    users = {
        user: (state.mfa_of(user), state.email_of(user),
               tuple(state.accounts_of(user)) if with_accounts_of else ())
        for user in user_ids(state)
    }
    accounts = {
        account: (
            state.is_enforced(account), state.plan_of(account), state.seats_of(account),
            tuple((user, role.value, state.is_suspended(account, user))
                  for user, role in state.members_of(account).items()),
            tuple((invitation.email.strip().lower(), invitation.role.value,
                   invitation.status.value, invitation.invitation_id, invitation.invited_at)
                  for invitation in state.invitations_of(account)),
        )
        for account in account_ids(state)
    }
    return {"clock": state.clock, "users": users, "accounts": accounts}


def counts_agree(state: State) -> list[str]:
    """Where the state's counters disagree with its listings (empty when consistent)."""
    found = []
    for account in account_ids(state):
        members = state.members_of(account)
        managers = sum(role.manages for role in members.values())
        if state.member_count(account) != len(members):
            found.append(f"{account}: member_count {state.member_count(account)} "
                         f"!= {len(members)} members")
        if state.manager_count(account) != managers:
            found.append(f"{account}: manager_count {state.manager_count(account)} "
                         f"!= {managers} managers")
        invitations = state.invitations_of(account)
        if state.pending_invitation_count(account) != len(invitations):
            found.append(f"{account}: pending_invitation_count "
                         f"{state.pending_invitation_count(account)} "
                         f"!= {len(invitations)} invitations")
    return found


def accounts_of_agree(state: State) -> list[str]:
    """Users whose ``accounts_of`` disagrees with the accounts' member lists."""
    by_user: dict[str, list[str]] = {user: [] for user in user_ids(state)}
    for account, user in memberships(state):
        by_user[user].append(account)
    return [f"{user}: accounts_of {state.accounts_of(user)} != {sorted(accounts)}"
            for user, accounts in by_user.items() if state.accounts_of(user) != sorted(accounts)]


def leaked(secrets: Iterable[str], texts: Mapping[str, str]) -> list[str]:
    """The names of the texts holding any of the secrets (never the secrets themselves,
    so a failing assertion prints nothing secret)."""
    wanted = [secret for secret in secrets if secret]
    return sorted(name for name, text in texts.items()
                  if any(secret in text or secret.lower() in text.lower()
                         for secret in wanted))
