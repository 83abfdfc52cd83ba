"""Contract §1, "Saving": the four files, canonical values, and a saved folder loads back
equal, for the example and for any valid dataset Hypothesis can think of."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mfa_sim import InputError, ProblemReason, load_dataset, save_dataset
from tests.conftest import EXAMPLE, FILES, MakeDataset, read_folder

MESSY = {
    "users.csv": b"\xef\xbb\xbf" + (
        b"email,user_id,mfa_enabled,created_at,team\r\n"
        b" Ann@Example.com ,u1,YES,2026-01-31T10:30:00+01:00,=cmd\r\n"
        b'bob@example.com, u2 ,unknown,2026-01-31,"a,b"\r\n'
        b"\r\n"
        b"cat@example.com,u3,,2026-01-31T09:30:00.5,\r\n"
        b'dan@example.com,u4,0,,"say ""hi"""\r\n'
    ),
    "accounts.csv": (
        "account_id,plan,mfa_enforced,seats\n"
        "a1,dnsimple-teams-v2-monthly, T ,007\n"
        "a2,Solo,n,\n"
    ),
    "memberships.csv": (
        '"user_id","account_id","role"\n'
        '"u1","a1","Full_Access"\n'
        '"u2","a1",""\n'
        '"u3","a1","limited"\n'
        '"u4","a2","OWNER"\n'
    ),
    "invitations.csv": None,
}
"""An export as it comes: BOM, CRLF, a blank line, quoting, spellings, no invitations."""

MESSY_SAVED = {
    "users.csv": (
        "email,user_id,mfa_enabled,created_at,team\n"
        "Ann@Example.com,u1,true,2026-01-31T09:30:00Z,=cmd\n"
        'bob@example.com,u2,,2026-01-31T00:00:00Z,"a,b"\n'
        "cat@example.com,u3,,2026-01-31T09:30:00.500000Z,\n"
        'dan@example.com,u4,false,,"say ""hi"""\n'
    ),
    "accounts.csv": (
        "account_id,plan,mfa_enforced,seats\n"
        "a1,dnsimple-teams-v2-monthly,true,7\n"
        "a2,Solo,false,\n"
    ),
    "memberships.csv": (
        "user_id,account_id,role\n"
        "u1,a1,Full_Access\n"
        "u2,a1,\n"
        "u3,a1,limited\n"
        "u4,a2,OWNER\n"
    ),
    "invitations.csv": "account_id,email\n",
}
"""The same, saved: worked out by hand from contract §1."""


def test_saved_files_are_canonical(make_dataset: MakeDataset, tmp_path: Path) -> None:
    save_dataset(load_dataset(make_dataset(MESSY, base=False)), tmp_path / "out")
    saved = read_folder(tmp_path / "out")
    assert {name: data.decode("utf-8") for name, data in saved.items()} == MESSY_SAVED


def test_all_four_files_are_always_written(make_dataset: MakeDataset, tmp_path: Path) -> None:
    dataset = load_dataset(make_dataset({"invitations.csv": None,
                                         "memberships.csv": "account_id,user_id\n"}))
    save_dataset(dataset, tmp_path / "out")
    saved = read_folder(tmp_path / "out")
    assert sorted(saved) == sorted(FILES)
    assert saved["memberships.csv"] == b"account_id,user_id\n"
    assert saved["invitations.csv"] == b"account_id,email\n"


def test_saved_files_are_utf8_without_bom_with_lf(make_dataset: MakeDataset,
                                                  tmp_path: Path) -> None:
    save_dataset(load_dataset(make_dataset(MESSY, base=False)), tmp_path / "out")
    for name, data in read_folder(tmp_path / "out").items():
        assert not data.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in data, name
        assert data.endswith(b"\n"), name
        data.decode("utf-8")


