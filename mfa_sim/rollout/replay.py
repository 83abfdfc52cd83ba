"""The plan as a scenario (contract §2), and what replaying it must show.

``mfa-sim plan --scenario-out plan.yaml`` writes the planned waves as steps:
``enforce_mfa`` for the accounts ready today; for each wave of contacts, ``enable_mfa``
for each person asked (standing for them complying), then ``enforce_mfa`` for the
accounts they make ready; with ``include_removals``, for each remaining account,
``remove_member`` for each member lacking MFA, ``enforce_mfa``, then ``invite`` for
each one who can be invited again. ``mfa-sim simulate DATASET plan.yaml`` replays it;
:func:`predicted` says what the replay must show, and the test suite holds the two to
each other.

The file is written line by line, one step a line, every value a YAML double-quoted
scalar: ids may hold any character, and a scenario of a million-user plan is written
in a fraction of what a YAML emitter would take.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.buffers import arrow_of, joined_text, scalar_of, text_array
from mfa_sim.engine.run import Run
from mfa_sim.model.outcome import iso
from mfa_sim.rollout.result import Reinvite, RolloutPlan, WaveKind

if TYPE_CHECKING:
    import pyarrow as pa

ENROLMENT_METHOD = "security_key"
"""How the plan's people enable MFA in the scenario: a security key needs no clock."""

STEP_ARGUMENTS = ("account", "user", "email", "role", "method")
"""The columns of :func:`plan_steps`, in the order a step's arguments are written (each
action's arguments keep the contract's order: ``enable_mfa`` user, method;
``remove_member`` account, user; ``invite`` account, email, role)."""

