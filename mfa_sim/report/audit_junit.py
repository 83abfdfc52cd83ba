"""``audit --format junit``: the audit as JUnit XML, for CI dashboards.

One ``<testsuite>`` per check, named by its id, in the check table's order (then any
other check id, in order of first appearance); every check is listed. Each finding
is one ``<testcase>``: its ``classname`` is the check id and its name says what it is
about (``account=a1 user=u2``, ``account=a1 email=x@y``, ``user=u3``). A finding at or
above ``fail_on`` (``--fail-on``, default ``high``) has a ``<failure>`` whose
``type`` is its severity and whose ``message`` is its sentence; a muted finding is
``<skipped>`` with the mute reason; any other finding passes, its sentence in
``<system-out>``. A check with no finding has one passing test case named
``no findings``, so that every check shows on the dashboard, passed. Each suite's
properties give ``fail_on``, the ``policy`` audited against (with ``--policy``), and the
check's ``severity`` and what it ``finds``. The ``tests``,
``failures`` and ``skipped`` counts of every suite and of the whole add up; ``errors``
is always 0.

The document is built column by column with Arrow string kernels (no element tree of
half a million findings is made). Every value is escaped for XML 1.0: ``& < > "``
as entities, and the control characters XML forbids (and line breaks, tabs and bidi
overrides, as in every report) shown as ``\\xNN`` escapes.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.buffers import arrow_of, joined_text, scalar_of
from mfa_sim.compliance.checks import CHECKS_BY_ID, Severity
from mfa_sim.data.writing import Chunk, records_body
from mfa_sim.report.audit_summary import (
    check_codes,
    muted_mask,
    severity_ranks,
    shown_array,
    shown_text,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.compliance.result import AuditResult

NO_FINDINGS = "no findings"
"""The name of the one passing test case of a check that found nothing."""


def _xml(value: object) -> str:
    """A value as XML 1.0 text or attribute content (double-quoted).

    Examples
    --------
    >>> _xml('<a & "b">\\x00')
    '&lt;a &amp; &quot;b&quot;&gt;\\\\x00'
    """
    return escape(shown_text(value), quote=False).replace('"', "&quot;")


def xml_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A text column escaped for XML 1.0 (see :func:`_xml`); nulls stay null.

    Examples
    --------
    >>> import pyarrow as pa
    >>> xml_array(pa.array(["a&b", "<c>", 'say "hi"', None, "nul\\x00"])).to_pylist()
    ['a&amp;b', '&lt;c&gt;', 'say &quot;hi&quot;', None, 'nul\\\\x00']
    """
    import pyarrow.compute as pc

    text = shown_array(values)
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = pc.replace_substring(text, character, entity)
    return text


def _testcases(findings: pa.Table, fail_on: Severity) -> pa.Array:
    """One ``<testcase>`` element per finding, in the table's order."""
    import pyarrow.compute as pc

    def filled(column: str) -> pa.Array:
        return pc.fill_null(xml_array(findings.column(column)), scalar_of(""))

    ids = [joined_text(f"{key}=", xml_array(findings.column(key)))
           for key in ("account", "user", "email")]
    name = pc.binary_join_element_wise(*ids, scalar_of(" "), null_handling="skip")
    name = pc.if_else(pc.equal(name, scalar_of("")), scalar_of("finding"), name)
    check = filled("check")
    severity = filled("severity")
    message = filled("message")
    details = [message, "\nRemediation: ", filled("remediation")]
    if "change" in findings.column_names:
        details += ["\nChange since the baseline: ", filled("change")]
    text = joined_text(*details)
    failure = joined_text('<failure message="', message, '" type="', severity, '">', text,
                          "</failure>")
    passing = joined_text("<system-out>", text, "</system-out>")
    muted = muted_mask(findings)
    reason = filled("mute_reason") if "mute_reason" in findings.column_names else ""
    skipped = joined_text('<skipped message="muted: ', reason, '"/>', passing)
    failing = (severity_ranks(findings) >= fail_on.rank) & ~muted
    inner = pc.if_else(arrow_of(muted), skipped,
                       pc.if_else(arrow_of(failing), failure, passing))
    return joined_text('<testcase name="', name, '" classname="', check, '">', inner,
                       "</testcase>")


