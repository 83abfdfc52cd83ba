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
"""

from __future__ import annotations

from mfa_sim.columns.text import T, trimmed


def email_key(email: str) -> str:
    """The form an email is compared in: trimmed of any white space, lower-cased."""
    return email.strip().lower()


def email_keys(emails: T, *, trim: bool = True) -> T:
    """:func:`email_key` of every address in an Arrow text column (already trimmed,
    without ``trim``)."""
    import pyarrow.compute as pc

    cleaned = trimmed(emails) if trim else emails
    # Addresses are nearly always ASCII, which lowers a byte at a time, ten times faster.
    ascii_only = pc.all(pc.string_is_ascii(cleaned)).as_py() is not False
    lowered: T = pc.ascii_lower(cleaned) if ascii_only else pc.utf8_lower(cleaned)
    return lowered


__all__ = ["email_key", "email_keys"]
