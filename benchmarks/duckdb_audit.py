"""The audit's findings in DuckDB SQL: the yardstick `bench_audit.py` measures against.

Usage: python benchmarks/duckdb_audit.py DATASET OUTPUT [--as-of DATE]

Written the way a careful analyst would write it against the contract (§1 and §4 of
the spec), without any of mfa_sim's code: the four CSVs are read as text with
DuckDB's own reader (``all_varchar``, which deals with the BOM, CRLF line ends and
quoted fields), every value is normalised in SQL (booleans, unknown MFA, plans and
their tiers, role aliases, ids and emails trimmed, emails compared lower-cased), and
the fourteen checks (the contract's eight, then ``managers_all_without_mfa``,
``invitation_stale``, ``seats_exceeded``, ``invitation_for_member``,
``enforcing_managers_without_mfa`` and ``enforcement_state_unknown``) are one
``UNION ALL`` ordered as the contract says: by check,
then account id, then user id or, for a finding about an invitation, its email (the
reading mfa_sim's findings.py takes). The findings, with the same messages and
remediations as mfa_sim's, go to OUTPUT as newline-delimited JSON, one object per
finding with the keys check, severity, account, user, email, message, remediation.

DuckDB runs with its default number of threads. The input is assumed valid (the
audit's loader rejects anything else): a value this SQL does not recognise becomes
NULL rather than an error. ``clean`` trims spaces, tabs, CR and LF; mfa_sim also trims
other Unicode white space (a no-break space around an id), which no generated dataset
holds.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

STALE_DAYS = 30
"""An invitation pending longer than this at the audit date is stale (as findings.py)."""

# read_csv options: DuckDB's reader, told the dialect rather than sniffing it.
CSV_OPTIONS = "all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"'"

PREPARE = """
SET TimeZone = 'UTC';

-- Surrounding whitespace, as the contract trims ids, emails and spellings.
CREATE MACRO clean(x) AS trim(x, ' ' || chr(9) || chr(10) || chr(13));

-- Booleans: true/false, yes/no, y/n, t/f, 1/0, any case, trimmed. Anything else
-- (empty, NULL, 'unknown') is NULL: for mfa_enabled, an unknown state.
CREATE MACRO boolean_of(x) AS CASE
    WHEN lower(clean(x)) IN ('true', 'yes', 'y', 't', '1') THEN true
    WHEN lower(clean(x)) IN ('false', 'no', 'n', 'f', '0') THEN false
END;

-- Plans: lower-case, drop a leading 'dnsimple-', drop trailing -monthly/-yearly/-vN.
CREATE MACRO plan_of(x) AS regexp_replace(
    regexp_replace(lower(clean(x)), '^dnsimple-', ''),
    '(-(monthly|yearly|v[0-9]+))+$', '');

CREATE TEMP TABLE plan_tiers AS
SELECT * FROM (VALUES
    ('personal', 'individual', false), ('solo', 'individual', false),
    ('professional', 'teams', true), ('teams', 'teams', true),
    ('business', 'business', true), ('enterprise', 'enterprise', true)
) AS t(plan, tier, eligible);

-- '3 seats', '1 seat': a count with its noun.
CREATE MACRO counted(n, one, many) AS
    n || ' ' || CASE WHEN n = 1 THEN one ELSE many END;

-- Roles: DNSimple's Full Access is an admin, Limited Access a member; blank is member.
CREATE MACRO role_of(x) AS CASE coalesce(lower(clean(x)), '')
    WHEN '' THEN 'member'
    WHEN 'full' THEN 'admin' WHEN 'full_access' THEN 'admin'
    WHEN 'limited' THEN 'member' WHEN 'limited_access' THEN 'member'
    ELSE lower(clean(x))
END;

CREATE TEMP TABLE users AS
SELECT clean(user_id) AS user_id,
       lower(clean(email)) AS email_key,
       boolean_of(mfa_enabled) AS mfa,                      -- NULL: unknown
       coalesce(boolean_of(mfa_enabled), false) AS has_mfa  -- unknown lacks MFA
FROM read_csv('{folder}/users.csv', {options});

CREATE TEMP TABLE accounts AS
SELECT clean(a.account_id) AS account_id,
       clean(a.plan) AS plan_written,
       p.tier,
       p.eligible,
       coalesce(boolean_of(a.mfa_enforced), false) AS enforced,
       boolean_of(a.mfa_enforced) IS NULL AS enforcement_unknown,  -- counts as not
       {seats} AS seats                                      -- NULL: unlimited
