"""DNSimple's membership rebuilt from its account webhooks (JSON lines, or one array).

DNSimple exports no member list and no MFA state. Its webhooks say what changed:
``account.user_invite``, ``account.user_invitation_accept``,
``account.user_invitation_revoke`` and ``account.user_remove``. Replayed in event
order, they give each account's members and pending invitations as of the last event:

- An event delivered twice (the same ``request_identifier``) is replayed once.
- Events are replayed in the order of their own times (an invitation's ``created_at``,
  its ``invitation_accepted_at``, a revocation's ``updated_at``; a removal, which
  carries none, keeps its place after the event before it); one delivered after a
  later one is counted as out of order.
- A member who joined before the history begins is not in it (their removal is counted);
  other events (``account.sso_user_add``, domain events) are counted, not replayed.

A member's id is their email, case-folded; MFA is unknown (an MFA list gives it); the role
(full or limited access) is not in the events: ``member``. The plan comes with each event.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from mfa_sim.data.importers.base import (
    ExportFormat,
    FileHead,
    Gap,
    LeftOut,
    Mapped,
    problem,
    text_table,
)
from mfa_sim.data.importers.json_stream import MISSING, JsonExport, json_path
from mfa_sim.errors import ProblemReason

INVITE = "account.user_invite"
ACCEPT = "account.user_invitation_accept"
REVOKE = "account.user_invitation_revoke"
REMOVE = "account.user_remove"
REPLAYED = (INVITE, ACCEPT, REVOKE, REMOVE)
_TIMES = {INVITE: "created_at", ACCEPT: "invitation_accepted_at", REVOKE: "updated_at"}


def recognises(head: FileHead) -> bool:
    """JSON events (one per line, or in an array) with ``name`` and
    ``request_identifier``."""
    return head.kind == "json" and (
        {"name", "request_identifier"} <= head.keys
        or {"item.name", "item.request_identifier"} <= head.keys)


def _event(export: JsonExport, where: str, event: Any) -> dict[str, Any] | None:
    """The replayed facts of one event, or ``None`` once the file has a problem (each
    reported, this event judged still); an event of a kind not replayed is counted, not
    judged."""
    if type(event) is not dict:
        export.wrong(where, event, "a webhook event object")
        return None
    name, request = event.get("name", MISSING), event.get("request_identifier", MISSING)
    for key, value in (("name", name), ("request_identifier", request)):
        if type(value) is not str:
            export.wrong(f"{where}.{key}", value, "text")
    if name not in REPLAYED:
        return ({"name": name, "request": request, "replayed": False}
                if export.clean else None)
    data = event.get("data")
    if type(data) is not dict:
        data = {}
    account = data.get("account")
    if type(account) is not dict:
        account = {}
    if type(account.get("id")) not in (int, str):
        export.wrong(f"{where}.data.account.id", MISSING, "the account's id")
    key = "user" if name == REMOVE else "account_invitation"
    subject = data.get(key)
    if type(subject) is not dict:
        subject = {}
    written = subject.get("email")
    email = written.strip() if type(written) is str else ""
    if not email:
        export.wrong(f"{where}.data.{key}.email", MISSING if written is None else written,
                     "the member's email")
    time = subject.get(_TIMES[name]) if name in _TIMES else None
    if time is not None and not (type(time) is str and _moment(time) is not None):
        export.problems.append(problem(export.file, f"{where}.data.{key}.{_TIMES[name]}",
                                       time, ProblemReason.INVALID_TIME,
                                       f"the time of a {name} event is not an ISO 8601 "
                                       "time"))
    if not export.clean:
        return None  # the file is refused: nothing of it is mapped
    envelope = event.get("account")
    display = envelope.get("display") if type(envelope) is dict else None
    plan = account.get("plan_identifier")
    return {"name": name, "request": request, "replayed": True, "account": str(account["id"]),
            "display": display if type(display) is str else None,
            "plan": plan if type(plan) is str else None, "email": email,
            "time": time, "invitation": subject.get("id") if name != REMOVE else None,
            "invited_at": subject.get("created_at") if name == INVITE else None}


def read(path: str) -> Mapped:
    """Replay the events: the accounts, their members and pending invitations."""
    import pyarrow as pa

    from mfa_sim.data.importers.base import read_head

    export = JsonExport(path)
    prefix = "item" if read_head(path).keys >= {"item.name"} else ""
    events: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    duplicates = 0
    skipped: Counter[str] = Counter()
    for index, event in export.items(prefix):
        where = json_path("item", index)
        found = _event(export, where, event)
        if found is None:
            continue
        if found["request"] in seen:
            duplicates += 1
            continue
        seen[found["request"]] = index
        if found["replayed"]:
            events.append(found)
        else:
            skipped[found["name"]] += 1
    export.raise_problems()
    ordered, late = _in_event_order(events)
    state = _replay(ordered)
    return _mapped(path, state, duplicates, late, skipped, pa)


def _moment(text: str) -> Any:
    from mfa_sim.data.parsing import parse_time

    return parse_time(text)


def _in_event_order(events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The events sorted by their own times (one without a time stays after the event
    before it), and how many were delivered after a later one."""
    late = 0
    latest = None
    keyed: list[tuple[Any, int, dict[str, Any]]] = []
    for position, event in enumerate(events):
        moment = _moment(event["time"]) if event["time"] is not None else None
        if moment is not None and latest is not None and moment < latest:
            late += 1
        if moment is not None and (latest is None or moment > latest):
            latest = moment
        effective = moment if moment is not None else (keyed[-1][0] if keyed else None)
        keyed.append((effective, position, event))
    first = min((key for key, _, _ in keyed if key is not None), default=None)
    keyed.sort(key=lambda item: (item[0] or first or 0, item[1]) if first is not None
               else (0, item[1]))
    return [event for _, _, event in keyed], late


