"""The synthetic dataset generator: reproducible, realistic, and the same in messy form.

Files are read back with Python's own ``csv`` module and normalised with the
project's spelling rules, so these tests do not depend on the loader; one test
also loads both forms with :func:`mfa_sim.data.load.load_dataset`.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mfa_sim.data.generate import (
    ACCOUNTS_COLUMNS,
    INVITATIONS_COLUMNS,
    MEMBERSHIPS_COLUMNS,
    MESSY_BOOLEAN_SPELLINGS,
    MESSY_PLAN_SPELLINGS,
    MESSY_ROLE_SPELLINGS,
    MESSY_STATUS_SPELLINGS,
    USERS_COLUMNS,
    GeneratedDataset,
    generate_dataset,
)
from mfa_sim.errors import InputError, ProblemReason, UsageError
from mfa_sim.model.plans import KNOWN_PLANS, Tier, canonical_plan, tier_of
from mfa_sim.model.roles import Role, parse_role
from mfa_sim.model.values import (
    InvitationStatus,
    Unparsed,
    parse_boolean,
    parse_invitation_status,
    parse_mfa_state,
)

FILES = ("users.csv", "accounts.csv", "memberships.csv", "invitations.csv")
HEADERS = {
    "users.csv": USERS_COLUMNS,
    "accounts.csv": ACCOUNTS_COLUMNS,
    "memberships.csv": MEMBERSHIPS_COLUMNS,
    "invitations.csv": INVITATIONS_COLUMNS,
}
Row = dict[str, str]


def read(folder: Path, name: str) -> list[Row]:
    """The records of one file, as the ``csv`` module reads them (BOM dropped)."""
    with open(folder / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


def known(value: Any) -> Any:
    """The meaning of a spelling, which must be one the contract accepts."""
    assert not isinstance(value, Unparsed), "a spelling the contract does not accept"
    return value


def time_of(written: str) -> datetime:
    moment = datetime.fromisoformat(written.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def meaning(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every record in canonical form: ids trimmed, spellings and times normalised."""
    return {
        "users": [
            (
                row["user_id"].strip(),
                row["email"],
                known(parse_mfa_state(row["mfa_enabled"])),
                row["name"],
                time_of(row["created_at"]),
            )
            for row in read(folder, "users.csv")
        ],
        "accounts": [
            (
                row["account_id"].strip(),
                canonical_plan(row["plan"]),
                known(parse_boolean(row["mfa_enforced"])),
                row["name"],
                row["email"],
                int(row["seats"]) if row["seats"] else None,
            )
            for row in read(folder, "accounts.csv")
        ],
        "memberships": [
            (row["account_id"].strip(), row["user_id"].strip(), parse_role(row["role"]))
            for row in read(folder, "memberships.csv")
        ],
        "invitations": [
            (
                row["invitation_id"].strip(),
                row["account_id"].strip(),
                row["email"],
                parse_role(row["role"]),
                time_of(row["invited_at"]),
                parse_invitation_status(row["status"]),
            )
            for row in read(folder, "invitations.csv")
        ],
    }


