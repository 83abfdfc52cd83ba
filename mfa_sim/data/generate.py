"""Synthetic datasets: users, accounts, memberships and invitations that look real.

:func:`generate_dataset` writes a dataset folder (``users.csv``, ``accounts.csv``,
``memberships.csv``, ``invitations.csv``) in the format the loader reads. The same
arguments always give byte-identical files: every random choice comes from numpy
generators seeded with ``seed``.

The shape of the data follows the module-level constants below (their values in
parentheses):

Users
    Ids ``u0000001``, ``u0000002``, ... in sign-up order (``created_at`` between
    :data:`USERS_SINCE` and :data:`USERS_UNTIL`, more of them recently). Emails are
    unique, a few written with capitals (:data:`MIXED_CASE_EMAIL_SHARE`, 3%). About
    :data:`MFA_ENABLED_SHARE` (80%) of users have MFA, :data:`MFA_UNKNOWN_SHARE`
    (1%) have an unknown state (written empty), the rest have none. A few names
    carry a comma (:data:`NAME_WITH_COMMA_SHARE`, 2%: ``Doe, Jane``) or quotes.
Accounts
    :data:`INDIVIDUAL_ACCOUNTS_PER_USER` (0.2) individual accounts (``personal`` or
    ``solo``; one member, the owner) and :data:`TEAM_ACCOUNTS_PER_USER` (0.2) team
    accounts (``professional``, ``teams``, ``business``, ``enterprise``) per user,
    ids ``a0000001``, .... Team sizes follow a power law truncated at
    :data:`MAX_ACCOUNT_SIZE` (5,000; at most a quarter of the users), its exponent
    fitted to a mean of :data:`MEAN_TEAM_SIZE` (5.5): most teams have one to three
    members, a few have thousands. Bigger teams are on higher plans
    (:data:`TEAM_PLAN_SHARES`). :data:`ENFORCING_SHARE` (20%) of the team accounts
    enforce MFA and every member of those has MFA, except in a drift share
    (:data:`ENFORCEMENT_DRIFT_SHARE`, 2%) where one member lacks it or its state is
    unknown. :data:`INELIGIBLE_ENFORCING_SHARE` (0.1%) of individual accounts
    enforce MFA although their plan does not allow it (drift from an old plan
    change). Seats are empty (unlimited) except in :data:`TEAM_SEAT_LIMIT_SHARE`
    (30%) of team accounts and :data:`INDIVIDUAL_SEAT_LIMIT_SHARE` (20%) of
    individual ones, whose limit is at least their members plus pending invitations.
Memberships
    Exactly one owner per account, except in :data:`ACCOUNT_WITHOUT_OWNER_SHARE`
    (0.5%) of the team accounts with two members or more (drift: nobody manages
    them); :data:`ADMIN_SHARE` (12%) of the other team members are admins.
    Memberships per user are heavy-tailed: :data:`USERS_WITHOUT_ACCOUNT_SHARE` (3%)
    of users belong to no account, most to one, :data:`MULTI_ACCOUNT_USER_SHARE`
    (12%) to more, up to :data:`MAX_ACCOUNTS_PER_USER` (500) for a contractor.
Invitations
    :data:`INVITING_ACCOUNT_SHARE` (12%) of team accounts have pending invitations,
    more for bigger teams (:data:`INVITATIONS_PER_MEMBER`). :data:`INVITEE_EXISTING_USER_SHARE`
    (40%) go to existing users who are not members yet (some lacking MFA), the rest
    to people with no user yet. In enforcing accounts, :data:`AWAITING_MFA_SHARE`
    (40%) of the invitations to an existing user without MFA were accepted and wait
    for MFA (``awaiting_mfa``).

With one million users (seed 0) that makes 400,000 accounts (80% with one member,
the largest with about 4,600), about 1.35 million memberships and 37,000
invitations; some 91,000 owner and admin memberships belong to users without MFA.

With ``messy=True`` the content is the same (same ids, same meaning) but written the
way real exports look: a UTF-8 byte order mark, CRLF line ends, quoted fields, mixed
boolean spellings (:data:`MESSY_BOOLEAN_SPELLINGS`), DNSimple plan identifiers
(:data:`MESSY_PLAN_SPELLINGS`), role aliases (:data:`MESSY_ROLE_SPELLINGS`), times
with and without a zone, and ids padded with spaces (:data:`MESSY_PADDED_ID_SHARE`).

Examples
--------
>>> import os, tempfile
>>> from mfa_sim.data.generate import generate_dataset
>>> with tempfile.TemporaryDirectory() as folder:
...     counts = generate_dataset(folder, 1_000, seed=7)
...     files = sorted(os.listdir(folder))
>>> files
['accounts.csv', 'invitations.csv', 'memberships.csv', 'users.csv']
>>> counts.users, counts.accounts
(1000, 400)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from mfa_sim.data.save import require_empty_folder
from mfa_sim.data.writing import concatenated, quoted
from mfa_sim.errors import UsageError
from mfa_sim.model.plans import KNOWN_PLANS
from mfa_sim.model.ports import HtmlDisplay
from mfa_sim.model.roles import Role
from mfa_sim.model.values import InvitationStatus

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    BoolArray = npt.NDArray[np.bool_]

__all__ = ["GeneratedDataset", "generate_dataset"]

# --- Users -------------------------------------------------------------------------

MFA_ENABLED_SHARE = 0.80
"""Share of users with MFA enabled."""

MFA_UNKNOWN_SHARE = 0.01
"""Share of users whose MFA state is unknown (written empty)."""

USERS_SINCE = "2012-01-01T00:00:00"
"""Earliest ``created_at`` of a user (UTC)."""

USERS_UNTIL = "2025-07-01T00:00:00"
"""Latest ``created_at`` of a user (UTC, exclusive)."""

NAME_WITH_COMMA_SHARE = 0.02
"""Share of user names written ``Last, First`` and of team names with ``, Inc.``."""

NAME_WITH_QUOTES_SHARE = 0.003
"""Share of user and team names holding double quotes (``Katherine "Kat" Smith``)."""

NAME_WITH_NEWLINE_SHARE = 0.001
"""Share of team names spanning two lines."""

MIXED_CASE_EMAIL_SHARE = 0.03
"""Share of user emails written with capitals (still unique case-insensitively)."""

# --- Accounts ----------------------------------------------------------------------

INDIVIDUAL_ACCOUNTS_PER_USER = 0.2
"""Individual accounts (``personal``, ``solo``: one member) per user."""

TEAM_ACCOUNTS_PER_USER = 0.2
"""Team accounts (teams tier and above) per user."""

MEAN_TEAM_SIZE = 5.5
"""Mean number of members of a team account (before duplicates are dropped)."""

MAX_ACCOUNT_SIZE = 5_000
"""Largest team; a dataset of fewer than four times as many users caps it lower."""

INDIVIDUAL_PLAN_SHARES: Mapping[str, float] = {"personal": 0.8, "solo": 0.2}
"""Plans of individual accounts."""

TEAM_PLAN_SHARES: Sequence[tuple[int, Mapping[str, float]]] = (
    (5, {"professional": 0.35, "teams": 0.50, "business": 0.12, "enterprise": 0.03}),
    (50, {"professional": 0.10, "teams": 0.50, "business": 0.30, "enterprise": 0.10}),
    (MAX_ACCOUNT_SIZE, {"teams": 0.20, "business": 0.45, "enterprise": 0.35}),
)
"""Plans of team accounts by size: ``(largest size, shares)``, smallest teams first."""

ENFORCING_SHARE = 0.20
"""Share of team accounts (teams tier and above) that enforce MFA."""

ENFORCEMENT_DRIFT_SHARE = 0.02
"""Share of enforcing team accounts where one member lacks MFA all the same."""

DRIFT_UNKNOWN_SHARE = 0.3
"""Share of those drifting members whose MFA state is unknown rather than off."""

INELIGIBLE_ENFORCING_SHARE = 0.001
"""Share of individual accounts that enforce MFA although their plan cannot."""

TEAM_SEAT_LIMIT_SHARE = 0.3
"""Share of team accounts with a seat limit (the others are unlimited)."""

INDIVIDUAL_SEAT_LIMIT_SHARE = 0.2
"""Share of individual accounts with a seat limit of one."""

# --- Memberships -------------------------------------------------------------------

USERS_WITHOUT_ACCOUNT_SHARE = 0.03
"""Share of users who belong to no account."""

MULTI_ACCOUNT_USER_SHARE = 0.12
"""Share of users with an account who belong to more than one."""

EXTRA_ACCOUNTS_EXPONENT = 2.2
"""Power-law exponent of the number of further accounts of those users."""

MAX_ACCOUNTS_PER_USER = 500
"""The most accounts one user (a contractor) belongs to."""

ADMIN_SHARE = 0.12
"""Share of non-owner team members who are admins."""

ACCOUNT_WITHOUT_OWNER_SHARE = 0.005
"""Share of team accounts (two members or more) left with no owner or admin."""

# --- Invitations -------------------------------------------------------------------

INVITING_ACCOUNT_SHARE = 0.12
"""Share of team accounts with pending invitations."""

INVITATIONS_PER_MEMBER = 0.1
"""Mean further invitations of an inviting account per member (beyond the first)."""

MAX_INVITATIONS_PER_ACCOUNT = 200
"""The most pending invitations of one account."""

INVITEE_EXISTING_USER_SHARE = 0.4
"""Share of invitations to an existing user (the others go to people with no user)."""

INVITATION_ADMIN_SHARE = 0.1
"""Share of invitations for the admin role (the others are for members)."""

AWAITING_MFA_SHARE = 0.4
"""Share of eligible invitations already accepted and waiting for the invitee's MFA."""

