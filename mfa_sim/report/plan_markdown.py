"""``plan --format markdown``: the plan for a ticket: the campaign in a sentence, each
wave with what it does and risks, then the contact list as a table.

Every value from the data is escaped (:func:`~mfa_sim.report.markdown.escape_markdown`),
so no id can open a table cell, emphasis, a link or an HTML tag.
"""

from __future__ import annotations

from mfa_sim.report.markdown import code, escape_markdown
from mfa_sim.report.plan_text import plan_header
from mfa_sim.report.plan_words import (
    CONTACT_HEADINGS,
    NUMBER_HEADINGS,
    Markup,
    contact_cells,
    people,
    wave_lines,
    wave_title,
)
from mfa_sim.rollout import RolloutPlan


def _code(word: str) -> str:
    return code(word) if not word.startswith("--") else f"`{escape_markdown(word)}`"


MARKDOWN = Markup(escape_markdown, _code)


def plan_markdown(plan: RolloutPlan) -> str:
    """The plan as Markdown.

    Examples
    --------
    >>> import mfa_sim
    >>> from mfa_sim.rollout import plan
    >>> text = plan_markdown(plan(mfa_sim.load_dataset("datasets/example")))
    >>> print(text.splitlines()[0])
    # Rollout plan for datasets/example under dnsimple, as of ...
    >>> print(text.splitlines()[-1])
    | 2 | u\\_chloe | chloe@acme.example | no | 1 | 0 | 1: a\\_team | 1 | 4 | 1 |
    """
    title, *rest = plan_header(plan, MARKDOWN)
    lines = [f"# {title}", "", *(f"{line}  " for line in rest), "", "## Waves", ""]
    for wave in plan.waves:
        lines += [f"### {wave_title(plan, wave)}", ""]
        lines += [f"- {line}" for line in wave_lines(plan, wave, MARKDOWN)] or ["Nothing to do."]
        lines.append("")
    lines += ["## Contacts", "",
              f"The first {len(plan.contacts):,} of {people(plan.people)} lacking MFA, "
              f"in the order to ask them.", ""]
    lines.append("| " + " | ".join(CONTACT_HEADINGS) + " |")
    lines.append("|" + "|".join("---:" if heading in NUMBER_HEADINGS else "---"
                                for heading in CONTACT_HEADINGS) + "|")
    lines += ["| " + " | ".join(contact_cells(contact, MARKDOWN)) + " |"
              for contact in plan.contacts]
    return "\n".join(lines) + "\n"