def test_invitations_are_saved_with_canonical_status_and_utc_times(
        make_dataset: MakeDataset, tmp_path: Path) -> None:
    dataset = load_dataset(make_dataset({"invitations.csv": (
        "invitation_id,account_id,email,role,invited_at,status\n"
        ",a1,new@example.com,full,2026-02-01T12:00:00-03:00,AWAITING_MFA\n"
        " i2 ,a1,x@example.com,,,\n")}))
    save_dataset(dataset, tmp_path / "out")
    assert (tmp_path / "out" / "invitations.csv").read_text(encoding="utf-8") == (
        "invitation_id,account_id,email,role,invited_at,status\n"
        ",a1,new@example.com,full,2026-02-01T15:00:00Z,awaiting_mfa\n"
        "i2,a1,x@example.com,,,pending\n")


def test_saved_values_are_never_neutralised(make_dataset: MakeDataset, tmp_path: Path) -> None:
    users = ("user_id,email,mfa_enabled,name\n"
             "=1+1,ann@example.com,true,+SUM(A1)\n"
             "@u2,bob@example.com,false,-2\n")
    dataset = load_dataset(make_dataset({"users.csv": users,
                                         "memberships.csv": "account_id,user_id\na1,=1+1\n"}))
    save_dataset(dataset, tmp_path / "out")
    assert (tmp_path / "out" / "users.csv").read_text(encoding="utf-8") == users


@pytest.mark.parametrize("occupant", ["file", "folder"])
def test_non_empty_target_folder_is_refused(tmp_path: Path, occupant: str) -> None:
    target = tmp_path / "out"
    target.mkdir()
    if occupant == "file":
        (target / "keep.txt").write_text("mine")
    else:
        (target / "sub").mkdir()
    with pytest.raises(InputError) as caught:
        save_dataset(load_dataset(EXAMPLE), target)
    (problem,) = caught.value.problems
    assert problem.reason is ProblemReason.DIRECTORY_NOT_EMPTY
    assert problem.file == str(target)
    assert sorted(p.name for p in target.iterdir()) == (
        ["keep.txt"] if occupant == "file" else ["sub"])


def test_file_as_target_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("mine")
    with pytest.raises(InputError):
        save_dataset(load_dataset(EXAMPLE), target)
    assert target.read_text() == "mine"


def test_empty_or_new_target_folder_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    dataset = load_dataset(EXAMPLE)
    save_dataset(dataset, tmp_path / "empty")
    dataset.save(str(tmp_path / "new" / "nested"))
    assert sorted(read_folder(tmp_path / "empty")) == sorted(FILES)
    assert read_folder(tmp_path / "new" / "nested") == read_folder(tmp_path / "empty")


@pytest.mark.parametrize("source", ["example", "messy"])
def test_saved_folder_loads_back_equal(make_dataset: MakeDataset, tmp_path: Path,
                                       source: str) -> None:
    folder = EXAMPLE if source == "example" else make_dataset(MESSY, base=False)
    dataset = load_dataset(folder)
    save_dataset(dataset, tmp_path / "out")
    again = load_dataset(tmp_path / "out")
    assert again == dataset
    assert again.header["users"] == dataset.header["users"]
    assert again.header["memberships"] == dataset.header["memberships"]


@pytest.mark.parametrize("source", ["example", "messy"])
def test_save_load_save_is_byte_identical(make_dataset: MakeDataset, tmp_path: Path,
                                          source: str) -> None:
    folder = EXAMPLE if source == "example" else make_dataset(MESSY, base=False)
    save_dataset(load_dataset(folder), tmp_path / "first")
    save_dataset(load_dataset(tmp_path / "first"), tmp_path / "second")
    assert read_folder(tmp_path / "first") == read_folder(tmp_path / "second")


def test_example_saves_as_it_was_written(tmp_path: Path) -> None:
    # The example is already canonical, so saving it changes no byte.
    save_dataset(load_dataset(EXAMPLE), tmp_path / "out")
    assert read_folder(tmp_path / "out") == {name: (EXAMPLE / name).read_bytes()
                                             for name in FILES}


# -- the property: any valid dataset survives saving ------------------------------------

