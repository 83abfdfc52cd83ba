"""The virtual authenticator against RFC 6238, contract §2 and §4, and rules.md rule 7.

Assertions never compare secrets or recovery codes in a way that would print them on
failure: they go through helpers that return booleans, or through objects whose repr
hides them.
"""

from __future__ import annotations

import base64
import copy
import pickle
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from mfa_sim.engine.totp import (
    DIGITS,
    STEP_SECONDS,
    VALID_WINDOW,
    Authenticator,
    Digest,
    EnrolmentResult,
    derive_recovery_code,
    derive_secret,
    recovery_code_matches,
    totp_code,
    verify_code,
)
from mfa_sim.errors import MfaSimError, UsageError
from mfa_sim.model.actions import Method
from mfa_sim.model.enrolment import Enrolment

# --- RFC 6238 Appendix B ------------------------------------------------------------------

RFC_SECRETS: dict[Digest, str] = {
    "sha1": base64.b32encode(b"12345678901234567890").decode("ascii"),
    "sha256": base64.b32encode(b"12345678901234567890123456789012").decode("ascii"),
    "sha512": base64.b32encode(
        b"1234567890123456789012345678901234567890123456789012345678901234"
    ).decode("ascii"),
}

# Time (s), the RFC's UTC column, T, and the 8-digit TOTP for SHA1, SHA256, SHA512.
RFC_6238_APPENDIX_B = [
    (59, "1970-01-01 00:00:59", 0x1, "94287082", "46119246", "90693936"),
    (1111111109, "2005-03-18 01:58:29", 0x23523EC, "07081804", "68084774", "25091201"),
    (1111111111, "2005-03-18 01:58:31", 0x23523ED, "14050471", "67062674", "99943326"),
    (1234567890, "2009-02-13 23:31:30", 0x273EF07, "89005924", "91819424", "93441116"),
    (2000000000, "2033-05-18 03:33:20", 0x3F940AA, "69279037", "90698825", "38618901"),
    (20000000000, "2603-10-11 11:33:20", 0x27BC86AA, "65353130", "77737706", "47863826"),
]

RFC_CASES = [
    pytest.param(seconds, utc, step, digest, code, id=f"{digest}-{seconds}")
    for seconds, utc, step, *codes in RFC_6238_APPENDIX_B
    for digest, code in zip(("sha1", "sha256", "sha512"), codes, strict=True)
]


@pytest.mark.parametrize(("seconds", "utc", "step", "digest", "expected"), RFC_CASES)
def test_rfc6238_appendix_b_vectors_from_unix_seconds(
    seconds: int, utc: str, step: int, digest: Digest, expected: str
) -> None:
    assert seconds // 30 == step
    assert totp_code(RFC_SECRETS[digest], seconds, digits=8, digest=digest) == expected


@pytest.mark.parametrize(("seconds", "utc", "step", "digest", "expected"), RFC_CASES)
def test_rfc6238_appendix_b_vectors_from_utc_datetimes(
    seconds: int, utc: str, step: int, digest: Digest, expected: str
) -> None:
    at = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert at.timestamp() == seconds
    assert totp_code(RFC_SECRETS[digest], at, digits=8, digest=digest) == expected


@pytest.mark.parametrize(("seconds", "utc", "step", "digest", "expected"), RFC_CASES)
def test_rfc6238_appendix_b_vectors_verify_in_their_own_step_only(
    seconds: int, utc: str, step: int, digest: Digest, expected: str
) -> None:
    secret = RFC_SECRETS[digest]
    assert verify_code(secret, expected, seconds, window=0, digits=8, digest=digest)
    next_step = (step + 1) * 30
    assert not verify_code(secret, expected, next_step, window=0, digits=8, digest=digest)
    assert verify_code(secret, expected, next_step, window=1, digits=8, digest=digest)


def test_rfc6238_secrets_accepted_without_base32_padding() -> None:
    unpadded = RFC_SECRETS["sha256"].rstrip("=")
    assert unpadded != RFC_SECRETS["sha256"]
    assert totp_code(unpadded, 59, digits=8, digest="sha256") == "46119246"


def test_rule7_codes_users_type_are_six_digits_in_thirty_second_steps() -> None:
    assert (DIGITS, STEP_SECONDS, VALID_WINDOW) == (6, 30, 1)
    code = totp_code(derive_secret(0, "u1", 1), 1767225600)
    assert re.fullmatch(r"[0-9]{6}", code)


# --- the window: one step either side (contract §2, RFC 6238 §5.2) --------------------------

ALIGNED = 1767225600
"""2026-01-01T00:00:00Z, the contract's default start: 58907520 * 30, a step boundary."""