INVITATION_UPPER_CASE_EMAIL_SHARE = 0.05
"""Share of invitations whose address is typed in capitals (matched case-insensitively)."""

INVITATIONS_SINCE = "2025-07-01T00:00:00"
"""Earliest ``invited_at`` (UTC)."""

INVITATIONS_UNTIL = "2026-01-01T00:00:00"
"""Latest ``invited_at`` (UTC, exclusive): the default start of a scenario."""

# --- Messy exports -----------------------------------------------------------------

MESSY_BOOLEAN_SPELLINGS: Mapping[bool | None, tuple[str, ...]] = {
    True: ("true", "True", "TRUE", "yes", "Yes", "Y", "y", "1", "t", "T", " true", "yes "),
    False: ("false", "False", "FALSE", "no", "No", "N", "n", "0", "f", "F", " false", "no "),
    None: ("", "unknown", "Unknown", "UNKNOWN"),
}
"""How a messy export spells booleans; ``None`` is an unknown MFA state."""

MESSY_PLAN_SPELLINGS: Mapping[str, tuple[str, ...]] = {
    plan: (
        plan,
        plan.capitalize(),
        plan.upper(),
        f"dnsimple-{plan}",
        f"dnsimple-{plan}-monthly",
        f"dnsimple-{plan}-yearly",
        f"{plan}-v1-monthly",
        f"{plan}-v2-monthly",
        f"{plan}-v2-yearly",
    )
    for plan in KNOWN_PLANS
}
"""How a messy export spells each plan (DNSimple API identifiers among them)."""

MESSY_ROLE_SPELLINGS: Mapping[Role, tuple[str, ...]] = {
    Role.OWNER: ("owner", "Owner", "OWNER"),
    Role.ADMIN: ("admin", "Admin", "full", "Full", "full_access", "Full_Access", "FULL_ACCESS"),
    Role.MEMBER: ("member", "Member", "limited", "Limited", "limited_access", "LIMITED", ""),
}
"""How a messy export spells roles (DNSimple's Full and Limited Access among them)."""

MESSY_STATUS_SPELLINGS: Mapping[InvitationStatus, tuple[str, ...]] = {
    InvitationStatus.PENDING: ("pending", "Pending", "PENDING", ""),
    InvitationStatus.AWAITING_MFA: ("awaiting_mfa", "Awaiting_MFA", "AWAITING_MFA"),
}
"""How a messy export spells invitation statuses."""

MESSY_TIME_ZONES = ("Z", "+00:00", "", ".000Z")
"""Endings of times in a messy export: all UTC (no zone means UTC)."""

MESSY_PADDED_ID_SHARE = 0.01
"""Share of ids a messy export pads with a space (ids are read trimmed)."""

MESSY_QUOTED_FIELD_SHARE = 0.5
"""Share of fields quoted in the messy files that do not quote every field."""

# --- Names -------------------------------------------------------------------------

