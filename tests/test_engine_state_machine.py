"""No sequence of actions breaks DNSimple's rules: a Hypothesis state machine.

Each run starts from a small random dataset written as CSV files, drift included
(enforcing accounts with members lacking MFA or of unknown MFA state, enforcement on
an individual plan, invitations already blocked for want of MFA, full seats), then
takes random steps with random ids, actors, clock moves and skewed phone clocks.
After every step it checks what the contract promises:

- the drift found at load only ever shrinks: no step adds a member without MFA to an
  enforcing account, nor switches enforcement on where the rules forbid it;
- every membership change has exactly one ``member_removed`` or ``member_joined``
  event, and every such event one change;
- warnings are raised exactly when an account loses its last manager or member;
- events come in the contract's order;
- the state a step meets is never changed, a what-if changes nothing, a rejected step
  changes nothing and says nothing;
- the same steps from the same files and seed give byte-identical JSON.

A mutant policy that drops one of DNSimple's rules must be caught by these checks.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from mfa_sim.data.load import load_dataset
from mfa_sim.engine.simulation import Simulation
from mfa_sim.model.actions import SECONDS_PER_UNIT, ActionName
from mfa_sim.model.outcome import Event, EventType, Outcome, Reason, Status
from mfa_sim.model.roles import Role, parse_role
from mfa_sim.model.state import State
from mfa_sim.model.values import InvitationStatus
from mfa_sim.policy import DNSIMPLE, POLICIES, Policy
from mfa_sim.policy import rules as shared_rules
from mfa_sim.policy.dnsimple import remove_from_enforcing_accounts
from mfa_sim.policy.knobs import Disabling, Joining, Knobs
from mfa_sim.policy.treatments import grace_deadline
from tests.engine_builders import (
    account_ids,
    accounts_of_agree,
    counts_agree,
    ineligible_enforcing,
    memberships,
    observable,
    user_ids,
    violations,
    write_folder,
)

USER_IDS = ("u0", "u1", "007", "NA", "u10")
ACCOUNT_IDS = ("a0", "a9", "a10")
NEW_USER_IDS = ("n0", "n1", "n2")
NEW_EMAILS = ("new0@x.example", "new1@x.example")
PLANS = ("solo", "personal", "dnsimple-personal-yearly", "teams", "professional",
         "teams-v2-monthly", "business", "enterprise")
ROLES = ("owner", "admin", "member", "full_access", "limited")
MFA_SPELLINGS = ("true", "true", "yes", "T", "false", "", "unknown", "0")
SKEWS = (0, 1, -1, 20, -20, 29, -29, 31, -31, 45, -45, 59, -59, 60, -61, 90, 3600)

BASE_START = datetime(2026, 1, 1, tzinfo=UTC)

OWN_EVENT = {
    ActionName.ENFORCE_MFA: EventType.ENFORCEMENT_ENABLED,
    ActionName.DISABLE_ENFORCEMENT: EventType.ENFORCEMENT_DISABLED,
    ActionName.ENABLE_MFA: EventType.MFA_ENABLED,
    ActionName.DISABLE_MFA: EventType.MFA_DISABLED,
    ActionName.INVITE: EventType.INVITATION_SENT,
    ActionName.SIGN_UP: EventType.USER_SIGNED_UP,
    ActionName.ACCEPT_INVITATION: EventType.MEMBER_JOINED,
    ActionName.CANCEL_INVITATION: EventType.INVITATION_CANCELLED,
    ActionName.REMOVE_MEMBER: EventType.MEMBER_REMOVED,
    ActionName.CHANGE_PLAN: EventType.PLAN_CHANGED,
}
"""The event each applied action records as its own (advance_time records none)."""


@st.composite
def datasets(draw: st.DrawFn, roles: tuple[str, ...] = ROLES,
             statuses: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The four tables of a small dataset with drift, as rows (with ``statuses``, some
    memberships suspended already)."""
    users = USER_IDS[:draw(st.integers(1, len(USER_IDS)))]
    emails = {user: f"{user.lower()}@x.example" for user in users}
    accounts = ACCOUNT_IDS[:draw(st.integers(1, len(ACCOUNT_IDS)))]
    user_rows = [{"user_id": user, "email": emails[user],
                  "mfa_enabled": draw(st.sampled_from(MFA_SPELLINGS))} for user in users]
    account_rows = []
    for account in accounts:
        own = draw(st.sampled_from([None, f"{account}@acct.example", *emails.values()]))
        account_rows.append({
            "account_id": account, "plan": draw(st.sampled_from(PLANS)),
            "mfa_enforced": draw(st.booleans()), "email": own,
            "seats": draw(st.one_of(st.none(), st.integers(0, 6))),
        })
    member_rows = []
    for account in accounts:
        for user in users:
            role = draw(st.sampled_from([None] * 7 + list(roles)))
            if role is not None:
                row = {"account_id": account, "user_id": user, "role": role}
                if statuses:
                    row["status"] = draw(st.sampled_from(["", "active", "suspended"]))
                member_rows.append(row)
    members = {(row["account_id"], emails[row["user_id"]]) for row in member_rows}
    invitation_rows = []
    for account in accounts:
        for email in (*emails.values(), *NEW_EMAILS):
            member = (account, email) in members
            status = draw(st.sampled_from(
                # Invitations of members (drift) are rarer than of outsiders.
                [None] * 5 + ["pending", "awaiting_mfa"] if member
                else [None, None, "pending", "awaiting_mfa"]))
            if status is not None:
                invitation_rows.append({"account_id": account, "email": email,
                                        "status": status})
    return {"users": user_rows, "accounts": account_rows, "memberships": member_rows,
            "invitations": invitation_rows}


