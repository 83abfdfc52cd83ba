"""Code spans read back from Markdown as CommonMark reads them, for the report tests."""

from __future__ import annotations

import re

_RUN = re.compile(r"`+")


def _escaped(line: str, position: int) -> bool:
    """Whether the character at ``position`` follows an odd run of backslashes."""
    count = 0
    while position - count - 1 >= 0 and line[position - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def split_code_spans(line: str, *, in_table: bool = True) -> tuple[str, list[str]]:
    """The line with each code span replaced by ``CODE``, and the spans' texts as a
    renderer shows them (one padding space stripped from each side of a span that is
    not all spaces, ``\\|`` read as ``|`` in a table cell).

    A backslash escapes a backtick that would open a span, never one that closes it:
    inside a span a backslash is itself.

    Examples
    --------
    >>> split_code_spans(r"| `a_b` | ``x`y`` | \\`no` |")
    ('| CODE | CODE | \\\\`no` |', ['a_b', 'x`y'])
    >>> split_code_spans("`\\\\`")
    ('CODE', ['\\\\'])
    """
    runs = [(match.start(), match.end()) for match in _RUN.finditer(line)]
    outside, spans, position, index = [], [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        if start < position:
            index += 1
            continue
        if _escaped(line, start):
            start += 1
        if start == end:
            index += 1
            continue
        length = end - start
        closing = next((later for later in range(index + 1, len(runs))
                        if runs[later][1] - runs[later][0] == length), None)
        if closing is None:
            index += 1
            continue
        outside.append(line[position:start] + "CODE")
        content = line[end:runs[closing][0]]
        if len(content) > 1 and content[0] == " " and content[-1] == " " \
                and content.strip(" "):
            content = content[1:-1]
        spans.append(content.replace("\\|", "|") if in_table else content)
        position = runs[closing][1]
        index = closing + 1
    outside.append(line[position:])
    return "".join(outside), spans
