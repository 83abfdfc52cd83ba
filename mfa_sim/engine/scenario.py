"""Scenario files: a YAML list of actions, checked against the dataset before any runs.

A scenario (contract §2) is a mapping with an optional ``name``, ``policy``, ``start``
and ``seed`` and a list of ``steps``, each a one-key mapping of an action to its
arguments. Everything that can be judged from the dataset and the text alone is judged
here, up front: every problem found is collected, located by line, and raised together
as one :class:`~mfa_sim.errors.InputError`, so that a run never stops half-way on a
typo.

The YAML is composed with PyYAML's safe loader into nodes (which keep their line
numbers) and only plain data is read from them: a tag that would build a Python object
is refused as bad input, never constructed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mfa_sim.data.input_files import compose_yaml, read_text
from mfa_sim.data.parsing import parse_time
from mfa_sim.data.yaml_nodes import (
    MAP,
    MERGE,
    NULL,
    SEQ,
    STR,
    TIMESTAMP,
    VALUE,
    kind_of,
    line_of,
    safe_tags,
    short_tag,
    text_of,
)
from mfa_sim.errors import InputError, Problem, ProblemReason
from mfa_sim.model.actions import ACTIONS, ActionName, ActionSpec, ArgKind, Method
from mfa_sim.model.clock import (
    DEFAULT_START,
    EARLIEST_START,
    advance_seconds,
    is_finite_number,
    shifted,
)
from mfa_sim.model.emails import email_key
from mfa_sim.model.outcome import iso
from mfa_sim.model.plans import KNOWN_PLANS, canonical_plan
from mfa_sim.model.ports import HtmlDisplay
from mfa_sim.model.roles import ROLE_SPELLINGS, parse_role

if TYPE_CHECKING:
    from mfa_sim.model.dataset import Dataset

DEFAULT_POLICY: Final = "dnsimple"
DEFAULT_SEED: Final = 0
SCENARIO_KEYS: Final = ("name", "policy", "start", "seed", "steps")
"""The keys a scenario file may have, in the order they are usually written."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a scenario: an action and its arguments as written.

    Parameters
    ----------
    number
        1-based position in the scenario's ``steps``.
    action
        The action to take.
    args
        The arguments as written in the file (roles and plans in the user's spelling,
        numbers as numbers); a read-only mapping.
    line
        The line of the step in the scenario file, or ``None`` for a step made in code.

    Examples
    --------
    >>> step = Step(1, ActionName.ENFORCE_MFA, {"account": "a_team"})
    >>> step.args["account"], step.line
    ('a_team', None)
    >>> step.args["actor"] = "u_alice"
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
    """

    number: int
    action: ActionName
    args: Mapping[str, Any]
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", ActionName(self.action))
        object.__setattr__(self, "args", MappingProxyType(dict(self.args)))


@dataclass(frozen=True, slots=True)
class Scenario(HtmlDisplay):
    """A checked scenario, ready to run.

    Parameters
    ----------
    name
        The scenario's ``name``, if it has one.
    policy
        The policy it runs under (``dnsimple`` unless the file says otherwise).
    start
        When the simulation clock starts (timezone-aware, UTC).
    seed
        The seed TOTP secrets and recovery codes derive from.
    steps
        The steps, in order.
    source
        Where the scenario was read from, as the user named it.
    """

    name: str | None = None
    policy: str = DEFAULT_POLICY
    start: datetime = DEFAULT_START
    seed: int = DEFAULT_SEED
    steps: tuple[Step, ...] = field(default=())
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))

    def __repr__(self) -> str:
        name = "" if self.name is None else f" {self.name!r}"
        start = iso(self.start)
        return (f"<Scenario{name}: {len(self.steps)} steps under {self.policy}, "
                f"from {start}, seed {self.seed}>")


def load_scenario(
    path: str | os.PathLike[str],
    dataset: Dataset,
    *,
    seed: int | None = None,
    policies: Collection[str] = (DEFAULT_POLICY,),
) -> Scenario:
    """Read and check a scenario file against a dataset (contract §2).

    Parameters
    ----------
    path
        The YAML file (UTF-8, with or without a BOM).
    dataset
        The dataset the scenario will run on: ids are checked against it.
    seed
        If given, overrides the file's ``seed`` (the command line's ``--seed``).
    policies
        The policy names the file's ``policy`` may choose from.

    Returns
    -------
    Scenario
        The checked scenario.

    Raises
    ------
    InputError
        Carrying every problem found, each with the file, line, key or argument,
        value as written and a reason code.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> load_scenario("no/such/scenario.yaml", load_dataset("datasets/example"))
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 1 problem in the input:
      no/such/scenario.yaml: the scenario file is missing
    """
    source = os.fspath(path)
    text = read_text(path, "scenario file")
    return parse_scenario(text, dataset, source=source, seed=seed, policies=policies)


def parse_scenario(
    text: str,
    dataset: Dataset,
    *,
    source: str = "<scenario>",
    seed: int | None = None,
    policies: Collection[str] = (DEFAULT_POLICY,),
) -> Scenario:
    """Read and check a scenario given as YAML text (see :func:`load_scenario`).

    Parameters
    ----------
    text
        The YAML text.
    dataset
        The dataset the scenario will run on.
    source
        The name problems are reported under.
    seed
        If given, overrides the text's ``seed``.
    policies
        The policy names ``policy`` may choose from.

    Returns
    -------
    Scenario
        The checked scenario.

    Raises
    ------
    InputError
        Carrying every problem found, in the order of the text.
    UsageError
        If ``seed`` is given but is not an integer.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> dataset = load_dataset("datasets/example")
    >>> scenario = parse_scenario('''
    ... name: roll-out
    ... steps:
    ...   - enable_mfa: {user: u_ben}
    ...   - enforce_mfa: {account: a_team, actor: u_alice}
    ...   - advance_time: {days: 1}
    ... ''', dataset)
    >>> [(step.number, step.action.value, step.line) for step in scenario.steps]
    [(1, 'enable_mfa', 4), (2, 'enforce_mfa', 5), (3, 'advance_time', 6)]
    >>> dict(scenario.steps[1].args)
    {'account': 'a_team', 'actor': 'u_alice'}
    >>> scenario.policy, scenario.start.isoformat(), scenario.seed
    ('dnsimple', '2026-01-01T00:00:00+00:00', 0)

    Every problem is reported at once, each naming its step:

    >>> parse_scenario('''
    ... steps:
    ...   - invite: {account: a_x, email: new@acme.example}
    ...   - enable_mfa: {user: u_ben, method: sms}
    ... ''', dataset)
    Traceback (most recent call last):
    ...
    mfa_sim.errors.InputError: 2 problems in the input:
      <scenario>:3: column account: 'a_x': step 1 (invite): no account has the id 'a_x'
      <scenario>:4: column method: 'sms': step 2 (enable_mfa): unknown MFA method 'sms'; ...
    """
    if seed is not None:
        from mfa_sim.engine.totp import check_seed

        check_seed(seed)
    checker = _Checker(source, dataset, policies)
    try:
        scenario = checker.scenario(compose_yaml(text, source, "scenario"))
    except RecursionError:
        raise InputError([Problem(source, None, None, None, ProblemReason.INVALID_YAML,
                                  "the scenario nests too deeply to read")]) from None
    if checker.problems:
        # Stable: problems on one line keep the order they were found in.
        raise InputError(sorted(checker.problems, key=lambda problem: problem.line or 0))
    return scenario if seed is None else replace(scenario, seed=seed)


# --- reading YAML safely -----------------------------------------------------------------

def _shown(node: Node) -> str:
    """A node for a message: a scalar as written, quoted; otherwise its kind."""
    return repr(str(node.value)) if isinstance(node, ScalarNode) else kind_of(node)


def _is_mapping(node: Node) -> bool:
    return isinstance(node, MappingNode) and node.tag == MAP


def _is_list(node: Node) -> bool:
    return isinstance(node, SequenceNode) and node.tag == SEQ


class _Refused:
    """Marker for a value that could not be read (its problem is already reported)."""


_REFUSED: Final = _Refused()

_Entries = dict[Hashable, tuple[Node, Node]]


# --- checking ------------------------------------------------------------------------------


class _Checker:
    """Walks the node tree in document order, collecting every problem."""

    def __init__(self, source: str, dataset: Dataset, policies: Collection[str]) -> None:
        self.source = source
        self.dataset = dataset
        self.policies = policies
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._merged: dict[int, _Entries] = {}
        self._signed_up: dict[str, int] = {}
        """User ids signed up so far, with the step that signed each up."""
        self._signed_up_emails: dict[str, int] = {}
        self._clock: datetime | None = DEFAULT_START
        """The simulation clock as the steps move it, or ``None`` once a step has moved it
        past the end of time (that step is reported). A step with a problem of its own
        moves it by nothing: no duration is negative, so the clock is then a bound below
        the one the fixed file will have, and every step past the end of time from it is
        past the end whatever the fix."""
        self._clock_exact = True
        """Whether ``_clock`` is the clock itself, not only a bound below it."""

    def problem(self, node: Node | None, column: str | None, reason: ProblemReason,
                message: str, *, value: str | None = None, as_written: bool = True) -> None:
        line = None if node is None else line_of(node)
        if as_written and value is None and node is not None:
            value = text_of(node)
        self.problems.append(Problem(self.source, line, column, value, reason, message))

    # -- plain data out of nodes ------------------------------------------------------

    def plain(self, node: Node, column: str | None = None, where: str = "") -> bool:
        """Whether a node holds plain data; reports a tag that would build an object."""
        if node.tag in safe_tags():
            return True
        if node.tag in (MERGE, VALUE):
            self.problem(node, column, ProblemReason.INVALID_YAML,
                         f"{where}YAML gives {node.value!r} a special meaning here; quote it "
                         "to mean the text")
        else:
            tag = short_tag(node.tag)
            self.problem(node, column, ProblemReason.INVALID_YAML,
                         f"{where}the YAML tag {tag} is not allowed: a scenario holds plain "
                         "data only (text, numbers, lists and mappings)", value=tag)
        return False

    def value(self, node: Node, column: str | None, where: str = "") -> Any:
        """A scalar's value, a node for a list or mapping, or ``_REFUSED``."""
        if not self.plain(node, column, where):
            return _REFUSED
        if not isinstance(node, ScalarNode):
            return node
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            self.problem(node, column, ProblemReason.INVALID_VALUE,
                         f"{where}YAML cannot read {node.value!r} as {kind_of(node)}; quote it "
                         "if it is meant as text")
            return _REFUSED

    def entries(self, node: MappingNode, where: str = "", *, check_duplicates: bool = True,
                within: frozenset[int] = frozenset()) -> _Entries:
        """A mapping's keys with their key and value nodes, in the order written.

        Merge keys (``<<: *anchor``) are resolved as YAML 1.1 says (keys written in the
        mapping win, then earlier merged mappings over later ones); a key written twice
        is a problem.
        """
        merged: _Entries = {}
        written: _Entries = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                self.merge(value_node, merged, within | {id(node)})
                continue
            key = self.value(key_node, None, where)
            if key is _REFUSED:
                continue
            if key in written:
                if check_duplicates:
                    first = line_of(written[key][0])
                    self.problem(key_node, str(key), ProblemReason.DUPLICATE_KEY,
                                 f"{where}{key!r} is given twice (first on line {first})")
                continue
            written[key] = (key_node, value_node)
        return {**merged, **written}

    def merge(self, source: Node, into: _Entries, within: frozenset[int]) -> None:
        """Add a merge key's mappings to ``into``, the earlier ones first."""
        sources = [source] if _is_mapping(source) else (
            list(source.value) if _is_list(source) else None)
        if sources is None or not all(_is_mapping(each) for each in sources):
            self.problem(source, "<<", ProblemReason.INVALID_YAML,
                         "a merge key (<<) takes a mapping or a list of mappings")
            return
        for each in sources:
            assert isinstance(each, MappingNode)
            if id(each) in within:
                self.problem(each, "<<", ProblemReason.INVALID_YAML,
                             "a merge key (<<) may not merge a mapping into itself")
                continue
            found = self._merged.get(id(each))
            if found is None:
                found = self.entries(each, check_duplicates=False, within=within)
                self._merged[id(each)] = found
            for key, pair in found.items():
                into.setdefault(key, pair)

    # -- the scenario ------------------------------------------------------------------

    def scenario(self, root: Node | None) -> Scenario:
        name: str | None = None
        policy = DEFAULT_POLICY
        start = DEFAULT_START
        seed = DEFAULT_SEED
        steps: tuple[Step, ...] = ()
        if root is None:
            self.problem(None, None, ProblemReason.EMPTY_FILE,
                         "the scenario is empty: it needs at least a list of steps")
            return Scenario(source=self.source)
        if not self.plain(root):
            return Scenario(source=self.source)
        if not _is_mapping(root):
            self.problem(root, None, ProblemReason.INVALID_SCENARIO,
                         f"a scenario is a mapping with {_listing(SCENARIO_KEYS)}, "
                         f"not {kind_of(root)}", as_written=False)
            return Scenario(source=self.source)
        assert isinstance(root, MappingNode)
        entries = self.entries(root)
        # The clock is known before the steps are read, wherever `start` is written.
        if "start" in entries:
            known = self.start(entries["start"][1], report=False)
            # A start with a problem of its own is at least the earliest there is.
            self._clock = EARLIEST_START if known is None else known
            self._clock_exact = known is not None
        for key, (key_node, value_node) in entries.items():
            if key == "name":
                name = self.name(value_node)
            elif key == "policy":
                policy = self.policy(value_node)
            elif key == "start":
                start = self.start(value_node, report=True) or DEFAULT_START
            elif key == "seed":
                seed = self.seed(value_node)
            elif key == "steps":
                steps = self.steps(value_node)
            else:
                self.problem(key_node, text_of(key_node), ProblemReason.UNKNOWN_KEY,
                             f"unknown key {_shown(key_node)}; a scenario has "
                             f"{_listing(SCENARIO_KEYS)}")
        if "steps" not in entries:
            self.problem(root, "steps", ProblemReason.MISSING_KEY,
                         "the scenario has no steps: add `steps:`, a list of actions",
                         as_written=False)
        return Scenario(name, policy, start, seed, steps, self.source)

    def name(self, node: Node) -> str | None:
        value = self.value(node, "name")
        if isinstance(value, str):
            return value
        if value is not _REFUSED:
            self.problem(node, "name", ProblemReason.INVALID_VALUE,
                         f"name must be text, not {kind_of(node)}; quote it")
        return None

    def policy(self, node: Node) -> str:
        value = self.value(node, "policy")
        if value is _REFUSED:
            return DEFAULT_POLICY
        known = _listing(sorted(self.policies), "or")
        if not isinstance(value, str):
            self.problem(node, "policy", ProblemReason.INVALID_VALUE,
                         f"policy must be a policy name ({known}), not {kind_of(node)}")
            return DEFAULT_POLICY
        if value not in self.policies:
            self.problem(node, "policy", ProblemReason.UNKNOWN_POLICY,
                         f"unknown policy {value!r}; known policies: {known}")
            return DEFAULT_POLICY
        return value

    def start(self, node: Node, *, report: bool) -> datetime | None:
        moment: datetime | None = None
        if isinstance(node, ScalarNode) and node.tag == STR:
            moment = parse_time(str(node.value))
        elif isinstance(node, ScalarNode) and node.tag == TIMESTAMP:
            moment = _timestamp(node)
        elif report and not self.plain(node, "start"):
            return None
        if moment is None:
            if report:
                self.problem(node, "start", ProblemReason.INVALID_TIME,
                             "start is not an ISO 8601 time in the years 1970 to 9999 "
                             "(e.g. 2026-01-31T09:30:00Z)")
            return None
        if moment < EARLIEST_START:
            if report:
                self.problem(node, "start", ProblemReason.INVALID_TIME,
                             "start is before 1970-01-01, where TOTP time begins")
            return None
        return moment

    def seed(self, node: Node) -> int:
        value = self.value(node, "seed")
        if value is _REFUSED:
            return DEFAULT_SEED
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(node, "seed", ProblemReason.INVALID_INTEGER,
                         f"seed must be an integer, not {kind_of(node)}")
            return DEFAULT_SEED
        return value

    def steps(self, node: Node) -> tuple[Step, ...]:
        if not self.plain(node, "steps"):
            return ()
        if not _is_list(node):
            self.problem(node, "steps", ProblemReason.INVALID_SCENARIO,
                         f"steps must be a list of actions (`- enforce_mfa: {{account: ...}}`), "
                         f"not {kind_of(node)}")
            return ()
        steps = []
        for number, item in enumerate(node.value, start=1):
            step = self.step(number, item)
            if step is not None:
                steps.append(step)
            elif _action_named(item) in (None, ActionName.ADVANCE_TIME):
                # It may have been meant to move the clock, by an amount not known yet.
                self._clock_exact = False
        return tuple(steps)

    # -- one step ----------------------------------------------------------------------

    def step(self, number: int, node: Node) -> Step | None:
        if not self.plain(node, None, f"step {number}: "):
            return None
        if not _is_mapping(node):
            hint = (f"; write `- {node.value}: {{...}}` with its arguments"
                    if isinstance(node, ScalarNode) and node.value in ACTIONS else "")
            self.problem(node, None, ProblemReason.INVALID_SCENARIO,
                         f"step {number}: a step is a one-key mapping of an action to its "
                         f"arguments, not {kind_of(node)}{hint}")
            return None
        assert isinstance(node, MappingNode)
        entries = self.entries(node, f"step {number}: ")
        if len(entries) != 1:
            keys = [text_of(key_node) or "?" for key_node, _ in entries.values()]
            found = f"it has {len(keys)} keys ({', '.join(keys)})" if keys else "it is empty"
            hint = ""
            if len(keys) > 1 and all(key in ACTIONS for key in keys):
                hint = "; start each action with its own `- `"
            elif len(keys) > 1 and keys[0] in ACTIONS:
                hint = "; are the arguments indented under the action?"
            self.problem(node, None, ProblemReason.INVALID_SCENARIO,
                         f"step {number}: a step is a one-key mapping of an action to its "
                         f"arguments, but {found}{hint}", as_written=False)
            return None
        [(action, (action_node, args_node))] = entries.items()
        if not isinstance(action, str) or action not in ACTIONS:
            self.problem(action_node, None, ProblemReason.UNKNOWN_ACTION,
                         f"step {number}: unknown action {_shown(action_node)}; actions: "
                         f"{_listing(list(ACTIONS))}")
            return None
        spec = ACTIONS[ActionName(action)]
        label = f"step {number} ({action})"
        if not self.plain(args_node, None, f"{label}: "):
            return None
        if not _is_mapping(args_node):
            self.problem(args_node, None, ProblemReason.INVALID_SCENARIO,
                         f"{label}: the arguments must be a mapping such as "
                         f"{_example(spec)}, not {kind_of(args_node)}")
            return None
        assert isinstance(args_node, MappingNode)
        args = self.arguments(spec, number, action_node,
                              self.entries(args_node, f"{label}: "))
        if args is None:
            return None
        return Step(number, spec.name, args, line_of(action_node))

    def arguments(self, spec: ActionSpec, number: int, action_node: Node,
                  entries: _Entries) -> dict[str, Any] | None:
        label = f"step {number} ({spec.name.value})"
        given = {key for key in entries if isinstance(key, str)}
        valid = True
        for required in spec.args:
            if required.required and required.name not in given:
                self.problem(action_node, required.name, ProblemReason.MISSING_ARGUMENT,
                             f"{label}: the argument {required.name} is missing",
                             as_written=False)
                valid = False
        if spec.one_of and not given & set(spec.one_of):
            self.problem(action_node, None, ProblemReason.MISSING_ARGUMENT,
                         f"{label}: give one of {_listing(spec.one_of, 'or')}",
                         as_written=False)
            valid = False
        values: dict[str, Any] = {}
        unit: str | None = None
        for key, (key_node, value_node) in entries.items():
            arg = spec.arg(key) if isinstance(key, str) else None
            if arg is None:
                self.problem(key_node, text_of(key_node), ProblemReason.UNKNOWN_ARGUMENT,
                             f"{label}: unknown argument {_shown(key_node)}; "
                             f"{spec.name.value} takes {_arguments(spec)}")
                valid = False
                continue
            if arg.name in spec.one_of:
                if unit is not None:
                    self.problem(value_node, arg.name, ProblemReason.CONFLICTING_ARGUMENTS,
                                 f"{label}: give only one of {_listing(spec.one_of, 'or')} "
                                 f"({unit} is given already)")
                    valid = False
                    continue
                unit = arg.name
            value = self.value(value_node, arg.name, f"{label}: ")
            if value is _REFUSED or not self.argument(arg.kind, arg.name, label, value_node,
                                                      value):
                valid = False
                continue
            values[arg.name] = value
        self.after(spec, number, entries, values, valid=valid)
        return values if valid else None

    def after(self, spec: ActionSpec, number: int, entries: _Entries,
              values: dict[str, Any], *, valid: bool) -> None:
        """What a step changes for the steps after it: the users and the clock.

        A step with a problem still signs up its user and email, so that later steps
        naming them are not refused as well; it moves the clock by nothing.
        """
        label = f"step {number} ({spec.name.value})"
        if spec.name is ActionName.SIGN_UP:
            if "user" in values:
                self._signed_up[values["user"]] = number
            if "email" in values:
                self._signed_up_emails[email_key(values["email"])] = number
        elif spec.name is ActionName.ADVANCE_TIME and valid and self._clock is not None:
            [unit] = [unit for unit in spec.one_of if unit in values]
            moved = shifted(self._clock, advance_seconds(values))
            if moved is None:
                stands = iso(self._clock) if self._clock_exact else f"{iso(self._clock)} or later"
                self.problem(entries[unit][1], unit, ProblemReason.INVALID_VALUE,
                             f"{label}: this moves the clock past the year 9999, from "
                             f"{stands}")
            self._clock = moved
        elif (spec.name is ActionName.ENABLE_MFA and "clock_skew" in values
              and values.get("method", Method.TOTP) == Method.TOTP
              and self._clock is not None):
            skew = values["clock_skew"]
            # From a bound below the clock, a user's clock past 9999 is past it whatever
            # the clock; one before 1970 is known only from the clock itself.
            if shifted(self._clock, skew) is None and (self._clock_exact or skew > 0):
                self.problem(entries["clock_skew"][1], "clock_skew",
                             ProblemReason.INVALID_VALUE,
                             f"{label}: this puts the user's clock outside the years "
                             "1970 to 9999, where TOTP codes exist")

    def argument(self, kind: ArgKind, name: str, label: str, node: Node, value: Any) -> bool:
        """Check one argument's value; report and return ``False`` if it is bad."""
        if kind in (ArgKind.SECONDS, ArgKind.DURATION):
            return self.number(name, label, node, value, negative=kind is ArgKind.SECONDS)
        if not isinstance(value, str):
            self.not_text(kind, name, label, node)
            return False
        check = {
            ArgKind.ACCOUNT: self.account, ArgKind.USER: self.user,
            ArgKind.NEW_USER: self.new_user, ArgKind.EMAIL: _email,
            ArgKind.NEW_EMAIL: self.new_email, ArgKind.ROLE: _role,
            ArgKind.PLAN: _plan, ArgKind.METHOD: _method,
        }[kind]
        verdict = check(value)
        if verdict is None:
            return True
        reason, message = verdict
        self.problem(node, name, reason, f"{label}: {message}")
        return False

    def account(self, value: str) -> _Verdict:
        if not value.strip():
            return ProblemReason.EMPTY_ID, "the account id is empty"
        if value not in self.dataset.indexes.account_rows:
            return ProblemReason.UNKNOWN_ACCOUNT, f"no account has the id {value!r}"
        return None

    def user(self, value: str) -> _Verdict:
        if not value.strip():
            return ProblemReason.EMPTY_ID, "the user id is empty"
        if value not in self.dataset.indexes.user_rows and value not in self._signed_up:
            return ProblemReason.UNKNOWN_USER, (
                f"no user has the id {value!r} (in the dataset or signed up by an earlier step)")
        return None

    def new_user(self, value: str) -> _Verdict:
        if not value.strip():
            return ProblemReason.EMPTY_ID, "the user id is empty"
        if value in self.dataset.indexes.user_rows:
            return ProblemReason.DUPLICATE_ID, (
                f"the user id {value!r} already exists in the dataset")
        if value in self._signed_up:
            return ProblemReason.DUPLICATE_ID, (
                f"the user id {value!r} is already signed up by step {self._signed_up[value]}")
        return _untrimmed(value, "user id")

    def new_email(self, value: str) -> _Verdict:
        verdict = _email(value)
        if verdict is not None:
            return verdict
        owner = self.dataset.indexes.user_with_email(value)
        if owner is not None:
            return ProblemReason.DUPLICATE_EMAIL, (
                f"the email {value!r} already belongs to the user {owner!r}")
        earlier = self._signed_up_emails.get(email_key(value))
        if earlier is not None:
            return ProblemReason.DUPLICATE_EMAIL, (
                f"the email {value!r} is already signed up by step {earlier}")
        return _untrimmed(value, "email")

    def not_text(self, kind: ArgKind, name: str, label: str, node: Node) -> None:
        what = {ArgKind.ACCOUNT: "an account id", ArgKind.USER: "a user id",
                ArgKind.NEW_USER: "a user id", ArgKind.EMAIL: "an email",
                ArgKind.NEW_EMAIL: "an email", ArgKind.ROLE: "a role",
                ArgKind.PLAN: "a plan", ArgKind.METHOD: "an MFA method"}[kind]
        if isinstance(node, ScalarNode) and node.tag == NULL:
            message = f"{label}: {name} has no value; give {what}"
        elif isinstance(node, ScalarNode):
            message = (f"{label}: {name} must be {what} written as text, but YAML reads "
                       f"{node.value!r} as {kind_of(node)}; quote it: {name}: '{node.value}'")
        else:
            message = f"{label}: {name} must be {what}, not {kind_of(node)}"
        self.problem(node, name, ProblemReason.INVALID_VALUE, message)

    def number(self, name: str, label: str, node: Node, value: Any, *, negative: bool) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            message = f"{name} must be a number of seconds" if name == "clock_skew" \
                else f"{name} must be a number"
            hint = ""
            if isinstance(value, str) and _looks_numeric(value):
                hint = "; YAML reads an exponent as a number only with a point, as in 1.0e+3"
            self.problem(node, name, ProblemReason.INVALID_VALUE,
                         f"{label}: {message}, not {kind_of(node)}{hint}")
            return False
        if not is_finite_number(value):
            self.problem(node, name, ProblemReason.INVALID_VALUE,
                         f"{label}: {name} must be a finite number")
            return False
        if value < 0 and not negative:
            self.problem(node, name, ProblemReason.INVALID_VALUE,
                         f"{label}: {name} must not be negative: the clock only moves forward")
            return False
        return True


