"""How values show in Jupyter: the HTML behind every ``_repr_html_``.

The values live in lower layers and know nothing of HTML; :func:`html_of` is the
renderer ``mfa_sim/__init__.py`` installs for them (see :mod:`mfa_sim.model.ports`).

Examples
--------
>>> import mfa_sim
>>> sim = mfa_sim.Simulation(mfa_sim.load_dataset("datasets/example"))
>>> html_of(sim.enforce_mfa("a_team", actor="u_alice")).startswith("<div")
True
>>> html_of(object()) is None
True
"""

from __future__ import annotations

from functools import singledispatch
from html import escape

from mfa_sim.compliance.analytics import WhatIfTables
from mfa_sim.data.generate import GeneratedDataset
from mfa_sim.engine.comparison import Comparison
from mfa_sim.engine.run import Run, RunSummary
from mfa_sim.engine.scenario import Scenario
from mfa_sim.engine.simulation import Simulation
from mfa_sim.model.outcome import Outcome, iso
from mfa_sim.model.summary import DatasetSummary
from mfa_sim.report.comparison import comparison_html_fragment
from mfa_sim.report.html import number_cell, run_html_fragment, table_html, text_cell
from mfa_sim.report.html_outcome import outcome_html


@singledispatch
def html_of(value: object) -> str | None:
    """The HTML a notebook shows for ``value``, or ``None`` for a value it does not know."""
    return None


@html_of.register
def _outcome(value: Outcome) -> str:
    return outcome_html(value)


@html_of.register
def _comparison(value: Comparison) -> str:
    return comparison_html_fragment(value)


@html_of.register
def _run(value: Run) -> str:
    return run_html_fragment(value)


@html_of.register
def _simulation(value: Simulation) -> str:
    return run_html_fragment(value.run)


@html_of.register
def _run_summary(value: RunSummary) -> str:
    sections = [
        ("Removed memberships", ["step", "account", "user"],
         [[number_cell(item["step"]), text_cell(item["account"]), text_cell(item["user"])]
          for item in value.removed]),
        ("Blocked invitations", ["step", "account", "email"],
         [[number_cell(item["step"]), text_cell(item["account"]), text_cell(item["email"])]
          for item in value.blocked]),
        ("Warnings", ["step", "warning", "account"],
         [[number_cell(item["step"]), text_cell(item["type"]), text_cell(item["account"])]
          for item in value.warnings]),
    ]
    parts = [f"<p><strong>{escape(title)}</strong> ({len(rows)})</p>"
             + (table_html(header, rows) if rows else "")
             for title, header, rows in sections]
    return f'<div class="mfa-sim">{"".join(parts)}</div>'


@html_of.register
def _scenario(value: Scenario) -> str:
    rows = [[number_cell(step.number), f"<td><code>{escape(step.action.value)}</code></td>",
             text_cell(", ".join(f"{key}={arg}" for key, arg in step.args.items()))]
            for step in value.steps]
    title = escape(value.name or "Scenario")
    where = f" from <code>{escape(value.source)}</code>" if value.source else ""
    return (f'<div class="mfa-sim"><p><strong>{title}</strong>{where}: policy '
            f"<strong>{escape(value.policy)}</strong>, clock from {escape(iso(value.start))}, "
            f"seed {value.seed}, {len(value.steps)} steps.</p>"
            f"{table_html(['step', 'action', 'arguments'], rows)}</div>")


@html_of.register
def _dataset_summary(value: DatasetSummary) -> str:
    unknown = f", {value.users_mfa_unknown:,} unknown" if value.users_mfa_unknown else ""
    counts = table_html(["", "count", ""], [
        [text_cell("users"), number_cell(f"{value.users:,}"),
         text_cell(f"MFA enabled: {value.users_with_mfa:,} ({value.mfa_adoption:.1%})"
                   f"{unknown}")],
        [text_cell("accounts"), number_cell(f"{value.accounts:,}"), text_cell("")],
        [text_cell("memberships"), number_cell(f"{value.memberships:,}"),
         text_cell(f"owners and admins: {value.owners_and_admins:,}")],
        [text_cell("invitations"), number_cell(f"{value.invitations:,}"),
         text_cell(f"awaiting MFA: {value.invitations_awaiting_mfa:,}")],
    ])
    tiers = table_html(["tier", "accounts", "enforcing MFA", "enforcement available"], [
        [text_cell(tier.tier.value), number_cell(f"{tier.accounts:,}"),
         number_cell(f"{tier.enforcing:,}"),
         text_cell("yes" if tier.tier.can_enforce_mfa else "no")]
        for tier in value.tiers])
    title = escape(f"Dataset {value.source or ''}".rstrip() + ": valid")
    return f'<div class="mfa-sim"><p><strong>{title}</strong></p>{counts}{tiers}</div>'


@html_of.register
def _what_if_tables(value: WhatIfTables) -> str:
    shown = 10
    parts = []
    for title, table in (("Blast radius: what disabling MFA would cost each user",
                          value.blast_radius),
                         ("Blockers: the members keeping each account from enforcing",
                          value.blockers)):
        rows = [[text_cell(", ".join(map(str, cell)) if isinstance(cell, list) else cell)
                 for cell in row.values()]
                for row in table.slice(0, shown).to_pylist()]
        more = (f"<p>… and {table.num_rows - shown:,} more.</p>"
                if table.num_rows > shown else "")
        parts.append(f"<p><strong>{escape(title)}</strong> ({table.num_rows:,} rows)</p>"
                     + (table_html([escape(name) for name in table.column_names], rows)
                        if rows else "") + more)
    return f'<div class="mfa-sim">{"".join(parts)}</div>'


@html_of.register
def _generated_dataset(value: GeneratedDataset) -> str:
    rows = [[text_cell(name), number_cell(f"{getattr(value, name):,}")]
            for name in ("users", "accounts", "memberships", "invitations")]
    return f'<div class="mfa-sim">{table_html(["file", "rows"], rows)}</div>'


__all__ = ["html_of"]
