"""Vectorised parsing of text columns into typed Arrow arrays, flagging bad rows.

Columns with few distinct spellings (booleans, plans, roles, statuses) are
dictionary-encoded so that each distinct spelling is judged once in Python and the
verdict spread back over the rows by index; everything else stays in Arrow kernels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.buffers import (
    arrow_of,
    flags_of,
    moments_of,
    null_of,
    numpy_of,
    rows_of,
    scalar_of,
    text_array,
)
from mfa_sim.columns.keys import dictionary_codes
from mfa_sim.columns.text import trimmed
from mfa_sim.errors import ProblemReason
from mfa_sim.model.plans import KNOWN_PLANS, NO_PLAN, canonical_plan
from mfa_sim.model.roles import ROLE_SPELLINGS, parse_role
from mfa_sim.model.schema import TIME_TYPE_UNIT, Kind
from mfa_sim.model.values import (
    BOOLEAN_HINT,
    UNPARSED,
    InvitationStatus,
    MembershipStatus,
    parse_invitation_status,
    parse_membership_status,
    parse_mfa_state,
)

if TYPE_CHECKING:
    import pyarrow as pa



@dataclass(frozen=True, slots=True)
class RowIssue:
    """Rows of one column that share a problem."""

    rows: np.ndarray
    reason: ProblemReason
    message: str


@dataclass(frozen=True, slots=True)
class ParsedColumn:
    """A column's typed values (null where a row is bad) and its bad rows."""

    values: pa.Array | pa.ChunkedArray
    """In the chunks (blocks) the file was read in."""
    issues: tuple[RowIssue, ...]
    counts: dict[Any, int] | None = None
    """How many rows hold each distinct value, for a column judged by spelling (null
    for a row that is bad): counted from the spellings' codes, not from the values."""
    spelled: tuple[pa.Array, pa.ChunkedArray] | None = None
    """For a text column judged by spelling (a plan, role or status), its values as a
    dictionary and each row's position in it: row ``i`` holds ``dictionary[codes[i]]``.
    The dataset's canonical form rewrites such columns from it without hashing them
    again."""


def rows_where(mask: pa.Array | np.ndarray) -> np.ndarray:
    """Positions where a boolean mask is true (nulls count as false)."""
    import pyarrow as pa

    if isinstance(mask, pa.Array | pa.ChunkedArray):
        return rows_of(mask)
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def parse_column(kind: Kind, text: pa.ChunkedArray) -> ParsedColumn:
    """Parse one column of text according to its kind.

    References (account and user ids) and uniqueness are judged across files by the
    loader; here a reference is only trimmed and checked for being non-empty.
    """
    return _PARSERS[kind](text)


def _ids(text: pa.ChunkedArray, *, optional: bool = False) -> ParsedColumn:
    import pyarrow.compute as pc

    values = trimmed(text)
    issues = []
    if not optional:
        empty = rows_where(pc.equal(values, scalar_of("")))
        if empty.size:
            issues.append(RowIssue(empty, ProblemReason.EMPTY_ID, "the id is empty"))
    return ParsedColumn(values, tuple(issues))