def varied(email: str, how: int) -> str:
    """An email as someone might type it: as is, upper-cased, or with spaces."""
    return (email, email.upper(), f" {email} ")[how]


JOINING_EVENTS = (EventType.MEMBER_JOINED, EventType.MEMBER_REINSTATED)


def excused(state: State, account: str, user: str, knobs: Knobs) -> bool:
    """Whether a member may lack MFA in an enforcing account under the policy: their
    access is cut, they are in a grace period, or their role is exempt."""
    return state.is_suspended(account, user) or \
        grace_deadline(state, account, user) is not None or \
        not knobs.covers(state.role_of(account, user))


def drift(state: State, knobs: Knobs) -> set[tuple[str, str]]:
    """Members lacking MFA in enforcing accounts who have access and no grace."""
    return {(account, user) for account, user in violations(state)
            if not excused(state, account, user, knobs)}


class EngineMachine(RuleBasedStateMachine):
    """Random steps on a random dataset, with the contract's invariants after each."""

    policy: Policy = DNSIMPLE

    def __init__(self) -> None:
        super().__init__()
        self.folder: Path | None = None
        self.sim: Simulation | None = None
        self.seed = 0
        self.start = BASE_START
        self.steps: list[tuple[str, dict[str, Any]]] = []

    # -- setting up ---------------------------------------------------------------------------

    @initialize(tables=datasets(), seed=st.integers(0, 2**32),
                offset=st.integers(0, 365 * 86400))
    def load(self, tables: dict[str, list[dict[str, Any]]], seed: int, offset: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mfa-sim-machine-"))
        write_folder(self.folder, **tables)
        self.seed = seed
        self.start = BASE_START + timedelta(seconds=offset)
        self.sim = Simulation(load_dataset(self.folder), policy=self.policy,
                              start=self.start, seed=seed)
        self.check_state(self.sim.state)

    def teardown(self) -> None:
        try:
            if self.sim is not None and self.folder is not None:
                self.check_replay()
        finally:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)

    # -- drawing ids ----------------------------------------------------------------------------

    @property
    def state(self) -> State:
        assert self.sim is not None
        return self.sim.state

    def user(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(user_ids(self.state)), label="user")

    def account(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(account_ids(self.state)), label="account")

    def actor(self, data: st.DataObject, account: str) -> str | None:
        """No actor half of the time; else often someone managing the account."""
        managers = [user for user, role in self.state.members_of(account).items()
                    if role.manages]
        choices = [st.none(), st.sampled_from(user_ids(self.state))]
        if managers:
            choices.append(st.sampled_from(managers))
        return data.draw(st.one_of(st.none(), st.one_of(*choices)), label="actor")

    def member(self, data: st.DataObject, account: str) -> str:
        """Often a member of the account, else anyone."""
        members = list(self.state.members_of(account))
        if members and data.draw(st.booleans(), label="a member"):
            return data.draw(st.sampled_from(members), label="user")
        return self.user(data)

    def email(self, data: st.DataObject, account: str | None = None) -> str:
        """Often an email invited to the account, else any email of the pool."""
        state = self.state
        invited = [] if account is None else [
            invitation.email for invitation in state.invitations_of(account)]
        if invited and data.draw(st.integers(0, 3), label="an invited email") > 0:
            email = data.draw(st.sampled_from(invited), label="email")
        else:
            known = [state.email_of(user) for user in user_ids(state)]
            known += [email for account in account_ids(state)
                      if (email := state.account_email(account)) is not None]
            email = data.draw(st.sampled_from(sorted({*known, *NEW_EMAILS})), label="email")
        return varied(email, data.draw(st.integers(0, 2), label="spelling"))

    # -- the rules: one per action ----------------------------------------------------------------

    @rule(data=st.data())
    def enforce_mfa(self, data: st.DataObject) -> None:
        account = self.account(data)
        self.step(ActionName.ENFORCE_MFA, account=account, actor=self.actor(data, account))

    @rule(data=st.data())
    def disable_enforcement(self, data: st.DataObject) -> None:
        account = self.account(data)
        self.step(ActionName.DISABLE_ENFORCEMENT, account=account,
                  actor=self.actor(data, account))

    @rule(data=st.data(), method=st.sampled_from(["totp", "totp", "security_key"]),
          clock_skew=st.sampled_from(SKEWS))
    def enable_mfa(self, data: st.DataObject, method: str, clock_skew: int) -> None:
        self.step(ActionName.ENABLE_MFA, user=self.user(data), method=method,
                  clock_skew=clock_skew)

    @rule(data=st.data())
    def disable_mfa(self, data: st.DataObject) -> None:
        self.step(ActionName.DISABLE_MFA, user=self.user(data))

    @rule(data=st.data(), role=st.sampled_from([None, *ROLES]))
    def invite(self, data: st.DataObject, role: str | None) -> None:
        account = self.account(data)
        self.step(ActionName.INVITE, account=account, email=self.email(data), role=role,
                  actor=self.actor(data, account))

    @rule(data=st.data())
    def sign_up(self, data: st.DataObject) -> None:
        free = [user for user in NEW_USER_IDS if not self.state.has_user(user)]
        if free:
            self.step(ActionName.SIGN_UP, email=self.email(data),
                      user=data.draw(st.sampled_from(free), label="new user"))

    @rule(data=st.data())
    def accept_invitation(self, data: st.DataObject) -> None:
        account = self.account(data)
        self.step(ActionName.ACCEPT_INVITATION, account=account,
                  email=self.email(data, account))

    @rule(data=st.data())
    def cancel_invitation(self, data: st.DataObject) -> None:
        account = self.account(data)
        self.step(ActionName.CANCEL_INVITATION, account=account,
                  email=self.email(data, account), actor=self.actor(data, account))

    @rule(data=st.data())
    def remove_member(self, data: st.DataObject) -> None:
        account = self.account(data)
        self.step(ActionName.REMOVE_MEMBER, account=account, user=self.member(data, account),
                  actor=self.actor(data, account))

    @rule(data=st.data(), plan=st.sampled_from(PLANS))
    def change_plan(self, data: st.DataObject, plan: str) -> None:
        account = self.account(data)
        self.step(ActionName.CHANGE_PLAN, account=account, plan=plan,
                  actor=self.actor(data, account))

    @rule(unit=st.sampled_from(list(SECONDS_PER_UNIT)),
          amount=st.one_of(st.integers(0, 90), st.sampled_from([0.5, 1.25])))
    def advance_time(self, unit: str, amount: float) -> None:
        self.step(ActionName.ADVANCE_TIME, **{unit: amount})

    @rule(data=st.data(), action=st.sampled_from([
        ActionName.ENFORCE_MFA, ActionName.DISABLE_ENFORCEMENT, ActionName.ENABLE_MFA,
        ActionName.DISABLE_MFA, ActionName.REMOVE_MEMBER, ActionName.ACCEPT_INVITATION]))
    def what_if(self, data: st.DataObject, action: ActionName) -> None:
        """A what-if answers like the same step on a branch, and changes nothing."""
        assert self.sim is not None
        if action in (ActionName.ENFORCE_MFA, ActionName.DISABLE_ENFORCEMENT):
            args = {"account": self.account(data)}
        elif action in (ActionName.ENABLE_MFA, ActionName.DISABLE_MFA):
            args = {"user": self.user(data)}
        elif action is ActionName.REMOVE_MEMBER:
            account = self.account(data)
            args = {"account": account, "user": self.member(data, account)}
        else:
            account = self.account(data)
            args = {"account": account, "email": self.email(data, account)}
        state, steps = self.sim.state, len(self.sim.outcomes)
        seen = observable(state)
        answer = self.sim.what_if(action, **args)
        assert self.sim.state is state
        assert len(self.sim.outcomes) == steps
        assert observable(state) == seen, "a what-if changed the state"
        branch = self.sim.branch()
        assert branch.apply(action, **args).to_json() == answer.to_json()
        assert self.sim.state is state, "a branch's step reached the simulation"
        assert len(self.sim.outcomes) == steps
        assert observable(state) == seen

    # -- one step and its checks ----------------------------------------------------------------

    def step(self, action: ActionName, **given: Any) -> None:
        assert self.sim is not None
        args = {name: value for name, value in given.items() if value is not None}
        before = self.sim.state
        seen = observable(before)
        outcome = self.sim.apply(action, **args)
        self.steps.append((action.value, args))
        after = self.sim.state
        assert observable(before) == seen, "the step changed the state it was given"
        self.check_outcome(action, args, before, after, seen, outcome)
        self.check_state(after)

    def check_outcome(self, action: ActionName, args: dict[str, Any], before: State,
                      after: State, seen: dict[str, Any], outcome: Outcome) -> None:
        events = list(outcome.events)
        if outcome.status is Status.REJECTED:
            assert outcome.reason is not None
            assert events == [], "a rejected step has events"
            assert observable(after) == seen, "a rejected step changed the state"
        elif outcome.status is Status.BLOCKED:
            assert (action, outcome.reason) == (ActionName.ACCEPT_INVITATION,
                                                Reason.MFA_REQUIRED)
            assert self.knobs.joining is Joining.BLOCK
            assert [event.type for event in events] == [EventType.INVITATION_BLOCKED]
            assert memberships(after) == memberships(before)
        else:
            assert (outcome.reason, outcome.users) == (None, ())
        if outcome.reason is Reason.NONCOMPLIANT_MEMBERS:
            lacking = sorted(user for user in before.members_of(args["account"])
                             if not before.has_mfa(user))
            assert list(outcome.users) == lacking

        # Drift only ever shrinks. A suspended member, or one in a grace period, lacks
        # MFA as the policy says they may (never under dnsimple).
        assert drift(after, self.knobs) <= drift(before, self.knobs), \
            "drift grew: a member lacks MFA in an enforcing account"
        if self.policy.plan_gate:
            assert ineligible_enforcing(after) <= ineligible_enforcing(before), \
                "drift grew: enforcement switched on where the plan does not offer it"
        for account in account_ids(after):
            if after.is_enforced(account) and not before.is_enforced(account):
                if self.policy.plan_gate:
                    assert after.tier_of(account).can_enforce_mfa
                assert all(after.has_mfa(user) or excused(after, account, user, self.knobs)
                           for user in after.members_of(account)), \
                    "drift grew: enforcement switched on with a member lacking MFA"

        if outcome.reason is not None and self.policy.reasons is not None:
            assert outcome.reason in self.policy.reasons, \
                f"{outcome.reason.value} cannot arise under {self.policy.name}"
        self.check_rules(action, args, before, after, outcome)
        self.check_policy_rules(action, args, before, after, outcome)
        self.check_suspensions(before, after, events)
        self.check_memberships(before, after, events)
        self.check_warnings(before, after, events)
        self.check_order(action, outcome, events)

        if action is ActionName.ADVANCE_TIME:
            (unit, amount), = args.items()
            assert after.clock == before.clock + timedelta(
                seconds=amount * SECONDS_PER_UNIT[unit])
        else:
            assert after.clock == before.clock
        if action in (ActionName.ENABLE_MFA, ActionName.DISABLE_MFA):
            changed = {user for user in user_ids(before)
                       if before.mfa_of(user) != after.mfa_of(user)}
            if outcome.status is Status.APPLIED:
                assert after.mfa_of(args["user"]) is (action is ActionName.ENABLE_MFA)
                assert changed <= {args["user"]}
            else:
                assert changed == set()

    def check_rules(self, action: ActionName, args: dict[str, Any], before: State,
                    after: State, outcome: Outcome) -> None:
        """DNSimple's rules as an oracle, where the state alone decides (with the
        policy's knobs where they differ)."""
        knobs = self.knobs
        account, actor = args.get("account"), args.get("actor")
        if account is not None and actor is not None:
            role = before.role_of(account, actor)
            if role is None or not role.manages or before.is_suspended(account, actor):
                assert outcome.reason is Reason.NOT_AUTHORIZED
        applied = outcome.status is Status.APPLIED
        if action is ActionName.DISABLE_MFA and applied:
            user = args["user"]
            ended = set(memberships(before)) - set(memberships(after))
            removing = {(a, u) for (a, u) in memberships(before)
                        if u == user and before.is_enforced(a)
                        and knobs.covers(before.role_of(a, u))}
            if knobs.disabling is Disabling.SUSPEND:
                removing = {(a, u) for (a, u) in removing
                            if before.role_of(a, u) in knobs.outside_collaborators}
            elif knobs.disabling is Disabling.REFUSE:
                removing = set()
            assert ended == removing, \
                "disabling MFA must remove from every enforcing account and no other"
        if action is ActionName.ACCEPT_INVITATION and outcome.status is not Status.REJECTED:
            invitation = before.invitation(account, args["email"])
            invitee = before.user_with_email(args["email"])
            assert invitation is not None
            assert invitee is not None
            reinstated = any(e.type is EventType.MEMBER_REINSTATED for e in outcome.events)
            if applied and reinstated:
                departure = before.departure(account, invitee)
                assert departure is not None
                assert knobs.reinstate_window is not None
                assert before.clock - departure[1] <= knobs.reinstate_window
                assert after.role_of(account, invitee) is departure[0]
            elif applied:
                assert after.role_of(account, invitee) is invitation.role
            else:
                assert before.is_enforced(account)
                assert not before.has_mfa(invitee)
        if action is ActionName.INVITE and applied:
            seats = before.seats_of(account)
            taken = len(before.members_of(account)) + len(before.invitations_of(account))
            assert seats is None or taken < seats, "an invitation beyond the seats"
            sent = after.invitation(account, args["email"])
            assert sent is not None
            assert sent.role is (parse_role(args.get("role", "")) or Role.MEMBER)
            assert sent.status is InvitationStatus.PENDING
        for name in account_ids(after):
            if before.is_enforced(name) and not after.is_enforced(name):
                assert not any(invitation.awaiting_mfa
                               for invitation in after.invitations_of(name)), \
                    "a blocked invitation outlived enforcement"

    @staticmethod
    def check_memberships(before: State, after: State, events: list[Event]) -> None:
        """Each membership change has one event, and each such event one change."""
        old, new = memberships(before), memberships(after)
        left = Counter(key for key in old if key not in new)
        joined = Counter(key for key in new if key not in old)
        assert {key for key in old.keys() & new.keys() if old[key] != new[key]} == set(), \
            "a role changed in place"
        removed_events = Counter((e.account, e.user) for e in events
                                 if e.type is EventType.MEMBER_REMOVED)
        joined_events = Counter((e.account, e.user) for e in events
                                if e.type in JOINING_EVENTS)
        assert removed_events == left, "member_removed events != memberships that ended"
        assert joined_events == joined, "member_joined events != memberships that began"
        for event in events:
            if event.type in JOINING_EVENTS:
                assert event.role == new[(event.account, event.user)]

    @staticmethod
    def check_warnings(before: State, after: State, events: list[Event]) -> None:
        """A warning exactly when an account loses its last manager with access (one
        removed or suspended) or its last member."""
        def managed(state: State, account: str) -> bool:
            return any(role.manages and state.has_access(account, user)
                       for user, role in state.members_of(account).items())

        def peopled(state: State, account: str) -> bool:
            return bool(state.members_of(account))

        for kind, holds in ((EventType.ACCOUNT_UNMANAGED, managed),
                            (EventType.ACCOUNT_EMPTY, peopled)):
            raised = [event.account for event in events if event.type is kind]
            expected = [account for account in account_ids(after)
                        if holds(before, account) and not holds(after, account)]
            assert sorted(raised) == expected, f"{kind.value} raised for {raised}"

    @staticmethod
    def check_order(action: ActionName, outcome: Outcome, events: list[Event]) -> None:
        """The action's own event first, then consequences account by account in id
        order, each account's removal before its warnings."""
        consequences = events
        if outcome.status is Status.APPLIED and action is not ActionName.ADVANCE_TIME:
            assert events[0].type is OWN_EVENT[action] or (
                action is ActionName.ACCEPT_INVITATION
                and events[0].type is EventType.MEMBER_REINSTATED)
            consequences = events[1:]
            if action is ActionName.REMOVE_MEMBER:
                # Its own event is the removal; the account's warnings follow it.
                consequences = [e for e in consequences if e.account != events[0].account]
                assert all(e.type.is_warning for e in events[1:]
                           if e.account == events[0].account)
        accounts = [str(event.account) for event in consequences]
        assert accounts == sorted(accounts), "consequences out of account order"
        warned: set[str] = set()
        for event in consequences:
            if event.type.is_warning:
                warned.add(str(event.account))
            else:
                assert event.account not in warned, "an event after its account's warning"

    def check_state(self, state: State) -> None:
        assert counts_agree(state) == []
        assert accounts_of_agree(state) == []
        # A suspended member is still a member (and one who left is not suspended).
        for (account, user), suspended in state.suspended.items():
            assert not suspended or state.role_of(account, user) is not None
        if not self.knobs.suspends:
            assert not any(state.suspended.values()), "a suspension under a removing policy"

    @property
    def knobs(self) -> Knobs:
        assert self.policy.knobs is not None
        return self.policy.knobs

    def check_policy_rules(self, action: ActionName, args: dict[str, Any], before: State,
                           after: State, outcome: Outcome) -> None:
        """The rules of contract §5 that only some policies have, as an oracle."""
        knobs = self.knobs
        applied = outcome.status is Status.APPLIED
        user, account, actor = args.get("user"), args.get("account"), args.get("actor")
        if action is ActionName.ENFORCE_MFA and applied and actor is not None \
                and knobs.enabler_needs_mfa:
            assert before.has_mfa(actor), "enforcement switched on by someone without MFA"
        if action is ActionName.DISABLE_MFA and applied:
            enforcing = [a for a in before.accounts_of(user) if before.is_enforced(a)]
            if knobs.disabling is Disabling.REFUSE:
                assert enforcing == [], "MFA disabled while an account requires it"
            if knobs.sole_owner_keeps_mfa:
                assert not any(
                    [m for m, r in before.members_of(a).items() if r is Role.OWNER] == [user]
                    for a in enforcing), "the sole owner of an enforcing account disabled MFA"
            if knobs.managers_keep_mfa:
                assert not any(before.members_of(a)[user].manages for a in enforcing)
            if knobs.disabling is Disabling.SUSPEND:
                for a in enforcing:
                    assert after.role_of(a, user) is None or after.is_suspended(a, user) \
                        or not knobs.covers(after.role_of(a, user)), \
                        "disabling MFA left access to an enforcing account"
        if action is ActionName.REMOVE_MEMBER and applied and knobs.last_admin_guard:
            def enrolled_admins(state: State) -> set[str]:
                return {m for m, r in state.members_of(account).items()
                        if r.manages and state.has_mfa(m)
                        and not state.is_suspended(account, m)}
            if user in enrolled_admins(before):
                assert enrolled_admins(after), "a removal left no admin with MFA"
        if action is ActionName.ENABLE_MFA and applied:
            assert not any(after.is_suspended(a, user) for a in after.accounts_of(user)), \
                "a member who enabled MFA is still suspended"

    @staticmethod
    def check_suspensions(before: State, after: State, events: list[Event]) -> None:
        """Each suspension and restoration of a membership has one event, and each such
        event one change."""
        old, new = memberships(before), memberships(after)
        kept = old.keys() & new.keys()
        suspended = Counter(key for key in kept if after.is_suspended(*key)
                            and not before.is_suspended(*key))
        restored = Counter(key for key in kept if before.is_suspended(*key)
                           and not after.is_suspended(*key))
        assert Counter((e.account, e.user) for e in events
                       if e.type is EventType.MEMBER_SUSPENDED) == suspended
        assert Counter((e.account, e.user) for e in events
                       if e.type is EventType.MEMBER_RESTORED) == restored

    def check_replay(self) -> None:
        """The same steps from the same files and seed give byte-identical JSON."""
        assert self.sim is not None
        assert self.folder is not None
        again = Simulation(load_dataset(self.folder), policy=self.policy, start=self.start,
                           seed=self.seed)
        for action, args in self.steps:
            again.apply(action, **args)
        first = json.dumps(self.sim.run.to_json())
        assert json.dumps(again.run.to_json()) == first, "a replay gave other JSON"
        assert json.dumps(self.sim.run.to_json()) == first


