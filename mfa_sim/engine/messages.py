"""One plain sentence per step: what happened, or why not, in words anyone can read."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from mfa_sim.model.actions import SECONDS_PER_UNIT, ActionName
from mfa_sim.model.emails import email_key
from mfa_sim.model.outcome import Event, EventType, Reason, Status, iso
from mfa_sim.model.plans import canonical_plan
from mfa_sim.model.roles import Role
from mfa_sim.model.state import State
from mfa_sim.policy.guards import enforcing_accounts_of
from mfa_sim.policy.rules import lacks_mfa
from mfa_sim.policy.wording import DNSIMPLE_WORDING, Wording


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``1 member``, ``2 members``.

    Examples
    --------
    >>> plural(1, "member"), plural(3, "account")
    ('1 member', '3 accounts')
    """
    return f"{count} {noun if count == 1 else (plural_noun or noun + 's')}"


_HEADLINES: dict[ActionName, str] = {
    ActionName.ENFORCE_MFA: "Enforcement refused on {account}",
    ActionName.DISABLE_ENFORCEMENT: "Stopping enforcement refused on {account}",
    ActionName.ENABLE_MFA: "{user} could not enable MFA",
    ActionName.DISABLE_MFA: "{user} could not disable MFA",
    ActionName.INVITE: "Invitation of {email} to {account} refused",
    ActionName.SIGN_UP: "Sign-up of {email} refused",
    ActionName.ACCEPT_INVITATION: "{email} could not join {account}",
    ActionName.CANCEL_INVITATION: "Cancelling the invitation of {email} to {account} refused",
    ActionName.REMOVE_MEMBER: "Removing {user} from {account} refused",
    ActionName.CHANGE_PLAN: "Changing the plan of {account} to {plan} refused",
    ActionName.ADVANCE_TIME: "The clock could not move",
}


def _why(reason: Reason, args: Mapping[str, Any], users: Sequence[str], state: State) -> str:
    account = args.get("account", "")
    match reason:
        case Reason.NOT_AUTHORIZED:
            return _not_authorized(str(args.get("actor")), account, state)
        case Reason.ENABLER_WITHOUT_MFA:
            return f"{args.get('actor')} must enable MFA before enforcing it"
        case Reason.ALREADY_ENFORCED:
            return "it already enforces MFA"
        case Reason.NOT_ENFORCED:
            return "it does not enforce MFA"
        case Reason.ALREADY_ON_PLAN:
            return f"it is already on the {state.plan_of(account)} plan"
        case Reason.MFA_ALREADY_ENABLED:
            return "MFA is already enabled"
        case Reason.MFA_NOT_ENABLED:
            return "MFA is not enabled"
        case Reason.NOT_A_MEMBER:
            return f"{args.get('user')} is not a member"
        case Reason.ALREADY_MEMBER:
            return "they are already a member"
        case Reason.ALREADY_INVITED:
            return "an invitation is already pending"
        case Reason.NO_PENDING_INVITATION:
            return "no invitation is pending"
        case Reason.NOT_SIGNED_UP:
            return "nobody has signed up with that email yet (accepting never signs up)"
        case Reason.EMAIL_TAKEN:
            own = state.account_email(account) if account else None
            if own is not None and email_key(own) == email_key(args.get("email", "")):
                return "it is the account's own email"
            return "a user already has that email"
        case Reason.PLAN_NOT_ELIGIBLE:
            plan = state.plan_of(account)
            # An import that could not tell the plan leaves it empty.
            named = f"the {plan} plan does not" if plan else "its plan is not known, and it may not"
            return f"{named} offer MFA enforcement (Teams plan and higher)"
        case Reason.NO_SEATS:
            return (f"all {state.seats_of(account)} seats are taken "
                    "(members and pending invitations both take one)")
        case Reason.NONCOMPLIANT_MEMBERS:
            lacks = "lacks" if len(users) == 1 else "lack"
            return f"{plural(len(users), 'member')} {lacks} MFA: {', '.join(users)}"
        case Reason.SOLE_OWNER:
            return "they are the only owner of an account that enforces MFA"
        case Reason.MFA_REQUIRED_BY_ACCOUNT:
            return "an account they belong to requires MFA"
        case Reason.LAST_ADMIN:
            return "it would leave the account without an admin who has MFA"
        case Reason.INVALID_CODE:
            skew = args.get("clock_skew", 0)
            return (f"the code from their authenticator did not verify (their clock is off "
                    f"by {skew} s; codes verify within one 30-second step)")
        case Reason.MFA_REQUIRED:
            return f"{account} enforces MFA and they have not enabled it"
    return reason.value.replace("_", " ")


