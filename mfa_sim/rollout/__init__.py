"""The rollout plan: whom to ask first, and in what waves to enforce MFA.

May import ``compliance``, the engine and everything below; never a report, a graph or
the command line.

Examples
--------
>>> import mfa_sim
>>> from mfa_sim.rollout import plan
>>> found = plan(mfa_sim.load_dataset("datasets/example"))
>>> [(contact.rank, contact.user, contact.newly_ready) for contact in found.contacts]
[(1, 'u_ben', ()), (2, 'u_chloe', ('a_team',))]
"""

from mfa_sim.rollout.enforcement import Enforcement, enforcement_of
from mfa_sim.rollout.planner import plan
from mfa_sim.rollout.ranking import Blockers, contact_order
from mfa_sim.rollout.result import (
    BlastNote,
    Contact,
    PlanOptions,
    Reinvite,
    RolloutPlan,
    Wave,
    WaveKind,
)

__all__ = ["BlastNote", "Blockers", "Contact", "Enforcement", "PlanOptions", "Reinvite",
           "RolloutPlan", "Wave", "WaveKind", "contact_order", "enforcement_of", "plan"]
