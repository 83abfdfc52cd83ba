"""Which checks an audit runs: a selection of check ids, chosen as security tools do.

``audit --checks``, ``--exclude-checks`` and ``--severity`` each take a list of patterns
or levels; the audit receives the resulting :class:`CheckSelection` and runs only those
checks. Patterns are those of mute files: ``*`` stands for any run of characters and
is the only wildcard; everything else stands for itself.

- ``checks``: the checks whose id matches any pattern (default: every check);
- ``exclude``: minus those whose id matches any of these;
- ``severities``: only checks of these severities (default: every severity).

A selection is a plain set of ids, so another rule of what may arise (a product's
policy) narrows it with :meth:`CheckSelection.intersect` (:func:`under_policy`). A
pattern that names no check, a severity that is none of the five, or options that leave
nothing to run, by themselves or under the policy, are usage problems, all reported at
once. In Python, one string given for a list is one entry, not its letters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, TypeVar

from mfa_sim.compliance.checks import CHECKS, CHECKS_BY_ID, Check, Severity
from mfa_sim.compliance.mutes import matching_checks
from mfa_sim.errors import InputError, Problem, ProblemReason, UsageError

if TYPE_CHECKING:
    from mfa_sim.compliance.baseline import Baseline
    from mfa_sim.compliance.result import AuditResult
    from mfa_sim.policy import Policy

E = TypeVar("E")

SELECTION_OPTIONS: Final = ("checks", "exclude_checks", "severity")
"""How the three lists are named in problems (the command line passes its options)."""


@dataclass(frozen=True, slots=True)
class CheckSelection:
    """The checks an audit runs, in report order.

    Examples
    --------
    >>> selection = CheckSelection.of(["enforcement_ready", "admin_without_mfa"])
    >>> selection.ids
    ('admin_without_mfa', 'enforcement_ready')
    >>> "admin_without_mfa" in selection, len(CheckSelection.every())
    (True, 14)
    >>> selection.intersect(["admin_without_mfa", "mfa_state_unknown"]).ids
    ('admin_without_mfa',)
    """

    ids: tuple[str, ...]

    @classmethod
    def every(cls) -> CheckSelection:
        """Every check."""
        return cls(tuple(check.id for check in CHECKS))

    @classmethod
    def of(cls, ids: str | Iterable[str]) -> CheckSelection:
        """The given check ids (one string is one id), put in report order.

        Raises
        ------
        UsageError
            For an id that is no check's (a misuse: ids from people go through
            :func:`select_checks`), or ids that are not strings.
        """
        wanted = set(_strings(ids, "ids"))
        unknown = sorted(wanted - CHECKS_BY_ID.keys())
        if unknown:
            raise UsageError(f"no check has the id {unknown[0]!r}; `mfa-sim checks` lists "
                             "them")
        return cls(tuple(check.id for check in CHECKS if check.id in wanted))

    @property
    def checks(self) -> tuple[Check, ...]:
        """The selected checks themselves."""
        return tuple(CHECKS_BY_ID[check] for check in self.ids)

    @property
    def is_every(self) -> bool:
        """Whether every check is selected."""
        return len(self.ids) == len(CHECKS)

    def intersect(self, ids: Iterable[str]) -> CheckSelection:
        """The checks selected here that are also among ``ids``."""
        other = set(ids)
        return CheckSelection(tuple(check for check in self.ids if check in other))

    def __contains__(self, check: object) -> bool:
        return check in self.ids

    def __len__(self) -> int:
        return len(self.ids)


def entries(values: E | Iterable[E], parameter: str, kind: type[E],
            wanted: str) -> tuple[E, ...]:
    """The entries of a list given in Python, where one entry alone is a list of one:
    ``checks="admin_*"`` is the pattern ``admin_*``, not a list of its letters.

    Parameters
    ----------
    values
        One entry, or an iterable of entries.
    parameter
        The name of the argument, for the error.
    kind
        What each entry is.
    wanted
        What the argument takes, in words, for the error.

    Raises
    ------
    UsageError
        For anything but an entry or an iterable of entries.

    Examples
    --------
    >>> entries("admin_*", "checks", str, "a string"), entries(["a", "b"], "checks", str, "")
    (('admin_*',), ('a', 'b'))
    >>> entries([3], "checks", str, "a string or a list of strings")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: checks takes a string or a list of strings, not list of int
    """
    if isinstance(values, kind):
        return (values,)
    found = tuple(values) if isinstance(values, Iterable) else None
    wrong = None if found is None else next(
        (entry for entry in found if not isinstance(entry, kind)), None)
    if found is None or wrong is not None:
        given = type(values).__name__ + ("" if wrong is None else f" of {type(wrong).__name__}")
        raise UsageError(f"{parameter} takes {wanted}, not {given}")
    return found


def _strings(values: str | Iterable[str], parameter: str) -> tuple[str, ...]:
    """The entries of a list of ids, patterns or levels (:func:`entries`)."""
    return entries(values, parameter, str, "a string or a list of strings")


def split_list(values: Iterable[str]) -> tuple[str, ...]:
    """Comma-separated lists, as given once or several times, as one tuple of entries
    (spaces around an entry dropped: no id or level holds one; empty entries kept, so
    that they can be reported).

    Examples
    --------
    >>> split_list(["admin_*, member_*", "mfa_state_unknown"])
    ('admin_*', 'member_*', 'mfa_state_unknown')
    """
    return tuple(entry.strip() for value in values for entry in value.split(","))


def select_checks(checks: str | Iterable[str] = (), exclude: str | Iterable[str] = (),
                  severities: str | Iterable[str] = (), *,
                  options: Sequence[str] = SELECTION_OPTIONS) -> CheckSelection:
    """The checks that patterns and severities choose.

    Parameters
    ----------
    checks
        Check id patterns to run (empty: every check); one string is one pattern.
    exclude
        Check id patterns not to run.
    severities
        Severities to run (empty: every severity).
    options
        How each of the three lists is named in problems.

    Raises
    ------
    InputError
        Every pattern that names no check, every unknown severity, an empty entry, and
        a selection left with no check.
    UsageError
        For a list that is neither a string nor strings.

    Examples
    --------
    >>> select_checks(["admin_*", "member_*"]).ids
    ('member_without_mfa_in_enforcing_account', 'admin_without_mfa')
    >>> select_checks(exclude=["*mfa*"], severities=["low", "medium"]).ids
    ('enforcing_on_ineligible_plan', 'enforcement_blocked_by_member', \
'account_without_admin', 'invitation_blocked', 'enforcement_ready', 'seats_exceeded', \
'invitation_for_member')
    >>> select_checks(["admin_*", "nothing_*"], severities=["urgent"])
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 2 problems in the input:
      checks: 'nothing_*': names no check; `mfa-sim checks` lists them
      severity: 'urgent': not a severity; severities: critical, high, medium, low, info
    >>> select_checks(["admin_*"], severities=["low"])
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      checks: the options select no check: checks admin_*; severity low
    """
    check_option, exclude_option, severity_option = options
    wanted, unwanted, kept = (_strings(values, option) for values, option in zip(
        (checks, exclude, severities), options, strict=True))
    problems: list[Problem] = []

    def named(patterns: Sequence[str], option: str) -> set[str]:
        found: set[str] = set()
        for pattern in patterns:
            matched = matching_checks(pattern) if pattern else ()
            if not matched:
                why = ("an empty entry: give a check id or pattern" if not pattern else
                       "names no check; `mfa-sim checks` lists them")
                problems.append(Problem(option, None, None, pattern or None,
                                        ProblemReason.INVALID_VALUE, why))
            found.update(matched)
        return found

    chosen = named(wanted, check_option) if wanted else set(CHECKS_BY_ID)
    chosen -= named(unwanted, exclude_option)
    levels = {severity.value for severity in Severity}
    for level in kept:
        if level not in levels:
            problems.append(Problem(
                severity_option, None, None, level or None, ProblemReason.INVALID_VALUE,
                "not a severity; severities: " + ", ".join(s.value for s in Severity)))
    if kept:
        chosen = {check for check in chosen if CHECKS_BY_ID[check].severity in kept}
    if not chosen and not problems:
        given = [f"{option} {', '.join(values)}" for option, values in (
            (check_option, wanted), (exclude_option, unwanted),
            (severity_option, kept)) if values]
        problems.append(Problem(
            given[0].split(" ")[0] if given else check_option, None, None, None,
            ProblemReason.INVALID_VALUE,
            f"the options select no check: {'; '.join(given)}"))
    if problems:
        raise InputError(problems)
    return CheckSelection.of(chosen)


def under_policy(selection: CheckSelection, policy: Policy, *, selected_by: str = "checks",
                 policy_option: str = "policy") -> CheckSelection:
    """The selected checks whose findings can arise under a policy: the others do not run.

    Parameters
    ----------
    selection
        The checks chosen.
    policy
        The policy the audit judges under.
    selected_by
        How the options that chose the checks are named in a problem.
    policy_option
        How the option that chose the policy is named in a problem.

    Raises
    ------
    InputError
        When the policy leaves nothing to run: an audit of no check would say "no
        findings" of checks that never ran. Located at the options that chose the checks,
        or at the policy's when every check was chosen.

    Examples
    --------
    >>> from mfa_sim.policy import GITLAB
    >>> under_policy(select_checks(["invitation_*"]), GITLAB).ids
    ('invitation_stale', 'invitation_for_member')
    >>> under_policy(select_checks(["invitation_blocked"]), GITLAB)
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      checks: 'invitation_blocked': no finding of this check can arise under policy \
'gitlab' (its rules make it impossible), so nothing is left to run; ...
    """
    # Imported here: `mfa-sim checks` selects without doing any of the audit's work.
    from mfa_sim.compliance.findings import checks_under

    possible = selection.intersect(check.id for check in checks_under(policy))
    if possible.ids:
        return possible
    if selection.is_every:
        raise InputError([Problem(
            policy_option, None, None, policy.name, ProblemReason.INVALID_VALUE,
            "no finding of any check can arise under this policy, so nothing is left to "
            "run")])
    these = "this check" if len(selection) == 1 else "these checks"
    raise InputError([Problem(
        selected_by, None, None, ", ".join(selection.ids), ProblemReason.INVALID_VALUE,
        f"no finding of {these} can arise under {policy_option} {policy.name!r} (its rules "
        f"make {'it' if len(selection) == 1 else 'them'} impossible), so nothing is left to "
        "run; select other checks (`mfa-sim checks` lists them) or another policy")])


def within(baseline: Baseline, selection: CheckSelection) -> Baseline:
    """A baseline's findings of the selected checks alone: a finding of a check that did
    not run this time is not resolved, only not looked at.

    Examples
    --------
    >>> from mfa_sim.compliance.baseline import parse_baseline
    >>> old = parse_baseline('''{"findings": [
    ...   {"check": "admin_without_mfa", "severity": "high", "account": "a1", "user": "u2"},
    ...   {"check": "enforcement_ready", "severity": "low", "account": "a1"}]}''')
    >>> within(old, select_checks(["admin_*"])).findings.column("check").to_pylist()
    ['admin_without_mfa']
    """
    if selection.is_every:
        return baseline
    import pyarrow.compute as pc

    from mfa_sim.columns.buffers import text_array

    kept = pc.is_in(baseline.findings.column("check"), value_set=text_array(selection.ids))
    return replace(baseline, findings=baseline.findings.filter(kept))


def within_selection(result: AuditResult, selection: CheckSelection) -> AuditResult:
    """A muted result whose "matching nothing" list leaves out the entries for checks
    that did not run: they were not given a chance to match."""
    report = result.mute_report
    if selection.is_every or report is None:
        return result
    ran = [entry for entry in report.unmatched
           if any(check in selection for check in matching_checks(entry.check))]
    return replace(result, mute_report=replace(report, unmatched=tuple(ran)))