def _not_authorized(actor: str, account: str, state: State) -> str:
    """Why an actor may not act on an account: not one of its owners or admins, or one
    whose access is suspended (the same reason code, contract §5)."""
    role = state.role_of(account, actor)
    if role is None or not role.manages or not state.is_suspended(account, actor):
        return f"{actor} is not an owner or admin of {account}"
    until = " until they enable MFA" if lacks_mfa(state, actor) else ""
    return f"{actor}'s access to {account} is suspended{until}"


def _duration(args: Mapping[str, Any]) -> str:
    for unit in SECONDS_PER_UNIT:
        if unit in args:
            amount = args[unit]
            shown = int(amount) if float(amount).is_integer() else amount
            return f"{shown} {unit if shown != 1 else unit[:-1]}"
    return "0 seconds"


def _applied(action: ActionName, args: Mapping[str, Any], own: Sequence[Event],
             state_after_clock: str) -> str:
    account, user, email = args.get("account"), args.get("user"), args.get("email")
    match action:
        case ActionName.ENFORCE_MFA:
            return f"Enforcement enabled on {account}"
        case ActionName.DISABLE_ENFORCEMENT:
            return f"Enforcement disabled on {account}"
        case ActionName.ENABLE_MFA:
            return f"{user} enabled MFA ({args.get('method', 'totp')})"
        case ActionName.DISABLE_MFA:
            return f"{user} disabled MFA"
        case ActionName.INVITE:
            return f"{email} invited to {account} as {own[0].role}"
        case ActionName.SIGN_UP:
            return f"{email} signed up as {user} (without MFA)"
        case ActionName.ACCEPT_INVITATION if own[0].type is EventType.MEMBER_REINSTATED:
            return (f"{own[0].user} rejoined {account} as {own[0].role} (reinstated with "
                    "their previous role)")
        case ActionName.ACCEPT_INVITATION:
            return f"{own[0].user} joined {account} as {own[0].role}"
        case ActionName.CANCEL_INVITATION:
            return f"Invitation of {email} to {account} cancelled"
        case ActionName.REMOVE_MEMBER:
            return f"{user} removed from {account}"
        case ActionName.CHANGE_PLAN:
            return f"{account} moved to the {canonical_plan(args.get('plan', ''))} plan"
        case ActionName.ADVANCE_TIME:
            return f"Clock moved forward {_duration(args)} to {state_after_clock}"
    return action.value


_REMOVAL_WHY = {
    Reason.MFA_DISABLED: "MFA disabled",
    Reason.NONCOMPLIANT: "no MFA when enforcement started",
    Reason.MANUAL: "removed by hand",
}


def _by_account(events: Sequence[Event], kind: EventType) -> dict[str, list[str]]:
    """The users of the events of one type, account by account, in event order."""
    found: dict[str, list[str]] = {}
    for event in events:
        if event.type is kind:
            found.setdefault(str(event.account), []).append(str(event.user))
    return found


def _staying(user: str, before: State, exempt: Collection[Role]) -> str:
    """Why someone who disabled MFA is removed and suspended nowhere: no account of
    theirs enforces MFA, or those that do exempt their role, or cut their access
    already."""
    enforcing = enforcing_accounts_of(before, user)
    if not enforcing:
        return "no account they belong to enforces MFA, so they stay everywhere"
    notes: dict[str, list[str]] = {}
    exempt_everywhere = True
    for account in enforcing:
        role = before.role_of(account, user)
        if role in exempt:
            note = f"{role}s are exempt in"
        else:
            exempt_everywhere = False
            # A policy written rule by rule may leave them be, for its own reasons.
            note = "their access was already suspended in" \
                if before.is_suspended(account, user) else "the policy keeps them in"
        notes.setdefault(note, []).append(account)
    said = "; ".join(f"{note} {', '.join(accounts)}" for note, accounts in notes.items())
    if exempt_everywhere:
        return f"no account they belong to enforces MFA on them ({said}), so they stay everywhere"
    return f"they stay everywhere as they were ({said})"


