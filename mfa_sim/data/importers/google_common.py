"""What both Google Workspace formats decide alike: the tenant's account and whether
it enforces 2-step verification, which Google sets per organisational unit or group
and reports per user (``2sv Enforced``, ``isEnforcedIn2Sv``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfa_sim.columns.buffers import scalar_of
from mfa_sim.data.importers.base import Gap

if TYPE_CHECKING:
    import pyarrow as pa


def main_domain(emails: pa.Array) -> str:
    """The email domain most users have (the first such, on a tie): the tenant's name
    when the export gives no customer id.

    Examples
    --------
    >>> import pyarrow as pa
    >>> main_domain(pa.array(["a@x.example", "b@y.example", "c@Y.example"]))
    'y.example'
    """
    import pyarrow.compute as pc

    domains = pc.utf8_lower(pc.replace_substring_regex(emails, r"^.*@", ""))
    domains = domains.filter(pc.not_equal(domains, scalar_of("")))
    if not len(domains):
        return "workspace"
    counts = pc.value_counts(domains)
    best = pc.index(counts.field("counts"), pc.max(counts.field("counts"))).as_py()
    return str(counts.field("values")[best].as_py())


def tenant_enforcement(emails: pa.Array, per_user: pa.Array | None, count: int
                       ) -> tuple[str, bool | None, list[Gap]]:
    """The tenant's name (its main email domain), whether it enforces 2SV and what the
    file lacks for it."""
    return (main_domain(emails), *enforcement(per_user, count))


def enforcement(per_user: pa.Array | None, count: int) -> tuple[bool | None, list[Gap]]:
    """An account enforces 2SV when every user is enforced; unknown when the file does
    not say for someone.

    Examples
    --------
    >>> import pyarrow as pa
    >>> enforcement(pa.array([True, True]), 2)[0], enforcement(pa.array([True, False]), 2)[0]
    (True, False)
    >>> enforcement(pa.array([True, None]), 2)[0] is None
    True
    """
    import pyarrow.compute as pc

    gaps = [Gap("no_plan", 1, "Google Workspace editions are not in the file: the plan is "
                "empty (tier unknown)")]
    if per_user is None:
        gaps.append(Gap("enforcement_unknown", 1, "the file does not say whether 2-step "
                        "verification is enforced: mfa_enforced is unknown"))
        return None, gaps
    enforced = int(pc.sum(per_user).as_py() or 0)
    unknown = per_user.null_count
    gaps.append(Gap("mfa_per_user", count, "Google enforces 2-step verification per "
                    f"organisational unit or group: {enforced:,} of {count:,} users are "
                    "enforced, and the account counts as enforcing only when every one is "
                    "(each user's own is kept in two_step_enforced)"))
    if unknown:
        gaps.append(Gap("enforcement_unknown", unknown, f"the enforcement of {unknown:,} "
                        "users is not given: mfa_enforced is unknown"))
        return None, gaps
    return bool(count) and enforced == count, gaps
