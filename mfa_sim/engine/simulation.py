"""The notebook API: a simulation you drive one action at a time.

Examples
--------
>>> import mfa_sim
>>> sim = mfa_sim.Simulation(mfa_sim.load_dataset("datasets/example"))
>>> print(sim.enforce_mfa("a_team").message)
Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe.
>>> print(sim.what_if("disable_mfa", user="u_eli").message)
u_eli disabled MFA; removed from 1 enforcing account: a_secure.
>>> sim.state.role_of("a_secure", "u_eli")  # the what-if changed nothing
<Role.ADMIN: 'admin'>
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mfa_sim.engine.engine import Engine
from mfa_sim.engine.management import managers_with_access
from mfa_sim.engine.run import Run
from mfa_sim.errors import UnknownIdError, UsageError
from mfa_sim.model.actions import ACTIONS, ActionName, ArgKind, Method
from mfa_sim.model.clock import (
    DEFAULT_START,
    EARLIEST_START,
    advance_seconds,
    is_finite_number,
    shifted,
)
from mfa_sim.model.outcome import Outcome, iso
from mfa_sim.model.ports import HtmlDisplay
from mfa_sim.model.state import State
from mfa_sim.policy import Policy

if TYPE_CHECKING:
    import pandas as pd

    from mfa_sim.engine.scenario import Scenario
    from mfa_sim.model.dataset import Dataset


def resolve_policy(policy: str | Policy) -> Policy:
    """A policy by preset name or YAML policy file, or the policy itself.

    Raises
    ------
    UsageError
        If no preset has that name and it names no file.
    InputError
        For a policy file with problems.
    """
    if isinstance(policy, Policy):
        return policy
    if not isinstance(policy, str):
        raise UsageError(f"a policy is a preset's name, a policy file or a Policy, not "
                         f"{type(policy).__name__}")
    from mfa_sim.policy.files import policy_option

    return policy_option(policy)


class Simulation(HtmlDisplay):
    """A simulation of one dataset under one policy, stepped by calling its actions.

    Every action returns an :class:`~mfa_sim.model.outcome.Outcome` and moves the
    simulation on; :meth:`what_if` answers the same question on a branch and leaves
    the simulation where it was.

    Parameters
    ----------
    dataset
        The starting point.
    policy
        A policy or its name (default ``dnsimple``).
    start
        The clock at the start (default 2026-01-01T00:00:00Z; one without a zone is
        UTC, as in a scenario file), from 1970 on.
    seed
        Makes TOTP material reproducible: an integer of any size.

    Raises
    ------
    UsageError
        For a start that is no time or before 1970, or a seed that is no integer.

    Examples
    --------
    >>> import mfa_sim
    >>> Simulation(mfa_sim.load_dataset("datasets/example"), start=datetime(1969, 7, 20))
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: start must be at or after 1970-01-01T00:00:00Z, ...
    """

    def __init__(self, dataset: Dataset, policy: str | Policy = "dnsimple",
                 start: datetime = DEFAULT_START, seed: int = 0) -> None:
        from mfa_sim.engine.totp import check_seed

        check_seed(seed)
        self.engine = Engine(resolve_policy(policy), seed)
        self._states: list[State] = [State.start(dataset, _start(start))]
        self._outcomes: list[Outcome] = []

    # -- where the simulation stands ---------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state."""
        return self._states[-1]

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        return self.engine.policy

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Every step so far, in order."""
        return tuple(self._outcomes)

    @property
    def run(self) -> Run:
        """The steps so far as a run (summary, JSON, frames)."""
        return Run(self.policy.name, self.outcomes, self.state)

    @property
    def users(self) -> pd.DataFrame:
        """The users as they stand now."""
        return self.state.to_dataset().users

    @property
    def accounts(self) -> pd.DataFrame:
        """The accounts as they stand now."""
        return self.state.to_dataset().accounts

    @property
    def memberships(self) -> pd.DataFrame:
        """The memberships as they stand now."""
        return self.state.to_dataset().memberships

    @property
    def invitations(self) -> pd.DataFrame:
        """The pending invitations as they stand now."""
        return self.state.to_dataset().invitations

    def history(self) -> pd.DataFrame:
        """One row per step so far."""
        return self.run.steps_frame()

    def events(self) -> pd.DataFrame:
        """One row per event so far."""
        return self.run.events_frame()

    # -- stepping ------------------------------------------------------------------------------

    def apply(self, action: str | ActionName, **args: Any) -> Outcome:
        """Apply any action by name, with its arguments as keywords.

        Raises
        ------
        UsageError
            For an unknown action or argument, or a missing argument.
        UnknownIdError
            For an id that names no user or account.
        """
        name = self._check(action, args)
        state, outcome = self.engine.apply(self.state, name, args, step=len(self._outcomes) + 1)
        self._states.append(state)
        self._outcomes.append(outcome)
        return outcome

    def what_if(self, action: str | ActionName, **args: Any) -> Outcome:
        """What an action would do now, without doing it, judged as a scenario's step
        is: an ``enforce_mfa`` naming no actor is not judged on who switches it on
        (the ``what-if`` command asks it as an owner or admin would: :func:`what_ifs`)."""
        name = self._check(action, args)
        _, outcome = self.engine.apply(self.state, name, args, step=len(self._outcomes) + 1)
        return outcome

    def branch(self) -> Simulation:
        """An independent copy to explore from; the two share everything unchanged."""
        twin = object.__new__(Simulation)
        twin.engine = self.engine
        twin._states = list(self._states)
        twin._outcomes = list(self._outcomes)
        return twin

    def undo(self) -> Outcome:
        """Take back the last step and return it."""
        if not self._outcomes:
            raise UsageError("there is no step to undo")
        self._states.pop()
        return self._outcomes.pop()

    def play(self, steps: Iterable[tuple[str, dict[str, Any]]] | Scenario) -> Run:
        """Apply steps in order (a scenario, or ``(action, args)`` pairs); a scenario
        file is played from its start by :func:`run_scenario`."""
        from mfa_sim.engine.scenario import Scenario

        if isinstance(steps, str | bytes | os.PathLike):
            raise UsageError("play takes (action, args) pairs or a Scenario; to play a "
                             "scenario file, use mfa_sim.run_scenario(dataset, path)")
        pairs = ((s.action, dict(s.args)) for s in steps.steps) \
            if isinstance(steps, Scenario) else steps
        for pair in pairs:
            if not (isinstance(pair, tuple | list) and len(pair) == 2
                    and isinstance(pair[1], Mapping)):
                raise UsageError(f"play takes (action, args) pairs, args a mapping, not "
                                 f"{pair!r:.80}")
            self.apply(pair[0], **pair[1])
        return self.run

    def enforce_mfa(self, account: str, actor: str | None = None) -> Outcome:
        """Switch on MFA enforcement for an account."""
        return self.apply(ActionName.ENFORCE_MFA, **_given(account=account, actor=actor))

    def disable_enforcement(self, account: str, actor: str | None = None) -> Outcome:
        """Switch MFA enforcement off."""
        return self.apply(ActionName.DISABLE_ENFORCEMENT, **_given(account=account, actor=actor))

    def enable_mfa(self, user: str, method: str = "totp", clock_skew: float = 0) -> Outcome:
        """The user enrols (TOTP codes from a clock ``clock_skew`` seconds ahead)."""
        return self.apply(ActionName.ENABLE_MFA, user=user, method=method,
                          clock_skew=clock_skew)

    def disable_mfa(self, user: str) -> Outcome:
        """The user turns MFA off with their recovery code."""
        return self.apply(ActionName.DISABLE_MFA, user=user)

    def invite(self, account: str, email: str, role: str | None = None,
               actor: str | None = None) -> Outcome:
        """Invite someone to an account, existing user or not."""
        return self.apply(ActionName.INVITE,
                          **_given(account=account, email=email, role=role, actor=actor))

    def sign_up(self, email: str, user: str) -> Outcome:
        """A new person creates a profile (without MFA)."""
        return self.apply(ActionName.SIGN_UP, email=email, user=user)

    def accept_invitation(self, account: str, email: str) -> Outcome:
        """The invitee accepts."""
        return self.apply(ActionName.ACCEPT_INVITATION, account=account, email=email)

    def cancel_invitation(self, account: str, email: str, actor: str | None = None) -> Outcome:
        """Withdraw an invitation."""
        return self.apply(ActionName.CANCEL_INVITATION,
                          **_given(account=account, email=email, actor=actor))

    def remove_member(self, account: str, user: str, actor: str | None = None) -> Outcome:
        """Remove a member."""
        return self.apply(ActionName.REMOVE_MEMBER,
                          **_given(account=account, user=user, actor=actor))

    def change_plan(self, account: str, plan: str, actor: str | None = None) -> Outcome:
        """Change an account's plan."""
        return self.apply(ActionName.CHANGE_PLAN, **_given(account=account, plan=plan,
                                                           actor=actor))

    def advance_time(self, *, seconds: float = 0, minutes: float = 0, hours: float = 0,
                     days: float = 0) -> Outcome:
        """Move the clock forward (give exactly one unit)."""
        given = {unit: amount for unit, amount in (("seconds", seconds), ("minutes", minutes),
                                                   ("hours", hours), ("days", days)) if amount}
        return self.apply(ActionName.ADVANCE_TIME, **(given or {"seconds": 0}))

    # -- checks ------------------------------------------------------------------------------

    def _check(self, action: str | ActionName, args: dict[str, Any]) -> ActionName:
        """Refuse a step a scenario file could not hold either, naming every problem of
        it at once: :class:`UnknownIdError` if unknown ids are all there is, else
        :class:`UsageError`."""
        try:
            name = ActionName(action)
        except ValueError:
            raise UsageError(f"unknown action {action!r}; actions: "
                             f"{', '.join(ACTIONS)}") from None
        spec = ACTIONS[name]
        problems = [f"{name.value} takes no argument {given!r}"
                    for given in args if spec.arg(given) is None]
        unknown_ids: list[str] = []
        for arg in spec.args:
            if arg.required and arg.name not in args:
                problems.append(f"{name.value} needs the argument {arg.name!r}")
            value = args.get(arg.name)
            if value is None:
                continue
            problem = _value_problem(name, arg.name, arg.kind, value)
            if problem is not None:
                problems.append(problem)
            elif arg.kind is ArgKind.ACCOUNT and value not in \
                    self.state.dataset.indexes.account_rows:
                unknown_ids.append(f"no account has the id {value!r}")
            elif arg.kind is ArgKind.USER and not self.state.has_user(value):
                unknown_ids.append(f"no user has the id {value!r}")
            elif arg.kind is ArgKind.NEW_USER and self.state.has_user(value):
                problems.append(f"a user already has the id {value!r}")
        if spec.one_of and sum(unit in args for unit in spec.one_of) != 1:
            problems.append(f"{name.value} takes exactly one of {', '.join(spec.one_of)}")
        if not problems:
            problems.extend(self._clock_problems(name, args))
        if problems:
            raise UsageError("; ".join(problems + unknown_ids))
        if unknown_ids:
            raise UnknownIdError("; ".join(unknown_ids))
        return name

    def _clock_problems(self, name: ActionName, args: dict[str, Any]) -> list[str]:
        """Where a step would take a clock outside the years 1970 to 9999."""
        clock = self.state.clock
        if name is ActionName.ADVANCE_TIME and shifted(clock, advance_seconds(args)) is None:
            return [f"advance_time: this moves the clock past the year 9999, from {iso(clock)}"]
        if name is ActionName.ENABLE_MFA and args.get("method", Method.TOTP) == Method.TOTP \
                and shifted(clock, args.get("clock_skew", 0)) is None:
            return ["enable_mfa: clock_skew puts the user's clock outside the years 1970 to "
                    "9999, where TOTP codes exist"]
        return []

    def __repr__(self) -> str:
        return (f"<Simulation under {self.policy.name}: {len(self._outcomes)} steps, "
                f"clock {self.state.clock.isoformat()}>")


