"""mfa_sim: know who gets removed, who gets blocked and which accounts are left
unmanaged before you enforce multi-factor authentication.

The public API is what ``__all__`` lists; everything else may change.

Examples
--------
>>> import mfa_sim
>>> dataset = mfa_sim.load_dataset("datasets/example")
>>> dataset.counts
{'users': 6, 'accounts': 3, 'memberships': 7, 'invitations': 2}
"""

from mfa_sim.actions import ActionName, Method
from mfa_sim.compliance import AuditResult, Severity, audit
from mfa_sim.dataset import Dataset
from mfa_sim.engine import Engine
from mfa_sim.errors import (
    InputError,
    MfaSimError,
    Problem,
    ProblemReason,
    UnknownIdError,
    UsageError,
)
from mfa_sim.generate import GeneratedDataset, generate_dataset
from mfa_sim.load import load_dataset
from mfa_sim.outcome import Event, EventType, Outcome, Reason, Status
from mfa_sim.plans import KNOWN_PLANS, Tier, canonical_plan, tier_of
from mfa_sim.policy import DNSIMPLE, POLICIES, Policy
from mfa_sim.roles import Role
from mfa_sim.run import Run, RunSummary
from mfa_sim.save import save_dataset
from mfa_sim.simulation import Simulation
from mfa_sim.state import State
from mfa_sim.summary import DatasetSummary, summarise
from mfa_sim.values import InvitationStatus

__version__ = "0.1.0"

__all__ = [
    "DNSIMPLE",
    "KNOWN_PLANS",
    "POLICIES",
    "ActionName",
    "AuditResult",
    "Dataset",
    "DatasetSummary",
    "Engine",
    "Event",
    "EventType",
    "GeneratedDataset",
    "InputError",
    "InvitationStatus",
    "Method",
    "MfaSimError",
    "Outcome",
    "Policy",
    "Problem",
    "ProblemReason",
    "Reason",
    "Role",
    "Run",
    "RunSummary",
    "Severity",
    "Simulation",
    "State",
    "Status",
    "Tier",
    "UnknownIdError",
    "UsageError",
    "audit",
    "canonical_plan",
    "generate_dataset",
    "load_dataset",
    "save_dataset",
    "summarise",
    "tier_of",
]
