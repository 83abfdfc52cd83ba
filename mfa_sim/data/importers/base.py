"""What every export format is behind: its name, how a file of it is recognised, and
how one is mapped to the tables of a dataset (before ids are prefixed and sources merged).

A format is an :class:`ExportFormat`; a file mapped by one is a :class:`Mapped`. What a
mapped file lacks is said in its :class:`Gap` list, never guessed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mfa_sim.columns.buffers import typed_array
from mfa_sim.errors import InputError, Problem, ProblemReason

if TYPE_CHECKING:
    import pyarrow as pa

HEAD_BYTES = 1 << 18
"""How much of a file is looked at to recognise its format."""

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class FileHead:
    """The start of a file, as much as recognising its format needs.

    Attributes
    ----------
    file
        The file as the user named it.
    kind
        ``"json"`` when the file starts like JSON (``{`` or ``[``), ``"csv"`` otherwise.
    header
        A CSV file's first non-blank line split into names, trimmed; for JSON, empty.
    keys
        For JSON: the dotted paths of the object keys met in the head
        (``data.organization.login``; array items are ``item``:
        ``item.login``), as ijson names them.
    """

    file: str
    kind: Literal["json", "csv"]
    header: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()

    def header_has(self, *names: str) -> bool:
        """Whether the CSV header holds every name, compared ignoring case and spaces."""
        folded = {name.strip().lower() for name in self.header}
        return all(name.strip().lower() in folded for name in names)


def read_head(path: str | os.PathLike[str]) -> FileHead:
    """The head of a file for recognising its format.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or its head is not UTF-8 text.

    Examples
    --------
    >>> head = read_head("datasets/example/users.csv")
    >>> head.kind, head.header[:2]
    ('csv', ('user_id', 'email'))
    """
    from mfa_sim.data.input_files import read_bytes

    file = os.fspath(path)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(HEAD_BYTES)
    except OSError:
        # Says why the file cannot be read, as every reader of a user's file does.
        raw = read_bytes(path, "export")[:HEAD_BYTES]
    whole = len(raw) < HEAD_BYTES
    raw = raw.removeprefix(BOM)
    text = _head_text(file, raw, whole=whole)
    if not text.strip():
        raise InputError([Problem(file, None, None, None, ProblemReason.EMPTY_FILE,
                                  "the export is empty")])
    if text.lstrip()[:1] in ("{", "["):
        from mfa_sim.data.importers.json_depth import MAX_DEPTH, deepest

        # Too deep a head is refused by the reader; here it is only not recognised.
        too_deep = deepest(raw)[0] > MAX_DEPTH
        return FileHead(file, "json", keys=frozenset() if too_deep else _json_keys(raw))
    import csv

    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:  # a field past the csv module's limit: no export's header
        header = first.split(",")
    return FileHead(file, "csv", header=tuple(name.strip() for name in header))


def _head_text(file: str, raw: bytes, *, whole: bool) -> str:
    """The head as text; a character cut where the head ends (not the file) is left out.

    Raises
    ------
    InputError
        If the head is not UTF-8, with the problem a CSV export's reader gives (line,
        offset, bytes): such a file is no format's, and saying so is more use than
        saying no format recognises its garbled header.
    """
    from mfa_sim.data.reading import decode_prefix, not_utf8_problem

    try:
        return decode_prefix(raw, final=whole)
    except UnicodeDecodeError:
        raise InputError([not_utf8_problem(file, raw)]) from None


def _json_keys(raw: bytes) -> frozenset[str]:
    """The dotted key paths met in the head of a JSON file (a cut-off head is fine)."""
    import io

    import ijson

    keys: set[str] = set()
    try:
        # Numbers as floats: yajl's arbitrary-precision path fails on huge integers.
        for prefix, event, value in ijson.parse(io.BytesIO(raw), multiple_values=True,
                                                use_float=True):
            if event == "map_key":
                keys.add(f"{prefix}.{value}" if prefix else str(value))
    except (ijson.JSONError, UnicodeDecodeError):
        pass  # the head ends mid-value, or the file is not JSON (or UTF-8) after all
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Gap:
    """Something a file lacks that the dataset needs, and what was written instead.

    Attributes
    ----------
    code
        A stable name, such as ``no_email``, ``no_admin_flag``, ``role_unknown``,
        ``mfa_unknown``, ``enforcement_unknown``, ``no_plan``,
        ``account_named_after_file`` or ``one_page_of_several``.
    count
        How many records it concerns.
    message
        A plain sentence: what is missing and what stands in for it.
    """

    code: str
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Records of a file that do not map to the dataset, counted and explained."""

    count: int
    message: str


USER_COLUMNS = ("key", "email", "mfa_enabled", "name")
"""The columns every mapped users table starts with; any other column is an extra
kept in users.csv."""


@dataclass(frozen=True)
class Mapped:
    """One export file mapped to the dataset's tables, ids not yet prefixed.

    Attributes
    ----------
    file, format, product
        The file as named, the format that read it, and the product whose ids it
        holds (the id prefix: ``github``, ``google``).
    users
        ``key`` (the product's own id), ``email`` (null when the file has none),
        ``mfa_enabled`` (null: unknown), ``name``, then extras as text.
    accounts
        ``key``, ``name``, ``plan`` (empty: none), ``mfa_enforced`` (null: unknown).
    memberships
        ``account``, ``user`` (keys), ``role`` (null: unknown, written as member).
    invitations
        ``account``, ``email``, ``invitation_id``, ``role``, ``invited_at`` (text).
    mfa_states
        For an MFA list only: ``email`` and ``mfa_enabled``, applied to the users the
        other files bring.
    account_from_file
        The file does not name its account: its key is the file's name, and the one
        account the other files of the product name takes its place if there is one.
    """

    file: str
    format: str
    product: str
    users: pa.Table
    accounts: pa.Table
    memberships: pa.Table
    invitations: pa.Table
    mfa_states: pa.Table | None = None
    account_from_file: bool = False
    gaps: tuple[Gap, ...] = ()
    left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: adding a format is adding a module that defines one of these.

    Attributes
    ----------
    name
        What ``--from`` takes (``github-graphql``).
    product
        The id prefix of the product the format comes from.
    title
        What the format is, in a few words.
    obtain
        How to get the file (menu path, API call or command).
    recognises
        Whether a file's head is of this format.
    read
        Maps a file; raises :class:`~mfa_sim.errors.InputError` with every problem.
    """

    name: str
    product: str
    title: str
    obtain: str
    recognises: Callable[[FileHead], bool] = field(repr=False)
    read: Callable[[str], Mapped] = field(repr=False)


def text_table(columns: Mapping[str, Sequence[Any] | pa.Array | pa.ChunkedArray],
               types: Mapping[str, pa.DataType] | None = None) -> pa.Table:
    """A table from columns of Python values or Arrow arrays (text unless ``types``
    says otherwise).

    Examples
    --------
    >>> import pyarrow as pa
    >>> text_table({"key": ["a"], "mfa_enabled": [None]},
    ...            {"mfa_enabled": pa.bool_()}).schema.types
    [DataType(string), DataType(bool)]
    """
    import pyarrow as pa

    kinds = types or {}
    arrays = {}
    for name, values in columns.items():
        kind = kinds.get(name, pa.string())
        if isinstance(values, pa.Array | pa.ChunkedArray):
            arrays[name] = values.cast(kind) if values.type != kind else values
        else:
            arrays[name] = typed_array(values, kind)
    return pa.table(arrays)


def empty_accounts() -> pa.Table:
    """A mapped accounts table without rows."""
    import pyarrow as pa

    return text_table({"key": [], "name": [], "plan": [], "mfa_enforced": []},
                      {"mfa_enforced": pa.bool_()})


def empty_users() -> pa.Table:
    """A mapped users table without rows."""
    import pyarrow as pa

    return text_table({"key": [], "email": [], "mfa_enabled": [], "name": []},
                      {"mfa_enabled": pa.bool_()})


def empty_memberships() -> pa.Table:
    """A mapped memberships table without rows."""
    return text_table({"account": [], "user": [], "role": []})


def empty_invitations() -> pa.Table:
    """A mapped invitations table without rows."""
    return text_table({"account": [], "email": [], "invitation_id": [], "role": [],
                       "invited_at": []})


def file_stem(file: str) -> str:
    """The name of a file without its folder and extension: an account's name when
    the export does not give it.

    Examples
    --------
    >>> file_stem("exports/acme-people.json")
    'acme-people'
    """
    return Path(file).stem or file


def problem(file: str, where: str | None, value: object, reason: ProblemReason,
            message: str, line: int | None = None) -> Problem:
    """A problem in an export: at a JSON path (``where``) or a CSV line and column.

    A value that is not text is shown as JSON writes it (``null``, ``true``, ``3``).
    """
    import json

    shown = None if value is _NOTHING else (
        value if isinstance(value, str) else json.dumps(value, default=str))
    return Problem(file, line, where, shown, reason, message)


class _Nothing:
    """No value to show (a missing key)."""


_NOTHING: Any = _Nothing()
NOTHING: Any = _NOTHING
"""Pass as ``value`` to :func:`problem` when there is no value to show."""
