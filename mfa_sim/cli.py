"""The ``mfa-sim`` command: parse arguments, call the library, format, exit.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (audit), 2 bad input or
usage, always with a message on stderr and never a traceback. Heavy libraries are
imported inside the commands, so ``mfa-sim --help`` starts at once.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.abc
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeVar

from mfa_sim.errors import SHOWN_PER_REASON, InputError, MfaSimError, Problem, cut_quoted
from mfa_sim.output_paths import Output, check_outputs

if TYPE_CHECKING:
    from mfa_sim.compliance import Baseline, Mute
    from mfa_sim.dataset import Dataset
    from mfa_sim.progress import Progress
    from mfa_sim.writing import Chunk

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


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on stderr and exit code 2, as the contract says, and
    every single-valued option given at most once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {cut_quoted(message)}\n")


def _validate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.load import load_dataset
    from mfa_sim.summary import summarise

    print(summarise(load_dataset(arguments.dataset)), file=out)
    return EXIT_OK


def _generate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.generate import generate_dataset

    made = generate_dataset(arguments.output, arguments.users, seed=arguments.seed,
                            messy=arguments.messy)
    print(f"Wrote {made.users:,} users, {made.accounts:,} accounts, {made.memberships:,} "
          f"memberships and {made.invitations:,} invitations to {arguments.output}", file=out)
    return EXIT_OK


IMPORT_FORMATS = ("text", "json")


def _import(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.errors import UsageError

    if arguments.list_formats:
        if arguments.files or arguments.output is not None:
            raise UsageError("import --list-formats takes no files and no --output")
        from mfa_sim.importers.registry import AUTO, FORMATS

        print(f"{AUTO:<30} recognise each file from its header or keys (the default)",
              file=out)
        for export in FORMATS:
            print(f"{export.name:<30} {export.title}", file=out)
        return EXIT_OK
    if not arguments.files or arguments.output is None:
        raise UsageError("import needs export files and --output DIR (or --list-formats)")
    from mfa_sim.importers.run import write_import

    report = write_import(arguments.files, arguments.output, arguments.source)
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


def _simulate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.load import importing, load_dataset_while

    dataset = load_dataset_while(arguments.dataset, importing(
        "mfa_sim.policy", "mfa_sim.report", "mfa_sim.save", "mfa_sim.scenario",
        "mfa_sim.simulation"), group_memberships=True)
    from mfa_sim.policy import POLICIES
    from mfa_sim.report import render_run
    from mfa_sim.save import require_empty_folder, save_dataset
    from mfa_sim.scenario import load_scenario
    from mfa_sim.simulation import Simulation

    scenario = load_scenario(arguments.scenario, dataset, seed=arguments.seed,
                             policies=tuple(POLICIES))
    if arguments.save_state is not None:
        require_empty_folder(arguments.save_state)
    simulation = Simulation(dataset, scenario.policy, scenario.start, scenario.seed)
    run = simulation.play(scenario)
    run = type(run)(run.policy, run.outcomes, run.final, scenario.name)
    _emit(render_run(run, arguments.format), arguments.output, out)
    if arguments.save_state is not None:
        save_dataset(run.final.to_dataset(), arguments.save_state)
    return EXIT_OK


def _graph(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.graph.command import write_view

    notice = write_view(arguments.dataset, arguments.output, account=arguments.account,
                        user=arguments.user, hops=arguments.hops, scenario=arguments.scenario)
    if notice is not None:
        print(f"mfa-sim graph: {notice}", file=arguments.err)
    return EXIT_OK


def _what_if(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.errors import Problem, ProblemReason, UsageError

    questions = [("disable_mfa", {"user": user}) for user in arguments.disable_mfa or ()]
    questions += [("enforce_mfa", {"account": account}) for account in arguments.enforce or ()]
    if not questions:
        raise UsageError("what-if needs at least one --disable-mfa USER or --enforce ACCOUNT")
    from mfa_sim.load import importing, load_dataset_while

    dataset = load_dataset_while(arguments.dataset,
                                 importing("mfa_sim.report", "mfa_sim.simulation"),
                                 group_memberships=True)
    from mfa_sim.report import render_run
    from mfa_sim.simulation import what_ifs

    lookups = dataset.lookups
    unknown = [Problem(f"--{flag}", None, None, value, ProblemReason.INVALID_VALUE,
                       f"no {noun} has this id in the dataset")
               for flag, noun, values, known in (
                   ("disable-mfa", "user", arguments.disable_mfa or (), lookups.user_rows),
                   ("enforce", "account", arguments.enforce or (), lookups.account_rows))
               for value in values if value not in known]
    if unknown:
        raise InputError(unknown)
    _emit(render_run(what_ifs(dataset, questions), arguments.format), arguments.output, out)
    return EXIT_OK


AUDIT_FORMATS = ("text", "json", "csv", "markdown", "html", "junit")
SEVERITIES = ("critical", "high", "medium", "low", "info")


def _date(text: str) -> datetime:
    from mfa_sim.parsing import parse_time

    moment = parse_time(text)
    if moment is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date")
    return moment


def _audit_inputs(arguments: argparse.Namespace, progress: Progress) -> tuple[
        Dataset, tuple[Mute, ...] | None, Baseline | None]:
    """The dataset, mutes and baseline an audit reads; the problems of all three
    reported together."""
    from mfa_sim.compliance import load_baseline, load_mutes
    from mfa_sim.load import importing, load_dataset_while

    problems: list[Problem] = []

    def read(label: str, reader: Callable[[], T]) -> T | None:
        try:
            with progress.stage(label):
                return reader()
        except InputError as error:
            problems.extend(error.problems)
            return None

    mutes = None if arguments.mute is None else read(
        "reading mutes", lambda: load_mutes(arguments.mute))
    baseline = None if arguments.baseline is None else read(
        "reading baseline", lambda: load_baseline(arguments.baseline))
    checks_and_report = importing(
        "mfa_sim.compliance.findings", "mfa_sim.compliance.accounts",
        "mfa_sim.compliance.analytics", "mfa_sim.report.audit",
        f"mfa_sim.report.audit_{arguments.format}")
    dataset = read("loading dataset",
                   lambda: load_dataset_while(arguments.dataset, checks_and_report))
    if problems or dataset is None:
        raise InputError(problems)
    return dataset, mutes, baseline


def _audit(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.compliance import audit
    from mfa_sim.progress import Progress
    from mfa_sim.report.audit import render_audit

    # Progress goes to standard error, and only when it is a terminal.
    progress = Progress(getattr(arguments, "err", None) or sys.stderr, name="audit",
                        enabled=False if arguments.no_progress else None)
    dataset, mutes, baseline = _audit_inputs(arguments, progress)
    with progress.stage("checking"):
        result = audit(dataset, as_of=arguments.as_of, mutes=mutes, baseline=baseline)
    with progress.stage("writing report"):
        _write_audit(render_audit(result, arguments.format, fail_on=arguments.fail_on),
                     arguments.output, out)
    return EXIT_FINDINGS if result.failing(arguments.fail_on) else EXIT_OK


def _write_audit(chunks: Sequence[Chunk], output: str | None, out: TextIO) -> None:
    if output is None:
        stream = getattr(out, "buffer", None)
        for chunk in chunks:
            if stream is not None:
                stream.write(chunk)
            else:
                out.write(bytes(chunk).decode("utf-8"))
    else:
        with open(output, "wb") as target:
            for chunk in chunks:
                target.write(chunk)


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mfa-sim``."""
    parser = _Parser(
        prog="mfa-sim",
        description="Simulate and audit multi-factor authentication enforcement: who gets "
                    "removed, who gets blocked, which accounts are left unmanaged.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    reporting = _Parser(add_help=False)
    reporting.add_argument(
        "--max-problems", type=_count, default=SHOWN_PER_REASON, metavar="N",
        help=f"list at most N problems of each reason when the input is refused "
             f"(default {SHOWN_PER_REASON}; 0 lists all); every problem is still counted")

    def add_command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[reporting], help=help)

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
    audit.add_argument("--no-progress", action="store_true",
                       help="no progress lines on standard error (shown only on a terminal)")
    audit.set_defaults(run=_audit)

    simulate = add_command("simulate", help="run a scenario step by step")
    simulate.add_argument("dataset", help="the dataset folder")
    simulate.add_argument("scenario", help="the scenario file (YAML)")
    simulate.add_argument("--format", choices=SIMULATE_FORMATS, default="text")
    simulate.add_argument("--output", help="write the report to this file")
    simulate.add_argument("--save-state", metavar="DIR",
                          help="write the final state as a dataset folder (new or empty)")
    simulate.add_argument("--seed", type=_integer, help="override the scenario's seed")
    simulate.set_defaults(run=_simulate)

    graph = add_command(
        "graph", help="membership graph views (png, svg) and exports (graphml, gexf)")
    graph.add_argument("dataset", help="the dataset folder")
    focus = graph.add_mutually_exclusive_group()
    focus.add_argument("--account", metavar="ID", help="focus on this account")
    focus.add_argument("--user", metavar="ID", help="focus on this user")
    graph.add_argument("--hops", type=_positive, default=2, metavar="K",
                       help="how far the focus reaches (default 2)")
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
    what_if.add_argument("--format", choices=SIMULATE_FORMATS, default="text")
    what_if.add_argument("--output", help="write the report to this file")
    what_if.set_defaults(run=_what_if)

    imports = add_command(
        "import", help="make a dataset folder of exports of other products (GitHub, Google "
                       "Workspace, MFA lists)")
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
    generate.add_argument("--seed", type=_integer, default=0, help="random seed (default 0)")
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
    parser = build_parser()
    try:
        # argparse prints help and usage errors itself: send them where the caller said.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            arguments = parser.parse_args(argv)
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
    return outputs


