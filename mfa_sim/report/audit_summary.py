"""What the audit's reports for people say, whatever their markup.

The HTML, Markdown and JUnit reports of an audit share these chunks: the findings of
each check in report order, a fair sample of them when there are too many to show,
compliance by tier and by enforcement, and the accounts and users to act on first.
Everything here works on whole Arrow columns, so the cost stays small at half a
million findings; nothing here escapes for a markup language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.columns.buffers import arrow_of, flags_of, numbers_of, numpy_of, scalar_of, text_array
from mfa_sim.compliance.checks import CHECKS, Severity
from mfa_sim.model.plans import Tier
from mfa_sim.report.common import visible

if TYPE_CHECKING:
    import pyarrow as pa

    from mfa_sim.compliance.result import AuditResult

TOP = 10
"""How many accounts and users each "act on first" list names."""


def full_list_hint(code: Callable[[str], str]) -> str:
    """Where the findings a capped report leaves out are, with commands marked up by
    ``code``.

    Examples
    --------
    >>> print(full_list_hint(lambda command: f"`{command}`"))
    run `mfa-sim audit` on the same dataset with `--format csv` or `--format json`
    """
    return (f"run {code('mfa-sim audit')} on the same dataset with {code('--format csv')} "
            f"or {code('--format json')}")

_INVISIBLE = "[\\x00-\\x1f\\x7f-\\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"


def shown_text(value: object) -> str:
    """A value as text for a report: control characters and bidi overrides escaped
    (see :func:`~mfa_sim.report.common.visible`), ``U+FFFE`` and ``U+FFFF`` too (XML
    forbids them), ``None`` as an empty string.

    Examples
    --------
    >>> shown_text("a\\nb\\ufffe"), shown_text(None), shown_text(3)
    ('a\\\\x0ab\\\\ufffe', '', '3')
    """
    if value is None:
        return ""
    text = visible(str(value))
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")
    return text


def shown_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A text column passed through :func:`shown_text` (nulls stay null); only the
    rare values that need it go through Python.

    Examples
    --------
    >>> import pyarrow as pa
    >>> shown_array(pa.array(["plain", "tab\\there", None])).to_pylist()
    ['plain', 'tab\\\\x09here', None]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = one_chunk(values)
    text = text.cast(pa.string())
    risky = pc.fill_null(pc.match_substring_regex(text, _INVISIBLE), scalar_of(False))
    if not pc.any(risky).as_py():
        return text
    shown = text_array([shown_text(value) for value in text.filter(risky).to_pylist()])
    return pc.replace_with_mask(text, risky, shown)


def shorten(text: str, limit: int) -> str:
    """The text cut to ``limit`` characters, an ellipsis marking the cut.

    Examples
    --------
    >>> shorten("abcdef", 4), shorten("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def comparison_notes(result: AuditResult) -> list[str]:
    """The sentences a report adds to the counts of a comparison with a baseline (none
    without a baseline, or with nothing to add).

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.compliance.baseline import compare, parse_baseline
    >>> from mfa_sim.report.audit_json import audit_json
    >>> training = mfa_sim.load_dataset("datasets/training")
    >>> admins = mfa_sim.audit(training, as_of="2026-01-15", checks="admin_*")
    >>> result = compare(mfa_sim.audit(training, as_of="2026-01-15"),
    ...                  parse_baseline(audit_json(admins)))
    >>> comparison_notes(result)[0][:62]
    'Not compared: 15 findings of checks the baseline did not run ('
    """
    from mfa_sim.compliance.baseline import comparison

    compared = comparison(result)
    if compared is None:
        return []
    notes = []
    if compared.not_compared:
        notes.append(f"Not compared: {plural(compared.not_compared, 'finding')} of checks "
                     f"the baseline did not run ({', '.join(compared.not_compared_checks)}); "
                     "they were not looked for then, so they are not new.")
    return notes + [f"Warning: {warning}" for warning in compared.warnings()]


def plural(count: int, noun: str) -> str:
    """``1 finding``, ``2,000 findings``.

    Examples
    --------
    >>> plural(1, "finding"), plural(2000, "finding")
    ('1 finding', '2,000 findings')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def overview(result: AuditResult) -> str:
    """The audit in one sentence.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> overview(audit(load_dataset("datasets/example"),
    ...                as_of=datetime(2026, 1, 10, tzinfo=UTC)))
    'As of 2026-01-10: 6 users, 3 accounts, 7 memberships audited; 6 findings.'
    """
    counts = result.counts
    return (f"As of {result.as_of.date().isoformat()}: {plural(counts['users'], 'user')}, "
            f"{plural(counts['accounts'], 'account')}, "
            f"{plural(counts['memberships'], 'membership')} audited; "
            f"{plural(result.findings.num_rows, 'finding')}.{checks_run(result)}")


def checks_run(result: AuditResult) -> str:
    """When the audit ran only some checks, a sentence naming them (else nothing).

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit, select_checks
    >>> checks_run(audit(load_dataset("datasets/example"), checks=select_checks(["admin_*"])))
    ' Only 1 of 14 checks ran: admin_without_mfa.'
    """
    if len(result.checks) == len(CHECKS):
        return ""
    return (f" Only {len(result.checks)} of {plural(len(CHECKS), 'check')} ran: "
            f"{', '.join(result.checks)}.")


def muted_mask(findings: pa.Table) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which findings are muted (all ``False`` without a ``muted`` column)."""
    if "muted" not in findings.column_names:
        return np.zeros(findings.num_rows, dtype=bool)
    return flags_of(findings.column("muted"))


def new_mask(findings: pa.Table) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which findings are new since the baseline (``change`` is ``new``).

    Examples
    --------
    >>> import pyarrow as pa
    >>> new_mask(pa.table({"change": ["new", "unchanged", None]})).tolist()
    [True, False, False]
    """
    import pyarrow.compute as pc

    return flags_of(pc.equal(findings.column("change"), scalar_of("new")))


def severity_ranks(findings: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Each finding's :attr:`~mfa_sim.compliance.checks.Severity.rank`, -1 for a
    severity that is none of the five."""
    import pyarrow.compute as pc

    order = text_array([severity.value for severity in Severity])
    index = pc.index_in(findings.column("severity"), value_set=order)
    positions = numbers_of(index, -1).astype(np.int64)
    return np.where(positions >= 0, len(Severity) - 1 - positions, -1)


def count_where(findings: pa.Table, mask: np.ndarray[Any, np.dtype[np.bool_]]
                ) -> dict[str, int]:
    """How many of the findings the mask selects are of each severity, all five listed.

    Examples
    --------
    >>> import numpy as np
    >>> import pyarrow as pa
    >>> table = pa.table({"severity": ["high", "low", "high"]})
    >>> count_where(table, np.array([True, True, False]))
    {'critical': 0, 'high': 1, 'medium': 0, 'low': 1, 'info': 0}
    """
    ranks = severity_ranks(findings)[mask]
    return {severity.value: int(np.count_nonzero(ranks == severity.rank))
            for severity in Severity}


def check_codes(findings: pa.Table) -> tuple[list[str], np.ndarray[Any, np.dtype[np.int64]]]:
    """Every check to report on, in report order (the check table's, then any other
    check id in order of first appearance), and each finding's position in that list.

    Examples
    --------
    >>> import pyarrow as pa
    >>> ids, codes = check_codes(pa.table({"check": ["zz_ours", "admin_without_mfa"]}))
    >>> ids[1], ids[-1], codes.tolist()
    ('admin_without_mfa', 'zz_ours', [14, 1])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    known = [check.id for check in CHECKS]
    column = one_chunk(findings.column("check")).cast(pa.string())
    unique = pc.unique(pc.drop_null(column)).to_pylist()
    ids = known + [check for check in unique if check not in known]
    index = pc.index_in(column, value_set=text_array(ids))
    codes = numbers_of(index, 0).astype(np.int64)
    return ids, codes


def check_counts(findings: pa.Table) -> list[tuple[str, int]]:
    """Every check (see :func:`check_codes`) with how many findings it has.

    Examples
    --------
    >>> import pyarrow as pa
    >>> check_counts(pa.table({"check": ["admin_without_mfa"] * 2}))[:2]
    [('member_without_mfa_in_enforcing_account', 0), ('admin_without_mfa', 2)]
    """
    ids, codes = check_codes(findings)
    return list(zip(ids, np.bincount(codes, minlength=len(ids)).tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class CheckGroup:
    """The findings of one check, as a report shows them."""

    check: str
    total: int
    """Findings of this check in all."""
    rows: list[dict[str, Any]]
    """The ones shown (the first ones in report order), as Python dicts."""

    @property
    def left_out(self) -> int:
        """Findings of this check not shown."""
        return self.total - len(self.rows)


def fair_quotas(counts: list[int], cap: int) -> list[int]:
    """How many of each group to show so that at most ``cap`` are shown in all and
    no group is crowded out: every group gets an equal share, and what a small group
    does not use goes to the others (ties go to earlier groups).

    Examples
    --------
    >>> fair_quotas([1000, 5, 1000, 0], 100)
    [48, 5, 47, 0]
    >>> fair_quotas([3, 4], 100)
    [3, 4]
    """
    if sum(counts) <= cap:
        return list(counts)
    quota = [0] * len(counts)
    remaining = cap
    open_groups = [index for index, count in enumerate(counts) if count > 0]
    while open_groups and remaining > 0:
        share = max(remaining // len(open_groups), 1)
        still_open = []
        for index in open_groups:
            given = min(share, counts[index] - quota[index], remaining)
            quota[index] += given
            remaining -= given
            if quota[index] < counts[index]:
                still_open.append(index)
        open_groups = still_open
    return quota


def grouped_by_check(findings: pa.Table, per_check_cap: int) -> list[CheckGroup]:
    """The findings check by check, in report order, every check of the check table
    listed (with no rows when it found nothing), each with at most ``per_check_cap``
    rows: its first ones.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"check": ["admin_without_mfa"] * 3, "account": ["a", "b", "c"]})
    >>> [group] = [g for g in grouped_by_check(table, 2) if g.total]
    >>> group.check, [row["account"] for row in group.rows], group.left_out
    ('admin_without_mfa', ['a', 'b'], 1)
    """
    ids, codes = check_codes(findings)
    counts = np.bincount(codes, minlength=len(ids)).tolist()
    chosen = _first_of_each(codes, counts, [min(count, per_check_cap) for count in counts])
    rows = findings.take(arrow_of(chosen)).to_pylist()
    by_check: list[list[dict[str, Any]]] = [[] for _ in ids]
    for code, row in zip(codes[chosen].tolist(), rows, strict=True):
        by_check[code].append(row)
    return [CheckGroup(check, count, shown)
            for check, count, shown in zip(ids, counts, by_check, strict=True)]


def _first_of_each(codes: np.ndarray[Any, np.dtype[np.int64]], counts: list[int],
                   quotas: list[int]) -> np.ndarray[Any, np.dtype[np.intp]]:
    """The rows (in their order) that are among the first ``quotas[code]`` of their code."""
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - starts[codes[order]]
    return np.flatnonzero(rank < np.asarray(quotas, dtype=np.int64)[codes])


def sample(findings: pa.Table, cap: int) -> pa.Table:
    """At most ``cap`` findings, shared fairly between checks (:func:`fair_quotas`),
    in report order.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"check": ["admin_without_mfa"] * 5 + ["enforcement_ready"]})
    >>> sample(table, 3).column("check").to_pylist()
    ['admin_without_mfa', 'admin_without_mfa', 'enforcement_ready']
    """
    if findings.num_rows <= cap:
        return findings
    ids, codes = check_codes(findings)
    counts = np.bincount(codes, minlength=len(ids)).tolist()
    return findings.take(arrow_of(_first_of_each(codes, counts, fair_quotas(counts, cap))))


@dataclass(frozen=True, slots=True)
class TierCompliance:
    """How far the accounts of one tier (or of all tiers) are with MFA.

    Every account is in exactly one of ``enforcing``, ``ready`` (could enforce today),
    ``blocked`` (eligible, but members lack MFA) and ``ineligible`` (plan below teams,
    not enforcing).
    """

    tier: str
    accounts: int
    enforcing: int
    ready: int
    blocked: int
    ineligible: int
    members: int
    lacking_mfa: int
    """Members (memberships) lacking MFA."""

    @property
    def enforcing_share(self) -> float:
        """Share of the accounts that enforce MFA (0 with no account)."""
        return self.enforcing / self.accounts if self.accounts else 0.0

    @property
    def members_with_mfa_share(self) -> float:
        """Share of memberships whose user has MFA (1 with no member)."""
        return 1 - self.lacking_mfa / self.members if self.members else 1.0


def _eligible(tier: str) -> bool:
    try:
        return Tier(tier).can_enforce_mfa
    except ValueError:
        return False


def _tier_rank(tier: str) -> tuple[int, str]:
    try:
        return (Tier(tier).rank, tier)
    except ValueError:
        return (len(Tier), tier)


def compliance_by_tier(accounts: pa.Table) -> list[TierCompliance]:
    """One row per tier present, lowest tier first, then the total (tier ``all``).

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> rows = compliance_by_tier(audit(load_dataset("datasets/example")).accounts)
    >>> [(row.tier, row.accounts, row.enforcing, row.blocked, row.lacking_mfa)
    ...  for row in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('individual', 1, 0, 0, 1), ('teams', 1, 0, 1, 2), ('business', 1, 1, 0, 0),
     ('all', 3, 1, 1, 3)]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not accounts.num_rows:
        return [TierCompliance("all", 0, 0, 0, 0, 0, 0, 0)]
    tiers = one_chunk(accounts.column("tier")).cast(pa.string())
    tiers = tiers.fill_null(scalar_of("unknown"))
    names = sorted(pc.unique(tiers).to_pylist(), key=_tier_rank)
    codes = numpy_of(pc.index_in(tiers, value_set=text_array(names))).astype(np.int64)
    eligible = np.asarray([_eligible(name) for name in names], dtype=bool)[codes]
    enforced = flags_of(accounts.column("enforced"))
    ready = flags_of(accounts.column("ready_to_enforce")) & ~enforced
    blocked = eligible & ~enforced & ~ready
    ineligible = ~eligible & ~enforced & ~ready
    members = numbers_of(accounts.column("members"), 0).astype(np.int64)
    lacking = numbers_of(pc.list_value_length(accounts.column("noncompliant")),
                         0).astype(np.int64)
    size = len(names)

    def per_tier(values: np.ndarray[Any, Any]) -> list[int]:
        return [int(n) for n in np.bincount(codes, weights=values, minlength=size)]

    columns = [per_tier(np.ones(len(codes))), per_tier(enforced), per_tier(ready),
               per_tier(blocked), per_tier(ineligible), per_tier(members), per_tier(lacking)]
    rows = [TierCompliance(name, *(column[index] for column in columns))
            for index, name in enumerate(names)]
    total = TierCompliance("all", *(sum(column) for column in columns))
    return [*rows, total]


