"""A user's MFA enrolment, as the simulation's state holds it: secrets kept out of sight.

The authenticator (:mod:`mfa_sim.engine.totp`) makes enrolments; the state keeps them.
They exist for the simulation only: an enrolment keeps its secrets out of its ``repr``
and refuses to be pickled, so they never reach a report, a log or an exported state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn, Self

from mfa_sim.model.actions import Method


@dataclass(frozen=True, slots=True)
class Enrolment:
    """One user's MFA enrolment, secrets included; its repr and str show none of them.

    Parameters
    ----------
    user
        The user id.
    number
        Which enrolment of this user it is (1 for the first).
    method
        ``Method.TOTP`` or ``Method.SECURITY_KEY``.
    enrolled_at
        When it was made (aware, UTC).
    secret
        The base32 TOTP secret; ``None`` for a security key.
    recovery_code
        The code that turns MFA off (:func:`mfa_sim.engine.totp.recovery_code_matches`).

    Notes
    -----
    It cannot be pickled (``TypeError``): secrets never leave the engine. ``copy.copy``
    and ``copy.deepcopy`` return the object itself, as it is immutable.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> enrolment = Enrolment("u1", 1, Method.TOTP, datetime(2026, 1, 1, tzinfo=UTC),
    ...                       secret="JBSWY3DPEHPK3PXP", recovery_code="abcd-efgh-ijkl")
    >>> enrolment
    Enrolment(user='u1', number=1, method=<Method.TOTP: 'totp'>,
              enrolled_at=datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))
    >>> import pickle
    >>> pickle.dumps(enrolment)
    Traceback (most recent call last):
    TypeError: an Enrolment holds MFA secrets, which never leave the engine: it cannot be pickled
    """

    user: str
    number: int
    method: Method
    enrolled_at: datetime
    secret: str | None = field(repr=False)
    recovery_code: str = field(repr=False)

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "an Enrolment holds MFA secrets, which never leave the engine: "
            "it cannot be pickled"
        )

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


__all__ = ["Enrolment"]
