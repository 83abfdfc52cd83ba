"""``plan --format text``: the waves, then the contact list, for a terminal.

Every value is shown with its control characters escaped
(:func:`~mfa_sim.report.audit_summary.shown_text`), so an id stays one piece of text
on one line and cannot restyle the terminal.
"""

from __future__ import annotations

from mfa_sim.model.outcome import iso
from mfa_sim.report.audit_summary import plural, shown_text
from mfa_sim.report.plan_words import (
    CONTACT_HEADINGS,
    Markup,
    contact_cells,
    people,
    skipped_line,
    wave_lines,
    wave_title,
)
from mfa_sim.rollout import RolloutPlan

TEXT = Markup(shown_text, str)


def plan_header(plan: RolloutPlan, markup: Markup) -> list[str]:
    """The title and the plan in a few sentences."""
    source = f" for {markup.value(plan.source)}" if plan.source else ""
    lines = [f"Rollout plan{source} under {markup.value(plan.policy)}, as of "
             f"{iso(plan.as_of)[:10]}",
             plan.campaign(),
             f"Targeted: {plural(plan.targets, 'account')} "
             f"({plural(plan.target_members, 'member')}); "
             f"{people(plan.people)} {'lacks' if plan.people == 1 else 'lack'} MFA."]
    skipped = skipped_line(plan)
    if skipped:
        lines.append(skipped)
    return lines


def plan_text(plan: RolloutPlan) -> str:
    """The plan for a terminal.

    Examples
    --------
    >>> import mfa_sim
    >>> from datetime import UTC, datetime
    >>> from mfa_sim.rollout import plan
    >>> found = plan(mfa_sim.load_dataset("datasets/example"),
    ...              as_of=datetime(2026, 1, 5, tzinfo=UTC))
    >>> print(plan_text(found), end="")
    Rollout plan for datasets/example under dnsimple, as of 2026-01-05
    0 accounts are ready today; ask these 2 people and 1 of 1 account becomes ready.
    Targeted: 1 account (4 members); 2 people lack MFA.
    Not targeted: 1 account already enforcing, 1 account on a plan below teams.
    <BLANKLINE>
    Wave 0: ready today, enforce 0 accounts
    Wave 1: ask 2 people, then enforce 1 account
      - Ask to enable MFA: u_ben, u_chloe.
      - Enforce on 1 account (4 members): a_team.
    <BLANKLINE>
    Contacts (2 of 2 people)
    #  user     email               manages  blocks  alone  readies    ready  members  wave
    1  u_ben    ben@acme.example    no       1       0      0          0      0        1
    2  u_chloe  chloe@acme.example  no       1       0      1: a_team  1      4        1
    """
    lines = plan_header(plan, TEXT)
    lines.append("")
    for wave in plan.waves:
        lines.append(wave_title(plan, wave))
        lines += [f"  - {line}" for line in wave_lines(plan, wave, TEXT)]
    lines.append("")
    lines.append(f"Contacts ({len(plan.contacts):,} of {people(plan.people)})")
    rows = [list(CONTACT_HEADINGS), *(contact_cells(contact, TEXT)
                                      for contact in plan.contacts)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip() for row in rows]
    return "\n".join(lines) + "\n"
