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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from mfa_sim.importers import Imported, ImportReport, import_export
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

# The command line needs only a few of these: each is imported when first used, so
# `mfa-sim validate` does not pay for the engine, the audit or the graphs.
_HOMES = {
    "ActionName": "mfa_sim.actions",
    "AuditResult": "mfa_sim.compliance",
    "DNSIMPLE": "mfa_sim.policy",
    "Dataset": "mfa_sim.dataset",
    "DatasetSummary": "mfa_sim.summary",
    "Engine": "mfa_sim.engine",
    "Event": "mfa_sim.outcome",
    "EventType": "mfa_sim.outcome",
    "GeneratedDataset": "mfa_sim.generate",
    "ImportReport": "mfa_sim.importers",
    "Imported": "mfa_sim.importers",
    "InputError": "mfa_sim.errors",
    "InvitationStatus": "mfa_sim.values",
    "KNOWN_PLANS": "mfa_sim.plans",
    "Method": "mfa_sim.actions",
    "MfaSimError": "mfa_sim.errors",
    "Outcome": "mfa_sim.outcome",
    "POLICIES": "mfa_sim.policy",
    "Policy": "mfa_sim.policy",
    "Problem": "mfa_sim.errors",
    "ProblemReason": "mfa_sim.errors",
    "Reason": "mfa_sim.outcome",
    "Role": "mfa_sim.roles",
    "Run": "mfa_sim.run",
    "RunSummary": "mfa_sim.run",
    "Severity": "mfa_sim.compliance",
    "Simulation": "mfa_sim.simulation",
    "State": "mfa_sim.state",
    "Status": "mfa_sim.outcome",
    "Tier": "mfa_sim.plans",
    "UnknownIdError": "mfa_sim.errors",
    "UsageError": "mfa_sim.errors",
    "audit": "mfa_sim.compliance",
    "canonical_plan": "mfa_sim.plans",
    "generate_dataset": "mfa_sim.generate",
    "import_export": "mfa_sim.importers",
    "load_dataset": "mfa_sim.load",
    "save_dataset": "mfa_sim.save",
    "summarise": "mfa_sim.summary",
    "tier_of": "mfa_sim.plans",
}

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
    "ImportReport",
    "Imported",
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
    "import_export",
    "load_dataset",
    "save_dataset",
    "summarise",
    "tier_of",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mfa_sim' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