_YAML_ESCAPED = ("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                 "|[\x85\u2028\u2029]")
_NOT_YAML_PLAIN = re.compile(_YAML_ESCAPED)
_NEEDS_ESCAPES = r'["\\\x00-\x1f\x7f-\x9f\x{2028}\x{2029}\x{fffe}\x{ffff}]'
"""Values :func:`yaml_quoted` changes beyond quoting them (Arrow's regular expressions)."""


def yaml_quoted(text: str) -> str:
    """Text as a YAML double-quoted scalar that reads back exactly.

    JSON's string escapes are YAML's too; what YAML may not hold raw (C1 controls,
    ``U+FFFE``) or would read as a line break (``U+0085``, ``U+2028``, ``U+2029``) is
    escaped as well.

    Examples
    --------
    >>> print(yaml_quoted('a "b"\\n\\x85\\x9b'))
    "a \\"b\\"\\n\\x85\\x9b"
    >>> import yaml
    >>> odd = "007 \\u202e\\x9b\\x85\\u2028: #x"
    >>> yaml.safe_load(yaml_quoted(odd)) == odd
    True
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML_PLAIN.sub(lambda found: _escape(found.group()), quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _quoted_column(values: pa.Array) -> pa.Array:
    """:func:`yaml_quoted` over a text column: quotes joined by Arrow, the rare values
    that need escapes quoted one by one."""
    import pyarrow.compute as pc

    plain = joined_text('"', values, '"')
    odd = pc.fill_null(pc.match_substring_regex(values, _NEEDS_ESCAPES), scalar_of(False))
    if not pc.any(odd).as_py():
        return plain
    exact = text_array([yaml_quoted(value) for value in values.filter(odd).to_pylist()])
    return pc.replace_with_mask(plain, odd, exact)


def plan_steps(plan: RolloutPlan) -> pa.Table:
    """The planned waves as scenario steps, in order: one row per step, ``action`` then
    its arguments (:data:`STEP_ARGUMENTS`, null where the action takes none).

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> steps = plan_steps(plan(mfa_sim.load_dataset("datasets/example")))
    >>> [(row["action"], row["account"] or row["user"]) for row in steps.to_pylist()]
    [('enable_mfa', 'u_ben'), ('enable_mfa', 'u_chloe'), ('enforce_mfa', 'a_team')]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    accounts = plan.accounts
    parts = []
    for wave in plan.waves:
        if not wave.planned:
            continue
        enforced = accounts.filter(pc.equal(accounts.column("wave"), scalar_of(wave.number)))
        if wave.asked:
            users = text_array(wave.asked)
            parts.append(_steps("enable_mfa", len(users), user=users,
                                method=pa.repeat(scalar_of(ENROLMENT_METHOD), len(users))))
        if wave.kind is WaveKind.REMOVALS:
            parts.append(_removal_steps(plan, enforced.column("account")))
        else:
            parts.append(_steps("enforce_mfa", enforced.num_rows,
                                account=enforced.column("account")))
    if not parts:
        return _steps("enforce_mfa", 0)
    return pa.concat_tables(parts)


def _steps(action: str, rows: int, **columns: pa.Array | pa.ChunkedArray) -> pa.Table:
    import pyarrow as pa

    return pa.table({"action": pa.repeat(scalar_of(action), rows),
                     **{name: columns.get(name, pa.nulls(rows, pa.string()))
                        for name in STEP_ARGUMENTS}})


def _removal_steps(plan: RolloutPlan, accounts: pa.ChunkedArray) -> pa.Table:
    """Per account: its removals, its enforcement, its invitations back."""
    import pyarrow as pa
    import pyarrow.compute as pc

    enforce = _steps("enforce_mfa", len(accounts), account=accounts)
    if not plan.enforcement.refuses_noncompliant:
        return enforce
    removals = plan.removals
    removes = _steps("remove_member", removals.num_rows, account=removals.column("account"),
                     user=removals.column("user"))
    back = removals.filter(pc.equal(removals.column("reinvite"),
                                    scalar_of(Reinvite.INVITED.value)))
    invites = _steps("invite", back.num_rows, account=back.column("account"),
                     email=back.column("email"), role=back.column("role"))
    parts = []
    for phase, table in enumerate((removes, enforce, invites)):
        parts.append(table.append_column("phase", arrow_of(np.full(table.num_rows, phase,
                                                                   dtype=np.int8)))
                     .append_column("order", arrow_of(np.arange(table.num_rows,
                                                                dtype=np.int64))))
    ordered = pa.concat_tables(parts).sort_by([("account", "ascending"),
                                               ("phase", "ascending"), ("order", "ascending")])
    return ordered.drop_columns(["phase", "order"])


def scenario_yaml(plan: RolloutPlan, name: str | None = None) -> str:
    """The plan as a scenario file's text (contract §2): its policy, its date as the
    clock's start, seed 0, one step a line.

    Examples
    --------
    >>> import mfa_sim
    >>> from datetime import UTC, datetime
    >>> from mfa_sim.rollout import plan
    >>> found = plan(mfa_sim.load_dataset("datasets/example"),
    ...              as_of=datetime(2026, 1, 5, tzinfo=UTC))
    >>> print(scenario_yaml(found), end="")
    name: "Rollout plan for datasets/example"
    policy: "dnsimple"
    start: "2026-01-05T00:00:00Z"
    seed: 0
    steps:
      - enable_mfa: {user: "u_ben", method: "security_key"}
      - enable_mfa: {user: "u_chloe", method: "security_key"}
      - enforce_mfa: {account: "a_team"}
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim.columns.arrays import one_chunk
    from mfa_sim.data.writing import concatenated

    title = name or (f"Rollout plan for {plan.source}" if plan.source else "Rollout plan")
    head = (f"name: {yaml_quoted(title)}\npolicy: {yaml_quoted(plan.policy)}\n"
            f"start: {yaml_quoted(iso(plan.as_of))}\nseed: 0\n")
    steps = plan_steps(plan)
    if not steps.num_rows:
        return head + "steps: []\n"
    pieces = []
    for name_ in STEP_ARGUMENTS:
        column = one_chunk(steps.column(name_)).cast(pa.string())
        written = joined_text(f", {name_}: ", _quoted_column(column))
        pieces.append(pc.fill_null(written, scalar_of("")))
    arguments = pc.utf8_slice_codeunits(joined_text(*pieces), 2)
    lines = joined_text("  - ", one_chunk(steps.column("action")), ": {", arguments, "}\n")
    return head + "steps:\n" + bytes(concatenated(lines)).decode("utf-8")


@dataclass(frozen=True, slots=True)
class Prediction:
    """What replaying a plan's scenario must show.

    Every step applies; these are the removals, warnings, completed invitations and
    enforcing accounts it must end with, no more and no fewer.
    """

    steps: int
    removed: frozenset[tuple[str, str]]
    warnings: frozenset[tuple[str, str]]
    """``(event type, account)``: ``account_unmanaged`` and ``account_empty``."""
    joined: frozenset[tuple[str, str]]
    invited: frozenset[tuple[str, str]]
    """``(account, email)`` of the invitations sent again."""
    enforced: frozenset[str]
    """Accounts the plan switches enforcement on for."""


def predicted(plan: RolloutPlan) -> Prediction:
    """What the plan predicts its scenario's replay shows."""
    steps = plan_steps(plan).to_pylist()
    removal = next((wave for wave in plan.waves
                    if wave.kind is WaveKind.REMOVALS and wave.planned), None)
    removed: set[tuple[str, str]] = set()
    warnings: set[tuple[str, str]] = set()
    if removal is not None and plan.enforcement.refuses_noncompliant:
        removed = {(row["account"], row["user"]) for row in plan.removals.to_pylist()}
        warnings = {("account_unmanaged", account) for account in removal.left_unmanaged}
        warnings |= {("account_empty", account) for account in removal.left_empty}
    joined = {pair for wave in plan.waves if wave.planned for pair in wave.joined}
    return Prediction(
        steps=len(steps), removed=frozenset(removed), warnings=frozenset(warnings),
        joined=frozenset(joined),
        invited=frozenset((step["account"], step["email"]) for step in steps
                          if step["action"] == "invite"),
        enforced=frozenset(step["account"] for step in steps
                           if step["action"] == "enforce_mfa"))


def observed(run: Run) -> Prediction:
    """What a replay showed, in the terms of a :class:`Prediction` (its ``steps`` count
    only the steps that applied), to compare with :func:`predicted`.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> from mfa_sim.engine.scenario import parse_scenario
    >>> dataset = mfa_sim.load_dataset("datasets/example")
    >>> found = plan(dataset)
    >>> scenario = parse_scenario(scenario_yaml(found), dataset)
    >>> run = mfa_sim.Simulation(dataset, scenario.policy, scenario.start).play(scenario)
    >>> observed(run) == predicted(found)
    True
    """
    events = [event for outcome in run.outcomes for event in outcome.events]

    def pairs(kind: str, second: str) -> frozenset[tuple[str, str]]:
        return frozenset((str(event.account), str(getattr(event, second)))
                         for event in events if event.type.value == kind)

    return Prediction(
        steps=sum(outcome.status.value == "applied" for outcome in run.outcomes),
        removed=frozenset((str(entry["account"]), str(entry["user"]))
                          for entry in run.summary.removed),
        warnings=frozenset((str(entry["type"]), str(entry["account"]))
                           for entry in run.summary.warnings),
        joined=pairs("member_joined", "user"),
        invited=pairs("invitation_sent", "email"),
        enforced=frozenset(str(event.account) for event in events
                           if event.type.value == "enforcement_enabled"))