FROM read_csv('{folder}/accounts.csv', {options}) AS a
LEFT JOIN plan_tiers AS p ON p.plan = plan_of(a.plan);

CREATE TEMP TABLE memberships AS
SELECT clean(m.account_id) AS account_id,
       clean(m.user_id) AS user_id,
       role_of(m.role) AS role,
       role_of(m.role) IN ('owner', 'admin') AS manages,
       u.has_mfa,
       u.mfa IS NULL AS unknown
FROM read_csv('{folder}/memberships.csv', {options}) AS m
JOIN users AS u ON u.user_id = clean(m.user_id);

CREATE TEMP TABLE invitations AS
SELECT clean(account_id) AS account_id,
       clean(email) AS email,
       lower(clean(email)) AS email_key,
       CAST(nullif(clean(invited_at), '') AS TIMESTAMPTZ) AS invited_at
FROM {invitations};

-- Per account: members, owners and admins, those with MFA, members lacking MFA, and
-- pending invitations (every row of invitations.csv takes a seat).
CREATE TEMP TABLE account_facts AS
SELECT a.*,
       count(m.user_id) AS members,
       count(*) FILTER (WHERE m.manages) AS managers,
       count(*) FILTER (WHERE m.manages AND m.has_mfa) AS managers_with_mfa,
       count(*) FILTER (WHERE m.manages AND m.unknown) AS managers_unknown,
       count(*) FILTER (WHERE NOT m.has_mfa) AS noncompliant,
       coalesce(any_value(p.pending), 0) AS pending
FROM accounts AS a
LEFT JOIN memberships AS m USING (account_id)
LEFT JOIN (SELECT account_id, count(*) AS pending FROM invitations GROUP BY account_id)
    AS p USING (account_id)
GROUP BY ALL;

