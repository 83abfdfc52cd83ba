"""A fuzz of the whole ``mfa-sim`` command line: hostile files, paths and options.

Contract §4, for every command: whatever files, paths and options a user gives,
``mfa_sim.cli.main`` returns 0, 1 (``audit`` only) or 2, lets no exception out and
prints no traceback. A case copies the example dataset (datasets/example), its
scenario, a mute file and a baseline (the example's ``audit --format json``) into a
folder of its own, builds one command line from :data:`COMMANDS` (sometimes with
damaged options or paths), damages some of the files that command line names, and
runs it in-process from inside the case folder, so the command line printed for a
failure is the one to type.

A case is named ``cli:SEED:INDEX`` (or ``scenario:SEED:INDEX`` for the random-scenario
fuzz: a random scenario on a lightly changed dataset, ``simulate --save-state``, then
``validate`` of the saved folder); the same name always makes the same files and the
same command line. A command joins the fuzz by one entry in :data:`COMMANDS`.

Run from the repository root::

    python tests/cli_fuzz.py --cases 10000             # the counts per command
    python tests/cli_fuzz.py --cases 10000 --seed 3    # another stream of cases
    python tests/cli_fuzz.py --replay cli:0:1234 --keep /tmp/case   # one case, files kept

Run so, each case runs in a forked child of this process (``main`` is still called
in-process there), so that a case that kills the interpreter is counted as
``ProcessDied`` instead of ending the run. The test suite runs the cases in its own
process (tests/test_cli_fuzz.py): ``MFA_SIM_FUZZ_CASES``, ``MFA_SIM_FUZZ_SCENARIOS`` and
``MFA_SIM_FUZZ_SEED`` run more cases, or others.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import io
import json
import os
import pickle
import random
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: the package is next to tests/
    sys.path.insert(0, str(REPO))

from mfa_sim.cli import build_parser, main  # noqa: E402

EXAMPLE = REPO / "datasets" / "example"
IMPORTS = REPO / "datasets" / "imports"
EXPORTS = ("exports/github-members.json", "exports/google-users.csv",
           "exports/mfa-list.csv", "exports/slack-members.csv",
           "exports/aws-credential-report.csv", "exports/okta-mfa-usage.csv",
           "exports/gitlab-members.csv", "exports/gitlab-users.json",
           "exports/okta-users.json", "exports/okta-factors.json",
           "exports/dnsimple-webhooks.jsonl")
"""Exports for ``import``: the bundled GitHub and Google Workspace ones, an MFA list, and
the import tests' Slack, AWS, Okta and GitLab ones."""
MFA_LIST_TEXT = "email,mfa_enabled\nben@acme.example,true\nnobody@acme.example,false\n"
DATASET = "dataset"
DATASET_FILES = ("users.csv", "accounts.csv", "memberships.csv", "invitations.csv")
SCENARIO = "scenario.yaml"
MUTES = "mutes.yaml"
POLICY = "policy.yaml"
BASELINE = "baseline.json"
OUT = "out"
"""An empty folder in every case, where well-formed command lines write."""

SCREEN = 4_000
"""The most characters one line of a message may hold: a screen of 80 by 50."""

MUTES_TEXT = """\
# Findings of the example dataset that its team has looked at.
- check: admin_without_mfa
  account: a_solo
  user: u_finn
  reason: Finn's own side project, enrolling this month
  expires: 2026-03-31
- check: enforcement_*
  account: a_team
  user: '*'
  reason: Ben and Chloe are removed before enforcing
- check: invitation_blocked
  email: '*@newhire.example'
  reason: Gina signs up on her first day
  expires: 2030-01-01
- check: invitation_stale
  reason: invitations are reviewed quarterly
"""
"""A mute file per contract §4: a wildcard, an email pattern, with and without expiry."""

POLICY_TEXT = """\
# GitHub's rules with a month of grace instead of an immediate block (contract §5).
name: github-grace
preset: github
enforcement: grace
grace_hours: 720
reinstate_days: 30
outside_collaborators: [collaborator]
"""
"""A policy file per contract §5: a preset and the knobs it overrides."""


class Stand(Enum):
    """What stands at a file's path when it holds no bytes."""

    ABSENT = "absent"
    DIRECTORY = "directory"


Content = bytes | Stand
Mutate = Callable[[random.Random, bytes], Content]
Rewrite = Callable[[random.Random, bytes], bytes]
"""A mutation that always leaves bytes."""


@dataclass(frozen=True, slots=True)
class Mutation:
    """A named way to damage the bytes of a file of some formats."""

    name: str
    mutate: Mutate
    formats: frozenset[str] = frozenset({"csv", "yaml", "json"})


# --- byte damage, for every file ---------------------------------------------------


