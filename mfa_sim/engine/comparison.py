"""One scenario under several policies, side by side (``mfa-sim compare``).

Each policy plays the same steps on the same dataset, from the same start and seed.
For each run the comparison counts who was removed, suspended or blocked, which steps
were refused, which accounts were left with nobody to manage them, and who lost access
and for how long on the simulation clock; then it lists, member by member, where the
policies end differently ("u_ben: removed under npm, suspended under github").

Examples
--------
>>> import mfa_sim
>>> from mfa_sim.engine.scenario import load_scenario
>>> dataset = mfa_sim.load_dataset("datasets/example")
>>> comparison = compare(dataset, "datasets/example/scenario.yaml",
...                      policies=["dnsimple", "npm"])
>>> [(tally.policy, tally.removed, tally.refused) for tally in comparison.tallies]
[('dnsimple', 5, 3), ('npm', 2, 7)]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mfa_sim.engine.management import LOSING, managed
from mfa_sim.engine.run import Run
from mfa_sim.engine.simulation import Simulation, resolve_policy, run_scenario
from mfa_sim.errors import UsageError
from mfa_sim.model.outcome import EventType, Status, iso
from mfa_sim.model.ports import HtmlDisplay
from mfa_sim.policy import PRESETS, Policy
from mfa_sim.policy.treatments import grace_deadline

if TYPE_CHECKING:
    import pandas as pd

    from mfa_sim.engine.scenario import Scenario
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.model.state import State


class Standing:
    """Where a member stands with an account at the end of a run."""

    MEMBER = "member"
    """A member with access."""
    SUSPENDED = "suspended"
    """A member whose access is cut."""
    IN_GRACE = "in_grace"
    """A member with access until their grace period ends (``until``)."""
    REMOVED = "removed"
    """A member once, during the run or at its start, and no longer."""
    BLOCKED = "blocked"
    """Not a member: their accepted invitation waits until they enable MFA."""
    NOT_MEMBER = "not_member"
    """Never a member during the run."""


@dataclass(frozen=True, slots=True)
class LostAccess:
    """A stretch of time a member went without access to an account."""

    account: str
    user: str
    since: datetime
    until: datetime | None
    """When access came back (a join, a reinstatement or a restoration), or None if it
    had not by the end of the run."""
    seconds: float
    """How long, up to the end of the run for access not back."""


@dataclass(frozen=True, slots=True)
class Tally:
    """What one policy did with the scenario, in counts for the side-by-side table."""

    policy: str
    removed: int
    """Memberships removed, whatever the reason."""
    suspended: int
    """Suspensions (member_suspended events)."""
    blocked: int
    """Blocked steps (invitations waiting for MFA)."""
    refused: int
    """Rejected steps."""
    unmanaged: tuple[str, ...]
    """Accounts with an owner or admin with access at the start and none at the end."""
    lost_access: tuple[LostAccess, ...]

    @property
    def members_losing_access(self) -> int:
        """How many distinct memberships lost access at some point."""
        return len({(lost.account, lost.user) for lost in self.lost_access})

    @property
    def still_without_access(self) -> int:
        """How many memberships had not got access back by the end of the run."""
        return sum(lost.until is None for lost in self.lost_access)

    @property
    def access_seconds_lost(self) -> float:
        """Time without access, summed over every member."""
        return sum(lost.seconds for lost in self.lost_access)

    @property
    def longest_seconds_lost(self) -> float:
        """The longest stretch one member went without access."""
        return max((lost.seconds for lost in self.lost_access), default=0.0)


@dataclass(frozen=True, slots=True)
class Difference:
    """A member whose standing with an account at the end differs between policies."""

    account: str
    user: str
    outcomes: dict[str, tuple[str, datetime | None]]
    """Policy name -> (standing, until): ``until`` is the grace deadline of ``in_grace``."""

    def to_json(self) -> dict[str, Any]:
        """The entry of ``differences`` in ``compare --format json``."""
        return {"account": self.account, "user": self.user,
                "outcomes": {name: {"status": status, "until": None if until is None
                                    else iso(until)}
                             for name, (status, until) in self.outcomes.items()}}

    def sentence(self) -> str:
        """The difference in words.

        Examples
        --------
        >>> from datetime import UTC, datetime
        >>> Difference("a_team", "u_ben", {
        ...     "npm": ("removed", None),
        ...     "gitlab": ("in_grace", datetime(2026, 1, 7, 11, tzinfo=UTC))}).sentence()
        'u_ben in a_team: removed under npm; in grace until 2026-01-07T11:00:00Z under gitlab'
        """
        grouped: dict[tuple[str, datetime | None], list[str]] = {}
        for name, outcome in self.outcomes.items():
            grouped.setdefault(outcome, []).append(name)
        parts = [f"{_STANDING_WORDS[status]}"
                 f"{'' if until is None else ' until ' + iso(until)} under {', '.join(names)}"
                 for (status, until), names in grouped.items()]
        return f"{self.user} in {self.account}: {'; '.join(parts)}"


_STANDING_WORDS = {
    Standing.MEMBER: "member", Standing.SUSPENDED: "suspended",
    Standing.IN_GRACE: "in grace", Standing.REMOVED: "removed",
    Standing.BLOCKED: "blocked", Standing.NOT_MEMBER: "not a member",
}


@dataclass(frozen=True)
class Comparison(HtmlDisplay):
    """A scenario played under several policies."""

    policies: tuple[str, ...]
    runs: dict[str, Run]
    tallies: tuple[Tally, ...]
    differences: tuple[Difference, ...]
    scenario: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``compare --format json``: the policies, the simulate JSON of each run, and
        the per-member differences."""
        return {"policies": list(self.policies),
                "results": {name: run.to_json() for name, run in self.runs.items()},
                "differences": [difference.to_json() for difference in self.differences]}

    def table_frame(self) -> pd.DataFrame:
        """The side-by-side table, one row per policy."""
        import pandas as pd

        return pd.DataFrame([table_row(tally) for tally in self.tallies]).set_index("policy")

    def __repr__(self) -> str:
        return (f"<Comparison of {len(self.policies)} policies: "
                f"{len(self.differences)} members end differently>")


