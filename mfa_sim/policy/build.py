"""A policy from its knobs: the rules and consequences each answer brings.

Every preset, DNSimple's included, is ``build_policy(name, knobs)``; so is a custom
policy read from a file. The knobs are the only way a preset differs from another.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from mfa_sim.model.actions import ActionName
from mfa_sim.model.outcome import Reason
from mfa_sim.policy import guards, rules
from mfa_sim.policy.base import Consequence, Policy, Rule
from mfa_sim.policy.consequences import (
    clear_blocked_marks,
    complete_blocked_invitations,
    end_enforcement_below_teams,
    remove_from_enforcing_accounts,
)
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs, possible_checks
from mfa_sim.policy.treatments import (
    AdmitIntoEnforcement,
    MeetEnforcement,
    RemoveOnDisabling,
    SuspendOnDisabling,
    Treatment,
    restore_on_enabling,
    restore_where_not_enforced,
)
from mfa_sim.policy.wording import DNSIMPLE_WORDING, Wording

RULE_REASONS: dict[Callable[..., object], Reason] = {
    rules.actor_manages_account: Reason.NOT_AUTHORIZED,
    rules.enabler_has_mfa: Reason.ENABLER_WITHOUT_MFA,
    rules.not_enforced_yet: Reason.ALREADY_ENFORCED,
    rules.enforced_now: Reason.NOT_ENFORCED,
    rules.plan_changes: Reason.ALREADY_ON_PLAN,
    rules.mfa_not_enabled_yet: Reason.MFA_ALREADY_ENABLED,
    rules.mfa_on_to_disable: Reason.MFA_NOT_ENABLED,
    rules.user_is_member: Reason.NOT_A_MEMBER,
    rules.invitee_not_member: Reason.ALREADY_MEMBER,
    rules.not_invited_yet: Reason.ALREADY_INVITED,
    rules.invitation_pending: Reason.NO_PENDING_INVITATION,
    rules.invitee_signed_up: Reason.NOT_SIGNED_UP,
    rules.not_the_account_email: Reason.EMAIL_TAKEN,
    rules.email_free: Reason.EMAIL_TAKEN,
    rules.plan_offers_enforcement: Reason.PLAN_NOT_ELIGIBLE,
    rules.seat_free: Reason.NO_SEATS,
    rules.every_member_has_mfa: Reason.NONCOMPLIANT_MEMBERS,
    guards.sole_owner_keeps_mfa: Reason.SOLE_OWNER,
    guards.account_requires_mfa: Reason.MFA_REQUIRED_BY_ACCOUNT,
    guards.managers_keep_mfa: Reason.MFA_REQUIRED_BY_ACCOUNT,
    guards.leaves_an_admin_with_mfa: Reason.LAST_ADMIN,
    rules.code_verifies: Reason.INVALID_CODE,
    rules.invitee_has_mfa_where_enforced: Reason.MFA_REQUIRED,
}
"""The reason each named rule refuses with."""


def _when(condition: bool, *items: Rule) -> tuple[Rule, ...]:
    return items if condition else ()


def policy_rules(knobs: Knobs) -> dict[ActionName, tuple[Rule, ...]]:
    """For each action, the rules the knobs bring."""
    manage = (rules.actor_manages_account,)
    return {
        ActionName.ENFORCE_MFA: (
            *manage, *_when(knobs.enabler_needs_mfa, rules.enabler_has_mfa),
            rules.not_enforced_yet, *_when(knobs.plan_gate, rules.plan_offers_enforcement),
            *_when(knobs.enforcement is Enforcement.REFUSE, rules.every_member_has_mfa)),
        ActionName.DISABLE_ENFORCEMENT: (*manage, rules.enforced_now),
        ActionName.ENABLE_MFA: (rules.mfa_not_enabled_yet, rules.code_verifies),
        ActionName.DISABLE_MFA: (
            rules.mfa_on_to_disable,
            *_when(knobs.sole_owner_keeps_mfa, guards.sole_owner_keeps_mfa),
            *_when(knobs.disabling is Disabling.REFUSE, guards.account_requires_mfa),
            *_when(knobs.managers_keep_mfa, guards.managers_keep_mfa)),
        ActionName.INVITE: (*manage, rules.invitee_not_member, rules.not_invited_yet,
                            rules.not_the_account_email, rules.seat_free),
        ActionName.SIGN_UP: (rules.email_free,),
        ActionName.ACCEPT_INVITATION: (
            rules.invitation_pending, rules.invitee_signed_up, rules.invitee_not_member,
            *_when(knobs.joining is Joining.BLOCK, rules.invitee_has_mfa_where_enforced)),
        ActionName.CANCEL_INVITATION: (*manage, rules.invitation_pending),
        ActionName.REMOVE_MEMBER: (
            *manage, rules.user_is_member,
            *_when(knobs.last_admin_guard, guards.leaves_an_admin_with_mfa)),
        ActionName.CHANGE_PLAN: (*manage, rules.plan_changes),
        ActionName.ADVANCE_TIME: (),
    }


def policy_consequences(knobs: Knobs) -> dict[ActionName, tuple[Consequence, ...]]:
    """For each action, what follows from it under the knobs (actions with none are
    left out)."""
    treatment = Treatment(knobs)
    window = knobs.reinstate_window
    completing: Consequence = complete_blocked_invitations if window is None \
        else partial(complete_blocked_invitations, window=window)
    found: dict[ActionName, tuple[Consequence, ...]] = {
        ActionName.ENABLE_MFA: (completing, restore_on_enabling),
        ActionName.DISABLE_ENFORCEMENT: (clear_blocked_marks, restore_where_not_enforced),
    }
    if knobs.disabling is Disabling.REMOVE:
        found[ActionName.DISABLE_MFA] = (RemoveOnDisabling(knobs),) if knobs.exempt_roles \
            else (remove_from_enforcing_accounts,)
    elif knobs.disabling is Disabling.SUSPEND:
        found[ActionName.DISABLE_MFA] = (SuspendOnDisabling(knobs),)
    if knobs.plan_gate:
        found[ActionName.CHANGE_PLAN] = (end_enforcement_below_teams, clear_blocked_marks,
                                         restore_where_not_enforced)
    if knobs.enforcement is not Enforcement.REFUSE:
        found[ActionName.ENFORCE_MFA] = (MeetEnforcement(treatment),)
    if knobs.joining is Joining.ADMIT:
        found[ActionName.ACCEPT_INVITATION] = (AdmitIntoEnforcement(treatment),)
    return found


def build_policy(name: str, knobs: Knobs, *, description: str = "",
                 wording: Wording = DNSIMPLE_WORDING) -> Policy:
    """The policy the knobs make.

    Examples
    --------
    >>> from mfa_sim.policy.knobs import Knobs
    >>> strict = build_policy("strict", Knobs(enforcement="remove", plan_gate=False))
    >>> sorted(reason.value for reason in strict.reasons)[:3]
    ['already_enforced', 'already_invited', 'already_member']
    >>> Reason.NONCOMPLIANT_MEMBERS in strict.reasons, strict.plan_gate
    (False, False)
    """
    found_rules = policy_rules(knobs)
    reasons = frozenset(RULE_REASONS[rule] for chain in found_rules.values() for rule in chain)
    return Policy(name=name, rules=found_rules, consequences=policy_consequences(knobs),
                  description=description, knobs=knobs, wording=wording,
                  checks=possible_checks(knobs), reasons=reasons)
