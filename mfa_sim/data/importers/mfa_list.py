"""An MFA list: a CSV ``email,mfa_enabled``, for products whose exports carry no MFA
state. It makes no user: it gives its states to the users the other files bring, by
email (compared as users.csv compares them), and says which emails named nobody."""

from __future__ import annotations

from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Mapped,
    empty_accounts,
    empty_invitations,
    empty_memberships,
    empty_users,
    text_table,
)
from mfa_sim.data.importers.csv_export import CsvExport


def recognises(head: FileHead) -> bool:
    """A CSV with ``email`` and ``mfa_enabled`` and no ``user_id`` (that is users.csv)."""
    return (head.kind == "csv" and head.header_has("email", "mfa_enabled")
            and not head.header_has("user_id"))


def read(path: str) -> Mapped:
    """Read the list: each email with its MFA state (empty or unknown: unknown)."""
    import pyarrow as pa

    export = CsvExport(path, ("email", "mfa_enabled"))
    emails = export.column("email")
    states = export.column("mfa_enabled")
    export.require_ids(export.name_of("email"), emails, "email")
    mfa = export.states(export.name_of("mfa_enabled"), states)
    export.raise_problems()
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=empty_users(), accounts=empty_accounts(), memberships=empty_memberships(),
        invitations=empty_invitations(),
        mfa_states=text_table({"email": emails, "mfa_enabled": mfa},
                              {"mfa_enabled": pa.bool_()}),
    )


FORMAT = ExportFormat(
    name="mfa-list",
    product="mfa-list",
    title="An MFA list: CSV email,mfa_enabled (states for the other files' users)",
    obtain="any report with one row per person: write its email and MFA state as "
           "email,mfa_enabled (true/false; empty when not known)",
    recognises=recognises,
    read=read,
)