# --- small helpers -----------------------------------------------------------------------


def _action_named(node: Node) -> ActionName | None:
    """The known action a step names, if the step is a one-key mapping naming one."""
    if _is_mapping(node) and len(node.value) == 1:
        key = node.value[0][0]
        if isinstance(key, ScalarNode) and key.tag == STR and key.value in ACTIONS:
            return ActionName(key.value)
    return None


_Verdict = tuple[ProblemReason, str] | None
"""Why an argument's value is refused, or ``None`` if it is fine."""


def _email(value: str) -> _Verdict:
    if not value.strip():
        return ProblemReason.EMPTY_EMAIL, "the email is empty"
    return None


def _untrimmed(value: str, noun: str) -> _Verdict:
    if value != value.strip():
        # Saved files trim ids and emails: the new user would not load back as made.
        return ProblemReason.INVALID_VALUE, f"a new {noun} may not begin or end with spaces"
    return None


def _role(value: str) -> _Verdict:
    if not value.strip():
        return ProblemReason.UNKNOWN_ROLE, "the role is blank; leave role out to invite a member"
    if parse_role(value) is None:
        return ProblemReason.UNKNOWN_ROLE, (
            f"unknown role {value!r}; roles: {_listing(list(ROLE_SPELLINGS), 'or')}")
    return None