-- Invitations whose invitee is a member of the account already: they can never be
-- accepted, so they are never blocked ones.
CREATE TEMP TABLE member_invitations AS
SELECT i.account_id, i.email, i.email_key, u.user_id
FROM invitations AS i
JOIN users AS u USING (email_key)
JOIN memberships AS m ON m.account_id = i.account_id AND m.user_id = u.user_id;
"""

NO_INVITATIONS = ("(SELECT NULL::VARCHAR AS account_id, NULL::VARCHAR AS email, "
                  "NULL::VARCHAR AS invited_at WHERE false)")
"""invitations.csv is optional: without it, no invitation."""

FINDINGS = """
COPY (
SELECT "check", severity, account, "user", email, message, remediation FROM (

SELECT 1 AS rank, false AS per_invitation,
       'member_without_mfa_in_enforcing_account' AS "check", 'high' AS severity,
       m.account_id AS account, m.user_id AS "user",
       NULL::VARCHAR AS email,
       m.user_id || ' is a member of ' || m.account_id || ', which enforces MFA, but '
           || CASE WHEN m.unknown THEN 'their MFA state is unknown'
                   ELSE 'they have no MFA' END || '.' AS message,
       'Confirm ' || m.user_id || '''s MFA; if it is off, ask them to enable it or '
           || 'remove them from ' || m.account_id
           || ' (the export contradicts the rules).' AS remediation
FROM memberships AS m JOIN accounts AS a USING (account_id)
WHERE a.enforced AND NOT m.has_mfa

UNION ALL
SELECT 2, false, 'admin_without_mfa', 'high', m.account_id, m.user_id, NULL,
       m.user_id || ' is an ' || m.role || ' of ' || m.account_id || ' and '
           || CASE WHEN m.unknown THEN 'their MFA state is unknown'
                   ELSE 'they have no MFA' END || '.',
       'Ask ' || m.user_id || ' to enable MFA: the people who manage ' || m.account_id
           || ' should be the first protected.'
FROM memberships AS m
WHERE m.manages AND NOT m.has_mfa

UNION ALL
SELECT 3, false, 'enforcing_on_ineligible_plan', 'medium', a.account_id, NULL, NULL,
       a.account_id || ' enforces MFA on the ' || a.plan_written || ' plan, which does '
           || 'not offer enforcement (Teams plan and higher).',
       'Move ' || a.account_id || ' to a Teams plan or higher to keep enforcement; any '
           || 'change to it will switch enforcement off.'
FROM accounts AS a
WHERE a.enforced AND NOT a.eligible

UNION ALL
SELECT 4, false, 'enforcement_blocked_by_member', 'medium', m.account_id, m.user_id, NULL,
       m.account_id || ' cannot enforce MFA while ' || m.user_id || ' is a member: '
           || CASE WHEN m.unknown THEN 'their MFA state is unknown'
                   ELSE 'they have no MFA' END || '.',
       'Ask ' || m.user_id || ' to enable MFA, or remove them, then enforce MFA on '
           || m.account_id || '.'
FROM memberships AS m JOIN accounts AS a USING (account_id)
WHERE a.eligible AND NOT a.enforced AND NOT m.has_mfa

UNION ALL
SELECT 5, false, 'mfa_state_unknown', 'medium', NULL, u.user_id, NULL,
       u.user_id || '''s MFA state is unknown; it counts as not enabled.',
       'Find out whether ' || u.user_id || ' has MFA enabled and correct the export.'
FROM users AS u
WHERE u.mfa IS NULL

UNION ALL
SELECT 6, false, 'account_without_admin', 'medium', f.account_id, NULL, NULL,
       'Nobody can manage ' || f.account_id || ': '
           || CASE WHEN f.members = 0 THEN 'it has no members at all'
                   ELSE 'none of its members is an owner or admin' END || '.',
       'Give ' || f.account_id || ' an owner or admin who has MFA.'
FROM account_facts AS f
WHERE f.managers = 0

UNION ALL
SELECT 7, true, 'invitation_blocked', 'low', i.account_id, u.user_id, i.email,
       CASE WHEN u.user_id IS NULL
            THEN i.email || ' is invited to ' || i.account_id || ', which enforces MFA, '
                 || 'but has no user profile yet.'
            ELSE i.email || ' is invited to ' || i.account_id || ', which enforces MFA, '
                 || 'but ' || u.user_id
                 || CASE WHEN u.mfa IS NULL THEN '''s MFA state is unknown.'
                         ELSE ' has not enabled MFA.' END END,
       CASE WHEN u.user_id IS NULL
            THEN i.email || ' must sign up and enable MFA before joining '
                 || i.account_id || '.'
            ELSE 'Ask ' || u.user_id || ' to enable MFA; they join ' || i.account_id
                 || ' as soon as they do.' END
FROM invitations AS i
JOIN accounts AS a USING (account_id)
LEFT JOIN users AS u USING (email_key)
LEFT JOIN member_invitations AS mi USING (account_id, email_key)
WHERE a.enforced AND (u.user_id IS NULL OR NOT u.has_mfa) AND mi.user_id IS NULL

UNION ALL
SELECT 8, false, 'enforcement_ready', 'low', f.account_id, NULL, NULL,
       f.account_id || ' could enforce MFA today: all ' || f.members
           || ' of its members have MFA.',
       'Switch on MFA enforcement for ' || f.account_id || '.'
FROM account_facts AS f
WHERE f.eligible AND NOT f.enforced AND f.noncompliant = 0

UNION ALL
SELECT 9, false, 'managers_all_without_mfa', 'high', f.account_id, NULL, NULL,
       CASE WHEN f.managers_unknown > 0
            THEN 'None of the owners and admins of ' || f.account_id || ' is known to '
                 || 'have MFA: the MFA state of ' || f.managers_unknown
                 || ' of them is unknown.'
            ELSE 'None of the owners and admins of ' || f.account_id || ' has MFA.' END,
       'Have at least one owner or admin of ' || f.account_id || ' enable MFA first.'
FROM account_facts AS f
WHERE f.managers > 0 AND f.managers_with_mfa = 0 AND NOT f.enforced

UNION ALL
SELECT 10, true, 'invitation_stale', 'info', i.account_id, NULL, i.email,
       'The invitation of ' || i.email || ' to ' || i.account_id
           || ' has been pending for '
           || ((epoch_us(getvariable('as_of')) - epoch_us(i.invited_at)) // 86400000000)
           || ' days.',
       'Remind ' || i.email || ' or cancel the invitation to free its seat.'
FROM invitations AS i
WHERE i.invited_at < getvariable('as_of') - INTERVAL {stale_days} DAY

UNION ALL
SELECT 11, false, 'seats_exceeded', 'low', f.account_id, NULL, NULL,
       f.account_id || ' has ' || counted(f.members, 'member', 'members') || ' and '
           || counted(f.pending, 'pending invitation', 'pending invitations')
           || ' but only ' || counted(f.seats, 'seat', 'seats')
           || ': members and pending invitations both take a seat.',
       'Cancel invitations or remove members of ' || f.account_id
           || ', or raise its seats to ' || (f.members + f.pending)
           || '; until then every new invitation is refused.'
FROM account_facts AS f
WHERE f.members + f.pending > f.seats

UNION ALL
SELECT 12, true, 'invitation_for_member', 'low', mi.account_id, mi.user_id, mi.email,
       mi.email || ' is invited to ' || mi.account_id || ', but it is the email of '
           || mi.user_id || ', who is a member already.',
       'Cancel the invitation of ' || mi.email || ' to ' || mi.account_id
           || ': it can never be accepted, and it takes a seat.'
FROM member_invitations AS mi

UNION ALL
SELECT 13, false, 'enforcing_managers_without_mfa', 'critical', f.account_id, NULL, NULL,
       CASE WHEN f.managers_unknown > 0
            THEN f.account_id || ' enforces MFA, yet none of its owners and admins is '
                 || 'known to have MFA: the MFA state of ' || f.managers_unknown
                 || ' of them is unknown.'
            ELSE f.account_id || ' enforces MFA, yet none of its owners and admins has MFA.'
            END,
       'Have at least one owner or admin of ' || f.account_id || ' enable MFA at once.'
FROM account_facts AS f
WHERE f.managers > 0 AND f.managers_with_mfa = 0 AND f.enforced

UNION ALL
SELECT 14, false, 'enforcement_state_unknown', 'info', a.account_id, NULL, NULL,
       'The export does not say whether ' || a.account_id || ' enforces MFA; it counts '
           || 'as not enforcing.',
       'Check in the product whether ' || a.account_id || ' requires MFA, and write it '
           || 'in accounts.csv (mfa_enforced).'
FROM accounts AS a
WHERE a.enforcement_unknown

)
-- The contract's order: check table, then account id, then user id or, for an
-- invitation, its email (ids sort as strings, byte by byte; NULL last).
ORDER BY rank, account NULLS LAST,
         CASE WHEN per_invitation THEN email ELSE "user" END NULLS LAST,
         "user" NULLS LAST, email NULLS LAST
) TO '{output}' (FORMAT JSON);
"""


def sql_text(value: str) -> str:
    """A string as an SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def header_of(path: Path) -> list[str]:
    """A CSV file's column names, trimmed (the BOM, if any, left out)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [name.strip() for name in next(csv.reader(stream), [])]


def audit_sql(folder: Path, output: Path) -> tuple[str, str]:
    """The statements that load the dataset, and the one that writes the findings."""
    # Paths go inside literals already quoted by the templates: escape quotes only.
    inside = sql_text(str(folder))[1:-1]
    invitations = (f"read_csv('{inside}/invitations.csv', {CSV_OPTIONS})"
                   if (folder / "invitations.csv").exists() else NO_INVITATIONS)
    # seats is optional: without the column every account is unlimited.
    seats = ("CAST(nullif(clean(a.seats), '') AS BIGINT)"
             if "seats" in header_of(folder / "accounts.csv") else "NULL::BIGINT")
    prepare = PREPARE.format(folder=inside, options=CSV_OPTIONS, invitations=invitations,
                             seats=seats)
    findings = FINDINGS.format(output=sql_text(str(output))[1:-1], stale_days=STALE_DAYS)
    return prepare, findings


def as_of_moment(text: str) -> datetime:
    """An ISO 8601 date or time, UTC when it has no zone."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--as-of", type=as_of_moment, default=datetime.now(UTC))
    arguments = parser.parse_args(argv)

    import duckdb

    prepare, findings = audit_sql(arguments.dataset, arguments.output)
    connection = duckdb.connect()
    connection.execute("SET VARIABLE as_of = CAST(? AS TIMESTAMPTZ)",
                       [arguments.as_of.isoformat()])
    connection.execute(prepare)
    connection.execute(findings)
    connection.close()


if __name__ == "__main__":
    main(sys.argv[1:])
