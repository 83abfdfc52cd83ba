"""The registry of policy presets: every product's policy by name.

A new product's rules are one new module that builds its policy from knobs and adds it
here with :func:`register`; the command line, scenarios and ``compare`` list what the
registry holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mfa_sim.errors import UsageError
from mfa_sim.policy.base import Policy

_PRESETS: dict[str, Policy] = {}

PRESETS: Mapping[str, Policy] = MappingProxyType(_PRESETS)
"""Every preset by name, in the order registered (the default first)."""


def register(policy: Policy) -> Policy:
    """Add a preset; its name must be new.

    Raises
    ------
    UsageError
        If a preset of that name exists.
    """
    if policy.name in _PRESETS:
        raise UsageError(f"a policy named {policy.name!r} is registered already")
    _PRESETS[policy.name] = policy
    return policy


def preset(name: str) -> Policy:
    """The preset of that name.

    Raises
    ------
    UsageError
        If there is none; the message lists the presets.

    Examples
    --------
    >>> preset("npm").name
    'npm'
    >>> preset("bitbucket")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: unknown policy 'bitbucket'; presets: dnsimple, github, ...
    """
    found = _PRESETS.get(name)
    if found is None:
        raise UsageError(f"unknown policy {name!r}; presets: {', '.join(_PRESETS)}")
    return found
