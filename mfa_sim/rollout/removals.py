"""The removal wave's memberships, and what inviting each back would do.

DNSimple's way forward for an account the contacts do not make ready is to remove the
members lacking MFA, enforce, and invite them again. An invitation back is refused
(``invite``'s rules, :mod:`mfa_sim.policy.rules`) when one is already pending for the
email (``already_invited``), when the email is the account's own (``email_taken``) or
when no seat is free (``no_seats``): the plan predicts each, so that its scenario holds
only steps that apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mfa_sim.columns.buffers import arrow_of, flags_of, numpy_of, scalar_of, text_array
from mfa_sim.compliance.facts import AuditFacts
from mfa_sim.rollout.result import Reinvite

if TYPE_CHECKING:
    import pyarrow as pa


def waiting_invitations(facts: AuditFacts) -> np.ndarray:
    """Rows of the invitations waiting for MFA (``awaiting_mfa``) of a user who is not
    a member yet: they complete, and the invitee joins, when the invitee enables MFA."""
    invitations = facts.invitations
    if not invitations.num_rows:
        return np.zeros(0, dtype=np.int64)
    import pyarrow.compute as pc

    waiting = flags_of(pc.equal(invitations.column("status"), scalar_of("awaiting_mfa")))
    found: np.ndarray = np.flatnonzero(waiting & (facts.invitee >= 0)
                                       & (facts.invitation_account >= 0)
                                       & ~facts.invitee_is_member)
    return found


def invitation_manages(facts: AuditFacts, rows: np.ndarray) -> np.ndarray:
    """Whether each of these invitations makes its invitee an owner or admin."""
    from mfa_sim.model.roles import Role

    roles = facts.invitations.column("role").take(arrow_of(rows)).to_pylist()
    return np.array([Role(role).manages for role in roles], dtype=bool)


def removals_table(facts: AuditFacts, rows: np.ndarray, occupied: np.ndarray, *,
                   refuses: bool) -> pa.Table:
    """The memberships the removal wave removes (``rows``), by account then user, with
    what inviting each back would do (:class:`Reinvite`; null when the policy cuts
    members instead of refusing).

    ``occupied`` is each account's seats taken once the removals are done (members left
    and pending invitations): each invitation sent takes one more, in the order sent.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from mfa_sim.model.emails import email_keys

    account = facts.membership_account[rows]
    user = facts.membership_user[rows]
    emails = facts.dataset.tables["users"].column("email").take(arrow_of(user))
    table = pa.table({
        "account": facts.account_ids.take(arrow_of(account)),
        "user": facts.user_ids.take(arrow_of(user)),
        "email": emails,
        "role": facts.roles.take(arrow_of(rows)),
        "manages": arrow_of(facts.manages[rows]),
        "row": arrow_of(account),
        "user_row": arrow_of(user),
    }).sort_by([("account", "ascending"), ("user", "ascending")])
    if not refuses:
        return table.drop_columns(["row", "user_row"]).append_column(
            "reinvite", pa.nulls(table.num_rows, pa.string()))
    account = numpy_of(table.column("row"))
    # Invitations already pending for a removed member's email at that account.
    invited = np.zeros(table.num_rows, dtype=bool)
    invitations = facts.invitations
    if invitations.num_rows:
        users = len(facts.user_ids)
        known = facts.invitee >= 0
        pending = (facts.invitation_account[known].astype(np.int64) * users
                   + facts.invitee[known])
        invited = np.isin(account.astype(np.int64) * users
                          + numpy_of(table.column("user_row")), pending)
    own = facts.dataset.tables["accounts"].column("email")
    own_email = email_keys(own.take(arrow_of(account)))
    taken = flags_of(pc.equal(own_email, email_keys(table.column("email"))))
    # Seats: the members left and the pending invitations take them, and each
    # invitation sent takes one more.
    sending = ~invited & ~taken
    full = _seat_refusals(account, sending, facts.seats[account], occupied[account])
    outcome = np.full(table.num_rows, Reinvite.INVITED.value, dtype=object)
    outcome[full] = Reinvite.NO_SEATS.value
    outcome[taken] = Reinvite.EMAIL_TAKEN.value
    outcome[invited] = Reinvite.ALREADY_INVITED.value
    return table.drop_columns(["row", "user_row"]).append_column(
        "reinvite", text_array(outcome.tolist()))


def _first_rows(groups: np.ndarray) -> np.ndarray:
    """For each row of a grouped (contiguous) array, the row its group starts at."""
    starts = np.flatnonzero(np.concatenate([[True], groups[1:] != groups[:-1]]))
    return starts[np.searchsorted(starts, np.arange(len(groups)), side="right") - 1]


def _seat_refusals(account: np.ndarray, sending: np.ndarray, seats: np.ndarray,
                   occupied: np.ndarray) -> np.ndarray:
    """Which invitations are refused for want of a seat, each account's sent in turn.

    ``occupied`` is what each row's account holds before any is sent; the ``k``-th
    invitation of an account (counting only the ones that go out) finds
    ``occupied + k`` seats taken, so the first ``seats - occupied`` go out.
    """
    first = _first_rows(account) if len(account) else account
    sent = np.cumsum(sending) - sending
    position = sent - (sent[first] if len(account) else sent)
    free = np.maximum(seats - occupied, 0)
    refused: np.ndarray = sending & (seats >= 0) & (position >= free)
    return refused
