"""The engine: one action applied to a state under a policy gives a new state and an
outcome. It never changes the state it is given.

The engine owns what each action does by itself (enforcement switched on, an
invitation sent); the policy owns whether it may happen and what follows from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from mfa_sim.engine.management import with_unmanaged_warnings
from mfa_sim.engine.messages import describe
from mfa_sim.model.actions import ActionName, Method
from mfa_sim.model.clock import advance_seconds
from mfa_sim.model.outcome import Event, EventType, Outcome, Reason, Status
from mfa_sim.model.plans import canonical_plan
from mfa_sim.model.records import Invitation, NewUser
from mfa_sim.model.roles import Role, parse_role
from mfa_sim.model.state import State
from mfa_sim.model.transaction import Transaction
from mfa_sim.model.values import InvitationStatus
from mfa_sim.policy.base import Attempt, Policy, Refusal
from mfa_sim.policy.consequences import rejoining


@dataclass(frozen=True)
class Engine:
    """Applies actions under a policy; the seed makes TOTP material reproducible.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mfa_sim import load_dataset
    >>> from mfa_sim.policy import DNSIMPLE
    >>> state = State.start(load_dataset("datasets/example"), datetime(2026, 1, 1, tzinfo=UTC))
    >>> engine = Engine(DNSIMPLE, seed=0)
    >>> _, outcome = engine.apply(state, "enforce_mfa", {"account": "a_team"})
    >>> print(outcome.message)
    Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe.
    """

    policy: Policy
    seed: int = 0

    def apply(self, state: State, action: str | ActionName, args: Mapping[str, Any],
              step: int = 0) -> tuple[State, Outcome]:
        """Apply one action to a state.

        Parameters
        ----------
        state
            The state the step meets (not changed).
        action
            The action's name.
        args
            Its arguments, as in a scenario step (already validated).
        step
            The step's number in its run, for reports.

        Returns
        -------
        (State, Outcome)
            The state after the step (the same state when it was rejected) and what
            happened.
        """
        name = ActionName(action)
        arguments = MappingProxyType(dict(args))
        attempt = Attempt(name, arguments, state, self._prepare(name, arguments, state))
        refusal = self.policy.judge(attempt)
        transaction = Transaction(state)
        if refusal is None:
            _EFFECTS[name](attempt, transaction)
            self.policy.follow_up(attempt, transaction)
            status, reason, users = Status.APPLIED, None, tuple[str, ...]()
        else:
            if refusal.status is Status.BLOCKED:
                _BLOCKED_EFFECTS[name](attempt, transaction, refusal)
            status, reason, users = refusal.status, refusal.reason, refusal.users
        new_state, events = transaction.commit()
        events = with_unmanaged_warnings(state, new_state, events)
        message = describe(name, arguments, status, reason, users, events, state,
                           new_state.clock, self.policy.wording, self.policy.exempt_roles)
        outcome = Outcome(step, name.value, arguments, new_state.clock, status, reason,
                          events, message, users)
        return new_state, outcome

    def _prepare(self, action: ActionName, args: Mapping[str, Any],
                 state: State) -> Mapping[str, Any]:
        """Work the engine does before judging: the enrolling user's TOTP code, and the
        role a rejoining member is reinstated with under the policy."""
        if action is ActionName.ACCEPT_INVITATION:
            return self._prepare_joining(args, state)
        if action is not ActionName.ENABLE_MFA or state.has_mfa(args["user"]):
            return {}
        from mfa_sim.engine.totp import Authenticator

        user = args["user"]
        result = Authenticator(self.seed).enrol(
            user, state.enrolment_counts.get(user, 0) + 1,
            Method(args.get("method", Method.TOTP.value)), state.clock,
            clock_skew=args.get("clock_skew", 0),
        )
        return {"verified": result.verified, "enrolment": result.enrolment,
                "steps_off": result.steps_off}


    def _prepare_joining(self, args: Mapping[str, Any], state: State) -> Mapping[str, Any]:
        window = self.policy.reinstate_window
        invitation = state.invitation(args["account"], args["email"])
        user = state.user_with_email(args["email"])
        if window is None or invitation is None or user is None:
            return {}
        return {"joining": rejoining(state, args["account"], user, invitation.role, window)}


# -- what each action does by itself ---------------------------------------------------------


def _enforce(attempt: Attempt, transaction: Transaction) -> None:
    account = attempt.arg("account")
    transaction.set_enforced(account, True)
    transaction.record(Event(EventType.ENFORCEMENT_ENABLED, account=account))


def _stop_enforcing(attempt: Attempt, transaction: Transaction) -> None:
    account = attempt.arg("account")
    transaction.set_enforced(account, False)
    transaction.record(Event(EventType.ENFORCEMENT_DISABLED, account=account))


def _enable_mfa(attempt: Attempt, transaction: Transaction) -> None:
    user = attempt.arg("user")
    transaction.set_mfa(user, True)
    enrolment = attempt.prepared.get("enrolment")
    if enrolment is not None:
        transaction.enrol(user, enrolment)
    transaction.record(Event(EventType.MFA_ENABLED, user=user))


def _disable_mfa(attempt: Attempt, transaction: Transaction) -> None:
    user = attempt.arg("user")
    enrolment = attempt.state.enrolments.get(user)
    if enrolment is not None:
        from mfa_sim.engine.totp import recovery_code_matches

        # The user turns MFA off with the recovery code they were given at enrolment.
        if not recovery_code_matches(enrolment, enrolment.recovery_code):
            raise AssertionError("a recovery code no longer matches its enrolment")
    transaction.set_mfa(user, False)
    transaction.unenrol(user)
    transaction.record(Event(EventType.MFA_DISABLED, user=user))


def _invite(attempt: Attempt, transaction: Transaction) -> None:
    account, email = attempt.arg("account"), attempt.arg("email")
    role = parse_role(attempt.arg("role", "")) or Role.MEMBER
    invitation = Invitation(
        account=account, email=email, role=role,
        invitation_id=transaction.new_invitation_id(),
        invited_at=attempt.state.clock, status=InvitationStatus.PENDING,
    )
    transaction.put_invitation(invitation)
    transaction.record(Event(EventType.INVITATION_SENT, account=account, email=email,
                             role=role.value))


def _sign_up(attempt: Attempt, transaction: Transaction) -> None:
    user, email = attempt.arg("user"), attempt.arg("email")
    transaction.add_user(NewUser(user, email, attempt.state.clock))
    transaction.record(Event(EventType.USER_SIGNED_UP, user=user, email=email))


def _accept(attempt: Attempt, transaction: Transaction) -> None:
    account, email = attempt.arg("account"), attempt.arg("email")
    state = attempt.state
    invitation = state.invitation(account, email)
    user = state.user_with_email(email)
    assert invitation is not None
    assert user is not None
    role, kind = attempt.prepared.get("joining", (invitation.role, EventType.MEMBER_JOINED))
    transaction.drop_invitation(account, email)
    transaction.add_member(account, user, role)
    transaction.record(Event(kind, account=account, user=user, email=email, role=role.value))


def _block_acceptance(attempt: Attempt, transaction: Transaction, refusal: Refusal) -> None:
    account, email = attempt.arg("account"), attempt.arg("email")
    state = attempt.state
    invitation = state.invitation(account, email)
    assert invitation is not None
    transaction.mark_invitation(invitation, InvitationStatus.AWAITING_MFA)
    transaction.record(Event(EventType.INVITATION_BLOCKED, account=account,
                             user=state.user_with_email(email), email=email,
                             reason=refusal.reason))


def _cancel(attempt: Attempt, transaction: Transaction) -> None:
    account, email = attempt.arg("account"), attempt.arg("email")
    transaction.drop_invitation(account, email)
    transaction.record(Event(EventType.INVITATION_CANCELLED, account=account, email=email))


def _remove(attempt: Attempt, transaction: Transaction) -> None:
    transaction.remove_member(attempt.arg("account"), attempt.arg("user"), Reason.MANUAL,
                              own=True)


def _change_plan(attempt: Attempt, transaction: Transaction) -> None:
    account = attempt.arg("account")
    plan = canonical_plan(attempt.arg("plan"))
    assert plan is not None
    transaction.set_plan(account, plan)
    transaction.record(Event(EventType.PLAN_CHANGED, account=account, plan=plan))


def _advance_time(attempt: Attempt, transaction: Transaction) -> None:
    until = attempt.state.clock + timedelta(seconds=advance_seconds(attempt.args))
    for item in transaction.take_due(until):
        transaction.set_clock(max(item.at, attempt.state.clock))
        item.effect(transaction)
    transaction.set_clock(until)


_EFFECTS: dict[ActionName, Callable[[Attempt, Transaction], None]] = {
    ActionName.ENFORCE_MFA: _enforce,
    ActionName.DISABLE_ENFORCEMENT: _stop_enforcing,
    ActionName.ENABLE_MFA: _enable_mfa,
    ActionName.DISABLE_MFA: _disable_mfa,
    ActionName.INVITE: _invite,
    ActionName.SIGN_UP: _sign_up,
    ActionName.ACCEPT_INVITATION: _accept,
    ActionName.CANCEL_INVITATION: _cancel,
    ActionName.REMOVE_MEMBER: _remove,
    ActionName.CHANGE_PLAN: _change_plan,
    ActionName.ADVANCE_TIME: _advance_time,
}

_BLOCKED_EFFECTS: dict[ActionName, Callable[[Attempt, Transaction, Refusal], None]] = {
    ActionName.ACCEPT_INVITATION: _block_acceptance,
}
