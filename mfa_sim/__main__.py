"""``python -m mfa_sim`` is the ``mfa-sim`` command."""

from mfa_sim.cli import entry_point

if __name__ == "__main__":
    entry_point()
