"""Membership roles: owners and admins manage an account, members and outside
collaborators do not."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role in an account."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    COLLABORATOR = "collaborator"
    """An outside collaborator (GitHub's word, contract §5): someone from outside the
    organisation given access to some of it; in the account, never managing it, and a
    policy may treat them apart from members."""

    @property
    def manages(self) -> bool:
        """Whether the role may manage the account (enforcement, invitations, removals).

        Examples
        --------
        >>> Role.ADMIN.manages, Role.MEMBER.manages, Role.COLLABORATOR.manages
        (True, False, False)
        """
        return self in (Role.OWNER, Role.ADMIN)


ROLE_SPELLINGS: dict[str, Role] = {
    "owner": Role.OWNER,
    "admin": Role.ADMIN,
    "member": Role.MEMBER,
    "collaborator": Role.COLLABORATOR,
    # DNSimple calls them Full Access and Limited Access.
    "full": Role.ADMIN,
    "full_access": Role.ADMIN,
    "limited": Role.MEMBER,
    "limited_access": Role.MEMBER,
    "outside_collaborator": Role.COLLABORATOR,
}

DEFAULT_ROLE = Role.MEMBER


def parse_role(written: str) -> Role | None:
    """The role a spelling means (blank means the default, member), or ``None``.

    Examples
    --------
    >>> parse_role(" Full_Access "), parse_role(""), parse_role("boss")
    (<Role.ADMIN: 'admin'>, <Role.MEMBER: 'member'>, None)
    """
    key = written.strip().lower()
    if not key:
        return DEFAULT_ROLE
    return ROLE_SPELLINGS.get(key)