TABLE_COLUMNS = ("policy", "removed", "suspended", "blocked invitations", "refused steps",
                 "accounts left unmanaged", "members losing access",
                 "still without access at the end", "longest without access",
                 "time without access, all members")
"""The measures of the side-by-side table (the reports show one column per policy, one
row per measure)."""


def table_row(tally: Tally) -> dict[str, Any]:
    """One policy's row of the side-by-side table (durations in words)."""
    def lost(seconds: float) -> str:
        # Access lost at the scenario's last moment is lost for no time yet, not never.
        return "0 s" if seconds <= 0 and tally.members_losing_access else duration_words(seconds)

    return dict(zip(TABLE_COLUMNS, (
        tally.policy, tally.removed, tally.suspended, tally.blocked, tally.refused,
        len(tally.unmanaged), tally.members_losing_access, tally.still_without_access,
        lost(tally.longest_seconds_lost), lost(tally.access_seconds_lost)), strict=True))


def duration_words(seconds: float) -> str:
    """A duration as people read it.

    Examples
    --------
    >>> duration_words(0), duration_words(600), duration_words(49 * 3600), duration_words(90)
    ('none', '10 min', '2 d 1 h', '1 min 30 s')
    """
    if seconds <= 0:
        return "none"
    whole = round(seconds)
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)):
        amount, whole = divmod(whole, size)
        if amount:
            parts.append(f"{amount} {unit}")
    return " ".join(parts[:2]) or "under 1 s"


def compare(dataset: Dataset, scenario: Scenario | str | os.PathLike[str],
            policies: str | Policy | Iterable[str | Policy] | None = None, *,
            seed: int | None = None) -> Comparison:
    """Play a scenario under several policies and compare the runs.

    Parameters
    ----------
    dataset
        The starting point, the same for every policy.
    scenario
        A checked :class:`~mfa_sim.engine.scenario.Scenario`, or the path of a scenario file;
        its own ``policy`` key is not used.
    policies
        Presets' names, policy files or policies (default: every preset), each once; one
        name, file or policy alone is a comparison of one (``"github"`` is GitHub's
        preset, not six names).
    seed
        Overrides the scenario's seed.

    Raises
    ------
    UsageError
        For an unknown policy, two policies of one name, or ``policies`` of another kind.
    InputError
        For a scenario or policy file with problems.
    """
    from dataclasses import replace

    from mfa_sim.engine.scenario import Scenario, load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, dataset, seed=seed, policies=tuple(PRESETS))
    elif seed is not None:
        scenario = replace(scenario, seed=seed)
    chosen = [resolve_policy(policy) for policy in _policies_given(policies)]
    names = [policy.name for policy in chosen]
    if not chosen:
        raise UsageError("compare needs at least one policy")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UsageError(f"each policy is compared once; given twice: {', '.join(twice)}")
    runs = {}
    for policy in chosen:
        runs[policy.name] = run_scenario(dataset, scenario, policy=policy)
    start = Simulation(dataset, chosen[0], scenario.start, scenario.seed).state
    tallies = tuple(_tally(name, run, start) for name, run in runs.items())
    return Comparison(tuple(names), runs, tallies, _differences(runs, start),
                      scenario.name)


