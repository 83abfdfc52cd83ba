"""The report of an import: what it mapped, merged and could not know, and its words: the
``SOURCE.md`` written beside the dataset and the text report ``mfa-sim import`` prints.

Values from the exports are shown escaped (control characters as ``\\xNN``), so one
value stays one line and cannot restyle a terminal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from mfa_sim.data.importers.assemble import Conflict
from mfa_sim.data.importers.base import Gap, LeftOut
from mfa_sim.errors import cut_value

if TYPE_CHECKING:
    from mfa_sim.model.dataset import Dataset

PRESET_OF_PRODUCT = {"dnsimple": "dnsimple", "github": "github", "gitlab": "gitlab",
                     "slack": "slack"}
"""The policy preset with each product's own rules (by name: the data layer knows no
policy), for SOURCE.md."""

LISTED = 50
"""How many conflicts (and unmatched emails) are listed before a count of the rest."""

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class FileImport:
    """What one file gave."""

    file: str
    format: str
    recognised: bool
    """Whether ``auto`` chose the format (rather than ``--from``)."""
    users: int
    accounts: int
    memberships: int
    invitations: int
    mfa_states: int
    gaps: tuple[Gap, ...]
    left_out: tuple[LeftOut, ...]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import mapped, merged and could not know.

    Examples
    --------
    >>> from mfa_sim.data.importers import import_export
    >>> report = import_export(["datasets/imports/github-members.json"]).report
    >>> report.files[0].format, report.users, report.accounts
    ('github-graphql', 6, 1)
    """

    files: tuple[FileImport, ...]
    users: int
    accounts: int
    memberships: int
    invitations: int
    merged_users: int
    conflicts: tuple[Conflict, ...]
    mfa_list_applied: int
    mfa_list_unmatched: tuple[str, ...]
    account_choices: tuple[str, ...]
    prefixes: tuple[str, ...]
    output: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as ``--format json`` writes it."""
        return {
            "output": self.output,
            "files": [{"file": item.file, "format": item.format,
                       "recognised": item.recognised, "users": item.users,
                       "accounts": item.accounts, "memberships": item.memberships,
                       "invitations": item.invitations, "mfa_states": item.mfa_states,
                       "gaps": [{"code": gap.code, "count": gap.count,
                                 "message": gap.message} for gap in item.gaps],
                       "left_out": [{"count": left.count, "message": left.message}
                                    for left in item.left_out]}
                      for item in self.files],
            "dataset": {"users": self.users, "accounts": self.accounts,
                        "memberships": self.memberships, "invitations": self.invitations,
                        "merged_users": self.merged_users},
            "prefixes": list(self.prefixes),
            "account_choices": list(self.account_choices),
            "conflicts": [{"kind": conflict.kind, "subject": conflict.subject,
                           "values": [{"file": file, "value": value}
                                      for file, value in conflict.values],
                           "outcome": conflict.outcome} for conflict in self.conflicts],
            "mfa_list": {"applied": self.mfa_list_applied,
                         "unmatched": list(self.mfa_list_unmatched)},
        }

    def __str__(self) -> str:
        return import_text(self)


class Imported(NamedTuple):
    """What :func:`import_export` gives: the dataset and the report of the import."""

    dataset: Dataset
    report: ImportReport



def plain(value: str, *, cut: bool = False) -> str:
    """Text made safe to show on one line; a value from an export (``cut``) is also
    cut to a line's length.

    Examples
    --------
    >>> plain("ada\\x1b[31m\\nx")
    'ada\\\\x1b[31m\\\\x0ax'
    """
    def escape(found: re.Match[str]) -> str:
        code = ord(found[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, cut_value(value) if cut else value)


def _code(value: str) -> str:
    """A value as Markdown code: escaped, its backticks made quotes."""
    return "`" + plain(value, cut=True).replace("`", "'") + "`"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _conflict_line(report_conflict: object, code: bool) -> str:

    assert isinstance(report_conflict, Conflict)
    show = _code if code else (lambda value: repr(plain(value, cut=True)))
    given = "; ".join(f"{show(file)} {show(value)}" for file, value in report_conflict.values)
    return (f"{show(report_conflict.subject)} {report_conflict.kind}: {given}: "
            f"{plain(report_conflict.outcome)}")


def source_markdown(report: ImportReport) -> str:
    """The ``SOURCE.md`` of an imported folder: which files, which formats, every gap,
    the id prefixes, the merge and its conflicts."""
    lines = ["# Where this dataset comes from", "",
             f"Written by `mfa-sim import` from {_plural(len(report.files), 'file')}. "
             "Everything below is what mfa_sim could not know from them, and what it "
             "chose; nothing else was guessed.", "",
             "| file | format | users | accounts | memberships | invitations |",
             "|---|---|---|---|---|---|"]
    for item in report.files:
        how = "recognised" if item.recognised else "named with --from"
        lines.append(f"| {_code(item.file)} | {item.format} ({how}) | {item.users:,} | "
                     f"{item.accounts:,} | {item.memberships:,} | {item.invitations:,} |")
    lines += ["", "## What the exports do not say", ""]
    gaps = [f"- {_code(item.file)}: {plain(gap.message)}." for item in report.files
            for gap in item.gaps]
    gaps += [f"- {_code(item.file)}: {_plural(left.count, 'record')} not imported: "
             f"{plain(left.message)}." for item in report.files for left in item.left_out]
    lines += gaps or ["Nothing: every value the dataset needs was in the files."]
    lines += ["", "## Ids and merging", "",
              "- Each account and user id starts with the product it comes from: "
              + (", ".join(f"`{prefix}`" for prefix in report.prefixes) or "none") + ".",
              "- A user found in several products by email (compared trimmed and "
              "case-insensitively) is one user whose id is that email, lower-cased: "
              f"{_plural(report.merged_users, 'user')} here. A user without an email is "
              "never merged; their id stands in for the email.",
              "- Where the files disagree on a user's MFA state or an account's "
              "enforcement, it is written as unknown; on anything else the first file's "
              "value is kept. Each case is listed under Conflicts."]
    lines += [f"- {plain(choice)}." for choice in report.account_choices]
    lines += ["", "## Conflicts", ""]
    if report.conflicts:
        lines += [f"- {_conflict_line(conflict, True)}"
                  for conflict in report.conflicts[:LISTED]]
        if len(report.conflicts) > LISTED:
            lines.append(f"- ... and {len(report.conflicts) - LISTED:,} more "
                         "(`mfa-sim import --format json` lists them all)")
    else:
        lines.append("None: the files agree wherever they overlap.")
    if any(item.mfa_states for item in report.files):
        lines += ["", "## MFA lists", "",
                  f"{_plural(report.mfa_list_applied, 'user')} got their MFA state from an "
                  f"MFA list; {_plural(len(report.mfa_list_unmatched), 'email')} of the "
                  "lists name no imported user and were not imported:"]
        lines += [f"- {_code(email)}" for email in report.mfa_list_unmatched[:LISTED]]
        if len(report.mfa_list_unmatched) > LISTED:
            lines.append(f"- ... and {len(report.mfa_list_unmatched) - LISTED:,} more")
    lines += ["", "## Policy", ""]
    products = [prefix.removesuffix(":") for prefix in report.prefixes]
    presets = [PRESET_OF_PRODUCT[product] for product in products
               if product in PRESET_OF_PRODUCT]
    for preset in presets:
        lines.append(f"- The `{preset}` preset has {preset}'s own MFA rules: "
                     f"`mfa-sim audit FOLDER --policy {preset}` judges the dataset by them.")
    without = [product for product in products if product not in PRESET_OF_PRODUCT]
    if without:
        lines.append(f"- No preset has the rules of {', '.join(without)}; its accounts are "
                     f"judged by the policy you choose.")
    lines += ["", "By default the commands judge by the `dnsimple` policy: an account "
              "without a plan cannot enforce MFA under it (`plan_not_eligible`); under every "
              "policy one whose enforcement is unknown counts as not enforcing (the audit "
              "reports it as `enforcement_state_unknown`).", ""]
    return "\n".join(lines)


def import_text(report: ImportReport) -> str:
    """The text report of ``mfa-sim import``."""
    where = f" into {plain(report.output)}" if report.output else ""
    lines = [f"Imported {_plural(len(report.files), 'file')}{where}:"]
    for item in report.files:
        how = "recognised" if item.recognised else "named with --from"
        counts = (f"{_plural(item.mfa_states, 'MFA state')}" if item.format == "mfa-list"
                  else f"{_plural(item.users, 'user')}, {_plural(item.accounts, 'account')}, "
                       f"{_plural(item.memberships, 'membership')}, "
                       f"{_plural(item.invitations, 'invitation')}")
        lines.append(f"  {plain(item.file)}: {item.format} ({how}): {counts}")
        lines += [f"    not in the file: {plain(gap.message)}" for gap in item.gaps]
        lines += [f"    not imported: {_plural(left.count, 'record')}: {plain(left.message)}"
                  for left in item.left_out]
    lines.append(f"The dataset: {_plural(report.users, 'user')} "
                 f"({report.merged_users:,} merged across products by email), "
                 f"{_plural(report.accounts, 'account')}, "
                 f"{_plural(report.memberships, 'membership')}, "
                 f"{_plural(report.invitations, 'invitation')}.")
    lines += [f"  {plain(choice)}" for choice in report.account_choices]
    if any(item.mfa_states for item in report.files):
        lines.append(f"MFA lists: {_plural(report.mfa_list_applied, 'user')} got a state; "
                     f"{_plural(len(report.mfa_list_unmatched), 'email')} named nobody.")
    lines.append(f"Conflicts: {len(report.conflicts):,}")
    lines += [f"  {_conflict_line(conflict, False)}" for conflict in report.conflicts[:LISTED]]
    if len(report.conflicts) > LISTED:
        lines.append(f"  ... and {len(report.conflicts) - LISTED:,} more (--format json "
                     "lists them all)")
    if report.output:
        lines.append(f"{SOURCE_NOTE}")
    return "\n".join(lines)


SOURCE_NOTE = "SOURCE.md in the folder records every gap and choice above."