def _insert(rng: random.Random, data: bytes, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def _inserting(*pieces: bytes) -> Rewrite:
    """Insert one of ``pieces`` at one to three random places."""
    def mutate(rng: random.Random, data: bytes) -> bytes:
        for _ in range(rng.randint(1, 3)):
            data = _insert(rng, data, rng.choice(pieces))
        return data
    return mutate


def _flip_bits(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if buffer:
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def _random_bytes(rng: random.Random, data: bytes) -> bytes:
    return _insert(rng, data, rng.randbytes(rng.randint(1, 16)))


def _delete_span(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[at + rng.randint(1, 40):]


def _duplicate_span(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return _insert(rng, data, data[at:at + rng.randint(1, 60)])


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def _empty(_rng: random.Random, _data: bytes) -> bytes:
    return b""


def _absent(_rng: random.Random, _data: bytes) -> Content:
    return Stand.ABSENT


def _directory(_rng: random.Random, _data: bytes) -> Content:
    return Stand.DIRECTORY


def _bom(rng: random.Random, data: bytes) -> bytes:
    """A UTF-8 byte order mark at the start, twice, or in the middle."""
    where = rng.randrange(3)
    if where == 0:
        return b"\xef\xbb\xbf" + data
    if where == 1:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data
    return _insert(rng, data, b"\xef\xbb\xbf")


def _crlf(_rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _lone_cr(_rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def _mixed_line_ends(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    return b"".join(line + rng.choice((b"\n", b"\r\n", b"\r", b"\n\n"))
                    for line in lines)


def _no_final_newline(_rng: random.Random, data: bytes) -> bytes:
    return data.rstrip(b"\r\n")


def _utf16(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    return text.encode(rng.choice(("utf-16", "utf-16-le", "utf-16-be", "utf-32")))


def _latin1(rng: random.Random, data: bytes) -> bytes:
    """Text with accents, saved the way an old spreadsheet saves it."""
    text = _insert(rng, data, "Ren\u00e9e M\u00fcller".encode()).decode("utf-8", "replace")
    return text.encode("latin-1", "replace")


def _huge_value(rng: random.Random, data: bytes) -> bytes:
    size = rng.choice((5_000, 100_000, 1_000_000))
    return _insert(rng, data, rng.choice((b"x", b"9", b"\xc3\xa9", b" ")) * size)


BYTE_MUTATIONS = (
    Mutation("bit flips", _flip_bits),
    Mutation("random bytes", _random_bytes),
    Mutation("span deleted", _delete_span),
    Mutation("span duplicated", _duplicate_span),
    Mutation("truncated", _truncate),
    Mutation("emptied", _empty),
    Mutation("file absent", _absent),
    Mutation("a folder in place of the file", _directory),
    Mutation("NUL bytes", _inserting(b"\x00", b"\x00\x00\x00")),
    Mutation("control characters", _inserting(
        b"\x01", b"\x07", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x1b[2J", b"\x7f",
        b"\xc2\x85", b"\xe2\x80\xa8")),
    Mutation("byte order mark", _bom),
    Mutation("CRLF line ends", _crlf),
    Mutation("CR line ends", _lone_cr),
    Mutation("mixed line ends", _mixed_line_ends),
    Mutation("no final newline", _no_final_newline),
    Mutation("UTF-16 or UTF-32", _utf16),
    Mutation("Latin-1", _latin1),
    Mutation("invalid UTF-8", _inserting(
        b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80")),
    Mutation("odd Unicode", _inserting(
        "\u202e".encode(), "\u200b".encode(), "\u00a0".encode(), "\uff0c".encode(),
        "e\u0301".encode(), "\U0001f600".encode(), "\ufffd".encode(), "\u2028".encode())),
    Mutation("blank or whitespace lines", _inserting(b"\n", b"\n\n", b"\n   \n", b"\n\t\n")),
    Mutation("huge value", _huge_value),
)


# --- CSV damage: fields, records, header, delimiter, quotes ------------------------

Fields = list[bytes]

HOSTILE_FIELDS: tuple[bytes, ...] = (
    b"", b" ", b" \t ", b"=HYPERLINK(\"http://x.example\")", b"+1", b"-1", b"@SUM(A1)",
    b"\tx", b"\rx", b"NA", b"null", b"None", b"nan", b"007", b"unknown", b"maybe", b"TRUE",
    b" yes ", b"1e309", b"-0", b"99999999999999999999999", b"2026-02-30",
    b"2026-13-01T00:00:00Z", b"9999-12-31T23:59:59-01:00", b"0001-01-01T00:00:00+01:00",
    b"2026-01-01T25:61:00", b"<script>alert(1)</script>", b"]]>", b"&amp;",
    b"\x1b[31mred\x1b[0m", b"\x00", b"\x7f", "\u202e".encode(), "\U0001f600".encode(),
    b"\xff", b"\xed\xa0\x80", b"a;b", b"a\tb", b"dnsimple-teams-v9-yearly", b"PLATINUM",
    b"full_access", b"awaiting_mfa", b"owner", b"root", b"*", b"%s%n", b"{}", b"\\",
    b"../../etc/passwd", b"u_alice", b"a_team", b"ALICE@acme.example", b"a_secure",
    b"finn@mail.example", b"gina@newhire.example",
)
"""Values a field may be given: formulas, spellings, edge numbers and times, markup."""


def _on_fields(change: Callable[[random.Random, Fields, int], None]) -> Rewrite:
    """Damage the fields of one line: the header one time in five, else a record."""
    def mutate(rng: random.Random, data: bytes) -> bytes:
        lines = data.split(b"\n")
        filled = [at for at, line in enumerate(lines) if line.strip()]
        if not filled:
            return data
        at = filled[0] if rng.random() < 0.2 else rng.choice(filled)
        line = lines[at]
        ending = b"\r" if line.endswith(b"\r") else b""
        fields = line.removesuffix(b"\r").split(b",")
        change(rng, fields, rng.randrange(len(fields)))
        lines[at] = b",".join(fields) + ending
        return b"\n".join(lines)
    return mutate


def _swap_fields(rng: random.Random, fields: Fields, at: int) -> None:
    other = rng.randrange(len(fields))
    fields[at], fields[other] = fields[other], fields[at]


def _duplicate_field(_rng: random.Random, fields: Fields, at: int) -> None:
    fields.insert(at, fields[at])


def _drop_field(_rng: random.Random, fields: Fields, at: int) -> None:
    del fields[at]


def _blank_field(_rng: random.Random, fields: Fields, at: int) -> None:
    fields[at] = b""


def _hostile_field(rng: random.Random, fields: Fields, at: int) -> None:
    fields[at] = rng.choice(HOSTILE_FIELDS)


def _damage_quotes(rng: random.Random, fields: Fields, at: int) -> None:
    value = fields[at]
    fields[at] = rng.choice((
        b'"' + value, value + b'"', b'"' + value + b'"x', b'x"' + value,
        b'"' + value + b'\nsecond line"', b'"' + value + b'""', b"'" + value + b"'",
        b'""' + value, b'"' + value + b',"', b'"' + value + b"\n",
    ))


def _cross_copy(rng: random.Random, data: bytes) -> bytes:
    """A field given the value of the same column in another line (twins, header names)."""
    lines = data.split(b"\n")
    filled = [at for at, line in enumerate(lines) if line.strip()]
    if len(filled) < 2:
        return data
    source, target = rng.sample(filled, 2)
    giving, taking = lines[source].split(b","), lines[target].split(b",")
    column = rng.randrange(min(len(giving), len(taking)))
    taking[column] = giving[column]
    lines[target] = b",".join(taking)
    return b"\n".join(lines)


def _records(change: Callable[[random.Random, list[bytes]], None]) -> Rewrite:
    """Damage the list of lines (the final newline kept where there was one)."""
    def mutate(rng: random.Random, data: bytes) -> bytes:
        ended = data.endswith(b"\n")
        lines = (data[:-1] if ended else data).split(b"\n")
        change(rng, lines)
        return b"\n".join(lines) + (b"\n" if ended else b"")
    return mutate


def _duplicate_record(rng: random.Random, lines: list[bytes]) -> None:
    at = rng.randrange(len(lines))
    lines.insert(rng.randrange(len(lines) + 1), lines[at])


def _drop_record(rng: random.Random, lines: list[bytes]) -> None:
    if len(lines) > 1:
        del lines[rng.randrange(len(lines))]


def _drop_body_record(rng: random.Random, lines: list[bytes]) -> None:
    """A record dropped, never the header."""
    if len(lines) > 1:
        del lines[rng.randrange(1, len(lines))]


_drop_line = _records(_drop_record)
_drop_body_line = _records(_drop_body_record)


def _swap_records(rng: random.Random, lines: list[bytes]) -> None:
    first, second = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[first], lines[second] = lines[second], lines[first]


def _many_records(rng: random.Random, lines: list[bytes]) -> None:
    """Thousands of copies of one record, some with their first field made unique."""
    record = lines[rng.randrange(len(lines))]
    for number in range(rng.choice((200, 2_000))):
        first, _, rest = record.partition(b",")
        lines.append(first + str(number).encode() + b"," + rest if number % 2 else record)


def _rename_column(rng: random.Random, lines: list[bytes]) -> None:
    names = lines[0].split(b",")
    at = rng.randrange(len(names))
    names[at] = rng.choice((names[at].upper(), names[at] + b" ", b" " + names[at],
                            names[at] + b"s", names[at][:-1], b"", b'"' + names[at] + b'"',
                            names[rng.randrange(len(names))]))
    lines[0] = b",".join(names)


def _extra_column(rng: random.Random, lines: list[bytes]) -> None:
    """A column more in the header only, or in the header and every record."""
    everywhere = rng.random() < 0.5
    lines[:] = [line + (b",extra" if at == 0 else b",x" if everywhere else b"")
                for at, line in enumerate(lines)]


def _many_columns(rng: random.Random, lines: list[bytes]) -> None:
    count = rng.choice((500, 5_000, 20_000))
    lines[0] += b"".join(b",c%d" % number for number in range(count))


def _change_delimiter(rng: random.Random, data: bytes) -> bytes:
    """``;``, tab or ``|`` for ``,`` in the whole file or in one line."""
    delimiter = rng.choice((b";", b"\t", b"|", b", "))
    if rng.random() < 0.5:
        return data.replace(b",", delimiter)
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    lines[at] = lines[at].replace(b",", delimiter)
    return b"\n".join(lines)


CSV = frozenset({"csv"})
CSV_MUTATIONS = (
    Mutation("fields swapped", _on_fields(_swap_fields), CSV),
    Mutation("field duplicated", _on_fields(_duplicate_field), CSV),
    Mutation("field dropped", _on_fields(_drop_field), CSV),
    Mutation("field blanked", _on_fields(_blank_field), CSV),
    Mutation("hostile field value", _on_fields(_hostile_field), CSV),
    Mutation("quotes damaged", _on_fields(_damage_quotes), CSV),
    Mutation("field copied from another line", _cross_copy, CSV),
    Mutation("record duplicated", _records(_duplicate_record), CSV),
    Mutation("record dropped", _drop_line, CSV),
    Mutation("records swapped", _records(_swap_records), CSV),
    Mutation("thousands of records", _records(_many_records), CSV),
    Mutation("column renamed", _records(_rename_column), CSV),
    Mutation("extra column", _records(_extra_column), CSV),
    Mutation("thousands of columns", _records(_many_columns), CSV),
    Mutation("delimiter changed", _change_delimiter, CSV),
)


# --- YAML and JSON damage: text and structure --------------------------------------


def _on_yaml_line(change: Callable[[random.Random, bytes], bytes]) -> Rewrite:
    def mutate(rng: random.Random, data: bytes) -> bytes:
        lines = data.split(b"\n")
        at = rng.randrange(len(lines))
        lines[at] = change(rng, lines[at])
        return b"\n".join(lines)
    return mutate


def _indent(rng: random.Random, line: bytes) -> bytes:
    return rng.choice((b" ", b"   ", b"\t", b"")) + line.lstrip(b" ")


def _drop_colon(_rng: random.Random, line: bytes) -> bytes:
    return line.replace(b":", b"", 1)


def _alias_bomb(rng: random.Random, data: bytes) -> bytes:
    """Nested anchors and aliases ("billion laughs"), where the steps or entries go."""
    depth = rng.randint(3, 9)
    anchors = [b"&l0 [" + b", ".join([b"lol"] * 9) + b"]"]
    anchors += [b"&l%d [" % level + b", ".join([b"*l%d" % (level - 1)] * 9) + b"]"
                for level in range(1, depth)]
    if data.lstrip().startswith(b"-") or data.lstrip().startswith(b"#"):
        entries = [b"- check: admin_without_mfa\n  reason: r\n  account: " + anchor
                   for anchor in anchors]
        return b"\n".join(entries) + b"\n- check: x\n  reason: *l%d\n" % (depth - 1)
    keys = [b"k%d: " % level + anchor for level, anchor in enumerate(anchors)]
    return b"\n".join(keys) + b"\nsteps: *l%d\n" % (depth - 1)


def _deep_nesting(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice((100, 1_000, 10_000, 100_000))
    opening, closing = rng.choice(((b"[", b"]"), (b"{a: ", b"}"), (b'{"a": ', b"}")))
    nested = opening * depth + b"1" + closing * depth
    return nested if rng.random() < 0.5 else _insert(rng, data, nested)


YAML_PIECES: tuple[bytes, ...] = (
    b"- ", b"{", b"}", b"[", b"]", b": ", b"? ", b"---\n", b"...\n", b"%YAML 1.1\n",
    b"%TAG ! tag:x,2026:\n", b"!!python/object/apply:os.getcwd []", b"!!python/name:os.getcwd",
    b"!custom ", b"!!binary ", b"!!set ", b"!!omap ", b"!!float ", b"!!str ", b"&anchor ",
    b"*undefined", b"<<: *undefined\n", b"~", b"null", b"yes", b"off", b"0o17", b"0x1F",
    b"1:20", b".inf", b".nan", b"1e400", b"-1e400", b"2026-02-30", b"2026-01-01T25:00:00Z",
    b"9999-12-31T23:59:59-01:00", b"'", b'"', b"|\n", b">-\n", b"#", b"\t", b"@", b"`",
    b"steps: []\n", b"name: again\n", b"seed: 99999999999999999999999999\n",
)
"""Bits of YAML syntax: indicators, tags, anchors, directives, odd scalars."""


JSON_PIECES: tuple[bytes, ...] = (
    b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-0", b"99999999999999999999999999",
    b",", b",]", b",}", b"{", b"}", b"[", b"]", b":", b'"', b"'", b"//c\n", b"/*c*/",
    b'"\\ud800"', b'"\\u0000"', b'"\\x"', b"true", b"null", b'"findings": 7,',
    b'"findings": [],', b'"check": "admin_without_mfa",',
)
"""Bits of JSON (and of what is not JSON): non-numbers, escapes, stray punctuation."""


def _hostile_scalar(rng: random.Random) -> object:
    return rng.choice((
        None, True, False, 0, -1, 7, 2**64, 10**40, 1.5, -0.0, float("inf"), float("nan"),
        "", " ", "x" * 1_000, "x" * 100_000, "\x00", "\x1b[2J", "\u202e", "\ud800", "*",
        "**", "u_alice", "a_team", "admin_without_mfa", "enforce_mfa", "2026-13-01",
        "9999-12-31T23:59:59-01:00", date(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59),
        "tomorrow", "=cmd()", "<b>", "high", "critical", "steps", "findings",
    ))


def _hostile_node(rng: random.Random) -> object:
    kind = rng.randrange(5)
    if kind == 0:
        return []
    if kind == 1:
        return {}
    if kind == 2:
        return [_hostile_scalar(rng) for _ in range(rng.randint(1, 3))]
    if kind == 3:
        return {"unknown": _hostile_scalar(rng)}
    return _hostile_scalar(rng)


HOSTILE_KEYS: tuple[object, ...] = (
    "", " ", "unknown", "Steps", "check ", "reason", "expires", "seed", "name", "start",
    "policy", "steps", "findings", "summary", 7, None, True, 1.5, "x" * 300,
)


def _places(tree: object) -> list[tuple[list[object] | dict[object, object], object]]:
    """Every (container, key) of a tree, breadth first, at most a few thousand."""
    places: list[tuple[list[object] | dict[object, object], object]] = []
    queue: list[object] = [tree]
    while queue and len(places) < 5_000:
        node = queue.pop(0)
        if isinstance(node, dict):
            places += [(node, key) for key in node]
            queue += list(node.values())
        elif isinstance(node, list):
            places += [(node, index) for index in range(len(node))]
            queue += node
    return places


def _damage_tree(rng: random.Random, tree: object) -> object:
    """One structural change: a node replaced, deleted, duplicated, renamed or wrapped."""
    places = _places(tree)
    if not places or rng.random() < 0.05:
        return _hostile_node(rng)
    container, key = rng.choice(places)
    operation = rng.randrange(6)
    if isinstance(container, list):
        assert isinstance(key, int)
        value = container[key]
        if operation == 0:
            del container[key]
        elif operation == 1:
            container.insert(key, value)
        elif operation == 2:
            container[key] = [value]
        else:
            container[key] = _hostile_node(rng)
        return tree
    value = container[key]
    if operation == 0:
        del container[key]
    elif operation == 1:
        container[rng.choice(HOSTILE_KEYS)] = value
    elif operation == 2:
        container[rng.choice(HOSTILE_KEYS)] = container.pop(key)
    elif operation == 3:
        container[key] = {"value": value} if rng.random() < 0.5 else [value]
    else:
        container[key] = _hostile_node(rng)
    return tree


def _yaml_structure(rng: random.Random, data: bytes) -> bytes:
    try:
        tree = yaml.safe_load(data)
    except yaml.YAMLError:
        return _flip_bits(rng, data)  # already broken: break it some more
    damaged = _damage_tree(rng, tree)
    return yaml.safe_dump(damaged, sort_keys=False, allow_unicode=rng.random() < 0.5,
                          default_flow_style=rng.choice((False, None, True))).encode(
                              "utf-8", "surrogatepass")


def _json_structure(rng: random.Random, data: bytes) -> bytes:
    try:
        tree = json.loads(data)
    except (ValueError, RecursionError):  # nested too deep for the json module
        return _flip_bits(rng, data)
    return json.dumps(_damage_tree(rng, tree), default=str,
                      indent=rng.choice((None, 2))).encode("utf-8", "surrogatepass")


YAML = frozenset({"yaml"})
JSON = frozenset({"json"})
TREE_MUTATIONS = (
    Mutation("YAML syntax inserted", _inserting(*YAML_PIECES), YAML),
    Mutation("indentation damaged", _on_yaml_line(_indent), YAML),
    Mutation("colon removed", _on_yaml_line(_drop_colon), YAML),
    Mutation("alias bomb", _alias_bomb, YAML),
    Mutation("deep nesting", _deep_nesting, YAML | JSON),
    Mutation("YAML structure damaged", _yaml_structure, YAML),
    Mutation("YAML structure damaged twice",
             lambda rng, data: _yaml_structure(rng, _yaml_structure(rng, data)), YAML),
    Mutation("JSON syntax inserted", _inserting(*JSON_PIECES), JSON),
    Mutation("JSON structure damaged", _json_structure, JSON),
    Mutation("JSON structure damaged twice",
             lambda rng, data: _json_structure(rng, _json_structure(rng, data)), JSON),
)

MUTATIONS: tuple[Mutation, ...] = BYTE_MUTATIONS + CSV_MUTATIONS + TREE_MUTATIONS
"""Every way a file is damaged."""


def file_format(path: str) -> str:
    """The format of a case file, from its name: csv, yaml or json (JSON lines too)."""
    found = path.rsplit(".", 1)[-1]
    return "json" if found == "jsonl" else found


# --- command lines -----------------------------------------------------------------

USERS = ("u_alice", "u_ben", "u_chloe", "u_dana", "u_eli", "u_finn")
ACCOUNTS = ("a_team", "a_secure", "a_solo")
EMAILS = ("alice@acme.example", "ben@acme.example", "chloe@acme.example",
          "dana@bolt.example", "eli@bolt.example", "finn@mail.example",
          "gina@newhire.example")
UNKNOWN_IDS = ("", " ", "*", "--enforce", "-", "x" * 5_000)
UNKNOWN_USERS = (*UNKNOWN_IDS, "u_nobody", "U_BEN", " u_ben", "u_alice\x1b", "a_team")
UNKNOWN_ACCOUNTS = (*UNKNOWN_IDS, "a_nowhere", "A_TEAM", "a_team ", "u_alice")

DATASET_PATHS = ("nowhere", SCENARIO, OUT, "", ".", "/proc", f"{DATASET}/users.csv",
                 "n" * 300, f"{DATASET}\udcff")
"""Dataset arguments that are no dataset: missing, a file, an empty or odd folder."""

INPUT_FILE_PATHS = ("nowhere.yaml", DATASET, OUT, "", "/dev/null", "/proc/version",
                    f"{DATASET}/users.csv", SCENARIO, MUTES, BASELINE, POLICY, "n" * 300)
"""Input-file arguments that name the wrong thing: missing, a folder, another input."""

PROC_FOLDER = "/proc/mfa-sim-fuzz"
"""A folder that cannot exist (nothing can be made in /proc)."""

OUTPUT_FILE_PATHS = (
    "nowhere/report.txt", OUT, DATASET, "/proc", f"{PROC_FOLDER}/report.txt",
    "/proc/mfa-sim-fuzz.txt", f"{DATASET}/users.csv", f"{DATASET}/accounts.csv",
    f"{DATASET}/invitations.csv", SCENARIO, MUTES, BASELINE, POLICY, "",
    f"{OUT}/{'n' * 300}",
    f"{OUT}/link-to-users.csv", f"{OUT}/\udcff.txt", "./",
)
"""Output files that cannot or must not be written: missing folders, folders, /proc
paths, the run's own inputs (directly or through a symlink), overlong names."""

GRAPH_OUTPUT_PATHS = (
    "nowhere/graph.graphml", f"{OUT}/folder.graphml", f"{PROC_FOLDER}/graph.graphml",
    "/proc/mfa-sim-fuzz.graphml", f"{DATASET}/users.csv", SCENARIO, f"{OUT}/graph.txt",
    f"{OUT}/graph", f"{OUT}/.graphml", "", f"{OUT}/{'n' * 300}.graphml", OUT,
    f"{OUT}/link-to-users.graphml",
)

OUTPUT_FOLDER_PATHS = (
    DATASET, SCENARIO, f"{DATASET}/users.csv", f"{PROC_FOLDER}/state", "/proc", "",
    "nowhere/deeper/state", f"{OUT}/link-to-users.csv", "n" * 300, ".",
)
"""Folders to write a dataset into that are not new and empty, or cannot be made."""

FORMATS_BAD = ("", "JSON", "xml", "text ", "-", "--format", "pdf")
RUN_FORMATS_BAD = (*FORMATS_BAD, "csv", "junit")
"""Formats audit writes and simulate does not."""
SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITIES_BAD = ("", "HIGH", "none", "severe", "0", "high,low")
DATES = ("2026-01-01", "2026-06-30T12:00:00Z", "2030-01-01", "0001-01-01", "9999-12-31",
         "2026-03-31T23:59:59-12:00")
DATES_BAD = ("", "tomorrow", "2026-13-01", "2026-02-30", "2026-02-29", "20260101x",
             "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "99999-01-01",
             "2026-01-01T25:00:00Z", "2026-W01-1", "1e10", "\u0662\u0660\u0662\u0666-01-01",
             "2026-01-01T00:00:00+25:00")
INTEGERS = ("0", "7", "-3", "123456789")
INTEGERS_BAD = ("", "abc", "1.5", "-0", "1e3", "9" * 30, " 7", "0x10", "\u0663", "1_000",
                "9" * 5_000)
HOPS = ("1", "2", "3", "10")
HOPS_BAD = ("0", "-1", "abc", "", "9" * 25, "1.5")

PRESETS = ("dnsimple", "github", "github_legacy", "gitlab", "npm", "slack", "hexpm")
POLICIES_GOOD = (*PRESETS, POLICY)
POLICIES_BAD = (*INPUT_FILE_PATHS, "bitbucket", "GitHub", " npm", "npm,github", "-",
                "x" * 5_000)
"""--policy values: a preset or the policy file; else no policy at all."""
POLICY_LISTS = (",".join(PRESETS), "npm", "github,gitlab", POLICY, f"npm,{POLICY}",
                f"{POLICY},dnsimple")
POLICY_LISTS_BAD = ("", ",", "npm,,github", "npm,npm", "bitbucket", "npm,nowhere.yaml",
                    f"{POLICY},{POLICY}", SCENARIO, f"npm,{DATASET}", "dnsimple," * 2_000)

UNKNOWN_OPTIONS = ("--frobnicate", "-x", "--formats", "--output-dir", "--fail", "--",
                   "--help", "-h", "--format=", "--=x", "---format", "--seed=--1")


class PathRole(Enum):
    """What a path argument names."""

    DATASET = "a dataset folder the command reads"
    INPUT = "a file the command reads"
    OUTPUT = "a file or folder the command writes"


@dataclass(frozen=True, slots=True)
class Slot:
    """One argument of a command line: a positional (``flag`` None) or an option."""

    flag: str | None
    good: tuple[str, ...] = ()
    bad: tuple[str, ...] = ()
    chance: float = 1.0
    """How often a well-formed command line gives the option."""
    many: bool = False
    """The option takes several values (``nargs="+"``) and accumulates when repeated."""
    path: PathRole | None = None
    """What the value names, if it is a path the command reads or writes."""
    name: str = ""
    """A positional's name in the parsed arguments (an option's comes from its flag)."""

    @property
    def switch(self) -> bool:
        """An option without a value, such as ``--no-progress``."""
        return self.flag is not None and not self.good

    @property
    def dest(self) -> str:
        """Where argparse puts the value: ``--save-state`` in ``save_state``."""
        return self.name or str(self.flag).lstrip("-").replace("-", "_")


@dataclass(frozen=True, slots=True)
class CommandFuzz:
    """How the fuzz calls one command."""

    name: str
    slots: tuple[Slot, ...]
    exits: frozenset[int] = frozenset({0, 2})
    """The exit codes the contract allows this command."""


AUDIT_FORMATS = ("text", "json", "csv", "markdown", "html", "junit", "ocsf")
RUN_FORMATS = ("text", "json", "markdown", "html")
CHECKS_FORMATS = ("text", "json")

CHECK_PATTERNS = ("admin_*", "member_*,admin_*", "*", "enforcement_ready", "*mfa*",
                  "invitation_*", "enforcing_managers_without_mfa", " admin_* , seats_* ")
CHECK_PATTERNS_BAD = ("", ",", "nope", "admin", "ADMIN_*", "admin_without_mfa,,", "x" * 5_000,
                      "\udcff", "--format", "admin_*,nope*", "a\nb")
"""Check ids and patterns (comma-separated lists) for --checks and --exclude-checks."""
SEVERITY_LISTS = ("critical", "high,critical", "low", "medium,low,info", " high , low ")
SEVERITY_LISTS_BAD = ("", "HIGH", "urgent", "high,,low", "9" * 3_000, "high;low")


def _selection(chance: float) -> tuple[Slot, ...]:
    """The options that choose checks; each accumulates when repeated."""
    return (Slot("--checks", CHECK_PATTERNS, CHECK_PATTERNS_BAD, chance),
            Slot("--exclude-checks", CHECK_PATTERNS, CHECK_PATTERNS_BAD, chance / 2),
            Slot("--severity", SEVERITY_LISTS, SEVERITY_LISTS_BAD, chance / 2))
PLAN_FORMATS = ("text", "markdown", "html", "csv", "json")


DATASET_SLOT = Slot(None, (DATASET,), DATASET_PATHS, path=PathRole.DATASET, name="dataset")


def _output(chance: float) -> Slot:
    return Slot("--output", (f"{OUT}/report.txt",), OUTPUT_FILE_PATHS, chance,
                path=PathRole.OUTPUT)


def _policy(chance: float) -> Slot:
    return Slot("--policy", POLICIES_GOOD, POLICIES_BAD, chance, path=PathRole.INPUT)


COMMANDS: tuple[CommandFuzz, ...] = (
    CommandFuzz("validate", (DATASET_SLOT,)),
    CommandFuzz("audit", (
        DATASET_SLOT,
        Slot("--format", AUDIT_FORMATS, FORMATS_BAD, 0.7),
        _output(0.3),
        Slot("--fail-on", SEVERITIES, SEVERITIES_BAD, 0.4),
        Slot("--as-of", DATES, DATES_BAD, 0.4),
        Slot("--mute", (MUTES,), INPUT_FILE_PATHS, 0.5, path=PathRole.INPUT),
        Slot("--baseline", (BASELINE,), INPUT_FILE_PATHS, 0.5, path=PathRole.INPUT),
        Slot("--no-progress", chance=0.5),
        _policy(0.3),
        *_selection(0.3),
    ), exits=frozenset({0, 1, 2})),
    CommandFuzz("checks", (
        Slot("--format", CHECKS_FORMATS, FORMATS_BAD, 0.5),
        _output(0.3),
        *_selection(0.4),
    )),
    CommandFuzz("simulate", (
        DATASET_SLOT,
        Slot(None, (SCENARIO,), INPUT_FILE_PATHS, path=PathRole.INPUT, name="scenario"),
        Slot("--format", RUN_FORMATS, RUN_FORMATS_BAD, 0.6),
        _output(0.3),
        Slot("--save-state", (f"{OUT}/state", OUT), OUTPUT_FOLDER_PATHS, 0.3,
             path=PathRole.OUTPUT),
        Slot("--seed", INTEGERS, INTEGERS_BAD, 0.3),
        _policy(0.4),
    )),
    CommandFuzz("compare", (
        DATASET_SLOT,
        Slot(None, (SCENARIO,), INPUT_FILE_PATHS, path=PathRole.INPUT, name="scenario"),
        Slot("--policies", POLICY_LISTS, POLICY_LISTS_BAD, 0.6),
        _policy(0.15),
        Slot("--format", RUN_FORMATS, RUN_FORMATS_BAD, 0.6),
        _output(0.3),
        Slot("--seed", INTEGERS, INTEGERS_BAD, 0.3),
    )),
    CommandFuzz("what-if", (
        DATASET_SLOT,
        Slot("--disable-mfa", USERS, UNKNOWN_USERS, 0.7, many=True),
        Slot("--enforce", ACCOUNTS, UNKNOWN_ACCOUNTS, 0.6, many=True),
        Slot("--actor", USERS, UNKNOWN_USERS, 0.2),
        Slot("--format", RUN_FORMATS, RUN_FORMATS_BAD, 0.6),
        _output(0.2),
        _policy(0.3),
        Slot("--as-of", DATES, DATES_BAD, 0.3),
    )),
    CommandFuzz("graph", (
        DATASET_SLOT,
        Slot("--account", ACCOUNTS, UNKNOWN_ACCOUNTS, 0.25),
        Slot("--user", USERS, UNKNOWN_USERS, 0.25),
        Slot("--hops", HOPS, HOPS_BAD, 0.4),
        Slot("--scenario", (SCENARIO,), INPUT_FILE_PATHS, 0.3, path=PathRole.INPUT),
        Slot("--output", (f"{OUT}/graph.graphml", f"{OUT}/graph.gexf"), GRAPH_OUTPUT_PATHS,
             path=PathRole.OUTPUT),
    )),
    CommandFuzz("plan", (
        DATASET_SLOT,
        Slot("--accounts", (*ACCOUNTS, "a_*", "*"), ("", *UNKNOWN_ACCOUNTS, "zz*"), 0.4,
             many=True),
        _policy(0.2),
        Slot("--contacts", ("0", "1", "25", "123456789"), (*INTEGERS_BAD, "-1"), 0.4),
        Slot("--wave-size", ("1", "3", "10"), HOPS_BAD, 0.4),
        Slot("--include-removals", chance=0.5),
        Slot("--as-of", DATES, DATES_BAD, 0.3),
        Slot("--format", PLAN_FORMATS, (*FORMATS_BAD, "junit"), 0.6),
        _output(0.3),
        Slot("--scenario-out", (f"{OUT}/plan.yaml",), OUTPUT_FILE_PATHS, 0.3,
             path=PathRole.OUTPUT),
    )),
    CommandFuzz("import", (
        Slot(None, EXPORTS, (*INPUT_FILE_PATHS, f"{DATASET}/accounts.csv"),
             path=PathRole.INPUT, name="files"),
        Slot(None, EXPORTS, (*INPUT_FILE_PATHS, f"{DATASET}/accounts.csv"),
             path=PathRole.INPUT, name="files"),
        Slot("--output", (f"{OUT}/imported", OUT), OUTPUT_FOLDER_PATHS, path=PathRole.OUTPUT),
        Slot("--from", ("auto", "github-graphql", "google-csv", "mfa-list", "slack-members",
                        "aws-credential-report", "okta-mfa-usage", "gitlab-members-csv"),
             ("", "github", "AUTO", "google-csv ", "--format", "x" * 300), 0.3),
        Slot("--format", ("text", "json"), FORMATS_BAD, 0.5),
        Slot("--list-formats", chance=0.05),
    )),
    CommandFuzz("generate", (
        Slot("--users", ("1", "3", "20"), ("0", "-1", "abc", "", "1e3", "2.5")),
        Slot("--seed", INTEGERS, INTEGERS_BAD, 0.5),
        Slot("--messy", chance=0.5),
        Slot("--output", (f"{OUT}/generated", OUT), OUTPUT_FOLDER_PATHS, path=PathRole.OUTPUT),
    )),
)
"""Every command of ``mfa-sim``, with its arguments, the values that are right for
them and the values that are wrong. A new command joins the fuzz with one entry."""

COMMANDS_BY_NAME = {command.name: command for command in COMMANDS}


OPTION_DAMAGE_CHANCE = 0.4


def _values(rng: random.Random, slot: Slot, pool: Sequence[str]) -> list[str]:
    if slot.switch:
        return []
    count = rng.randint(1, 3) if slot.many else 1
    return [rng.choice(pool) for _ in range(count)]


def _well_formed(rng: random.Random, command: CommandFuzz) -> list[str]:
    argv = [command.name]
    for slot in command.slots:
        if slot.flag is None:
            argv.append(rng.choice(slot.good))
        elif rng.random() < slot.chance:
            argv += [slot.flag, *_values(rng, slot, slot.good)]
    return argv


OPTION_DAMAGES = ("bad value",) * 4 + ("twice",) * 2 + (
    "unknown option", "without its value", "argument dropped", "extra argument")
"""The ways a command line is damaged, a bad value (mostly a hostile path) most often."""


def _damage_options(rng: random.Random, command: CommandFuzz,
                    argv: list[str]) -> list[str]:
    """Damage a command line in place; says what was done."""
    notes: list[str] = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(OPTION_DAMAGES)
        if kind == "bad value":
            slot = rng.choice([slot for slot in command.slots if slot.bad])
            notes.append(f"{slot.flag or 'positional'}: "
                         f"bad value {_shown([_give_bad_value(rng, command, slot, argv)])}")
        elif kind == "twice" and any(slot.flag for slot in command.slots):
            slot = rng.choice([slot for slot in command.slots if slot.flag is not None])
            pool = slot.bad if slot.bad and rng.random() < 0.5 else slot.good
            argv += [str(slot.flag), *_values(rng, slot, pool)]
            notes.append(f"{slot.flag} given twice")
        elif kind == "unknown option":
            argv.insert(rng.randint(1, len(argv)), rng.choice(UNKNOWN_OPTIONS))
            notes.append("an unknown option")
        elif kind == "without its value":
            slot = rng.choice(command.slots)
            if slot.flag is not None and not slot.switch:
                argv.append(slot.flag)
                notes.append(f"{slot.flag} without its value")
        elif kind == "argument dropped" and len(argv) > 1:
            del argv[rng.randrange(1, len(argv))]
            notes.append("an argument dropped")
        else:
            argv.insert(rng.randint(1, len(argv)), rng.choice(("extra", DATASET, SCENARIO)))
            notes.append("an extra argument")
    return notes


def _give_bad_value(rng: random.Random, command: CommandFuzz, slot: Slot,
                    argv: list[str]) -> str:
    """Put a bad value in the slot's place (or add the option with it); the value."""
    bad = rng.choice(slot.bad)
    if slot.flag is None:
        position = 1 + [s for s in command.slots if s.flag is None].index(slot)
        if position < len(argv):
            argv[position] = bad
        else:
            argv.append(bad)
    elif slot.flag in argv and argv.index(slot.flag) + 1 < len(argv):
        argv[argv.index(slot.flag) + 1] = bad
    else:
        argv += [slot.flag, bad]
    return bad


# --- cases ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One run of the fuzz: the files of its folder and its command lines."""

    name: str
    command: str
    files: dict[str, Content]
    """Every file of the case folder, by path, damaged or not."""
    argv: tuple[str, ...]
    damage: tuple[str, ...]
    """What was damaged, in words, for the failure message."""
    exits: frozenset[int]
    follow_up: tuple[str, ...] = ()
    """A command line run after ``argv`` exits 0, which must exit 0 too."""

    def describe(self) -> str:
        """The case's name, what it damaged and the command line, for a report."""
        damage = "; ".join(self.damage) or "nothing damaged"
        lines = [f"case {self.name} ({damage})", f"  mfa-sim {_shown(self.argv)}"]
        if self.follow_up:
            lines.append(f"  then mfa-sim {_shown(self.follow_up)}")
        lines.append(f"  replay: python tests/cli_fuzz.py --replay {self.name} --keep DIR")
        return "\n".join(lines)


def _shown(argv: Sequence[str]) -> str:
    """A command line as one would type it, long values cut, odd characters escaped."""
    cut = [value if len(value) <= 60 else f"{value[:20]}...({len(value)} chars)"
           for value in argv]
    return shlex.join(cut).encode("ascii", "backslashreplace").decode("ascii")


@functools.cache
def pristine_files() -> dict[str, bytes]:
    """The undamaged files of a case, by path: the example dataset, its scenario, a
    mute file, and a baseline (the example's own ``audit --format json``).

    Shared by every case: copy it before changing it.
    """
    files = {f"{DATASET}/{name}": (EXAMPLE / name).read_bytes() for name in DATASET_FILES}
    files[SCENARIO] = (EXAMPLE / "scenario.yaml").read_bytes()
    files[MUTES] = MUTES_TEXT.encode()
    files[POLICY] = POLICY_TEXT.encode()
    for export in EXPORTS[:2]:
        files[export] = (IMPORTS / export.removeprefix("exports/")).read_bytes()
    files[EXPORTS[2]] = MFA_LIST_TEXT.encode()
    for export in EXPORTS[3:]:
        files[export] = (REPO / "tests" / export).read_bytes()
    report = io.StringIO()
    code = main(["audit", str(EXAMPLE), "--format", "json"], out=report, err=io.StringIO())
    if code not in (0, 1):
        raise RuntimeError(f"the example dataset does not audit: exit {code}")
    files[BASELINE] = report.getvalue().encode()
    return files


def _named_files(argv: Sequence[str]) -> list[str]:
    """The case files a command line names (a dataset folder names its four files)."""
    named: list[str] = []
    for value in argv:
        if value == DATASET:
            named += [f"{DATASET}/{name}" for name in DATASET_FILES]
        elif value in pristine_files():
            named.append(value)
    return sorted(set(named))


def _damage_files(rng: random.Random, files: dict[str, Content],
                  targets: Sequence[str], count: int) -> list[str]:
    notes: list[str] = []
    for _ in range(count):
        if not targets:
            break
        path = rng.choice(targets)
        current = files[path]
        if isinstance(current, Stand):
            continue
        mutation = rng.choice([m for m in MUTATIONS if file_format(path) in m.formats])
        files[path] = mutation.mutate(rng, current)
        notes.append(f"{path}: {mutation.name}")
    return notes


MUTATION_COUNTS = (0, 1, 1, 1, 1, 2, 2, 3)
"""How many file damages a case gets: one most often, sometimes none (the options
alone are on trial), sometimes several at once."""


def command_case(seed: int, index: int,
                 commands: Sequence[CommandFuzz] = COMMANDS) -> Case:
    """Case ``cli:SEED:INDEX``: the commands take turns; the rest is random."""
    command = commands[index % len(commands)]
    rng = random.Random(f"cli:{seed}:{index}:{command.name}")
    argv = _well_formed(rng, command)
    damage = (_damage_options(rng, command, argv)
              if rng.random() < OPTION_DAMAGE_CHANCE else [])
    files: dict[str, Content] = dict(pristine_files())
    # Damaged options meet sound files mostly, so that the run gets as far as using them.
    count = rng.choice((0, 0, 1) if damage else MUTATION_COUNTS)
    damage += _damage_files(rng, files, _named_files(argv), count)
    # A folder that import wrote must validate as it is.
    writes = command.name == "import" and "--output" in argv[:-1] and not (
        {"-h", "--help", "--list-formats"} & set(argv))
    follow_up = ("validate", argv[argv.index("--output") + 1]) if writes else ()
    return Case(f"cli:{seed}:{index}", command.name, files, tuple(argv), tuple(damage),
                command.exits, follow_up)


# --- the random-scenario fuzz --------------------------------------------------------

SCENARIO_ACTIONS: dict[str, tuple[str, ...]] = {
    "enforce_mfa": ("account", "actor?"),
    "disable_enforcement": ("account", "actor?"),
    "enable_mfa": ("user", "method?", "clock_skew?"),
    "disable_mfa": ("user",),
    "invite": ("account", "email", "role?", "actor?"),
    "sign_up": ("email", "user"),
    "accept_invitation": ("account", "email"),
    "cancel_invitation": ("account", "email", "actor?"),
    "remove_member": ("account", "user", "actor?"),
    "change_plan": ("account", "plan", "actor?"),
    "advance_time": (),
}
"""Contract §2: each action and its arguments (``?`` marks an optional one)."""

PLANS = ("personal", "solo", "professional", "teams", "business", "enterprise",
         "dnsimple-teams-v2-monthly", "Teams", "dnsimple-personal-yearly")
ROLES = ("owner", "admin", "member", "full", "full_access", "limited", "limited_access",
         "collaborator")
BOOLEANS = ("true", "false", "yes", "no", "Y", "n", "T", "f", "1", "0", " TRUE ")
TIME_UNITS = ("seconds", "minutes", "hours", "days")

WRONG_ARGUMENTS: tuple[object, ...] = (
    7, None, [], {}, True, "", 1.5, "u_nobody", "a_nowhere", "platinum", "boss", "sms",
    "12", 1e308, -1, 1e400, 2_932_896, "x" * 10_000)
"""Argument values a scenario may not hold: numbers for ids, unknown ids and names,
negative, infinite and overlong values."""


@dataclass
class _ScenarioWriter:
    """Valid random steps over the ids of the example dataset and those steps sign up."""

    rng: random.Random
    users: list[str] = field(default_factory=lambda: list(USERS))
    emails: list[str] = field(default_factory=lambda: list(EMAILS))

    def value(self, argument: str) -> object:
        rng = self.rng
        if argument == "account":
            return rng.choice(ACCOUNTS)
        if argument in ("user", "actor"):
            return rng.choice(self.users)
        if argument == "email":
            email = rng.choice(self.emails)
            return email.upper() if rng.random() < 0.1 else email
        if argument == "role":
            return rng.choice(ROLES)
        if argument == "plan":
            return rng.choice(PLANS)
        if argument == "method":
            return rng.choice(("totp", "security_key"))
        if argument == "clock_skew":
            return rng.choice((0, 12, -29, 31, 95, -3600, 1.5))
        raise AssertionError(argument)

    def sign_up(self) -> dict[str, object]:
        number = len(self.users)
        user, email = f"u_new{number}", f"new{number}@fuzz.example"
        self.users.append(user)
        self.emails.append(email)
        return {"email": email, "user": user}

    def step(self) -> dict[str, object]:
        rng = self.rng
        action = rng.choice(tuple(SCENARIO_ACTIONS))
        if action == "sign_up":
            return {action: self.sign_up()}
        if action == "advance_time":
            return {action: {rng.choice(TIME_UNITS): rng.choice((0, 1, 10, 30, 1.5, 61))}}
        return {action: {name.rstrip("?"): self.value(name.rstrip("?"))
                         for name in SCENARIO_ACTIONS[action]
                         if not name.endswith("?") or rng.random() < 0.5}}


def _flaw(rng: random.Random, document: dict[str, object]) -> str:
    """Make a scenario wrong in one of the ways users get it wrong; says how."""
    steps = document["steps"]
    shaped = [at for at, step in enumerate(steps) if isinstance(step, dict) and len(step) == 1
              and isinstance(next(iter(step.values())), dict)] if isinstance(steps, list) else []
    kind = rng.randrange(9)
    if kind == 8 or not shaped:
        return _top_level_flaw(rng, document)
    assert isinstance(steps, list)
    at = rng.choice(shaped)
    action, arguments = next(iter(steps[at].items()))
    if kind == 0 and arguments:
        arguments[rng.choice(list(arguments))] = rng.choice(WRONG_ARGUMENTS)
        return "a wrong argument value"
    if kind == 1 and arguments:
        del arguments[rng.choice(list(arguments))]
        return "an argument missing"
    if kind == 2:
        arguments["colour"] = "blue"
        return "an unknown argument"
    if kind == 3:
        steps[at] = {action: list(arguments.values())}
        return "arguments as a list"
    if kind == 4:
        steps[at] = rng.choice((action, {action.replace("_", " "): arguments},
                                {action: arguments, "advance_time": {"days": 1}}, None))
        return "a step of the wrong shape"
    if kind == 5:
        steps[at] = {"sign_up": {"email": rng.choice(EMAILS), "user": rng.choice(USERS)}}
        return "a sign_up of someone who exists"
    if kind == 6:
        steps[at] = {"advance_time": rng.choice((
            {}, {"days": 1, "hours": 1}, {"days": -1}, {"days": 2_932_896},
            {"seconds": 1e400}, {"minutes": "10"}, {"weeks": 1}))}
        return "a wrong advance_time"
    return _top_level_flaw(rng, document)


def _top_level_flaw(rng: random.Random, document: dict[str, object]) -> str:
    key, value = rng.choice((
        ("start", "soon"), ("start", "0001-01-01T00:00:00Z"), ("start", "9999-12-31"),
        ("seed", "x"), ("seed", 1.5), ("policy", "nobody"), ("colour", "blue"),
        ("steps", {}), ("name", ["a list"])))
    document[key] = value
    return f"a wrong top-level {key}"


def random_scenario(rng: random.Random) -> tuple[bytes, list[str]]:
    """A scenario of 1 to 25 random steps as YAML, and its flaws:
    two times in five one or two ways of being wrong, else none."""
    writer = _ScenarioWriter(rng)
    document: dict[str, object] = {"name": f"random {rng.randrange(10**6)}"}
    if rng.random() < 0.5:
        document["seed"] = rng.choice((0, 7, 2**70, -1))
    if rng.random() < 0.5:
        document["start"] = rng.choice(("2026-01-05T09:00:00Z", "2026-06-01",
                                        "2030-12-31T23:59:59+05:00"))
    if rng.random() < 0.1:
        document["policy"] = "dnsimple"
    elif rng.random() < 0.4:
        document["policy"] = rng.choice(PRESETS)
    document["steps"] = [writer.step() for _ in range(rng.randint(1, 25))]
    flaws = [_flaw(rng, document) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
    return yaml.safe_dump(document, sort_keys=False).encode(), flaws


def _set_column(rng: random.Random, data: bytes, column: str,
                values: Sequence[str]) -> bytes:
    """One record's value in a column set to one of ``values``."""
    lines = data.split(b"\n")
    header = lines[0].split(b",")
    records = [at for at in range(1, len(lines)) if lines[at].strip()]
    if column.encode() not in header or not records:
        return data
    at = rng.choice(records)
    fields = lines[at].split(b",")
    fields[header.index(column.encode())] = rng.choice(values).encode()
    lines[at] = b",".join(fields)
    return b"\n".join(lines)


def _add_member(rng: random.Random, data: bytes) -> bytes:
    """A membership the file does not hold yet."""
    account, user = rng.choice(ACCOUNTS), rng.choice(USERS)
    if b"\n%s,%s," % (account.encode(), user.encode()) in data:
        return data
    return data.rstrip(b"\n") + f"\n{account},{user},{rng.choice(ROLES)}\n".encode()


def _add_invitation(rng: random.Random, data: bytes) -> bytes:
    """An invitation the file does not hold yet, to a user or to someone new."""
    account, number = rng.choice(ACCOUNTS), data.count(b"\n")
    email = rng.choice((*EMAILS, f"new{number}@fuzz.example"))
    if f",{account},{email},".encode() in data:
        return data
    status = rng.choice(("pending", "awaiting_mfa"))
    record = (f"inv_fuzz{number},{account},{email},{rng.choice(ROLES)},"
              f"2026-01-04T00:00:00Z,{status}")
    return data.rstrip(b"\n") + b"\n" + record.encode() + b"\n"


LIGHT_CHANGES: tuple[tuple[str, str, Callable[[random.Random, bytes], bytes]], ...] = (
    ("users.csv", "mfa_enabled changed",
     lambda rng, d: _set_column(rng, d, "mfa_enabled", (*BOOLEANS, "", "unknown"))),
    ("accounts.csv", "mfa_enforced changed",
     lambda rng, d: _set_column(rng, d, "mfa_enforced", BOOLEANS)),
    ("accounts.csv", "plan changed", lambda rng, d: _set_column(rng, d, "plan", PLANS)),
    ("accounts.csv", "seats changed",
     lambda rng, d: _set_column(rng, d, "seats", ("", "0", "1", "2", "4", "007"))),
    ("memberships.csv", "role changed", lambda rng, d: _set_column(rng, d, "role", ROLES)),
    ("memberships.csv", "member added", _add_member),
    ("memberships.csv", "membership dropped", _drop_body_line),
    ("invitations.csv", "invitation added", _add_invitation),
    ("invitations.csv", "invitation dropped", _drop_body_line),
)
"""Changes a real export might hold: another spelling, state, plan or role, a member or
an invitation more or less."""


def _light_change(rng: random.Random, files: dict[str, Content]) -> str:
    """One of :data:`LIGHT_CHANGES`, or one time in twenty a damage from
    :data:`MUTATIONS`; says which."""
    if rng.random() < 0.05:
        paths = [f"{DATASET}/{name}" for name in DATASET_FILES]
        return _damage_files(rng, files, paths, 1)[0]
    name, note, change = rng.choice(LIGHT_CHANGES)
    path = f"{DATASET}/{name}"
    current = files[path]
    assert isinstance(current, bytes)
    files[path] = change(rng, current)
    return f"{path}: {note}"


def scenario_case(seed: int, index: int) -> Case:
    """Case ``scenario:SEED:INDEX``: a random scenario on a lightly changed dataset,
    simulated with ``--save-state``; the saved folder must validate."""
    rng = random.Random(f"scenario:{seed}:{index}")
    files: dict[str, Content] = dict(pristine_files())
    damage = [_light_change(rng, files) for _ in range(rng.choice((0, 1, 1, 2, 3)))]
    files[SCENARIO], flaws = random_scenario(rng)
    argv = ["simulate", DATASET, SCENARIO, "--save-state", f"{OUT}/state"]
    if rng.random() < 0.5:
        argv += ["--format", rng.choice(RUN_FORMATS)]
    if rng.random() < 0.3:
        argv += ["--seed", rng.choice(INTEGERS)]
    damage += [f"{SCENARIO}: random steps", *(f"{SCENARIO}: {flaw}" for flaw in flaws)]
    return Case(f"scenario:{seed}:{index}", "simulate", files, tuple(argv), tuple(damage),
                frozenset({0, 2}), follow_up=("validate", f"{OUT}/state"))


def case_named(name: str) -> Case:
    """The case of a name such as ``cli:0:1234`` or ``scenario:0:17``."""
    kind, seed, index = name.split(":")
    make = {"cli": command_case, "scenario": scenario_case}[kind]
    return make(int(seed), int(index))


# --- running -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """What one command line did."""

    argv: tuple[str, ...]
    code: int | None
    """The exit code main returned; None when an exception escaped."""
    exception: str | None = None
    """The class of the exception that escaped main."""
    where: str | None = None
    """Where it was raised: the innermost frame in mfa_sim."""
    message: str | None = None
    stderr: str = ""
    """Standard error, cut to its first few thousand characters."""
    stderr_length: int = 0
    longest_line: int = 0
    """The length of the longest line on standard error."""
    printed_traceback: bool = False
    """Whether standard error holds a traceback."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A case and what its command lines did."""

    case: Case
    run: Run
    follow_up: Run | None = None
    inputs_changed: tuple[str, ...] = ()
    """Files the first command line reads that were different, or gone, after it ran."""
    outputs_on_inputs: tuple[str, ...] = ()
    """Outputs the first command line names that are the very path of one of its inputs."""

    def runs(self) -> Iterator[Run]:
        yield self.run
        if self.follow_up is not None:
            yield self.follow_up


def _cut(text: str, length: int = 100) -> str:
    return text if len(text) <= length else f"{text[:length]}... ({len(text):,} chars)"


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if f"{os.sep}mfa_sim{os.sep}" in frame.filename]
    frame = (ours or frames)[-1]
    path = frame.filename.split(f"{os.sep}mfa_sim{os.sep}")[-1]
    return f"mfa_sim/{path}:{frame.lineno} in {frame.name}" if ours else (
        f"{frame.filename}:{frame.lineno} in {frame.name}")


def run_command(argv: Sequence[str]) -> Run:
    """Run one command line in-process, in the current folder, catching what escapes.

    Whatever main writes to the process's own streams instead of ``out`` and ``err``
    counts as its standard error too.
    """
    out, err, stray = io.StringIO(), io.StringIO(), io.StringIO()
    code: int | None = None
    escaped: BaseException | None = None
    try:
        with contextlib.redirect_stdout(stray), contextlib.redirect_stderr(stray):
            code = main(list(argv), out=out, err=err)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a SystemExit escaping main is a crash too
        escaped = error
    stderr = err.getvalue() + stray.getvalue()
    return Run(
        tuple(argv), code,
        exception=None if escaped is None else type(escaped).__name__,
        where=None if escaped is None else _where(escaped),
        message=None if escaped is None else _cut(str(escaped)),
        stderr=stderr[:4_000], stderr_length=len(stderr),
        longest_line=max((len(line) for line in stderr.splitlines()), default=0),
        printed_traceback="Traceback (most recent call last)" in stderr)


def write_case(case: Case, folder: Path) -> None:
    """Write a case's files, and the path fixtures its command lines name."""
    folder.mkdir(parents=True)
    (folder / DATASET).mkdir()
    (folder / OUT).mkdir()
    for path, content in case.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if content is Stand.DIRECTORY:
            target.mkdir()
        elif isinstance(content, bytes):
            target.write_bytes(content)
    named = set(case.argv)
    if f"{OUT}/folder.graphml" in named:
        (folder / OUT / "folder.graphml").mkdir()
    for link in (f"{OUT}/link-to-users.csv", f"{OUT}/link-to-users.graphml"):
        if link in named:
            (folder / link).symlink_to(Path("..") / DATASET / "users.csv")


@functools.cache
def _parser() -> argparse.ArgumentParser:
    return build_parser()


def named_paths(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The input files and the outputs of a command line, as mfa-sim's own parser
    reads it (none if it does not parse); a dataset folder stands for its four files."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            arguments = _parser().parse_args(list(argv))
    except SystemExit:
        return [], []
    inputs: list[str] = []
    outputs: list[str] = []
    for slot in COMMANDS_BY_NAME[argv[0]].slots:
        found = getattr(arguments, slot.dest, None)
        # A positional that takes several files (import's) holds a list of them.
        values = found if isinstance(found, list) else [found]
        if slot.path is None or not all(isinstance(value, str) for value in values):
            continue
        for value in values:
            if slot.path is PathRole.DATASET:
                inputs += [os.path.join(value, name) for name in DATASET_FILES]
            elif slot.path is PathRole.INPUT:
                inputs.append(value)
            else:
                outputs.append(value)
    return inputs, outputs


def _contents(paths: Iterable[str]) -> dict[str, bytes | None]:
    """The bytes of the regular files among ``paths`` (None for a missing one)."""
    return {path: Path(path).read_bytes() if os.path.isfile(path) else None
            for path in paths}


def run_case(case: Case, root: Path, *, keep: bool = False,
             isolated: bool = False) -> Outcome:
    """Write a case into ``root``, run it from inside its folder, and clean up.

    The input files inside the case folder are compared before and after the run.
    ``isolated`` runs it in a forked child, so that a run that kills its process (a
    crash in a C extension) is counted rather than ending the fuzz.
    """
    folder = root / case.name.replace(":", "-")
    write_case(case, folder)
    try:
        with contextlib.chdir(folder):
            outcome = _forked(case) if isolated else _run_here(case)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    # The files are made again from the case's name; thousands of them would fill memory.
    return dataclasses.replace(outcome, case=dataclasses.replace(case, files={}))


def _run_here(case: Case) -> Outcome:
    inputs, outputs = named_paths(case.argv)
    inputs = [path for path in inputs if not os.path.isabs(path)]
    before = _contents(inputs)
    first = run_command(case.argv)
    after = _contents(inputs)
    second = run_command(case.follow_up) if case.follow_up and first.code == 0 else None
    existing = {os.path.normpath(path) for path, content in before.items() if content is not None}
    return Outcome(
        case, first, second,
        inputs_changed=tuple(path for path in inputs if before[path] != after[path]),
        outputs_on_inputs=tuple(path for path in outputs if os.path.normpath(path) in existing))


CASE_TIME_LIMIT = 30
"""Seconds a forked case may run before it counts as hanging (the slowest take 2 or 3)."""


def _forked(case: Case) -> Outcome:
    """:func:`_run_here` in a child process; a child killed by a signal is a crash."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child never returns
        os.close(reading)
        signal.alarm(CASE_TIME_LIMIT)  # a case that hangs is killed, and reported so
        try:
            outcome = _run_here(case)
            payload = pickle.dumps(dataclasses.replace(
                outcome, case=dataclasses.replace(case, files={})))
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(child, 0)
    if payload and os.WIFEXITED(status):
        outcome = pickle.loads(payload)
        assert isinstance(outcome, Outcome)
        return outcome
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        death = f"still running after {CASE_TIME_LIMIT} s: killed"
    elif os.WIFSIGNALED(status):
        death = f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        death = f"exited {os.WEXITSTATUS(status)} with no result"
    return Outcome(case, Run(case.argv, None, exception="ProcessDied",
                             where="(the process died)", message=death))


# --- what may not happen -------------------------------------------------------------


def escaped_exceptions(outcome: Outcome) -> list[str]:
    """An exception escaped main: it would be a traceback on the command line."""
    return [f"raised {run.exception}: {run.message} at {run.where}"
            for run in outcome.runs() if run.exception is not None]


def exits_outside_contract(outcome: Outcome) -> list[str]:
    """main returned an exit code the contract does not give this command."""
    code = outcome.run.code
    return [f"exit {code}"] if code is not None and code not in outcome.case.exits else []


def refused_follow_ups(outcome: Outcome) -> list[str]:
    """The follow-up (validate of a saved state) did not exit 0 after the run did."""
    run = outcome.follow_up
    if run is None or run.code == 0:
        return []
    return [f"the follow-up exited {run.code}, after exit 0: {_cut(run.stderr, 600)!r}"]


def printed_tracebacks(outcome: Outcome) -> list[str]:
    """A traceback was printed on standard error."""
    return [f"printed a traceback: {_cut(run.stderr, 300)!r}"
            for run in outcome.runs() if run.printed_traceback]


def silent_refusals(outcome: Outcome) -> list[str]:
    """Exit 2 without a message on standard error."""
    return ["exit 2 with nothing on standard error"
            for run in outcome.runs() if run.code == 2 and not run.stderr.strip()]


def overlong_lines(outcome: Outcome) -> list[str]:
    """A line of a message longer than a screen (:data:`SCREEN`)."""
    return [f"a line of {run.longest_line:,} characters on standard error "
            f"({run.stderr_length:,} in all)"
            for run in outcome.runs() if run.longest_line > SCREEN]


def inputs_overwritten(outcome: Outcome) -> list[str]:
    """A run changed or removed a file it reads (issue 12, item 6)."""
    return [f"changed its input {path}" for path in outcome.inputs_changed]


def outputs_onto_inputs_accepted(outcome: Outcome) -> list[str]:
    """An output names an input of the same run, and the run did not refuse it with
    exit 2 (issue 12, item 6)."""
    if not outcome.outputs_on_inputs or outcome.run.code == 2:
        return []
    return [f"exit {outcome.run.code} with an output onto its input {path}"
            for path in outcome.outputs_on_inputs]


CRASHES: tuple[Callable[[Outcome], list[str]], ...] = (
    escaped_exceptions, exits_outside_contract, printed_tracebacks, refused_follow_ups)
"""What counts as a crash in the counts and the findings."""


def failure_report(outcomes: Iterable[Outcome],
                   check: Callable[[Outcome], list[str]], *, shown: int = 12) -> str:
    """The outcomes that break ``check``: one example of each distinct failure (by
    command and first problem, numbers aside), then how many broke it in all."""
    groups: dict[tuple[str, str], tuple[Outcome, list[str], int]] = {}
    for outcome in outcomes:
        problems = check(outcome)
        if problems:
            key = (outcome.case.command, _gist(problems[0]))
            first, listed, count = groups.get(key, (outcome, problems, 0))
            groups[key] = (first, listed, count + 1)
    if not groups:
        return ""
    total = sum(count for _, _, count in groups.values())
    parts = [f"{total} case(s) break it, {len(groups)} distinct:"]
    for outcome, problems, count in list(groups.values())[:shown]:
        parts.append(f"\n[{count}x] {outcome.case.describe()}\n  " + "\n  ".join(problems))
    return "\n".join(parts)


def _gist(problem: str) -> str:
    """A problem without its numbers and quoted values, to group alike failures."""
    head = problem.split(":", 1)[0] if problem.startswith("raised") else problem
    where = problem.rsplit(" at ", 1)[-1] if " at " in problem else ""
    return "".join(c for c in head + where if not c.isdigit())


# --- many cases ----------------------------------------------------------------------


def run_cases(cases: Iterable[Case], root: Path, *, isolated: bool = True) -> list[Outcome]:
    """Run cases one after another in folders under ``root`` (see :func:`run_case`)."""
    if isolated:
        _warm_up(root)
    return [run_case(case, root, isolated=isolated) for case in cases]


def _warm_up(root: Path) -> None:
    """Run every command once on undamaged files, here: the modules each one imports
    when it first runs are then imported once, not again in every forked child."""
    rng = random.Random(0)
    for command in COMMANDS:
        argv = tuple(_well_formed(rng, command))
        run_case(Case(f"warm-up:0:{command.name}", command.name, dict(pristine_files()),
                      argv, (), command.exits), root)


def environment_count(variable: str, default: int) -> int:
    """A case count from the environment, or the default."""
    text = os.environ.get(variable, "").strip()
    return int(text) if text else default


def counts_table(outcomes: Sequence[Outcome]) -> str:
    """Runs, exits by code and escaped exceptions by class, per command (a Markdown table).

    The follow-up ``validate`` of a saved state or an imported folder has a row of its own.
    """
    rows: dict[str, tuple[Counter[str], Counter[str]]] = {}
    for outcome in outcomes:
        scenario = outcome.case.name.startswith("scenario:")
        label = outcome.case.command + (" (random scenario)" if scenario else "")
        labelled = [(label, outcome.run)]
        if outcome.follow_up is not None:
            written = "saved state" if scenario else f"{outcome.case.command}'s folder"
            labelled.append((f"validate ({written})", outcome.follow_up))
        for name, run in labelled:
            exits, exceptions = rows.setdefault(name, (Counter(), Counter()))
            exits["runs"] += 1
            exits["exception" if run.code is None else f"exit {run.code}"] += 1
            if run.exception is not None:
                exceptions[run.exception] += 1
            if run.printed_traceback:
                exceptions["traceback printed"] += 1
            if run.longest_line > SCREEN:
                exits["line > screen"] += 1
        if outcome.inputs_changed:
            rows[label][0]["input changed"] += 1
    columns = ["runs", "exit 0", "exit 1", "exit 2", "other exit", "exception",
               "line > screen", "input changed"]
    lines = ["| command | " + " | ".join(columns) + " | exceptions by class |",
             "|---" * (len(columns) + 2) + "|"]
    totals: Counter[str] = Counter()
    for name, (exits, exceptions) in rows.items():
        exits["other exit"] = sum(count for key, count in exits.items()
                                  if key.startswith("exit ") and key not in columns)
        totals.update({column: exits[column] for column in columns})
        classes = ", ".join(f"{cls} {count}" for cls, count in exceptions.most_common()) or "-"
        lines.append(f"| {name} | " + " | ".join(f"{exits[c]:,}" for c in columns)
                     + f" | {classes} |")
    lines.append("| all | " + " | ".join(f"{totals[c]:,}" for c in columns) + " | |")
    return "\n".join(lines)


def _crash(outcome: Outcome) -> list[str]:
    return [problem for check in CRASHES for problem in check(outcome)]


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python tests/cli_fuzz.py",
        description="Fuzz the mfa-sim command line and print the counts per command.")
    parser.add_argument("--cases", type=int, default=10_000,
                        help="command-line cases (default 10000)")
    parser.add_argument("--scenarios", type=int, default=None,
                        help="random-scenario cases (default: a tenth of --cases)")
    parser.add_argument("--seed", type=int, default=0, help="the stream of cases (default 0)")
    parser.add_argument("--replay", metavar="NAME",
                        help="run one case, such as cli:0:1234, and print what it did")
    parser.add_argument("--keep", metavar="DIR",
                        help="with --replay: write the case folder here and keep it")
    return parser.parse_args(argv)


def _replay(name: str, keep: str | None) -> int:
    case = case_named(name)
    if keep:
        outcome = run_case(case, Path(keep), keep=True, isolated=True)
    else:
        with tempfile.TemporaryDirectory(prefix="mfa-sim-fuzz-") as root:
            outcome = run_case(case, Path(root), isolated=True)
    print(case.describe())
    for run in outcome.runs():
        print(f"\nmfa-sim {_shown(run.argv)}\n  exit {run.code}"
              + (f", raised {run.exception} at {run.where}: {run.message}"
                 if run.exception else ""))
        print("  stderr: " + run.stderr[:2_000].replace("\n", "\n          "))
    if keep:
        print(f"\nthe case folder: {Path(keep) / case.name.replace(':', '-')}")
    return 1 if _crash(outcome) else 0


def cli(argv: Sequence[str] | None = None) -> int:
    """``python tests/cli_fuzz.py``: the counts per command, and the crashes found."""
    arguments = _parse_arguments(argv)
    if arguments.replay:
        return _replay(arguments.replay, arguments.keep)
    scenarios = (arguments.scenarios if arguments.scenarios is not None
                 else arguments.cases // 10)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mfa-sim-fuzz-") as root:
        outcomes = run_cases((command_case(arguments.seed, index)
                              for index in range(arguments.cases)), Path(root))
        outcomes += run_cases((scenario_case(arguments.seed, index)
                               for index in range(scenarios)), Path(root))
    elapsed = time.perf_counter() - started
    print(f"{arguments.cases:,} command-line cases and {scenarios:,} random scenarios "
          f"(seed {arguments.seed}) in {elapsed:.1f} s\n")
    print(counts_table(outcomes))
    crashes = failure_report(outcomes, _crash, shown=50)
    print("\n" + (crashes or "No crash."))
    for check in (overlong_lines, inputs_overwritten, outputs_onto_inputs_accepted):
        report = failure_report(outcomes, check, shown=10)
        if report:
            print(f"\n{check.__doc__}\n{report}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(cli())