def _policies_given(policies: str | Policy | Iterable[str | Policy] | None
                    ) -> Iterable[str | Policy]:
    """The policies :func:`compare` is asked for, each still to resolve: one given alone
    is one, not a string's letters."""
    if policies is None:
        return PRESETS.values()
    # Anything else given alone is one policy too, so that resolve_policy says what a
    # policy may be.
    if isinstance(policies, str | Policy) or not isinstance(policies, Iterable):
        return (policies,)
    return policies


def _tally(name: str, run: Run, start: State) -> Tally:
    summary = run.summary
    suspended = sum(event.type is EventType.MEMBER_SUSPENDED
                    for outcome in run.outcomes for event in outcome.events)
    refused = sum(outcome.status is Status.REJECTED for outcome in run.outcomes)
    touched = sorted({str(event.account) for outcome in run.outcomes
                      for event in outcome.events if event.type in LOSING})
    unmanaged = tuple(account for account in touched
                      if managed(start, account) and not managed(run.final, account))
    return Tally(name, len(summary.removed), suspended, len(summary.blocked), refused,
                 unmanaged, _lost_access(run))


_REGAINING = (EventType.MEMBER_JOINED, EventType.MEMBER_REINSTATED, EventType.MEMBER_RESTORED)


def _lost_access(run: Run) -> tuple[LostAccess, ...]:
    """Every stretch without access, from the events: lost at a removal or a
    suspension (at the grace deadline, for one that ended a grace period), back at a
    join, a reinstatement or a restoration."""
    since: dict[tuple[str, str], datetime] = {}
    found: list[LostAccess] = []
    for outcome in run.outcomes:
        deadlines: dict[tuple[str, str], datetime] = {}
        for event in outcome.events:
            key = (str(event.account), str(event.user))
            if event.type is EventType.GRACE_EXPIRED and event.deadline is not None:
                deadlines[key] = event.deadline
            elif event.type in LOSING and key not in since:
                since[key] = deadlines.get(key, outcome.time)
            elif event.type in _REGAINING and key in since:
                began = since.pop(key)
                found.append(LostAccess(*key, began, outcome.time,
                                        (outcome.time - began).total_seconds()))
    end = run.final.clock
    found.extend(LostAccess(*key, began, None, (end - began).total_seconds())
                 for key, began in since.items())
    return tuple(sorted(found, key=lambda lost: (lost.account, lost.user, lost.since)))


def standing(state: State, account: str, user: str, *, was_member: bool
             ) -> tuple[str, datetime | None]:
    """Where a user stands with an account in a state, and until when (for grace)."""
    if state.role_of(account, user) is not None:
        if state.is_suspended(account, user):
            return Standing.SUSPENDED, None
        deadline = grace_deadline(state, account, user)
        return (Standing.MEMBER, None) if deadline is None else (Standing.IN_GRACE, deadline)
    if state.has_user(user):
        invitation = state.invitation(account, state.email_of(user))
        if invitation is not None and invitation.awaiting_mfa:
            return Standing.BLOCKED, None
    return (Standing.REMOVED if was_member else Standing.NOT_MEMBER), None


def _differences(runs: dict[str, Run], start: State) -> tuple[Difference, ...]:
    """The members whose standing at the end differs between the runs. Only a member an
    event of some run concerns can differ: every other ends as they began, everywhere."""
    membership = (EventType.MEMBER_JOINED, EventType.MEMBER_REINSTATED,
                  EventType.MEMBER_REMOVED)
    concerned: dict[tuple[str, str], set[str]] = {}
    for name, run in runs.items():
        for outcome in run.outcomes:
            for event in outcome.events:
                if event.account is None or event.user is None:
                    continue
                members_in = concerned.setdefault((event.account, event.user), set())
                if event.type in membership:
                    members_in.add(name)
    found = []
    for (account, user), members_in in sorted(concerned.items()):
        at_start = start.role_of(account, user) is not None
        outcomes = {name: standing(run.final, account, user,
                                   was_member=at_start or name in members_in)
                    for name, run in runs.items()}
        if len(set(outcomes.values())) > 1:
            found.append(Difference(account, user, outcomes))
    return tuple(found)


def parse_policy_list(text: str) -> Sequence[str]:
    """The names and files of ``--policies a,b,c``, each trimmed; empty items refused.

    Examples
    --------
    >>> parse_policy_list("dnsimple, npm,mine.yaml")
    ['dnsimple', 'npm', 'mine.yaml']
    """
    items = [item.strip() for item in text.split(",")]
    if any(not item for item in items):
        raise UsageError(f"--policies takes names or files separated by commas, without "
                         f"empty items: {text!r}")
    return items