# Expected steps_off = (server + skew) // 30 - server // 30, worked out by hand for each
# server time; a code verifies exactly when |steps_off| <= 1.
# Server on a step boundary (30k): steps_off = floor(skew / 30).
ON_BOUNDARY = [
    (0, 0), (29, 0), (-29, -1), (30, 1), (-30, -1), (31, 1), (-31, -2),
    (59, 1), (-59, -2), (60, 2), (-60, -2), (61, 2), (-61, -3),
    (89, 2), (-89, -3), (90, 3), (-90, -3), (-0.5, -1), (29.9, 0),
]
# Server mid-step (30k + 15): steps_off = floor((15 + skew) / 30).
MID_STEP = [
    (0, 0), (29, 1), (-29, -1), (30, 1), (-30, -1), (31, 1), (-31, -1),
    (59, 2), (-59, -2), (60, 2), (-60, -2), (61, 2), (-61, -2),
    (89, 3), (-89, -3), (90, 3), (-90, -3),
]
# Server in the last second of a step (30k + 29): steps_off = floor((29 + skew) / 30).
LAST_SECOND = [
    (0, 0), (29, 1), (-29, 0), (30, 1), (-30, -1), (31, 2), (-31, -1),
    (59, 2), (-59, -1), (60, 2), (-60, -2), (61, 3), (-61, -2),
    (89, 3), (-89, -2), (90, 3), (-90, -3),
]

WINDOW_CASES = [
    pytest.param(ALIGNED + offset, skew, steps_off, id=f"{name}-skew{skew:+g}")
    for name, offset, table in (
        ("boundary", 0, ON_BOUNDARY), ("mid", 15, MID_STEP), ("last", 29, LAST_SECOND)
    )
    for skew, steps_off in table
]


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@pytest.mark.parametrize(("server", "skew", "steps_off"), WINDOW_CASES)
def test_contract_s2_code_verifies_within_one_step_either_side(
    server: int, skew: float, steps_off: int
) -> None:
    result = Authenticator(seed=3).enrol("u1", 1, Method.TOTP, _at(server), clock_skew=skew)
    assert result.steps_off == steps_off
    assert result.verified is (abs(steps_off) <= 1)
    assert (result.enrolment is not None) is result.verified


@pytest.mark.parametrize(("server", "skew", "steps_off"), WINDOW_CASES)
def test_contract_s2_window_holds_for_every_user(server: int, skew: float, steps_off: int) -> None:
    auth = Authenticator(seed=11)
    verdicts = {
        auth.enrol(user, number, Method.TOTP, _at(server), clock_skew=skew).verified
        for user in ("u1", "u2", "007", "NA", "ü")
        for number in (1, 2, 3)
    }
    assert verdicts == {abs(steps_off) <= 1}


def test_contract_s2_skew_counts_from_the_phone_code_the_server_checks() -> None:
    # The enrolment's secret is the one the phone used: its code at the phone's time
    # verifies at the server's time.
    server = ALIGNED + 15
    enrolment = Authenticator(seed=5).enrol(
        "u1", 1, Method.TOTP, _at(server), clock_skew=40).enrolment
    assert enrolment is not None
    assert enrolment.secret is not None
    shown = totp_code(enrolment.secret, server + 40)
    assert verify_code(enrolment.secret, shown, server)
    assert not verify_code(enrolment.secret, shown, server, window=0)


def test_contract_s2_clock_starting_at_the_epoch_still_verifies() -> None:
    result = Authenticator(seed=0).enrol("u1", 1, Method.TOTP, _at(10))
    assert result.verified
    assert result.steps_off == 0


def test_contract_s2_phone_clock_before_the_epoch_shows_no_valid_code() -> None:
    result = Authenticator(seed=0).enrol("u1", 1, Method.TOTP, _at(10), clock_skew=-20)
    assert result == EnrolmentResult(verified=False, enrolment=None, steps_off=-1)


def test_rule7_security_keys_need_no_code_and_get_a_recovery_code() -> None:
    auth = Authenticator(seed=0)
    for skew in (0, 90, -3600):
        result = auth.enrol("u1", 1, Method.SECURITY_KEY, _at(ALIGNED), clock_skew=skew)
        assert result.verified
        assert result.steps_off == 0
        assert result.enrolment is not None
        assert result.enrolment.method is Method.SECURITY_KEY
        assert result.enrolment.secret is None
        assert recovery_code_matches(result.enrolment, derive_recovery_code(0, "u1", 1))


def test_enrolment_records_user_number_method_and_utc_time() -> None:
    local = datetime.fromisoformat("2026-01-01T02:00:00+02:00")
    enrolment = Authenticator(seed=0).enrol("u9", 4, "totp", local).enrolment
    assert enrolment is not None
    assert (enrolment.user, enrolment.number, enrolment.method) == ("u9", 4, Method.TOTP)
    assert enrolment.enrolled_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert enrolment.enrolled_at.tzinfo is UTC


