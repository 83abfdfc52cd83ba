"""The policies: DNSimple's rules by default, the other products' presets, and the means
to write others (from knobs, or rule by rule).

May import ``model``, ``columns`` and ``errors``; never the engine: a policy judges a
state and says what follows, the engine applies it.
"""

from mfa_sim.policy.base import Attempt, Consequence, Policy, Refusal, Rule
from mfa_sim.policy.build import build_policy
from mfa_sim.policy.dnsimple import DNSIMPLE
from mfa_sim.policy.github import GITHUB, GITHUB_LEGACY
from mfa_sim.policy.gitlab import GITLAB
from mfa_sim.policy.hexpm import HEXPM
from mfa_sim.policy.knobs import Disabling, Enforcement, Joining, Knobs
from mfa_sim.policy.npm import NPM
from mfa_sim.policy.registry import PRESETS, preset, register
from mfa_sim.policy.slack import SLACK

for _preset in (DNSIMPLE, GITHUB, GITHUB_LEGACY, GITLAB, NPM, SLACK, HEXPM):
    register(_preset)

POLICIES = PRESETS
"""Every preset by name (the registry's view)."""


def policy_named(name: str) -> Policy:
    """The preset of that name.

    Raises
    ------
    KeyError
        If no policy has that name.
    """
    return POLICIES[name]


__all__ = ["DNSIMPLE", "GITHUB", "GITHUB_LEGACY", "GITLAB", "HEXPM", "NPM", "POLICIES",
           "PRESETS", "SLACK", "Attempt", "Consequence", "Disabling", "Enforcement",
           "Joining", "Knobs", "Policy", "Refusal", "Rule", "build_policy", "policy_named",
           "preset", "register"]
