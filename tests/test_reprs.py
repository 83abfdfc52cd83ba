"""How public result objects show themselves: a concise one-line repr in a terminal,
readable HTML in Jupyter with every value escaped (issue 7, rich display).

Each type is shown twice: on the example dataset, where the repr must carry the facts a
reader looks for, and on a hostile dataset whose ids and names are markup, which must come
out escaped and never as live HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import mfa_sim
from mfa_sim import Dataset, Outcome, Simulation, Status
from mfa_sim.engine.scenario import load_scenario, parse_scenario
from tests.conftest import EXAMPLE, write_dataset

AS_OF = datetime(2026, 1, 10, tzinfo=UTC)
REPR_LIMIT = 200
"""A terminal repr fits on one line of a wide terminal."""

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'
BOLD_EMAIL = "<b>bob</b>@evil.example"


@pytest.fixture(scope="module")
def example() -> Dataset:
    return mfa_sim.load_dataset(EXAMPLE)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """Ids, emails and names that are markup; the folder's name too."""
    folder = tmp_path_factory.mktemp("reprs") / "<b>&export"
    quoted_image = IMAGE.replace('"', '""')
    write_dataset(folder, {
        "users.csv": ("user_id,email,mfa_enabled,name\n"
                      f'"{quoted_image}",eve@evil.example,true,"{quoted_image}"\n'
                      f"{SCRIPT},{BOLD_EMAIL},false,<i>Bob</i>\n"),
        "accounts.csv": ("account_id,plan,mfa_enforced,name\n"
                         f"{SCRIPT}&acct,teams,true,<marquee>Evil</marquee>\n"
                         "plain,teams,false,Plain\n"),
        "memberships.csv": ("account_id,user_id,role\n"
                            f'{SCRIPT}&acct,"{quoted_image}",owner\n'
                            f"plain,{SCRIPT},member\n"),
        "invitations.csv": f"account_id,email\n{SCRIPT}&acct,<u>new</u>@evil.example\n",
    })
    return mfa_sim.load_dataset(folder)


def assert_concise(text: str, *facts: str) -> None:
    assert "\n" not in text
    assert len(text) <= REPR_LIMIT, text
    assert text.startswith("<")
    assert text.endswith(">")
    for fact in facts:
        assert fact in text, (fact, text)


def assert_escaped(html: str, *raw: str) -> None:
    """No raw markup from the data survives; each value appears escaped."""
    assert "<script" not in html
    assert "<img" not in html
    assert "<marquee" not in html
    assert re.search(r"<b>bob", html) is None
    for value in raw:
        assert value not in html
    assert "&lt;" in html


# -- the example: what a reader sees ----------------------------------------------------------


def test_dataset(example: Dataset) -> None:
    assert_concise(repr(example), "6 users", "3 accounts", "7 memberships", "2 invitations")
    html = example._repr_html_()
    assert "<table>" in html
    assert "<td>6</td>" in html


def test_dataset_summary(example: Dataset) -> None:
    summary = mfa_sim.summarise(example)
    assert_concise(repr(summary), "6 users", "50.0% with MFA", "3 accounts")
    html = summary._repr_html_()
    assert "MFA enabled: 3 (50.0%)" in html
    assert "<td>individual</td>" in html
    assert "<td>no</td>" in html
    assert str(summary).startswith("Dataset")  # the validate command's text is unchanged


def test_outcome_and_event(example: Dataset) -> None:
    outcome = Simulation(example).enforce_mfa("a_team")
    assert_concise(repr(outcome), "step 1", "enforce_mfa", "rejected (noncompliant_members)",
                   "u_ben, u_chloe")
    removal = Simulation(example).disable_mfa("u_eli").events[1]
    assert repr(removal) == ("<Event member_removed account='a_secure' user='u_eli' "
                             "reason=mfa_disabled>")
    assert ">rejected</span>" in outcome._repr_html_()


def test_outcome_repr_stays_on_one_line_whatever_the_message() -> None:
    long = Outcome(0, "disable_mfa", {}, AS_OF, Status.APPLIED, None, (),
                   "first line\nsecond line " + "x" * 500)
    text = repr(long)
    assert_concise(text, "disable_mfa: applied", "first line\\nsecond line")
    assert text.endswith("\u2026'>")


def test_simulation_run_and_summary(example: Dataset) -> None:
    sim = Simulation(example)
    sim.disable_mfa("u_dana")
    sim.disable_mfa("u_eli")
    assert_concise(repr(sim), "dnsimple", "2 steps")
    assert_concise(repr(sim.run), "2 steps", "2 applied")
    assert_concise(repr(sim.run.summary), "2 removed", "0 blocked", "2 warnings")
    assert sim.run._repr_html_() == sim._repr_html_()
    summary = sim.run.summary._repr_html_()
    assert "<strong>Removed memberships</strong> (2)" in summary
    assert "<td>account_unmanaged</td>" in summary
    assert "<td>account_empty</td>" in summary
    sim.undo()
    assert repr(sim.run.summary) == "<RunSummary: 1 removed, 0 blocked, 0 warnings>"