# --- secrets derive from the seed (contract §2) ------------------------------------------


def _same_secret(a: tuple[int, str, int], b: tuple[int, str, int]) -> bool:
    return derive_secret(*a) == derive_secret(*b)


def _same_recovery_code(a: tuple[int, str, int], b: tuple[int, str, int]) -> bool:
    return derive_recovery_code(*a) == derive_recovery_code(*b)


def _is_160_bit_base32(secret: str) -> bool:
    return len(secret) == 32 and len(base64.b32decode(secret)) == 20


def test_contract_s2_same_seed_user_and_enrolment_give_the_same_material() -> None:
    assert _same_secret((7, "u1", 1), (7, "u1", 1))
    assert _same_recovery_code((7, "u1", 1), (7, "u1", 1))
    first = Authenticator(seed=7).enrol("u1", 1, Method.TOTP, _at(ALIGNED))
    again = Authenticator(seed=7).enrol("u1", 1, Method.TOTP, _at(ALIGNED))
    assert first.enrolment is not None
    assert first == again  # equality compares the secret and the recovery code too


@pytest.mark.parametrize(
    ("base", "other"),
    [
        pytest.param((7, "u1", 1), (8, "u1", 1), id="seed"),
        pytest.param((7, "u1", 1), (-7, "u1", 1), id="negative-seed"),
        pytest.param((7, "u1", 1), (7, "u2", 1), id="user"),
        pytest.param((7, "u1", 1), (7, "u1", 2), id="enrolment"),
        pytest.param((7, "u1", 11), (7, "u11", 1), id="user-and-number-do-not-run-together"),
    ],
)
def test_contract_s2_other_seed_user_or_enrolment_give_other_material(
    base: tuple[int, str, int], other: tuple[int, str, int]
) -> None:
    assert not _same_secret(base, other)
    assert not _same_recovery_code(base, other)
    one = Authenticator(base[0]).enrol(base[1], base[2], Method.TOTP, _at(ALIGNED)).enrolment
    two = Authenticator(other[0]).enrol(other[1], other[2], Method.TOTP, _at(ALIGNED)).enrolment
    assert one is not None
    assert two is not None
    assert one.secret is not None
    assert two.secret is not None
    # Codes from one secret do not verify under the other, step after step.
    steps = range(ALIGNED, ALIGNED + 10 * STEP_SECONDS, STEP_SECONDS)
    assert not all(verify_code(two.secret, totp_code(one.secret, t), t, window=0) for t in steps)
    assert not recovery_code_matches(two, one.recovery_code)


def test_contract_s2_secrets_are_160_bit_base32() -> None:
    assert all(_is_160_bit_base32(derive_secret(seed, "u1", 1)) for seed in range(20))


def test_contract_s2_secret_and_recovery_code_come_from_separate_domains() -> None:
    secret = derive_secret(0, "u1", 1).lower()
    recovery = derive_recovery_code(0, "u1", 1).replace("-", "")
    assert not secret.startswith(recovery)


def test_rule7_recovery_codes_are_three_groups_of_four() -> None:
    codes = [derive_recovery_code(seed, "u1", 1) for seed in range(50)]
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    assert len(set(codes)) == len(codes)


# --- secrets never leave the engine (contract §2, §4) ------------------------------------


def _enrolments() -> list[Enrolment]:
    auth = Authenticator(seed=1234)
    results = [
        auth.enrol("u1", 1, Method.TOTP, _at(ALIGNED)),
        auth.enrol("u2", 3, Method.SECURITY_KEY, _at(ALIGNED)),
    ]
    return [result.enrolment for result in results if result.enrolment is not None]


def _leaks(text: str, enrolment: Enrolment) -> bool:
    material = [enrolment.recovery_code, enrolment.recovery_code.replace("-", "")]
    if enrolment.secret is not None:
        material.append(enrolment.secret)
    folded = text.lower()
    return any(item.lower() in folded for item in material)


def _renderings(thing: object) -> list[str]:
    return [repr(thing), str(thing), format(thing), f"{thing}", f"{thing!r}", f"{[thing]}"]


def test_contract_s4_enrolment_repr_str_and_format_hide_the_secrets() -> None:
    enrolments = _enrolments()
    assert len(enrolments) == 2
    for enrolment in enrolments:
        assert not any(_leaks(text, enrolment) for text in _renderings(enrolment))
        assert "u" in repr(enrolment)