# Display names paired with the ASCII form used in addresses.
# fmt: off
_FIRST_NAMES = (
    ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"),
    ("John", "john"), ("Jennifer", "jennifer"), ("Michael", "michael"), ("Linda", "linda"),
    ("David", "david"), ("Elizabeth", "elizabeth"), ("William", "william"),
    ("Barbara", "barbara"), ("Richard", "richard"), ("Susan", "susan"), ("Joseph", "joseph"),
    ("Jessica", "jessica"), ("Thomas", "thomas"), ("Sarah", "sarah"), ("Charles", "charles"),
    ("Karen", "karen"), ("José", "jose"), ("Zoë", "zoe"), ("Chloé", "chloe"),
    ("Björn", "bjorn"), ("Søren", "soren"), ("Łukasz", "lukasz"), ("Siobhán", "siobhan"),
    ("Jürgen", "jurgen"), ("François", "francois"), ("Ana", "ana"), ("Wei", "wei"),
    ("Yuki", "yuki"), ("Priya", "priya"), ("Oluwaseun", "oluwaseun"), ("Mateo", "mateo"),
    ("Fatima", "fatima"), ("Aarav", "aarav"), ("Ingrid", "ingrid"), ("Kwame", "kwame"),
    ("Mei", "mei"), ("Katherine", "katherine"), ("Dmitri", "dmitri"), ("Aoife", "aoife"),
    ("Lucía", "lucia"), ("Noah", "noah"), ("Emma", "emma"), ("Liam", "liam"),
    ("Olivia", "olivia"), ("Hiroshi", "hiroshi"), ("Amara", "amara"),
)

_LAST_NAMES = (
    ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
    ("Jones", "jones"), ("García", "garcia"), ("Miller", "miller"), ("Davis", "davis"),
    ("Rodriguez", "rodriguez"), ("Martinez", "martinez"), ("Müller", "muller"),
    ("O'Brien", "obrien"), ("Nguyen", "nguyen"), ("Kowalski", "kowalski"),
    ("Da Silva", "dasilva"), ("van der Berg", "vanderberg"), ("Schmidt", "schmidt"),
    ("Rossi", "rossi"), ("Dubois", "dubois"), ("Johansson", "johansson"),
    ("Nakamura", "nakamura"), ("Kim", "kim"), ("Patel", "patel"), ("Singh", "singh"),
    ("Chen", "chen"), ("Wang", "wang"), ("Okafor", "okafor"), ("Mensah", "mensah"),
    ("Ivanova", "ivanova"), ("Horváth", "horvath"), ("Novák", "novak"), ("Jensen", "jensen"),
    ("Murphy", "murphy"), ("Kelly", "kelly"), ("Fernández", "fernandez"),
    ("Gonçalves", "goncalves"), ("Yilmaz", "yilmaz"), ("Cohen", "cohen"),
    ("Andersen", "andersen"), ("Lefebvre", "lefebvre"), ("Santos", "santos"),
    ("Tanaka", "tanaka"), ("Sato", "sato"), ("Hughes", "hughes"), ("Taylor", "taylor"),
    ("Wilson", "wilson"), ("Moore", "moore"), ("Clark", "clark"), ("Lewis", "lewis"),
    ("Walker", "walker"),
)

_EMAIL_DOMAINS = (
    "example.com", "example.org", "example.net", "mail.example", "inbox.example",
    "corp.example", "dev.example", "post.example",
)

_COMPANY_WORDS = (
    ("Acme", "acme"), ("Globex", "globex"), ("Initech", "initech"), ("Umbrella", "umbrella"),
    ("Hooli", "hooli"), ("Vandelay", "vandelay"), ("Wonka", "wonka"), ("Stark", "stark"),
    ("Wayne", "wayne"), ("Tyrell", "tyrell"), ("Cyberdyne", "cyberdyne"),
    ("Soylent", "soylent"), ("Aperture", "aperture"), ("Monarch", "monarch"),
    ("Pied Piper", "piedpiper"), ("Sterling Cooper", "sterlingcooper"), ("Bluth", "bluth"),
    ("Massive Dynamic", "massivedynamic"), ("Nakatomi", "nakatomi"), ("Zorg", "zorg"),
    ("Gekko", "gekko"), ("Oceanic", "oceanic"), ("Dharma", "dharma"), ("Wernham", "wernham"),
    ("Cogswell", "cogswell"), ("Spacely", "spacely"), ("Krusty", "krusty"),
    ("Ollivander", "ollivander"), ("Duff", "duff"), ("Prestige", "prestige"),
    ("Bräu & Söhne", "brausohne"), ("Nordlys", "nordlys"), ("Sakura", "sakura"),
    ("Atlas", "atlas"), ("Helios", "helios"), ("Quantum", "quantum"),
)

_NICKNAMES = ("Kat", "Bob", "DJ", "Ace", "Sunny", "Max", "Jo", "Sam", "Bea", "Rocky")

_COMPANY_SUFFIXES = (
    "Labs", "Inc.", "GmbH", "Ltd", "Studio", "Systems", "Digital", "Media", "Hosting",
    "Networks", "Consulting", "Agency", "Group", "Cloud", "Software",
)

_ACCOUNT_MAILBOXES = ("hostmaster", "dns", "it", "ops", "admin", "billing", "webmaster")
# fmt: on

# --- Files -------------------------------------------------------------------------

USERS_COLUMNS = ("user_id", "email", "mfa_enabled", "name", "created_at")
"""Columns of ``users.csv``, in the order written."""

ACCOUNTS_COLUMNS = ("account_id", "plan", "mfa_enforced", "name", "email", "seats")
"""Columns of ``accounts.csv``, in the order written."""

MEMBERSHIPS_COLUMNS = ("account_id", "user_id", "role")
"""Columns of ``memberships.csv``, in the order written."""

INVITATIONS_COLUMNS = ("invitation_id", "account_id", "email", "role", "invited_at", "status")
"""Columns of ``invitations.csv``, in the order written."""

_ROLE_CODES = (Role.OWNER, Role.ADMIN, Role.MEMBER)
_OWNER, _ADMIN, _MEMBER = 0, 1, 2
_STATUS_CODES = (InvitationStatus.PENDING, InvitationStatus.AWAITING_MFA)
_MFA_FALSE, _MFA_TRUE, _MFA_UNKNOWN = 0, 1, 2
_NO_SEAT_LIMIT = -1
_PLAN_CODES = {plan: code for code, plan in enumerate(KNOWN_PLANS)}
_MIN_ID_DIGITS = 7


