"""AWS IAM credential report (CSV), in its 22-column form and the older 16-column one.

One row per IAM user of one AWS account, and the root user's row, ``<root_account>``
(``root_account`` where the angle brackets were lost), whose ARN is
``arn:aws:iam::ACCOUNT:root``. ``mfa_active`` is ``true``/``false`` (the guide writes
``TRUE``/``FALSE``); ``N/A``, ``not_supported`` and ``no_information`` are no values.
The report has no policies, so who administers the account cannot be known; AWS has no
account-wide MFA switch (MFA is required through IAM policies), and no plan.
"""

from __future__ import annotations

import re

from mfa_sim.columns.buffers import null_of, rows_of, scalar_of, text_array
from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    Mapped,
    empty_invitations,
    text_table,
)
from mfa_sim.data.importers.csv_export import CsvExport
from mfa_sim.errors import ProblemReason

ROOT_NAMES = ("<root_account>", "root_account")
ARN = re.compile(r"^arn:aws[\w-]*:iam::(?P<account>\d{12}):(?:root|user/.+)$")
ADDRESS = r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$"
"""An IAM user name that is an email address (IAM names may hold ``@`` otherwise too)."""
COLUMNS = ("user", "arn", "user_creation_time", "password_enabled", "password_last_used",
           "mfa_active")


def recognises(head: FileHead) -> bool:
    """A CSV whose header has ``user``, ``arn`` and ``mfa_active``."""
    return head.kind == "csv" and head.header_has("user", "arn", "mfa_active")


def read(path: str) -> Mapped:
    """Map a credential report: the AWS account, the root user as its owner, every IAM
    user a member."""
    import pyarrow as pa
    import pyarrow.compute as pc

    export = CsvExport(path, COLUMNS)
    names, arns, active = export.column("user"), export.column("arn"), export.column(
        "mfa_active")
    export.require_ids("arn", arns, "ARN")
    matched = pc.match_substring_regex(arns, ARN.pattern)
    export.report("arn", rows_of(pc.invert(matched)), arns, ProblemReason.INVALID_VALUE,
                  "not an IAM ARN (arn:aws:iam::ACCOUNT:root or ...:user/NAME)")
    mfa = export.states("mfa_active", active)
    export.raise_problems()
    accounts = pc.extract_regex(arns, ARN.pattern).field("account")
    root = pc.or_(pc.is_in(names, value_set=text_array(ROOT_NAMES)),
                  pc.ends_with(arns, ":root"))
    roles = pc.if_else(root, scalar_of("owner"), scalar_of("member"))
    emails = pc.if_else(pc.match_substring_regex(names, ADDRESS), names,
                        null_of(pa.string()))
    count = len(arns)
    users = {"key": arns, "email": emails, "mfa_enabled": mfa, "name": names,
             "iam_user": names}
    for column in ("password_enabled", "password_last_used", "user_creation_time"):
        found = export.column(column, required=False)
        if found is not None:
            users[column] = found
    keys = list(dict.fromkeys(accounts.to_pylist()))
    password = export.column("password_enabled", required=False)
    programmatic = 0 if password is None else int(
        pc.sum(pc.equal(pc.utf8_lower(password), scalar_of("false"))).as_py() or 0)
    no_email = emails.null_count
    gaps = [Gap("no_admin_flag", count, "the report has no policies: who administers the "
                "account cannot be known; the root user is its owner, every IAM user a "
                "member"),
            Gap("enforcement_unknown", len(keys), "AWS has no account-wide MFA switch (MFA "
                "is required through IAM policies): mfa_enforced is unknown"),
            Gap("no_plan", len(keys), "AWS accounts have no plan here: the plan is empty "
                "(tier unknown)")]
    if no_email:
        gaps.append(Gap("no_email", no_email, f"{no_email:,} of {count:,} users' names are "
                        "no email address: their id (the ARN) stands in for it"))
    if mfa.null_count:
        gaps.append(Gap("mfa_unknown", mfa.null_count, f"{mfa.null_count:,} users' "
                        "mfa_active is not given: unknown"))
    if programmatic:
        gaps.append(Gap("programmatic_users", programmatic, f"{programmatic:,} users have "
                        "no console password (password_enabled false): programmatic users, "
                        "for whom MFA matters less; kept in password_enabled"))
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table(users, {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": keys, "name": keys, "plan": [""] * len(keys),
                             "mfa_enforced": [None] * len(keys)},
                            {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": accounts, "user": arns, "role": roles}),
        invitations=empty_invitations(),
        gaps=tuple(gaps),
    )


FORMAT = ExportFormat(
    name="aws-credential-report",
    product="aws",
    title="AWS IAM credential report (CSV, 22 or 16 columns)",
    obtain="aws iam generate-credential-report && aws iam get-credential-report --query "
           "Content --output text | base64 --decode > credential-report.csv (or IAM "
           "console > Credential report > Download)",
    recognises=recognises,
    read=read,
)
