"""Mutes: findings a team has looked at and accepted, kept in the report but not failing it.

A mute file (``audit --mute FILE``, contract §4) is a YAML list of entries::

    - check: admin_without_mfa          # a check id, or a pattern such as 'enforcement_*'
      account: a_legacy                 # any of account, user, email: patterns too
      reason: moving to SSO in March    # required: why this is accepted
      expires: 2026-03-31               # optional: a date, the last day it applies

Matching:

- ``*`` is the only wildcard: it stands for any run of characters, none included.
  Every other character stands for itself (ids may hold any character). Check, account
  and user patterns are case-sensitive; email patterns are not, as emails are compared
  case-insensitively everywhere.
- An entry matches a finding when every field it gives matches the finding's field of
  the same name. A field the finding does not have (``account`` of
  ``mfa_state_unknown``, ``email`` of a membership finding) matches no pattern, not even
  ``*``. An entry giving only ``check`` mutes every finding of the checks it names.
- An entry expiring on day D applies through D, inclusive, and stops applying the day
  after: it is judged on the audit's ``as_of`` date (UTC), so ``--as-of`` decides.
- A finding matched by several entries takes the reason of the first, in file order.

The file is read the way scenario files are: composed by PyYAML's safe loader into
nodes that keep their line numbers, plain data only (a tag that would build a Python
object is refused, never constructed), every problem collected and raised together in
one :class:`~mfa_sim.errors.InputError`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import numpy as np

from mfa_sim.columns.buffers import arrow_of, flags_of, null_of, text_array
from mfa_sim.compliance.checks import CHECKS_BY_ID
from mfa_sim.data.input_files import compose_yaml, read_text
from mfa_sim.data.yaml_nodes import (
    MAP,
    MERGE,
    NULL,
    SEQ,
    STR,
    TIMESTAMP,
    VALUE,
    is_mapping,
    is_scalar,
    is_sequence,
    kind_of,
    line_of,
    safe_tags,
    short_tag,
    text_of,
)
from mfa_sim.errors import InputError, Problem, ProblemReason

if TYPE_CHECKING:
    import pyarrow as pa
    from yaml.nodes import Node


MUTE_KEYS: Final = ("check", "account", "user", "email", "reason", "expires")
"""The keys a mute entry may have."""

PATTERN_KEYS: Final = ("account", "user", "email")
"""The finding fields a mute may narrow itself to, besides the check."""


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A ``*`` pattern as an anchored regular expression (everything else literal)."""
    return re.compile(".*".join(re.escape(literal) for literal in pattern.split("*")), re.DOTALL)


