"""Time of the province-year statistics report over a million dossiers on PostgreSQL.

Fills the scratch database ``bench_stats`` with ``bench.dossiers.generate`` (N dossiers,
default 1,000,000, 50 agencies, 11 procedures over two years), then adds with set-based SQL
what the statistics read and the generator leaves out: supplement rounds (some with two),
attachments (some reused from the citizen's store), online payments for fee procedures, issued
result documents and satisfaction ratings, and rebuilds the ``dossier_facts`` projection (those
rows bypassed the ORM hook that keeps it current). Then, in-process:

* the **province-year report** (``scorecard.build_report`` for the current year and no agency:
  the grouped aggregation, the catalogue counts and the names), first in a fresh application
  and connection ("cold": nothing cached in this process; PostgreSQL's shared buffers and the
  OS cache are whatever the load left), then ``--runs`` more times ("warm");
* the same through ``GET /api/v1/statistics/report?agency=province`` (token check, validation,
  the report, JSON serialisation) and the XLSX export;
* the same without parallel workers, with the CPU time its PostgreSQL backend used (read from
  ``/proc``): the work the report needs, whatever else loads the machine;
* an agency-year and a province-month report, and the monthly series, for scale;
* the write-path cost of the projection: recomputing one dossier's facts (what every flush
  that touches a dossier adds);
* with ``--plans``, EXPLAIN (ANALYZE, BUFFERS) of the grouped statement.

    .venv/bin/python -m bench.stats.run [--dossiers 1000000] [--runs 5] [--reuse] [--plans]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import psycopg
import sqlalchemy as sa

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_stats"
TARGET_SECONDS = 1.0
ADMIN_EMAIL = "thongke.admin@bench.dvc.vn"


def log(message: str) -> None:
    print(message, flush=True)


def h(expr: str, modulo: int) -> str:
    """SQL: a deterministic pseudo-random number in [0, modulo) from an integer expression."""
    return f"mod(hashint8({expr})::bigint + 2147483648, {modulo})"


# --- data ---------------------------------------------------------------------------------------


def enrich(sa_url: str, password_hash: str) -> None:
    """Rows the statistics read and the dossier generator does not make, set-based."""
    from bench.dossiers.generate import libpq_url

    with psycopg.connect(libpq_url(sa_url), autocommit=False) as connection:
        cursor = connection.cursor()

        def step(label: str, sql: str, params=()) -> None:
            mark = time.perf_counter()
            cursor.execute(sql, params)
            log(f"  {label}: {cursor.rowcount:,} rows ({time.perf_counter() - mark:.1f} s)")

        # Supplement rounds: 6 % of received dossiers had one (accepted after two days), 1 %
        # two; the dossiers now waiting for a supplement have an open round.
        step(
            "supplement rounds",
            f"""
            INSERT INTO dossier_supplements (dossier_id, round, requested_at, items, deadline_at,
                clock_policy, due_before, due_after, supplied_at, accepted_at)
            SELECT d.id, r.round, d.received_at + interval '1 day' * r.round,
                   '[{{"component_code": null, "description": "Bản sao"}}]'::jsonb,
                   d.received_at + interval '1 day' * r.round + interval '15 days', 'pause',
                   d.due_at, d.due_at,
                   CASE WHEN d.status = 'supplement_requested' AND r.round = 1 THEN NULL
                        ELSE d.received_at + interval '1 day' * r.round + interval '2 days' END,
                   CASE WHEN d.status = 'supplement_requested' AND r.round = 1 THEN NULL
                        ELSE d.received_at + interval '1 day' * r.round + interval '2 days' END
            FROM dossiers d
            CROSS JOIN LATERAL (SELECT generate_series(1,
                CASE WHEN {h("d.id", 100)} < 1 THEN 2 ELSE 1 END) AS round) r
            WHERE d.received_at IS NOT NULL
              AND (d.status = 'supplement_requested' OR {h("d.id", 100)} < 7)
            """,
        )
        # Attachments: one per submitted dossier, a second for half of them; 10 % of the
        # first ones reused from the citizen's store (once-only).
        step(
            "attachments",
            f"""
            INSERT INTO dossier_attachments (uuid, dossier_id, component_code, storage_key,
                filename, content_type, size, sha256, uploaded_at, reused)
            SELECT gen_random_uuid(), d.id, c.code, 'bench/' || d.id || '/' || c.code,
                   'giay-to.pdf', 'application/pdf', 120000, repeat('0', 64), d.submitted_at,
                   c.code = 'TK' AND {h("d.id + 7", 10)} = 0
            FROM dossiers d
            CROSS JOIN LATERAL (VALUES ('TK'), ('GCS')) AS c(code)
            WHERE d.submitted_at IS NOT NULL AND (c.code = 'TK' OR {h("d.id", 2)} = 0)
            """,
        )
        # Online payments: 70 % of the dossiers that owed a fee at submission.
        step(
            "payments",
            f"""
            INSERT INTO payments (uuid, created_at, updated_at, dossier_id, purpose, amount,
                status, gateway, txn_ref, gateway_created_at, expires_at, payer_id, paid_at,
                refunded_amount)
            SELECT gen_random_uuid(), d.submitted_at, d.submitted_at, d.id, 'submission',
                   d.fee_due_at_submission, 'succeeded', 'vnpay', 'BENCH' || d.id,
                   d.submitted_at, d.submitted_at + interval '15 minutes', d.owner_id,
                   d.submitted_at, 0
            FROM dossiers d
            WHERE d.fee_due_at_submission > 0 AND d.submitted_at IS NOT NULL
              AND d.status <> 'submitted' AND {h("d.id + 3", 10)} < 7
            """,
        )
        # Issued results: 80 % of the resolved or delivered dossiers.
        step(
            "issued documents",
            f"""
            INSERT INTO issued_documents (uuid, holder_personal_id, holder_name, type_code,
                title_vi, title_en, number, issuer_code, issuer_name, issued_at, storage_key,
                filename, content_type, size, sha256, dossier_id, created_at)
            SELECT gen_random_uuid(), coalesce(d.applicant_personal_id, '000000000000'),
                   d.applicant_name, 'GKS', 'Kết quả', 'Result', d.id || '/KQ', '000.00.00.H29',
                   'UBND', d.finished_at, 'bench-result/' || d.id, 'ket-qua.pdf',
                   'application/pdf', 80000, repeat('0', 64), d.id, d.finished_at
            FROM dossiers d
            WHERE d.finished_at IS NOT NULL AND {h("d.id + 5", 10)} < 8
            """,
        )
        # Ratings: 20 % of the delivered dossiers; one in ten dissatisfied.
        step(
            "satisfaction ratings",
            f"""
            INSERT INTO satisfaction_ratings (dossier_id, rater_id, timeliness, contacts,
                agencies, attitude, ease, overall, rated_at, updated_at)
            SELECT d.id, d.owner_id, 2, 2, 1, 2, 1,
                   CASE WHEN {h("d.id + 11", 10)} = 0 THEN 0 ELSE 1 + {h("d.id", 2)} END,
                   d.delivered_at, d.delivered_at
            FROM dossiers d
            WHERE d.status = 'delivered' AND {h("d.id + 9", 10)} < 2
            """,
        )
        cursor.execute(
            """
            WITH created AS (
                INSERT INTO users (uuid, kind, full_name, email, password_hash, agency_id,
                                   is_active, failed_login_count, created_at, updated_at)
                SELECT gen_random_uuid(), 'officer', 'Quản trị thống kê', %s, %s, min(a.id),
                       true, 0, now(), now()
                FROM agencies a
                RETURNING id
            )
            INSERT INTO officer_roles (user_id, role) SELECT id, 'admin' FROM created
            """,
            (ADMIN_EMAIL, password_hash),
        )
        connection.commit()
    rebuild_facts(sa_url)
    with psycopg.connect(libpq_url(sa_url), autocommit=True) as connection:
        mark = time.perf_counter()
        connection.execute("VACUUM (ANALYZE)")
        log(f"  VACUUM (ANALYZE) ({time.perf_counter() - mark:.1f} s)")


def rebuild_facts(sa_url: str) -> None:
    """The rows above went in with SQL, not the ORM: recompute the statistics projection."""
    engine = sa.create_engine(sa_url)
    from backend.statistics import facts

    mark = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL work_mem = '256MB'"))
        count = facts.rebuild(connection)
    engine.dispose()
    log(f"  dossier_facts rebuilt: {count:,} rows ({time.perf_counter() - mark:.1f} s)")


def build(url: str, dossiers: int) -> str:
    from bench.dossiers import generate

    started = time.perf_counter()
    sa_url = generate.reset_database(url)
    log(f"schema dropped and migrated in {time.perf_counter() - started:.1f} s")
    summary = generate.generate(sa_url, dossiers=dossiers, agencies=50)
    log(f"generator: {summary['dossiers']:,} dossiers in {summary['seconds']:.1f} s")
    enrich(sa_url, generate.configured_password_hash())
    log(f"database ready in {time.perf_counter() - started:.1f} s\n")
    return sa_url


def reuse(url: str) -> str:
    from backend.config import normalise_database_url
    from bench.auth.run import check_loopback

    check_loopback(url)
    return normalise_database_url(url)


# --- measurement --------------------------------------------------------------------------------


def make_app(sa_url: str, instance: str):
    from backend import create_app

    return create_app(
        {
            "SECRET_KEY": "bench-stats-" + "0" * 32,
            "DATABASE_URL": sa_url,
            "INSTANCE_DIR": instance,
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_STORAGE_URI": "memory://",
            "ACCESS_TOKEN_MINUTES": 240,
        }
    )


def backend_cpu(db, function) -> tuple[float, float]:
    """(CPU seconds of this session's PostgreSQL backend, wall seconds) for ``function`` run
    without parallel workers: the work the report needs, whatever else loads the machine.
    Reads ``/proc/<backend pid>/stat`` (the server runs on this machine)."""
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.execute(sa.text("SET max_parallel_workers_per_gather = 0"))
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    function()  # warm
    before, mark = cpu(), time.perf_counter()
    function()
    wall = time.perf_counter() - mark
    used = cpu() - before
    db.session.execute(sa.text("RESET max_parallel_workers_per_gather"))
    return used, wall


def timed(function) -> tuple[float, object]:
    mark = time.perf_counter()
    result = function()
    return time.perf_counter() - mark, result


def summary(label: str, seconds: list[float]) -> str:
    digits = 1 if statistics.median(seconds) < 0.01 else 0
    return (
        f"{label}: median {statistics.median(seconds) * 1000:.{digits}f} ms, "
        f"min {min(seconds) * 1000:.{digits}f} ms, max {max(seconds) * 1000:.{digits}f} ms "
        f"({len(seconds)} runs)"
    )


def measure(sa_url: str, runs: int, plans: bool) -> None:
    from backend.core.clock import VN_TZ, utcnow
    from backend.extensions import db
    from backend.statistics import queries, scorecard
    from backend.statistics.queries import Period
    from bench.dossiers.generate import PASSWORD

    year = utcnow().astimezone(VN_TZ).year
    period = Period.year(year)
    with psycopg.connect("postgresql://" + sa_url.split("://", 1)[1]) as connection:
        total, in_year = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE submitted_at >= %s) FROM dossiers",
            (period.start,),
        ).fetchone()
    log(f"{total:,} dossiers in the database, {in_year:,} submitted in {year}")

    with tempfile.TemporaryDirectory(prefix="bench-stats-") as instance:
        app = make_app(sa_url, instance)
        with app.app_context():
            cold, report = timed(lambda: scorecard.build_report(period, None))
            log(f"province-year report, cold (new process and connection): {cold * 1000:.0f} ms")
            warm = [timed(lambda: scorecard.build_report(period, None))[0] for _ in range(runs)]
            log(summary("province-year report, warm", warm))
            counts = report["counts"]
            log(
                f"  in scope {counts['in_scope']:,}, received {counts['received']:,}, "
                f"carried over {counts['carried_over']:,}, early/on time/late "
                f"{counts['early']:,}/{counts['on_time']:,}/{counts['late']:,}, open within/"
                f"overdue {counts['open_within']:,}/{counts['open_overdue']:,}; score "
                f"{report['score']:.1f}/{report['score_max']:.1f}"
            )
            cpu, wall = backend_cpu(db, lambda: scorecard.build_report(period, None))
            log(
                f"province-year report in one PostgreSQL process (no parallel workers): "
                f"{wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms of database CPU"
            )
            agency = db.session.scalar(
                sa.text(
                    "SELECT competent_agency_id FROM dossiers GROUP BY 1 ORDER BY count(*) DESC "
                    "LIMIT 1"
                )
            )
            from backend.catalog.models import Agency

            biggest = db.session.get(Agency, agency)
            agency_runs = [
                timed(lambda: scorecard.build_report(period, biggest))[0] for _ in range(runs)
            ]
            log(summary(f"agency-year report (largest agency, {biggest.code})", agency_runs))
            month = Period.month(year, utcnow().astimezone(VN_TZ).month)
            month_runs = [
                timed(lambda: scorecard.build_report(month, None))[0] for _ in range(runs)
            ]
            log(summary("province-month report (this month)", month_runs))
            series_runs = [
                timed(lambda: queries.monthly_series(year, None))[0] for _ in range(runs)
            ]
            log(summary("monthly series of the province (charts)", series_runs))
            from backend.statistics import facts

            sample = db.session.scalars(
                sa.text("SELECT dossier_id FROM dossier_facts ORDER BY dossier_id DESC LIMIT 200")
            ).all()
            refresh_runs = [
                timed(lambda i=i: facts.refresh(db.session.connection(), [i]))[0] for i in sample
            ]
            db.session.rollback()
            log(summary("write-path cost: recomputing one dossier's facts", refresh_runs))
            if plans:
                stmt = queries._grouped_statement(period, None, min(period.end, utcnow()))
                compiled = stmt.compile(
                    dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True}
                )
                rows = db.session.execute(
                    sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")
                ).scalars()
                log("\nEXPLAIN (ANALYZE, BUFFERS) of the grouped statement:")
                for line in rows:
                    log("  " + line)
            db.session.remove()

        client = app.test_client()
        token = client.post(
            "/api/v1/auth/token", json={"username": ADMIN_EMAIL, "password": PASSWORD}
        ).json["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        query = {"year": year, "agency": "province"}

        def http():
            response = client.get("/api/v1/statistics/report", query_string=query, headers=headers)
            assert response.status_code == 200, response.json
            return response

        http_runs = [timed(http)[0] for _ in range(runs)]
        log(summary("GET /api/v1/statistics/report?agency=province (in-process HTTP)", http_runs))

        def xlsx():
            response = client.get(
                "/api/v1/statistics/report/export", query_string=query, headers=headers
            )
            assert response.status_code == 200
            return response

        export_runs = [timed(xlsx)[0] for _ in range(max(1, runs // 2))]
        log(summary("GET …/report/export (XLSX)", export_runs))
        app.extensions["db_engine"].dispose()
    verdict = "meets" if statistics.median(warm) < TARGET_SECONDS else "MISSES"
    log(
        f"\nprovince-year report: cold {cold * 1000:.0f} ms, warm median "
        f"{statistics.median(warm) * 1000:.0f} ms — {verdict} the {TARGET_SECONDS:.0f} s target"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--plans", action="store_true", help="print the query plan")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    os.environ.setdefault("APP_ENV", "development")
    sa_url = reuse(args.database_url) if args.reuse else build(args.database_url, args.dossiers)
    measure(sa_url, args.runs, args.plans)


if __name__ == "__main__":
    main()