def _consequences(events: Sequence[Event], own_count: int, action: ActionName,
                  args: Mapping[str, Any], wording: Wording, before: State,
                  exempt: Collection[Role]) -> list[str]:
    parts: list[str] = []
    consequences = list(events[own_count:])
    removed = [e for e in consequences if e.type is EventType.MEMBER_REMOVED]
    suspended = _by_account(consequences, EventType.MEMBER_SUSPENDED)
    if action is ActionName.DISABLE_MFA:
        if removed:
            accounts = ", ".join(str(e.account) for e in removed)
            parts.append(f"removed from {plural(len(removed), 'enforcing account')}: {accounts}")
        elif not suspended:
            parts.append(_staying(str(args.get("user")), before, exempt))
        removed = []
    if removed:
        by_account: dict[str, list[str]] = {}
        for event in removed:
            by_account.setdefault(str(event.account), []).append(str(event.user))
        for account, users in by_account.items():
            why = _REMOVAL_WHY.get(removed[0].reason or Reason.MANUAL, "removed")
            parts.append(f"removed from {account} ({why}): {', '.join(users)}")
    graces = _by_account(consequences, EventType.GRACE_STARTED)
    deadlines = {str(e.account): e.deadline for e in consequences
                 if e.type is EventType.GRACE_STARTED and e.deadline is not None}
    for account, users in graces.items():
        until = deadlines.get(account)
        parts.append(f"grace until {iso(until) if until else 'later'} to enable MFA for "
                     f"{account}: {', '.join(users)}")
    for account, users in _by_account(consequences, EventType.GRACE_EXPIRED).items():
        parts.append(f"grace over in {account} ({wording.grace_expired}): {', '.join(users)}")
    for account, users in suspended.items():
        parts.append(f"suspended in {account} ({wording.suspended}): {', '.join(users)}")
    for account, users in _by_account(consequences, EventType.MEMBER_RESTORED).items():
        parts.append(f"{wording.restored} in {account}: {', '.join(users)}")
    for event in consequences:
        match event.type:
            case EventType.MEMBER_JOINED:
                parts.append(f"joined {event.account} (their invitation was waiting for MFA)")
            case EventType.MEMBER_REINSTATED:
                parts.append(f"rejoined {event.account} as {event.role} (their invitation was "
                             "waiting for MFA; reinstated with their previous role)")
            case EventType.ENFORCEMENT_DISABLED:
                parts.append(f"enforcement switched off on {event.account}: "
                             f"{wording.enforcement_ended}")
            case EventType.ACCOUNT_UNMANAGED:
                parts.append(f"warning: {event.account} has no owner or admin left to "
                             "manage it")
            case EventType.ACCOUNT_EMPTY:
                parts.append(f"warning: {event.account} has no members left")
            case _:
                pass
    return parts


def describe(action: ActionName, args: Mapping[str, Any], status: Status,
             reason: Reason | None, users: Sequence[str], events: Sequence[Event],
             before: State, after: datetime, wording: Wording = DNSIMPLE_WORDING,
             exempt: Collection[Role] = ()) -> str:
    """The sentence for a step.

    Parameters
    ----------
    action, args
        The step.
    status, reason, users
        How it ended.
    events
        Its events in order.
    before
        The state the step met (for plans and seats).
    after
        The clock after the step.
    wording
        The words of the policy's consequences (DNSimple's by default).
    exempt
        The roles the policy's enforcement does not cover (none by default).
    """
    fields = {"account": args.get("account"), "user": args.get("user"),
              "email": args.get("email"), "plan": args.get("plan")}
    if status is Status.BLOCKED:
        return (f"{args.get('email')} accepted the invitation to {args.get('account')}, but "
                f"{wording.blocked}: {args.get('account')} enforces MFA.")
    if status is Status.REJECTED:
        assert reason is not None
        return f"{_HEADLINES[action].format(**fields)}: {_why(reason, args, users, before)}."
    own_count = _own_count(action, events)
    clock = iso(after) if action is ActionName.ADVANCE_TIME else ""
    sentence = _applied(action, args, events[:own_count], clock)
    parts = _consequences(events, own_count, action, args, wording, before, exempt)
    return sentence + ("; " + "; ".join(parts) if parts else "") + "."


def _own_count(action: ActionName, events: Sequence[Event]) -> int:
    # Every action records exactly one event of its own, except advance_time, whose
    # events are all consequences of the clock moving.
    return 0 if action is ActionName.ADVANCE_TIME else min(1, len(events))
