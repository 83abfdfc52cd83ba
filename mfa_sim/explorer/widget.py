"""The interactive explorer: pick an account or a user, try an action, see what it does.

Two layers. :class:`Explorer` is the logic: the simulation, the subject picked, the
actions that apply to it with the choices each needs, and the preview of the last action
tried (its :class:`~mfa_sim.model.outcome.Outcome` and impact graph). It uses no widget, so
tests and scripts drive it directly. :class:`ExplorerApp` lays ipywidgets over it, and
:func:`explore` makes one in a notebook. ipywidgets is an optional extra
(``pip install "mfa-sim[explorer]"``), imported only when the widgets are built.

Trying an action is a what-if: the simulation does not move. Applying it takes the step
(and *undo* takes it back), so several changes can be explored in turn.

Examples
--------
>>> from mfa_sim import load_dataset
>>> explorer = Explorer(load_dataset("datasets/example"))
>>> explorer.select("user", "u_dana")
>>> [form.action.value for form in explorer.actions()]
['disable_mfa', 'enable_mfa']
>>> preview = explorer.try_action("disable_mfa")
>>> print(preview.outcome.message)
u_dana disabled MFA; removed from 1 enforcing account: a_secure.
>>> preview.removed, preview.applied, len(explorer.simulation.outcomes)
(1, False, 0)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from mfa_sim.engine.simulation import Simulation
from mfa_sim.errors import MfaSimError, UnknownIdError, UsageError
from mfa_sim.model.actions import ActionName, Method
from mfa_sim.model.clock import DEFAULT_START
from mfa_sim.model.dataset import Dataset
from mfa_sim.model.outcome import Outcome
from mfa_sim.model.plans import KNOWN_PLANS
from mfa_sim.policy import Policy

if TYPE_CHECKING:
    import networkx as nx

    from mfa_sim.graph.views import Drawing
    from mfa_sim.model.state import State

ACCOUNT: Final = "account"
USER: Final = "user"
KINDS: Final = (ACCOUNT, USER)
"""What the explorer can focus on."""

NO_ACTOR: Final = ""
"""The actor choice that names nobody: the step is taken without an actor check."""

SHOWN_SUBJECTS: Final = 200
"""How many ids :meth:`Explorer.subjects` lists at most; a search narrows them."""

INSTALL_HINT: Final = 'the explorer needs ipywidgets: pip install "mfa-sim[explorer]"'


@dataclass(frozen=True, slots=True)
class Field:
    """One argument an action needs besides its subject.

    Attributes
    ----------
    name
        The argument's name, as :meth:`Simulation.apply` takes it.
    label
        What a form shows next to it.
    options
        The values to choose from; ``None`` for a number.
    default
        The value chosen at first.
    """

    name: str
    label: str
    options: tuple[str, ...] | None
    default: str | float


@dataclass(frozen=True, slots=True)
class ActionForm:
    """An action that applies to the subject, and the fields it needs.

    Attributes
    ----------
    action
        The action.
    label
        A short description for a menu.
    fields
        The arguments to choose, besides the subject.
    """

    action: ActionName
    label: str
    fields: tuple[Field, ...]

    def defaults(self) -> dict[str, str | float]:
        """Every field at its default value."""
        return {field.name: field.default for field in self.fields}


@dataclass(frozen=True)
class Preview:
    """What an action did, or would do.

    Attributes
    ----------
    outcome
        The step's outcome.
    graph
        Its impact graph (:func:`mfa_sim.graph.impact_graph`): removals, blocked
        invitations and accounts left without an admin, over the accounts it touched.
    applied
        Whether the step was taken (``False`` for a what-if).
    """

    outcome: Outcome
    graph: nx.MultiGraph
    applied: bool

    @property
    def removed(self) -> int:
        """How many memberships the step removed."""
        return int(self.graph.graph.get("removed", 0))

    @property
    def unmanaged(self) -> int:
        """How many accounts the step left with nobody to manage them."""
        return int(self.graph.graph.get("unmanaged", 0))

    def draw(self, *, seed: int = 0) -> Drawing:
        """The impact graph drawn (:func:`mfa_sim.graph.draw_impact`)."""
        from mfa_sim.graph import draw_impact

        return draw_impact(self.graph, seed=seed)

    def __repr__(self) -> str:
        what = "applied" if self.applied else "what-if"
        blocked = int(self.graph.graph.get("blocked", 0))
        return (f"<Preview ({what}) {self.outcome.action}: {self.outcome.status.value}, "
                f"{self.removed} removed, {blocked} blocked, {self.unmanaged} left unmanaged>")

    def _repr_html_(self) -> str:
        what = "Applied" if self.applied else "What-if (nothing changed)"
        return f"<p><strong>{what}</strong></p>{self.outcome._repr_html_()}"


class Explorer:
    """The explorer's logic: a simulation, a subject, and actions tried on it.

    Parameters
    ----------
    source
        A dataset (a new simulation starts from it) or a simulation to explore from
        (it is branched: the explorer never moves it).
    policy, start, seed
        For a new simulation, as :class:`~mfa_sim.engine.simulation.Simulation` takes them.

    Examples
    --------
    >>> from mfa_sim import load_dataset
    >>> explorer = Explorer(load_dataset("datasets/example"))
    >>> explorer.subjects("account")
    ['a_secure', 'a_solo', 'a_team']
    >>> explorer.select("account", "a_team")
    >>> print(explorer.describe())
    a_team: teams plan (teams tier), not enforcing MFA; 4 members, 2 without MFA: u_ben, u_chloe.
    >>> explorer.try_action("enforce_mfa").outcome.reason.value
    'noncompliant_members'
    """

    def __init__(self, source: Dataset | Simulation, *, policy: str | Policy = "dnsimple",
                 start: datetime = DEFAULT_START, seed: int = 0) -> None:
        self.simulation = source.branch() if isinstance(source, Simulation) \
            else Simulation(source, policy, start, seed)
        self.kind: str | None = None
        self.subject: str | None = None
        self.preview: Preview | None = None
        self._dataset_now: tuple[int, Dataset] | None = None

    # -- what can be picked -------------------------------------------------------------

    def subjects(self, kind: str, search: str = "", limit: int = SHOWN_SUBJECTS) -> list[str]:
        """The ids of one kind containing ``search`` (any case), sorted, at most ``limit``.

        The ids are the dataset's: a user signed up during the simulation can still be
        selected by id.

        Raises
        ------
        UsageError
            For a kind other than ``account`` or ``user``.
        """
        import pyarrow.compute as pc

        table, column = self._table(kind)
        ids = self.simulation.state.dataset.tables[table].column(column)
        if search:
            ids = ids.filter(pc.match_substring(ids, search, ignore_case=True))
        # Sorted by Arrow (byte order of UTF-8, the same as Python's), so a million ids
        # cost a few milliseconds per keystroke.
        found: list[str] = ids.take(pc.sort_indices(ids)[:limit]).to_pylist()
        return found

    def select(self, kind: str, subject: str) -> None:
        """Focus on one account or user; the last preview is dropped.

        Raises
        ------
        UsageError
            For an unknown kind.
        UnknownIdError
            If no account or user has that id.
        """
        self._table(kind)
        state = self.simulation.state
        if kind == ACCOUNT:
            state.dataset.indexes.account_row(subject)
        elif not state.has_user(subject):
            raise UnknownIdError(f"no user has the id {subject!r}")
        self.kind, self.subject = kind, subject
        self.preview = None

    def actions(self) -> tuple[ActionForm, ...]:
        """The actions that apply to the subject, with the fields each needs.

        Raises
        ------
        UsageError
            Before a subject is selected.
        """
        kind, subject = self._selection()
        state = self.simulation.state
        if kind == USER:
            return (
                ActionForm(ActionName.DISABLE_MFA,
                           "Disable MFA (e.g. with the recovery code)", ()),
                ActionForm(ActionName.ENABLE_MFA, "Enable MFA", (
                    Field("method", "method", tuple(method.value for method in Method),
                          Method.TOTP.value),
                    Field("clock_skew", "phone clock ahead by (seconds)", None, 0.0))),
            )
        members = tuple(state.members_of(subject))
        actor = Field("actor", "done by", (NO_ACTOR, *members), NO_ACTOR)
        plans = tuple(plan for plan in KNOWN_PLANS if plan != state.plan_of(subject))
        forms = [
            ActionForm(ActionName.ENFORCE_MFA, "Enforce MFA", (actor,)),
            ActionForm(ActionName.DISABLE_ENFORCEMENT, "Stop enforcing MFA", (actor,)),
            ActionForm(ActionName.CHANGE_PLAN, "Change the plan",
                       (Field("plan", "new plan", plans, plans[0]), actor)),
        ]
        if members:
            forms.append(ActionForm(ActionName.REMOVE_MEMBER, "Remove a member",
                                    (Field("user", "member", members, members[0]), actor)))
        return tuple(forms)

    def form(self, action: str | ActionName) -> ActionForm:
        """The form of one of :meth:`actions`.

        Raises
        ------
        UsageError
            If the action does not apply to the subject.
        """
        try:
            name: ActionName | None = ActionName(action)
        except ValueError:
            name = None
        for form in self.actions():
            if form.action is name:
                return form
        kind, subject = self._selection()
        raise UsageError(f"the explorer offers no action {action!r} for the {kind} {subject}")

    def arguments(self, action: str | ActionName, **values: Any) -> dict[str, Any]:
        """The action's full arguments: the subject, then each field's value (its
        default when not given); an empty actor and a zero clock skew are left out.

        Raises
        ------
        UsageError
            For a value that is not one of its field's options, or a field the action
            does not have.
        """
        form = self.form(action)
        kind, subject = self._selection()
        known = {field.name for field in form.fields}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(f"{form.action.value} has no field {unknown[0]!r}")
        found: dict[str, Any] = {kind: subject}
        for field in form.fields:
            value = values.get(field.name, field.default)
            if field.options is not None and value not in field.options:
                raise UsageError(f"{field.label}: {value!r} is not one of "
                                 f"{', '.join(repr(option) for option in field.options)}")
            if field.options is None:
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    raise UsageError(f"{field.label}: {value!r} is not a number") from None
            if (field.name == "actor" and value == NO_ACTOR) \
                    or (field.name == "clock_skew" and value == 0):
                continue
            found[field.name] = value
        return found

    # -- trying and taking steps ------------------------------------------------------------

    def try_action(self, action: str | ActionName, **values: Any) -> Preview:
        """What the action would do now, without doing it (a what-if)."""
        args = self.arguments(action, **values)
        outcome = self.simulation.what_if(self.form(action).action, **args)
        return self._show(outcome, applied=False)

    def apply(self, action: str | ActionName, **values: Any) -> Preview:
        """Take the step: the simulation moves on, and later tries start from there."""
        args = self.arguments(action, **values)
        before = self.simulation.state
        outcome = self.simulation.apply(self.form(action).action, **args)
        return self._show(outcome, applied=True, state=before)

    def undo(self) -> Outcome:
        """Take back the last step applied.

        Raises
        ------
        UsageError
            When no step was applied.
        """
        outcome = self.simulation.undo()
        self.preview = None
        return outcome

    def _show(self, outcome: Outcome, *, applied: bool, state: State | None = None
              ) -> Preview:
        from mfa_sim.graph import impact_graph

        graph = impact_graph(outcome, self.simulation.state if state is None else state)
        self.preview = Preview(outcome, graph, applied)
        return self.preview

    # -- what the subject looks like now ------------------------------------------------------

    def dataset_now(self) -> Dataset:
        """The simulation's current state as a dataset (made once per step)."""
        steps = len(self.simulation.outcomes)
        if self._dataset_now is None or self._dataset_now[0] != steps:
            dataset = self.simulation.state.dataset if not steps \
                else self.simulation.state.to_dataset()
            self._dataset_now = (steps, dataset)
        return self._dataset_now[1]

    def focus(self, *, hops: int = 2, threshold: int = 10) -> nx.Graph:
        """The subject's neighbourhood as it stands now (:func:`mfa_sim.graph.focus_graph`)."""
        from mfa_sim.graph import focus_graph

        kind, subject = self._selection()
        if kind == ACCOUNT:
            return focus_graph(self.dataset_now(), account=subject, hops=hops,
                               threshold=threshold)
        return focus_graph(self.dataset_now(), user=subject, hops=hops, threshold=threshold)

    def describe(self) -> str:
        """One sentence on the subject as it stands now.

        Examples
        --------
        >>> from mfa_sim import load_dataset
        >>> explorer = Explorer(load_dataset("datasets/example"))
        >>> explorer.select("user", "u_dana")
        >>> print(explorer.describe())
        u_dana: MFA enabled; member of 2 accounts, 1 enforcing MFA: a_secure.
        """
        kind, subject = self._selection()
        state = self.simulation.state
        if kind == USER:
            mfa = state.mfa_of(subject)
            word = "unknown" if mfa is None else "enabled" if mfa else "not enabled"
            accounts = state.accounts_of(subject)
            enforcing = [account for account in accounts if state.is_enforced(account)]
            where = f"member of {_plural(len(accounts), 'account')}"
            if accounts:
                where += f", {len(enforcing)} enforcing MFA" + (
                    f": {', '.join(enforcing)}" if enforcing else "")
            return f"{subject}: MFA {word}; {where}."
        members = state.members_of(subject)
        lacking = [user for user in members if not state.has_mfa(user)]
        plan = state.plan_of(subject)
        enforced = "enforcing MFA" if state.is_enforced(subject) else "not enforcing MFA"
        text = (f"{subject}: {plan} plan ({state.tier_of(subject).value} tier), {enforced}; "
                f"{_plural(len(members), 'member')}")
        if lacking:
            text += f", {len(lacking)} without MFA: {', '.join(lacking)}"
        return text + "."

    def __repr__(self) -> str:
        where = "nothing selected" if self.subject is None else f"{self.kind} {self.subject!r}"
        return (f"<Explorer on {where}: {_plural(len(self.simulation.outcomes), 'step')} "
                f"applied>")

    # -- helpers ------------------------------------------------------------------------------

    def _selection(self) -> tuple[str, str]:
        if self.kind is None or self.subject is None:
            raise UsageError("select an account or a user first")
        return self.kind, self.subject

    @staticmethod
    def _table(kind: str) -> tuple[str, str]:
        if kind == ACCOUNT:
            return "accounts", "account_id"
        if kind == USER:
            return "users", "user_id"
        raise UsageError(f"pick an account or a user, not {kind!r}")