def _emails(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow.compute as pc

    values = trimmed(text)
    empty = rows_where(pc.equal(values, scalar_of("")))
    issues = (RowIssue(empty, ProblemReason.EMPTY_EMAIL, "the email is empty"),)
    return ParsedColumn(values, issues if empty.size else ())


def _by_spelling(
    text: pa.ChunkedArray,
    meaning: Callable[[str], Any],
    arrow_type: pa.DataType,
    reason: ProblemReason,
    message: str,
) -> ParsedColumn:
    """Judge each distinct spelling once; ``meaning`` returns UNPARSED for nonsense."""
    import pyarrow as pa

    dictionary, codes = dictionary_codes(text)
    spellings = dictionary.to_pylist()
    meanings = [meaning(spelling) for spelling in spellings]
    indices = np.concatenate([np.zeros(0, dtype=np.int32),
                              *(numpy_of(code) for code in codes)])
    counts: dict[Any, int] = {}
    for value, count in zip(meanings, np.bincount(indices, minlength=len(spellings)).tolist(),
                            strict=True):
        key = None if value is UNPARSED else value
        counts[key] = counts.get(key, 0) + count
    positions = pa.chunked_array(codes, pa.int32())
    text_kept = arrow_type == pa.string()
    if meanings == spellings and text.type == arrow_type:
        # Every spelling is kept as written: the column is its own value.
        return ParsedColumn(text, (), counts, (dictionary, positions) if text_kept else None)
    bad_codes = np.array([m is UNPARSED for m in meanings], dtype=bool)
    typed = _typed(meanings, arrow_type)
    values = typed.take(positions)
    bad_rows = np.flatnonzero(bad_codes[indices]) if bad_codes.any() else np.empty(0, np.int64)
    issues = (RowIssue(bad_rows, reason, message),) if bad_rows.size else ()
    return ParsedColumn(values, issues, counts, (typed, positions) if text_kept else None)


def _typed(meanings: list[Any], arrow_type: pa.DataType) -> pa.Array:
    """The meanings of the distinct spellings (strings or booleans) as an Arrow array,
    null for nonsense."""
    import pyarrow as pa
    import pyarrow.compute as pc

    known = [None if meaning is UNPARSED else meaning for meaning in meanings]
    if arrow_type != pa.bool_():
        return text_array(known).cast(arrow_type)
    return pc.if_else(arrow_of(np.array([meaning is not None for meaning in known], bool)),
                      arrow_of(np.array([bool(meaning) for meaning in known], bool)),
                      null_of(arrow_type))


def _mfa(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow as pa

    return _by_spelling(text, parse_mfa_state, pa.bool_(), ProblemReason.INVALID_BOOLEAN,
                        f"not an MFA state: write {BOOLEAN_HINT}, or leave it empty or "
                        "'unknown' when the state is unknown")


def _booleans(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow as pa

    # Only accounts' mfa_enforced is such a column: an imported export may not say
    # whether an account enforces MFA (contract §6), so it may be unknown too.
    return _by_spelling(text, parse_mfa_state, pa.bool_(), ProblemReason.INVALID_BOOLEAN,
                        f"not a boolean: write {BOOLEAN_HINT}, or leave it empty or "
                        "'unknown' when it is not known")


def _written_as(check: Callable[[str], object | None]) -> Callable[[str], object]:
    """Keep a spelling as written (trimmed) when ``check`` knows what it means."""
    def meaning(spelling: str) -> object:
        return UNPARSED if check(spelling) is None else spelling.strip()
    return meaning


def _plans(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow as pa

    def plan(spelling: str) -> str | None:
        # An empty plan is an export's that gives none (contract §6): tier unknown.
        return NO_PLAN if not spelling.strip() else canonical_plan(spelling)

    return _by_spelling(text, _written_as(plan), pa.string(),
                        ProblemReason.UNKNOWN_PLAN,
                        f"unknown plan; known plans: {', '.join(KNOWN_PLANS)} "
                        "(DNSimple identifiers such as dnsimple-teams or teams-v2-monthly "
                        "are accepted)")


def _roles(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow as pa

    return _by_spelling(text, _written_as(parse_role), pa.string(), ProblemReason.UNKNOWN_ROLE,
                        f"unknown role; known roles: {', '.join(ROLE_SPELLINGS)}")


def _statuses(parse: Callable[[str], StrEnum | None], statuses: type[StrEnum],
              noun: str) -> Callable[[pa.ChunkedArray], ParsedColumn]:
    """A parser of a status column: each spelling as ``parse`` reads it."""
    def parser(text: pa.ChunkedArray) -> ParsedColumn:
        import pyarrow as pa

        def meaning(spelling: str) -> object:
            status = parse(spelling)
            return UNPARSED if status is None else status.value

        return _by_spelling(text, meaning, pa.string(), ProblemReason.UNKNOWN_STATUS,
                            f"unknown {noun} status; known statuses: "
                            + ", ".join(status.value for status in statuses))
    return parser


def _counts(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow as pa
    import pyarrow.compute as pc

    values = trimmed(text)
    empty = pc.equal(values, scalar_of(""))
    well_formed = pc.ascii_is_decimal(values)  # ASCII digits, at least one
    bad = rows_where(pc.invert(pc.or_(empty, well_formed)))
    # A number past 64 bits is as unusable as letters. Without leading zeros, digits
    # of one length compare as text in the order of their numbers.
    digits = pc.utf8_ltrim(values, characters="0")
    length = pc.binary_length(digits)
    fits = pc.or_(pc.less(length, scalar_of(len(_LARGEST))),
                  pc.and_(pc.equal(length, scalar_of(len(_LARGEST))),
                          pc.less_equal(digits, scalar_of(_LARGEST))))
    usable = pc.and_(well_formed, fits)
    too_large = rows_where(pc.and_(well_formed, pc.invert(usable)))
    numbers = pc.cast(pc.if_else(usable, values, null_of(pa.string())), pa.int64())
    issues = (RowIssue(bad, ProblemReason.INVALID_INTEGER,
                       "not a non-negative integer (leave it empty for unlimited)"),
              RowIssue(too_large, ProblemReason.INVALID_INTEGER,
                       f"too large: a count is at most {int(_LARGEST):,} (leave it empty "
                       "for unlimited)"))
    return ParsedColumn(numbers, tuple(issue for issue in issues if issue.rows.size))


_LARGEST = str(2**63 - 1)
"""The largest count a column holds (Arrow's 64-bit integers), as digits."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EARLIEST = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_LATEST = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)


def _cast_within_calendar(candidates: pa.Array, time_type: pa.DataType) -> pa.Array | None:
    """Every candidate read by Arrow, or None if one is unreadable or outside the
    years Python holds (Arrow reads year 0000, or 9999 pushed over by a zone)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        moments = pc.cast(candidates, time_type)
    except pa.ArrowInvalid:
        return None
    extent = pc.min_max(moments.cast(pa.int64())).as_py()
    if extent["min"] is None or (extent["min"] >= _EARLIEST and extent["max"] <= _LATEST):
        return moments
    return None


def _times(text: pa.ChunkedArray) -> ParsedColumn:
    import pyarrow as pa
    import pyarrow.compute as pc

    time_type = pa.timestamp(TIME_TYPE_UNIT, tz="UTC")
    values = trimmed(text)
    empty = pc.equal(values, scalar_of(""))
    present = (pc.if_else(empty, null_of(pa.string()), values)
               if pc.any(empty).as_py() else values)
    # Most exports write every time with its zone: one cast reads them all. A look at
    # the first values spares a cast bound to fail.
    sample = present.slice(0, _SAMPLE)
    if (_zoned(sample) | ~_present(sample)).all():
        moments = _cast_within_calendar(present, time_type)
        if moments is not None:
            return ParsedColumn(moments, ())
    moments = _times_with_and_without_zones(present, time_type)
    if moments is not None:
        return ParsedColumn(moments, ())
    # Some value is not in a form Arrow reads: judge each one the slow way.
    parsed: list[datetime | None] = []
    bad: list[int] = []
    for row, value in enumerate(values.to_pylist()):
        moment = parse_time(value) if value else None
        if value and moment is None:
            bad.append(row)
        parsed.append(moment)
    issues = (RowIssue(np.asarray(bad, dtype=np.int64), ProblemReason.INVALID_TIME,
                       "not an ISO 8601 time (e.g. 2026-01-31T09:30:00Z)"),)
    return ParsedColumn(moments_of(parsed, time_type), issues if bad else ())


_SAMPLE = 1024


def _zoned(times: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which times end with a zone (``Z``, ``+01``, ``+0100`` or ``+01:00``; a missing
    time has none). A date alone (``2026-01-31``) ends with what looks like a zone,
    and has none."""
    import pyarrow.compute as pc

    zone = pc.and_(pc.greater(pc.binary_length(times), scalar_of(10)),
                   pc.match_substring_regex(times, r"([Zz]|[+-]\d\d(:?\d\d)?)$"))
    return flags_of(zone)


def _present(times: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which times are not missing."""
    return numpy_of(times.is_valid())


def _times_with_and_without_zones(times: pa.Array, time_type: pa.DataType) -> pa.Array | None:
    """Times some of which have a zone: each kind cast apart (Arrow reads a time
    without a zone only into a type without one, and such a time is UTC), then put
    back in place. ``None`` if some time is not one Arrow reads.

    Which times have a zone is first guessed from one time of each length, then, if a
    cast refuses a time the guess put in the wrong kind, looked at time by time.
    """
    guess = _zoned_by_length(times)
    if guess is not None:
        moments = _cast_each_kind(times, guess, time_type)
        if moments is not None:
            return moments
    zoned = _zoned(times)
    if guess is not None and np.array_equal(zoned, guess):
        return None  # the guess was right: some time is one Arrow does not read
    return _cast_each_kind(times, zoned, time_type)


_LENGTHS_JUDGED = 32
"""The most lengths of time :func:`_zoned_by_length` judges one time of each."""


def _zoned_by_length(times: pa.Array) -> np.ndarray | None:
    """:func:`_zoned` of one time of each length, spread to the times of that length
    (``None`` for times of more than :data:`_LENGTHS_JUDGED` lengths).

    Exports write each form of a time at a length of its own (``...:34``,
    ``...:34Z``, ``...:34.999Z``, ``...:34+01:00``): the guess costs a pass over the
    lengths, where a look at every time costs a regular expression per row.
    """
    import pyarrow.compute as pc

    measured = pc.binary_length(times)
    lengths = numpy_of(measured.fill_null(scalar_of(0).cast(measured.type)))
    counts = np.bincount(lengths)
    present = np.flatnonzero(counts)
    if present.size > _LENGTHS_JUDGED:
        return None
    firsts = np.array([np.argmax(lengths == length) for length in present], dtype=np.int64)
    verdicts = np.zeros(len(counts), dtype=bool)
    verdicts[present] = _zoned(times.take(arrow_of(firsts)))
    guessed: np.ndarray = verdicts[lengths]
    return guessed


def _cast_each_kind(times: pa.Array, zoned_rows: np.ndarray, time_type: pa.DataType
                    ) -> pa.Array | None:
    """The times with a zone (``zoned_rows``) and those without cast apart and put
    back in place; ``None`` if a cast refuses one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # Each kind is cast where it stands, the other rows null: no gather of the text.
    zoned = arrow_of(zoned_rows)
    plain = pc.and_(pc.invert(zoned), times.is_valid())
    moments = []
    for chosen, kind in ((zoned, time_type), (plain, pa.timestamp(TIME_TYPE_UNIT))):
        cast = _cast_within_calendar(pc.if_else(chosen, times, null_of(times.type)), kind)
        if cast is None:
            return None
        moments.append(cast.cast(pa.int64()))
    return pc.if_else(zoned, *moments).cast(time_type)


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 time in UTC (one without a zone is UTC), or ``None``.

    Examples
    --------
    >>> parse_time("2026-01-31T10:30:00+01:00")
    datetime.datetime(2026, 1, 31, 9, 30, tzinfo=datetime.timezone.utc)
    >>> parse_time("2026-01-31"), parse_time("31/01/2026")
    (datetime.datetime(2026, 1, 31, 0, 0, tzinfo=datetime.timezone.utc), None)
    """
    text = _FRACTION.sub(r"\1", value.strip())
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def _text(text: pa.ChunkedArray) -> ParsedColumn:
    return ParsedColumn(text, ())


_PARSERS: dict[Kind, Callable[[pa.ChunkedArray], ParsedColumn]] = {
    Kind.ID: _ids,
    Kind.OPTIONAL_ID: lambda text: _ids(text, optional=True),
    Kind.ACCOUNT_REF: _ids,
    Kind.USER_REF: _ids,
    Kind.EMAIL: _emails,
    Kind.MFA: _mfa,
    Kind.BOOLEAN: _booleans,
    Kind.PLAN: _plans,
    Kind.ROLE: _roles,
    Kind.STATUS: _statuses(parse_invitation_status, InvitationStatus, "invitation"),
    Kind.MEMBERSHIP_STATUS: _statuses(parse_membership_status, MembershipStatus,
                                      "membership"),
    Kind.COUNT: _counts,
    Kind.TIME: _times,
    Kind.TEXT: _text,
}
