"""The ``mfa-sim`` command: parse arguments, call the library, format, exit.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (audit), 2 bad input or
usage, always with a message on stderr and never a traceback. Heavy libraries are
imported inside the commands, so ``mfa-sim --help`` starts at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

from mfa_sim.data.output_paths import Output, check_outputs
from mfa_sim.errors import SHOWN_PER_REASON, InputError, MfaSimError, Problem, cut_quoted

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from mfa_sim.cli.progress import Bar, Progress
    from mfa_sim.compliance import Baseline, CheckSelection, Mute
    from mfa_sim.data.writing import Chunk
    from mfa_sim.engine.scenario import Scenario
    from mfa_sim.model.dataset import Dataset
    from mfa_sim.policy import Policy
    from mfa_sim.rollout import RolloutPlan

T = TypeVar("T")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class _Once(argparse.Action):
    """Stores an option's value; the same option given again is a usage error.

    The contract gives each option one value per run: a second ``--format`` would
    otherwise silently win over the first.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        given: set[str] = namespace.__dict__.setdefault("given_once", set())
        if option_string is not None and self.dest in given:
            parser.error(f"{option_string} is given more than once; it takes one value "
                         f"per run")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


class _Streams:
    """Where a parser writes help (``out``) and usage errors (``err``); ``None`` is the
    process's standard output or error at the time of writing."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out, self._err = out, err

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on the caller's error stream and exit code 2, as the
    contract says, help on the caller's output stream, and every single-valued option
    given at most once.

    The streams are given, not swapped into ``sys``: a program that calls :func:`main`
    keeps its own standard streams, in every thread.
    """

    def __init__(self, *args: object, streams: _Streams | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.streams = streams or _Streams()
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(file or self.streams.out)

    def print_usage(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_usage(file or self.streams.out)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self.streams.err.write(message)
        raise SystemExit(status)

    def error(self, message: str) -> NoReturn:
        self.print_usage(self.streams.err)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {cut_quoted(message)}\n")


class _Version(argparse.Action):
    """``--version``: the version on the caller's output stream (argparse's own
    writes to ``sys.stdout``)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from mfa_sim import __version__

        assert isinstance(parser, _Parser)  # --version is the program's own option
        parser.streams.out.write(f"mfa-sim {__version__}\n")
        parser.exit()


def _progress(arguments: argparse.Namespace) -> Progress:
    """Bars on standard error for this command (only on a terminal, not in CI, not with
    --no-progress)."""
    from mfa_sim.cli.progress import Progress

    return Progress(getattr(arguments, "err", None) or sys.stderr, name=arguments.command,
                    enabled=False if arguments.no_progress else None)


def _load(arguments: argparse.Namespace, progress: Progress,
          prepare: Callable[[], object] = lambda: None, *,
          group_memberships: bool = False) -> Dataset:
    """The command's dataset, loaded while ``prepare`` runs, with a bar advancing file
    by file."""
    from mfa_sim.data.load import LOADING_STEPS, load_dataset_while

    with progress.stage("loading dataset", total=LOADING_STEPS) as bar:
        dataset = load_dataset_while(arguments.dataset, prepare, on_file=bar,
                                     group_memberships=group_memberships)
        bar("checked")
    return dataset


def _validate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.model.summary import summarise

    print(summarise(_load(arguments, _progress(arguments))), file=out)
    return EXIT_OK


def _generate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.data.generate import GENERATE_STEPS, generate_dataset

    with _progress(arguments).stage("generating", total=GENERATE_STEPS) as bar:
        made = generate_dataset(arguments.output, arguments.users, seed=arguments.seed,
                                messy=arguments.messy, on_step=bar)
    print(f"Wrote {made.users:,} users, {made.accounts:,} accounts, {made.memberships:,} "
          f"memberships and {made.invitations:,} invitations to {arguments.output}", file=out)
    return EXIT_OK


IMPORT_FORMATS = ("text", "json")


def _import(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.errors import UsageError

    if arguments.list_formats:
        if arguments.files or arguments.output is not None:
            raise UsageError("import --list-formats takes no files and no --output")
        from mfa_sim.data.importers.registry import AUTO, FORMATS

        print(f"{AUTO:<30} recognise each file from its header or keys (the default)",
              file=out)
        for export in FORMATS:
            print(f"{export.name:<30} {export.title}", file=out)
        return EXIT_OK
    if not arguments.files or arguments.output is None:
        raise UsageError("import needs export files and --output DIR (or --list-formats)")
    from mfa_sim.data.importers.run import IMPORT_STEPS, write_import

    with _progress(arguments).stage("importing",
                                    total=len(arguments.files) + IMPORT_STEPS) as bar:
        report = write_import(arguments.files, arguments.output, arguments.source,
                              on_step=bar)
    if arguments.format == "json":
        import json

        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), file=out)
    else:
        print(report, file=out)
    return EXIT_OK


SIMULATE_FORMATS = ("text", "json", "markdown", "html")


def _emit(report: str, output: str | None, out: TextIO) -> None:
    """Write a report to a file, or to standard output."""
    if output is None:
        out.write(report if report.endswith("\n") else report + "\n")
        return
    from pathlib import Path

    Path(output).write_text(report, encoding="utf-8")


def _named_policies(arguments: argparse.Namespace) -> tuple[str, list[str]]:
    """The option that names the command's policies (``--policies``, else ``--policy``)
    and the names and files it gives (none when the command takes neither)."""
    listed = getattr(arguments, "policies", None)
    if listed is not None:
        return "--policies", listed
    one = getattr(arguments, "policy", None)
    return "--policy", [] if one is None else [one]


def _read_policies(arguments: argparse.Namespace, problems: list[Problem]) -> list[Policy]:
    """The policies ``--policy`` or ``--policies`` names: presets, or policy files.

    A name that is neither, and every problem of a file, join ``problems``, located at
    the option: an unknown policy is reported with the rest of the input's problems, as
    every command that takes a policy reports it.
    """
    option, values = _named_policies(arguments)
    if not values:
        return []  # the policy modules are then imported while the dataset loads
    from mfa_sim.errors import ProblemReason, UsageError
    from mfa_sim.policy.files import policy_option

    found = []
    for value in values:
        try:
            found.append(policy_option(value))
        except InputError as error:
            problems.extend(error.problems)
        except UsageError as error:
            problems.append(Problem(option, None, None, value, ProblemReason.UNKNOWN_POLICY,
                                    str(error)))
    return found


def _load_with_policies(arguments: argparse.Namespace, modules: Callable[[], object],
                        then: Callable[[Dataset, list[Policy]], T],
                        **options: bool) -> tuple[Dataset, list[Policy], T]:
    """The dataset, the policies named on the command line, and what ``then`` reads with
    them (the scenario, ids checked against the dataset); the problems of all three
    reported together.

    ``then`` runs even when a policy has problems (with the policies that have none),
    so that the input's other problems are found in the same run.
    """
    problems: list[Problem] = []
    policies = _read_policies(arguments, problems)
    try:
        dataset = _load(arguments, _progress(arguments), modules, **options)
        found = then(dataset, policies)
    except InputError as error:
        raise InputError([*problems, *error.problems]) from None
    if problems:
        raise InputError(problems)
    return dataset, policies, found


def _read_scenario(arguments: argparse.Namespace, dataset: Dataset) -> Scenario:
    """The scenario file of ``simulate`` and ``compare``, checked against the dataset
    (``--seed`` wins over its seed)."""
    from mfa_sim.engine.scenario import load_scenario
    from mfa_sim.policy import POLICIES

    return load_scenario(arguments.scenario, dataset, seed=arguments.seed,
                         policies=tuple(POLICIES))


def _simulate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.data.load import importing

    dataset, chosen, scenario = _load_with_policies(
        arguments, importing("mfa_sim.policy", "mfa_sim.report", "mfa_sim.data.save",
                             "mfa_sim.engine.scenario", "mfa_sim.engine.simulation"),
        lambda dataset, _: _read_scenario(arguments, dataset), group_memberships=True)
    from mfa_sim.data.save import require_empty_folder, save_dataset
    from mfa_sim.engine.simulation import run_scenario
    from mfa_sim.report import render_run

    if arguments.save_state is not None:
        require_empty_folder(arguments.save_state)
    # The flag wins over the scenario's key (contract §5).
    run = run_scenario(dataset, scenario, policy=chosen[0] if chosen else None)
    _emit(render_run(run, arguments.format), arguments.output, out)
    if arguments.save_state is not None:
        save_dataset(run.final.to_dataset(), arguments.save_state)
    return EXIT_OK


def _compare(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.errors import UsageError

    if arguments.policy is not None and arguments.policies is not None:
        raise UsageError("give --policy or --policies, not both (--policy X means "
                         "--policies X)")
    from mfa_sim.data.load import importing

    dataset, chosen, scenario = _load_with_policies(
        arguments, importing("mfa_sim.engine.comparison", "mfa_sim.report.comparison",
                             "mfa_sim.engine.scenario"),
        lambda dataset, _: _read_scenario(arguments, dataset), group_memberships=True)
    from mfa_sim.engine.comparison import compare
    from mfa_sim.report.comparison import render_comparison

    comparison = compare(dataset, scenario, chosen or None)
    _emit(render_comparison(comparison, arguments.format), arguments.output, out)
    return EXIT_OK


def _policy_list(text: str) -> list[str]:
    from mfa_sim.engine.comparison import parse_policy_list
    from mfa_sim.errors import UsageError

    try:
        return list(parse_policy_list(text))
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _graph(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.cli.graph_command import write_view
    from mfa_sim.errors import UsageError

    if arguments.hops is not None and arguments.account is None and arguments.user is None:
        raise UsageError("--hops says how far a focus reaches: give --account ID or --user ID "
                         "too (the whole graph has no centre to count from)")
    hops = {} if arguments.hops is None else {"hops": arguments.hops}
    notice = write_view(arguments.dataset, arguments.output, account=arguments.account,
                        user=arguments.user, scenario=arguments.scenario,
                        progress=_progress(arguments), **hops)
    if notice is not None:
        print(f"mfa-sim graph: {notice}", file=arguments.err)
    return EXIT_OK


def _what_if(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.errors import Problem, ProblemReason, UsageError

    questions = [("disable_mfa", {"user": user}) for user in arguments.disable_mfa or ()]
    actor = {} if arguments.actor is None else {"actor": arguments.actor}
    questions += [("enforce_mfa", {"account": account, **actor})
                  for account in arguments.enforce or ()]
    if not questions:
        raise UsageError("what-if needs at least one --disable-mfa USER or --enforce ACCOUNT")
    if actor and not arguments.enforce:
        raise UsageError("--actor names who switches enforcement on: give --enforce ACCOUNT "
                         "too")
    from mfa_sim.data.load import importing

    def check_ids(dataset: Dataset, _: object) -> None:
        indexes = dataset.indexes
        unknown = [Problem(f"--{flag}", None, None, value, ProblemReason.INVALID_VALUE,
                           f"no {noun} has this id in the dataset")
                   for flag, noun, values, known in (
                       ("disable-mfa", "user", arguments.disable_mfa or (), indexes.user_rows),
                       ("enforce", "account", arguments.enforce or (), indexes.account_rows),
                       ("actor", "user", list(actor.values()), indexes.user_rows))
                   for value in values if value not in known]
        if unknown:
            raise InputError(unknown)

    dataset, chosen, _ = _load_with_policies(
        arguments, importing("mfa_sim.report", "mfa_sim.engine.simulation"), check_ids,
        group_memberships=True)
    # Each what-if happens now (or at --as-of), not at a fixed date: its time is the
    # moment the question is asked about.
    from datetime import UTC

    from mfa_sim.engine.simulation import what_ifs
    from mfa_sim.model.clock import EARLIEST_START
    from mfa_sim.model.outcome import iso
    from mfa_sim.report import render_run

    moment = arguments.as_of or datetime.now(UTC).replace(microsecond=0)
    if moment < EARLIEST_START:
        raise UsageError(f"--as-of must be at or after {iso(EARLIEST_START)}, where TOTP time "
                         f"begins, not {iso(moment)}")
    run = what_ifs(dataset, questions, chosen[0] if chosen else "dnsimple", start=moment)
    _emit(render_run(run, arguments.format), arguments.output, out)
    return EXIT_OK


AUDIT_FORMATS = ("text", "json", "csv", "markdown", "html", "junit", "ocsf")
CHECKS_FORMATS = ("text", "json")
SELECTION_OPTIONS = ("--checks", "--exclude-checks", "--severity")
SEVERITIES = ("critical", "high", "medium", "low", "info")


def _date(text: str) -> datetime:
    from mfa_sim.data.parsing import parse_time

    moment = parse_time(text)
    if moment is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date")
    return moment


def _selection_given(arguments: argparse.Namespace) -> list[tuple[str, tuple[str, ...]]]:
    """Each of ``--checks``, ``--exclude-checks`` and ``--severity`` with its entries
    (none when the option is not given)."""
    from mfa_sim.compliance.selection import split_list

    # Each option's values are where argparse keeps them: its name, `-` read as `_`.
    return [(option, split_list(getattr(arguments, option[2:].replace("-", "_")) or ()))
            for option in SELECTION_OPTIONS]


def _selection(arguments: argparse.Namespace) -> CheckSelection:
    """The checks ``--checks``, ``--exclude-checks`` and ``--severity`` choose."""
    from mfa_sim.compliance.selection import select_checks

    return select_checks(*(entries for _, entries in _selection_given(arguments)),
                         options=SELECTION_OPTIONS)


def _checks(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.report.check_list import check_json, check_text

    checks = _selection(arguments).checks
    render = check_json if arguments.format == "json" else check_text
    _emit(render(checks), arguments.output, out)
    return EXIT_OK


def _audit_inputs(arguments: argparse.Namespace, progress: Progress) -> tuple[
        Dataset, tuple[Mute, ...] | None, Baseline | None, Policy | None, CheckSelection]:
    """The dataset, mutes, baseline, policy and checks an audit reads (the checks the
    policy leaves of the selection); the problems of all five reported together."""
    from functools import partial

    from mfa_sim.compliance import load_baseline, load_mutes
    from mfa_sim.compliance.selection import under_policy
    from mfa_sim.data.load import importing

    problems: list[Problem] = []

    def read(label: str | None, reader: Callable[[], T]) -> T | None:
        try:
            if label is None:
                return reader()
            with progress.stage(label):
                return reader()
        except InputError as error:
            problems.extend(error.problems)
            return None

    selection = read(None, lambda: _selection(arguments))
    mutes = None if arguments.mute is None else read(
        "reading mutes", lambda: load_mutes(arguments.mute))
    policy = None
    if arguments.policy is not None:
        with progress.stage("reading policy"):
            found = _read_policies(arguments, problems)
        policy = found[0] if found else None
    if selection is not None and policy is not None:
        # A selection the policy leaves nothing of would report "no findings" of no check.
        selected_by = ", ".join(option for option, entries in _selection_given(arguments)
                                if entries)
        selection = read(None, partial(under_policy, selection, policy,
                                       selected_by=selected_by, policy_option="--policy"))
    baseline = None if arguments.baseline is None else read(
        "reading baseline", lambda: load_baseline(arguments.baseline))
    checks_and_report = importing(
        "mfa_sim.compliance.findings", "mfa_sim.compliance.accounts",
        "mfa_sim.compliance.analytics", "mfa_sim.report.audit",
        f"mfa_sim.report.audit_{arguments.format}")
    dataset = read(None, lambda: _load(arguments, progress, checks_and_report))
    if problems or dataset is None or selection is None:
        raise InputError(problems)
    return dataset, mutes, baseline, policy, selection


def _audit(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.compliance import audit
    from mfa_sim.report.audit import render_audit

    # Progress goes to standard error, and only when it is a terminal.
    progress = _progress(arguments)
    dataset, mutes, baseline, policy, selection = _audit_inputs(arguments, progress)
    with progress.stage("checking", total=len(selection) + 2) as bar:
        result = audit(dataset, as_of=arguments.as_of, mutes=mutes, baseline=baseline,
                       policy=policy, checks=selection, on_step=bar)
    with progress.stage("rendering"):
        chunks = render_audit(result, arguments.format, fail_on=arguments.fail_on)
    with progress.stage("writing report", total=sum(len(chunk) for chunk in chunks),
                        unit="B") as bar:
        _write_audit(chunks, arguments.output, out, bar)
    return EXIT_FINDINGS if result.failing(arguments.fail_on) else EXIT_OK


def _write_audit(chunks: Sequence[Chunk], output: str | None, out: TextIO,
                 bar: Bar) -> None:
    if output is None:
        stream = getattr(out, "buffer", None)
        for chunk in chunks:
            if stream is not None:
                stream.write(chunk)
            else:
                out.write(bytes(chunk).decode("utf-8"))
            bar.advance(len(chunk))
    else:
        with open(output, "wb") as target:
            for chunk in chunks:
                target.write(chunk)
                bar.advance(len(chunk))


PLAN_FORMATS = ("text", "markdown", "html", "csv", "json")


def _plan(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.errors import UsageError

    if (arguments.scenario_out is not None and arguments.output is not None
            and os.path.realpath(arguments.scenario_out) == os.path.realpath(arguments.output)):
        raise UsageError("--output and --scenario-out name the same file; give each its own")
    from mfa_sim.data.load import importing
    from mfa_sim.policy import DNSIMPLE

    def planned(dataset: Dataset, policies: list[Policy]) -> RolloutPlan:
        from mfa_sim.rollout import plan

        # Under DNSimple's rules while a --policy has problems: the account patterns'
        # problems are found in the same run.
        return plan(dataset, policy=policies[0] if policies else DNSIMPLE,
                    accounts=arguments.accounts, contacts=arguments.contacts,
                    wave_size=arguments.wave_size,
                    include_removals=arguments.include_removals, as_of=arguments.as_of)

    _, _, found = _load_with_policies(arguments, importing(
        "mfa_sim.rollout", "mfa_sim.report.plan", f"mfa_sim.report.plan_{arguments.format}"),
        planned)
    from mfa_sim.report.plan import render_plan
    from mfa_sim.rollout.replay import scenario_yaml

    chunks = render_plan(found, arguments.format)
    with _progress(arguments).stage("writing plan", total=sum(len(chunk) for chunk in chunks),
                                    unit="B") as bar:
        _write_audit(chunks, arguments.output, out, bar)
    if arguments.scenario_out is not None:
        from pathlib import Path

        Path(arguments.scenario_out).write_text(scenario_yaml(found), encoding="utf-8")
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _count(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


POLICY_HELP = ("the policy: a preset (dnsimple, the default, github, github_legacy, gitlab, "
               "npm, slack, hexpm) or a YAML policy file")


def build_parser(out: TextIO | None = None, err: TextIO | None = None
                 ) -> argparse.ArgumentParser:
    """The argument parser of ``mfa-sim``: help goes to ``out`` and usage errors to
    ``err`` (standard output and error by default)."""
    streams = _Streams(out, err)
    parser = _Parser(
        streams=streams,
        prog="mfa-sim",
        description="Simulate and audit multi-factor authentication enforcement: who gets "
                    "removed, who gets blocked, which accounts are left unmanaged.",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    reporting = _Parser(add_help=False)
    reporting.add_argument(
        "--max-problems", type=_count, default=SHOWN_PER_REASON, metavar="N",
        help=f"list at most N problems of each reason when the input is refused "
             f"(default {SHOWN_PER_REASON}; 0 lists all); every problem is still counted")
    reporting.add_argument(
        "--no-progress", action="store_true",
        help="no progress bars on standard error (drawn only on a terminal, and never "
             "when CI=true)")

    def add_command(name: str, help: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, parents=[reporting], help=help, streams=streams)
        command.set_defaults(command_parser=command)
        return command

    def add_selection(command: argparse.ArgumentParser, verb: str) -> None:
        # Lists add up when repeated, as --disable-mfa does; patterns as in mute files.
        command.add_argument(
            "--checks", action="append", metavar="ID,...",
            help=f"{verb} only these checks: ids or patterns (`admin_*`), comma-separated, "
                 "repeatable")
        command.add_argument(
            "--exclude-checks", action="append", metavar="ID,...",
            help=f"do not {verb} these checks (ids or patterns, comma-separated, repeatable)")
        command.add_argument(
            "--severity", action="append", metavar="LEVEL,...",
            help=f"{verb} only checks of these severities: "
                 f"{', '.join(SEVERITIES)} (comma-separated, repeatable)")

    validate = add_command("validate", help="load and check a dataset folder")
    validate.add_argument("dataset", help="folder with users.csv, accounts.csv, ...")
    validate.set_defaults(run=_validate)

    audit = add_command("audit", help="the batch compliance audit")
    audit.add_argument("dataset", help="the dataset folder")
    audit.add_argument("--format", choices=AUDIT_FORMATS, default="text")
    audit.add_argument("--output", help="write the report to this file")
    audit.add_argument("--fail-on", choices=SEVERITIES, default="high",
                       help="exit 1 when a finding is at or above this severity "
                            "(default high)")
    audit.add_argument("--as-of", type=_date, metavar="DATE",
                       help="judge dates at this day (default: today)")
    audit.add_argument("--mute", metavar="FILE",
                       help="YAML list of accepted findings (check, account, user, email, "
                            "reason, expires): kept in the report, not counted for --fail-on")
    audit.add_argument("--baseline", metavar="OLD.json",
                       help="an earlier `audit --format json`: mark findings new or "
                            "unchanged and list the resolved ones")
    audit.add_argument("--policy", metavar="NAME|FILE",
                       help=POLICY_HELP + ": judge under it, run only the checks that can "
                       "arise under it, and say what it would do to each member")
    add_selection(audit, "run")
    audit.set_defaults(run=_audit)

    checks = add_command("checks", help="list the audit's checks: severity, granularity, "
                                        "what each finds and what to do")
    checks.add_argument("--format", choices=CHECKS_FORMATS, default="text")
    checks.add_argument("--output", help="write the list to this file")
    add_selection(checks, "list")
    checks.set_defaults(run=_checks)

    simulate = add_command("simulate", help="run a scenario step by step")
    simulate.add_argument("dataset", help="the dataset folder")
    simulate.add_argument("scenario", help="the scenario file (YAML)")
    simulate.add_argument("--format", choices=SIMULATE_FORMATS, default="text")
    simulate.add_argument("--output", help="write the report to this file")
    simulate.add_argument("--save-state", metavar="DIR",
                          help="write the final state as a dataset folder (new or empty)")
    simulate.add_argument("--seed", type=_integer, help="override the scenario's seed")
    simulate.add_argument("--policy", metavar="NAME|FILE", help=POLICY_HELP
                          + "; wins over the scenario's policy key")
    simulate.set_defaults(run=_simulate)

    comparing = add_command(
        "compare", help="one scenario under several policies, side by side")
    comparing.add_argument("dataset", help="the dataset folder")
    comparing.add_argument("scenario", help="the scenario file (YAML); its policy key is "
                                            "not used")
    comparing.add_argument("--policies", type=_policy_list, metavar="NAME|FILE,...",
                           help="the policies to compare, separated by commas (default: "
                                "every preset)")
    comparing.add_argument("--policy", metavar="NAME|FILE",
                           help="one policy: the same as --policies NAME|FILE")
    comparing.add_argument("--format", choices=SIMULATE_FORMATS, default="text")
    comparing.add_argument("--output", help="write the report to this file")
    comparing.add_argument("--seed", type=_integer, help="override the scenario's seed")
    comparing.set_defaults(run=_compare)

    graph = add_command(
        "graph", help="membership graph views (png, svg) and exports (graphml, gexf)")
    graph.add_argument("dataset", help="the dataset folder")
    focus = graph.add_mutually_exclusive_group()
    focus.add_argument("--account", metavar="ID", help="focus on this account")
    focus.add_argument("--user", metavar="ID", help="focus on this user")
    graph.add_argument("--hops", type=_positive, metavar="K",
                       help="how far the focus of --account or --user reaches (default 2)")
    graph.add_argument("--scenario", metavar="FILE",
                       help="draw what this scenario removes, blocks and leaves unmanaged")
    graph.add_argument("--output", required=True, metavar="FILE",
                       help="the file to write: .png, .svg, .graphml or .gexf")
    graph.set_defaults(run=_graph)

    what_if = add_command(
        "what-if", help="one-step what-ifs against the unchanged dataset")
    what_if.add_argument("dataset", help="the dataset folder")
    what_if.add_argument("--disable-mfa", nargs="+", action="extend", metavar="USER",
                         help="what if this user disabled MFA (repeatable)")
    what_if.add_argument("--enforce", nargs="+", action="extend", metavar="ACCOUNT",
                         help="what if this account switched enforcement on (repeatable)")
    what_if.add_argument("--actor", metavar="USER",
                         help="who switches enforcement on in the --enforce what-ifs "
                              "(default: the account's first owner or admin with MFA, "
                              "where the policy needs the one who does to have it)")
    what_if.add_argument("--format", choices=SIMULATE_FORMATS, default="text")
    what_if.add_argument("--output", help="write the report to this file")
    what_if.add_argument("--policy", metavar="NAME|FILE", help=POLICY_HELP)
    what_if.add_argument("--as-of", type=_date, metavar="DATE",
                         help="the time each what-if happens at (default: now)")
    what_if.set_defaults(run=_what_if)

    plan = add_command("plan", help="the rollout plan: whom to ask first, and the waves "
                                    "that enforce MFA")
    plan.add_argument("dataset", help="the dataset folder")
    plan.add_argument("--accounts", nargs="+", action="extend", metavar="ID",
                      help="target these accounts: ids or patterns with * (repeatable; "
                           "default: every account that could enforce and does not)")
    plan.add_argument("--policy", metavar="NAME|FILE",
                      help=POLICY_HELP + ": its rules decide which accounts are ready")
    plan.add_argument("--contacts", type=_count, default=25, metavar="N",
                      help="how many people the contact list shows (default 25)")
    plan.add_argument("--wave-size", type=_positive, default=10, metavar="K",
                      help="contacts asked per wave (default 10)")
    plan.add_argument("--include-removals", action="store_true",
                      help="plan the removal wave too (remove, enforce, re-invite), "
                           "instead of only flagging it")
    plan.add_argument("--as-of", type=_date, metavar="DATE",
                      help="the plan's date and its scenario's start (default: now)")
    plan.add_argument("--format", choices=PLAN_FORMATS, default="text")
    plan.add_argument("--output", help="write the report to this file")
    plan.add_argument("--scenario-out", metavar="FILE",
                      help="write the plan as a scenario that `mfa-sim simulate` replays")
    plan.set_defaults(run=_plan)
    imports = add_command(
        "import", help="make a dataset folder of exports of other products (GitHub, "
                       "GitLab, Google Workspace, Okta, Slack, AWS, DNSimple, MFA lists: "
                       "see --list-formats)")
    imports.add_argument("files", nargs="*", metavar="FILE", help="the export files")
    imports.add_argument("--output", metavar="DIR", help="a new or empty folder")
    imports.add_argument("--from", dest="source", default="auto", metavar="NAME",
                         help="the format of every file (default auto: recognised from "
                              "each file's header or keys)")
    imports.add_argument("--format", choices=IMPORT_FORMATS, default="text",
                         help="the import's own report: text or json")
    imports.add_argument("--list-formats", action="store_true",
                         help="name the formats and stop")
    imports.set_defaults(run=_import, output_kind="folder")

    generate = add_command("generate", help="write a synthetic dataset")
    generate.add_argument("--users", type=_positive, required=True, help="how many users")
    generate.add_argument("--seed", type=_count, default=0,
                          help="random seed, 0 or more (default 0)")
    generate.add_argument("--messy", action="store_true",
                          help="write it the way real exports look (BOM, CRLF, quoting, "
                               "aliases)")
    generate.add_argument("--output", required=True, help="a new or empty folder")
    generate.set_defaults(run=_generate, output_kind="folder")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run ``mfa-sim`` with the given arguments; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser(out, err)
    try:
        arguments, extra = parser.parse_known_args(argv)
        if extra:
            # Said with the command's usage, not the program's: the command took them.
            arguments.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as stop:
        return int(stop.code or 0)
    run: Callable[[argparse.Namespace, TextIO], int] = arguments.run
    arguments.err = err
    try:
        check_outputs(_outputs(arguments), _inputs(arguments))
        return run(arguments, out)
    except InputError as error:
        print(f"mfa-sim {arguments.command}: "
              f"{error.describe(arguments.max_problems, '--max-problems 0 lists them all')}",
              file=err)
        return EXIT_BAD_INPUT
    except MfaSimError as error:
        print(f"mfa-sim {arguments.command}: {cut_quoted(str(error))}", file=err)
        return EXIT_BAD_INPUT
    except OSError as error:
        # The paths were checked before the work began; a disk that fills up or a
        # folder removed meanwhile still ends in a message, not a traceback.
        where = f"{error.filename!r}: " if error.filename is not None else ""
        print(f"mfa-sim {arguments.command}: {where}{error.strerror or error}", file=err)
        return EXIT_BAD_INPUT


def _outputs(arguments: argparse.Namespace) -> list[Output]:
    """Every path the command will write."""
    outputs = []
    if getattr(arguments, "output", None) is not None:
        outputs.append(Output("--output", arguments.output,
                              getattr(arguments, "output_kind", "file")))
    if getattr(arguments, "save_state", None) is not None:
        outputs.append(Output("--save-state", arguments.save_state, "folder"))
    if getattr(arguments, "scenario_out", None) is not None:
        outputs.append(Output("--scenario-out", arguments.scenario_out))
    return outputs


def _inputs(arguments: argparse.Namespace) -> list[str]:
    """Every file the command reads: the dataset's, the scenario, mutes and baseline."""
    from mfa_sim.model.schema import dataset_files

    dataset = getattr(arguments, "dataset", None)
    files = [] if dataset is None else dataset_files(dataset)
    files += getattr(arguments, "files", None) or []
    files += [path for option in ("scenario", "mute", "baseline")
              if (path := getattr(arguments, option, None)) is not None]
    _, named = _named_policies(arguments)
    if named:
        from mfa_sim.policy.files import looks_like_file

        # Policy files are inputs too (a preset's name is no file).
        files += [value for value in named if looks_like_file(value)]
    return files


def run_console(argv: Sequence[str] | None = None) -> int:
    """What the console script does: run the command, flush its output; the exit code.

    OpenBLAS is kept to one thread unless the user set ``OPENBLAS_NUM_THREADS``: the
    commands do no linear algebra, and its idle threads would only compete with
    Arrow's for the cores. That thread count is the one setting the command line makes,
    besides pointing its standard output at /dev/null once the output's reader has gone.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        code = main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``mfa-sim audit ... | head``): stop quietly, as other
        # command-line tools do, without a second error when Python flushes stdout.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        # Not 0: the output is incomplete. Not 2: nothing in the input was wrong.
        code = EXIT_FINDINGS
    return code


def entry_point() -> NoReturn:
    """The console script: run the command and exit with its code."""
    raise SystemExit(run_console())
