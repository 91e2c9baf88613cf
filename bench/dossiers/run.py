"""Dossier submission throughput and "my dossiers" latency over a large PostgreSQL database.

Run from the repository root::

    .venv/bin/python -m bench.dossiers.run [--dossiers 1000000] [--reuse] [--duration 60]
        [--threads 8] [--drafts 3000]

(a) Unless ``--reuse``, wipes and migrates the loopback database (default ``bench_dossiers``)
and fills it with ``bench.dossiers.generate`` (N dossiers, 100,000 citizens, 50 agencies).
(b) Prepares ``--drafts`` ready drafts through the service layer (form filled, both required
files stored in a temporary LocalStorage folder) for ``--submitters`` citizens and three
receiving agencies, starts gunicorn with 2 sync workers on a free 127.0.0.1 port, signs each
citizen in once (``POST /api/v1/auth/token``), then submits the drafts from ``--threads``
client threads (``POST /api/v1/dossiers/<id>/submit``, a fresh ``Idempotency-Key`` each) until
they are used up or ``--duration`` ends; prints submissions/s, latency, errors, and checks
that every official code is distinct and matches the database. (c) Times
``GET /api/v1/dossiers?page=1&size=20`` for a sample of citizens (the heavy one with 200
dossiers, the semi-heavy ones, typical ones) over HTTP against the same gunicorn (one client,
then ``--threads`` clients), and in-process with the Flask test client. Gunicorn is always
stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from bench.auth.run import check_loopback, free_port, percentile, stop_gunicorn, wait_healthy
from bench.dossiers import generate

ROOT = Path(__file__).resolve().parents[2]
UNLIMITED = "100000 per minute"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBMIT_PROCEDURE = "1.001193"  # birth registration: form full_name, files TK and GCS
LIST_PATH = "/api/v1/dossiers?page=1&size=20"


def log(message: str = "") -> None:
    print(message, flush=True)


def marks(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {percentile(values, 50):6.1f}  p95 {percentile(values, 95):6.1f}  "
        f"p99 {percentile(values, 99):6.1f}  max {max(values):6.1f} ms"
    )


# --- settings shared by gunicorn and the in-process application ---------------------------------


def app_settings(sa_url: str, workdir: str, secret: str) -> dict[str, str]:
    return {
        "DATABASE_URL": sa_url,
        "SECRET_KEY": secret,
        "INSTANCE_DIR": workdir,
        "STORAGE_BACKEND": "local",
        "STORAGE_LOCAL_DIR": os.path.join(workdir, "files"),
        "MAIL_OUTBOX_DIR": os.path.join(workdir, "outbox"),
        "LOG_LEVEL": "WARNING",
        "LOGIN_RATE_LIMIT_IP": UNLIMITED,
        "LOGIN_RATE_LIMIT_ACCOUNT": UNLIMITED,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Tokens are taken once, before the phases; a long run must not see them expire.
        "ACCESS_TOKEN_MINUTES": "120",
    }


def make_app(settings: dict[str, str]):
    from backend import create_app

    return create_app({**settings, "ACCESS_TOKEN_MINUTES": 120})


def start_gunicorn(settings: dict[str, str], port: int, workdir: str) -> subprocess.Popen:
    # An empty config file: the repository's gunicorn.conf.py (bind 0.0.0.0, access log,
    # worker recycling) would otherwise be read from the working directory.
    config = Path(workdir) / "gunicorn_bench.conf.py"
    config.write_text("")
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", str(config),
        "--workers", "2",
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "backend:create_app()",
    ]  # fmt: skip
    # Its messages (tracebacks of failed requests) go to a file, shown when a phase fails.
    with open(gunicorn_log(workdir), "ab") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **settings}, stdout=output, stderr=output
        )


def gunicorn_log(workdir: str) -> Path:
    return Path(workdir) / "gunicorn.log"


def fail(workdir: str, message: str) -> None:
    """Stop the run, showing the end of gunicorn's log (the finally clause stops gunicorn)."""
    lines = gunicorn_log(workdir).read_text(errors="replace").splitlines()
    tail = "\n".join("      " + line for line in lines[-25:])
    raise SystemExit(f"{message}\n    gunicorn log (last lines):\n{tail}")