def _like(pattern: str) -> str:
    """A ``*`` pattern as an SQL LIKE pattern for :func:`pyarrow.compute.match_like`.

    Examples
    --------
    >>> _like("a_*%")
    'a\\\\_%\\\\%'
    """
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def pattern_mask(values: pa.Array | pa.ChunkedArray, pattern: str, *,
                 ignore_case: bool = False) -> np.ndarray:
    """Which values a ``*`` pattern matches, as mute files match them (nulls match
    nothing), by one Arrow kernel over the whole column.

    Examples
    --------
    >>> import pyarrow as pa
    >>> pattern_mask(pa.array(["a_team", "a%x", "b_team", None]), "a*").tolist()
    [True, True, False, False]
    >>> pattern_mask(pa.array(["A_team"]), "a_*", ignore_case=True).tolist()
    [True]
    >>> pattern_mask(pa.array(["x" * 300_000, "y", None]), "x" * 300_000).tolist()
    [True, False, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        matched = pc.match_like(values, _like(pattern), ignore_case=ignore_case)
    except pa.ArrowInvalid:
        # Arrow's engine refuses a pattern too large to compile: Python's matches each
        # distinct value once instead.
        from mfa_sim.columns.keys import per_distinct

        regex = re.compile(_pattern_regex(pattern).pattern,
                           re.DOTALL | (re.IGNORECASE if ignore_case else 0))
        return per_distinct(values, lambda value: value is not None
                            and regex.fullmatch(value) is not None)
    # A null matches nothing.
    return flags_of(matched)


def matching_checks(pattern: str) -> tuple[str, ...]:
    """The known check ids a check pattern names, in report order.

    Examples
    --------
    >>> matching_checks("enforc*")
    ('enforcing_on_ineligible_plan', 'enforcement_blocked_by_member', 'enforcement_ready',
     'enforcing_managers_without_mfa', 'enforcement_state_unknown')
    >>> matching_checks("admin_without_mfa"), matching_checks("nothing*")
    (('admin_without_mfa',), ())
    """
    regex = _pattern_regex(pattern)
    return tuple(check for check in CHECKS_BY_ID if regex.fullmatch(check))


@dataclass(frozen=True, slots=True)
class Mute:
    """One accepted kind of finding.

    Parameters
    ----------
    check
        A check id, or a pattern with ``*`` naming one or more checks.
    reason
        Why the findings are accepted (non-empty text); reports show it.
    account, user, email
        Optional patterns the finding's field must match (``*`` is the wildcard;
        emails case-insensitively).
    expires
        The last day the mute applies, or ``None`` for no end.
    line
        Where the entry starts in its file, or ``None`` for a mute made in code.

    Raises
    ------
    ValueError
        If the check pattern is empty, the reason is blank, or a pattern is empty.

    Examples
    --------
    >>> from datetime import date
    >>> mute = Mute("admin_without_mfa", "leaving in March", user="u_*",
    ...             expires=date(2026, 3, 31))
    >>> mute.active(date(2026, 3, 31)), mute.active(date(2026, 4, 1))
    (True, False)
    >>> mute.describe()
    'admin_without_mfa user=u_* (expires 2026-03-31)'
    >>> Mute("admin_without_mfa", " ")
    Traceback (most recent call last):
    ...
    ValueError: a mute needs a reason: say why these findings are accepted
    """

    check: str
    reason: str
    account: str | None = None
    user: str | None = None
    email: str | None = None
    expires: date | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        if not self.check:
            raise ValueError("a mute needs a check id or pattern, such as 'admin_without_mfa'")
        if not self.reason.strip():
            raise ValueError("a mute needs a reason: say why these findings are accepted")
        for key in PATTERN_KEYS:
            if getattr(self, key) == "":
                raise ValueError(f"the {key} pattern is empty; leave it out to match any "
                                 f"{key}")
        if isinstance(self.expires, datetime):
            raise ValueError("expires is a date, not a time")

    def active(self, on: date) -> bool:
        """Whether the mute applies on a day: it does through its ``expires`` day."""
        return self.expires is None or on <= self.expires

    def describe(self) -> str:
        """The entry in one line: check, patterns, expiry.

        Examples
        --------
        >>> Mute("invitation_*", "old invitations", account="a1").describe()
        'invitation_* account=a1'
        """
        parts = [self.check, *(f"{key}={getattr(self, key)}" for key in PATTERN_KEYS
                               if getattr(self, key) is not None)]
        if self.expires is not None:
            parts.append(f"(expires {self.expires.isoformat()})")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data, every key present.

        Examples
        --------
        >>> Mute("admin_without_mfa", "known", user="u2", line=3).to_dict()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'check': 'admin_without_mfa', 'account': None, 'user': 'u2', 'email': None,
         'reason': 'known', 'expires': None, 'line': 3}
        """
        return {"check": self.check, "account": self.account, "user": self.user,
                "email": self.email, "reason": self.reason,
                "expires": None if self.expires is None else self.expires.isoformat(),
                "line": self.line}

    def mask(self, findings: pa.Table) -> np.ndarray:
        """Which findings the entry matches (expiry aside), as a boolean array.

        Each field is matched by one Arrow kernel over the whole column.

        Examples
        --------
        >>> import pyarrow as pa
        >>> table = pa.table({"check": ["admin_without_mfa"] * 3,
        ...                   "account": ["a1", "a2", None], "user": ["u1", "u2", "u3"],
        ...                   "email": pa.nulls(3, pa.string())})
        >>> Mute("admin_*", "known", account="a*").mask(table).tolist()
        [True, True, False]
        """
        import pyarrow.compute as pc

        checks = matching_checks(self.check)
        matched = flags_of(pc.is_in(findings.column("check"), value_set=text_array(checks)))
        for key in PATTERN_KEYS:
            pattern = getattr(self, key)
            if pattern is not None:
                matched &= pattern_mask(findings.column(key), pattern,
                                        ignore_case=key == "email")
        return matched


