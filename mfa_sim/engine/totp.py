"""The virtual authenticator: real RFC 6238 TOTP codes from a phone whose clock may be off.

A user who enables MFA gets a TOTP secret, types the code their phone shows, and the
server checks it within one 30-second step either side (contract §2, rules.md rule 7).
Enabling MFA also makes a recovery code; using it turns every MFA method off.

Secrets and recovery codes derive from the run's seed, the user id and the user's
enrolment number, so a run is reproducible and each new enrolment gets fresh material.
They exist for the simulation only: :class:`Enrolment` keeps them out of its ``repr``
and refuses to be pickled, so they never reach a report, a log or an exported state.

Codes are computed and checked with pyotp.

Examples
--------
>>> from datetime import UTC, datetime
>>> from mfa_sim.model.actions import Method
>>> auth = Authenticator(seed=7)
>>> when = datetime(2026, 1, 1, tzinfo=UTC)
>>> auth.enrol("u1", 1, Method.TOTP, when, clock_skew=20).verified
True
>>> late = auth.enrol("u1", 1, Method.TOTP, when, clock_skew=-75)
>>> late.verified, late.steps_off, late.enrolment
(False, -3, None)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pyotp

from mfa_sim.errors import UsageError
from mfa_sim.model.actions import Method
from mfa_sim.model.clock import END_OF_TIME
from mfa_sim.model.enrolment import Enrolment

STEP_SECONDS = 30
"""Length of a TOTP time step (RFC 6238's X)."""

DIGITS = 6
"""Digits of the codes users type."""

VALID_WINDOW = 1
"""Steps either side of the server's step that a code may come from."""

Digest = Literal["sha1", "sha256", "sha512"]
"""The HMAC hash functions RFC 6238 names."""

_DIGESTS: dict[str, Callable[..., Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}

_SECRET_LABEL = b"mfa_sim/totp-secret/v1"
_RECOVERY_LABEL = b"mfa_sim/recovery-code/v1"
_SECRET_BYTES = 20
"""160 bits, the key length RFC 4226 recommends (32 base32 characters)."""

RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
"""Characters of a recovery code: lower-case base32, five bits each."""

_RECOVERY_GROUPS = 3
_RECOVERY_GROUP_LENGTH = 4

_EPOCH_SECONDS_LIMIT = 253402300800
"""10000-01-01T00:00:00Z in Unix seconds: TOTP times must lie in [0, this)."""


# --- deriving the material -------------------------------------------------------------


def check_seed(seed: object) -> None:
    """Refuse a seed that is not an integer (of any size, either sign).

    Examples
    --------
    >>> check_seed(-10**400)
    >>> check_seed(True)
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: seed must be an integer, not bool
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"seed must be an integer, not {type(seed).__name__}")


def _check_material_args(seed: int, user: str, enrolment: int) -> None:
    check_seed(seed)
    if not isinstance(user, str) or not user:
        raise UsageError("user must be a non-empty user id")
    if isinstance(enrolment, bool) or not isinstance(enrolment, int) or enrolment < 1:
        raise UsageError(
            f"enrolment must be an integer of 1 or more (1 for the user's first), not {enrolment!r}"
        )


def _derive(label: bytes, seed: int, user: str, enrolment: int) -> bytes:
    """HMAC-SHA256 keyed by the seed over a domain-separated, length-prefixed message."""
    _check_material_args(seed, user, enrolment)
    key = str(seed).encode("ascii")
    user_bytes = user.encode("utf-8")
    message = b"".join((
        len(label).to_bytes(2, "big"), label,
        len(user_bytes).to_bytes(8, "big"), user_bytes,
        enrolment.to_bytes(8, "big"),
    ))
    return hmac.new(key, message, hashlib.sha256).digest()


def derive_secret(seed: int, user: str, enrolment: int) -> str:
    """The base32 TOTP secret of a user's enrolment (160 bits, 32 characters).

    The same seed, user and enrolment number always give the same secret; changing
    any of them gives another.

    Parameters
    ----------
    seed
        The run's seed.
    user
        The user id.
    enrolment
        Which enrolment of this user it is: 1 for the first, 2 after they disabled MFA
        and enabled it again, and so on.

    Examples
    --------
    >>> secret = derive_secret(0, "u1", 1)
    >>> len(secret), secret == derive_secret(0, "u1", 1), secret == derive_secret(0, "u1", 2)
    (32, True, False)
    """
    digest = _derive(_SECRET_LABEL, seed, user, enrolment)
    return base64.b32encode(digest[:_SECRET_BYTES]).decode("ascii")


def derive_recovery_code(seed: int, user: str, enrolment: int) -> str:
    """The recovery code of a user's enrolment, shaped ``xxxx-xxxx-xxxx`` (60 bits).

    Derived like :func:`derive_secret` under another domain label, so knowing one says
    nothing about the other.

    Examples
    --------
    >>> code = derive_recovery_code(0, "u1", 1)
    >>> len(code), code.count("-"), set(code) <= set(RECOVERY_ALPHABET + "-")
    (14, 2, True)
    """
    digest = _derive(_RECOVERY_LABEL, seed, user, enrolment)
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH
    characters = base64.b32encode(digest[:10]).decode("ascii").lower()[:length]
    return "-".join(
        characters[start:start + _RECOVERY_GROUP_LENGTH]
        for start in range(0, length, _RECOVERY_GROUP_LENGTH)
    )


# --- codes -----------------------------------------------------------------------------


def _unix_seconds(at: datetime | float, name: str) -> float:
    """Unix seconds of an aware datetime or a number; refuses what TOTP cannot count."""
    if isinstance(at, datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise UsageError(f"{name} must be timezone-aware, e.g. datetime(..., tzinfo=UTC)")
        seconds = at.timestamp()
        if seconds >= _EPOCH_SECONDS_LIMIT and at <= END_OF_TIME:
            # The last microseconds of 9999 round up to the limit as a float; they are
            # still in 9999.
            seconds = math.nextafter(_EPOCH_SECONDS_LIMIT, 0)
    elif isinstance(at, int | float) and not isinstance(at, bool):
        seconds = float(at)
    else:
        raise UsageError(f"{name} must be a datetime or Unix seconds, not {type(at).__name__}")
    if not 0 <= seconds < _EPOCH_SECONDS_LIMIT:
        raise UsageError(f"{name} must be at or after 1970-01-01T00:00:00Z and before year 10000")
    return seconds


def _make_totp(secret: str, digits: int, digest: Digest) -> pyotp.TOTP:
    if digits not in (6, 7, 8):
        raise UsageError(f"digits must be 6, 7 or 8, not {digits!r}")
    if digest not in _DIGESTS:
        raise UsageError(f"digest must be one of {', '.join(_DIGESTS)}, not {digest!r}")
    try:
        return pyotp.TOTP(secret, digits=digits, digest=_DIGESTS[digest], interval=STEP_SECONDS)
    except (ValueError, TypeError):
        # pyotp's message is safe, but the secret must not ride along in a traceback.
        raise UsageError(
            "secret must be base32 text of at least 112 bits (e.g. from derive_secret)"
        ) from None


def totp_code(
    secret: str, at: datetime | float, *, digits: int = DIGITS, digest: Digest = "sha1"
) -> str:
    """The code an authenticator holding ``secret`` shows at ``at`` (RFC 6238).

    Parameters
    ----------
    secret
        Base32 secret, padded or not.
    at
        A timezone-aware datetime, or Unix seconds.
    digits
        Code length: 6 (what users type), 7 or 8 (the RFC's test vectors).
    digest
        HMAC hash: ``"sha1"`` (what authenticator apps use), ``"sha256"`` or ``"sha512"``.

    Examples
    --------
    RFC 6238 Appendix B, SHA-1 at T = 59 s:

    >>> rfc_secret = base64.b32encode(b"12345678901234567890").decode()
    >>> totp_code(rfc_secret, 59, digits=8)
    '94287082'
    >>> len(totp_code(derive_secret(0, "u1", 1), 1767225600))
    6
    """
    otp = _make_totp(secret, digits, digest)
    return str(otp.at(_unix_seconds(at, "at")))


def verify_code(
    secret: str,
    code: str,
    at: datetime | float,
    *,
    window: int = VALID_WINDOW,
    digits: int = DIGITS,
    digest: Digest = "sha1",
) -> bool:
    """Whether ``code`` verifies at server time ``at``, ``window`` steps either side.

    The check of ``pyotp.TOTP.verify(code, for_time=at, valid_window=window)``, except that
    steps before the Unix epoch are skipped rather than raising. Codes are compared in
    constant time.

    Examples
    --------
    >>> secret = derive_secret(0, "u1", 1)
    >>> code = totp_code(secret, 1767225600)
    >>> verify_code(secret, code, 1767225600 + 59), verify_code(secret, code, 1767225600 + 60)
    (True, False)
    >>> verify_code(secret, code, 1767225600 + 59, window=0)
    False
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise UsageError(f"window must be a non-negative integer, not {window!r}")
    otp = _make_totp(secret, digits, digest)
    step = otp.timecode(_unix_seconds(at, "at"))
    typed = code.encode("utf-8")
    return any(
        hmac.compare_digest(typed, otp.generate_otp(candidate).encode("ascii"))
        for candidate in range(max(step - window, 0), step + window + 1)
    )


# --- enrolments ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnrolmentResult:
    """What came of an attempt to enrol.

    Attributes
    ----------
    verified
        Whether the code from the user's phone verified (always ``True`` for a
        security key).
    enrolment
        The new enrolment if it verified, else ``None``.
    steps_off
        How many 30-second steps the phone's clock is ahead of the server's (negative:
        behind); 0 for a security key. The code verifies when ``abs(steps_off) <= 1``.
    """

    verified: bool
    enrolment: Enrolment | None
    steps_off: int


def _step_of(seconds: float) -> int:
    """The RFC 6238 counter of a time, floored also before the epoch."""
    return math.floor(seconds) // STEP_SECONDS


@dataclass(frozen=True, slots=True)
class Authenticator:
    """A run's virtual authenticator: the user's phone and the server's check in one.

    Parameters
    ----------
    seed
        The run's seed; every secret and recovery code derives from it.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> auth = Authenticator(seed=42)
    >>> when = datetime(2026, 3, 1, 12, 0, 15, tzinfo=UTC)
    >>> result = auth.enrol("u7", 1, Method.TOTP, when, clock_skew=-40)
    >>> result.verified, result.steps_off, result.enrolment.method
    (True, -1, <Method.TOTP: 'totp'>)
    >>> auth.enrol("u7", 1, Method.TOTP, when, clock_skew=50).verified
    False
    """

    seed: int

    def __post_init__(self) -> None:
        check_seed(self.seed)

    def enrol(
        self,
        user: str,
        number: int,
        method: Method | str,
        server_time: datetime,
        clock_skew: float = 0,
    ) -> EnrolmentResult:
        """Enrol ``user`` with ``method`` at ``server_time``.

        For TOTP, the secret is made, the phone shows its code at ``server_time +
        clock_skew``, and the server checks it at ``server_time`` within
        :data:`VALID_WINDOW` steps. A security key needs no code and always verifies.
        Either way a verified enrolment carries a recovery code.

        Parameters
        ----------
        user
            The user id.
        number
            Which enrolment of this user it is: 1 for the first, one more each time.
        method
            ``Method.TOTP``, ``Method.SECURITY_KEY`` or their string values.
        server_time
            The simulation clock (timezone-aware).
        clock_skew
            Seconds the user's phone clock is ahead of the server's (negative: behind).
            Ignored for a security key. A phone clock that reads before 1970 or after
            9999 shows no valid code.

        Raises
        ------
        UsageError
            A bad argument (the message says which).
        """
        _check_material_args(self.seed, user, number)
        try:
            method = Method(method)
        except ValueError:
            known = ", ".join(m.value for m in Method)
            raise UsageError(f"method must be one of {known}, not {method!r}") from None
        server_seconds = _unix_seconds(server_time, "server_time")
        enrolled_at = server_time.astimezone(UTC)
        recovery = derive_recovery_code(self.seed, user, number)

        if method is Method.SECURITY_KEY:
            enrolment = Enrolment(user, number, method, enrolled_at, None, recovery)
            return EnrolmentResult(verified=True, enrolment=enrolment, steps_off=0)

        if isinstance(clock_skew, bool) or not isinstance(clock_skew, int | float):
            raise UsageError(f"clock_skew must be a number of seconds, not {clock_skew!r}")
        if not math.isfinite(clock_skew):
            raise UsageError(f"clock_skew must be a finite number of seconds, not {clock_skew!r}")
        phone_seconds = server_seconds + clock_skew
        steps_off = _step_of(phone_seconds) - _step_of(server_seconds)
        secret = derive_secret(self.seed, user, number)
        if not 0 <= phone_seconds < _EPOCH_SECONDS_LIMIT:
            return EnrolmentResult(verified=False, enrolment=None, steps_off=steps_off)
        shown = totp_code(secret, phone_seconds)
        if not verify_code(secret, shown, server_seconds):
            return EnrolmentResult(verified=False, enrolment=None, steps_off=steps_off)
        enrolment = Enrolment(user, number, method, enrolled_at, secret, recovery)
        return EnrolmentResult(verified=True, enrolment=enrolment, steps_off=steps_off)


def recovery_code_matches(enrolment: Enrolment, code: str) -> bool:
    """Whether ``code`` is the enrolment's recovery code (compared in constant time).

    Surrounding whitespace and letter case are ignored, as users type codes by hand.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> enrolment = Authenticator(seed=1).enrol(
    ...     "u1", 1, Method.TOTP, datetime(2026, 1, 1, tzinfo=UTC)).enrolment
    >>> recovery_code_matches(enrolment, enrolment.recovery_code.upper())
    True
    >>> recovery_code_matches(enrolment, "aaaa-aaaa-aaaa")
    False
    """
    typed = code.strip().lower().encode("utf-8")
    return hmac.compare_digest(typed, enrolment.recovery_code.encode("utf-8"))
