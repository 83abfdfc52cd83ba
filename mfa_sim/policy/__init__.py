"""The policies: DNSimple's rules by default, and the means to write others.

May import ``model``, ``columns`` and ``errors``; never the engine: a policy judges a
state and says what follows, the engine applies it.
"""

from mfa_sim.policy.base import Attempt, Consequence, Policy, Refusal, Rule
from mfa_sim.policy.dnsimple import DNSIMPLE

POLICIES: dict[str, Policy] = {DNSIMPLE.name: DNSIMPLE}
"""Every policy by name."""


def policy_named(name: str) -> Policy:
    """The policy of that name.

    Raises
    ------
    KeyError
        If no policy has that name.
    """
    return POLICIES[name]


__all__ = ["DNSIMPLE", "POLICIES", "Attempt", "Consequence", "Policy", "Refusal", "Rule",
           "policy_named"]
