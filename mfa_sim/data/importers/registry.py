"""Every export format ``mfa-sim import`` reads, and which one a file is."""

from __future__ import annotations

from mfa_sim.data.importers import (
    aws_credential_report,
    dnsimple_webhooks,
    github_collaborators,
    github_graphql,
    github_invitations,
    github_license,
    github_people,
    gitlab_members,
    google_csv,
    google_directory,
    mfa_list,
    okta_api,
    okta_mfa_usage,
    slack_members,
)
from mfa_sim.data.importers.base import ExportFormat, read_head
from mfa_sim.errors import InputError, Problem, ProblemReason

FORMATS: tuple[ExportFormat, ...] = (
    github_graphql.FORMAT,
    github_people.FORMAT,
    github_license.FORMAT,
    github_invitations.FORMAT,
    github_collaborators.FORMAT,
    google_csv.FORMAT,
    google_directory.FORMAT,
    slack_members.FORMAT,
    aws_credential_report.FORMAT,
    okta_mfa_usage.FORMAT,
    okta_api.USERS_FORMAT,
    okta_api.FACTORS_FORMAT,
    gitlab_members.API_FORMAT,
    gitlab_members.CSV_FORMAT,
    gitlab_members.USERS_FORMAT,
    dnsimple_webhooks.FORMAT,
    mfa_list.FORMAT,
)
"""In the order ``--list-formats`` names them; ``auto`` asks each in turn."""

FORMATS_BY_NAME: dict[str, ExportFormat] = {export.name: export for export in FORMATS}

AUTO = "auto"


def format_named(name: str) -> ExportFormat:
    """The format ``--from NAME`` names.

    Raises
    ------
    InputError
        For a name that is no format's, naming the known ones.
    """
    found = FORMATS_BY_NAME.get(name)
    if found is None:
        raise InputError([Problem("--from", None, None, name, ProblemReason.INVALID_VALUE,
                                  f"no such format; known formats: {AUTO}, "
                                  + ", ".join(FORMATS_BY_NAME))])
    return found


def recognise(path: str) -> ExportFormat:
    """The format a file is, told from its header or its keys.

    Raises
    ------
    InputError
        If no format, or more than one, recognises the file.

    Examples
    --------
    >>> recognise("datasets/imports/google-users.csv").name
    'google-csv'
    >>> recognise("datasets/example/users.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      datasets/example/users.csv: no export format recognises this file (a CSV whose ...
    """
    head = read_head(path)
    matching = [export for export in FORMATS if export.recognises(head)]
    if len(matching) == 1:
        return matching[0]
    if matching:
        names = ", ".join(export.name for export in matching)
        message = (f"several formats recognise this file ({names}); name one with --from")
    else:
        what = (f"a CSV whose header is {','.join(head.header)!r}" if head.kind == "csv"
                else "JSON with none of the keys a known export has")
        message = (f"no export format recognises this file ({what}); name one with --from "
                   "(mfa-sim import --list-formats lists them)")
    raise InputError([Problem(path, None, None, None, ProblemReason.UNKNOWN_FORMAT, message)])