def _inputs(arguments: argparse.Namespace) -> list[str]:
    """Every file the command reads: the dataset's, the scenario, mutes and baseline."""
    from mfa_sim.schema import dataset_files

    dataset = getattr(arguments, "dataset", None)
    files = [] if dataset is None else dataset_files(dataset)
    files += getattr(arguments, "files", None) or []
    files += [path for option in ("scenario", "mute", "baseline")
              if (path := getattr(arguments, option, None)) is not None]
    return files


PANDAS_FREE_COMMANDS = frozenset({"validate", "generate", "simulate", "what-if", "audit",
                                  "graph", "import"})
"""Commands that work on Arrow tables and their indexes alone: every one of them."""


def _pandas_free(argv: Sequence[str]) -> bool:
    """Whether a command line never needs pandas."""
    return bool(argv) and argv[0] in PANDAS_FREE_COMMANDS


class _PandasNotNeeded(importlib.abc.MetaPathFinder):
    """Answers an import of pandas with "not installed".

    pyarrow imports pandas the first time it turns Python values into Arrow values,
    only to ask whether they are pandas objects: 0.3 s of a run that never uses
    pandas. Installed only in the console script, only for such commands (pandas
    serves the notebook API's DataFrames).
    """

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError(f"{fullname} is not needed by this command",
                                      name=fullname)


def run_console(argv: Sequence[str] | None = None) -> int:
    """What the console script does, short of ending the process: tune the process,
    run the command, flush its output; the exit code."""
    from mfa_sim.command_process import prepare_command_process

    prepare_command_process()
    if _pandas_free(sys.argv[1:] if argv is None else argv) and "pandas" not in sys.modules:
        sys.meta_path.insert(0, _PandasNotNeeded())
    try:
        code = main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``mfa-sim audit ... | head``): stop quietly, as other
        # command-line tools do, without a second error when Python flushes stdout.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_FINDINGS
    return code


def entry_point() -> NoReturn:
    """The console script: run the command, then end the process at once.

    Every file the command wrote is closed and its output flushed by then. What is
    left is memory, which the kernel takes back whole: freeing a loaded million-user
    export object by object would cost the interpreter's exit some 40 ms.
    """
    code = run_console()
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)
