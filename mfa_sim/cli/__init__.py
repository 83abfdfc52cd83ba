"""The ``mfa-sim`` command line: arguments in, the library called, a report out, an exit code.

The top layer: may import every layer below, and holds no rule or format of its own.
"""

from mfa_sim.cli.main import build_parser, entry_point, main, run_console

__all__ = ["build_parser", "entry_point", "main", "run_console"]
