"""``audit --format csv``: one row per finding, safe to open in a spreadsheet.

With mutes, ``muted`` (``true``/``false``) and ``mute_reason`` columns follow the
contract's; with a baseline, a ``change`` column (``new``/``unchanged``) and, after the
findings, one row per resolved finding of the baseline with ``change`` = ``resolved``.

Every cell shows its control characters as the other reports for people do (see
:func:`~mfa_sim.report.audit_summary.shown_text`): C0 controls (line breaks and tabs
included), DEL, C1 controls and bidi overrides become ``\\xNN`` or ``\\uNNNN``, so a
value cannot restyle the terminal that prints the file or split a finding over lines.
Then a cell a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading apostrophe, so it shows as text.
JSON is the report that carries every id exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import scalar_of
from mfa_sim.data.writing import csv_bytes
from mfa_sim.report.audit_json import FINDING_KEYS, OPTIONAL_FINDING_KEYS
from mfa_sim.report.audit_summary import shown_array

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.compliance.result import AuditResult

_FORMULA_START = r"^[=+\-@\t\r]"


def neutralised(cells: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Text cells with any formula made inert by a leading apostrophe.

    Examples
    --------
    >>> import pyarrow as pa
    >>> neutralised(pa.array(["=1+1", "-2", "@SUM(A1)", "plain", None])).to_pylist()
    ["'=1+1", "'-2", "'@SUM(A1)", 'plain', None]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = one_chunk(cells)
    text = text.cast(pa.string())
    risky = pc.fill_null(pc.match_substring_regex(text, _FORMULA_START), scalar_of(False))
    prefixed = pc.binary_join_element_wise(scalar_of("'"), text, scalar_of(""))
    return pc.if_else(risky, prefixed, text)


def cells_of(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Text cells as the CSV report writes them: control characters shown as escapes,
    then formulas neutralised.

    Examples
    --------
    >>> import pyarrow as pa
    >>> cells_of(pa.array(["\\x1b[31mred", "\\t=1+1", "=2", None])).to_pylist()
    ['\\\\x1b[31mred', '\\\\x09=1+1', "'=2", None]
    """
    return neutralised(shown_array(values))


def audit_csv(result: AuditResult) -> bytes:
    """The findings as CSV (UTF-8, LF), control characters escaped and formulas
    neutralised.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> print(audit_csv(audit(load_dataset("datasets/example"))).decode().splitlines()[0])
    check,severity,account,user,email,message,remediation
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    findings = result.findings
    header = [key for key in (*FINDING_KEYS, *OPTIONAL_FINDING_KEYS)
              if key in findings.column_names]
    resolved = result.resolved
    if resolved is not None and resolved.num_rows and "change" not in header:
        header.append("change")
    columns = {}
    for key in header:
        if key not in findings.column_names:
            cells = pa.nulls(findings.num_rows, pa.string())
        elif key == "muted":
            cells = one_chunk(pc.if_else(findings.column(key), scalar_of("true"),
                                         scalar_of("false")))
        else:
            cells = cells_of(findings.column(key))
        if resolved is not None and resolved.num_rows:
            rows = resolved.num_rows
            if key in resolved.column_names:
                more = cells_of(resolved.column(key))
            elif key == "change":
                more = pa.repeat(scalar_of("resolved"), rows)
            else:
                more = pa.nulls(rows, pa.string())
            cells = pa.concat_arrays([cells.cast(pa.string()), more.cast(pa.string())])
        columns[key] = cells
    return csv_bytes(header, columns)