def what_ifs(dataset: Dataset, questions: Iterable[tuple[str, dict[str, Any]]],
             policy: str | Policy = "dnsimple", start: datetime = DEFAULT_START,
             seed: int = 0) -> Run:
    """Each question answered on its own against the unchanged dataset.

    An ``enforce_mfa`` that names no actor, under a policy whose enabler must have MFA
    (GitHub, npm), is asked as the account's owners and admins would do it: as the first
    of them (by id) with MFA, or, when none has it, as the first of them, whose step is
    then refused and says who must enable MFA first. Nobody could switch it on, so the
    what-if must not pretend somebody did.

    Examples
    --------
    >>> import mfa_sim
    >>> questions = [("disable_mfa", {"user": "u_dana"}),
    ...              ("enforce_mfa", {"account": "a_team"})]
    >>> run = what_ifs(mfa_sim.load_dataset("datasets/example"), questions)
    >>> [outcome.status.value for outcome in run.outcomes]
    ['applied', 'rejected']
    >>> run = what_ifs(mfa_sim.load_dataset("datasets/example"),
    ...                [("enforce_mfa", {"account": "a_solo"})], policy="github")
    >>> run.outcomes[0].message
    'Enforcement refused on a_solo: u_finn must enable MFA before enforcing it.'
    """
    simulation = Simulation(dataset, policy, start, seed)

    def answer(number: int, action: str | ActionName, args: dict[str, Any]) -> Outcome:
        name = simulation._check(action, args)
        if name is ActionName.ENFORCE_MFA and "actor" not in args \
                and simulation.policy.enabler_needs_mfa:
            enabler = _enabler(simulation.state, args["account"])
            args = args if enabler is None else {**args, "actor": enabler}
        return simulation.engine.apply(simulation.state, name, args, step=number)[1]

    outcomes = tuple(answer(number, action, args)
                     for number, (action, args) in enumerate(questions, start=1))
    return Run(simulation.policy.name, outcomes, simulation.state,
               name="what-ifs, each against the unchanged dataset")