def audit_junit_chunks(result: AuditResult, *, fail_on: Severity | str = Severity.HIGH
                       ) -> list[Chunk]:
    """The audit as JUnit XML, UTF-8, in chunks to write one after the other.

    Parameters
    ----------
    result
        The audit to report.
    fail_on
        The lowest severity that fails (``--fail-on``); muted findings never fail.

    Returns
    -------
    list of bytes
        The document: ``<testsuites>``, one ``<testsuite>`` per check.

    Raises
    ------
    ValueError
        If ``fail_on`` is not a severity.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> result = audit(load_dataset("datasets/example"),
    ...                as_of=datetime(2026, 1, 10, tzinfo=UTC))
    >>> root = ET.fromstring(b"".join(audit_junit_chunks(result, fail_on="medium")))
    >>> root.get("tests"), root.get("failures"), root.get("skipped")
    ('16', '4', '0')
    >>> suite = root.find("testsuite[@name='admin_without_mfa']")
    >>> [(case.get("name"), case.find("failure").get("type"))
    ...  for case in suite.iter("testcase")]
    [('account=a_solo user=u_finn', 'high')]
    """

    try:
        threshold = Severity(fail_on)
    except ValueError:
        names = ", ".join(severity.value for severity in Severity)
        raise ValueError(f"fail_on must be a severity ({names}), not {fail_on!r}") from None
    findings = result.findings
    ids, codes = check_codes(findings)
    order = np.argsort(codes, kind="stable")
    findings = findings.take(arrow_of(order))
    codes = codes[order]
    size = len(ids)
    counts = np.bincount(codes, minlength=size)
    muted = muted_mask(findings)
    failing = (severity_ranks(findings) >= threshold.rank) & ~muted
    failures = np.bincount(codes, weights=failing, minlength=size).astype(np.int64)
    skipped = np.bincount(codes, weights=muted, minlength=size).astype(np.int64)
    cases = _testcases(findings, threshold)
    # A check that did not run (a filtered audit) has no suite: it passed nothing.
    ran = np.array([bool(counts[code]) or check in result.checks
                    for code, check in enumerate(ids)], dtype=bool)
    tests = np.where(ran, np.maximum(counts, 1), 0)
    stamp = result.as_of.strftime("%Y-%m-%dT%H:%M:%S")
    chunks: list[Chunk] = [
        b'<?xml version="1.0" encoding="UTF-8"?>\n',
        (f'<testsuites name="mfa-sim audit" tests="{int(tests.sum())}" '
         f'failures="{int(failures.sum())}" errors="0" skipped="{int(skipped.sum())}">\n'
         ).encode()]
    start = 0
    for code, check in enumerate(ids):
        if not ran[code]:
            continue
        known = CHECKS_BY_ID.get(check)
        properties = [("fail_on", threshold.value)]
        if result.policy is not None:
            properties.append(("policy", result.policy))
        if known is not None:
            properties += [("severity", known.severity.value), ("finds", known.finds)]
        chunks.append(
            (f'  <testsuite name="{_xml(check)}" tests="{tests[code]}" '
             f'failures="{failures[code]}" errors="0" skipped="{skipped[code]}" '
             f'timestamp="{stamp}">\n    <properties>\n'
             + "".join(f'      <property name="{name}" value="{_xml(value)}"/>\n'
                       for name, value in properties)
             + "    </properties>\n").encode())
        count = int(counts[code])
        if count:
            chunks += [records_body(cases.slice(start, count), prefix="    "), b"\n"]
        else:
            chunks.append(f'    <testcase name="{NO_FINDINGS}" classname="{_xml(check)}"/>\n'
                          .encode())
        chunks.append(b"  </testsuite>\n")
        start += count
    chunks.append(b"</testsuites>\n")
    return chunks


def audit_junit(result: AuditResult, *, fail_on: Severity | str = Severity.HIGH) -> bytes:
    """The audit as JUnit XML (see :func:`audit_junit_chunks`).

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> audit_junit(audit(load_dataset("datasets/example"))).splitlines()[1][:40]
    b'<testsuites name="mfa-sim audit" tests="'
    """
    return b"".join(audit_junit_chunks(result, fail_on=fail_on))