@dataclass(frozen=True, slots=True)
class GeneratedDataset(HtmlDisplay):
    """How many records :func:`generate_dataset` wrote to each file.

    Parameters
    ----------
    users, accounts, memberships, invitations
        Rows written to ``users.csv``, ``accounts.csv``, ``memberships.csv`` and
        ``invitations.csv``.
    """

    users: int
    accounts: int
    memberships: int
    invitations: int


MAX_USERS = 10_000_000
"""The largest dataset generated: ten times the largest benchmark, a few GB to build."""


GENERATE_STEPS = 6
"""The steps :func:`generate_dataset` reports: the content, the rendering, four files."""


def generate_dataset(
    directory: str | os.PathLike[str],
    users: int,
    *,
    seed: int = 0,
    messy: bool = False,
    on_step: Callable[[str], object] | None = None,
) -> GeneratedDataset:
    """Write a synthetic dataset of ``users`` users into ``directory``.

    The content follows the shares documented in :mod:`mfa_sim.data.generate`; the same
    arguments give byte-identical files, and ``messy`` changes only how the same
    content is written.

    Parameters
    ----------
    directory
        The dataset folder; it is created if missing and must be empty otherwise.
    users
        How many users to make, at least one.
    seed
        Seed of every random choice, a non-negative integer.
    messy
        Write the files the way real exports look (byte order mark, CRLF, quoting,
        mixed spellings of booleans, plans and roles) instead of plainly.
    on_step
        Called as the work goes: ``content`` once the rows are drawn, ``rendering``
        once the files' bytes are made, then each file's name as it is written
        (:data:`GENERATE_STEPS` calls in all: a progress bar's steps).

    Returns
    -------
    GeneratedDataset
        How many rows each file has.

    Raises
    ------
    UsageError
        If ``users`` is not from 1 to :data:`MAX_USERS` or ``seed`` is negative.
    InputError
        If ``directory`` is not a folder or is not empty.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     counts = generate_dataset(folder, 500, seed=1, messy=True)
    >>> counts.users, counts.accounts
    (500, 200)
    """
    if isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_USERS:
        raise UsageError(f"users must be a whole number of at least 1 and at most "
                         f"{MAX_USERS:,}, not {users!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed must be a non-negative whole number, not {seed!r}")
    folder = require_empty_folder(directory)

    step = on_step or (lambda _: None)
    content = _make_content(np.random.default_rng([seed, 0]), users)
    step("content")
    files = _render(content, np.random.default_rng([seed, 1]) if messy else None)
    step("rendering")
    for name, data in files.items():
        with open(folder / name, "wb") as handle:
            handle.write(data)
        step(name)
    return GeneratedDataset(
        users=users,
        accounts=len(content.accounts.plan),
        memberships=len(content.memberships.account),
        invitations=len(content.invitations.account),
    )


# --- Content -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Users:
    created_at: IntArray  # seconds since the epoch, ascending
    first_name: IntArray  # index into _FIRST_NAMES
    last_name: IntArray  # index into _LAST_NAMES
    name_style: IntArray  # 0 "First Last", 1 "Last, First", 2 'First "Kat" Last'
    email_style: IntArray  # 0 first.last<n>, 1 flast<n>, 2 first<n>
    email_domain: IntArray  # index into _EMAIL_DOMAINS
    email_mixed_case: BoolArray
    mfa: IntArray  # _MFA_FALSE, _MFA_TRUE or _MFA_UNKNOWN


@dataclass(frozen=True, slots=True)
class _Accounts:
    plan: IntArray  # index into KNOWN_PLANS
    enforced: BoolArray
    team: BoolArray
    seats: IntArray  # _NO_SEAT_LIMIT for unlimited
    owner: IntArray  # the user whose name and address an account may carry
    company: IntArray  # index into _COMPANY_WORDS
    company_suffix: IntArray  # index into _COMPANY_SUFFIXES
    name_style: IntArray  # 0 plain, 1 with a comma, 2 with quotes, 3 two lines
    own_mailbox: IntArray  # -1: the owner's address, else index into _ACCOUNT_MAILBOXES


@dataclass(frozen=True, slots=True)
class _Memberships:
    account: IntArray  # sorted by account, then user
    user: IntArray
    role: IntArray  # _OWNER, _ADMIN or _MEMBER


@dataclass(frozen=True, slots=True)
class _Invitations:
    account: IntArray
    user: IntArray  # the invited user, or -1 for someone with no user yet
    upper_case_email: BoolArray
    first_name: IntArray  # names of invitees with no user yet
    last_name: IntArray
    email_domain: IntArray
    role: IntArray  # _ADMIN or _MEMBER
    invited_at: IntArray  # ascending
    status: IntArray  # index into _STATUS_CODES


@dataclass(frozen=True, slots=True)
class _Content:
    users: _Users
    accounts: _Accounts
    memberships: _Memberships
    invitations: _Invitations


