"""The audit's accounts table: each account's standing with respect to enforcement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import arrow_of, numpy_of
from mfa_sim.compliance.facts import AuditFacts

if TYPE_CHECKING:
    import pyarrow as pa


def accounts_table(facts: AuditFacts) -> pa.Table:
    """One row per account, ordered by account id.

    ``noncompliant`` lists each account's members lacking MFA, sorted; an account
    that already enforces is never ``ready_to_enforce``.
    """
    import pyarrow as pa

    lacking = np.flatnonzero(~facts.member_compliant)
    pairs = pa.table({
        "row": arrow_of(facts.membership_account[lacking]),
        "user": facts.user_ids.take(arrow_of(facts.membership_user[lacking])),
    }).sort_by([("row", "ascending"), ("user", "ascending")])
    # Sorted by account row, the users of each account are one slice: offsets make
    # them a list column without a loop.
    counts = np.bincount(numpy_of(pairs.column("row")), minlength=len(facts.account_ids))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(arrow_of(offsets),
                                          one_chunk(pairs.column("user")))
    table = pa.table({
        "account": facts.account_ids,
        "plan": facts.plans_written,
        "tier": facts.tiers,
        "enforced": arrow_of(facts.enforced),
        "members": arrow_of(facts.members.astype(np.int64)),
        "noncompliant": lists,
        "ready_to_enforce": arrow_of(facts.ready),
    })
    return table.sort_by([("account", "ascending")])