FAST = settings(max_examples=60, stateful_step_count=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

TestEngineStateMachine = EngineMachine.TestCase
TestEngineStateMachine.settings = FAST


# -- mutants: a policy that drops one of DNSimple's rules must be caught ------------------------


def without_member_check() -> Policy:
    """Enforcement switched on whoever lacks MFA."""
    kept = tuple(rule for rule in DNSIMPLE.rules[ActionName.ENFORCE_MFA]
                 if rule is not shared_rules.every_member_has_mfa)
    assert len(kept) == len(DNSIMPLE.rules[ActionName.ENFORCE_MFA]) - 1
    return DNSIMPLE.derive("mutant-no-member-check", rules={ActionName.ENFORCE_MFA: kept})


def without_removal() -> Policy:
    """Disabling MFA removes nobody."""
    kept = tuple(consequence for consequence in DNSIMPLE.consequences[ActionName.DISABLE_MFA]
                 if consequence is not remove_from_enforcing_accounts)
    assert len(kept) == len(DNSIMPLE.consequences[ActionName.DISABLE_MFA]) - 1
    return DNSIMPLE.derive("mutant-no-removal", consequences={ActionName.DISABLE_MFA: kept})


@pytest.mark.parametrize("mutant", [without_member_check, without_removal],
                         ids=["no every_member_has_mfa", "no remove_from_enforcing_accounts"])
def test_state_machine_catches_a_policy_that_drops_a_rule(mutant: Any) -> None:
    broken = mutant()

    class MutantMachine(EngineMachine):
        policy = broken

    with pytest.raises(AssertionError, match="drift grew"):
        run_state_machine_as_test(MutantMachine, settings=settings(
            max_examples=200, stateful_step_count=25, deadline=None, database=None,
            derandomize=True, phases=[Phase.generate],
            suppress_health_check=[HealthCheck.too_slow]))


# -- every preset, on datasets with outside collaborators and suspended memberships ----------

PRESET_ROLES = (*ROLES, "collaborator")


def machine_for(preset: Policy) -> type[EngineMachine]:
    """The state machine under a preset, its datasets holding the roles and statuses of
    contract §5 too; the invariants that hold for the preset follow from its knobs
    (``EngineMachine.check_policy_rules``, ``drift``, ``excused``)."""

    class PresetMachine(EngineMachine):
        policy = preset

        @initialize(tables=datasets(PRESET_ROLES, statuses=True), seed=st.integers(0, 2**32),
                    offset=st.integers(0, 365 * 86400))
        def load(self, tables: dict[str, list[dict[str, Any]]], seed: int,
                 offset: int) -> None:
            EngineMachine.load(self, tables, seed, offset)

    PresetMachine.__name__ = f"{preset.name.title().replace('_', '')}Machine"
    return PresetMachine


@pytest.mark.parametrize("name", list(POLICIES))
def test_state_machine_holds_under_every_preset(name: str) -> None:
    """Under ``npm`` and ``github_legacy`` no member of an enforcing account is left
    lacking MFA; under ``github`` and ``hexpm`` one lacking it is suspended, still a member
    with no access; under ``gitlab`` and ``slack`` one lacking it is suspended or in grace;
    under ``dnsimple`` everything holds as before, with collaborators and suspended rows
    in the data too."""
    run_state_machine_as_test(machine_for(POLICIES[name]), settings=settings(
        FAST, max_examples=25, database=None))


def github_without_suspension() -> Policy:
    """Disabling MFA under github cuts nobody's access."""
    from mfa_sim.policy import GITHUB

    return GITHUB.derive("mutant-github", consequences={ActionName.DISABLE_MFA: ()})


def npm_without_refusal() -> Policy:
    """Members of an enforcing npm organisation may disable 2FA."""
    from mfa_sim.policy import NPM
    from mfa_sim.policy.guards import account_requires_mfa

    kept = tuple(rule for rule in NPM.rules[ActionName.DISABLE_MFA]
                 if rule is not account_requires_mfa)
    return NPM.derive("mutant-npm", rules={ActionName.DISABLE_MFA: kept})


def gitlab_without_grace() -> Policy:
    """GitLab's enforcement treats nobody: no grace, no suspension."""
    from mfa_sim.policy import GITLAB

    return GITLAB.derive("mutant-gitlab", consequences={ActionName.ENFORCE_MFA: ()})


@pytest.mark.parametrize("mutant", [github_without_suspension, npm_without_refusal,
                                    gitlab_without_grace],
                         ids=["github keeps access", "npm lets 2FA go",
                              "gitlab without grace"])
def test_preset_machines_catch_a_policy_that_drops_a_rule(mutant: Any) -> None:
    broken = mutant()
    with pytest.raises(AssertionError, match=r"drift grew|left access|while an account"):
        run_state_machine_as_test(machine_for(broken), settings=settings(
            max_examples=200, stateful_step_count=25, deadline=None, database=None,
            derandomize=True, phases=[Phase.generate],
            suppress_health_check=[HealthCheck.too_slow]))