# Characters Python and Arrow agree on: no control, format or private characters, and
# no whitespace but these (so trimming means the same to both).
_CHARS = st.one_of(
    st.characters(codec="utf-8",
                  exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zs", "Zl", "Zp")),
    st.sampled_from([" ", ",", '"', "\n", "\r", "\t", "'", ";", "="]),
)
_TEXT = st.text(_CHARS, max_size=8)
_AWKWARD_IDS = ["007", "NA", "null", "None", "nan", "N/A", "-1", "=1+1", "a,b", 'say "hi"',
                "two\nlines", "cr\r\nlf", "é", "日本", "🙂", "true", "#REF!"]
_IDS = st.one_of(st.sampled_from(_AWKWARD_IDS), _TEXT).filter(lambda text: text.strip() != "")
_PADDING = st.sampled_from(["", " ", "  "])

_MFA = [("true", True), ("yes", True), ("y", True), ("t", True), ("1", True),
        ("false", False), ("no", False), ("n", False), ("f", False), ("0", False),
        ("", None), ("unknown", None)]
_BOOLEANS = [spelling for spelling in _MFA if spelling[1] is not None]
_PLANS = [("personal", "personal"), ("solo", "solo"), ("professional", "professional"),
          ("teams", "teams"), ("business", "business"), ("enterprise", "enterprise"),
          ("dnsimple-personal", "personal"), ("dnsimple-personal-yearly", "personal"),
          ("dnsimple-professional", "professional"), ("dnsimple-teams", "teams"),
          ("teams-v1-monthly", "teams"), ("teams-v2-monthly", "teams"),
          ("business-yearly", "business"), ("dnsimple-enterprise-v2-yearly", "enterprise")]
_ROLES = [("owner", "owner"), ("admin", "admin"), ("member", "member"), ("full", "admin"),
          ("full_access", "admin"), ("limited", "member"), ("limited_access", "member"),
          ("", "member")]
_STATUSES = [("", "pending"), ("pending", "pending"), ("awaiting_mfa", "awaiting_mfa")]
_ZONES = st.one_of(st.none(), st.just(UTC),
                   st.integers(-14 * 4, 14 * 4).map(
                       lambda quarters: timezone(timedelta(minutes=15 * quarters))))
_MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                        timezones=_ZONES)


@dataclass
class _Table:
    """One file being made: columns as written and what loading must make of them."""

    rows: int
    written: dict[str, list[str]] = field(default_factory=dict)
    expected: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, name: str, written: Sequence[str], expected: Sequence[Any]) -> None:
        self.written[name] = list(written)
        self.expected[name] = list(expected)


@dataclass
class _Case:
    files: dict[str, bytes]
    expected: dict[str, dict[str, list[Any]]]
    headers: dict[str, list[str]]


def _cased(draw: st.DrawFn, text: str) -> str:
    return draw(st.sampled_from([text, text.upper(), text.title()]))


def _padded(draw: st.DrawFn, text: str) -> str:
    return draw(_PADDING) + text + draw(_PADDING)


def _spellings(draw: st.DrawFn, table: list[tuple[str, Any]], n: int) -> tuple[list[str],
                                                                                list[Any]]:
    chosen = draw(st.lists(st.sampled_from(table), min_size=n, max_size=n))
    return [_padded(draw, _cased(draw, written)) for written, _ in chosen], [
        meaning for _, meaning in chosen]


def _times(draw: st.DrawFn, n: int) -> tuple[list[str], list[datetime | None]]:
    written: list[str] = []
    expected: list[datetime | None] = []
    for _ in range(n):
        moment = draw(st.one_of(st.none(), _MOMENTS))
        if moment is None:
            written.append("")
            expected.append(None)
            continue
        text = moment.isoformat(sep=draw(st.sampled_from(["T", " "])))
        if moment.tzinfo is UTC and draw(st.booleans()):
            text = text.replace("+00:00", "Z")
        if moment.tzinfo is None and moment.time() == datetime.min.time() and draw(
                st.booleans()):
            text = moment.date().isoformat()
        written.append(text)
        expected.append(moment.replace(tzinfo=UTC) if moment.tzinfo is None
                        else moment.astimezone(UTC))
    return written, expected