def check_revision(sa_url: str) -> None:
    """Refuse a database that is not at the code's migration head (a stale ``--reuse``)."""
    from alembic.script import ScriptDirectory

    from backend.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(sa_url)).get_heads())
    engine = sa.create_engine(sa_url)
    with engine.connect() as connection:
        current = set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))
    engine.dispose()
    if current != heads:
        raise SystemExit(
            f"the database is at revision {', '.join(sorted(current))} but the code at "
            f"{', '.join(sorted(heads))}: run without --reuse"
        )


# --- data for the phases ------------------------------------------------------------------------


def pick_citizens(sa_url: str, submitters: int, sample: int, seed: int) -> dict[str, list[str]]:
    """E-mails: submitters (few dossiers), and the list sample by kind (heavy, semi, typical)."""
    engine = sa.create_engine(sa_url)
    with engine.connect() as connection:
        total = connection.scalar(sa.text("SELECT count(*) FROM users WHERE kind = 'citizen'"))
        heavy = connection.execute(
            sa.text(
                "SELECT u.email, count(*) FROM dossiers d JOIN users u ON u.id = d.owner_id "
                "WHERE u.email = ANY(:emails) GROUP BY u.email ORDER BY 2 DESC"
            ),
            {"emails": [generate.EMAIL.format(n) for n in range(1 + generate.SEMI_HEAVY_COUNT)]},
        ).all()
    engine.dispose()
    if not heavy:
        raise SystemExit("no generated citizens found: run without --reuse first")
    rng = random.Random(seed)
    first = 1 + generate.SEMI_HEAVY_COUNT
    chosen = rng.sample(range(first, total), submitters + sample)
    return {
        "heavy": [heavy[0][0]],
        "semi": [email for email, _count in heavy[1:]],
        "typical": [generate.EMAIL.format(n) for n in chosen[submitters:]],
        "submitters": [generate.EMAIL.format(n) for n in chosen[:submitters]],
        "heavy_count": heavy[0][1],
    }


def prepare_drafts(app, emails: list[str], count: int, agencies: int) -> list[tuple[str, str]]:
    """``count`` ready drafts (form filled, TK and GCS attached) through the service layer,
    interleaved over the citizens and receiving agencies; (e-mail, dossier id) in that order."""
    from backend.accounts.models import User
    from backend.catalog.models import Procedure
    from backend.core.transaction import task_transaction
    from backend.dossiers import services
    from backend.extensions import db

    drafts: list[tuple[str, str]] = []
    with app.app_context():
        procedure = db.session.scalar(
            sa.select(Procedure).where(Procedure.code == SUBMIT_PROCEDURE)
        )
        receiving = [a.code for a in procedure.current_version.receiving_agencies][:agencies]
        batch = 100
        for start in range(0, count, batch):
            with task_transaction():
                owners = {
                    user.email: user
                    for user in db.session.scalars(sa.select(User).where(User.email.in_(emails)))
                }
                for index in range(start, min(start + batch, count)):
                    email = emails[index % len(emails)]
                    owner = owners[email]
                    dossier = services.create_draft(
                        owner=owner,
                        procedure_code=SUBMIT_PROCEDURE,
                        agency_code=receiving[index % len(receiving)],
                    )
                    services.update_draft(
                        dossier, actor=owner, form_data={"full_name": owner.full_name}
                    )
                    for component in ("TK", "GCS"):
                        services.add_attachment(
                            dossier,
                            actor=owner,
                            component_code=component,
                            stream=io.BytesIO(PDF),
                            filename=f"{component.lower()}.pdf",
                        )
                    drafts.append((email, str(dossier.uuid)))
            db.session.remove()
    return drafts


