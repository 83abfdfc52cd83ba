"""``audit --format ocsf``: every finding as an OCSF Detection Finding, for security data
lakes and the tools that read Prowler's ``json-ocsf``.

The document is a JSON array, one Detection Finding (class 2004, category Findings)
per line, written against OCSF schema :data:`OCSF_VERSION`:

- ``severity_id`` and ``severity``: critical 5, high 4, medium 3, low 2, info 1
  (Informational);
- ``status_code`` ``FAIL`` (every finding is a failed check); ``status_id`` 1 ``New``,
  or 3 ``Suppressed`` for a muted finding, whose reason is ``status_detail``;
- ``activity_id`` 1 (Create), or 2 (Update) for a finding a ``--baseline`` had already;
- ``finding_info``: ``uid`` (the finding's identity: check, account, user and email,
  each written as its length and itself, so it is the same in every run and no two
  findings share it), ``title`` (the check's), ``desc`` (the finding's message),
  ``types`` (the check's id) and ``created_time`` (the audit's date);
- ``resources``: the account (type ``Account``), the user (``User``) and, for an
  invitation, the invitee's email (``Invitation``), each given;
- ``remediation.desc``: the finding's remediation; ``metadata.event_code``: the check id.

Values are JSON-escaped as in ``--format json``; the rows are built by Arrow string
kernels, so half a million findings cost a few passes over the columns.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from mfa_sim.columns.buffers import joined_text, null_of, scalar_of, text_array
from mfa_sim.compliance.checks import CHECKS, Severity
from mfa_sim.data.writing import Chunk, concatenated
from mfa_sim.report.json_arrays import json_strings

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.compliance.result import AuditResult

OCSF_VERSION: Final = "1.5.0"
"""The OCSF schema version the findings are written against (``metadata.version``)."""

SEVERITY_IDS: Final = {Severity.CRITICAL: (5, "Critical"), Severity.HIGH: (4, "High"),
                       Severity.MEDIUM: (3, "Medium"), Severity.LOW: (2, "Low"),
                       Severity.INFO: (1, "Informational")}
"""OCSF's ``severity_id`` and its caption for each of our severities."""

PRODUCT: Final = {"name": "mfa_sim", "uid": "mfa_sim", "vendor_name": "mfa_sim"}
"""The product that made the findings (``metadata.product``; its version is added)."""


def _looked_up(values: pa.Array | pa.ChunkedArray, literals: dict[str, str],
               missing: str) -> pa.Array:
    """Each value replaced by its JSON fragment (``missing`` for any other value)."""
    import pyarrow.compute as pc

    index = pc.index_in(values, value_set=text_array(list(literals)))
    fragments = text_array([*literals.values(), missing])
    return fragments.take(pc.fill_null(index, scalar_of(len(literals)).cast(index.type)))