def _plan(value: str) -> _Verdict:
    if canonical_plan(value) is None:
        return ProblemReason.UNKNOWN_PLAN, (
            f"unknown plan {value!r}; known plans: {', '.join(KNOWN_PLANS)} "
            "(or a DNSimple plan identifier such as dnsimple-teams)")
    return None


def _method(value: str) -> _Verdict:
    methods = [method.value for method in Method]
    if value not in methods:
        return ProblemReason.UNKNOWN_METHOD, (
            f"unknown MFA method {value!r}; methods: {', '.join(methods)}")
    return None


VALUE_CHECKS: dict[ArgKind, Callable[[str], tuple[ProblemReason, str] | None]] = {
    ArgKind.EMAIL: _email,
    ArgKind.ROLE: _role,
    ArgKind.PLAN: _plan,
    ArgKind.METHOD: _method,
}
"""The checks of text arguments that need no dataset, shared with the notebook API:
each returns why a value is refused, or ``None``."""


def _timestamp(node: ScalarNode) -> datetime | None:
    """A YAML timestamp as an aware UTC datetime (no zone is UTC), or ``None``."""
    try:
        value = SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        try:
            return value.astimezone(UTC)
        except OverflowError:  # late on 9999-12-31 in a zone west of UTC
            return None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True



def _listing(words: Collection[str], conjunction: str = "and") -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _arguments(spec: ActionSpec) -> str:
    if spec.one_of:
        return f"one of {_listing(spec.one_of, 'or')}"
    names = [arg.name if arg.required else f"[{arg.name}]" for arg in spec.args]
    return ", ".join(names)


def _example(spec: ActionSpec) -> str:
    names = [arg.name for arg in spec.args if arg.required] or list(spec.one_of[:1])
    return "{" + ", ".join(f"{name}: ..." for name in names) + "}"
