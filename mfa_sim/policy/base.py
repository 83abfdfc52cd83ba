"""Policies: which steps a product refuses, and what follows from the ones it allows.

A policy is data: for each action, a tuple of small named rules (each may refuse the
step with a reason) and a tuple of consequences (each may change more of the state
after the action's own effect). The engine knows the actions; the policy knows the
product. A new product's rules is a new policy, not an edit to the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mfa_sim.model.actions import ActionName
from mfa_sim.model.outcome import Reason, Status
from mfa_sim.policy.wording import DNSIMPLE_WORDING, Wording

if TYPE_CHECKING:
    from datetime import timedelta

    from mfa_sim.model.roles import Role
    from mfa_sim.model.state import State
    from mfa_sim.model.transaction import Transaction
    from mfa_sim.policy.knobs import Knobs


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a step does not (fully) take effect."""

    reason: Reason
    users: tuple[str, ...] = ()
    """The members concerned (sorted), with ``noncompliant_members``."""
    status: Status = Status.REJECTED
    """``rejected``, or ``blocked`` for a step accepted but waiting on a condition."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """A step about to be applied: the action, its arguments, the state it meets."""

    action: ActionName
    args: Mapping[str, Any]
    state: State
    prepared: Mapping[str, Any] = field(default_factory=dict)
    """Values the engine worked out before judging (e.g. whether a TOTP code verified)."""

    def arg(self, name: str, default: Any = None) -> Any:
        """An argument, or a default when it was not given."""
        return self.args.get(name, default)


Rule = Callable[[Attempt], Refusal | None]
"""A named check: returns a refusal when the step breaks the rule, else None."""

Consequence = Callable[[Attempt, "Transaction"], None]
"""What follows from an allowed step, written into the step's transaction."""


@dataclass(frozen=True)
class Policy:
    """A product's MFA-enforcement rules.

    Parameters
    ----------
    name
        The policy's name, as in a scenario's ``policy`` key.
    rules
        For each action, the rules that may refuse it. When several refuse, the
        reason first in the contract's order wins.
    consequences
        For each action, what follows once its own effect is applied, in order.
    description
        One sentence for reports.
    knobs
        The knobs the policy was built from (:func:`mfa_sim.policy.build.build_policy`),
        or None for a policy written rule by rule.
    wording
        The words its consequences read with in a step's sentence.
    checks
        The ids of the audit checks whose findings can arise under the policy (the audit
        runs only these); None for every check.
    reasons
        The reasons its rules can refuse a step with; None when not declared (a policy
        written rule by rule). Whatever the policy, the contract's order decides which
        reason wins.
    """

    name: str
    rules: Mapping[ActionName, tuple[Rule, ...]]
    consequences: Mapping[ActionName, tuple[Consequence, ...]]
    description: str = ""
    knobs: Knobs | None = None
    wording: Wording = DNSIMPLE_WORDING
    checks: frozenset[str] | None = None
    reasons: frozenset[Reason] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))
        object.__setattr__(self, "consequences", MappingProxyType(dict(self.consequences)))

    @property
    def plan_gate(self) -> bool:
        """Whether enforcement needs a plan of the teams tier or above."""
        return self.knobs.plan_gate if self.knobs is not None else True

    @property
    def enabler_needs_mfa(self) -> bool:
        """Whether the owner or admin switching enforcement on must have MFA (for a
        policy written rule by rule: whether it declares ``enabler_without_mfa``)."""
        if self.knobs is not None:
            return self.knobs.enabler_needs_mfa
        return self.reasons is not None and Reason.ENABLER_WITHOUT_MFA in self.reasons

    @property
    def exempt_roles(self) -> tuple[Role, ...]:
        """The roles enforcement does not cover (GitLab's collaborators); none for a
        policy written rule by rule."""
        return self.knobs.exempt_roles if self.knobs is not None else ()

    @property
    def reinstate_window(self) -> timedelta | None:
        """How long after a removal the member may rejoin with their previous role."""
        return self.knobs.reinstate_window if self.knobs is not None else None

    def judge(self, attempt: Attempt) -> Refusal | None:
        """The refusal that wins for a step, or None if every rule allows it."""
        refusals = [found for rule in self.rules.get(attempt.action, ())
                    if (found := rule(attempt)) is not None]
        if not refusals:
            return None
        return min(refusals, key=lambda refusal: refusal.reason.precedence)

    def follow_up(self, attempt: Attempt, transaction: Transaction) -> None:
        """Apply every consequence of an allowed step."""
        for consequence in self.consequences.get(attempt.action, ()):
            consequence(attempt, transaction)

    def derive(self, name: str, *, rules: Mapping[ActionName, tuple[Rule, ...]] | None = None,
               consequences: Mapping[ActionName, tuple[Consequence, ...]] | None = None,
               description: str | None = None) -> Policy:
        """A new policy: this one with some actions' rules or consequences replaced.

        Examples
        --------
        >>> from mfa_sim.policy import DNSIMPLE
        >>> strict = DNSIMPLE.derive("strict", description="Refuses every invitation.")
        >>> strict.name, strict.rules == DNSIMPLE.rules
        ('strict', True)
        """
        changed = rules is not None or consequences is not None
        return Policy(
            name=name,
            rules={**self.rules, **(rules or {})},
            consequences={**self.consequences, **(consequences or {})},
            description=self.description if description is None else description,
            knobs=self.knobs,
            wording=self.wording,
            # Rules changed by hand may refuse for other reasons, and let other findings
            # arise: every check runs.
            checks=None if changed else self.checks,
            reasons=None if changed else self.reasons,
        )
