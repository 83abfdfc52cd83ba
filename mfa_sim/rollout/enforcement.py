"""How a policy enforces MFA, read from its own rules: what the plan needs to know.

Two questions decide a rollout plan, and the policy's rules for ``enforce_mfa`` answer
both, with the predicates the audit and the engine share (:mod:`mfa_sim.policy.rules`):

- does the plan gate enforcement (:func:`~mfa_sim.policy.rules.plan_offers_enforcement`)?
  Then an account on a plan below teams is no target;
- is enforcement refused while a member lacks MFA
  (:func:`~mfa_sim.policy.rules.every_member_has_mfa`)? Then the accounts the contacts
  do not make ready need DNSimple's way forward: remove, enforce, re-invite. A policy
  that never refuses enforces at once and its consequences cut those members; the plan
  lists them as cut instead.

Either way an account is *ready* when enforcing it would refuse, suspend or remove
nobody: every member has MFA (:func:`~mfa_sim.policy.rules.is_compliant`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mfa_sim.model.actions import ActionName
from mfa_sim.policy import rules
from mfa_sim.policy.base import Policy
from mfa_sim.policy.knobs import Disabling
from mfa_sim.policy.knobs import Enforcement as Treatment


@dataclass(frozen=True, slots=True)
class Enforcement:
    """What a policy's ``enforce_mfa`` rules mean for a plan.

    Examples
    --------
    >>> from mfa_sim.policy import DNSIMPLE
    >>> enforcement_of(DNSIMPLE)
    Enforcement(policy='dnsimple', plan_gate=True, refuses_noncompliant=True, cuts='',
                disabling='remove')
    >>> from mfa_sim.policy import GITHUB, GITLAB, NPM
    >>> for policy in (GITHUB, GITLAB, NPM):
    ...     print(enforcement_of(policy).cuts)
    suspends (outside collaborators are removed)
    gives a 48-hour grace period, then suspends
    removes
    >>> [enforcement_of(policy).disabling for policy in (GITHUB, NPM)]
    ['suspend', '']
    """

    policy: str
    plan_gate: bool
    """Only plans of the teams tier and above can enforce."""
    refuses_noncompliant: bool
    """Enforcement is refused while a member lacks MFA (else members are cut)."""
    cuts: str = "cuts"
    """What enforcing does to the members lacking MFA, as a verb phrase (empty when it
    is refused instead): ``removes``, ``suspends``, a grace period then ``suspends``."""
    disabling: str = "remove"
    """What losing MFA later does to a member of an enforcing account, as a verb
    (``remove``, ``suspend``), or empty where the policy refuses to let them."""


def enforcement_of(policy: Policy) -> Enforcement:
    """Read a policy's enforcement from its rules for ``enforce_mfa``."""
    checks = policy.rules.get(ActionName.ENFORCE_MFA, ())
    refuses = rules.every_member_has_mfa in checks
    found = Enforcement(policy.name, rules.plan_offers_enforcement in checks, refuses,
                        "" if refuses else "cuts")
    knobs = policy.knobs
    if knobs is None:  # a policy written rule by rule: only its rules are known
        return found
    cuts = {Treatment.REFUSE: "", Treatment.REMOVE: "removes", Treatment.SUSPEND: "suspends",
            Treatment.GRACE: f"gives a {knobs.grace_hours:g}-hour grace period, then "
                             f"suspends"}[knobs.enforcement]
    if cuts and knobs.outside_collaborators and knobs.enforcement is not Treatment.REMOVE:
        cuts += " (outside collaborators are removed)"
    disabling = {Disabling.REMOVE: "remove", Disabling.SUSPEND: "suspend",
                 Disabling.REFUSE: ""}[knobs.disabling]
    return Enforcement(found.policy, found.plan_gate, found.refuses_noncompliant, cuts,
                       disabling)
