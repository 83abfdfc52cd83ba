"""A run: the outcomes of a sequence of steps and the summary the contract asks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mfa_sim.model.outcome import EventType, Outcome, Status
from mfa_sim.model.ports import HtmlDisplay

if TYPE_CHECKING:
    import pandas as pd

    from mfa_sim.model.state import State


@dataclass(frozen=True, slots=True)
class RunSummary(HtmlDisplay):
    """Every removal, every blocked step and every warning of a run, with its step."""

    removed: tuple[dict[str, Any], ...]
    blocked: tuple[dict[str, Any], ...]
    warnings: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, outcomes: tuple[Outcome, ...]) -> RunSummary:
        """Summarise outcomes in step order."""
        removed, blocked, warnings = [], [], []
        for outcome in outcomes:
            for event in outcome.events:
                if event.type is EventType.MEMBER_REMOVED:
                    removed.append({"account": event.account, "user": event.user,
                                    "step": outcome.step})
                elif event.type.is_warning:
                    warnings.append({**event.to_json(), "step": outcome.step})
            if outcome.status is Status.BLOCKED:
                blocked.append({"account": outcome.args.get("account"),
                                "email": outcome.args.get("email"), "step": outcome.step})
        return cls(tuple(removed), tuple(blocked), tuple(warnings))

    def to_json(self) -> dict[str, Any]:
        """The ``summary`` object of ``simulate --format json``."""
        return {"removed": list(self.removed), "blocked": list(self.blocked),
                "warnings": list(self.warnings)}

    def __repr__(self) -> str:
        warnings = len(self.warnings)
        return (f"<RunSummary: {len(self.removed)} removed, {len(self.blocked)} blocked, "
                f"{warnings} warning{'' if warnings == 1 else 's'}>")


@dataclass(frozen=True)
class Run(HtmlDisplay):
    """The result of running steps: outcomes in order and the final state."""

    policy: str
    outcomes: tuple[Outcome, ...]
    final: State
    name: str | None = None

    @property
    def summary(self) -> RunSummary:
        """Removals, blocked steps and warnings, with their steps."""
        return RunSummary.of(self.outcomes)

    def to_json(self) -> dict[str, Any]:
        """The run as ``simulate --format json`` (contract §4)."""
        return {"policy": self.policy,
                "steps": [outcome.to_json() for outcome in self.outcomes],
                "summary": self.summary.to_json()}

    def steps_frame(self) -> pd.DataFrame:
        """One row per step: number, action, status, reason, time, message."""
        from mfa_sim.model.frames import outcomes_frame

        return outcomes_frame(self.outcomes)

    def events_frame(self) -> pd.DataFrame:
        """One row per event, with the step it belongs to."""
        from mfa_sim.model.frames import events_frame

        return events_frame(self.outcomes)

    def __repr__(self) -> str:
        counts = {status: sum(o.status is status for o in self.outcomes) for status in Status}
        shown = ", ".join(f"{n} {status.value}" for status, n in counts.items())
        return f"<Run of {len(self.outcomes)} steps under {self.policy}: {shown}>"
