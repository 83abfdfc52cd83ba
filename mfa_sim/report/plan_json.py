"""``plan --format json``: the whole plan for scripts.

Keys: ``policy``, ``source``, ``as_of``, ``options``, ``summary``, ``curve`` (accounts
and members ready for each number of people asked), ``contacts``, ``waves``, then
``accounts`` (one object per targeted account, with its ``wave``) and ``removals`` (one
object per membership the removal wave removes or cuts, with ``reinvite``). The last
two are written column by column (:mod:`mfa_sim.report.json_arrays`), one object a
line, as the audit writes its findings.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from mfa_sim.data.writing import Chunk
from mfa_sim.model.outcome import iso
from mfa_sim.report.json_arrays import json_array_chunks
from mfa_sim.report.plan_words import CONTACT_COLUMNS
from mfa_sim.rollout import Contact, RolloutPlan, Wave

ACCOUNT_KEYS = ("account", "plan", "tier", "members", "blockers", "wave", "ready_after",
                "lockout")
REMOVAL_KEYS = ("account", "user", "email", "role", "manages", "reinvite")
VOCABULARY = frozenset({"tier", "role", "reinvite"})
"""Columns holding only the product's own words."""


def plan_summary(plan: RolloutPlan) -> dict[str, Any]:
    """The ``summary`` object."""
    asked, ready, members = plan.curve[-1]
    return {
        "campaign": plan.campaign(),
        "targets": plan.targets,
        "target_members": plan.target_members,
        "ready_today": plan.curve[0][1],
        "people_blocking": plan.people,
        "contacts": asked,
        "accounts_ready": ready,
        "members_ready": members,
        "needing_removals": plan.targets - ready,
        "skipped": dict(plan.skipped),
    }


def _contact(contact: Contact) -> dict[str, Any]:
    found: dict[str, Any] = {name: getattr(contact, name) for name in CONTACT_COLUMNS}
    found["newly_ready"] = list(contact.newly_ready)
    found["unblocks_alone"] = list(contact.unblocks_alone)
    return found


def _wave(wave: Wave) -> dict[str, Any]:
    found = asdict(wave)
    found["wave"] = found.pop("number")
    found["kind"] = wave.kind.value
    found["joined"] = [{"account": account, "user": user} for account, user in wave.joined]
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in found.items()}


def plan_json_chunks(plan: RolloutPlan) -> list[Chunk]:
    """The plan as JSON, UTF-8, in chunks to write one after the other."""
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    options = plan.options
    head = {
        "policy": plan.policy,
        "source": plan.source,
        "as_of": iso(plan.as_of),
        "options": {"accounts": None if options.accounts is None else list(options.accounts),
                    "contacts": options.contacts, "wave_size": options.wave_size,
                    "include_removals": options.include_removals},
        "summary": plan_summary(plan),
    }
    lines = [f"  {encode(key)}: {encode(value)}" for key, value in head.items()]
    curve = [{"people": people, "accounts_ready": ready, "members_ready": members}
             for people, ready, members in plan.curve]
    for key, items in (("curve", curve), ("contacts", [_contact(c) for c in plan.contacts]),
                       ("waves", [_wave(wave) for wave in plan.waves])):
        inner = ",\n".join(f"    {encode(item)}" for item in items)
        lines.append(f"  {encode(key)}: [\n{inner}\n  ]" if items else f"  {encode(key)}: []")
    body = "{\n" + ",\n".join(lines)
    return [body.encode(), b',\n  "accounts": ',
            *json_array_chunks({key: plan.accounts.column(key) for key in ACCOUNT_KEYS},
                               "  ", VOCABULARY),
            b',\n  "removals": ',
            *json_array_chunks({key: plan.removals.column(key) for key in REMOVAL_KEYS},
                               "  ", VOCABULARY),
            b"\n}\n"]


def plan_json(plan: RolloutPlan) -> bytes:
    """The plan as JSON (see :func:`plan_json_chunks`).

    Examples
    --------
    >>> import json, mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> document = json.loads(plan_json(plan(mfa_sim.load_dataset("datasets/example"))))
    >>> list(document)  # doctest: +NORMALIZE_WHITESPACE
    ['policy', 'source', 'as_of', 'options', 'summary', 'curve', 'contacts', 'waves',
     'accounts', 'removals']
    >>> document["contacts"][1]["newly_ready"], document["accounts"][0]["wave"]
    (['a_team'], 1)
    """
    return b"".join(plan_json_chunks(plan))
