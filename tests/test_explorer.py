"""The interactive explorer (issue 7): pick an account or a user, try an action, see the
outcome and the impact graph. The logic is driven directly; the widgets' callbacks are
driven by setting values and clicking buttons, as a person would, without a browser."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import mfa_sim
from mfa_sim import Dataset, Simulation, UnknownIdError, UsageError
from mfa_sim.explorer import NO_ACTOR, Explorer, explore
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def example() -> Dataset:
    return mfa_sim.load_dataset(EXAMPLE)


@pytest.fixture
def explorer(example: Dataset) -> Explorer:
    return Explorer(example)


# -- picking a subject ----------------------------------------------------------------------


def test_subjects_are_listed_sorted_and_searched_ignoring_case(explorer: Explorer) -> None:
    assert explorer.subjects("user") == ["u_alice", "u_ben", "u_chloe", "u_dana", "u_eli",
                                         "u_finn"]
    assert explorer.subjects("account", "SEC") == ["a_secure"]
    assert explorer.subjects("user", "u_", limit=2) == ["u_alice", "u_ben"]
    assert explorer.subjects("user", "nobody") == []


def test_selecting_needs_a_known_kind_and_id(explorer: Explorer) -> None:
    with pytest.raises(UsageError, match="pick an account or a user"):
        explorer.select("team", "a_team")
    with pytest.raises(UnknownIdError):
        explorer.select("account", "a_nope")
    with pytest.raises(UnknownIdError):
        explorer.select("user", "a_team")  # ids are per kind
    with pytest.raises(UsageError, match="select an account or a user first"):
        explorer.actions()


def test_account_actions_offer_its_members_and_the_other_plans(explorer: Explorer) -> None:
    explorer.select("account", "a_team")
    forms = {form.action.value: form for form in explorer.actions()}
    assert list(forms) == ["enforce_mfa", "disable_enforcement", "change_plan", "remove_member"]
    actor = forms["enforce_mfa"].fields[0]
    assert (actor.name, actor.options, actor.default) == (
        "actor", (NO_ACTOR, "u_alice", "u_ben", "u_chloe", "u_dana"), NO_ACTOR)
    plan = forms["change_plan"].fields[0]
    assert "teams" not in plan.options
    assert "business" in plan.options
    member = forms["remove_member"].fields[0]
    assert member.options == ("u_alice", "u_ben", "u_chloe", "u_dana")


def test_user_actions_are_disabling_and_enabling_mfa(explorer: Explorer) -> None:
    explorer.select("user", "u_ben")
    forms = explorer.actions()
    assert [form.action.value for form in forms] == ["disable_mfa", "enable_mfa"]
    assert forms[1].defaults() == {"method": "totp", "clock_skew": 0.0}


def test_arguments_leave_out_defaults_that_mean_nothing(explorer: Explorer) -> None:
    explorer.select("account", "a_team")
    assert explorer.arguments("enforce_mfa") == {"account": "a_team"}
    assert explorer.arguments("enforce_mfa", actor="u_alice") == {"account": "a_team",
                                                                  "actor": "u_alice"}
    explorer.select("user", "u_ben")
    assert explorer.arguments("enable_mfa") == {"user": "u_ben", "method": "totp"}
    assert explorer.arguments("enable_mfa", clock_skew="95") == {
        "user": "u_ben", "method": "totp", "clock_skew": 95.0}


def test_arguments_outside_the_form_are_refused(explorer: Explorer) -> None:
    explorer.select("account", "a_team")
    with pytest.raises(UsageError, match="'u_eli' is not one of"):
        explorer.arguments("remove_member", user="u_eli")
    with pytest.raises(UsageError, match="has no field 'plan'"):
        explorer.arguments("enforce_mfa", plan="teams")
    with pytest.raises(UsageError, match="offers no action 'disable_mfa'"):
        explorer.arguments("disable_mfa")
    with pytest.raises(UsageError, match="offers no action 'fly'"):
        explorer.form("fly")
    explorer.select("user", "u_ben")
    with pytest.raises(UsageError, match="'soon' is not a number"):
        explorer.arguments("enable_mfa", clock_skew="soon")


# -- trying and applying --------------------------------------------------------------------


def test_trying_is_the_simulations_what_if_and_changes_nothing(example: Dataset,
                                                                explorer: Explorer) -> None:
    explorer.select("user", "u_dana")
    preview = explorer.try_action("disable_mfa")
    expected = Simulation(example).what_if("disable_mfa", user="u_dana")
    assert preview.outcome.to_json() == expected.to_json()
    assert (preview.applied, preview.removed, preview.unmanaged) == (False, 1, 0)
    assert explorer.simulation.outcomes == ()
    assert explorer.preview is preview
    removed = [(u, v) for u, v, kind in preview.graph.edges(data="kind") if kind == "removed"]
    assert removed == [("account:a_secure", "user:u_dana")]


def test_a_refused_action_has_an_empty_impact(explorer: Explorer) -> None:
    explorer.select("account", "a_team")
    preview = explorer.try_action("enforce_mfa", actor="u_alice")
    assert (preview.outcome.status.value, preview.outcome.reason.value) == (
        "rejected", "noncompliant_members")
    assert preview.graph.number_of_nodes() == 0
    drawing = preview.draw()
    assert (drawing.view, drawing.nodes) == ("impact", ())


def test_applying_moves_on_and_later_tries_start_there(explorer: Explorer) -> None:
    explorer.select("account", "a_team")
    first = explorer.apply("remove_member", user="u_ben", actor="u_alice")
    second = explorer.apply("remove_member", user="u_chloe", actor="u_alice")
    assert (first.applied, first.removed, second.removed) == (True, 1, 1)
    assert explorer.actions()[3].fields[0].options == ("u_alice", "u_dana")
    assert explorer.try_action("enforce_mfa").outcome.status.value == "applied"
    assert "u_ben" not in {data.get("user_id") for _, data in explorer.focus().nodes(data=True)}
    assert explorer.describe() == ("a_team: teams plan (teams tier), not enforcing MFA; "
                                   "2 members.")
    assert explorer.undo().step == 2
    assert len(explorer.simulation.outcomes) == 1
    assert explorer.preview is None


def test_undo_without_a_step_is_refused(explorer: Explorer) -> None:
    with pytest.raises(UsageError, match="no step to undo"):
        explorer.undo()


def test_the_chloe_clock_story_through_the_explorer(example: Dataset) -> None:
    explorer = Explorer(example, start=mfa_sim.engine.simulation.DEFAULT_START, seed=7)
    explorer.select("user", "u_chloe")
    assert explorer.try_action("enable_mfa", clock_skew=95).outcome.reason.value == \
        "invalid_code"
    assert explorer.try_action("enable_mfa", method="security_key").outcome.applied


def test_exploring_a_simulation_never_moves_it(example: Dataset) -> None:
    sim = Simulation(example)
    sim.enforce_mfa("a_team")
    explorer = Explorer(sim)
    explorer.select("user", "u_eli")
    explorer.apply("disable_mfa")
    assert len(sim.outcomes) == 1
    assert len(explorer.simulation.outcomes) == 2
    assert sim.state.role_of("a_secure", "u_eli") == "admin"


def test_a_user_signed_up_during_the_simulation_can_be_explored(example: Dataset) -> None:
    sim = Simulation(example)
    sim.sign_up("gina@newhire.example", "u_gina")
    explorer = Explorer(sim)
    assert "u_gina" not in explorer.subjects("user")  # the list is the dataset's
    explorer.select("user", "u_gina")
    assert explorer.describe() == "u_gina: MFA not enabled; member of 0 accounts."
    assert explorer.try_action("enable_mfa").outcome.applied


def test_describe_says_where_the_subject_stands(explorer: Explorer) -> None:
    explorer.select("account", "a_team")
    assert explorer.describe() == ("a_team: teams plan (teams tier), not enforcing MFA; "
                                   "4 members, 2 without MFA: u_ben, u_chloe.")
    explorer.select("user", "u_finn")
    assert explorer.describe() == "u_finn: MFA not enabled; member of 1 account, 0 enforcing MFA."


# -- the widgets ----------------------------------------------------------------------------

widgets = pytest.importorskip("ipywidgets")


def app_for(example: Dataset, **options: Any) -> Any:
    return explore(example, draw=False, **options)


def test_explore_starts_on_the_first_account(example: Dataset) -> None:
    app = app_for(example)
    assert (app.kind.value, app.subject.options, app.subject.value) == (
        "account", ("a_secure", "a_solo", "a_team"), "a_secure")
    assert "a_secure: business plan (business tier), enforcing MFA; 2 members." in \
        app.about.value
    assert [value for _, value in app.action.options] == [
        "enforce_mfa", "disable_enforcement", "change_plan", "remove_member"]
    assert [child.description for child in app.fields.children] == ["done by"]
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == ("<ExplorerApp over <Explorer on account 'a_secure': "
                                    "0 steps applied>: run the notebook in Jupyter to use its "
                                    "widgets>")


def test_switching_kind_and_searching_update_the_choices(example: Dataset) -> None:
    app = app_for(example)
    app.kind.value = "user"
    assert app.subject.options[:2] == ("u_alice", "u_ben")
    assert [value for _, value in app.action.options] == ["disable_mfa", "enable_mfa"]
    app.search.value = "CHL"
    assert (app.subject.options, app.subject.value) == (("u_chloe",), "u_chloe")
    assert "u_chloe: MFA not enabled" in app.about.value
    app.search.value = "zz"
    assert app.subject.options == ()
    assert app.about.value == "<p>No id matches.</p>"
    app.try_button.click()
    assert app.outcome.value == "<p>Pick an action first.</p>"


def test_try_shows_the_outcome_and_changes_nothing(example: Dataset) -> None:
    app = app_for(example)
    app.subject.value = "a_team"
    app.fields.children[0].value = "u_alice"
    app.try_button.click()
    assert "What-if (nothing changed)" in app.outcome.value
    assert "Enforcement refused on a_team: 2 members lack MFA: u_ben, u_chloe." in \
        app.outcome.value
    assert app.explorer.simulation.outcomes == ()


def test_apply_and_undo_through_the_buttons(example: Dataset) -> None:
    app = app_for(example)
    app.kind.value = "user"
    app.subject.value = "u_dana"
    app.action.value = "disable_mfa"
    app.apply_button.click()
    assert "<strong>Applied</strong>" in app.outcome.value
    assert "removed from 1 enforcing account: a_secure" in app.outcome.value
    assert app.status.value == "<p><small>1 step applied.</small></p>"
    assert "u_dana: MFA not enabled; member of 1 account" in app.about.value
    assert app.action.value == "disable_mfa"  # the action stays picked
    app.undo_button.click()
    assert app.outcome.value.startswith("<p>Took back step 1: u_dana disabled MFA")
    assert app.status.value == "<p><small>0 steps applied.</small></p>"
    app.undo_button.click()
    assert "Not possible:</strong> there is no step to undo" in app.outcome.value


def test_fields_follow_the_action_and_feed_it(example: Dataset) -> None:
    app = app_for(example, seed=7)
    app.kind.value = "user"
    app.subject.value = "u_chloe"
    app.action.value = "enable_mfa"
    assert app.values() == {"method": "totp", "clock_skew": 0.0}
    app.fields.children[1].value = 95
    preview = app.on_try()
    assert preview is not None
    assert preview.outcome.reason.value == "invalid_code"
    app.fields.children[0].value = "security_key"
    assert app.on_try().outcome.applied


def test_errors_are_shown_not_raised(example: Dataset) -> None:
    app = app_for(example)
    app.kind.value = "user"
    app.action.value = "enable_mfa"
    app._field_widgets["clock_skew"] = widgets.Text(value="soon")
    assert app.on_try() is None
    assert "Not possible:</strong> phone clock ahead by (seconds): &#x27;soon&#x27; is not" \
        in app.outcome.value


def test_the_graph_shows_the_focus_then_the_impact(example: Dataset) -> None:
    app = explore(example)
    app.kind.value = "user"
    app.subject.value = "u_eli"
    focus = bytes(app.graph.value)  # ipywidgets keeps it as a memoryview
    assert focus.startswith(b"\x89PNG")
    app.action.value = "disable_mfa"
    app.try_button.click()
    impact = bytes(app.graph.value)
    assert impact.startswith(b"\x89PNG")
    assert impact != focus
    app.apply_button.click()
    assert bytes(app.graph.value) == impact  # the same impact stays in view after applying


def test_without_ipywidgets_the_error_says_how_to_install(example: Dataset,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r'pip install "mfa-sim\[explorer\]"'):
        explore(example)
    # The logic needs no widget.
    explorer = Explorer(example)
    explorer.select("user", "u_eli")
    assert explorer.try_action("disable_mfa").removed == 1