# --- CPU accounting -----------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by ``pids``."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def gunicorn_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == master:  # ppid
                children.append(int(entry.name))
    return [master, *children]


def backend_pids(sa_url: str) -> list[int]:
    """PostgreSQL server processes serving the benchmark database (the workers' connections)."""
    engine = sa.create_engine(sa_url)
    with engine.connect() as connection:
        pids = connection.scalars(
            sa.text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
    engine.dispose()
    return list(pids)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


class CpuMeter:
    """CPU used by gunicorn, its PostgreSQL backends, this client and the whole machine."""

    def __init__(self, master: int, sa_url: str):
        self.groups = {
            "gunicorn": gunicorn_pids(master),
            "postgres": backend_pids(sa_url),
            "client": [os.getpid()],
        }
        self.before = self.sample()

    def sample(self) -> dict[str, float]:
        values = {name: process_cpu(pids) for name, pids in self.groups.items()}
        values["busy"], values["total"] = machine_cpu()
        return values

    def report(self, operations: int, what: str) -> None:
        after = self.sample()
        used = {name: after[name] - self.before[name] for name in after}
        if operations <= 0 or used["total"] <= 0:
            return
        mine = used["gunicorn"] + used["postgres"] + used["client"]
        others = max(0.0, used["busy"] - mine)
        per = {name: used[name] / operations * 1000 for name in ("gunicorn", "postgres", "client")}
        cores = os.cpu_count() or 1
        log(
            f"    CPU per {what}: gunicorn workers {per['gunicorn']:.1f} ms, PostgreSQL "
            f"{per['postgres']:.1f} ms, client {per['client']:.1f} ms "
            f"-> at most ~{cores * 1000 / sum(per.values()):.0f}/s on {cores} idle cores"
        )
        log(
            f"    machine busy {100 * used['busy'] / used['total']:.0f}% "
            f"(other processes {100 * others / used['total']:.0f}%)"
        )


# --- HTTP ---------------------------------------------------------------------------------------


def request_json(port: int, method: str, path: str, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(
            method, path, body=payload,
            headers={"Content-Type": "application/json", **(headers or {})},
        )  # fmt: skip
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def fetch_tokens(port: int, emails: list[str], threads: int) -> dict[str, str]:
    """One bearer token per citizen (argon2 verification each), from ``threads`` threads."""
    tokens: dict[str, str] = {}
    failures: list[str] = []
    pending = list(emails)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                email = pending.pop()
            status, body = request_json(
                port, "POST", "/api/v1/auth/token",
                {"username": email, "password": generate.PASSWORD},
            )  # fmt: skip
            with lock:
                if status == 200:
                    tokens[email] = body["access_token"]
                else:
                    failures.append(f"{email}: {status} {body}")

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise SystemExit("sign-in failed: " + "; ".join(failures[:3]))
    return tokens


def drive(port: int, jobs: list[tuple], *, threads: int, duration: float) -> dict:
    """Send ``jobs`` (method, path, headers, tag) once each, in order, from ``threads`` threads,
    until they are used up or ``duration`` seconds pass. Keeps every answer's JSON body."""
    lock = threading.Lock()
    cursor = 0
    results: list[tuple] = []  # (tag, status, latency ms, body)
    started = time.perf_counter()
    stop_at = started + duration

    def take() -> int | None:
        nonlocal cursor
        with lock:
            if cursor >= len(jobs) or time.perf_counter() >= stop_at:
                return None
            cursor += 1
            return cursor - 1

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while (index := take()) is not None:
            method, path, headers, tag = jobs[index]
            began = time.perf_counter()
            try:
                connection.request(method, path, headers=headers)
                response = connection.getresponse()
                raw = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                raw, status = b"", type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            latency = (time.perf_counter() - began) * 1000
            mine.append((tag, status, latency, raw))
        connection.close()
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"elapsed": time.perf_counter() - started, "results": results}


# --- phases -------------------------------------------------------------------------------------


def submit_phase(
    port, sa_url, master, workdir, drafts, tokens, *, threads: int, duration: float
) -> None:
    def job(email: str, dossier_id: str, tag: str) -> tuple:
        headers = {
            "Authorization": f"Bearer {tokens[email]}",
            "Idempotency-Key": uuid.uuid4().hex,
            "Content-Length": "0",
        }
        return ("POST", f"/api/v1/dossiers/{dossier_id}/submit", headers, (tag, dossier_id))

    warm = min(len(drafts) // 10, 2 * threads)
    warmup = drive(
        port, [job(e, d, "warm-up") for e, d in drafts[:warm]], threads=threads, duration=60
    )
    for _tag, status, _lat, raw in warmup["results"]:
        if status != 200:
            fail(workdir, f"    a warm-up submission failed: {status} {raw[:300]!r}")
    meter = CpuMeter(master, sa_url)
    run = drive(
        port,
        [job(e, d, "measured") for e, d in drafts[warm:]],
        threads=threads,
        duration=duration,
    )
    measured = run["results"]
    meter.report(len(measured), "submission")
    statuses = Counter(status for _tag, status, _lat, _raw in measured)
    ok = statuses.get(200, 0)
    errors = len(measured) - ok
    latencies = [lat for _tag, _status, lat, _raw in measured]
    log(
        f"    {len(measured)} submissions in {run['elapsed']:.1f} s = "
        f"{len(measured) / run['elapsed']:.1f} submissions/s "
        f"({ok / run['elapsed']:.1f}/s succeeded); errors {errors}"
        + (f" {dict(statuses)}" if errors else "")
    )
    log(f"    latency  {marks(latencies)}")
    if len(measured) < len(drafts) - warm:
        log(f"    ({len(drafts) - warm - len(measured)} drafts left when the time ran out)")
    else:
        log("    (every draft was submitted before the time ran out: use more --drafts for longer)")
    for tag, status, _lat, raw in measured:
        if status != 200:
            log(f"    first error: {status} {raw[:300]!r} ({tag[1]})")
            break

    codes: dict[str, str] = {}
    for _tag, status, _lat, raw in warmup["results"] + measured:
        if status == 200:
            body = json.loads(raw)
            codes[body["id"]] = body["code"]
    distinct = len(set(codes.values()))
    engine = sa.create_engine(sa_url)
    with engine.connect() as connection:
        stored = dict(
            connection.execute(
                sa.text("SELECT uuid::text, code FROM dossiers WHERE uuid::text = ANY(:ids)"),
                {"ids": list(codes)},
            ).all()
        )
        duplicates = connection.scalar(
            sa.text("SELECT count(*) FROM (SELECT code FROM dossiers GROUP BY code "
                    "HAVING count(*) > 1 AND code IS NOT NULL) AS d")
        )  # fmt: skip
    engine.dispose()
    same = sum(1 for key, code in codes.items() if stored.get(key) == code)
    verdict = "OK" if distinct == len(codes) == same and not duplicates else "PROBLEM"
    log(
        f"    codes: {len(codes)} submitted (warm-up included), {distinct} distinct, "
        f"{same} as stored, {duplicates} duplicate codes in the table -> {verdict}"
    )
    if codes:
        sample = sorted(codes.values())
        log(f"    e.g. {sample[0]} … {sample[-1]}")


def list_jobs(emails: list[str], tokens: dict[str, str], tag: str) -> list[tuple]:
    return [
        ("GET", LIST_PATH, {"Authorization": f"Bearer {tokens[email]}"}, tag) for email in emails
    ]


def report_list(title: str, results: list[tuple], elapsed: float | None = None) -> None:
    statuses = Counter(status for _tag, status, _lat, _raw in results)
    errors = len(results) - statuses.get(200, 0)
    rate = f", {len(results) / elapsed:.0f} req/s" if elapsed else ""
    log(f"    {title}: {len(results)} requests{rate}, errors {errors}")
    for kind in ("heavy", "semi", "typical"):
        values = [lat for tag, _status, lat, _raw in results if tag == kind]
        if values:
            log(f"      {kind:<8} n={len(values):<5} {marks(values)}")
    everything = [lat for _tag, _status, lat, _raw in results]
    log(f"      {'all':<8} n={len(everything):<5} {marks(everything)}")


def list_phase_http(
    port, sa_url, master, workdir, people, tokens, *, rounds: int, threads: int, duration: float
):
    heavy, semi, typical = people["heavy"], people["semi"], people["typical"]
    # One client: the latency a citizen sees. The heavy citizen gets as many samples as a
    # whole round of typical ones so its own percentiles mean something.
    jobs = []
    for _ in range(rounds):
        jobs += list_jobs(typical, tokens, "typical")
        jobs += list_jobs(semi, tokens, "semi")
        jobs += list_jobs(heavy * max(20, len(typical) // 5), tokens, "heavy")
    drive(port, jobs[: 2 * threads], threads=2, duration=30)  # warm-up
    check = drive(port, list_jobs(heavy, tokens, "heavy"), threads=1, duration=30)["results"]
    if check[0][1] != 200:
        fail(workdir, f"    the heavy citizen's list failed: {check[0][1]} {check[0][3][:300]!r}")
    body = json.loads(check[0][3])
    stamps = [item["updated_at"] for item in body["items"]]
    in_order = stamps == sorted(stamps, reverse=True)
    log(
        f"    heavy citizen: total {body['total']}, {len(body['items'])} items on page 1, "
        f"latest first: {'yes' if in_order else 'NO'}"
    )
    sequential = drive(port, jobs, threads=1, duration=duration)
    report_list("HTTP, 1 client", sequential["results"])
    rng = random.Random(5)
    shuffled = jobs[:]
    rng.shuffle(shuffled)
    meter = CpuMeter(master, sa_url)
    concurrent = drive(port, shuffled, threads=threads, duration=duration)
    report_list(f"HTTP, {threads} clients", concurrent["results"], concurrent["elapsed"])
    meter.report(len(concurrent["results"]), "list request")


def list_phase_in_process(settings, people, tokens, *, rounds: int) -> None:
    app = make_app(settings)
    client = app.test_client()
    results = []
    order = []
    for _ in range(rounds):
        order += [(e, "typical") for e in people["typical"]]
        order += [(e, "semi") for e in people["semi"]]
        order += [(e, "heavy") for e in people["heavy"] * max(20, len(people["typical"]) // 5)]
    for email, _tag in order[:10]:  # warm-up
        client.get(LIST_PATH, headers={"Authorization": f"Bearer {tokens[email]}"})
    for email, tag in order:
        began = time.perf_counter()
        response = client.get(LIST_PATH, headers={"Authorization": f"Bearer {tokens[email]}"})
        results.append((tag, response.status_code, (time.perf_counter() - began) * 1000, b""))
    report_list("in-process (Flask test client)", results)
    explain_list(app, client, tokens[people["heavy"][0]])
    app.extensions["db_engine"].dispose()


def explain_list(app, client, token: str) -> None:
    """The statements of one list request for the heavy citizen, and the plans of those that
    read ``dossiers`` (EXPLAIN ANALYZE with the request's own parameters)."""
    from backend.extensions import db

    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        client.get(LIST_PATH, headers={"Authorization": f"Bearer {token}"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    tables = Counter(
        (match.group(1) if (match := re.search(r"\bFROM\s+(\w+)", statement)) else statement[:20])
        for statement, _parameters in captured
    )
    log(
        f"    one list request runs {len(captured)} statements: "
        + ", ".join(f"{table} x{n}" for table, n in tables.most_common())
    )
    with engine.connect() as connection:
        for statement, parameters in captured:
            if not statement.lstrip().startswith("SELECT") or " dossiers" not in statement:
                continue
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters
            ).scalars()
            noise = ("Buffers", "Memory", "Planning:")
            shown = [line for line in plan if line.strip() and not any(n in line for n in noise)]
            log("    plan: " + " ".join(statement.split())[:90] + " …")
            for line in shown:
                log("      " + line)


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers to generate")
    parser.add_argument("--citizens", type=int, default=100_000, help="citizens to generate")
    parser.add_argument("--reuse", action="store_true", help="keep the generated data")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per load phase")
    parser.add_argument("--threads", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--drafts", type=int, default=3000, help="ready drafts to submit")
    parser.add_argument("--submitters", type=int, default=40, help="citizens who submit")
    parser.add_argument("--sample", type=int, default=200, help="typical citizens listed")
    parser.add_argument("--rounds", type=int, default=3, help="list rounds over the sample")
    parser.add_argument(
        "--database-url",
        default=generate.DEFAULT_DATABASE_URL,
        help="loopback PostgreSQL database to wipe and use (name with 'bench')",
    )
    args = parser.parse_args(argv)
    check_loopback(args.database_url)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    log(
        f"dossier benchmark: {os.cpu_count()} CPUs, load average {load}, "
        f"Python {sys.version.split()[0]}"
    )

    from backend.config import normalise_database_url

    if args.reuse:
        sa_url = normalise_database_url(args.database_url)
        log(f"\n(a) reusing {sa.engine.make_url(sa_url).database!r}")
    else:
        log(f"\n(a) generating {args.dossiers:,} dossiers for {args.citizens:,} citizens")
        started = time.perf_counter()
        sa_url = generate.reset_database(args.database_url)
        summary = generate.generate(sa_url, dossiers=args.dossiers, citizens=args.citizens)
        log(
            f"    generated in {summary['seconds']:.1f} s "
            f"({time.perf_counter() - started:.1f} s with the schema rebuild)"
        )
    check_revision(sa_url)
    engine = sa.create_engine(sa_url)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM dossiers"))
    engine.dispose()
    log(f"    dossiers in the table: {count:,}")

    people = pick_citizens(sa_url, args.submitters, args.sample, seed=11)
    with tempfile.TemporaryDirectory(prefix="bench-dossiers-") as workdir:
        settings = app_settings(sa_url, workdir, secrets.token_urlsafe(32))
        log(
            f"\n(b) submit: {args.drafts} ready drafts for {len(people['submitters'])} citizens, "
            f"3 receiving agencies; gunicorn 2 sync workers, {args.threads} client threads, "
            f"at most {args.duration:.0f} s"
        )
        started = time.perf_counter()
        app = make_app(settings)
        drafts = prepare_drafts(app, people["submitters"], args.drafts, agencies=3)
        app.extensions["db_engine"].dispose()
        log(f"    drafts prepared in {time.perf_counter() - started:.1f} s (service layer)")

        port = free_port()
        process = start_gunicorn(settings, port, workdir)
        try:
            wait_healthy(process, port)
            listed = people["heavy"] + people["semi"] + people["typical"]
            started = time.perf_counter()
            tokens = fetch_tokens(port, people["submitters"] + listed, args.threads)
            log(f"    {len(tokens)} citizens signed in in {time.perf_counter() - started:.1f} s")
            submit_phase(
                port, sa_url, process.pid, workdir, drafts, tokens,
                threads=args.threads, duration=args.duration,
            )  # fmt: skip
            log(
                f"\n(c) GET {LIST_PATH}: heavy citizen ({people['heavy_count']} dossiers), "
                f"{len(people['semi'])} semi-heavy, {len(people['typical'])} typical; "
                f"{args.rounds} rounds"
            )
            list_phase_http(
                port, sa_url, process.pid, workdir, people, tokens, rounds=args.rounds,
                threads=args.threads, duration=args.duration,
            )  # fmt: skip
        finally:
            stop_gunicorn(process)
        list_phase_in_process(settings, people, tokens, rounds=args.rounds)


if __name__ == "__main__":
    main()