def run_scenario(dataset: Dataset, scenario: str | os.PathLike[str] | Scenario, *,
                 policy: str | Policy | None = None, seed: int | None = None) -> Run:
    """A scenario played from its start, as ``mfa-sim simulate`` plays it.

    Parameters
    ----------
    dataset
        The dataset it runs on.
    scenario
        A scenario file (read and checked against the dataset, contract §2), or a
        scenario already read.
    policy
        The policy to play it under, instead of the scenario's own ``policy``.
    seed
        Overrides the scenario's ``seed``.

    Examples
    --------
    >>> import mfa_sim
    >>> run = run_scenario(mfa_sim.load_dataset("datasets/example"),
    ...                    "datasets/example/scenario.yaml")
    >>> run.name, run.policy, len(run.outcomes)
    ('Enforcing MFA on the Acme web team', 'dnsimple', 18)
    """
    from mfa_sim.engine.scenario import load_scenario
    from mfa_sim.policy import POLICIES

    if isinstance(scenario, str | os.PathLike):
        scenario = load_scenario(scenario, dataset, seed=seed, policies=tuple(POLICIES))
    elif seed is not None:
        scenario = replace(scenario, seed=seed)
    simulation = Simulation(dataset, scenario.policy if policy is None else policy,
                            scenario.start, scenario.seed)
    return replace(simulation.play(scenario), name=scenario.name)


