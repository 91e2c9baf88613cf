"""Officers' queue latency over a million dossiers on PostgreSQL.

Fills the scratch database ``bench_backoffice`` with ``bench.dossiers.generate`` (N dossiers,
default 1,000,000, over 50 agencies), completes the back-office columns the generator leaves
empty (assignees, processing stages, decisions, supplement rounds) with set-based SQL, creates
officers, analyses, then times in-process (Flask test client: bearer token check, routing,
validation, SQL, serialisation) for an officer of the largest agency and of an average one:

* ``GET /api/v1/backoffice/queues`` (every queue's count in one statement);
* ``GET /api/v1/backoffice/dossiers?queue=…&size=20``: the first page of every queue, the
  second and the tenth page (``after=``) of the three longest queues, and a search by
  applicant name without accents and by ID number (``q=``).

Prints p50/p95/p99/max per kind and overall against the targets (a queue page p95 < 50 ms,
the counts p95 < 200 ms), and EXPLAIN (ANALYZE, BUFFERS) figures of the statements behind the
counts, the slowest first page and the name search.

    .venv/bin/python -m bench.backoffice.run [--dossiers 1000000] [--rounds 30] [--reuse]
        [--plans]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from collections import defaultdict

import psycopg
import sqlalchemy as sa

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_backoffice"
TARGETS = {"page": 50.0, "counts": 200.0}
UNLIMITED = "100000 per minute"
OPEN = ("submitted", "received", "processing", "supplement_requested", "payment_requested")
#: Roles of the measured officers: every queue is theirs (admins would see every agency).
OFFICER_ROLES = ("reception_officer", "specialist", "dept_head", "leader", "clerk", "cashier")
#: Specialists created in every competent agency (assignees of its dossiers).
SPECIALISTS = 4
PAGE_SIZE = 20
DEEP_PAGE = 10
LONGEST_QUEUES = 3


def log(message: str) -> None:
    print(message, flush=True)


def h(expr: str, modulo: int) -> str:
    """SQL: a deterministic pseudo-random number in [0, modulo) from an integer expression."""
    return f"mod(hashint8({expr})::bigint + 2147483648, {modulo})"


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def officer_email(agency_id: int) -> str:
    return f"officer.a{agency_id}@bench.dvc.vn"


# --- data ---------------------------------------------------------------------------------------


def agency_sizes(cursor) -> list[tuple]:
    """(id, code, name, dossiers, non-draft, open or resolved) of every agency, by the scope
    officers see: dossiers the agency receives or decides."""
    statuses = ", ".join(f"'{s}'" for s in (*OPEN, "resolved"))
    cursor.execute(
        f"""
        SELECT a.id, a.code, a.name_vi, coalesce(s.total, 0), coalesce(s.non_draft, 0),
               coalesce(s.open, 0)
        FROM agencies a LEFT JOIN (
            SELECT agency_id, count(*) AS total,
                   count(*) FILTER (WHERE status <> 'draft') AS non_draft,
                   count(*) FILTER (WHERE status IN ({statuses})) AS open
            FROM (
                SELECT receiving_agency_id AS agency_id, status FROM dossiers
                UNION ALL
                SELECT competent_agency_id, status FROM dossiers
                WHERE competent_agency_id <> receiving_agency_id
            ) scoped
            GROUP BY agency_id
        ) s ON s.agency_id = a.id
        ORDER BY a.id
        """
    )
    return cursor.fetchall()


def measured_agencies(rows: list[tuple]) -> list[tuple[str, tuple]]:
    """The largest agency and the one closest to the mean (by non-draft dossiers)."""
    largest = max(rows, key=lambda r: (r[4], -r[0]))
    mean = statistics.fmean(r[4] for r in rows)
    average = min((r for r in rows if r[0] != largest[0]), key=lambda r: (abs(r[4] - mean), r[0]))
    return [("largest", largest), ("average", average)]


def enrich(sa_url: str, password_hash: str) -> dict[str, float]:
    """Back-office columns and rows the generator leaves empty, with set-based SQL."""
    from bench.dossiers.generate import libpq_url

    timings: dict[str, float] = {}
    with psycopg.connect(libpq_url(sa_url), autocommit=False) as connection:
        cursor = connection.cursor()

        mark = time.perf_counter()
        measured = measured_agencies(agency_sizes(cursor))
        cursor.execute("SELECT DISTINCT competent_agency_id FROM dossiers")
        competent = sorted(row[0] for row in cursor.fetchall())
        insert_user = """
            INSERT INTO users (uuid, kind, full_name, email, password_hash, agency_id, is_active,
                               failed_login_count, created_at, updated_at)
            VALUES (gen_random_uuid(), 'officer', %s, %s, %s, %s, true, 0, now(), now())
            RETURNING id
        """
        for _label, (agency_id, code, *_rest) in measured:
            cursor.execute(
                insert_user,
                (f"Cán bộ thử nghiệm {code}", officer_email(agency_id), password_hash, agency_id),
            )
            user_id = cursor.fetchone()[0]
            cursor.executemany(
                "INSERT INTO officer_roles (user_id, role) VALUES (%s, %s)",
                [(user_id, role) for role in OFFICER_ROLES],
            )
        cursor.execute(
            """
            WITH created AS (
                INSERT INTO users (uuid, kind, full_name, email, password_hash, agency_id,
                                   is_active, failed_login_count, created_at, updated_at)
                SELECT gen_random_uuid(), 'officer', 'Chuyên viên ' || n || ' ' || a.code,
                       'cv' || n || '.a' || a.id || '@bench.dvc.vn', %s, a.id, true, 0,
                       now(), now()
                FROM agencies a CROSS JOIN generate_series(1, %s) AS n
                WHERE a.id = ANY(%s)
                RETURNING id
            )
            INSERT INTO officer_roles (user_id, role) SELECT id, 'specialist' FROM created
            """,
            (password_hash, SPECIALISTS, competent),
        )
        timings["officers"] = time.perf_counter() - mark
        log(
            f"  officers: {len(measured)} measured (all roles), {SPECIALISTS} specialists in "
            f"each of {len(competent)} competent agencies ({timings['officers']:.1f} s)"
        )

        # Assignees (a specialist of the competent agency) for dossiers past assignment; the
        # stage of processing dossiers (whose turn it is); decisions and result numbers.
        mark = time.perf_counter()
        stage = h("-d.id", 100)
        cursor.execute(
            f"""
            WITH pool AS (
                SELECT u.agency_id, array_agg(u.id ORDER BY u.id) AS ids
                FROM users u JOIN officer_roles r ON r.user_id = u.id AND r.role = 'specialist'
                WHERE u.kind = 'officer'
                GROUP BY u.agency_id
            )
            UPDATE dossiers d SET
                assignee_id = pool.ids[1 + {h("d.id", "cardinality(pool.ids)")}],
                stage = CASE WHEN d.status = 'processing' THEN
                    CASE WHEN {stage} < 50 THEN 'specialist'
                         WHEN {stage} < 70 THEN 'dept_head'
                         WHEN {stage} < 85 THEN 'leader'
                         ELSE 'clerk' END
                    END,
                decision = CASE
                    WHEN d.status = 'resolved' OR (d.status = 'processing' AND {stage} >= 85)
                    THEN CASE WHEN {h("d.id * 3", 100)} < 95 THEN 'approved' ELSE 'rejected' END
                    END,
                result_number = CASE WHEN d.status = 'resolved'
                    THEN mod(d.id, 100000)::text || '/' || extract(year FROM d.finished_at)::int
                    END,
                result_symbol = CASE WHEN d.status = 'resolved' THEN 'QĐ-UBND' END
            FROM pool
            WHERE pool.agency_id = d.competent_agency_id
              AND d.status IN ('processing', 'supplement_requested', 'payment_requested',
                               'resolved')
            """
        )
        assigned = cursor.rowcount
        timings["assignees and stages"] = time.perf_counter() - mark
        seconds = timings["assignees and stages"]
        log(f"  assignees, stages, decisions: {assigned} dossiers ({seconds:.1f} s)")

        # Supplement rounds. Open requests: 20 % are a second round (the first supplied and
        # accepted); 40 % of the open rounds are already answered (queue supplement_received).
        # A few processed dossiers carry an earlier, accepted round.
        mark = time.perf_counter()
        pick = h("d.id + 7", 100)
        answered = f"({pick} < 8 OR {pick} BETWEEN 20 AND 51)"
        span = "(d.updated_at - d.received_at)"
        items = '[{"component_code": "GT", "description": "Bản sao giấy tờ tùy thân"}]'
        columns = (
            "dossier_id, round, requested_at, items, note, deadline_at, clock_policy, "
            "due_before, due_after, supplied_at, response_note, accepted_at"
        )
        cursor.execute(
            f"""
            INSERT INTO dossier_supplements ({columns})
            SELECT d.id, CASE WHEN {pick} < 20 THEN 2 ELSE 1 END, d.updated_at, %(items)s::jsonb,
                   'Đề nghị bổ sung giấy tờ', d.updated_at + interval '15 days',
                   pv.supplement_policy, d.due_at, NULL,
                   CASE WHEN {answered} THEN d.updated_at + (now() - d.updated_at) * 0.5 END,
                   CASE WHEN {answered} THEN 'Đã bổ sung' END, NULL
            FROM dossiers d JOIN procedure_versions pv ON pv.id = d.procedure_version_id
            WHERE d.status = 'supplement_requested'
            UNION ALL
            SELECT d.id, 1, d.received_at + {span} * 0.2, %(items)s::jsonb,
                   'Đề nghị bổ sung giấy tờ', d.received_at + {span} * 0.2 + interval '15 days',
                   pv.supplement_policy, d.due_at, d.due_at,
                   d.received_at + {span} * 0.4, 'Đã bổ sung', d.received_at + {span} * 0.6
            FROM dossiers d JOIN procedure_versions pv ON pv.id = d.procedure_version_id
            WHERE d.received_at IS NOT NULL AND (
                (d.status = 'supplement_requested' AND {pick} < 20)
                OR (d.status IN ('processing', 'payment_requested', 'resolved', 'delivered')
                    AND {h("d.id + 11", 100)} < 6))
            """,
            {"items": items},
        )
        rounds = cursor.rowcount
        timings["supplement rounds"] = time.perf_counter() - mark
        log(f"  supplement rounds: {rounds} ({timings['supplement rounds']:.1f} s)")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('dossier_supplements', 'id'), "
            "(SELECT coalesce(max(id), 1) FROM dossier_supplements))"
        )
        connection.commit()

    mark = time.perf_counter()
    with psycopg.connect(libpq_url(sa_url), autocommit=True) as connection:
        for table in ("dossiers", "dossier_supplements", "users", "officer_roles"):
            connection.execute(f"VACUUM (ANALYZE) {table}")
        stages = connection.execute(
            "SELECT coalesce(stage, '-'), count(*) FROM dossiers WHERE status = 'processing' "
            "GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        supplied = connection.execute(
            """
            SELECT count(*) FILTER (WHERE s.supplied_at IS NULL),
                   count(*) FILTER (WHERE s.supplied_at IS NOT NULL)
            FROM dossiers d JOIN LATERAL (
                SELECT supplied_at FROM dossier_supplements x WHERE x.dossier_id = d.id
                ORDER BY round DESC LIMIT 1) s ON true
            WHERE d.status = 'supplement_requested'
            """
        ).fetchone()
    timings["VACUUM ANALYZE"] = time.perf_counter() - mark
    log(f"  VACUUM (ANALYZE) ({timings['VACUUM ANALYZE']:.1f} s)")
    log("  processing stages: " + ", ".join(f"{s} {n}" for s, n in stages))
    log(f"  open supplement rounds: {supplied[0]} unanswered, {supplied[1]} answered")
    return timings


def build(url: str, dossiers: int) -> str:
    """Wipe, migrate and fill the database; the SQLAlchemy URL."""
    from bench.dossiers import generate

    started = time.perf_counter()
    sa_url = generate.reset_database(url)
    log(f"schema dropped and migrated in {time.perf_counter() - started:.1f} s")
    summary = generate.generate(sa_url, dossiers=dossiers, agencies=50)
    log(
        f"generator: {summary['dossiers']:,} dossiers, {summary['citizens']:,} citizens in "
        f"{summary['seconds']:.1f} s"
    )
    mark = time.perf_counter()
    enrich(sa_url, generate.configured_password_hash())
    log(f"back-office columns and officers in {time.perf_counter() - mark:.1f} s")
    log(f"database ready in {time.perf_counter() - started:.1f} s\n")
    return sa_url


# --- measurement --------------------------------------------------------------------------------


class Officer:
    def __init__(self, label: str, row: tuple) -> None:
        self.label = label
        self.agency_id, self.code, self.name, self.total, self.non_draft, self.open = row
        self.headers: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.cursors: dict[str, dict[str, str]] = {}  # kind → queue → after
        self.searches: dict[str, str] = {}


def search_terms(engine, agency_id: int) -> dict[str, str]:
    """An applicant's name (unaccented) and another applicant's ID number, from the scope."""
    from backend.catalog.units import unaccent

    scope = "(receiving_agency_id = :a OR competent_agency_id = :a)"
    with engine.connect() as connection:
        name = connection.scalar(
            sa.text(
                f"SELECT applicant_name FROM dossiers WHERE {scope} AND status <> 'draft' "
                "ORDER BY status = 'processing' DESC, id LIMIT 1 OFFSET 10"
            ),
            {"a": agency_id},
        )
        pid = connection.scalar(
            sa.text(
                f"SELECT applicant_personal_id FROM dossiers WHERE {scope} "
                "AND status <> 'draft' ORDER BY status = 'delivered' DESC, id LIMIT 1 OFFSET 20"
            ),
            {"a": agency_id},
        )
    return {"search name": unaccent(name), "search ID": pid}


def page(client, officer: Officer, **params):
    response = client.get(
        "/api/v1/backoffice/dossiers",
        query_string={"size": PAGE_SIZE, **params},
        headers=officer.headers,
    )
    assert response.status_code == 200, (params, response.status_code, response.json)
    return response.json


def prepare(client, engine, officer: Officer, password: str) -> None:
    """Sign in, read the counts, find the cursors of the next and deep pages."""
    response = client.post(
        "/api/v1/auth/token",
        json={"username": officer_email(officer.agency_id), "password": password},
    )
    assert response.status_code == 200, response.json
    officer.headers = {"Authorization": f"Bearer {response.json['access_token']}"}
    response = client.get("/api/v1/backoffice/queues", headers=officer.headers)
    assert response.status_code == 200, response.json
    officer.counts = response.json
    longest = sorted(officer.counts, key=lambda q: -officer.counts[q])[:LONGEST_QUEUES]
    officer.cursors = {"next page (2)": {}, f"deep page ({DEEP_PAGE})": {}}
    for queue in longest:
        after = None
        for number in range(2, DEEP_PAGE + 1):
            after = page(client, officer, queue=queue, **({"after": after} if after else {}))[
                "next"
            ]
            if after is None:
                break
            if number == 2:
                officer.cursors["next page (2)"][queue] = after
            officer.cursors[f"deep page ({DEEP_PAGE})"][queue] = after
    officer.searches = search_terms(engine, officer.agency_id)


class SqlClock:
    """Time spent in ``cursor.execute`` (round trip and server work) and statements sent."""

    def __init__(self, engine) -> None:
        self.seconds = 0.0
        self.statements = 0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, connection, *_args) -> None:
        connection.info["bench_started"] = time.perf_counter()

    def _after(self, connection, *_args) -> None:
        self.seconds += time.perf_counter() - connection.info.pop("bench_started")
        self.statements += 1


def one_round(client, officers: list[Officer], clock: SqlClock, timings: dict) -> None:
    """One request of every kind per officer; ``timings[(officer, kind)]`` gets
    (total ms, SQL ms, statements) per request."""
    from backend.backoffice.queries import QUEUES

    def timed(officer: Officer, kinds: tuple[str, ...], request) -> None:
        sql, statements = clock.seconds, clock.statements
        started = time.perf_counter()
        request()
        sample = (
            (time.perf_counter() - started) * 1000,
            (clock.seconds - sql) * 1000,
            clock.statements - statements,
        )
        for kind in kinds:
            timings[(officer.label, kind)].append(sample)

    def counts(officer: Officer) -> None:
        response = client.get("/api/v1/backoffice/queues", headers=officer.headers)
        assert response.status_code == 200, response.json

    for officer in officers:
        timed(officer, ("counts",), lambda o=officer: counts(o))
        for queue in QUEUES:
            kinds = ("first page", f"queue {queue}")
            timed(officer, kinds, lambda o=officer, q=queue: page(client, o, queue=q))
        for kind, cursors in officer.cursors.items():
            for queue, after in cursors.items():
                params = {"queue": queue, "after": after}
                timed(officer, (kind,), lambda o=officer, p=params: page(client, o, **p))
        for kind, term in officer.searches.items():
            timed(officer, (kind,), lambda o=officer, t=term: page(client, o, q=t))


def capture(engine, request) -> list[tuple[str, object]]:
    """The SQL statements (and parameters) ``request()`` sends."""
    seen: list[tuple[str, object]] = []

    def listener(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return seen


def explain(engine, statement: str, parameters, *, jit: bool = True) -> list[str]:
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        if not jit:
            cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        lines = [row[0] for row in cursor.fetchall()]
        connection.rollback()
    return lines


def dossier_statement(statements, marker: str) -> tuple[str, object]:
    for statement, parameters in statements:
        if "FROM dossiers" in statement and marker in statement:
            return statement, parameters
    raise SystemExit(f"no dossier statement with {marker!r} was captured")


def stats_row(label: str, samples: list[tuple[float, float, int]]) -> str:
    values = [total for total, _sql, _n in samples]
    sql = statistics.median(sql for _total, sql, _n in samples)
    statements = statistics.fmean(n for _total, _sql, n in samples)
    return (
        f"{label:<34}{len(values):>6}{statistics.median(values):>9.1f}"
        f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}{max(values):>9.1f}"
        f"{sql:>9.1f}{statements:>7.1f}"
    )


def report(officers: list[Officer], timings: dict, dossiers: int, rounds: int) -> dict:
    from backend.backoffice.queries import QUEUES

    log("\nagencies measured (of 50; scope: dossiers the agency receives or decides)")
    log(f"{'':<9}{'code':<15}{'dossiers':>10}{'non-draft':>11}{'open+resolved':>15}  name")
    for o in officers:
        log(f"{o.label:<9}{o.code:<15}{o.total:>10,}{o.non_draft:>11,}{o.open:>15,}  {o.name}")
    log("\nqueue sizes (GET /queues)")
    log(f"{'queue':<24}" + "".join(f"{o.label:>10}" for o in officers))
    for queue in QUEUES:
        log(f"{queue:<24}" + "".join(f"{o.counts[queue]:>10,}" for o in officers))
    for o in officers:
        log(f"searches ({o.label}): " + ", ".join(f"{k} q={v!r}" for k, v in o.searches.items()))

    log(f"\nlatency over {dossiers:,} dossiers, {rounds} rounds (in-process, ms)")
    log(f"{'kind':<34}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'sql p50':>9}{'stmts':>7}")
    kinds = ["counts", "first page", "next page (2)", f"deep page ({DEEP_PAGE})", "search name"]
    kinds.append("search ID")
    pages, counts = [], []
    for kind in kinds:
        for o in officers:
            values = timings.get((o.label, kind))
            if not values:
                continue
            log(stats_row(f"{kind} [{o.label}]", values))
            (counts if kind == "counts" else pages).extend(values)
    log(stats_row("ALL queue pages", pages))
    log(stats_row("ALL counts", counts))
    log("(sql p50: median time in cursor.execute per request; stmts: statements per request)")

    log("\nfirst page per queue (ms)")
    log(
        f"{'queue':<24}"
        + "".join(f"{o.label + ' p50':>14}{'p95':>8}{'sql p50':>9}" for o in officers)
    )
    for queue in QUEUES:
        cells = ""
        for o in officers:
            samples = timings[(o.label, f"queue {queue}")]
            values = [total for total, _sql, _n in samples]
            sql = statistics.median(sql for _total, sql, _n in samples)
            cells += f"{statistics.median(values):>14.1f}{percentile(values, 95):>8.1f}{sql:>9.1f}"
        log(f"{queue:<24}{cells}")

    page_p95 = percentile([total for total, _sql, _n in pages], 95)
    counts_p95 = percentile([total for total, _sql, _n in counts], 95)
    log("")
    for what, value, target in (
        ("queue page", page_p95, TARGETS["page"]),
        ("all queue counts", counts_p95, TARGETS["counts"]),
    ):
        verdict = "met" if value < target else "MISSED"
        log(f"target {what}: p95 {value:.1f} ms (< {target:.0f} ms) {verdict}")
    return {"page_p95": page_p95, "counts_p95": counts_p95}


def explain_report(client, engine, officer: Officer, timings: dict, full: bool) -> None:
    from backend.backoffice.queries import QUEUES

    slowest = max(
        QUEUES,
        key=lambda q: percentile([t for t, _s, _n in timings[(officer.label, f"queue {q}")]], 95),
    )
    cases = [
        (
            "counts",
            lambda: client.get("/api/v1/backoffice/queues", headers=officer.headers),
            "count(*) FILTER",
        ),
        (
            f"first page, queue={slowest} (slowest)",
            lambda: page(client, officer, queue=slowest),
            "LIMIT",
        ),
        (
            f"search q={officer.searches['search name']!r}",
            lambda: page(client, officer, q=officer.searches["search name"]),
            "LIMIT",
        ),
    ]
    log(f"\nEXPLAIN (ANALYZE, BUFFERS), {officer.label} agency {officer.code}")
    for title, request, marker in cases:
        statement, parameters = dossier_statement(capture(engine, request), marker)
        lines = explain(engine, statement, parameters)
        log(f"-- {title}")
        if full:
            log(statement)
            log(f"parameters: {parameters}")
            for line in lines:
                log(f"   {line}")
        else:
            log(f"   {lines[0].strip()}")
            for line in lines:
                if line.strip().startswith(("Planning Time", "Timing: Generation", "Execution")):
                    log(f"   {line.strip()}")
        if any(line.strip() == "JIT:" for line in lines):
            again = explain(engine, statement, parameters, jit=False)
            log(f"   with jit = off: {again[-1].strip()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    parser.add_argument("--plans", action="store_true", help="print the SQL and whole plans")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="loopback PostgreSQL database to wipe and fill (its name starts with "
        "bench_backoffice)",
    )
    args = parser.parse_args(argv)
    from backend.config import normalise_database_url

    sa_url = normalise_database_url(args.database_url)
    if not (sa.engine.make_url(sa_url).database or "").startswith("bench_backoffice"):
        raise SystemExit("refusing: the database name must start with bench_backoffice")

    if not args.reuse:
        sa_url = build(args.database_url, args.dossiers)

    from backend import create_app
    from bench.dossiers.generate import PASSWORD

    with tempfile.TemporaryDirectory(prefix="bench-backoffice-") as instance:
        app = create_app(
            {
                "SECRET_KEY": secrets.token_urlsafe(32),
                "DATABASE_URL": sa_url,
                "LOG_LEVEL": "WARNING",
                "INSTANCE_DIR": instance,
                "LOGIN_RATE_LIMIT_IP": UNLIMITED,
                "LOGIN_RATE_LIMIT_ACCOUNT": UNLIMITED,
                "RATELIMIT_STORAGE_URI": "memory://",
                "ACCESS_TOKEN_MINUTES": 240,
            }
        )
        engine = app.extensions["db_engine"]
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()
            rows = agency_sizes(cursor)
            dossiers = connection.scalar(sa.text("SELECT count(*) FROM dossiers"))
        officers = [Officer(label, row) for label, row in measured_agencies(rows)]
        client = app.test_client()
        for officer in officers:
            prepare(client, engine, officer, PASSWORD)
        clock = SqlClock(engine)
        timings: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
        one_round(client, officers, clock, defaultdict(list))  # warm-up, not counted
        load = os.getloadavg()
        log(f"measuring {args.rounds} rounds (load average {load[0]:.2f} {load[1]:.2f})")
        started = time.perf_counter()
        for _ in range(args.rounds):
            one_round(client, officers, clock, timings)
        load = os.getloadavg()
        log(f"measured in {time.perf_counter() - started:.1f} s (load average {load[0]:.2f})")
        report(officers, timings, dossiers, args.rounds)
        explain_report(client, engine, officers[0], timings, args.plans)
        engine.dispose()


if __name__ == "__main__":
    main()