def test_audit_result_and_what_if_tables(example: Dataset) -> None:
    result = mfa_sim.audit(example, as_of=AS_OF)
    assert_concise(repr(result), "6 findings", "2 high", "3 accounts")
    assert "Findings by severity" in result._repr_html_()
    what_ifs = result.what_ifs
    assert what_ifs is not None
    assert_concise(repr(what_ifs), "3 users", "1 account>")
    html = what_ifs._repr_html_()
    assert "<td>u_dana</td>" in html
    assert "<td>u_ben, u_chloe</td>" in html


def test_scenario(example: Dataset) -> None:
    scenario = load_scenario(EXAMPLE / "scenario.yaml", example)
    assert_concise(repr(scenario), "'Enforcing MFA on the Acme web team'", "18 steps",
                   "dnsimple", "2026-01-05T09:00:00Z", "seed 7")
    html = scenario._repr_html_()
    assert html.count("<tr>") == 19  # the header and one row per step
    assert "account=a_team, actor=u_alice" in html


def test_generated_dataset(tmp_path: Path) -> None:
    counts = mfa_sim.generate_dataset(tmp_path / "g", 50, seed=1)
    # A plain record of counts: the dataclass's own repr is already one short line.
    assert repr(counts) == (f"GeneratedDataset(users=50, accounts={counts.accounts}, "
                            f"memberships={counts.memberships}, "
                            f"invitations={counts.invitations})")
    assert '<td class="mfa-sim-number">50</td>' in counts._repr_html_()


def test_graph_drawing(example: Dataset) -> None:
    from mfa_sim.graph import draw, focus_graph

    drawing = draw(focus_graph(example, account="a_team"), seed=1)
    assert_concise(repr(drawing), "focus", "6 nodes")
    assert drawing._repr_png_().startswith(b"\x89PNG")


def test_explorer_and_its_preview(example: Dataset) -> None:
    from mfa_sim.explorer import Explorer

    explorer = Explorer(example)
    assert_concise(repr(explorer), "nothing selected", "0 steps")
    explorer.select("user", "u_eli")
    preview = explorer.try_action("disable_mfa")
    assert_concise(repr(explorer), "user 'u_eli'")
    assert_concise(repr(preview), "what-if", "disable_mfa: applied", "1 removed")
    assert "What-if (nothing changed)" in preview._repr_html_()


# -- hostile data: escaped everywhere -----------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    name: str
    make: Callable[[Dataset], Any]


def _run(dataset: Dataset) -> Simulation:
    sim = Simulation(dataset)
    sim.disable_mfa(IMAGE)
    sim.accept_invitation(f"{SCRIPT}&acct", "<u>new</u>@evil.example")
    sim.enforce_mfa("plain")
    return sim


def _scenario(dataset: Dataset) -> Any:
    text = (f"name: '{SCRIPT}'\nsteps:\n"
            f"  - enforce_mfa: {{account: '{SCRIPT}&acct'}}\n"
            f"  - disable_mfa: {{user: '{IMAGE}'}}\n")
    return parse_scenario(text, dataset, source=f"{SCRIPT}.yaml")


def _preview(dataset: Dataset) -> Any:
    from mfa_sim.explorer import Explorer

    explorer = Explorer(dataset)
    explorer.select("user", IMAGE)
    return explorer.try_action("disable_mfa")


SHOWN = [
    Shown("dataset", lambda d: d),
    Shown("summary", mfa_sim.summarise),
    Shown("simulation", _run),
    Shown("run", lambda d: _run(d).run),
    Shown("run summary", lambda d: _run(d).run.summary),
    Shown("outcome", lambda d: _run(d).outcomes[0]),
    Shown("refusal", lambda d: _run(d).outcomes[2]),
    Shown("audit", lambda d: mfa_sim.audit(d, as_of=AS_OF)),
    Shown("what-if tables", lambda d: mfa_sim.audit(d, as_of=AS_OF).what_ifs),
    Shown("scenario", _scenario),
    Shown("explorer preview", _preview),
]


@pytest.mark.parametrize("shown", SHOWN, ids=[s.name for s in SHOWN])
def test_html_escapes_every_value(hostile: Dataset, shown: Shown) -> None:
    thing = shown.make(hostile)
    assert_escaped(thing._repr_html_(), SCRIPT, IMAGE, BOLD_EMAIL)


@pytest.mark.parametrize("shown", SHOWN, ids=[s.name for s in SHOWN])
def test_terminal_repr_is_one_line(hostile: Dataset, shown: Shown) -> None:
    text = repr(shown.make(hostile))
    assert "\n" not in text
    assert len(text) <= REPR_LIMIT + len(str(hostile.source))


def test_hostile_story_is_what_the_reprs_show(hostile: Dataset) -> None:
    # The fixture's run does what the escaping tests assume: a removal, a refusal.
    sim = _run(hostile)
    assert [outcome.status.value for outcome in sim.outcomes] == [
        "applied", "rejected", "rejected"]
    assert sim.outcomes[0].events[1].account == f"{SCRIPT}&acct"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;acct" in sim.outcomes[0]._repr_html_()
