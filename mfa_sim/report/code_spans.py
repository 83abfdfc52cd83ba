"""Ids in Markdown as code spans: `` `u_ben` `` stays greppable and pastes as written.

A code span shows its text literally (no emphasis, link or tag can open inside it), so
an id needs no backslashes, with three exceptions handled here, following CommonMark
and GitHub's tables:

- a backtick inside the id: the fence is one backtick longer than the longest run of
  backticks in the id;
- an id that starts or ends with a backtick or a space: one space pads each side (a
  renderer strips exactly one from each side, unless the span is nothing but spaces);
- inside a table cell, ``|`` is escaped as ``\\|`` (GitHub splits cells before it reads
  code spans, and drops the backslash inside the span).

Control characters, line breaks and bidi overrides are shown as escapes first
(:func:`~mfa_sim.report.common.visible`), so an id stays on its line.
"""

from __future__ import annotations

import re

from mfa_sim.report.common import visible

_BACKTICKS = re.compile(r"`+")


def code_span(text: str, *, in_table: bool = True) -> str:
    """An id as a Markdown code span.

    Examples
    --------
    >>> print(code_span("u_ben"))
    `u_ben`
    >>> print(code_span("a`b"), code_span("``x"), code_span("x|y"))
    ``a`b`` ``` ``x ``` `x\\|y`
    >>> print(code_span("x|y", in_table=False), code_span(" padded "))
    `x|y` `  padded  `
    >>> print(code_span("two\\nlines"))
    `two\\x0alines`
    """
    shown = visible(text)
    if not shown:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    # A renderer strips one space from each side of a span that is not all spaces.
    if (shown[0] in "` " or shown[-1] in "` ") and shown.strip(" "):
        shown = f" {shown} "
    if in_table:
        shown = shown.replace("|", "\\|")
    return f"{fence}{shown}{fence}"