@dataclass(frozen=True, slots=True)
class MuteReport:
    """What the mutes of an audit did.

    Parameters
    ----------
    mutes
        Every entry, in file order.
    muted
        How many findings are muted.
    expired
        Entries past their ``expires`` day at the audit date: they muted nothing.
    unmatched
        Entries in force that match no finding (a finding muted by an earlier entry
        still counts as matched): fixed, or a typo.
    """

    mutes: tuple[Mute, ...]
    muted: int
    expired: tuple[Mute, ...]
    unmatched: tuple[Mute, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``mutes`` object of ``audit --format json``."""
        return {"muted": self.muted, "expired": [mute.to_dict() for mute in self.expired],
                "unmatched": [mute.to_dict() for mute in self.unmatched]}


def apply_mutes(findings: pa.Table, mutes: Iterable[Mute],
                on: date) -> tuple[pa.Table, MuteReport]:
    """The findings with ``muted`` and ``mute_reason`` columns, and what each mute did.

    Parameters
    ----------
    findings
        The audit's findings table.
    mutes
        The entries, in file order: the first match gives a finding its reason.
    on
        The day expiry is judged at (an entry applies through its ``expires`` day).

    Returns
    -------
    tuple of pyarrow.Table and MuteReport
        The findings (any earlier ``muted``/``mute_reason`` columns replaced) and the report.

    Examples
    --------
    >>> from datetime import date
    >>> import pyarrow as pa
    >>> table = pa.table({"check": ["admin_without_mfa", "mfa_state_unknown"],
    ...                   "account": ["a1", None], "user": ["u1", "u1"],
    ...                   "email": pa.nulls(2, pa.string())})
    >>> marked, report = apply_mutes(table, [
    ...     Mute("*", "u1 is on leave", user="u1"),
    ...     Mute("admin_without_mfa", "shadowed by the first"),
    ...     Mute("enforcement_ready", "nothing to match"),
    ...     Mute("*", "too old", expires=date(2025, 12, 31))], on=date(2026, 1, 10))
    >>> marked.column("muted").to_pylist(), marked.column("mute_reason").to_pylist()
    ([True, True], ['u1 is on leave', 'u1 is on leave'])
    >>> [m.reason for m in report.unmatched], [m.reason for m in report.expired]
    (['nothing to match'], ['too old'])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    entries = tuple(mutes)
    rows = findings.num_rows
    muted = np.zeros(rows, dtype=bool)
    reason_of = np.full(rows, -1, dtype=np.int64)
    expired: list[Mute] = []
    unmatched: list[Mute] = []
    for position, mute in enumerate(entries):
        if not mute.active(on):
            expired.append(mute)
            continue
        mask = mute.mask(findings)
        if not mask.any():
            unmatched.append(mute)
            continue
        reason_of[mask & ~muted] = position
        muted |= mask
    reasons = text_array([mute.reason for mute in entries]).take(
        pc.if_else(arrow_of(reason_of >= 0), arrow_of(reason_of), null_of(pa.int64())))
    table = findings.drop_columns([name for name in ("muted", "mute_reason")
                                   if name in findings.column_names])
    table = table.append_column("muted", arrow_of(muted))
    table = table.append_column("mute_reason", reasons)
    return table, MuteReport(entries, int(muted.sum()), tuple(expired), tuple(unmatched))


# --- reading mute files ------------------------------------------------------------------


def load_mutes(path: str | os.PathLike[str]) -> tuple[Mute, ...]:
    """Read a mute file (YAML, UTF-8 with or without a BOM).

    Returns
    -------
    tuple of Mute
        The entries in file order; an empty file (or one with only comments) has none.

    Raises
    ------
    InputError
        Carrying every problem in the file, each with its line, key and value.

    Examples
    --------
    >>> load_mutes("no/such/mutes.yaml")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      no/such/mutes.yaml: the mute file is missing
    """
    source = os.fspath(path)

    text = read_text(path, "mute file")
    return parse_mutes(text, source=source)


def parse_mutes(text: str, *, source: str = "<mutes>") -> tuple[Mute, ...]:
    """Read mute entries from YAML text (see :func:`load_mutes` and the module notes).

    Examples
    --------
    >>> [m.describe() for m in parse_mutes('''
    ... - check: admin_without_mfa
    ...   user: u_ben
    ...   reason: contractor, leaves in March
    ...   expires: 2026-03-31
    ... ''')]
    ['admin_without_mfa user=u_ben (expires 2026-03-31)']

    Every problem is reported at once, with its line, key and value:

    >>> parse_mutes('''
    ... - check: admin_without_mfa
    ...   until: 2026-03-31
    ... - check: no_such_check
    ...   reason: typo
    ...   expires: 2026-02-30
    ... ''')
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 4 problems in the input:
      <mutes>:2: column reason: mute 1: the reason is missing: say why these findings are accepted
      <mutes>:3: column until: 'until': mute 1: unknown key 'until' (did you mean 'expires'?); ...
      <mutes>:4: column check: 'no_such_check': mute 2: unknown check 'no_such_check'; checks: ...
      <mutes>:6: column expires: '2026-02-30': mute 2: expires is not a date (YYYY-MM-DD)
    """
    reader = _Reader(source)
    try:
        mutes = reader.read(compose_yaml(text, source, "mute file"))
    except RecursionError:
        raise InputError([Problem(source, None, None, None, ProblemReason.INVALID_YAML,
                                  "the mute file nests too deeply to read")]) from None
    if reader.problems:
        raise InputError(sorted(reader.problems, key=lambda problem: problem.line or 0))
    return mutes


_Entries: TypeAlias = "dict[Hashable, tuple[Node, Node]]"


class _Reader:
    """Walks a mute file's nodes in document order, collecting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._merged: dict[int, _Entries] = {}

    def problem(self, node: Node, key: str | None, reason: ProblemReason, message: str,
                *, value: str | None = None, as_written: bool = True) -> None:
        if value is None and as_written:
            value = text_of(node)
        self.problems.append(Problem(self.source, line_of(node), key, value, reason, message))

    def plain(self, node: Node, key: str | None, where: str) -> bool:
        """Whether a node holds plain data; a tag that would build an object is refused."""
        if node.tag in safe_tags() and node.tag not in (MERGE, VALUE):
            return True
        tag = short_tag(node.tag)
        self.problem(node, key, ProblemReason.INVALID_YAML,
                     f"{where}the YAML tag {tag} is not allowed: a mute file holds plain "
                     "data only (text, dates, lists and mappings)", value=tag)
        return False

    def read(self, root: Node | None) -> tuple[Mute, ...]:
        if root is None:
            return ()
        if not self.plain(root, None, ""):
            return ()
        if not (is_sequence(root) and root.tag == SEQ):
            self.problem(root, None, ProblemReason.INVALID_MUTE,
                         "a mute file is a list of entries, each starting with `- check:`, "
                         f"not {kind_of(root)}", as_written=False)
            return ()
        entries = (self.entry(number, node) for number, node in enumerate(root.value, 1))
        return tuple(entry for entry in entries if entry is not None)

    def entries(self, node: Node, where: str, *, report: bool = True,
                within: frozenset[int] = frozenset()) -> _Entries:
        """A mapping's keys with their nodes; merge keys resolved, keys written twice
        reported."""
        merged: _Entries = {}
        written: _Entries = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                self.merge(value_node, merged, where, within | {id(node)})
                continue
            if not self.plain(key_node, None, where):
                continue
            key: Hashable = key_node.value if is_scalar(key_node) else id(key_node)
            if key in written:
                if report:
                    self.problem(key_node, str(key), ProblemReason.DUPLICATE_KEY,
                                 f"{where}{key!r} is given twice (first on line "
                                 f"{line_of(written[key][0])})")
                continue
            written[key] = (key_node, value_node)
        return {**merged, **written}

    def merge(self, source: Node, into: _Entries, where: str, within: frozenset[int]) -> None:
        sources = [source] if is_mapping(source) else (
            list(source.value) if is_sequence(source) else [])
        if not sources or not all(is_mapping(each) and each.tag == MAP
                                  for each in sources):
            self.problem(source, "<<", ProblemReason.INVALID_YAML,
                         f"{where}a merge key (<<) takes a mapping or a list of mappings",
                         as_written=False)
            return
        for each in sources:
            if id(each) in within:
                self.problem(each, "<<", ProblemReason.INVALID_YAML,
                             f"{where}a merge key (<<) may not merge a mapping into itself",
                             as_written=False)
                continue
            found = self._merged.get(id(each))
            if found is None:
                found = self.entries(each, where, report=False, within=within)
                self._merged[id(each)] = found
            for key, pair in found.items():
                into.setdefault(key, pair)

    def entry(self, number: int, node: Node) -> Mute | None:
        where = f"mute {number}: "
        if not self.plain(node, None, where):
            return None
        if not (is_mapping(node) and node.tag == MAP):
            self.problem(node, None, ProblemReason.INVALID_MUTE,
                         f"{where}an entry is a mapping with check, reason and any of "
                         f"account, user, email, expires; not {kind_of(node)}")
            return None
        entries = self.entries(node, where)
        valid = True
        for required in ("check", "reason"):
            if required not in entries:
                why = ("name a check id or pattern" if required == "check"
                       else "say why these findings are accepted")
                self.problem(node, required, ProblemReason.MISSING_KEY,
                             f"{where}the {required} is missing: {why}", as_written=False)
                valid = False
        values: dict[str, Any] = {}
        for key, (key_node, value_node) in entries.items():
            if key not in MUTE_KEYS:
                written = text_of(key_node)
                shown = kind_of(key_node) if written is None else repr(written)
                close = difflib.get_close_matches(written or "", MUTE_KEYS, 1)
                if written in {"until", "expiry", "expire", "expiration", "expiring"}:
                    close = ["expires"]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(key_node, written, ProblemReason.UNKNOWN_KEY,
                             f"{where}unknown key {shown}{hint}; an entry has "
                             "check, account, user, email, reason and expires")
                valid = False
                continue
            assert isinstance(key, str)
            value = (self.expires(value_node, where) if key == "expires"
                     else self.text(key, value_node, where))
            if value is None:
                valid = False
            else:
                values[key] = value
        if not valid:
            return None
        return Mute(line=line_of(node), **values)

    def text(self, key: str, node: Node, where: str) -> str | None:
        """A text value (check, reason or a pattern), checked; ``None`` if refused."""
        if not self.plain(node, key, where):
            return None
        if not (is_scalar(node) and node.tag == STR):
            what = {"check": "a check id or pattern", "reason": "text",
                    "account": "an account id or pattern", "user": "a user id or pattern",
                    "email": "an email or pattern"}[key]
            if is_scalar(node) and node.tag == NULL:
                message = f"{key} has no value; give {what}"
            elif is_scalar(node):
                message = (f"{key} must be {what} written as text, but YAML reads "
                           f"{node.value!r} as {kind_of(node)}; quote it: {key}: '{node.value}'")
            else:
                message = f"{key} must be {what}, not {kind_of(node)}"
            self.problem(node, key, ProblemReason.INVALID_VALUE, where + message)
            return None
        value = str(node.value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.problem(node, key, ProblemReason.INVALID_VALUE,
                         f"{where}{key} holds an escape that is no character (a lone "
                         "surrogate)", as_written=False)
            return None
        if key == "reason":
            if not value.strip():
                self.problem(node, key, ProblemReason.INVALID_VALUE,
                             f"{where}the reason is empty: say why these findings are accepted")
                return None
            return value
        if not value:
            self.problem(node, key, ProblemReason.INVALID_VALUE,
                         f"{where}{key} is empty; leave it out to match any {key}, or use '*'")
            return None
        if key == "check" and not matching_checks(value):
            known = ", ".join(CHECKS_BY_ID)
            message = (f"the pattern {value!r} matches no check" if "*" in value
                       else f"unknown check {value!r}")
            self.problem(node, key, ProblemReason.UNKNOWN_CHECK,
                         f"{where}{message}; checks: {known}")
            return None
        return value

    def expires(self, node: Node, where: str) -> date | None:
        if not self.plain(node, "expires", where):
            return None
        import yaml
        from yaml.constructor import SafeConstructor

        day: date | None = None
        problem = "expires is not a date (YYYY-MM-DD)"
        if is_scalar(node) and node.tag in (STR, TIMESTAMP):
            try:
                parsed = SafeConstructor().construct_object(node) if node.tag == TIMESTAMP \
                    else date.fromisoformat(str(node.value).strip())
            except (ValueError, OverflowError, yaml.YAMLError):
                parsed = None
            if isinstance(parsed, datetime):
                problem = ("expires is a day (YYYY-MM-DD), not a time: a mute applies "
                           "through the whole of its last day")
            elif isinstance(parsed, date):
                day = parsed
        elif is_scalar(node) and node.tag == NULL:
            problem = "expires has no value; give a date (YYYY-MM-DD) or leave it out"
        if day is None:
            self.problem(node, "expires", ProblemReason.INVALID_TIME, where + problem)
        return day

