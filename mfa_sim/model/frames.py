"""The dataset's tables as pandas DataFrames with analyst-friendly dtypes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mfa_sim.columns.arrays import one_chunk
from mfa_sim.model.plans import Tier, tiers_of_plans
from mfa_sim.model.roles import Role
from mfa_sim.model.schema import FileSchema
from mfa_sim.model.values import InvitationStatus, MembershipStatus

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from mfa_sim.model.outcome import Outcome

_CATEGORIES: dict[str, list[str]] = {
    "role": [role.value for role in Role if role is not Role.COLLABORATOR],
    "status": [status.value for status in InvitationStatus],
    "tier": [tier.value for tier in Tier],
}
"""DNSimple's vocabulary; roles and statuses of the other products join it where a table
holds them (:func:`_categories`)."""


def _categories(schema: FileSchema, column: str, frame: pd.DataFrame) -> list[str]:
    """A column's categories: an outside collaborator's role only where the table holds
    one, and a membership's status (active, suspended) only where the file gives it."""
    if schema.table == "memberships" and column == "status":
        return [status.value for status in MembershipStatus]
    categories = _CATEGORIES[column]
    if column == "role" and (frame[column] == Role.COLLABORATOR.value).any():
        categories = [*categories, Role.COLLABORATOR.value]
    return categories


def table_frame(schema: FileSchema, canonical: pa.Table, as_written: pa.Table) -> pd.DataFrame:
    """A DataFrame of one table: canonical values, with the plan also as written.

    Derived columns (``plan_name``, ``tier``) are added unless an extra column of the
    file already has that name: the file's own columns always win.
    """
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}
    frame: pd.DataFrame = canonical.to_pandas(types_mapper=mapping.get)
    if schema.table == "memberships" and "status" in frame.columns \
            and as_written.column("status").null_count == as_written.num_rows:
        # A membership status is another product's notion: shown when the file has one.
        frame = frame.drop(columns="status")
    for column in _CATEGORIES:
        if column in frame.columns and schema.column(column) is not None:
            frame[column] = pd.Categorical(frame[column],
                                           categories=_categories(schema, column, frame),
                                           ordered=column == "tier")
    if schema.table == "accounts":
        plan_names = frame["plan"]
        frame["plan"] = as_written.column("plan").to_pandas()
        position = list(frame.columns).index("plan") + 1
        tier_names = tiers_of_plans(one_chunk(canonical.column("plan")))
        tiers = pd.Series(pd.Categorical(tier_names.to_pandas(),
                                         categories=_CATEGORIES["tier"], ordered=True),
                          index=frame.index)
        derived: tuple[tuple[str, pd.Series], ...] = (("plan_name", plan_names),
                                                       ("tier", tiers))
        for offset, (name, values) in enumerate(derived):
            if name not in frame.columns:
                frame.insert(position + offset, name, values)
    return frame


def outcomes_frame(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """One row per step."""
    import pandas as pd

    return pd.DataFrame(
        {
            "step": [o.step for o in outcomes],
            "action": [o.action for o in outcomes],
            "status": [o.status.value for o in outcomes],
            "reason": [None if o.reason is None else o.reason.value for o in outcomes],
            "time": pd.to_datetime([o.time for o in outcomes], utc=True),
            "message": [o.message for o in outcomes],
        },
        columns=["step", "action", "status", "reason", "time", "message"],
    )


def events_frame(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """One row per event of the steps, in order."""
    import pandas as pd

    rows = [{"step": o.step, **event.to_json()} for o in outcomes for event in o.events]
    columns = ["step", "type", "account", "user", "email", "reason", "role", "plan"]
    frame = pd.DataFrame(rows, columns=columns)
    extra = [c for c in pd.DataFrame(rows).columns if c not in columns] if rows else []
    return pd.DataFrame(rows, columns=columns + extra) if extra else frame
