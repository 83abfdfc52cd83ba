"""Misuse of the Python API: friendly values accepted as the command line takes them,
and everything else refused with a :class:`~mfa_sim.errors.UsageError` that says what
is wanted (never a raw TypeError or AttributeError, never a string read letter by
letter)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import mfa_sim
from mfa_sim.compliance import CheckSelection, Mute, audit, select_checks
from mfa_sim.errors import InputError, UsageError
from mfa_sim.policy import POLICIES
from tests.conftest import EXAMPLE, REPO

TRAINING = REPO / "datasets" / "training"
SCENARIO = EXAMPLE / "scenario.yaml"
MIDNIGHT = datetime(2026, 1, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def training() -> mfa_sim.Dataset:
    return mfa_sim.load_dataset(TRAINING)


@pytest.mark.parametrize("as_of", [
    "2026-01-15", "2026-01-15T00:00:00Z", "2026-01-15T01:00:00+01:00", date(2026, 1, 15),
    datetime(2026, 1, 15), datetime(2026, 1, 15, 1, tzinfo=timezone(timedelta(hours=1))),
])
def test_as_of_takes_what_the_command_line_takes(training: mfa_sim.Dataset,
                                                 as_of: str | date) -> None:
    """A day or an ISO 8601 string means that moment in UTC, as ``--as-of`` does; a
    time without a zone is UTC there too."""
    assert audit(training, as_of=as_of, checks="invitation_stale").as_of == MIDNIGHT


@pytest.mark.parametrize(("as_of", "words"), [
    ("15/01/2026", "'15/01/2026' is not an ISO 8601 date"),
    (20260115, "not int"),
])
def test_an_as_of_of_no_date_is_a_usage_error(training: mfa_sim.Dataset, as_of: object,
                                              words: str) -> None:
    with pytest.raises(UsageError, match=words):
        audit(training, as_of=as_of)  # type: ignore[arg-type]


def test_one_string_is_one_pattern_not_its_letters(training: mfa_sim.Dataset) -> None:
    admins = select_checks(["admin_*"])
    assert select_checks("admin_*") == admins
    assert select_checks(severities="critical").ids == ("enforcing_managers_without_mfa",)
    assert "admin_without_mfa" not in select_checks(exclude="admin_*")
    assert CheckSelection.of("admin_without_mfa") == admins
    assert audit(training, checks="admin_*").checks == admins.ids
    assert audit(training, checks=["admin_*"]).checks == admins.ids


@pytest.mark.parametrize("checks", [3, [3], b"admin_*"])
def test_checks_of_another_kind_are_a_usage_error(training: mfa_sim.Dataset,
                                                  checks: object) -> None:
    with pytest.raises(UsageError, match="checks takes"):
        audit(training, checks=checks)  # type: ignore[arg-type]


def test_mutes_and_a_baseline_may_be_given_as_files(training: mfa_sim.Dataset,
                                                   tmp_path: Path) -> None:
    mutes = tmp_path / "mutes.yaml"
    mutes.write_text("- check: '*'\n  reason: accepted for the test\n", encoding="utf-8")
    first = audit(training, as_of=MIDNIGHT, mutes=str(mutes))
    assert first.muted == len(first.findings) > 0
    alone = audit(training, as_of=MIDNIGHT, mutes=Mute("*", "accepted for the test"))
    assert alone.muted == first.muted
    baseline = tmp_path / "old.json"
    from mfa_sim.report.audit_json import audit_json

    baseline.write_bytes(audit_json(audit(training, as_of=MIDNIGHT)))
    again = audit(training, as_of=MIDNIGHT, baseline=baseline)
    assert again.changes() == {"new": 0, "unchanged": len(again.findings), "resolved": 0,
                               "not_compared": 0}


@pytest.mark.parametrize(("option", "value", "words"), [
    ("mutes", [3], "mutes takes"),
    ("mutes", 3, "mutes takes"),
    ("baseline", 3, "baseline takes"),
    ("policy", 3, "a policy is a preset's name"),
])
def test_other_kinds_of_audit_input_are_usage_errors(training: mfa_sim.Dataset, option: str,
                                                     value: object, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        audit(training, **{option: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("checks", ["invitation_blocked",
                                    select_checks(["invitation_blocked"])])
def test_a_selection_the_policy_leaves_nothing_of_is_refused(
        training: mfa_sim.Dataset, checks: str | CheckSelection) -> None:
    """GitLab never blocks joining: ``invitation_blocked`` cannot arise under it, and an
    audit that would run nothing is refused, not reported clean."""
    with pytest.raises(InputError) as raised:
        mfa_sim.audit(training, policy="gitlab", checks=checks)
    [problem] = raised.value.problems
    assert (problem.file, problem.value) == ("checks", "invitation_blocked")
    assert "no finding of this check can arise under policy 'gitlab'" in problem.message
    assert "nothing is left to run" in problem.message
    with pytest.raises(InputError, match="no finding of these checks can arise"):
        audit(training, policy="gitlab",
              checks=["invitation_blocked", "enforcement_blocked_by_member"])
    # What the policy leaves of a wider selection still runs.
    assert audit(training, policy="gitlab", checks="invitation_*").checks == (
        "invitation_stale", "invitation_for_member")


def test_a_policy_under_which_no_check_can_arise_is_refused(
        training: mfa_sim.Dataset) -> None:
    from dataclasses import replace

    silent = replace(POLICIES["gitlab"], name="silent", checks=frozenset())
    with pytest.raises(InputError) as raised:
        audit(training, policy=silent)
    assert [(p.file, p.value) for p in raised.value.problems] == [("policy", "silent")]


def test_compare_takes_one_policy_as_a_string_or_a_policy() -> None:
    example = mfa_sim.load_dataset(EXAMPLE)
    assert mfa_sim.compare(example, SCENARIO, "github").policies == ("github",)
    assert mfa_sim.compare(example, SCENARIO, POLICIES["npm"]).policies == ("npm",)
    with pytest.raises(UsageError, match="a policy is a preset's name"):
        mfa_sim.compare(example, SCENARIO, 3)  # type: ignore[arg-type]