def test_contract_s4_results_repr_str_and_format_hide_the_secrets() -> None:
    auth = Authenticator(seed=1234)
    verified = auth.enrol("u1", 1, Method.TOTP, _at(ALIGNED))
    failed = auth.enrol("u1", 1, Method.TOTP, _at(ALIGNED), clock_skew=120)
    assert verified.enrolment is not None
    assert failed.enrolment is None
    for result in (verified, failed, auth):
        assert not any(_leaks(text, verified.enrolment) for text in _renderings(result))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_contract_s2_enrolments_cannot_be_pickled(protocol: int) -> None:
    enrolment = _enrolments()[0]
    result = EnrolmentResult(verified=True, enrolment=enrolment, steps_off=0)
    with pytest.raises(TypeError, match="never leave the engine"):
        pickle.dumps(enrolment, protocol=protocol)
    with pytest.raises(TypeError, match="never leave the engine"):
        pickle.dumps(result, protocol=protocol)
    with pytest.raises(TypeError, match="never leave the engine"):
        enrolment.__reduce__()


def test_enrolments_are_immutable_and_copy_to_themselves() -> None:
    enrolment = _enrolments()[0]
    assert copy.copy(enrolment) is enrolment
    assert copy.deepcopy(enrolment) is enrolment
    with pytest.raises(AttributeError):
        enrolment.secret = None  # type: ignore[misc]


def test_contract_s4_a_bad_secret_is_refused_without_echoing_it() -> None:
    short = "MFRGGZDFMZTWQ2LK"  # 80 bits: too short for pyotp
    with pytest.raises(UsageError, match="at least 112 bits") as caught:
        totp_code(short, ALIGNED)
    assert short not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# --- recovery codes (rules.md rule 7) ----------------------------------------------------


def test_rule7_the_right_recovery_code_matches() -> None:
    for enrolment in _enrolments():
        assert recovery_code_matches(enrolment, enrolment.recovery_code)
        assert recovery_code_matches(enrolment, f"  {enrolment.recovery_code.upper()}\n")


def test_rule7_a_wrong_recovery_code_does_not_match() -> None:
    enrolment = _enrolments()[0]
    right = enrolment.recovery_code
    flipped = ("b" if right[0] == "a" else "a") + right[1:]
    for wrong in (flipped, right[:-1], right + "a", right.replace("-", ""), "", "ääää-ääää-ääää"):
        assert not recovery_code_matches(enrolment, wrong)


def test_rule7_a_new_enrolment_gets_a_new_recovery_code() -> None:
    auth = Authenticator(seed=9)
    first = auth.enrol("u1", 1, Method.TOTP, _at(ALIGNED)).enrolment
    second = auth.enrol("u1", 2, Method.TOTP, _at(ALIGNED + 600)).enrolment
    assert first is not None
    assert second is not None
    assert not recovery_code_matches(second, first.recovery_code)
    assert not recovery_code_matches(first, second.recovery_code)


# --- misuse fails with a message that says what to do -------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: Authenticator(seed=True), "seed must be an integer", id="bool-seed"),
        pytest.param(
            lambda: Authenticator(seed="1"),  # type: ignore[arg-type]
            "seed must be an integer",
            id="str-seed",
        ),
        pytest.param(
            lambda: Authenticator(0).enrol("u1", 0, Method.TOTP, _at(ALIGNED)),
            "1 for the user's first", id="enrolment-zero",
        ),
        pytest.param(
            lambda: Authenticator(0).enrol("", 1, Method.TOTP, _at(ALIGNED)),
            "non-empty user id", id="empty-user",
        ),
        pytest.param(
            lambda: Authenticator(0).enrol("u1", 1, "sms", _at(ALIGNED)),
            "totp, security_key", id="unknown-method",
        ),
        pytest.param(
            lambda: Authenticator(0).enrol("u1", 1, Method.TOTP, datetime(2026, 1, 1)),
            "timezone-aware", id="naive-time",
        ),
        pytest.param(
            lambda: Authenticator(0).enrol(
                "u1", 1, Method.TOTP, _at(ALIGNED), clock_skew=float("nan")),
            "finite", id="nan-skew",
        ),
        pytest.param(lambda: totp_code(RFC_SECRETS["sha1"], -1), "1970", id="before-epoch"),
        pytest.param(
            lambda: totp_code(RFC_SECRETS["sha1"], 59, digits=9), "6, 7 or 8", id="digits",
        ),
        pytest.param(
            lambda: totp_code(RFC_SECRETS["sha1"], 59, digest="md5"),  # type: ignore[arg-type]
            "sha1, sha256, sha512",
            id="digest",
        ),
        pytest.param(
            lambda: verify_code(RFC_SECRETS["sha1"], "000000", 59, window=-1), "non-negative",
            id="window",
        ),
    ],
)
def test_bad_arguments_raise_usage_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        call()
    assert isinstance(caught.value, MfaSimError)
