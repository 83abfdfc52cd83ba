"""The public API is what ``mfa_sim.__all__`` lists: pinned, so that a change to it is a
decision, never an accident."""

from __future__ import annotations

import json

import pytest

import mfa_sim
from mfa_sim import (
    InputError,
    MfaSimError,
    ProblemReason,
    UnknownIdError,
    UsageError,
)

PUBLIC_API = [
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


def test_all_is_pinned() -> None:
    assert mfa_sim.__all__ == PUBLIC_API


def test_every_public_name_resolves() -> None:
    missing = [name for name in PUBLIC_API if not hasattr(mfa_sim, name)]
    assert missing == []


def test_star_import_gives_exactly_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from mfa_sim import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(PUBLIC_API)


def test_exceptions_form_one_tree() -> None:
    assert issubclass(InputError, MfaSimError)
    assert issubclass(UsageError, MfaSimError)
    assert issubclass(UnknownIdError, MfaSimError)
    assert issubclass(UnknownIdError, KeyError)
    assert issubclass(MfaSimError, Exception)


def test_input_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        InputError([])


def test_dataset_problem_reason_codes_are_stable() -> None:
    # The reason codes of contract §1, as scripts match on them.
    codes = {
        "missing_file", "empty_file", "not_utf8", "missing_column", "duplicate_column",
        "too_many_fields", "too_few_fields", "empty_id", "empty_email", "duplicate_id",
        "duplicate_email", "invalid_boolean", "invalid_integer", "invalid_time",
        "unknown_plan", "unknown_role", "unknown_status", "unknown_account", "unknown_user",
        "duplicate_membership", "duplicate_invitation", "not_a_directory",
        "directory_not_empty",
    }
    assert codes <= {reason.value for reason in ProblemReason}
    assert ProblemReason("duplicate_invitation") is ProblemReason.DUPLICATE_INVITATION


def test_public_names_are_imported_only_when_used() -> None:
    # The command line imports the package on every run: it must stay cheap.
    import subprocess
    import sys

    probe = ("import sys, mfa_sim; "
             "print(sorted(m for m in ('mfa_sim.engine.engine', 'mfa_sim.compliance', "
             "'mfa_sim.data.generate', 'numpy') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "[]"


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = mfa_sim.no_such_name  # type: ignore[attr-defined]


def test_a_scenario_file_plays_from_python_as_simulate_plays_it() -> None:
    """contract §2 and §4: ``run_scenario`` gives the run ``mfa-sim simulate`` reports;
    ``Simulation.play`` given a path says what to call instead of failing on its letters."""
    import io

    from mfa_sim.cli import main

    dataset = mfa_sim.load_dataset("datasets/example")
    run = mfa_sim.run_scenario(dataset, "datasets/example/scenario.yaml")
    out = io.StringIO()
    assert main(["simulate", "datasets/example", "datasets/example/scenario.yaml",
                 "--format", "json"], out=out, err=io.StringIO()) == 0
    steps = json.loads(out.getvalue())["steps"]
    assert [(o.status.value, o.message) for o in run.outcomes] == [
        (step["status"], step["message"]) for step in steps]
    with pytest.raises(mfa_sim.UsageError, match="run_scenario"):
        mfa_sim.Simulation(dataset).play("datasets/example/scenario.yaml")  # type: ignore[arg-type]
    with pytest.raises(mfa_sim.UsageError, match="pairs"):
        mfa_sim.Simulation(dataset).play([("enforce_mfa",)])  # type: ignore[list-item]
