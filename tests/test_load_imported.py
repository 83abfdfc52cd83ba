"""Contract §6: what an imported dataset folder may hold beyond §1 (unknown enforcement,
no plan, source-prefixed ids, the collaborator role), and every command taking it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from mfa_sim import Simulation, audit, load_dataset
from mfa_sim.cli import main
from mfa_sim.model.plans import Tier, tier_of
from mfa_sim.model.roles import Role, parse_role
from tests.conftest import MakeDataset, problems_of

IMPORTED = {
    "users.csv": ("user_id,email,mfa_enabled\n"
                  "ada@example.com,ada@example.com,true\n"
                  "github:kj-example,github:kj-example,false\n"
                  "google:edsger@example.com,edsger@example.com,\n"),
    "accounts.csv": ("account_id,plan,mfa_enforced\n"
                     "github:example-org,,\n"
                     "google:example.com,,unknown\n"
                     "dnsimple:1385,teams,false\n"),
    "memberships.csv": ("account_id,user_id,role\n"
                        "github:example-org,ada@example.com,owner\n"
                        "github:example-org,github:kj-example,collaborator\n"
                        "google:example.com,ada@example.com,member\n"
                        "google:example.com,google:edsger@example.com,member\n"
                        "dnsimple:1385,ada@example.com,owner\n"),
    "invitations.csv": "account_id,email\ngithub:example-org,new@example.com\n",
}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def imported(make_dataset: MakeDataset) -> Path:
    return make_dataset(IMPORTED)


def test_unknown_mfa_enforced_loads_as_unknown(imported: Path) -> None:
    accounts = load_dataset(imported).accounts.set_index("account_id")
    assert accounts["mfa_enforced"].isna().tolist() == [True, True, False]


def test_empty_plan_loads_with_tier_unknown(imported: Path) -> None:
    accounts = load_dataset(imported).accounts.set_index("account_id")
    assert accounts.loc["github:example-org", "plan"] == ""
    assert accounts["tier"].astype(str).tolist() == ["unknown", "unknown", "teams"]
    assert tier_of("") is Tier.UNKNOWN
    assert not Tier.UNKNOWN.can_enforce_mfa


def test_collaborator_is_a_role_that_does_not_manage() -> None:
    assert parse_role(" Collaborator ") is Role.COLLABORATOR
    assert not Role.COLLABORATOR.manages


def test_source_prefixed_ids_and_collaborators_load(imported: Path) -> None:
    dataset = load_dataset(imported)
    assert dataset.account_members("github:example-org")["role"].astype(str).tolist() == [
        "owner", "collaborator"]


def test_a_blank_enforcement_that_is_not_a_boolean_is_still_refused(
        make_dataset: MakeDataset) -> None:
    folder = make_dataset({"accounts.csv": "account_id,plan,mfa_enforced\na1,teams,maybe\n"})
    assert problems_of(folder) == [("accounts.csv", 2, "mfa_enforced", "maybe",
                                    "invalid_boolean")]


def test_saving_keeps_unknown_enforcement_and_empty_plan(imported: Path, tmp_path: Path) -> None:
    dataset = load_dataset(imported)
    dataset.save(str(tmp_path / "saved"))
    assert load_dataset(tmp_path / "saved") == dataset
    text = (tmp_path / "saved" / "accounts.csv").read_text()
    assert "github:example-org,,\n" in text


def test_enforcement_state_unknown_is_reported_once_per_account_as_info(imported: Path) -> None:
    findings = audit(load_dataset(imported)).findings_frame
    unknown = findings[findings["check"] == "enforcement_state_unknown"]
    assert unknown["account"].tolist() == ["github:example-org", "google:example.com"]
    assert set(unknown["severity"]) == {"info"}


def test_unknown_enforcement_simulates_as_not_enforcing(imported: Path) -> None:
    simulation = Simulation(load_dataset(imported))
    outcome = simulation.disable_enforcement("github:example-org")
    assert (outcome.status.value, outcome.reason.value) == ("rejected", "not_enforced")


def test_no_plan_cannot_enforce_under_dnsimple(imported: Path) -> None:
    simulation = Simulation(load_dataset(imported))
    outcome = simulation.enforce_mfa("github:example-org")
    assert (outcome.status.value, outcome.reason.value) == ("rejected", "plan_not_eligible")
    assert outcome.message == ("Enforcement refused on github:example-org: its plan is not "
                               "known, and it may not offer MFA enforcement (Teams plan and "
                               "higher).")


def test_validate_shows_the_unknown_tier(imported: Path) -> None:
    code, out, err = _run("validate", str(imported))
    assert (code, err) == (0, "")
    assert re.search(r"unknown\s+2\s+enforcing MFA: 0 \(MFA enforcement not available\)", out)


def test_audit_json_gives_tier_unknown_and_enforced_false(imported: Path) -> None:
    code, out, _ = _run("audit", str(imported), "--format", "json", "--fail-on", "critical")
    assert code == 0
    accounts = {row["account"]: row for row in json.loads(out)["accounts"]}
    assert accounts["github:example-org"]["tier"] == "unknown"
    assert accounts["github:example-org"]["plan"] == ""
    assert accounts["github:example-org"]["enforced"] is False


@pytest.mark.parametrize("fmt", ["text", "csv", "markdown", "html", "junit"])
def test_every_audit_format_takes_an_imported_folder(imported: Path, fmt: str) -> None:
    code, _, err = _run("audit", str(imported), "--format", fmt, "--fail-on", "critical")
    assert (code, err) == (0, "")


def test_simulate_and_graph_take_an_imported_folder(imported: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("steps:\n  - disable_mfa: {user: ada@example.com}\n"
                        "  - enforce_mfa: {account: 'dnsimple:1385'}\n")
    code, _, err = _run("simulate", str(imported), str(scenario),
                          "--save-state", str(tmp_path / "after"))
    assert (code, err) == (0, "")
    assert load_dataset(tmp_path / "after").counts["accounts"] == 3
    for view in (("--account", "github:example-org"), ()):
        target = tmp_path / f"graph{len(view)}.graphml"
        code, _, err = _run("graph", str(imported), *view, "--output", str(target))
        assert (code, err) == (0, "")
        assert target.stat().st_size > 0
    code, _, err = _run("graph", str(imported), "--output", str(tmp_path / "all.svg"))
    assert (code, err) == (0, "")