def _make_content(rng: np.random.Generator, user_count: int) -> _Content:
    """Every record of the dataset, as arrays of codes; independent of presentation."""
    individual_count = round(INDIVIDUAL_ACCOUNTS_PER_USER * user_count)
    team_count = max(1, round(TEAM_ACCOUNTS_PER_USER * user_count))
    account_count = individual_count + team_count
    team = np.zeros(account_count, dtype=np.bool_)
    team[rng.permutation(account_count)[:team_count]] = True

    # Places to fill: one in an individual account, a heavy-tailed number in a team.
    largest_team = max(1, min(MAX_ACCOUNT_SIZE, user_count // 4))
    sizes = np.ones(account_count, dtype=np.int64)
    sizes[team] = _power_law(
        rng, team_count, _exponent_for_mean(MEAN_TEAM_SIZE, largest_team), largest_team
    )

    # Places users take: none, one, or a heavy-tailed number of accounts.
    in_some_account = rng.random(user_count) >= USERS_WITHOUT_ACCOUNT_SHARE
    in_several = in_some_account & (rng.random(user_count) < MULTI_ACCOUNT_USER_SHARE)
    most_accounts = max(1, min(MAX_ACCOUNTS_PER_USER, account_count))
    further = _power_law(rng, user_count, EXTRA_ACCOUNTS_EXPONENT, most_accounts)
    wanted = in_some_account.astype(np.int64) + np.where(in_several, further, 0)
    memberships = _match(rng, sizes, wanted, user_count)

    per_account = np.bincount(memberships.account, minlength=account_count)
    plan = _choose_plans(rng, team, per_account)
    enforced = np.where(
        team,
        rng.random(account_count) < ENFORCING_SHARE,
        rng.random(account_count) < INELIGIBLE_ENFORCING_SHARE,
    )
    mfa = _choose_mfa(rng, memberships, team=team, enforced=enforced, user_count=user_count)
    invitations = _make_invitations(
        rng, memberships, team=team, enforced=enforced, per_account=per_account, mfa=mfa
    )

    pending = np.bincount(invitations.account, minlength=account_count)
    slack = np.floor(rng.random(account_count) * (np.ceil(per_account / 2) + 1)).astype(np.int64)
    limited = np.where(
        team,
        rng.random(account_count) < TEAM_SEAT_LIMIT_SHARE,
        rng.random(account_count) < INDIVIDUAL_SEAT_LIMIT_SHARE,
    )
    seats = np.where(limited, per_account + pending + np.where(team, slack, 0), _NO_SEAT_LIMIT)

    owners = _first_member(memberships, account_count)
    name_draw = rng.random(account_count)
    name_style = np.select(
        [
            name_draw < NAME_WITH_NEWLINE_SHARE,
            name_draw < NAME_WITH_NEWLINE_SHARE + NAME_WITH_QUOTES_SHARE,
            name_draw < NAME_WITH_NEWLINE_SHARE + NAME_WITH_QUOTES_SHARE + NAME_WITH_COMMA_SHARE,
        ],
        [3, 2, 1],
        0,
    )
    mailbox = rng.integers(len(_ACCOUNT_MAILBOXES), size=account_count)
    own_mailbox = np.where(team & (rng.random(account_count) < 0.5), mailbox, -1)
    accounts = _Accounts(
        plan=plan,
        enforced=enforced,
        team=team,
        seats=seats,
        owner=owners,
        company=rng.integers(len(_COMPANY_WORDS), size=account_count),
        company_suffix=rng.integers(len(_COMPANY_SUFFIXES), size=account_count),
        name_style=name_style,
        own_mailbox=own_mailbox,
    )
    return _Content(
        users=_make_users(rng, user_count, mfa),
        accounts=accounts,
        memberships=memberships,
        invitations=invitations,
    )


def _power_law(rng: np.random.Generator, count: int, exponent: float, largest: int) -> IntArray:
    """``count`` integers from 1 to ``largest`` with probability proportional to k**-exponent."""
    weights = np.arange(1, largest + 1, dtype=np.float64) ** -exponent
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    drawn = np.searchsorted(cumulative, rng.random(count), side="right") + 1
    return np.minimum(drawn, largest).astype(np.int64)


def _exponent_for_mean(mean: float, largest: int) -> float:
    """The power-law exponent whose law on 1..``largest`` has the given mean (or nearest)."""
    values = np.arange(1, largest + 1, dtype=np.float64)

    def mean_of(exponent: float) -> float:
        weights = values**-exponent
        return float((values * weights).sum() / weights.sum())

    low, high = 0.0, 8.0  # the mean falls as the exponent grows
    for _ in range(60):
        middle = (low + high) / 2
        if mean_of(middle) > mean:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _match(
    rng: np.random.Generator, sizes: IntArray, wanted: IntArray, user_count: int
) -> _Memberships:
    """Fill the accounts' places with the users' places at random, one owner each."""
    account_places = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    # Everyone's first account comes before anyone's further ones, so when there are
    # fewer places than takers it is further accounts that go without.
    users = np.arange(user_count, dtype=np.int64)
    firsts = rng.permutation(users[wanted > 0])
    further = rng.permutation(np.repeat(users, np.maximum(wanted - 1, 0)))
    takers = np.concatenate([firsts, further])
    shortfall = len(account_places) - len(takers)
    if shortfall > 0:
        # More places than takers: users already in several accounts take more.
        pool = takers if len(takers) else users
        takers = np.concatenate([takers, rng.choice(pool, shortfall)])
    user_places = rng.permutation(takers[: len(account_places)])

    # The same user twice in an account counts once; the first place decides the owner.
    keys = account_places * user_count + user_places
    unique_keys, first_place = np.unique(keys, return_index=True)
    account = unique_keys // user_count
    user = unique_keys % user_count
    by_place = np.lexsort((first_place, account))
    _, group_starts = np.unique(account[by_place], return_index=True)
    role = np.full(len(account), _MEMBER, dtype=np.int64)
    role[by_place[group_starts]] = _OWNER
    in_team = sizes[account] > 1
    role[(role == _MEMBER) & in_team & (rng.random(len(account)) < ADMIN_SHARE)] = _ADMIN

    # Drift: a few teams nobody manages any more.
    members = np.bincount(account, minlength=len(sizes))
    unmanaged = (members > 1) & (rng.random(len(sizes)) < ACCOUNT_WITHOUT_OWNER_SHARE)
    role[unmanaged[account]] = _MEMBER
    return _Memberships(account=account, user=user, role=role)


def _first_member(memberships: _Memberships, account_count: int) -> IntArray:
    """The owner of each account, or its first member if it has none."""
    first = np.zeros(account_count, dtype=np.int64)
    _, starts = np.unique(memberships.account, return_index=True)
    first[memberships.account[starts]] = memberships.user[starts]
    owners = memberships.role == _OWNER
    first[memberships.account[owners]] = memberships.user[owners]
    return first


def _choose_plans(rng: np.random.Generator, team: BoolArray, members: IntArray) -> IntArray:
    """A plan for each account: individual plans for one-person accounts, bigger teams higher."""
    draw = rng.random(len(team))
    plan = _pick(draw, INDIVIDUAL_PLAN_SHARES)
    smaller = 0
    for largest, shares in TEAM_PLAN_SHARES:
        in_bucket = team & (members > smaller) & (members <= largest)
        plan = np.where(in_bucket, _pick(draw, shares), plan)
        smaller = largest
    return plan


def _pick(draw: npt.NDArray[np.float64], shares: Mapping[str, float]) -> IntArray:
    """The plan code each uniform draw falls on, given the plans' shares."""
    codes = np.array([_PLAN_CODES[plan] for plan in shares], dtype=np.int64)
    bounds = np.cumsum(list(shares.values()))
    slot = np.searchsorted(bounds / bounds[-1], draw, side="right")
    return codes[np.minimum(slot, len(codes) - 1)]


def _choose_mfa(
    rng: np.random.Generator,
    memberships: _Memberships,
    *,
    team: BoolArray,
    enforced: BoolArray,
    user_count: int,
) -> IntArray:
    """Each user's MFA state: members of enforcing accounts have it, bar a drift share."""
    account_count = len(team)
    drifting = enforced & team & (rng.random(account_count) < ENFORCEMENT_DRIFT_SHARE)
    # The drifting member is in no other enforcing account, so no other account drifts.
    in_enforcing = enforced[memberships.account]
    enforcing_memberships = np.bincount(memberships.user[in_enforcing], minlength=user_count)
    candidate = drifting[memberships.account] & (enforcing_memberships[memberships.user] == 1)
    rows = np.flatnonzero(candidate)
    rows = rows[np.lexsort((rng.random(len(rows)), memberships.account[rows]))]
    _, first = np.unique(memberships.account[rows], return_index=True)
    drift_users = memberships.user[rows[first]]

    forced = enforcing_memberships > 0
    forced[drift_users] = False
    drift_unknown = rng.random(len(drift_users)) < DRIFT_UNKNOWN_SHARE

    free = ~forced
    free[drift_users] = False
    free_count = int(free.sum())
    mfa = np.full(user_count, _MFA_FALSE, dtype=np.int64)
    mfa[forced] = _MFA_TRUE
    mfa[drift_users[drift_unknown]] = _MFA_UNKNOWN
    if free_count:
        # Aim the whole population at the documented shares.
        true_share = (MFA_ENABLED_SHARE * user_count - int(forced.sum())) / free_count
        unknown_share = (MFA_UNKNOWN_SHARE * user_count - int(drift_unknown.sum())) / free_count
        true_share = min(max(true_share, 0.0), 1.0)
        unknown_share = min(max(unknown_share, 0.0), 1.0 - true_share)
        draw = rng.random(free_count)
        mfa[free] = np.where(
            draw < true_share,
            _MFA_TRUE,
            np.where(draw < true_share + unknown_share, _MFA_UNKNOWN, _MFA_FALSE),
        )
    return mfa


def _make_invitations(
    rng: np.random.Generator,
    memberships: _Memberships,
    *,
    team: BoolArray,
    enforced: BoolArray,
    per_account: IntArray,
    mfa: IntArray,
) -> _Invitations:
    """Pending invitations of team accounts, to existing users and to newcomers."""
    user_count = len(mfa)
    account_count = len(team)
    inviting = team & (rng.random(account_count) < INVITING_ACCOUNT_SHARE)
    count = 1 + rng.poisson(INVITATIONS_PER_MEMBER * per_account)
    count = np.where(inviting, np.minimum(count, MAX_INVITATIONS_PER_ACCOUNT), 0)
    account = np.repeat(np.arange(account_count, dtype=np.int64), count)
    size = len(account)

    user = np.where(
        rng.random(size) < INVITEE_EXISTING_USER_SHARE, rng.integers(user_count, size=size), -1
    )
    # Never a member already, never the same user twice in an account.
    keys = account * user_count + user
    member_keys = memberships.account * user_count + memberships.user  # sorted
    if len(member_keys):
        at = np.minimum(np.searchsorted(member_keys, keys), len(member_keys) - 1)
        user = np.where((user >= 0) & (member_keys[at] == keys), -1, user)
    _, first = np.unique(np.where(user >= 0, keys, -1 - np.arange(size)), return_index=True)
    repeated = np.ones(size, dtype=np.bool_)
    repeated[first] = False
    user = np.where(repeated, -1, user)

    lacking_mfa = (user >= 0) & (mfa[np.maximum(user, 0)] != _MFA_TRUE)
    awaiting = lacking_mfa & enforced[account] & (rng.random(size) < AWAITING_MFA_SHARE)
    invited_at = rng.integers(
        _epoch_seconds(INVITATIONS_SINCE), _epoch_seconds(INVITATIONS_UNTIL), size=size
    )
    order = np.argsort(invited_at, kind="stable")
    role = np.where(rng.random(size) < INVITATION_ADMIN_SHARE, _ADMIN, _MEMBER)
    return _Invitations(
        account=account[order],
        user=user[order],
        upper_case_email=(rng.random(size) < INVITATION_UPPER_CASE_EMAIL_SHARE)[order],
        first_name=rng.integers(len(_FIRST_NAMES), size=size)[order],
        last_name=rng.integers(len(_LAST_NAMES), size=size)[order],
        email_domain=rng.integers(len(_EMAIL_DOMAINS), size=size)[order],
        role=role[order],
        invited_at=invited_at[order],
        status=awaiting.astype(np.int64)[order],
    )


def _make_users(rng: np.random.Generator, user_count: int, mfa: IntArray) -> _Users:
    """Names, addresses and sign-up times; more users signed up recently."""
    since, until = _epoch_seconds(USERS_SINCE), _epoch_seconds(USERS_UNTIL)
    created_at = np.sort(since + (np.sqrt(rng.random(user_count)) * (until - since)))
    name_draw = rng.random(user_count)
    with_quotes = name_draw < NAME_WITH_QUOTES_SHARE
    with_comma = name_draw < NAME_WITH_QUOTES_SHARE + NAME_WITH_COMMA_SHARE
    name_style = np.select([with_quotes, with_comma], [2, 1], 0)
    return _Users(
        created_at=created_at.astype(np.int64),
        first_name=rng.integers(len(_FIRST_NAMES), size=user_count),
        last_name=rng.integers(len(_LAST_NAMES), size=user_count),
        name_style=name_style,
        email_style=rng.integers(3, size=user_count),
        email_domain=rng.integers(len(_EMAIL_DOMAINS), size=user_count),
        email_mixed_case=rng.random(user_count) < MIXED_CASE_EMAIL_SHARE,
        mfa=mfa,
    )


def _epoch_seconds(moment: str) -> int:
    """Seconds since the epoch of a UTC time written ``YYYY-MM-DDTHH:MM:SS``."""
    return int(datetime.fromisoformat(moment).replace(tzinfo=UTC).timestamp())


# --- Rendering ---------------------------------------------------------------------
#
# Text is built column by column with pyarrow's vectorised string kernels, in
# ``large_string`` arrays; a file is then the data buffer of its array of lines.


def _arrow() -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.compute``, imported when a dataset is first written."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pa, pc


def _render(content: _Content, messy: np.random.Generator | None) -> dict[str, bytes]:
    """The four files' bytes; ``messy`` draws a messy export's spellings, if given."""
    users, accounts = content.users, content.accounts
    memberships, invitations = content.memberships, content.invitations
    writer = _Writer(messy)
    user_ids = _ids("u", len(users.mfa))
    account_ids = _ids("a", len(accounts.plan))
    user_names = _user_names(users)
    user_emails = _user_emails(users)

    users_file = writer.file(
        USERS_COLUMNS,
        [
            writer.ids(user_ids),
            user_emails,
            writer.mfa_states(users.mfa),
            user_names,
            writer.times(users.created_at),
        ],
        quote_all=True,
    )
    accounts_file = writer.file(
        ACCOUNTS_COLUMNS,
        [
            writer.ids(account_ids),
            writer.plans(accounts.plan),
            writer.booleans(accounts.enforced),
            _account_names(accounts, user_names),
            _account_emails(accounts, user_emails),
            writer.seats(accounts.seats),
        ],
        quote_all=True,
    )
    memberships_file = writer.file(
        MEMBERSHIPS_COLUMNS,
        [
            writer.ids(_take(account_ids, memberships.account)),
            writer.ids(_take(user_ids, memberships.user)),
            writer.roles(memberships.role),
        ],
        quote_all=False,
    )
    invitations_file = writer.file(
        INVITATIONS_COLUMNS,
        [
            writer.ids(_ids("i", len(invitations.account))),
            writer.ids(_take(account_ids, invitations.account)),
            _invitation_emails(invitations, user_emails),
            writer.roles(invitations.role),
            writer.times(invitations.invited_at),
            writer.statuses(invitations.status),
        ],
        quote_all=False,
    )
    return {
        "users.csv": users_file,
        "accounts.csv": accounts_file,
        "memberships.csv": memberships_file,
        "invitations.csv": invitations_file,
    }


class _Writer:
    """Spells values and lays out files, plainly or the way a messy export does."""

    def __init__(self, messy: np.random.Generator | None) -> None:
        self._messy = messy

    def file(self, header: Sequence[str], columns: Sequence[Any], *, quote_all: bool) -> bytes:
        """A whole CSV file: header and rows, quoted where needed (messy: more)."""
        _, pc = _arrow()

        rng = self._messy
        line_end = "\n" if rng is None else "\r\n"
        cells = []
        for column in columns:
            if rng is not None and quote_all:
                cells.append(quoted(column, always=True))
            elif rng is not None:
                whim = _bools(rng.random(len(column)) < MESSY_QUOTED_FIELD_SHARE)
                cells.append(quoted(column, force=whim))
            else:
                cells.append(quoted(column))
        if rng is not None and quote_all:
            header_line = ",".join(f'"{name}"' for name in header)
        else:
            header_line = ",".join(header)
        head = ("" if rng is None else "\ufeff") + header_line + line_end
        cells[-1] = _join(cells[-1], _lit(line_end))
        lines = pc.binary_join_element_wise(*cells, _lit(","))
        return b"".join([head.encode("utf-8"), concatenated(lines)])

    def ids(self, ids: Any) -> Any:
        """Ids as they are, or in a messy export a few padded with a space."""
        rng = self._messy
        if rng is None:
            return ids
        draw = rng.random(len(ids))
        padded = _if_else(draw < MESSY_PADDED_ID_SHARE / 2, _join(_lit(" "), ids), ids)
        return _if_else(
            (draw >= MESSY_PADDED_ID_SHARE / 2) & (draw < MESSY_PADDED_ID_SHARE),
            _join(ids, _lit(" ")),
            padded,
        )

    def booleans(self, values: BoolArray) -> Any:
        """``true``/``false``, or a messy export's mixed spellings."""
        spellings = MESSY_BOOLEAN_SPELLINGS
        return self._spell(
            np.where(values, _MFA_TRUE, _MFA_FALSE),
            ["false", "true"],
            [spellings[False], spellings[True]],
        )

    def mfa_states(self, codes: IntArray) -> Any:
        """MFA states: ``true``, ``false`` or empty for unknown (messy: mixed spellings)."""
        spellings = MESSY_BOOLEAN_SPELLINGS
        return self._spell(
            codes,
            ["false", "true", ""],
            [spellings[False], spellings[True], spellings[None]],
        )

    def plans(self, codes: IntArray) -> Any:
        """Canonical plan names, or a messy export's DNSimple identifiers and cases."""
        return self._spell(codes, list(KNOWN_PLANS), [MESSY_PLAN_SPELLINGS[p] for p in KNOWN_PLANS])

    def roles(self, codes: IntArray) -> Any:
        """Canonical roles, or a messy export's aliases (Full Access, Limited Access)."""
        return self._spell(
            codes,
            [role.value for role in _ROLE_CODES],
            [MESSY_ROLE_SPELLINGS[role] for role in _ROLE_CODES],
        )

    def statuses(self, codes: IntArray) -> Any:
        """Invitation statuses, or a messy export's spellings (blank means pending)."""
        return self._spell(
            codes,
            [status.value for status in _STATUS_CODES],
            [MESSY_STATUS_SPELLINGS[status] for status in _STATUS_CODES],
        )

    def seats(self, seats: IntArray) -> Any:
        """Seat limits; empty for unlimited."""
        return _if_else(seats == _NO_SEAT_LIMIT, _lit(""), _cast(np.maximum(seats, 0)))

    def times(self, seconds: IntArray) -> Any:
        """ISO 8601 UTC times, ``Z`` ended (messy: ``+00:00``, no zone, milliseconds)."""
        base = _iso_times(seconds)
        rng = self._messy
        if rng is None:
            return _join(base, _lit("Z"))
        zone = rng.integers(len(MESSY_TIME_ZONES), size=len(seconds))
        return _join(base, _take(_strings(MESSY_TIME_ZONES), zone))

    def _spell(self, codes: IntArray, plain: Sequence[str], messy: Sequence[Sequence[str]]) -> Any:
        """Each code's plain spelling, or one of its messy spellings at random."""
        rng = self._messy
        if rng is None:
            return _take(_strings(plain), codes)
        counts = np.array([len(spellings) for spellings in messy], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        variant = np.floor(rng.random(len(codes)) * counts[codes]).astype(np.int64)
        table = _strings([spelling for spellings in messy for spelling in spellings])
        return _take(table, starts[codes] + variant)


def _user_names(users: _Users) -> Any:
    """``First Last``; a few ``Last, First`` or with a nickname in quotes."""
    _, pc = _arrow()

    first = _take(_strings([name for name, _ in _FIRST_NAMES]), users.first_name)
    last = _take(_strings([name for name, _ in _LAST_NAMES]), users.last_name)
    nicknames = _strings(_NICKNAMES)
    nickname = _take(nicknames, (users.first_name + users.last_name) % len(_NICKNAMES))
    return pc.choose(
        _ints(users.name_style),
        _join(first, _lit(" "), last),
        _join(last, _lit(", "), first),
        _join(first, _lit(' "'), nickname, _lit('" '), last),
    )


def _user_emails(users: _Users) -> Any:
    """Unique addresses: the local part ends in the user's number after a letter."""
    _, pc = _arrow()

    first = _take(_strings([slug for _, slug in _FIRST_NAMES]), users.first_name)
    last = _take(_strings([slug for _, slug in _LAST_NAMES]), users.last_name)
    number = _cast(np.arange(1, len(users.mfa) + 1, dtype=np.int64))
    local = pc.choose(
        _ints(users.email_style),
        _join(first, _lit("."), last, number),
        _join(pc.utf8_slice_codeunits(first, 0, 1), last, number),
        _join(first, number),
    )
    email = _join(local, _lit("@"), _take(_strings(_EMAIL_DOMAINS), users.email_domain))
    return _if_else(users.email_mixed_case, pc.utf8_title(email), email)


def _account_names(accounts: _Accounts, user_names: Any) -> Any:
    """An individual account carries its owner's name; a team, a company's."""
    _, pc = _arrow()

    word = _take(_strings([name for name, _ in _COMPANY_WORDS]), accounts.company)
    suffix = _take(_strings(_COMPANY_SUFFIXES), accounts.company_suffix)
    company = pc.choose(
        _ints(accounts.name_style),
        _join(word, _lit(" "), suffix),
        _join(word, _lit(" "), suffix, _lit(", LLC")),
        _join(word, _lit(' "'), suffix, _lit('"')),
        _join(word, _lit(" "), suffix, _lit("\nDNS team")),
    )
    return _if_else(accounts.team, company, _take(user_names, accounts.owner))


def _account_emails(accounts: _Accounts, user_emails: Any) -> Any:
    """The owner's address, or a team mailbox such as ``hostmaster@acme12.example``."""
    mailbox = _take(_strings(_ACCOUNT_MAILBOXES), accounts.own_mailbox)
    domain = _take(_strings([slug for _, slug in _COMPANY_WORDS]), accounts.company)
    number = _cast(np.arange(1, len(accounts.plan) + 1, dtype=np.int64))
    team_mailbox = _join(mailbox, _lit("@"), domain, number, _lit(".example"))
    return _if_else(accounts.own_mailbox >= 0, team_mailbox, _take(user_emails, accounts.owner))


def _invitation_emails(invitations: _Invitations, user_emails: Any) -> Any:
    """An existing user's address (a few in capitals) or a newcomer's ``first.last.N``."""
    _, pc = _arrow()

    existing = _take(user_emails, invitations.user)
    existing = _if_else(invitations.upper_case_email, pc.utf8_upper(existing), existing)
    newcomer = _join(
        _take(_strings([slug for _, slug in _FIRST_NAMES]), invitations.first_name),
        _lit("."),
        _take(_strings([slug for _, slug in _LAST_NAMES]), invitations.last_name),
        _lit("."),
        _cast(np.arange(1, len(invitations.account) + 1, dtype=np.int64)),
        _lit("@"),
        _take(_strings(_EMAIL_DOMAINS), invitations.email_domain),
    )
    return _if_else(invitations.user >= 0, existing, newcomer)


def _ids(prefix: str, count: int) -> Any:
    """``prefix`` and the numbers 1 to ``count``, zero-padded to seven digits or more."""
    _, pc = _arrow()

    width = max(_MIN_ID_DIGITS, len(str(count)))
    digits = pc.utf8_lpad(_cast(np.arange(1, count + 1, dtype=np.int64)), width=width, padding="0")
    return _join(_lit(prefix), digits)


def _iso_times(seconds: IntArray) -> Any:
    """``YYYY-MM-DDTHH:MM:SS`` of each time (UTC), written digit by digit."""
    pa, _ = _arrow()

    moments = seconds.astype("datetime64[s]")
    months = moments.astype("datetime64[M]")
    fields = (
        (0, 4, moments.astype("datetime64[Y]").astype(np.int64) + 1970),
        (5, 2, months.astype(np.int64) % 12 + 1),
        (8, 2, (moments.astype("datetime64[D]") - months).astype(np.int64) + 1),
        (11, 2, seconds % 86_400 // 3_600),
        (14, 2, seconds % 3_600 // 60),
        (17, 2, seconds % 60),
    )
    width = 19
    text = np.empty((len(seconds), width), dtype=np.uint8)
    for column, separator in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")):
        text[:, column] = ord(separator)
    for start, digits, values in fields:
        for place in range(digits):
            text[:, start + digits - 1 - place] = values // 10**place % 10 + ord("0")
    offsets = np.arange(0, (len(seconds) + 1) * width, width, dtype=np.int64)
    return pa.Array.from_buffers(
        pa.large_string(), len(seconds), [None, pa.py_buffer(offsets), pa.py_buffer(text)]
    )


def _lit(text: str) -> Any:
    """A ``large_string`` scalar."""
    pa, _ = _arrow()

    return pa.scalar(text, pa.large_string())


def _strings(values: Sequence[str]) -> Any:
    """A ``large_string`` array of a few values (a lookup table)."""
    pa, _ = _arrow()

    return pa.array(list(values), pa.large_string())


def _take(table: Any, indices: IntArray) -> Any:
    """``table[indices]``; negative indices (rows the caller masks out) take row 0."""
    _, pc = _arrow()

    return pc.take(table, _ints(np.maximum(indices, 0)))


def _join(*parts: Any) -> Any:
    """Element-wise concatenation of string arrays and scalars."""
    _, pc = _arrow()

    return pc.binary_join_element_wise(*parts, _lit(""))


def _if_else(condition: BoolArray, when_true: Any, when_false: Any) -> Any:
    _, pc = _arrow()

    return pc.if_else(_bools(condition), when_true, when_false)


def _cast(values: IntArray) -> Any:
    """Integers written in decimal."""
    pa, pc = _arrow()

    return pc.cast(pa.array(values), pa.large_string())


def _ints(values: IntArray) -> Any:
    pa, _ = _arrow()

    return pa.array(values, pa.int64())


def _bools(values: BoolArray) -> Any:
    pa, _ = _arrow()

    return pa.array(values, pa.bool_())