def _enabler(state: State, account: str) -> str | None:
    """The owner or admin a what-if switches enforcement on as (see :func:`what_ifs`):
    the first with access and MFA, else the first with access; None when nobody
    manages the account."""
    managers = list(managers_with_access(state, account))
    return next((user for user in managers if state.has_mfa(user)),
                managers[0] if managers else None)


def _start(start: Any) -> datetime:
    """The start of a simulation in UTC, refused as a scenario's ``start`` would be."""
    if not isinstance(start, datetime):
        raise UsageError(f"start must be a datetime, not {type(start).__name__}")
    try:
        moment = start.replace(tzinfo=UTC) if start.utcoffset() is None \
            else start.astimezone(UTC)
    except OverflowError:
        raise UsageError(f"start must be before the year 10000 in UTC, not "
                         f"{start.isoformat()}") from None
    if moment < EARLIEST_START:
        raise UsageError(f"start must be at or after {iso(EARLIEST_START)}, where TOTP time "
                         f"begins, not {iso(moment)}")
    return moment


def _value_problem(action: ActionName, name: str, kind: ArgKind, value: Any) -> str | None:
    """What a scenario file could not say either: the same checks, as misuse."""
    from mfa_sim.engine.scenario import VALUE_CHECKS

    if kind in (ArgKind.SECONDS, ArgKind.DURATION):
        if not is_finite_number(value):
            return f"{action.value}: {name} must be a finite number, not {value!r}"
        if kind is ArgKind.DURATION and value < 0:
            return f"{action.value}: {name} must not be negative"
        return None
    if not isinstance(value, str):
        return f"{action.value}: {name} must be text, not {value!r}"
    check = VALUE_CHECKS.get(kind)
    verdict = None if check is None else check(value)
    return None if verdict is None else f"{action.value}: {verdict[1]}"


def _given(**args: Any) -> dict[str, Any]:
    return {name: value for name, value in args.items() if value is not None}