def _free_text(draw: st.DrawFn, table: _Table, name: str) -> None:
    values = draw(st.lists(_TEXT, min_size=table.rows, max_size=table.rows))
    table.add(name, values, values)


def _extras(draw: st.DrawFn, table: _Table, taken: set[str]) -> None:
    names = draw(st.lists(_IDS.map(str.strip).filter(lambda n: n not in taken),
                          max_size=2, unique=True))
    for name in names:
        _free_text(draw, table, name)


def _emails(draw: st.DrawFn, first: int, n: int) -> list[str]:
    # The leading number makes addresses unique whatever case they are written in.
    locals_ = draw(st.lists(_TEXT, min_size=n, max_size=n))
    return [f"{first + i}.{local}@example.com" for i, local in enumerate(locals_)]


def _csv_field(text: str, quote_all: bool) -> str:
    if quote_all or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write(draw: st.DrawFn, table: _Table, required: list[str]) -> tuple[bytes, list[str]]:
    optional = [name for name in table.written if name not in required]
    kept = required + [name for name in optional if draw(st.booleans())]
    header = draw(st.permutations(kept))
    quote_all = draw(st.booleans())
    line_end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(_csv_field(name, quote_all) for name in header)]
    for row in range(table.rows):
        if draw(st.integers(0, 4)) == 0:
            lines.append("")
        lines.append(",".join(_csv_field(table.written[name][row], quote_all)
                              for name in header))
    text = line_end.join(lines) + line_end
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    for name in optional:
        if name not in kept:
            del table.expected[name]
    return bom + text.encode("utf-8"), list(header)


