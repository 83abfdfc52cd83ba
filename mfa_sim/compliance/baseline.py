"""Baselines: an earlier audit, to tell what is new, what is unchanged and what is gone.

``audit --baseline OLD.json`` (contract §4) reads the JSON document an earlier
``audit --format json`` wrote. A finding is the same finding when its check, account,
user and email are the same (emails compared case-insensitively, as everywhere; a
missing value equals only a missing value): each current finding is then ``new`` or
``unchanged``, and the baseline's findings that no longer appear are ``resolved``.
Messages, severities and mutes play no part in the comparison, and the exit code does
not change.

Only what both audits looked for is compared. The baseline's ``checks`` lists the checks
its audit ran: a current finding of a check it did not run is ``not_compared`` (it was
not looked for then, so it is not new), and a baseline finding of a check this audit did
not run is left out (it was not looked for now, so it is not resolved). A baseline
without ``checks`` (written before the key existed) counts as having run every check.

A baseline is a file the tool wrote, so what the tool never writes is refused, every
problem at once, located by its JSON path (an :class:`~mfa_sim.errors.InputError`: exit 2
on the command line), rather than guessed at, which would make a CI job's counts lie:

- a finding whose check this version does not know (``unknown_check``), unless the
  baseline's own ``checks`` lists it and it is shaped like a check id: a newer mfa-sim
  wrote the baseline, and that check's findings are left out like those of any check
  this audit did not run;
- a finding of a check the baseline's ``checks`` does not list (the file was edited);
- the same finding twice (``duplicate_id``): an audit lists each finding once (the
  loader refuses the duplicate rows that could make two), and a copy would be counted
  twice among the resolved.

Nothing in a report names the export it audited, so a baseline of another export cannot
be refused. :func:`comparison` warns instead when most of the baseline's compared findings
that name an account name one this export does not have: findings of accounts removed
since are resolved too, so it asks rather than refuses.

The comparison encodes each identity as one string (every field length-prefixed, so no
id, whatever characters it holds, can run into the next) and looks the two sets up in
each other with hash kernels: no Python loop over findings.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import rows_of, scalar_of, text_array
from mfa_sim.columns.keys import all_distinct, encode_keys
from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID, Severity
from mfa_sim.compliance.result import NOT_COMPARED
from mfa_sim.data.input_files import decode_text, read_bytes
from mfa_sim.errors import InputError, Problem, ProblemReason

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    import pyarrow as pa

    from mfa_sim.compliance.result import AuditResult

BASELINE_KEYS: Final = ("check", "severity", "account", "user", "email", "message",
                        "remediation")
"""The finding keys read from a baseline (others, such as ``muted``, are ignored)."""

IDENTITY: Final = ("check", "account", "user", "email")
"""What makes two findings the same finding."""

REQUIRED: Final = ("check", "severity")
"""Keys a baseline finding must give as text; the others may be null or left out."""

MAX_PROBLEMS: Final = 20
"""How many problems of a bad baseline are listed before the rest are counted."""

CHECK_ID: Final = re.compile(r"[a-z][a-z0-9_]*")
"""The shape of every check id: an id of another shape in a baseline's ``checks`` was
not written by any version of mfa-sim."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """The findings of an earlier audit.

    Parameters
    ----------
    findings
        One row per finding, with the string columns of :data:`BASELINE_KEYS`, in the
        baseline's order.
    source
        Where it was read from, if from a file.
    checks
        The checks the earlier audit ran, as its report listed them (some perhaps
        unknown to this version, if a newer one wrote it); ``None`` for a report written
        before reports listed them, taken as every check.
    """

    findings: pa.Table
    source: str | None = None
    checks: tuple[str, ...] | None = None


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    """Read the JSON an earlier ``audit --format json`` wrote.

    Raises
    ------
    InputError
        If the file is missing, unreadable, not JSON, or not an audit report; every
        problem found with the findings is listed.

    Examples
    --------
    >>> load_baseline("no/such/old.json")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      no/such/old.json: the baseline file is missing
    """
    source = os.fspath(path)
    raw = read_bytes(path, "baseline file")
    return parse_baseline(raw, source=source)


def parse_baseline(document: bytes | str, *, source: str = "<baseline>") -> Baseline:
    """Read a baseline from the text of an ``audit --format json`` report.

    Raises
    ------
    InputError
        For text that is not such a report, and for what the tool never writes in one
        (see the module's docstring): every problem at once, located by its JSON path.

    Examples
    --------
    >>> baseline = parse_baseline('''{"findings": [
    ...   {"check": "admin_without_mfa", "severity": "high", "account": "a1",
    ...    "user": "u2", "email": null, "message": "...", "remediation": "..."}]}''')
    >>> baseline.findings.column("user").to_pylist()
    ['u2']
    >>> parse_baseline('{"findings": [{"check": 7}, "x"]}')
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 3 problems in the input:
      <baseline>: column findings[0].check: '7': check must be text, not a number
      <baseline>: column findings[0].severity: severity is missing
      <baseline>: column findings[1]: a finding is a JSON object, not text
    >>> parse_baseline('''{"checks": ["admin_without_mfa"], "findings": [
    ...   {"check": "bogus_check", "severity": "high", "account": "a1"}]}''')
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      <baseline>: column findings[0].check: 'bogus_check': unknown check, and not one \
the baseline's checks list either; `mfa-sim checks` lists them
    """
    if isinstance(document, bytes):
        document = decode_text(document, source, "baseline")
    if not document.strip():
        raise _failure(source, ProblemReason.EMPTY_FILE,
                       "the baseline is empty; give the JSON of an earlier "
                       "`mfa-sim audit --format json`")
    try:
        data = json.loads(document)
    except json.JSONDecodeError as error:
        raise _failure(source, ProblemReason.INVALID_JSON,
                       f"the baseline is not valid JSON: {error.msg} (column {error.colno})",
                       error.lineno) from None
    except RecursionError:
        raise _failure(source, ProblemReason.INVALID_JSON,
                       "the baseline nests too deeply to read") from None
    except ValueError as error:
        # json refuses an integer of more digits than Python converts (4,300).
        raise _failure(source, ProblemReason.INVALID_JSON,
                       f"the baseline is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise _failure(source, ProblemReason.INVALID_BASELINE,
                       "a baseline is the JSON object of `mfa-sim audit --format json`, "
                       f"not {_kind(data)}")
    if "findings" not in data:
        raise InputError([Problem(source, None, "findings", None, ProblemReason.MISSING_KEY,
                                  "the baseline has no findings: is it the JSON of "
                                  "`mfa-sim audit --format json`?")])
    findings = data["findings"]
    if not isinstance(findings, list):
        raise InputError([Problem(source, None, "findings", None,
                                  ProblemReason.INVALID_BASELINE,
                                  f"findings must be a list, not {_kind(findings)}")])
    problems: list[Problem] = []
    checks = _listed_checks(data, source, problems)
    table, positions = _table(findings, source, problems)
    problems += _content_problems(table, positions, checks, source)
    if problems:
        raise InputError(_capped(problems, source))
    return Baseline(table, source, checks)


def _listed_checks(data: dict[str, Any], source: str,
                   problems: list[Problem]) -> tuple[str, ...] | None:
    """The baseline's ``checks`` (None when it has none), its problems added to
    ``problems``; the entries that are fine are kept, to judge the findings by."""
    if "checks" not in data:
        return None
    listed = data["checks"]
    if not isinstance(listed, list):
        problems.append(Problem(source, None, "checks", None, ProblemReason.INVALID_BASELINE,
                                f"checks must be a list of check ids, not {_kind(listed)}"))
        return None
    kept = []
    for index, check in enumerate(listed):
        where = f"checks[{index}]"
        if not isinstance(check, str):
            problems.append(Problem(source, None, where, _shown(check),
                                    ProblemReason.INVALID_BASELINE,
                                    f"a check id is text, not {_kind(check)}"))
        elif check not in CHECKS_BY_ID and CHECK_ID.fullmatch(check) is None:
            # A newer version's check would be accepted; this is no version's.
            problems.append(Problem(source, None, where, _encoded(check),
                                    ProblemReason.UNKNOWN_CHECK,
                                    "unknown check, and not shaped like a check id "
                                    "(lower-case letters, digits and _); `mfa-sim checks` "
                                    "lists them"))
        else:
            kept.append(check)
    return tuple(kept)


def _table(findings: list[Any], source: str,
           problems: list[Problem]) -> tuple[pa.Table, list[int] | None]:
    """The findings that are well formed as a table, and where each is in ``findings``
    (None: every one, in order); the problems of the others added to ``problems``."""
    table = _well_formed(findings)
    if table is not None:
        return table, None
    # The slow path, for a file already known bad: each finding looked at in turn.
    kept = []
    for index, finding in enumerate(findings):
        found = _finding_problems(finding, f"findings[{index}]", source)
        if found:
            problems += found
        else:
            kept.append(index)
    if len(kept) == len(findings):
        # Only reachable if Arrow refused what the checks above accept: name the file.
        problems.append(Problem(source, None, "findings", None, ProblemReason.INVALID_BASELINE,
                                "the findings cannot be read"))
        kept = []
    return _text_table(_columns([findings[index] for index in kept])), kept


def _columns(findings: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The values of :data:`BASELINE_KEYS`, a list each."""
    return {key: [finding.get(key) for finding in findings] for key in BASELINE_KEYS}


def _text_table(columns: dict[str, list[Any]]) -> pa.Table:
    """Columns of text or null as a table (``UnicodeEncodeError`` for a lone surrogate)."""
    import pyarrow as pa

    return pa.table({key: text_array(values) for key, values in columns.items()})


def _well_formed(findings: list[Any]) -> pa.Table | None:
    """The findings as a table if every one is well formed (checked column by column),
    else None."""
    import pyarrow.compute as pc

    if not all(type(finding) is dict for finding in findings):
        return None
    columns = _columns(findings)
    if not all(value is None or type(value) is str
               for values in columns.values() for value in values):
        return None
    try:
        table = _text_table(columns)
    except UnicodeEncodeError:
        return None
    check = table.column("check")
    severities = text_array([severity.value for severity in Severity])
    fine = pc.all(pc.and_(
        pc.fill_null(pc.not_equal(check, scalar_of("")), scalar_of(False)),
        pc.fill_null(pc.is_in(table.column("severity"), value_set=severities),
                     scalar_of(False))))
    return table if fine.as_py() is not False else None


def _finding_problems(finding: object, where: str, source: str) -> list[Problem]:
    """The problems of one finding as JSON: its kind and the kinds of its values."""
    if not isinstance(finding, dict):
        return [Problem(source, None, where, None, ProblemReason.INVALID_BASELINE,
                        f"a finding is a JSON object, not {_kind(finding)}")]
    problems = []
    severities = [severity.value for severity in Severity]
    for key in BASELINE_KEYS:
        value = finding.get(key)
        if key in REQUIRED and value is None:
            what = "is missing" if key not in finding else "must be text, not null"
            problems.append(Problem(source, None, f"{where}.{key}", None,
                                    ProblemReason.MISSING_KEY, f"{key} {what}"))
        elif value is not None and not isinstance(value, str):
            problems.append(Problem(source, None, f"{where}.{key}", _shown(value),
                                    ProblemReason.INVALID_BASELINE,
                                    f"{key} must be text, not {_kind(value)}"))
        elif isinstance(value, str) and not _encodable(value):
            problems.append(Problem(source, None, f"{where}.{key}", None,
                                    ProblemReason.INVALID_BASELINE,
                                    f"{key} holds an escape that is no character "
                                    "(a lone surrogate)"))
        elif key == "check" and value == "":
            problems.append(Problem(source, None, f"{where}.{key}", value,
                                    ProblemReason.INVALID_BASELINE, "check is empty"))
        elif key == "severity" and value not in severities:
            problems.append(Problem(source, None, f"{where}.{key}", value,
                                    ProblemReason.INVALID_BASELINE,
                                    f"unknown severity; severities: {', '.join(severities)}"))
    return problems


def _content_problems(table: pa.Table, positions: Sequence[int] | None,
                      checks: tuple[str, ...] | None, source: str) -> list[Problem]:
    """What the tool never writes among well-formed findings: a check it does not know
    or the baseline does not list, and the same finding twice. Found with kernels; only
    the findings at fault are looked at one by one."""
    import pyarrow.compute as pc

    def where(row: int) -> str:
        return f"findings[{row if positions is None else positions[row]}]"

    problems = []
    column = table.column("check")
    allowed = CHECKS_BY_ID.keys() if checks is None else checks
    stray = pc.invert(pc.is_in(column, value_set=text_array(list(allowed))))
    for row in rows_of(stray).tolist():
        check = column[row].as_py()
        if check not in CHECKS_BY_ID:
            message = ("unknown check; `mfa-sim checks` lists them" if checks is None else
                       "unknown check, and not one the baseline's checks list either; "
                       "`mfa-sim checks` lists them")
            reason = ProblemReason.UNKNOWN_CHECK
        else:
            message = ("the baseline's checks do not list this check: its audit did not "
                       "run it (was the file edited?)")
            reason = ProblemReason.INVALID_BASELINE
        problems.append(Problem(source, None, f"{where(row)}.check", check, reason, message))
    keys = identities(table)
    if not all_distinct(keys):
        codes = encode_keys(keys)
        repeated = codes.duplicate_rows()
        for row, first in zip(repeated.tolist(), codes.first_row_of(repeated).tolist(),
                              strict=True):
            problems.append(Problem(
                source, None, where(row), _described(table, row), ProblemReason.DUPLICATE_ID,
                f"the same finding as {where(first)} (same check, account, user and email): "
                "an audit lists each finding once"))
    return problems


def _described(table: pa.Table, row: int) -> str:
    """A finding's identity as the text report writes it."""
    values = {key: table.column(key)[row].as_py() for key in IDENTITY}
    return " ".join([values["check"], *(f"{key}={'-' if values[key] is None else values[key]}"
                                        for key in IDENTITY[1:])])


def _capped(problems: list[Problem], source: str) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS` problems, then how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS],
            Problem(source, None, None, None, ProblemReason.INVALID_BASELINE,
                    f"and {more:,} more problems with the baseline")]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _encoded(text: str) -> str | None:
    """Text as a problem may show it (not at all if it holds a lone surrogate)."""
    return text if _encodable(text) else None


def _failure(source: str, reason: ProblemReason, message: str,
             line: int | None = None) -> InputError:
    return InputError([Problem(source, line, None, None, reason, message)])


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _shown(value: object) -> str | None:
    return json.dumps(value)[:80] if isinstance(value, bool | int | float) else None


def identities(findings: pa.Table) -> pa.Array:
    """Each finding's identity (check, account, user, email; emails lower-cased) as one
    string that no two different identities share.

    Every field is written as its length in bytes, a colon and itself, or as ``-`` when
    missing, so ids holding any character cannot be confused.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"check": ["c", "c"], "account": ["a:1", "a"],
    ...                   "user": [None, ":1-"], "email": [None, "Ann@X"]})
    >>> identities(table).to_pylist()
    ['1:c3:a:1--', '1:c1:a3::1-5:ann@x']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = []
    for key in IDENTITY:
        column = findings.column(key)
        values = one_chunk(column).cast(pa.string())
        if key == "email":
            values = pc.utf8_lower(values)
        length = pc.binary_length(values).cast(pa.string())
        chunks.append(pc.fill_null(pc.binary_join_element_wise(
            length, scalar_of(":"), values, scalar_of("")), scalar_of("-")))
    return pc.binary_join_element_wise(*chunks, scalar_of(""))


def compare_findings(findings: pa.Table, baseline: pa.Table,
                     looked_for: Collection[str] | None = None) -> tuple[pa.Table, pa.Table]:
    """The findings with a ``change`` column (``new``/``unchanged``, or ``not_compared``
    when the baseline did not look for their check), and the baseline's findings that
    are gone.

    Parameters
    ----------
    findings
        The current findings.
    baseline
        The baseline's findings, of the checks that ran now alone.
    looked_for
        The checks the baseline ran (None: every check).

    Examples
    --------
    >>> import pyarrow as pa
    >>> def table(checks, users):
    ...     return pa.table({"check": checks, "account": ["a1"] * len(users),
    ...                      "user": users, "email": pa.nulls(len(users), pa.string())})
    >>> now, resolved = compare_findings(table(["c", "c", "d"], ["u1", "u2", "u1"]),
    ...                                  table(["c", "c"], ["u2", "u3"]), looked_for=["c"])
    >>> now.column("change").to_pylist(), resolved.column("user").to_pylist()
    (['new', 'unchanged', 'not_compared'], ['u3'])
    """
    import pyarrow.compute as pc

    current, old = identities(findings), identities(baseline)
    seen = pc.is_in(current, value_set=old)
    change = pc.if_else(seen, scalar_of("unchanged"), scalar_of("new"))
    if looked_for is not None:
        unlooked = pc.invert(pc.is_in(findings.column("check"),
                                      value_set=text_array(list(looked_for))))
        change = pc.if_else(unlooked, scalar_of(NOT_COMPARED), change)
    table = findings.drop_columns(["change"] if "change" in findings.column_names else [])
    gone = pc.invert(pc.is_in(old, value_set=current))
    return table.append_column("change", change), baseline.filter(gone)


def compare(result: AuditResult, baseline: Baseline) -> AuditResult:
    """An audit result compared with a baseline: ``change`` on every finding, and the
    ``resolved`` table.

    Only the checks both audits ran are compared: a finding of a check the baseline did
    not run is ``not_compared``, and the baseline's findings of checks this audit did not
    run (one a newer version knows included) are left out of ``resolved``.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> import mfa_sim
    >>> from mfa_sim.report.audit_json import audit_json
    >>> dataset = mfa_sim.load_dataset("datasets/example")
    >>> result = mfa_sim.audit(dataset, as_of=datetime(2026, 1, 10, tzinfo=UTC))
    >>> same = compare(result, parse_baseline(audit_json(result)))
    >>> same.changes()
    {'new': 0, 'unchanged': 6, 'resolved': 0, 'not_compared': 0}
    >>> admins = mfa_sim.audit(dataset, as_of=datetime(2026, 1, 10, tzinfo=UTC),
    ...                        checks="admin_*")
    >>> comparison(compare(result, parse_baseline(audit_json(admins)))).not_compared
    5
    """
    import pyarrow.compute as pc

    old = baseline.findings
    ran = pc.is_in(old.column("check"), value_set=text_array(list(result.checks)))
    findings, resolved = compare_findings(result.findings, old.filter(ran), baseline.checks)
    return replace(result, findings=findings, resolved=resolved)


@dataclass(frozen=True, slots=True)
class Comparison:
    """An audit's comparison with its baseline, counted, and what a reader should be
    told beside the counts.

    Attributes
    ----------
    new, unchanged, resolved, not_compared
        How many findings are each (``not_compared``: of checks the baseline did not
        run).
    not_compared_checks
        The checks of the ``not_compared`` findings, in report order.
    absent_accounts
        How many resolved findings name an account this export does not have.
    naming_accounts
        How many of the baseline's compared findings name an account (the resolved and
        unchanged ones that do).
    """

    new: int
    unchanged: int
    resolved: int
    not_compared: int = 0
    not_compared_checks: tuple[str, ...] = ()
    absent_accounts: int = 0
    naming_accounts: int = 0

    @property
    def another_export(self) -> bool:
        """Whether most of the baseline's compared findings that name an account name one
        this export does not have: a sign the baseline audited another export."""
        return self.absent_accounts * 2 > self.naming_accounts

    def warnings(self) -> list[str]:
        """What may be wrong with the baseline itself, as sentences."""
        if not self.another_export:
            return []
        return [f"{self.absent_accounts:,} of the baseline's {self.naming_accounts:,} "
                "resolved or unchanged findings that name an account name one this export "
                "does not have: is the baseline an audit of another export?"]

    def to_dict(self) -> dict[str, Any]:
        """What ``audit --format json`` writes under ``baseline`` (when there is
        something to say: findings not compared, or a warning)."""
        return {"not_compared": self.not_compared,
                "not_compared_checks": list(self.not_compared_checks),
                "warnings": self.warnings()}


def comparison(result: AuditResult) -> Comparison | None:
    """How an audit compares with its baseline (None when it was given none).

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.report.audit_json import audit_json
    >>> example = mfa_sim.audit(mfa_sim.load_dataset("datasets/example"), as_of="2026-01-10")
    >>> training = mfa_sim.audit(mfa_sim.load_dataset("datasets/training"), as_of="2026-01-10")
    >>> found = comparison(compare(training, parse_baseline(audit_json(example))))
    >>> found.resolved, found.another_export
    (6, True)
    """
    import pyarrow.compute as pc

    counts = result.changes()
    if counts is None or result.resolved is None:
        return None
    resolved, findings = result.resolved, result.findings
    change = findings.column("change")

    def count(mask: pa.Array | pa.ChunkedArray) -> int:
        return int(pc.sum(mask).as_py() or 0)

    unlooked = pc.equal(change, scalar_of(NOT_COMPARED))
    unchanged = pc.equal(change, scalar_of("unchanged"))
    seen = set(pc.unique(findings.filter(unlooked).column("check")).to_pylist())
    named = pc.is_valid(resolved.column("account"))
    absent = pc.and_(named, pc.invert(pc.is_in(resolved.column("account"),
                                               value_set=result.accounts.column("account"))))
    return Comparison(
        new=counts["new"], unchanged=counts["unchanged"],
        resolved=counts["resolved"], not_compared=counts["not_compared"],
        not_compared_checks=tuple(check.id for check in CHECKS if check.id in seen),
        absent_accounts=count(absent),
        naming_accounts=count(named) + count(pc.and_(
            unchanged, pc.is_valid(findings.column("account")))))
