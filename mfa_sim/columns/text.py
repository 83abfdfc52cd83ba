"""Text columns as the dataset's rules see them: trimmed of surrounding white space."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T", "pa.Array", "pa.ChunkedArray")
"""An Arrow text array, or a text column in chunks."""


def trimmed(text: T) -> T:
    """The text with surrounding white space (any Unicode white space) removed, in the
    same chunks.

    Examples
    --------
    >>> import pyarrow as pa
    >>> trimmed(pa.chunked_array([[" u1 ", "\\u00a0u2"], ["u3\\t"]])).to_pylist()
    ['u1', 'u2', 'u3']
    """
    import pyarrow.compute as pc

    found: T = pc.utf8_trim_whitespace(text)
    # Most exports write no surrounding space: the text is then kept and the copy let
    # go, so a column's text and its values share one buffer while the checks run.
    if pc.all(pc.equal(pc.binary_length(found), pc.binary_length(text))).as_py() is not False:
        return text
    return found


__all__ = ["T", "trimmed"]
