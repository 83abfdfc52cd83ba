"""The actions a simulation step can take and the arguments each one accepts.

One table drives scenario validation, the engine's dispatch and the notebook API,
so an action's shape is written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class ActionName(StrEnum):
    """The actions of contract §2."""

    ENFORCE_MFA = "enforce_mfa"
    DISABLE_ENFORCEMENT = "disable_enforcement"
    ENABLE_MFA = "enable_mfa"
    DISABLE_MFA = "disable_mfa"
    INVITE = "invite"
    SIGN_UP = "sign_up"
    ACCEPT_INVITATION = "accept_invitation"
    CANCEL_INVITATION = "cancel_invitation"
    REMOVE_MEMBER = "remove_member"
    CHANGE_PLAN = "change_plan"
    ADVANCE_TIME = "advance_time"


class ArgKind(Enum):
    """What an argument holds, which decides how it is checked up front."""

    ACCOUNT = "account"
    """The id of an account of the dataset."""
    USER = "user"
    """The id of a user of the dataset, or one signed up by an earlier step."""
    NEW_USER = "new_user"
    """An id no user has yet (sign_up)."""
    EMAIL = "email"
    """A non-empty email address."""
    NEW_EMAIL = "new_email"
    """An email no user has yet (sign_up)."""
    ROLE = "role"
    PLAN = "plan"
    METHOD = "method"
    """An MFA method: totp or security_key."""
    SECONDS = "seconds"
    """A number of seconds, possibly negative (clock skew)."""
    DURATION = "duration"
    """A non-negative number (advance_time)."""


class Method(StrEnum):
    """MFA methods."""

    TOTP = "totp"
    SECURITY_KEY = "security_key"


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """One argument of an action."""

    name: str
    kind: ArgKind
    required: bool = True


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action and its arguments."""

    name: ActionName
    args: tuple[ArgSpec, ...]
    one_of: tuple[str, ...] = ()
    """Arguments of which exactly one must be given (advance_time's units)."""

    def arg(self, name: str) -> ArgSpec | None:
        """The argument of that name, or ``None``."""
        return next((arg for arg in self.args if arg.name == name), None)

    @property
    def account_action(self) -> bool:
        """Whether the action is done by someone managing an account (takes ``actor``)."""
        return self.arg("actor") is not None


_ACTOR = ArgSpec("actor", ArgKind.USER, required=False)

ACTIONS: dict[ActionName, ActionSpec] = {spec.name: spec for spec in (
    ActionSpec(ActionName.ENFORCE_MFA, (ArgSpec("account", ArgKind.ACCOUNT), _ACTOR)),
    ActionSpec(ActionName.DISABLE_ENFORCEMENT, (ArgSpec("account", ArgKind.ACCOUNT), _ACTOR)),
    ActionSpec(ActionName.ENABLE_MFA, (
        ArgSpec("user", ArgKind.USER),
        ArgSpec("method", ArgKind.METHOD, required=False),
        ArgSpec("clock_skew", ArgKind.SECONDS, required=False),
    )),
    ActionSpec(ActionName.DISABLE_MFA, (ArgSpec("user", ArgKind.USER),)),
    ActionSpec(ActionName.INVITE, (
        ArgSpec("account", ArgKind.ACCOUNT),
        ArgSpec("email", ArgKind.EMAIL),
        ArgSpec("role", ArgKind.ROLE, required=False),
        _ACTOR,
    )),
    ActionSpec(ActionName.SIGN_UP, (ArgSpec("email", ArgKind.NEW_EMAIL),
                                    ArgSpec("user", ArgKind.NEW_USER))),
    ActionSpec(ActionName.ACCEPT_INVITATION, (ArgSpec("account", ArgKind.ACCOUNT),
                                              ArgSpec("email", ArgKind.EMAIL))),
    ActionSpec(ActionName.CANCEL_INVITATION, (ArgSpec("account", ArgKind.ACCOUNT),
                                              ArgSpec("email", ArgKind.EMAIL), _ACTOR)),
    ActionSpec(ActionName.REMOVE_MEMBER, (ArgSpec("account", ArgKind.ACCOUNT),
                                          ArgSpec("user", ArgKind.USER), _ACTOR)),
    ActionSpec(ActionName.CHANGE_PLAN, (ArgSpec("account", ArgKind.ACCOUNT),
                                        ArgSpec("plan", ArgKind.PLAN), _ACTOR)),
    ActionSpec(ActionName.ADVANCE_TIME, tuple(
        ArgSpec(unit, ArgKind.DURATION, required=False)
        for unit in ("seconds", "minutes", "hours", "days")),
        one_of=("seconds", "minutes", "hours", "days")),
)}
"""Every action with its arguments."""

SECONDS_PER_UNIT = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