@st.composite
def valid_datasets(draw: st.DrawFn) -> _Case:
    """A valid dataset folder in any spelling the contract allows, with what it means."""
    user_ids = draw(st.lists(_IDS, max_size=4, unique_by=str.strip))
    account_ids = draw(st.lists(_IDS, max_size=3, unique_by=str.strip))
    users, accounts = _Table(len(user_ids)), _Table(len(account_ids))

    users.add("user_id", [_padded(draw, i) for i in user_ids], [i.strip() for i in user_ids])
    emails = [_padded(draw, _cased(draw, e)) for e in _emails(draw, 0, users.rows)]
    users.add("email", emails, [e.strip() for e in emails])
    users.add("mfa_enabled", *_spellings(draw, _MFA, users.rows))
    _free_text(draw, users, "name")
    users.add("created_at", *_times(draw, users.rows))
    _extras(draw, users, {"user_id", "email", "mfa_enabled", "name", "created_at"})

    accounts.add("account_id", [_padded(draw, i) for i in account_ids],
                 [i.strip() for i in account_ids])
    plans = draw(st.lists(st.sampled_from(_PLANS), min_size=accounts.rows,
                          max_size=accounts.rows))
    written_plans = [_padded(draw, _cased(draw, plan)) for plan, _ in plans]
    accounts.add("plan", written_plans, [plan.strip() for plan in written_plans])
    accounts.expected["plan_name"] = [name for _, name in plans]
    accounts.add("mfa_enforced", *_spellings(draw, _BOOLEANS, accounts.rows))
    _free_text(draw, accounts, "name")
    _free_text(draw, accounts, "email")
    seats = draw(st.lists(st.one_of(st.none(), st.integers(0, 10**6)),
                          min_size=accounts.rows, max_size=accounts.rows))
    accounts.add("seats", ["" if n is None else _padded(draw, draw(st.sampled_from(
        ["", "0", "00"])) + str(n)) for n in seats], seats)
    _extras(draw, accounts, {"account_id", "plan", "mfa_enforced", "name", "email", "seats"})

    pairs = (sorted(draw(st.sets(st.tuples(st.integers(0, len(account_ids) - 1),
                                           st.integers(0, len(user_ids) - 1)), max_size=6)))
             if user_ids and account_ids else [])
    pairs = draw(st.permutations(pairs))
    memberships = _Table(len(pairs))
    memberships.add("account_id", [_padded(draw, account_ids[a]) for a, _ in pairs],
                    [account_ids[a].strip() for a, _ in pairs])
    memberships.add("user_id", [_padded(draw, user_ids[u]) for _, u in pairs],
                    [user_ids[u].strip() for _, u in pairs])
    memberships.add("role", *_spellings(draw, _ROLES, memberships.rows))
    _extras(draw, memberships, {"account_id", "user_id", "role"})

    pool = [e.strip() for e in emails] + _emails(draw, users.rows, 3)
    invited = (draw(st.lists(st.tuples(st.integers(0, len(account_ids) - 1),
                                       st.integers(0, len(pool) - 1)),
                             max_size=5, unique=True)) if account_ids else [])
    invitations = _Table(len(invited))
    invitations.add("account_id", [_padded(draw, account_ids[a]) for a, _ in invited],
                    [account_ids[a].strip() for a, _ in invited])
    invitation_emails = [_padded(draw, _cased(draw, pool[e])) for _, e in invited]
    invitations.add("email", invitation_emails, [e.strip() for e in invitation_emails])
    ids = draw(st.lists(st.one_of(st.just(""), _IDS), min_size=invitations.rows,
                        max_size=invitations.rows,
                        unique_by=lambda text: text.strip() or object()))
    # An empty invitation id is no id.
    invitations.add("invitation_id", [_padded(draw, i) for i in ids],
                    [i.strip() or None for i in ids])
    invitations.add("role", *_spellings(draw, _ROLES, invitations.rows))
    invitations.add("invited_at", *_times(draw, invitations.rows))
    invitations.add("status", *_spellings(draw, _STATUSES, invitations.rows))
    _extras(draw, invitations,
            {"account_id", "email", "invitation_id", "role", "invited_at", "status"})

    files: dict[str, bytes] = {}
    expected: dict[str, dict[str, list[Any]]] = {}
    headers: dict[str, list[str]] = {}
    for name, table, required in (
            ("users", users, ["user_id", "email", "mfa_enabled"]),
            ("accounts", accounts, ["account_id", "plan", "mfa_enforced"]),
            ("memberships", memberships, ["account_id", "user_id"]),
            ("invitations", invitations, ["account_id", "email"])):
        if name == "invitations" and not invitations.rows and draw(st.booleans()):
            headers[name] = []
            expected[name] = {}
            continue
        files[f"{name}.csv"], headers[name] = _write(draw, table, required)
        expected[name] = table.expected
    return _Case(files, expected, headers)


def _plain(series: pd.Series) -> list[Any]:
    """A column as plain Python values, missing ones as None."""
    convert: Callable[[Any], Any] = (
        (lambda v: v.to_pydatetime()) if isinstance(series.dtype, pd.DatetimeTZDtype)
        else (lambda v: v.item() if hasattr(v, "item") else v))
    return [None if pd.isna(value) else convert(value) for value in series]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=valid_datasets())
def test_any_valid_dataset_saved_and_loaded_again_is_equal(case: _Case) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "in"
        folder.mkdir()
        for name, data in case.files.items():
            (folder / name).write_bytes(data)
        dataset = load_dataset(folder)

        # The loader read what was written, with the meaning the contract gives it.
        for table, columns in case.expected.items():
            frame = getattr(dataset, table)
            for column, values in columns.items():
                assert _plain(frame[column]) == values, (table, column)

        save_dataset(dataset, Path(scratch) / "first")
        saved = read_folder(Path(scratch) / "first")
        for table, header in case.headers.items():
            expected_header = header or ["account_id", "email"]
            first_line = load_dataset(Path(scratch) / "first").header[table]
            assert list(first_line) == expected_header, table
        assert sorted(saved) == sorted(FILES)

        again = load_dataset(Path(scratch) / "first")
        assert again == dataset
        save_dataset(again, Path(scratch) / "second")
        assert read_folder(Path(scratch) / "second") == saved