def _replay(events: list[dict[str, Any]]) -> dict[str, Any]:
    accounts: dict[str, dict[str, Any]] = {}
    members: dict[tuple[str, str], str] = {}
    invitations: dict[tuple[str, str], dict[str, Any]] = {}
    unmatched: Counter[str] = Counter()
    for event in events:
        account = accounts.setdefault(event["account"], {"name": None, "plan": None})
        account["name"] = event["display"] or account["name"]
        account["plan"] = event["plan"] or account["plan"]
        key = (event["account"], event["email"].lower())
        if event["name"] == INVITE:
            invitations[key] = event
        elif event["name"] == ACCEPT:
            if invitations.pop(key, None) is None:
                unmatched["acceptances of an invitation not in the history"] += 1
            members[key] = event["email"]
        elif event["name"] == REVOKE:
            if invitations.pop(key, None) is None:
                unmatched["revocations of an invitation not in the history"] += 1
        elif members.pop(key, None) is None:
            unmatched["removals of a member who joined before the history began"] += 1
    return {"accounts": accounts, "members": members, "invitations": invitations,
            "unmatched": unmatched}


def _mapped(path: str, state: dict[str, Any], duplicates: int, late: int,
            skipped: Counter[str], pa: Any) -> Mapped:
    accounts, members = state["accounts"], state["members"]
    invitations = state["invitations"]
    people = list(dict.fromkeys(email.lower() for email in members.values()))
    first_spelling: dict[str, str] = {}
    for email in members.values():
        first_spelling.setdefault(email.lower(), email)
    keys = list(accounts)
    gaps = [Gap("mfa_unknown", len(people), "DNSimple exports no MFA state: unknown "
                "unless an MFA list gives it"),
            Gap("role_unknown", len(members), "full or limited access is not in the events: "
                "written as member"),
            Gap("enforcement_unknown", len(keys), "whether an account enforces MFA is not in "
                "the events: mfa_enforced is unknown"),
            Gap("history_only", len(keys), "members who joined before the history begins, "
                "and never left, are not in it")]
    if late:
        gaps.append(Gap("out_of_order", late, f"{late:,} events were delivered after a "
                        "later one: replayed in the order of their times"))
    left_out = []
    if duplicates:
        left_out.append(LeftOut(duplicates, "events delivered again (the same "
                                "request_identifier) were replayed once"))
    left_out += [LeftOut(count, f"{name} events are not replayed")
                 for name, count in sorted(skipped.items())]
    left_out += [LeftOut(count, what) for what, count in state["unmatched"].items()]
    pending = list(invitations.items())
    return Mapped(
        file=path, format=FORMAT.name, product=FORMAT.product,
        users=text_table({"key": people, "email": [first_spelling[key] for key in people],
                          "mfa_enabled": [None] * len(people), "name": [None] * len(people)},
                         {"mfa_enabled": pa.bool_()}),
        accounts=text_table({"key": keys, "name": [accounts[key]["name"] for key in keys],
                             "plan": [accounts[key]["plan"] or "" for key in keys],
                             "mfa_enforced": [None] * len(keys)},
                            {"mfa_enforced": pa.bool_()}),
        memberships=text_table({"account": [account for account, _ in members],
                                "user": [email for _, email in members],
                                "role": [None] * len(members)}),
        invitations=text_table({
            "account": [account for (account, _), _ in pending],
            "email": [event["email"] for _, event in pending],
            "invitation_id": [None if event["invitation"] is None
                              else f"dnsimple:{event['invitation']}" for _, event in pending],
            "role": [None] * len(pending),
            "invited_at": [event["invited_at"] for _, event in pending]}),
        gaps=tuple(gaps), left_out=tuple(left_out))


FORMAT = ExportFormat(
    name="dnsimple-webhooks",
    product="dnsimple",
    title="DNSimple account webhooks (JSON lines), replayed into members and invitations",
    obtain="the account webhook events your endpoint received, one JSON payload per line "
           "(account.user_invite, _invitation_accept, _invitation_revoke, user_remove)",
    recognises=recognises,
    read=read,
)
