"""Names under which the loader leaves what it worked out in a dataset's cache.

Loading a dataset already matches every reference to its row, hashes the ids, counts
the spellings and (when asked) groups memberships by user; the lookups and the summary
find that work under these names instead of doing it again.
"""

from __future__ import annotations

MEMBERSHIPS_BY_USER = "grouping:memberships:user"
"""The memberships grouped by user row (a :class:`~mfa_sim.model.indexes.Grouping`)."""


def id_table(table: str) -> str:
    """The fingerprint table of a table's ids.

    Examples
    --------
    >>> id_table("users")
    'ids:users'
    """
    return f"ids:{table}"


def referenced_rows(table: str, column: str) -> str:
    """For each value of a reference column, the row it names."""
    return f"rows:{table}:{column}"


def value_counts(table: str, column: str) -> str:
    """How many rows hold each distinct value of a column."""
    return f"counts:{table}.{column}"


__all__ = ["MEMBERSHIPS_BY_USER", "id_table", "referenced_rows", "value_counts"]
