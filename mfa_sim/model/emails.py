"""How emails are compared: trimmed and lower-cased, one rule for every layer.

An invitation, a sign-up, a scenario and an export all name people by email, and a
match must mean the same everywhere: :func:`email_key` for one address,
:func:`email_keys` for a column of them, with the same result.

Examples
--------
>>> import pyarrow as pa
>>> email_key("  Ben@Example.COM ")
'ben@example.com'
>>> email_keys(pa.array(["  Ben@Example.COM ", "\u00c9LO@x.example"])).to_pylist()
['ben@example.com', '\u00e9lo@x.example']
>>> email_keys(pa.array(["\u0130@x.example"])).to_pylist() == [email_key("\u0130@x.example")]
True
"""

from __future__ import annotations

from mfa_sim.columns.text import T, trimmed


def email_key(email: str) -> str:
    """The form an email is compared in: trimmed of any white space, lower-cased."""
    return email.strip().lower()


def email_keys(emails: T, *, trim: bool = True) -> T:
    """:func:`email_key` of every address in an Arrow text column (already trimmed,
    without ``trim``)."""
    import numpy as np
    import pyarrow.compute as pc

    from mfa_sim.columns.buffers import arrow_of, flags_of, text_array

    cleaned = trimmed(emails) if trim else emails
    # Addresses are nearly always ASCII, which lowers a byte at a time.
    lowered: T = pc.ascii_lower(cleaned)
    ascii_only = pc.string_is_ascii(cleaned)
    if pc.all(ascii_only).as_py() is not False:
        return lowered
    # Arrow and Python lower a few letters differently ('İ', a final 'Σ'): the rare
    # addresses beyond ASCII are lowered as email_key lowers them, so that a match
    # means the same in every layer.
    beyond = flags_of(pc.invert(ascii_only))
    rows = np.flatnonzero(beyond)
    others = text_array([email.lower() for email in
                         cleaned.take(arrow_of(rows)).to_pylist()])
    replaced: T = pc.replace_with_mask(lowered, arrow_of(beyond), others)
    return replaced


__all__ = ["email_key", "email_keys"]
