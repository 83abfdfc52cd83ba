"""Custom policies from YAML files: a preset to start from, and the knobs it overrides.

::

    # github-30d.yaml: GitHub's rules with a GitLab-style grace period
    name: github-30d
    preset: github
    enforcement: grace
    grace_hours: 720

Every problem of the file is reported at once, each with its line, key and value (one
:class:`~mfa_sim.errors.InputError`); the YAML is composed safely and only plain data is
read from it. ``--policy NAME|FILE`` takes a preset's name or such a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from mfa_sim.data.input_files import compose_yaml, read_text
from mfa_sim.data.yaml_nodes import BOOL, FLOAT, INT, MAP, NULL, SEQ, STR, line_of, text_of
from mfa_sim.errors import InputError, Problem, ProblemReason, UsageError
from mfa_sim.model.roles import ROLE_SPELLINGS, Role, parse_role
from mfa_sim.policy.base import Policy
from mfa_sim.policy.build import build_policy
from mfa_sim.policy.knobs import (
    KNOB_NAMES,
    Disabling,
    Enforcement,
    Joining,
    Knobs,
    knob_problem,
)
from mfa_sim.policy.registry import PRESETS

POLICY_KEYS = ("name", "preset", "description")
"""The keys of a policy file besides the knobs."""

_CHOICES: dict[str, tuple[str, ...]] = {
    "enforcement": tuple(choice.value for choice in Enforcement),
    "disabling": tuple(choice.value for choice in Disabling),
    "joining": tuple(choice.value for choice in Joining),
}
_SWITCHES = ("enabler_needs_mfa", "sole_owner_keeps_mfa", "managers_keep_mfa",
             "last_admin_guard", "plan_gate")
_NUMBERS = ("grace_hours", "reinstate_days")

_PLAIN_TAGS = {STR, INT, FLOAT, BOOL, NULL, SEQ, MAP}


def looks_like_file(value: str) -> bool:
    """Whether a ``--policy`` value names a file rather than a preset.

    Examples
    --------
    >>> looks_like_file("github"), looks_like_file("mine.yaml"), looks_like_file("./p")
    (False, True, True)
    """
    return value.endswith((".yaml", ".yml")) or os.sep in value or "/" in value \
        or os.path.exists(value)


def policy_option(value: str) -> Policy:
    """The policy a ``--policy`` value names: a preset, or a YAML policy file.

    Raises
    ------
    UsageError
        For a name that is neither a preset nor a file.
    InputError
        For a file with problems, every one located.

    Examples
    --------
    >>> policy_option("gitlab").name
    'gitlab'
    >>> policy_option("bitbucket")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.UsageError: unknown policy 'bitbucket'; give a preset (dnsimple, ...
    """
    found = PRESETS.get(value)
    if found is not None:
        return found
    if looks_like_file(value):
        return load_policy(value)
    raise UsageError(f"unknown policy {value!r}; give a preset ({', '.join(PRESETS)}) or a "
                     "YAML policy file")


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read a policy file (see the module's documentation).

    Raises
    ------
    InputError
        Carrying every problem of the file.
    """
    source = os.fspath(path)
    name = os.path.splitext(os.path.basename(source))[0] or "custom"
    if name in PRESETS:
        name += "-custom"  # a file named after a preset is not that preset
    return parse_policy(read_text(path, "policy file"), source=source, default_name=name)


def parse_policy(text: str, *, source: str = "<policy>",
                 default_name: str = "custom") -> Policy:
    """A policy from YAML text.

    Examples
    --------
    >>> policy = parse_policy("preset: github\\nreinstate_days: 30\\n", default_name="gh30")
    >>> policy.name, policy.knobs.reinstate_days, policy.knobs.enforcement.value
    ('gh30', 30.0, 'suspend')
    >>> parse_policy("preset: npm\\ngrace: 3\\nplan_gate: maybe\\n")
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 2 problems in the input:
      <policy>:2: column grace: 'grace': unknown key 'grace'; a policy file has name, ...
      <policy>:3: column plan_gate: 'maybe': plan_gate must be true or false, not text
    """
    reader = _Reader(source)
    try:
        policy = reader.policy(compose_yaml(text, source, "policy file"), default_name)
    except RecursionError:
        raise InputError([Problem(source, None, None, None, ProblemReason.INVALID_YAML,
                                  "the policy file nests too deeply to read")]) from None
    if reader.problems or policy is None:
        if not reader.problems:
            reader.problems.append(Problem(source, None, None, None, ProblemReason.EMPTY_FILE,
                                           "the policy file is empty: give at least a preset"))
        raise InputError(sorted(reader.problems, key=lambda problem: problem.line or 0))
    return policy


class _Reader:
    """Walks a policy file's nodes, collecting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, node: Any, column: str | None, reason: ProblemReason,
                message: str) -> None:
        self.problems.append(Problem(self.source, line_of(node), column, text_of(node),
                                     reason, message))

    def scalar(self, node: Any, key: str) -> Any:
        """A plain scalar's value, or a reported problem (returns ``_NOTHING``)."""
        from yaml.constructor import SafeConstructor
        from yaml.nodes import ScalarNode

        if node.tag not in _PLAIN_TAGS:
            self.problem(node, key, ProblemReason.INVALID_YAML,
                         f"the YAML tag {node.tag} is not allowed: a policy file holds plain "
                         "data only")
            return _NOTHING
        if not isinstance(node, ScalarNode):
            self.problem(node, key, ProblemReason.INVALID_VALUE,
                         f"{key} must be a single value, not a list or mapping")
            return _NOTHING
        try:
            return SafeConstructor().construct_object(node)
        except Exception:
            self.problem(node, key, ProblemReason.INVALID_VALUE,
                         f"YAML cannot read {node.value!r}; quote it if it is text")
            return _NOTHING

    def policy(self, root: Any, default_name: str) -> Policy | None:
        from yaml.nodes import MappingNode, ScalarNode

        if root is None:
            return None
        if not isinstance(root, MappingNode) or root.tag != MAP:
            self.problem(root, None, ProblemReason.INVALID_POLICY,
                         "a policy file is a mapping: preset, and the knobs it changes")
            return None
        written: dict[str, int] = {}
        values: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in root.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != STR:
                self.problem(key_node, None, ProblemReason.UNKNOWN_KEY,
                             "a key of a policy file is a word such as preset or grace_hours")
                continue
            if key in written:
                self.problem(key_node, key, ProblemReason.DUPLICATE_KEY,
                             f"{key!r} is given twice (first on line {written[key]})")
                continue
            written[key] = line_of(key_node)
            if key not in POLICY_KEYS and key not in KNOB_NAMES:
                self.problem(key_node, key, ProblemReason.UNKNOWN_KEY,
                             f"unknown key {key!r}; a policy file has "
                             f"{', '.join((*POLICY_KEYS, *KNOB_NAMES))}")
                continue
            values[key] = (key_node, value_node)
        return self.build(root, values, default_name)

    def build(self, root: Any, values: Mapping[str, tuple[Any, Any]],
              default_name: str) -> Policy | None:
        base = self.base(root, values.get("preset"))
        name = self.text(values.get("name"), "name") or default_name
        if name in PRESETS and "name" in values:
            self.problem(values["name"][1], "name", ProblemReason.INVALID_VALUE,
                         f"{name!r} is a preset's name; give the custom policy its own")
        description = self.text(values.get("description"), "description")
        changes: dict[str, Any] = {}
        for key in KNOB_NAMES:
            if key in values:
                found = self.knob(key, values[key][1])
                if found is not _NOTHING:
                    changes[key] = found
        if base is None or base.knobs is None:
            return None
        knobs = replace(base.knobs, **changes)
        self.check_together(knobs, values)
        if self.problems:
            return None
        return build_policy(name, knobs, wording=base.wording,
                            description=description or f"{base.description} (changed: "
                            f"{', '.join(sorted(changes)) or 'nothing'})")

    def base(self, root: Any, given: tuple[Any, Any] | None) -> Policy | None:
        if given is None:
            self.problem(root, "preset", ProblemReason.MISSING_KEY,
                         f"the policy file names no preset to start from: add `preset:` "
                         f"({', '.join(PRESETS)})")
            return None
        value = self.scalar(given[1], "preset")
        if value is _NOTHING:
            return None
        if not isinstance(value, str) or value not in PRESETS:
            self.problem(given[1], "preset", ProblemReason.UNKNOWN_POLICY,
                         f"unknown preset {value!r}; presets: {', '.join(PRESETS)}")
            return None
        return PRESETS[value]

    def text(self, given: tuple[Any, Any] | None, key: str) -> str | None:
        if given is None:
            return None
        value = self.scalar(given[1], key)
        if value is _NOTHING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(given[1], key, ProblemReason.INVALID_VALUE,
                         f"{key} must be text, not {_kind(value)}")
            return None
        return value

    def knob(self, key: str, node: Any) -> Any:
        if key in ("outside_collaborators", "exempt_roles"):
            return self.roles(node, key)
        value = self.scalar(node, key)
        if value is _NOTHING:
            return _NOTHING
        if key in _CHOICES:
            if value not in _CHOICES[key]:
                self.problem(node, key, ProblemReason.INVALID_VALUE,
                             f"{key} must be one of {', '.join(_CHOICES[key])}, "
                             f"not {value!r}")
                return _NOTHING
            return value
        if key in _SWITCHES:
            if not isinstance(value, bool):
                self.problem(node, key, ProblemReason.INVALID_VALUE,
                             f"{key} must be true or false, not {_kind(value)}")
                return _NOTHING
            return value
        problem = knob_problem(key, value)
        if problem is not None:
            self.problem(node, key, ProblemReason.INVALID_VALUE, problem)
            return _NOTHING
        return float(value)

    def roles(self, node: Any, key: str) -> Any:
        from yaml.nodes import SequenceNode

        if not isinstance(node, SequenceNode) or node.tag != SEQ:
            self.problem(node, key, ProblemReason.INVALID_VALUE,
                         f"{key} is a list of roles, such as [collaborator] (or [])")
            return _NOTHING
        roles: list[Role] = []
        for item in node.value:
            value = self.scalar(item, key)
            role = parse_role(value) if isinstance(value, str) and value.strip() else None
            if value is not _NOTHING and role is None:
                self.problem(item, key, ProblemReason.UNKNOWN_ROLE,
                             f"unknown role {value!r}; roles: {', '.join(ROLE_SPELLINGS)}")
            elif role is not None and role.manages:
                self.problem(item, key, ProblemReason.INVALID_VALUE,
                             f"{role.value} manages the account: {key} takes members and "
                             "collaborators only")
            elif role is not None:
                roles.append(role)
        return tuple(roles)

    def check_together(self, knobs: Knobs, values: Mapping[str, tuple[Any, Any]]) -> None:
        self.check_exemptions(knobs, values)
        """Knobs that contradict each other: a knob named but without effect is a
        problem too, so that every knob a file names changes something."""
        if knobs.enforcement is Enforcement.REFUSE and knobs.joining is Joining.ADMIT:
            key = "joining" if "joining" in values else "enforcement"
            if key in values:
                self.problem(values[key][1], key, ProblemReason.INVALID_VALUE,
                             "joining: admit lets members without MFA into an enforcing "
                             "account, which enforcement: refuse never allows; choose "
                             "another enforcement, or joining: block")
        if "grace_hours" in values and knobs.enforcement is not Enforcement.GRACE:
            self.problem(values["grace_hours"][1], "grace_hours", ProblemReason.INVALID_VALUE,
                         "grace_hours applies only with enforcement: grace")
        if "outside_collaborators" in values and knobs.outside_collaborators and \
                knobs.enforcement not in (Enforcement.SUSPEND, Enforcement.GRACE) and \
                knobs.disabling is not Disabling.SUSPEND:
            self.problem(values["outside_collaborators"][1], "outside_collaborators",
                         ProblemReason.INVALID_VALUE,
                         "outside collaborators are treated apart only where members are "
                         "suspended or given grace; this policy removes everyone")


    def check_exemptions(self, knobs: Knobs, values: Mapping[str, tuple[Any, Any]]) -> None:
        """Exempt roles need a policy that treats members one by one: one that refuses
        enforcement, or refuses disabling MFA, judges every member alike."""
        if "exempt_roles" not in values or not knobs.exempt_roles:
            return
        node = values["exempt_roles"][1]
        if knobs.enforcement is Enforcement.REFUSE or knobs.disabling is Disabling.REFUSE:
            self.problem(node, "exempt_roles", ProblemReason.INVALID_VALUE,
                         "exempt roles need enforcement and disabling that remove, suspend "
                         "or give grace; refusing judges every member alike")
        both = set(knobs.exempt_roles) & set(knobs.outside_collaborators)
        if both:
            self.problem(node, "exempt_roles", ProblemReason.INVALID_VALUE,
                         f"{', '.join(sorted(role.value for role in both))} cannot be both "
                         "exempt and an outside collaborator")


class _Nothing:
    """Marker for a value whose problem is already reported."""


_NOTHING: Any = _Nothing()


def _kind(value: Any) -> str:
    if value is None:
        return "null (no value)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a value of another kind"