class ExplorerApp:
    """The explorer's widgets (ipywidgets) over an :class:`Explorer`.

    Each control calls one method (``on_kind``, ``on_search``, ``on_subject``,
    ``on_action``, ``on_try``, ``on_apply``, ``on_undo``), which asks the explorer and
    updates the widgets; tests call them, or set values and click buttons, without a
    browser. Errors of use (an unknown id, a value not offered) are shown in the
    outcome panel, never raised into the notebook.

    Parameters
    ----------
    explorer
        The logic to drive.
    draw
        Whether to draw graphs (turn it off to test the controls quickly).

    Attributes
    ----------
    widget
        The whole interface, to display.
    """

    def __init__(self, explorer: Explorer, *, draw: bool = True) -> None:
        try:
            import ipywidgets as widgets
        except ImportError as error:
            raise ImportError(INSTALL_HINT) from error
        self.explorer = explorer
        self.draw = draw
        self._widgets = widgets
        self.kind = widgets.ToggleButtons(options=list(KINDS), value=ACCOUNT,
                                          description="Explore")
        self.search = widgets.Text(value="", placeholder="filter ids", description="Search")
        self.subject = widgets.Dropdown(options=[], description="Id")
        self.action = widgets.Dropdown(options=[], description="Action")
        self.fields = widgets.VBox([])
        self.try_button = widgets.Button(description="Try (what-if)", button_style="info",
                                         tooltip="What would happen, without doing it")
        self.apply_button = widgets.Button(description="Apply", button_style="warning",
                                           tooltip="Take the step; later tries start there")
        self.undo_button = widgets.Button(description="Undo", tooltip="Take back the last step")
        self.about = widgets.HTML()
        self.outcome = widgets.HTML()
        self.status = widgets.HTML()
        self.graph = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self._field_widgets: dict[str, Any] = {}
        self._updating = False
        self.widget = widgets.VBox([
            self.kind, widgets.HBox([self.search, self.subject]), self.about,
            widgets.HBox([self.action, self.fields]),
            widgets.HBox([self.try_button, self.apply_button, self.undo_button]),
            self.outcome, self.status, self.graph,
        ])
        self.kind.observe(self._when(self.on_kind), names="value")
        self.search.observe(self._when(self.on_search), names="value")
        self.subject.observe(self._when(self.on_subject), names="value")
        self.action.observe(self._when(self.on_action), names="value")
        self.try_button.on_click(lambda button: self.on_try())
        self.apply_button.on_click(lambda button: self.on_apply())
        self.undo_button.on_click(lambda button: self.on_undo())
        self.on_kind()

    # -- callbacks ------------------------------------------------------------------------

    def on_kind(self) -> None:
        """The kind changed: list its ids again."""
        self.on_search()

    def on_search(self) -> None:
        """The search changed: list the matching ids (the first is selected)."""
        ids = self.explorer.subjects(self.kind.value, self.search.value)
        with self._quietly():
            self.subject.options = ids
            self.subject.value = ids[0] if ids else None
        self.on_subject()

    def on_subject(self) -> None:
        """A subject was picked: show it, its actions and its neighbourhood."""
        subject = self.subject.value
        if subject is None:
            self.about.value = "<p>No id matches.</p>"
            with self._quietly():
                self.action.options = []
            self._set_fields(None)
            self._set_graph(None)
            return
        self.explorer.select(self.kind.value, subject)
        self._refresh_subject()
        self.outcome.value = ""

    def on_action(self) -> None:
        """An action was picked: show its fields."""
        if self.action.value is None or self.explorer.subject is None:
            self._set_fields(None)
            return
        self._set_fields(self.explorer.form(self.action.value))

    def on_try(self) -> Preview | None:
        """Try the action (a what-if) and show its outcome and impact graph."""
        return self._run(self.explorer.try_action)

    def on_apply(self) -> Preview | None:
        """Take the step and show its outcome and impact graph."""
        preview = self._run(self.explorer.apply)
        if preview is not None:
            # The subject has changed; the impact graph just drawn stays in view.
            self._refresh_subject(keep_action=True, redraw=False)
        return preview

    def on_undo(self) -> Outcome | None:
        """Take back the last step."""
        try:
            outcome = self.explorer.undo()
        except MfaSimError as error:
            self.outcome.value = _error_html(error)
            return None
        self.outcome.value = f"<p>Took back step {outcome.step}: {_escape(outcome.message)}</p>"
        self._refresh_subject(keep_action=True)
        return outcome

    # -- widgets --------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Display the interface (Jupyter calls this); where widgets cannot show (a
        terminal, a static HTML page) the text says what it is."""
        bundle: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return (f"<ExplorerApp over {self.explorer!r}: run the notebook in Jupyter to use "
                f"its widgets>")

    def _when(self, callback: Any) -> Any:
        """An observer calling ``callback`` unless the app itself is changing values."""
        def observer(change: Any) -> None:
            if not self._updating:
                callback()
        return observer

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change widgets without their observers running."""
        self._updating = True
        try:
            yield
        finally:
            self._updating = False

    def values(self) -> dict[str, Any]:
        """The fields' current values."""
        return {name: widget.value for name, widget in self._field_widgets.items()}

    def _run(self, method: Any) -> Preview | None:
        if self.action.value is None:
            self.outcome.value = "<p>Pick an action first.</p>"
            return None
        try:
            preview: Preview = method(self.action.value, **self.values())
        except MfaSimError as error:
            self.outcome.value = _error_html(error)
            return None
        self.outcome.value = preview._repr_html_()
        self._set_graph(preview)
        return preview

    def _refresh_subject(self, *, keep_action: bool = False, redraw: bool = True) -> None:
        explorer = self.explorer
        self.about.value = f"<p>{_escape(explorer.describe())}</p>"
        forms = explorer.actions()
        current = self.action.value
        options = [(form.label, form.action.value) for form in forms]
        with self._quietly():
            self.action.options = options
            offered = [value for _, value in options]
            self.action.value = current if keep_action and current in offered else offered[0]
        self.on_action()
        steps = len(explorer.simulation.outcomes)
        self.status.value = f"<p><small>{_plural(steps, 'step')} applied.</small></p>"
        if redraw:
            self._set_graph(None)

    def _set_fields(self, form: ActionForm | None) -> None:
        widgets = self._widgets
        made: dict[str, Any] = {}
        for field in () if form is None else form.fields:
            if field.options is None:
                made[field.name] = widgets.FloatText(value=float(field.default),
                                                     description=field.label,
                                                     style={"description_width": "initial"})
            else:
                labels = [(option or "(nobody in particular)", option)
                          for option in field.options]
                made[field.name] = widgets.Dropdown(options=labels, value=field.default,
                                                    description=field.label)
        self._field_widgets = made
        self.fields.children = tuple(made.values())

    def _set_graph(self, preview: Preview | None) -> None:
        if not self.draw:
            return
        if preview is not None:
            drawing = preview.draw()
        elif self.explorer.subject is not None:
            from mfa_sim.graph import draw_focus

            drawing = draw_focus(self.explorer.focus(hops=1))
        else:
            self.graph.value = b""
            return
        self.graph.value = _png(drawing)


def explore(source: Dataset | Simulation, *, draw: bool = True, **options: Any) -> ExplorerApp:
    """The explorer for a dataset or a simulation, ready to display in a notebook.

    Parameters
    ----------
    source
        What to explore (a simulation is branched, never moved).
    draw
        Whether to draw the graphs.
    **options
        ``policy``, ``start``, ``seed`` for a new simulation.

    Returns
    -------
    ExplorerApp
        The widgets (shown when it is the cell's last expression) over the
        :class:`Explorer` in its ``explorer`` attribute.

    Raises
    ------
    ImportError
        Without ipywidgets, saying how to install the extra.
    """
    return ExplorerApp(Explorer(source, **options), draw=draw)


def _png(drawing: Drawing) -> bytes:
    import io

    buffer = io.BytesIO()
    drawing.figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _error_html(error: Exception) -> str:
    return f'<p style="color:#D55E00"><strong>Not possible:</strong> {_escape(str(error))}</p>'


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


__all__ = ["ActionForm", "Explorer", "ExplorerApp", "Field", "Preview", "explore"]