class World:
    """A generated dataset in canonical form, indexed the way the checks need."""

    def __init__(self, folder: Path) -> None:
        records = meaning(folder)
        self.users = records["users"]
        self.accounts = records["accounts"]
        self.memberships = records["memberships"]
        self.invitations = records["invitations"]
        self.mfa = {user[0]: user[2] for user in self.users}
        self.user_by_email = {user[1].lower(): user[0] for user in self.users}
        self.plan = {account[0]: account[1] for account in self.accounts}
        self.enforced = {account[0]: account[2] for account in self.accounts}
        self.members: dict[str, list[tuple[str, Role]]] = defaultdict(list)
        for account, user, role in self.memberships:
            self.members[account].append((user, role))
        self.accounts_of = Counter(user for _, user, _ in self.memberships)

    def eligible(self, account: str) -> bool:
        return tier_of(self.plan[account]).can_enforce_mfa


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean")
    generate_dataset(folder, 2_000, seed=11)
    return folder


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messy")
    generate_dataset(folder, 2_000, seed=11, messy=True)
    return folder


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A dataset big enough for its shares to show (and to hold a few drifts)."""
    folder = tmp_path_factory.mktemp("shares")
    generate_dataset(folder, 20_000, seed=5)
    return World(folder)


# --- Reproducibility ---------------------------------------------------------------


@pytest.mark.parametrize("messy_export", [False, True])
def test_same_arguments_give_byte_identical_files(tmp_path: Path, messy_export: bool) -> None:
    first = generate_dataset(tmp_path / "first", 1_500, seed=4, messy=messy_export)
    second = generate_dataset(tmp_path / "second", 1_500, seed=4, messy=messy_export)
    assert first == second
    assert digests(tmp_path / "first") == digests(tmp_path / "second")


def test_another_seed_gives_another_dataset(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "four", 1_500, seed=4)
    generate_dataset(tmp_path / "five", 1_500, seed=5)
    assert all(
        (tmp_path / "four" / name).read_bytes() != (tmp_path / "five" / name).read_bytes()
        for name in FILES
    )


def test_counts_are_the_rows_written(tmp_path: Path) -> None:
    counts = generate_dataset(tmp_path, 1_000, seed=2)
    rows = {name: len(read(tmp_path, name)) for name in FILES}
    assert counts == GeneratedDataset(
        users=rows["users.csv"],
        accounts=rows["accounts.csv"],
        memberships=rows["memberships.csv"],
        invitations=rows["invitations.csv"],
    )
    assert counts.users == 1_000


def test_a_single_user_still_makes_a_complete_dataset(tmp_path: Path) -> None:
    counts = generate_dataset(tmp_path, 1)
    assert (counts.users, counts.accounts) == (1, 1)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)


# --- Messy exports: same meaning, real-world looks ---------------------------------


def test_messy_export_means_the_same_as_the_clean_one(clean: Path, messy: Path) -> None:
    assert meaning(messy) == meaning(clean)


def test_messy_export_changes_every_file(clean: Path, messy: Path) -> None:
    assert all((clean / name).read_bytes() != (messy / name).read_bytes() for name in FILES)


def test_clean_files_are_plain_utf8_with_lf_and_canonical_values(clean: Path) -> None:
    for name in FILES:
        data = (clean / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        assert data.endswith(b"\n")
        assert data.decode("utf-8").split("\n", 1)[0] == ",".join(HEADERS[name])
    users = read(clean, "users.csv")
    accounts = read(clean, "accounts.csv")
    assert {row["mfa_enabled"] for row in users} == {"true", "false", ""}
    assert {row["mfa_enforced"] for row in accounts} == {"true", "false"}
    assert {row["plan"] for row in accounts} == set(KNOWN_PLANS)
    assert {row["role"] for row in read(clean, "memberships.csv")} == {"owner", "admin", "member"}
    assert {row["status"] for row in read(clean, "invitations.csv")} <= {"pending", "awaiting_mfa"}
    assert all(row["created_at"].endswith("Z") for row in users)
    assert all(row["user_id"] == row["user_id"].strip() for row in users)


def test_clean_files_quote_names_holding_commas_quotes_or_newlines(clean: Path) -> None:
    names = [row["name"] for row in read(clean, "users.csv") + read(clean, "accounts.csv")]
    assert any(", " in name for name in names)
    assert any('"' in name for name in names)
    text = (clean / "users.csv").read_text(encoding="utf-8")
    assert '"' in text  # only where a value needs it
    assert text.count('"') < len(names)


def test_messy_export_has_bom_crlf_and_quoting(messy: Path) -> None:
    for name in FILES:
        data = (messy / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.count(b"\r\n") >= len(read(messy, name)) + 1
        assert b'","' in data or b'",' in data
    users_text = (messy / "users.csv").read_text(encoding="utf-8-sig")
    assert users_text.startswith('"user_id","email"')


def test_messy_export_mixes_spellings(messy: Path) -> None:
    users = read(messy, "users.csv")
    accounts = read(messy, "accounts.csv")
    roles = {row["role"] for row in read(messy, "memberships.csv")}
    mfa_spellings = {row["mfa_enabled"] for row in users}
    assert {"yes", "Y", "1", "t", "True"} <= mfa_spellings
    assert {"unknown", ""} <= mfa_spellings
    plans = {row["plan"] for row in accounts}
    assert {"dnsimple-teams", "teams-v2-monthly", "dnsimple-personal-yearly"} <= plans
    assert {"full_access", "limited", "Full", ""} <= roles
    assert any(row["user_id"] != row["user_id"].strip() for row in users)
    times = [row["created_at"] for row in users]
    assert any(time.endswith("+00:00") for time in times)
    assert any(time[-1].isdigit() for time in times)


def test_every_messy_spelling_means_what_it_stands_for() -> None:
    for plan, spellings in MESSY_PLAN_SPELLINGS.items():
        assert {canonical_plan(spelling) for spelling in spellings} == {plan}
    for role, spellings in MESSY_ROLE_SPELLINGS.items():
        assert {parse_role(spelling) for spelling in spellings} == {role}
    for state, spellings in MESSY_BOOLEAN_SPELLINGS.items():
        assert {parse_mfa_state(spelling) for spelling in spellings} == {state}
    for status, spellings in MESSY_STATUS_SPELLINGS.items():
        assert {parse_invitation_status(spelling) for spelling in spellings} == {status}


def test_clean_and_messy_datasets_load_without_problems_and_are_equal(
    clean: Path, messy: Path
) -> None:
    from mfa_sim.data.load import load_dataset

    clean_dataset = load_dataset(clean)
    messy_dataset = load_dataset(messy)
    assert clean_dataset == messy_dataset
    assert clean_dataset.counts == {
        "users": len(read(clean, "users.csv")),
        "accounts": len(read(clean, "accounts.csv")),
        "memberships": len(read(clean, "memberships.csv")),
        "invitations": len(read(clean, "invitations.csv")),
    }


# --- Invariants --------------------------------------------------------------------


def test_a_few_team_names_span_two_lines(world: World) -> None:
    names = [account[3] for account in world.accounts]
    assert 0 < sum("\n" in name for name in names) < 0.01 * len(names)


def test_ids_and_emails_are_unique(world: World) -> None:
    user_ids = [user[0] for user in world.users]
    assert len(set(user_ids)) == len(user_ids)
    assert user_ids == sorted(user_ids)
    assert user_ids[0] == "u0000001"
    emails = [user[1].lower() for user in world.users]
    assert len(set(emails)) == len(emails)
    account_ids = [account[0] for account in world.accounts]
    assert len(set(account_ids)) == len(account_ids)
    invitation_ids = [invitation[0] for invitation in world.invitations]
    assert len(set(invitation_ids)) == len(invitation_ids)


def test_users_sign_up_in_id_order_before_being_invited(world: World) -> None:
    created = [user[4] for user in world.users]
    assert created == sorted(created)
    assert max(created) < min(invitation[4] for invitation in world.invitations)


def test_memberships_name_known_accounts_and_users_once(world: World) -> None:
    pairs = [(account, user) for account, user, _ in world.memberships]
    assert len(set(pairs)) == len(pairs)
    assert {account for account, _ in pairs} == set(world.plan)  # and no account is empty
    assert {user for _, user in pairs} <= set(world.mfa)


def test_every_account_has_one_owner_but_a_few_teams_nobody_manages(world: World) -> None:
    owners = {
        account: sum(role is Role.OWNER for _, role in rows)
        for account, rows in world.members.items()
    }
    assert set(owners.values()) <= {0, 1}
    unmanaged = [account for account, count in owners.items() if count == 0]
    assert 0 < len(unmanaged) <= 0.02 * len(world.accounts)
    for account in unmanaged:
        assert all(role is Role.MEMBER for _, role in world.members[account])
        assert len(world.members[account]) > 1
        assert world.eligible(account)


def test_individual_accounts_have_one_member_and_rarely_enforce(world: World) -> None:
    individual = [account for account in world.plan if not world.eligible(account)]
    assert all(len(world.members[account]) == 1 for account in individual)
    enforcing = [account for account in individual if world.enforced[account]]
    assert len(enforcing) <= 0.01 * len(individual)


def test_enforcing_accounts_comply_except_for_one_member_in_a_few(world: World) -> None:
    enforcing = [account for account in world.plan if world.enforced[account]]
    lacking = {
        account: [user for user, _ in world.members[account] if world.mfa[user] is not True]
        for account in enforcing
    }
    drifting = [account for account, users in lacking.items() if users]
    assert all(len(lacking[account]) == 1 for account in drifting)
    assert 0 < len(drifting) <= 0.05 * len(enforcing)
    drift_states = {world.mfa[lacking[account][0]] for account in drifting}
    assert drift_states <= {False, None}


def test_invitations_go_to_outsiders_of_team_accounts(world: World) -> None:
    own_email = {account[0]: account[4].lower() for account in world.accounts}
    member_emails = {
        account: {world.users[int(user[1:]) - 1][1].lower() for user, _ in rows}
        for account, rows in world.members.items()
    }
    seen = set()
    for _, account, email, role, _, _ in world.invitations:
        key = (account, email.lower())
        assert key not in seen
        seen.add(key)
        assert account in world.plan
        assert world.eligible(account)
        assert email.lower() != own_email[account]
        assert email.lower() not in member_emails[account]
        assert role in {Role.ADMIN, Role.MEMBER}


def test_awaiting_mfa_only_for_enforcing_accounts_and_invitees_without_mfa(world: World) -> None:
    awaiting = [i for i in world.invitations if i[5] is InvitationStatus.AWAITING_MFA]
    assert awaiting
    for _, account, email, _, _, _ in awaiting:
        assert world.enforced[account]
        user = world.user_by_email[email.lower()]
        assert world.mfa[user] is not True


def test_seat_limits_leave_room_for_members_and_pending_invitations(world: World) -> None:
    pending = Counter(invitation[1] for invitation in world.invitations)
    limits = {account[0]: account[5] for account in world.accounts}
    limited = [account for account, seats in limits.items() if seats is not None]
    assert 0.1 * len(limits) < len(limited) < 0.5 * len(limits)
    for account in limited:
        assert limits[account] >= len(world.members[account]) + pending[account]


# --- Shares ------------------------------------------------------------------------


def test_about_eighty_percent_of_users_have_mfa_and_one_percent_unknown(world: World) -> None:
    states = Counter(world.mfa.values())
    users = len(world.users)
    assert states[True] / users == pytest.approx(0.80, abs=0.02)
    assert states[None] / users == pytest.approx(0.01, abs=0.005)


def test_sizes_relative_to_users(world: World) -> None:
    users = len(world.users)
    assert len(world.accounts) / users == pytest.approx(0.4, abs=0.01)
    assert 1.0 < len(world.memberships) / users < 1.7
    assert 0.01 < len(world.invitations) / users < 0.08


def test_plans_cover_every_tier_bigger_teams_higher(world: World) -> None:
    plans = Counter(world.plan.values())
    assert set(plans) == set(KNOWN_PLANS)
    # Generated exports always give a plan: no account has the unknown tier of §6.
    assert {tier_of(plan) for plan in plans} == set(Tier) - {Tier.UNKNOWN}
    big = [account for account, rows in world.members.items() if len(rows) > 50]
    assert big
    assert all(tier_of(world.plan[account]).rank >= Tier.TEAMS.rank for account in big)


def test_about_a_fifth_of_eligible_accounts_enforce(world: World) -> None:
    eligible = [account for account in world.plan if world.eligible(account)]
    enforcing = [account for account in eligible if world.enforced[account]]
    assert len(enforcing) / len(eligible) == pytest.approx(0.20, abs=0.03)


def test_account_sizes_are_heavy_tailed(world: World) -> None:
    sizes = [len(rows) for rows in world.members.values()]
    assert sizes.count(1) / len(sizes) > 0.6
    assert max(sizes) > 200
    assert max(sizes) > 50 * (sum(sizes) / len(sizes))


def test_most_users_belong_to_one_account_and_a_few_contractors_to_many(world: World) -> None:
    per_user = Counter(world.accounts_of.get(user[0], 0) for user in world.users)
    users = len(world.users)
    assert per_user[1] / users > 0.7
    assert 0 < per_user[0] / users < 0.06
    assert max(world.accounts_of.values()) >= 20


def test_invitations_mix_existing_users_and_newcomers(world: World) -> None:
    existing = [i for i in world.invitations if i[2].lower() in world.user_by_email]
    share = len(existing) / len(world.invitations)
    assert share == pytest.approx(0.4, abs=0.1)
    assert any(world.mfa[world.user_by_email[i[2].lower()]] is not True for i in existing)
    assert any(i[2] != i[2].lower() for i in existing)  # matched case-insensitively


# --- Refusals ----------------------------------------------------------------------


def test_a_non_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        generate_dataset(tmp_path, 100)
    (problem,) = caught.value.problems
    assert problem.reason is ProblemReason.DIRECTORY_NOT_EMPTY
    assert problem.file == str(tmp_path)
    assert (problem.line, problem.column, problem.value) == (None, None, None)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_a_file_in_place_of_the_directory_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "dataset"
    target.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        generate_dataset(target, 100)
    assert caught.value.problems[0].reason is ProblemReason.NOT_A_DIRECTORY


def test_a_negative_seed_is_refused_like_every_bad_option(tmp_path: Path) -> None:
    """Contract §4, exit code 2 with argparse's usage line, as ``--users 0`` is."""
    import io

    from mfa_sim.cli import main

    err = io.StringIO()
    assert main(["generate", "--users", "10", "--seed", "-1", "--output",
                 str(tmp_path / "out")], out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith("usage: mfa-sim generate")
    assert "argument --seed: '-1' must be 0 or more" in err.getvalue()
    with pytest.raises(UsageError, match="seed must be a non-negative whole number"):
        generate_dataset(tmp_path / "api", 10, seed=-1)
    assert not (tmp_path / "out").exists()


def test_an_empty_or_missing_directory_is_used(tmp_path: Path) -> None:
    generate_dataset(tmp_path, 50)
    nested = tmp_path.parent / f"{tmp_path.name}-new" / "deeper"
    generate_dataset(nested, 50)
    assert sorted(path.name for path in nested.iterdir()) == sorted(FILES)


@pytest.mark.parametrize("users", [0, -3])
def test_fewer_than_one_user_is_a_usage_error(tmp_path: Path, users: int) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        generate_dataset(tmp_path / "out", users)
    assert not (tmp_path / "out").exists()


def test_a_negative_seed_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="seed"):
        generate_dataset(tmp_path, 10, seed=-1)
