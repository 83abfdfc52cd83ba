"""Okta's MFA Usage report (Reports, Multifactor Authentication, MFA Usage, CSV).

Columns ``User, Login, MFA Factor, Last Enrolled_ISO8601, Last Used_ISO8601``: one row
per user and enrolled authenticator, ``Password`` being one of them. A user with a
factor other than ``Password`` has MFA; one with ``Password`` alone has not; a user with
no authenticator at all is not in the report, and so not in the dataset. ``Email
Authentication`` counts as MFA here (Okta calls it a factor), and the users whose only
factor it is are counted in ``SOURCE.md``. The report names no org, no group and no admin.
"""

from __future__ import annotations

import numpy as np

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import arrow_of, flags_of, numpy_of, rows_of, scalar_of
from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    Mapped,
    empty_invitations,
    file_stem,
    text_table,
)
from mfa_sim.data.importers.csv_export import CsvExport

PASSWORD = "password"
EMAIL_FACTOR = "email authentication"
COLUMNS = ("User", "Login", "MFA Factor", "Last Enrolled_ISO8601", "Last Used_ISO8601")


def recognises(head: FileHead) -> bool:
    """A CSV whose header has ``Login`` and ``MFA Factor``."""
    return head.kind == "csv" and head.header_has("Login", "MFA Factor")


def read(path: str) -> Mapped:
    """Map the report: one user per login, with MFA when any factor is not a password."""
    import pyarrow as pa
    import pyarrow.compute as pc

    export = CsvExport(path, COLUMNS)
    logins, factors = export.column("Login"), export.column("MFA Factor")
    from mfa_sim.errors import ProblemReason

    for column, values in (("Login", logins), ("MFA Factor", factors)):
        export.report(column, rows_of(pc.equal(values, scalar_of(""))), values,
                      ProblemReason.EMPTY_ID, f"the {column} is empty")
    export.raise_problems()
    names = export.column("User", required=False)
    kind = pc.utf8_lower(factors)
    # One user per login, in order of first appearance, grouped by the logins' codes
    # with numpy (Acero's group_by would import pyarrow.dataset, and with it pandas):
    # the login and name of the user's first row, MFA when any factor is not a password.
    encoded = one_chunk(pc.utf8_lower(logins)).dictionary_encode()
    codes = numpy_of(encoded.indices)
    count = len(encoded.dictionary)
    first = arrow_of(np.unique(codes, return_index=True)[1].astype(np.int64))
    password = flags_of(pc.equal(kind, scalar_of(PASSWORD)))
    by_email = flags_of(pc.equal(kind, scalar_of(EMAIL_FACTOR)))
    any_mfa = np.bincount(codes, weights=~password, minlength=count) > 0
    any_strong = np.bincount(codes, weights=~password & ~by_email, minlength=count) > 0
    keys = logins.take(first)
    mfa = arrow_of(any_mfa)
    email_only = int(np.count_nonzero(any_mfa & ~any_strong))
    account = file_stem(path)
    gaps = [Gap("account_named_after_file", 1, "the report does not name its Okta org: the "
                f"account is named after the file ({account!r}) unless another Okta file "
                "names the org"),
            Gap("no_admin_flag", count, "the report has no admin roles: every user is "
                "written as member"),
            Gap("enforcement_unknown", 1, "MFA is required by Okta sign-on policies, which "
                "the report does not give: mfa_enforced is unknown"),
            Gap("no_plan", 1, "Okta editions are not in the report: the plan is empty "
                "(tier unknown)"),
            Gap("absent_users_unknown", 0, "users with no authenticator at all are not in "
                "the report: they are not in the dataset (join another user list with "
                "their emails to see them)")]
    if email_only:
        gaps.append(Gap("email_factor_counted", email_only, f"{email_only:,} users' only "
                        "factor besides the password is Email Authentication: counted as "
                        "MFA"))
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table({"key": keys, "email": keys, "mfa_enabled": mfa,
                          "name": names.take(first) if names is not None
                          else pa.nulls(count, pa.string())}, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": [account], "name": [account], "plan": [""],
                             "mfa_enforced": [None]}, {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": pa.repeat(scalar_of(account), count),
                                "user": keys, "role": pa.nulls(count, pa.string())}),
        invitations=empty_invitations(),
        account_from_file=True, gaps=tuple(gaps),
    )


FORMAT = ExportFormat(
    name="okta-mfa-usage",
    product="okta",
    title="Okta MFA Usage report (CSV: one row per user and authenticator)",
    obtain="Okta Admin Console > Reports > Multifactor Authentication > MFA Usage > "
           "Export CSV",
    recognises=recognises,
    read=read,
)
