"""Baselines: an earlier audit, to tell what is new, what is unchanged and what is gone.

``audit --baseline OLD.json`` (contract §4) reads the JSON document an earlier
``audit --format json`` wrote. A finding is the same finding when its check, account,
user and email are the same (emails compared case-insensitively, as everywhere; a
missing value equals only a missing value): each current finding is then ``new`` or
``unchanged``, and the baseline's findings that no longer appear are ``resolved``.
Messages, severities and mutes play no part in the comparison, and the exit code does
not change.

The comparison encodes each identity as one string (every field length-prefixed, so no
id, whatever characters it holds, can run into the next) and looks the two sets up in
each other with hash kernels: no Python loop over findings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import scalar_of, text_array
from mfa_sim.compliance.checks import Severity
from mfa_sim.data.input_files import decode_text, read_bytes
from mfa_sim.errors import InputError, Problem, ProblemReason

if TYPE_CHECKING:
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
    """

    findings: pa.Table
    source: str | None = None


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
    return Baseline(_table(findings, source), source)


def _table(findings: list[Any], source: str) -> pa.Table:
    """The findings as a table, every problem reported if any is bad."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = None
    if all(type(finding) is dict for finding in findings):
        columns = {key: [finding.get(key) for finding in findings] for key in BASELINE_KEYS}
        if all(value is None or type(value) is str
               for values in columns.values() for value in values):
            try:
                table = pa.table({key: text_array(values) for key, values in columns.items()})
            except UnicodeEncodeError:
                table = None
    if table is not None:
        check = table.column("check")
        severities = text_array([severity.value for severity in Severity])
        fine = pc.all(pc.and_(
            pc.fill_null(pc.not_equal(check, scalar_of("")), scalar_of(False)),
            pc.fill_null(pc.is_in(table.column("severity"), value_set=severities),
                         scalar_of(False))))
        if fine.as_py() is not False:
            return table
    raise InputError(_problems(findings, source))


def _problems(findings: list[Any], source: str) -> list[Problem]:
    """Every problem with the findings (the slow path, for a file already known bad)."""
    problems: list[Problem] = []
    severities = [severity.value for severity in Severity]
    for index, finding in enumerate(findings):
        where = f"findings[{index}]"
        if not isinstance(finding, dict):
            problems.append(Problem(source, None, where, None, ProblemReason.INVALID_BASELINE,
                                    f"a finding is a JSON object, not {_kind(finding)}"))
            continue
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
                                        f"unknown severity; severities: "
                                        f"{', '.join(severities)}"))
    if not problems:
        # Only reachable if Arrow refused what the checks above accept: name the file.
        problems.append(Problem(source, None, "findings", None, ProblemReason.INVALID_BASELINE,
                                "the findings cannot be read"))
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS],
                    Problem(source, None, None, None, ProblemReason.INVALID_BASELINE,
                            f"and {more:,} more problems with the findings")]
    return problems


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def compare_findings(findings: pa.Table, baseline: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The findings with a ``change`` column (``new``/``unchanged``), and the baseline's
    findings that are gone.

    Examples
    --------
    >>> import pyarrow as pa
    >>> def table(checks, users):
    ...     return pa.table({"check": checks, "account": ["a1"] * len(users),
    ...                      "user": users, "email": pa.nulls(len(users), pa.string())})
    >>> now, resolved = compare_findings(table(["c", "c"], ["u1", "u2"]),
    ...                                  table(["c", "c"], ["u2", "u3"]))
    >>> now.column("change").to_pylist(), resolved.column("user").to_pylist()
    (['new', 'unchanged'], ['u3'])
    """
    import pyarrow.compute as pc

    current, old = identities(findings), identities(baseline)
    seen = pc.is_in(current, value_set=old)
    change = pc.if_else(seen, scalar_of("unchanged"), scalar_of("new"))
    table = findings.drop_columns(["change"] if "change" in findings.column_names else [])
    gone = pc.invert(pc.is_in(old, value_set=current))
    return table.append_column("change", change), baseline.filter(gone)


def compare(result: AuditResult, baseline: Baseline) -> AuditResult:
    """An audit result compared with a baseline: ``change`` on every finding, and the
    ``resolved`` table.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> import mfa_sim
    >>> from mfa_sim.report.audit_json import audit_json
    >>> dataset = mfa_sim.load_dataset("datasets/example")
    >>> result = mfa_sim.audit(dataset, as_of=datetime(2026, 1, 10, tzinfo=UTC))
    >>> same = compare(result, parse_baseline(audit_json(result)))
    >>> same.changes()
    {'new': 0, 'unchanged': 6, 'resolved': 0}
    """
    findings, resolved = compare_findings(result.findings, baseline.findings)
    return replace(result, findings=findings, resolved=resolved)
