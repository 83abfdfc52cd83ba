"""The Dataset as analysts use it: typed frames, immutability, lookups, equality, repr."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from mfa_sim import Dataset, MfaSimError, UnknownIdError, load_dataset
from tests.conftest import EXAMPLE, MakeDataset


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_dataset(EXAMPLE)


# -- dtypes -----------------------------------------------------------------------------


def _is_text(dtype: object) -> bool:
    return isinstance(dtype, pd.StringDtype)


def _is_utc(dtype: object) -> bool:
    return isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"


def _categories(dtype: object) -> list[str]:
    assert isinstance(dtype, pd.CategoricalDtype)
    return list(dtype.categories)


def test_users_frame_has_the_documented_dtypes(example: Dataset) -> None:
    users = example.users
    assert list(users.columns) == ["user_id", "email", "mfa_enabled", "name", "created_at"]
    assert _is_text(users["user_id"].dtype)
    assert _is_text(users["email"].dtype)
    assert isinstance(users["mfa_enabled"].dtype, pd.BooleanDtype)
    assert _is_text(users["name"].dtype)
    assert _is_utc(users["created_at"].dtype)


def test_accounts_frame_has_the_documented_dtypes(example: Dataset) -> None:
    accounts = example.accounts
    assert list(accounts.columns) == ["account_id", "plan", "plan_name", "tier", "mfa_enforced",
                                      "name", "email", "seats"]
    assert _is_text(accounts["account_id"].dtype)
    assert _is_text(accounts["plan"].dtype)
    assert _categories(accounts["tier"].dtype) == ["individual", "teams", "business",
                                                   "enterprise", "unknown"]
    assert accounts["tier"].dtype.ordered
    assert isinstance(accounts["mfa_enforced"].dtype, pd.BooleanDtype)
    assert isinstance(accounts["seats"].dtype, pd.Int64Dtype)


def test_memberships_and_invitations_frames_have_the_documented_dtypes(
        example: Dataset) -> None:
    memberships, invitations = example.memberships, example.invitations
    assert list(memberships.columns) == ["account_id", "user_id", "role"]
    assert _categories(memberships["role"].dtype) == ["owner", "admin", "member"]
    assert list(invitations.columns) == ["account_id", "email", "invitation_id", "role",
                                         "invited_at", "status"]
    assert _categories(invitations["role"].dtype) == ["owner", "admin", "member"]
    assert _categories(invitations["status"].dtype) == ["pending", "awaiting_mfa"]
    assert _is_utc(invitations["invited_at"].dtype)
    assert _is_text(invitations["invitation_id"].dtype)


def test_example_values_are_read_as_written(example: Dataset) -> None:
    users = example.users
    assert users["user_id"].tolist() == ["u_alice", "u_ben", "u_chloe", "u_dana", "u_eli",
                                         "u_finn"]
    assert users["mfa_enabled"].tolist() == [True, False, False, True, True, False]
    assert users.loc[0, "created_at"] == pd.Timestamp("2024-02-01T09:00:00Z")
    accounts = example.accounts
    assert accounts["tier"].tolist() == ["teams", "business", "individual"]
    assert accounts["mfa_enforced"].tolist() == [False, True, False]
    assert accounts["seats"].tolist()[0] == 10
    assert accounts["seats"].isna().tolist() == [False, True, True]


# -- immutability -----------------------------------------------------------------------

FrameMutation = Callable[[pd.DataFrame], None]


def _set_column(frame: pd.DataFrame) -> None:
    frame["mfa_enabled"] = False


def _set_cell_loc(frame: pd.DataFrame) -> None:
    frame.loc[0, "email"] = "mallory@example.com"


def _set_cell_iloc(frame: pd.DataFrame) -> None:
    frame.iloc[0, 0] = "u_mallory"


def _set_cell_iat(frame: pd.DataFrame) -> None:
    frame.iat[1, 2] = True


def _write_through_extension_array(frame: pd.DataFrame) -> None:
    frame["mfa_enabled"].array[0] = False
    frame["created_at"].array[0] = pd.Timestamp("1999-01-01", tz="UTC")


def _write_through_column(frame: pd.DataFrame) -> None:
    column = frame["user_id"]
    column.iloc[0] = "changed"


def _delete_and_insert_columns(frame: pd.DataFrame) -> None:
    del frame["name"]
    frame.insert(0, "extra", 1)


def _rename_everything(frame: pd.DataFrame) -> None:
    frame.columns = [f"c{i}" for i in range(len(frame.columns))]
    frame.index = frame.index + 100


def _update_in_place(frame: pd.DataFrame) -> None:
    frame.update(pd.DataFrame({"email": ["x@example.com"] * len(frame)}))


def _append_row(frame: pd.DataFrame) -> None:
    frame.loc[len(frame)] = frame.iloc[0]


@pytest.mark.parametrize("mutate", [
    _set_column, _set_cell_loc, _set_cell_iloc, _set_cell_iat, _write_through_extension_array,
    _write_through_column, _delete_and_insert_columns, _rename_everything, _update_in_place,
    _append_row,
])
def test_mutating_a_users_frame_never_changes_the_dataset(mutate: FrameMutation) -> None:
    dataset = load_dataset(EXAMPLE)
    pristine = load_dataset(EXAMPLE).users
    mutate(dataset.users)
    pd.testing.assert_frame_equal(dataset.users, pristine)


def test_mutating_other_frames_never_changes_the_dataset() -> None:
    dataset = load_dataset(EXAMPLE)
    fresh = load_dataset(EXAMPLE)
    accounts = dataset.accounts
    accounts["seats"] += 5
    accounts["seats"].array[0] = 99
    accounts["tier"].array[0] = "enterprise"
    memberships = dataset.memberships
    memberships["role"].array[:] = "member"
    invitations = dataset.invitations
    invitations.loc[0, "status"] = "awaiting_mfa"
    for name in ("accounts", "memberships", "invitations"):
        pd.testing.assert_frame_equal(getattr(dataset, name), getattr(fresh, name))


def test_mutating_lookup_results_never_changes_the_dataset() -> None:
    dataset = load_dataset(EXAMPLE)
    fresh = load_dataset(EXAMPLE)
    dataset.user_memberships("u_dana")["role"].array[0] = "member"
    members = dataset.account_members("a_team")
    members.loc[0, "user_id"] = "u_mallory"
    user = dataset.user("u_alice")
    user["mfa_enabled"] = False
    account = dataset.account("a_team")
    account["seats"] = 0
    pd.testing.assert_frame_equal(dataset.memberships, fresh.memberships)
    pd.testing.assert_series_equal(dataset.user("u_alice"), fresh.user("u_alice"))
    pd.testing.assert_series_equal(dataset.account("a_team"), fresh.account("a_team"))


def test_each_access_gives_a_new_frame(example: Dataset) -> None:
    assert example.users is not example.users


def test_dataset_tables_cannot_be_reassigned(example: Dataset) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        example.tables = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        example.header = {}  # type: ignore[misc]


def test_dataset_tables_cannot_be_mutated(example: Dataset) -> None:
    users = example.tables["users"]
    with pytest.raises(TypeError):
        example.tables["users"] = example.tables["accounts"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del example.tables["users"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        example.tables.clear()  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        example.header["users"] = ()  # type: ignore[index]
    assert example.tables["users"] is users
    assert example.counts["users"] == 6


def test_tables_given_to_a_dataset_are_copied(example: Dataset) -> None:
    tables = dict(example.tables)
    dataset = Dataset(tables, dict(example.header))
    tables.pop("users")
    assert "users" in dataset.tables
    assert dataset == example


# -- lookups ----------------------------------------------------------------------------


def test_user_memberships_in_file_order(example: Dataset) -> None:
    memberships = example.user_memberships("u_dana")
    assert memberships[["account_id", "role"]].values.tolist() == [["a_team", "admin"],
                                                                    ["a_secure", "owner"]]
    assert memberships.index.tolist() == [0, 1]


def test_memberships_grouped_while_loading_are_grouped_as_on_first_use(
        tmp_path: Path) -> None:
    import numpy as np

    from mfa_sim import generate_dataset

    generate_dataset(tmp_path, 400, seed=6)
    later = load_dataset(tmp_path).indexes.by_user
    while_loading = load_dataset(tmp_path, group_memberships=True)
    assert while_loading.loaded.memberships_by_user is not None
    found = while_loading.indexes.by_user
    assert np.array_equal(found.order, later.order)
    assert np.array_equal(found.offsets, later.offsets)
    assert while_loading.user_memberships("u0000007").equals(
        load_dataset(tmp_path).user_memberships("u0000007"))


@pytest.mark.parametrize("messy", [False, True], ids=["clean", "messy"])
def test_values_counted_while_loading_are_the_counts_of_the_loaded_columns(
        tmp_path: Path, messy: bool) -> None:
    from mfa_sim import generate_dataset

    generate_dataset(tmp_path, 500, seed=8, messy=messy)
    loaded = load_dataset(tmp_path)
    counted = sorted(loaded.loaded.value_counts)
    assert {("memberships", "role"), ("accounts", "plan"),
            ("users", "mfa_enabled")} <= set(counted)
    fresh = Dataset(loaded.tables, loaded.header)
    for key in counted:
        table, column = key
        assert loaded.value_counts(table, column) == fresh.value_counts(table, column), key
    assert fresh == loaded


def test_account_members_in_file_order(example: Dataset) -> None:
    members = example.account_members("a_team")
    assert members[["user_id", "role"]].values.tolist() == [
        ["u_alice", "owner"], ["u_ben", "member"], ["u_chloe", "member"], ["u_dana", "admin"]]


def test_user_and_account_rows(example: Dataset) -> None:
    ben = example.user("u_ben")
    assert (ben["email"], bool(ben["mfa_enabled"]), ben["name"]) == (
        "ben@acme.example", False, "Ben Okafor")
    team = example.account("a_team")
    assert (team["plan"], team["tier"], bool(team["mfa_enforced"]), int(team["seats"])) == (
        "teams", "teams", False, 10)


def test_lookups_of_a_user_or_account_without_memberships(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset({
        "users.csv": "user_id,email,mfa_enabled\nu1,ann@example.com,true\n"
                     "u2,bob@example.com,false\nloner,lone@example.com,\n",
        "accounts.csv": "account_id,plan,mfa_enforced\na1,teams,false\nempty,solo,false\n"}))
    alone = dataset.user_memberships("loner")
    assert alone.empty
    assert list(alone.columns) == ["account_id", "user_id", "role"]
    assert dataset.account_members("empty").empty
    assert dataset.user("loner")["mfa_enabled"] is pd.NA


@pytest.mark.parametrize(("lookup", "identifier"), [
    ("user_memberships", "u_nobody"), ("account_members", "a_nothing"),
    ("user", "u_nobody"), ("account", "a_nothing"),
    ("user", "a_team"), ("account", "u_ben"), ("user", " u_ben "), ("user", "U_BEN"),
])
def test_unknown_id_raises_unknown_id_error(example: Dataset, lookup: str,
                                            identifier: str) -> None:
    with pytest.raises(UnknownIdError) as caught:
        getattr(example, lookup)(identifier)
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, MfaSimError)
    assert repr(identifier) in str(caught.value)


# -- equality ---------------------------------------------------------------------------

PLAIN = {
    "users.csv": "user_id,email,mfa_enabled,created_at\n"
                 "u1,ann@example.com,true,2026-01-31T09:30:00Z\n"
                 "u2,bob@example.com,false,\n",
    "accounts.csv": "account_id,plan,mfa_enforced,seats\na1,teams,false,7\n",
    "memberships.csv": "account_id,user_id,role\na1,u1,admin\na1,u2,member\n",
    "invitations.csv": "account_id,email,status\na1,cat@example.com,pending\n",
}

SAME_MEANING = {
    "users.csv": "user_id,email,mfa_enabled,created_at\n"
                 " u1 , ann@example.com ,YES,2026-01-31T10:30:00+01:00\n"
                 "u2,bob@example.com,0,\n",
    "accounts.csv": "account_id,plan,mfa_enforced,seats\na1,dnsimple-teams,No,007\n",
    "memberships.csv": "account_id,user_id,role\na1,u1,full_access\na1,u2,\n",
    "invitations.csv": "account_id,email,status\na1,cat@example.com,\n",
}


def test_equality_ignores_spellings(make_dataset: MakeDataset) -> None:
    plain = load_dataset(make_dataset(PLAIN))
    spelled = load_dataset(make_dataset(SAME_MEANING))
    assert spelled == plain
    assert not spelled != plain  # noqa: SIM202


@pytest.mark.parametrize(("file", "old", "new"), [
    ("users.csv", "u1,ann@example.com,true", "u1,ann@example.com,false"),
    ("users.csv", "u2,bob@example.com,false", "u2,bob@example.com,"),
    ("users.csv", "09:30:00Z", "09:30:01Z"),
    ("users.csv", "bob@example.com", "Bob@example.com"),
    ("accounts.csv", "a1,teams,false,7", "a1,business,false,7"),
    ("accounts.csv", "a1,teams,false,7", "a1,teams,true,7"),
    ("accounts.csv", "a1,teams,false,7", "a1,teams,false,8"),
    ("accounts.csv", "a1,teams,false,7", "a1,teams,false,"),
    ("memberships.csv", "a1,u1,admin", "a1,u1,owner"),
    ("memberships.csv", "a1,u2,member\n", ""),
    ("invitations.csv", "a1,cat@example.com,pending", "a1,cat@example.com,awaiting_mfa"),
])
def test_equality_does_not_ignore_values(make_dataset: MakeDataset, file: str, old: str,
                                         new: str) -> None:
    changed = dict(PLAIN)
    assert old in changed[file]
    changed[file] = changed[file].replace(old, new)
    assert load_dataset(make_dataset(changed)) != load_dataset(make_dataset(PLAIN))


def test_equality_compares_extra_columns(make_dataset: MakeDataset) -> None:
    def with_team(value: str) -> dict[str, str]:
        files = dict(PLAIN)
        files["accounts.csv"] = ("account_id,plan,mfa_enforced,seats,team\n"
                                 f"a1,teams,false,7,{value}\n")
        return files

    assert load_dataset(make_dataset(with_team("web"))) == load_dataset(
        make_dataset(with_team("web")))
    assert load_dataset(make_dataset(with_team("web"))) != load_dataset(
        make_dataset(with_team("Web")))
    assert load_dataset(make_dataset(with_team("web"))) != load_dataset(make_dataset(PLAIN))


def test_equality_with_other_types_is_false(example: Dataset) -> None:
    assert example != "datasets/example"
    assert example != example.tables


def test_datasets_are_not_hashable(example: Dataset) -> None:
    with pytest.raises(TypeError):
        hash(example)


# -- repr -------------------------------------------------------------------------------


def test_repr_is_one_concise_line(example: Dataset) -> None:
    assert repr(example) == (
        f"<Dataset from {EXAMPLE}: 6 users, 3 accounts, 7 memberships, 2 invitations>")


def test_repr_stays_short_for_a_large_dataset(make_dataset: MakeDataset) -> None:
    rows = "".join(f"u{i},user{i}@example.com,true\n" for i in range(3000))
    dataset = load_dataset(make_dataset({"users.csv": "user_id,email,mfa_enabled\n" + rows}))
    text = repr(dataset)
    assert "\n" not in text
    assert "3000 users" in text
    assert len(text) < 120 + len(str(dataset.source))


def test_repr_without_a_source(example: Dataset) -> None:
    bare = Dataset(example.tables, example.header)
    assert repr(bare) == "<Dataset: 6 users, 3 accounts, 7 memberships, 2 invitations>"


def test_html_repr_escapes_the_source(example: Dataset, tmp_path: Path) -> None:
    dataset = Dataset(example.tables, example.header, source="<b>&")
    html = dataset._repr_html_()
    assert "<b>&" not in html
    assert "&lt;b&gt;&amp;" in html
