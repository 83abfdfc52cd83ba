"""The ``mfa-sim`` command: parse arguments, call the library, format, exit.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (audit), 2 bad input or
usage, always with a message on stderr and never a traceback. Heavy libraries are
imported inside the commands, so ``mfa-sim --help`` starts at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from mfa_sim.errors import InputError, MfaSimError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on stderr and exit code 2, as the contract says."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _validate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.load import load_dataset
    from mfa_sim.summary import summarise

    print(summarise(load_dataset(arguments.dataset)), file=out)
    return EXIT_OK


def _generate(arguments: argparse.Namespace, out: TextIO) -> int:
    from mfa_sim.generate import generate_dataset

    made = generate_dataset(arguments.output, arguments.users, seed=arguments.seed,
                            messy=arguments.messy)
    print(f"Wrote {made} to {arguments.output}", file=out)
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
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

    validate = commands.add_parser("validate", help="load and check a dataset folder")
    validate.add_argument("dataset", help="folder with users.csv, accounts.csv, ...")
    validate.set_defaults(run=_validate)

    generate = commands.add_parser("generate", help="write a synthetic dataset")
    generate.add_argument("--users", type=_positive, required=True, help="how many users")
    generate.add_argument("--seed", type=_integer, default=0, help="random seed (default 0)")
    generate.add_argument("--messy", action="store_true",
                          help="write it the way real exports look (BOM, CRLF, quoting, "
                               "aliases)")
    generate.add_argument("--output", required=True, help="a new or empty folder")
    generate.set_defaults(run=_generate)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run ``mfa-sim`` with the given arguments; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    run: Callable[[argparse.Namespace, TextIO], int] = arguments.run
    try:
        return run(arguments, out)
    except InputError as error:
        print(f"mfa-sim {arguments.command}: {error}", file=err)
        return EXIT_BAD_INPUT
    except MfaSimError as error:
        print(f"mfa-sim {arguments.command}: {error}", file=err)
        return EXIT_BAD_INPUT


def entry_point() -> NoReturn:
    """The console script."""
    sys.exit(main())
