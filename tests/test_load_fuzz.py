"""Contract §1, "Bad input": whatever the bytes, the loader answers with a dataset or with
one InputError whose problems are located inside the files, never with a crash."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from mfa_sim import Dataset, InputError, ProblemReason, load_dataset, save_dataset
from tests.conftest import EXAMPLE, FILES, MakeDataset, write_dataset

MESSY_BASE: dict[str, bytes] = {
    "users.csv": b"\xef\xbb\xbf" + (
        b'user_id,email,mfa_enabled,name,created_at\r\n'
        b'u1," Ann@Example.com ",YES,"Doe, Ann",2026-01-31T10:30:00+01:00\r\n'
        b'\r\n'
        b'007,bob@example.com,unknown,"Bob ""B""\r\nsecond line",2026-01-31\r\n'
        b'NA,cat@example.com,,Cat,\r\n'
    ),
    "accounts.csv": (
        b"account_id,plan,mfa_enforced,seats,notes\n"
        b"a1,dnsimple-teams-v2-monthly,t,007,=x\n"
        b'a2,Solo,no,,"a,b"\n'
    ),
    "memberships.csv": (
        b'"account_id","user_id","role"\n'
        b'"a1","u1","full_access"\n'
        b'"a1","007",""\n'
        b'"a2","NA","OWNER"\n'
    ),
    "invitations.csv": (
        b"invitation_id,account_id,email,role,invited_at,status\n"
        b",a1,new@example.com,limited,2026-02-01T12:00:00Z,AWAITING_MFA\n"
        b"i2,a2,cat@EXAMPLE.com,,,\n"
    ),
}

Mutation = Callable[[random.Random, bytes], bytes]


def _flip_bits(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if buffer:
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _duplicate_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return b"\n".join(lines)


def _repeat_record_with_surplus_field(rng: random.Random, data: bytes) -> bytes:
    """A record again with one field too many: its id is a twin of a malformed one."""
    lines = data.split(b"\n")
    at = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    lines.insert(at, lines[at].rstrip(b"\r") + b",surplus")
    return b"\n".join(lines)


def _garble_line(rng: random.Random, data: bytes) -> bytes:
    """A stray comma and a broken UTF-8 sequence on the same line."""
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    line = bytearray(lines[at])
    for piece in (b",", b"\xc3"):
        cut = rng.randrange(len(line) + 1)
        line[cut:cut] = piece
    lines[at] = bytes(line)
    return b"\n".join(lines)


def _drop_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def _swap_header_columns(rng: random.Random, data: bytes) -> bytes:
    head, newline, body = data.partition(b"\n")
    names = head.split(b",")
    if len(names) > 1:
        i, j = rng.sample(range(len(names)), 2)
        names[i], names[j] = names[j], names[i]
    return b",".join(names) + newline + body


def _insert(characters: bytes) -> Mutation:
    def insert(rng: random.Random, data: bytes) -> bytes:
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(buffer) + 1)
            buffer[at:at] = bytes([rng.choice(characters)])
        return bytes(buffer)
    return insert


def _delete_span(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 12):]


def _empty(_rng: random.Random, _data: bytes) -> bytes:
    return b""


MUTATIONS: list[Mutation] = [
    _flip_bits, _truncate, _duplicate_line, _drop_line, _swap_header_columns,
    _insert(b'"'), _insert(b","), _insert(b'",'), _insert(b"\r\n"), _insert(b"\r"),
    _insert(b"\xff\xc3\x00"), _insert(b"\xc3"), _repeat_record_with_surplus_field,
    _garble_line, _delete_span, _empty,
]


def _mutated(rng: random.Random) -> dict[str, bytes | None]:
    base = MESSY_BASE if rng.random() < 0.5 else {
        name: (EXAMPLE / name).read_bytes() for name in FILES}
    files: dict[str, bytes | None] = dict(base)
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(FILES)
        current = files[name]
        if current is None:
            continue
        if rng.random() < 0.05:
            files[name] = None
        else:
            files[name] = rng.choice(MUTATIONS)(rng, current)
    return files


def _lines_in(data: bytes) -> int:
    """Lines as the loader counts them: ended by LF, CRLF or a lone CR."""
    return max(1, len(data.splitlines()))


CASES = 200
CHUNKS = 8


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_mangled_files_load_or_raise_only_located_input_errors(tmp_path: Path,
                                                               chunk: int) -> None:
    for seed in range(chunk * CASES // CHUNKS, (chunk + 1) * CASES // CHUNKS):
        rng = random.Random(seed)
        files = _mutated(rng)
        outcome = _load(write_dataset(tmp_path / f"case{seed}", files))
        if isinstance(outcome, InputError):
            assert outcome.problems, seed
            assert len(outcome.to_frame()) == len(outcome.problems), seed
            for problem in outcome.problems:
                assert isinstance(problem.reason, ProblemReason), (seed, problem)
                assert problem.file in FILES, (seed, problem)
                if problem.line is not None:
                    data = files[problem.file]
                    assert data is not None, (seed, problem)
                    assert 1 <= problem.line <= _lines_in(data), (seed, problem)
            assert str(outcome).startswith(f"{len(outcome.problems)} problem"), seed
        else:
            # Whatever the loader accepts survives saving.
            save_dataset(outcome, tmp_path / f"saved{seed}")
            assert load_dataset(tmp_path / f"saved{seed}") == outcome, seed


def _load(folder: Path) -> Dataset | InputError:
    """The dataset, or the InputError; any other exception fails the test."""
    try:
        return load_dataset(folder)
    except InputError as error:
        return error


def test_fuzz_cases_reach_both_outcomes(tmp_path: Path) -> None:
    # Guards the fuzz test itself: mutations must not all be fatal, nor all harmless.
    outcomes = set()
    for seed in range(CASES):
        folder = write_dataset(tmp_path / f"case{seed}", _mutated(random.Random(seed)))
        outcomes.add(type(_load(folder)).__name__)
        if len(outcomes) == 2:
            break
    assert outcomes == {"Dataset", "InputError"}


def test_messy_fuzz_base_is_valid(make_dataset: MakeDataset) -> None:
    dataset = load_dataset(make_dataset(MESSY_BASE, base=False))
    assert dataset.counts == {"users": 3, "accounts": 2, "memberships": 3, "invitations": 2}