@dataclass(frozen=True, slots=True)
class Ranked:
    """An id with how many findings concern it and how many of those are high or worse."""

    id: str
    findings: int
    serious: int


def top_ids(findings: pa.Table, column: str, limit: int = TOP) -> list[Ranked]:
    """The accounts (``column="account"``) or users with the most high-or-worse
    findings, then the most findings, muted findings left out.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> result = audit(load_dataset("datasets/example"),
    ...                as_of=datetime(2026, 1, 10, tzinfo=UTC))
    >>> top_ids(result.findings, "account")[0]
    Ranked(id='a_solo', findings=2, serious=2)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = one_chunk(findings.column(column))
    keep = ~muted_mask(findings) & flags_of(pc.is_valid(ids))
    serious = (severity_ranks(findings) >= Severity.HIGH.rank)[keep]
    if not keep.any():
        return []
    # Counted by code with numpy: Acero's group_by would import pyarrow.dataset, and
    # with it pandas.
    encoded = ids.filter(arrow_of(keep)).dictionary_encode()
    codes = numpy_of(encoded.indices)
    size = len(encoded.dictionary)
    table = pa.table({
        "id": encoded.dictionary,
        "serious": arrow_of(np.bincount(codes, weights=serious, minlength=size)
                            .astype(np.int64)),
        "findings": arrow_of(np.bincount(codes, minlength=size).astype(np.int64))})
    ranked = table.sort_by([("serious", "descending"), ("findings", "descending"),
                            ("id", "ascending")]).slice(0, limit)
    return [Ranked(str(identifier), int(count), int(high)) for identifier, count, high in
            zip(ranked.column("id").to_pylist(), ranked.column("findings").to_pylist(),
                ranked.column("serious").to_pylist(), strict=True)]


def closest_to_enforcing(blockers: pa.Table, limit: int = TOP) -> list[dict[str, Any]]:
    """The eligible accounts that cannot enforce yet, fewest members lacking MFA first:
    rows of the ``blockers`` what-if table (ready accounts left out: nothing stands in
    their way).

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> [(row["account"], row["blockers"]) for row in closest_to_enforcing(
    ...     audit(load_dataset("datasets/example")).what_ifs.blockers)]
    [('a_team', ['u_ben', 'u_chloe'])]
    """
    import pyarrow.compute as pc

    blocked = blockers.filter(pc.greater(blockers.column("blocker_count"), scalar_of(0)))
    return blocked.slice(0, limit).to_pylist()  # type: ignore[no-any-return]


def ready_count(blockers: pa.Table) -> int:
    """How many eligible accounts could enforce MFA today."""
    return int(np.count_nonzero(flags_of(blockers.column("ready_to_enforce"))))


def top_blockers(blockers: pa.Table, limit: int = TOP) -> list[tuple[str, int]]:
    """The users standing between the most accounts and enforcement: (user, accounts).

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.compliance import audit
    >>> top_blockers(audit(load_dataset("datasets/example")).what_ifs.blockers)
    [('u_ben', 1), ('u_chloe', 1)]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    users = pc.list_flatten(blockers.column("blockers"))
    if not len(users):
        return []
    counted = pc.value_counts(users).flatten()
    table = pa.table({"user": counted[0], "accounts": counted[1]})
    ranked = table.sort_by([("accounts", "descending"), ("user", "ascending")]).slice(0, limit)
    return list(zip(ranked.column("user").to_pylist(),
                    [int(n) for n in ranked.column("accounts").to_pylist()], strict=True))


def users_to_protect(blast_radius: pa.Table, limit: int = TOP) -> list[dict[str, Any]]:
    """The users whose MFA matters most (turning it off would remove them from
    enforcing accounts, worst first: accounts left unmanaged, then removals)."""
    import pyarrow.compute as pc

    hurt = pc.greater(blast_radius.column("removed_from"), scalar_of(0))
    return blast_radius.filter(hurt).slice(0, limit).to_pylist()  # type: ignore[no-any-return]
