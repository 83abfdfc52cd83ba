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

from mfa_sim.model import ports as _ports

if TYPE_CHECKING:
    from mfa_sim.compliance import (
        CHECKS,
        AuditResult,
        Check,
        CheckSelection,
        Severity,
        audit,
        select_checks,
    )
    from mfa_sim.data.generate import GeneratedDataset, generate_dataset
    from mfa_sim.data.importers import Imported, ImportReport, import_export
    from mfa_sim.data.load import load_dataset
    from mfa_sim.data.save import save_dataset
    from mfa_sim.engine.comparison import Comparison, compare
    from mfa_sim.engine.engine import Engine
    from mfa_sim.engine.run import Run, RunSummary
    from mfa_sim.engine.scenario import Scenario, load_scenario
    from mfa_sim.engine.simulation import Simulation, run_scenario
    from mfa_sim.errors import (
        InputError,
        MfaSimError,
        Problem,
        ProblemReason,
        UnknownIdError,
        UsageError,
    )
    from mfa_sim.model.actions import ActionName, Method
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.model.outcome import Event, EventType, Outcome, Reason, Status
    from mfa_sim.model.plans import KNOWN_PLANS, Tier, canonical_plan, tier_of
    from mfa_sim.model.roles import Role
    from mfa_sim.model.state import State
    from mfa_sim.model.summary import DatasetSummary, summarise
    from mfa_sim.model.values import InvitationStatus
    from mfa_sim.policy import DNSIMPLE, POLICIES, Knobs, Policy
    from mfa_sim.policy.files import load_policy
    from mfa_sim.rollout import RolloutPlan, plan

# The command line needs only a few of these: each is imported when first used, so
# `mfa-sim validate` does not pay for the engine, the audit or the graphs.
_HOMES = {
    "ActionName": "mfa_sim.model.actions",
    "AuditResult": "mfa_sim.compliance",
    "CHECKS": "mfa_sim.compliance",
    "Check": "mfa_sim.compliance",
    "CheckSelection": "mfa_sim.compliance",
    "Comparison": "mfa_sim.engine.comparison",
    "DNSIMPLE": "mfa_sim.policy",
    "Dataset": "mfa_sim.model.dataset",
    "DatasetSummary": "mfa_sim.model.summary",
    "Engine": "mfa_sim.engine.engine",
    "Event": "mfa_sim.model.outcome",
    "EventType": "mfa_sim.model.outcome",
    "GeneratedDataset": "mfa_sim.data.generate",
    "ImportReport": "mfa_sim.data.importers",
    "Imported": "mfa_sim.data.importers",
    "InputError": "mfa_sim.errors",
    "InvitationStatus": "mfa_sim.model.values",
    "KNOWN_PLANS": "mfa_sim.model.plans",
    "Knobs": "mfa_sim.policy",
    "Method": "mfa_sim.model.actions",
    "MfaSimError": "mfa_sim.errors",
    "Outcome": "mfa_sim.model.outcome",
    "POLICIES": "mfa_sim.policy",
    "Policy": "mfa_sim.policy",
    "Problem": "mfa_sim.errors",
    "ProblemReason": "mfa_sim.errors",
    "Reason": "mfa_sim.model.outcome",
    "Role": "mfa_sim.model.roles",
    "RolloutPlan": "mfa_sim.rollout",
    "Run": "mfa_sim.engine.run",
    "RunSummary": "mfa_sim.engine.run",
    "Scenario": "mfa_sim.engine.scenario",
    "Severity": "mfa_sim.compliance",
    "Simulation": "mfa_sim.engine.simulation",
    "State": "mfa_sim.model.state",
    "Status": "mfa_sim.model.outcome",
    "Tier": "mfa_sim.model.plans",
    "UnknownIdError": "mfa_sim.errors",
    "UsageError": "mfa_sim.errors",
    "audit": "mfa_sim.compliance",
    "canonical_plan": "mfa_sim.model.plans",
    "compare": "mfa_sim.engine.comparison",
    "generate_dataset": "mfa_sim.data.generate",
    "import_export": "mfa_sim.data.importers",
    "load_dataset": "mfa_sim.data.load",
    "load_policy": "mfa_sim.policy.files",
    "load_scenario": "mfa_sim.engine.scenario",
    "plan": "mfa_sim.rollout",
    "run_scenario": "mfa_sim.engine.simulation",
    "save_dataset": "mfa_sim.data.save",
    "select_checks": "mfa_sim.compliance",
    "summarise": "mfa_sim.model.summary",
    "tier_of": "mfa_sim.model.plans",
}

__version__ = "0.1.0"


def _report_html(value: object) -> str | None:
    # The report layer draws what values show in Jupyter; it is imported on first use.
    from mfa_sim.report.display import html_of

    return html_of(value)


def _save_dataset(dataset: Any, directory: str) -> None:
    from mfa_sim.data.save import save_dataset

    save_dataset(dataset, directory)


# The model's conveniences that belong to higher layers (mfa_sim.model.ports).
_ports.install(html=_report_html, save_dataset=_save_dataset)

__all__ = [
    "CHECKS",
    "DNSIMPLE",
    "KNOWN_PLANS",
    "POLICIES",
    "ActionName",
    "AuditResult",
    "Check",
    "CheckSelection",
    "Comparison",
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
    "Knobs",
    "Method",
    "MfaSimError",
    "Outcome",
    "Policy",
    "Problem",
    "ProblemReason",
    "Reason",
    "Role",
    "RolloutPlan",
    "Run",
    "RunSummary",
    "Scenario",
    "Severity",
    "Simulation",
    "State",
    "Status",
    "Tier",
    "UnknownIdError",
    "UsageError",
    "audit",
    "canonical_plan",
    "compare",
    "generate_dataset",
    "import_export",
    "load_dataset",
    "load_policy",
    "load_scenario",
    "plan",
    "run_scenario",
    "save_dataset",
    "select_checks",
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
