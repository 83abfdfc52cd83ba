"""What the README shows a new user is what the tool does: its command table names every
command, its sample audit output is the real output, its picture exists."""

from __future__ import annotations

import argparse
import io
import re
import shlex

from mfa_sim.cli import build_parser, main
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_command_table_names_every_command() -> None:
    table = README.split("## What it does", 1)[1].split("\n\n", 2)[1]
    commands = {name for action in build_parser()._actions
                if isinstance(action, argparse._SubParsersAction) for name in action.choices}
    assert {name for name in commands if f"`mfa-sim {name}" not in table} == set()


def test_the_sample_audit_output_is_the_real_one() -> None:
    sample = re.search(r"```text\n\$ (mfa-sim audit .*?)\n(.*?)\$ echo \$\?\n(\d)\n```",
                       README, re.DOTALL)
    assert sample is not None
    command, shown, code = sample.groups()
    out = io.StringIO()
    assert main(shlex.split(command)[1:], out=out, err=io.StringIO()) == int(code)
    real = out.getvalue().splitlines()
    position = 0
    for line in shown.splitlines():
        if line.strip() == "...":
            continue
        position = real.index(line, position) + 1


def test_the_readme_says_the_example_exits_1_on_purpose() -> None:
    assert "exits `1` on purpose" in README


def test_the_pictures_the_readme_shows_are_there_and_small() -> None:
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert pictures
    for picture in pictures:
        path = REPO / picture
        assert path.read_bytes()[:4] == b"\x89PNG"
        assert path.stat().st_size < 80_000