def _resource(kind: str, ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A resource object per row; null where the id is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    literal = json_strings(ids)
    present = pc.is_valid(ids)
    body = joined_text('{"type": "' + kind + '", "uid": ', literal, ', "name": ', literal, "}")
    return pc.if_else(present, body, null_of(pa.string()))


def ocsf_findings(result: AuditResult) -> pa.Array | pa.ChunkedArray:
    """One Detection Finding (JSON text) per finding, in report order.

    Examples
    --------
    >>> import json
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> result = audit(load_dataset("datasets/example"),
    ...                as_of=datetime(2026, 1, 10, tzinfo=UTC))
    >>> first = json.loads(ocsf_findings(result)[0].as_py())
    >>> first["class_uid"], first["severity_id"], first["finding_info"]["title"]
    (2004, 4, 'Owner or admin without MFA')
    >>> [(r["type"], r["uid"]) for r in first["resources"]]
    [('Account', 'a_solo'), ('User', 'u_finn')]
    >>> first["finding_info"]["uid"]
    'mfa_sim-17:admin_without_mfa6:a_solo6:u_finn-'
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim import __version__
    from mfa_sim.compliance.baseline import identities

    findings = result.findings
    rows = findings.num_rows
    if not rows:
        return pa.nulls(0, pa.string())
    moment = result.as_of
    millis = int(moment.timestamp() * 1000)
    stamp = json.dumps(moment.isoformat().replace("+00:00", "Z"))
    product = json.dumps({**PRODUCT, "version": __version__})
    check = findings.column("check")
    severity = findings.column("severity")
    titles = _looked_up(check, {c.id: json.dumps(c.title) for c in CHECKS}, '""')
    severity_ids = _looked_up(severity, {s.value: f'{code}, "severity": "{caption}"'
                                         for s, (code, caption) in SEVERITY_IDS.items()},
                              '0, "severity": "Unknown"')
    if "muted" in findings.column_names:
        muted = pc.fill_null(findings.column("muted"), scalar_of(False))
        status = pc.if_else(
            muted,
            joined_text('"status": "Suppressed", "status_id": 3, "status_detail": ',
                        json_strings(findings.column("mute_reason"))),
            scalar_of('"status": "New", "status_id": 1'))
    else:
        status = scalar_of('"status": "New", "status_id": 1')
    create = ('"activity_id": 1, "activity_name": "Create", "type_uid": 200401, '
              '"type_name": "Detection Finding: Create"')
    if "change" in findings.column_names:
        known = pc.fill_null(pc.equal(findings.column("change"), scalar_of("unchanged")),
                             scalar_of(False))
        activity = pc.if_else(
            known, scalar_of('"activity_id": 2, "activity_name": "Update", "type_uid": '
                             '200402, "type_name": "Detection Finding: Update"'),
            scalar_of(create))
    else:
        activity = scalar_of(create)
    resources = pc.binary_join_element_wise(
        _resource("Account", findings.column("account")),
        _resource("User", findings.column("user")),
        _resource("Invitation", findings.column("email")), scalar_of(", "),
        null_handling="skip")
    uid = json_strings(joined_text("mfa_sim-", identities(findings)))
    check_literal = json_strings(check, plain=True)
    message = json_strings(findings.column("message"))
    pieces: list[pa.Array | pa.ChunkedArray | pa.Scalar | str] = [
        '{"message": ', message,
        ', "metadata": {"event_code": ', check_literal,
        f', "product": {product}, "profiles": ["datetime"], "version": '
        f'"{OCSF_VERSION}"}}, "severity_id": ', severity_ids,
        ', "status_code": "FAIL", ', status, ", ", activity,
        ', "finding_info": {"uid": ', uid, ', "title": ', titles, ', "desc": ', message,
        ', "types": [', check_literal,
        f'], "created_time": {millis}, "created_time_dt": {stamp}}}, "resources": [',
        resources, '], "category_name": "Findings", "category_uid": 2, '
        '"class_name": "Detection Finding", "class_uid": 2004, "remediation": {"desc": ',
        json_strings(findings.column("remediation")),
        f'}}, "time": {millis}, "time_dt": {stamp}}}']
    return joined_text(*pieces)


def audit_ocsf_chunks(result: AuditResult) -> list[Chunk]:
    """The findings as a JSON array of OCSF Detection Findings, one per line, as UTF-8
    chunks to write in turn.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit, select_checks
    >>> result = audit(load_dataset("datasets/example"),
    ...                checks=select_checks(["member_without_mfa_in_enforcing_account"]))
    >>> b"".join(audit_ocsf_chunks(result))
    b'[]\\n'
    """
    import pyarrow as pa

    findings = ocsf_findings(result)
    if not len(findings):
        return [b"[]\n"]
    lines = joined_text("  ", findings, ",\n")
    parts = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
    bodies = [concatenated(part) for part in parts if len(part)]
    # The last object takes no comma after it.
    bodies[-1] = bodies[-1][: len(bodies[-1]) - 2]
    return [b"[\n", *bodies, b"\n]\n"]
