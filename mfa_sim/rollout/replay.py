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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mfa_sim.outcome import iso
from mfa_sim.rollout.plan import Reinvite, RolloutPlan, WaveKind

Step = tuple[str, dict[str, Any]]

ENROLMENT_METHOD = "security_key"
"""How the plan's people enable MFA in the scenario: a security key needs no clock."""

_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                                 "\U00010000-\U0010ffff]")


def yaml_quoted(text: str) -> str:
    """Text as a YAML double-quoted scalar that reads back exactly.

    JSON's string escapes are YAML's too; what YAML may not hold raw (C1 controls,
    ``U+FFFE``) is escaped as well.

    Examples
    --------
    >>> print(yaml_quoted('a "b"\\n\\x85\\x9b'))
    "a \\"b\\"\\n\\x85\\x9b"
    >>> import yaml
    >>> yaml.safe_load(yaml_quoted("007 \\u202e\\x9b: #x")) == "007 \\u202e\\x9b: #x"
    True
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda found: _escape(found.group()), quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plan_steps(plan: RolloutPlan) -> Iterator[Step]:
    """The planned waves as scenario steps, in order."""
    accounts = plan.accounts
    wave_of = accounts.column("wave").to_pylist()
    ids = accounts.column("account").to_pylist()
    by_wave: dict[int, list[str]] = {}
    for account, wave in zip(ids, wave_of, strict=True):
        by_wave.setdefault(wave, []).append(account)
    for wave in plan.waves:
        if not wave.planned:
            continue
        for user in wave.asked:
            yield "enable_mfa", {"user": user, "method": ENROLMENT_METHOD}
        if wave.kind is WaveKind.REMOVALS:
            yield from _removal_steps(plan, by_wave.get(wave.number, []))
        else:
            for account in by_wave.get(wave.number, []):
                yield "enforce_mfa", {"account": account}


def _removal_steps(plan: RolloutPlan, accounts: list[str]) -> Iterator[Step]:
    removals = plan.removals
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in removals.to_pylist():
        rows.setdefault(row["account"], []).append(row)
    refuses = plan.enforcement.refuses_noncompliant
    for account in accounts:
        members = rows.get(account, [])
        if refuses:
            for row in members:
                yield "remove_member", {"account": account, "user": row["user"]}
        yield "enforce_mfa", {"account": account}
        if refuses:
            for row in members:
                if row["reinvite"] == Reinvite.INVITED.value:
                    yield "invite", {"account": account, "email": row["email"],
                                     "role": row["role"]}


def _step_line(action: str, args: dict[str, Any]) -> str:
    inner = ", ".join(f"{key}: {yaml_quoted(str(value))}" for key, value in args.items())
    return f"  - {action}: {{{inner}}}\n"


def scenario_yaml(plan: RolloutPlan, name: str | None = None) -> str:
    """The plan as a scenario file's text (contract §2): its policy, its date as the
    clock's start, seed 0.

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
    title = name or (f"Rollout plan for {plan.source}" if plan.source else "Rollout plan")
    head = (f"name: {yaml_quoted(title)}\npolicy: {yaml_quoted(plan.policy)}\n"
            f"start: {yaml_quoted(iso(plan.as_of))}\nseed: 0\n")
    lines = [_step_line(action, args) for action, args in plan_steps(plan)]
    return head + ("steps:\n" + "".join(lines) if lines else "steps: []\n")


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
    steps = list(plan_steps(plan))
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
        invited=frozenset((args["account"], args["email"]) for action, args in steps
                          if action == "invite"),
        enforced=frozenset(args["account"] for action, args in steps
                           if action == "enforce_mfa"))
