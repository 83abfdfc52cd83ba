"""Code spans read back from Markdown as CommonMark reads them, for the report tests."""

from __future__ import annotations

import re

_RUN = re.compile(r"\\`|`+")


def split_code_spans(line: str, *, in_table: bool = True) -> tuple[str, list[str]]:
    """The line with each code span replaced by ``CODE``, and the spans' texts as a
    renderer shows them (one padding space stripped from each side, ``\\|`` read as
    ``|`` in a table cell).

    Examples
    --------
    >>> split_code_spans(r"| `a_b` | ``x`y`` | \\`no` |")
    ('| CODE | CODE | \\\\`no` |', ['a_b', 'x`y'])
    """
    outside, spans, position = [], [], 0
    runs = list(_RUN.finditer(line))
    index = 0
    while index < len(runs):
        run = runs[index]
        if run.group() == "\\`" or run.start() < position:
            index += 1
            continue
        closing = next((later for later in runs[index + 1:]
                        if later.group() == run.group()), None)
        if closing is None:
            index += 1
            continue
        outside.append(line[position:run.start()] + "CODE")
        content = line[run.end():closing.start()]
        if len(content) > 1 and content[0] == " " and content[-1] == " " and content.strip():
            content = content[1:-1]
        spans.append(content.replace("\\|", "|") if in_table else content)
        position = closing.end()
        index = runs.index(closing) + 1
    outside.append(line[position:])
    return "".join(outside), spans
