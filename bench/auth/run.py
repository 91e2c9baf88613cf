"""Sign-in cost: argon2id timings, and token sign-in throughput under gunicorn.

Run from the repository root::

    .venv/bin/python -m bench.auth.run [--duration 15] [--threads 4]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench]

Part (a) times argon2id hashing and verification with the application's configured parameters
(``ARGON2_*``), then a table of alternative parameter sets. Part (b) rebuilds the benchmark
database (schema dropped and migrated), creates citizen accounts with the production hashing
parameters, starts gunicorn with 2 sync workers on a loopback port, and drives
``POST /api/v1/auth/token`` and then ``GET /api/v1/auth/me`` from client threads for a bounded
time and request count. Gunicorn is always stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from argon2 import PasswordHasher, Type

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PASSWORD = "Mat-khau-do-tai-2026"  # benchmark accounts only
UNLIMITED = "100000 per minute"


# --- statistics -----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- (a) argon2id ---------------------------------------------------------------------------


def time_argon2(time_cost: int, memory_kib: int, parallelism: int, runs: int):
    """Milliseconds of ``runs`` hashes and ``runs`` successful verifications."""
    hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )
    reference = hasher.hash(PASSWORD)  # also warms up the allocator
    hashes, verifies = [], []
    for _ in range(runs):
        started = time.perf_counter()
        hasher.hash(PASSWORD)
        hashes.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        hasher.verify(reference, PASSWORD)
        verifies.append((time.perf_counter() - started) * 1000)
    return hashes, verifies


def configured_argon2() -> tuple[int, int, int]:
    from backend.config import load_config

    # A SECRET_KEY keeps load_config from creating instance/secret_key.
    config = load_config(environ={**os.environ, "SECRET_KEY": "bench", "APP_ENV": "development"})
    return (
        config["ARGON2_TIME_COST"],
        config["ARGON2_MEMORY_KIB"],
        config["ARGON2_PARALLELISM"],
    )


def report_argon2(runs: int, table_runs: int) -> None:
    t, m, p = configured_argon2()
    print(
        f"(a) argon2id, configured parameters t={t} m={m} KiB ({m // 1024} MiB) p={p}, {runs} runs"
    )
    hashes, verifies = time_argon2(t, m, p, runs)
    for name, values in (("hash", hashes), ("verify", verifies)):
        print(
            f"    {name:<6}  median {percentile(values, 50):6.1f} ms   "
            f"p95 {percentile(values, 95):6.1f} ms   min {min(values):6.1f} ms"
        )
    print(f"\n    alternatives (p=1, {table_runs} runs each; median / p95 ms)")
    print("    t   m MiB   hash median   hash p95   verify median   verify p95")
    for time_cost in (1, 2, 3):
        for mib in (16, 32, 64):
            hashes, verifies = time_argon2(time_cost, mib * 1024, 1, table_runs)
            mark = "  <- configured" if (time_cost, mib * 1024, 1) == (t, m, p) else ""
            print(
                f"    {time_cost}   {mib:5d}   {percentile(hashes, 50):11.1f}   "
                f"{percentile(hashes, 95):8.1f}   {percentile(verifies, 50):13.1f}   "
                f"{percentile(verifies, 95):10.1f}{mark}"
            )


# --- (b) database and accounts --------------------------------------------------------------


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing a non-loopback database host: {host!r}")


def prepare_database(url: str) -> str:
    """Create the database if needed, drop its schema, migrate; return the SQLAlchemy URL."""
    import sqlalchemy as sa

    from backend import migrate
    from backend.config import normalise_database_url

    check_loopback(url)
    sa_url = normalise_database_url(url)
    name = sa.engine.make_url(sa_url).database
    if not re.fullmatch(r"\w*bench\w*", name or "", re.ASCII):
        raise SystemExit(f"refusing to wipe database {name!r}: its name must contain 'bench'")
    admin = sa.create_engine(
        sa.engine.make_url(sa_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = sa.create_engine(sa_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(sa_url)
    return sa_url


def create_accounts(sa_url: str, count: int, instance_dir: str) -> list[str]:
    """``count`` citizens hashed with the configured (production) parameters; their e-mails."""
    from backend import create_app
    from backend.accounts import services
    from backend.core.transaction import task_transaction

    app = create_app(
        {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DATABASE_URL": sa_url,
            "INSTANCE_DIR": instance_dir,
            "MAIL_OUTBOX_DIR": os.path.join(instance_dir, "outbox"),
            "LOG_LEVEL": "WARNING",
        }
    )
    emails = [f"bench{n:03d}@example.vn" for n in range(count)]
    with app.app_context(), task_transaction():
        for n, address in enumerate(emails):
            services.register_citizen(
                full_name="Người Đo Tải",
                # Hà Nội (001), male born in the 1900s (0), 1990 (90), then a sequence.
                personal_id=f"001090{n:06d}",
                date_of_birth=date(1990, 1, 1),
                email=address,
                phone=None,
                password=PASSWORD,
            )
    app.extensions["db_engine"].dispose()
    return emails


# --- (b) gunicorn ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, port: int, workdir: str) -> subprocess.Popen:
    # An empty config file: the repository's gunicorn.conf.py (bind 0.0.0.0, access log,
    # worker recycling) would otherwise be read from the working directory.
    config = Path(workdir) / "gunicorn_bench.conf.py"
    config.write_text("")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "INSTANCE_DIR": workdir,
        "LOGIN_RATE_LIMIT_IP": UNLIMITED,
        "LOGIN_RATE_LIMIT_ACCOUNT": UNLIMITED,
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", str(config),
        "--workers", "2",
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "backend:create_app()",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_healthy(process: subprocess.Popen, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- (b) load -------------------------------------------------------------------------------


def drive(
    port: int,
    requests: list[tuple[str, str, bytes | None, dict]],
    *,
    threads: int,
    duration: float,
    max_requests: int,
) -> dict:
    """Send ``requests`` round-robin from ``threads`` threads until time or count runs out."""
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    statuses: Counter = Counter()
    started = time.perf_counter()
    stop_at = started + duration

    def take() -> int | None:
        nonlocal issued
        with lock:
            if issued >= max_requests or time.perf_counter() >= stop_at:
                return None
            issued += 1
            return issued - 1

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        seen: Counter = Counter()
        while (index := take()) is not None:
            method, path, body, headers = requests[index % len(requests)]
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                seen[response.status] += 1
            except (OSError, http.client.HTTPException) as exc:
                seen[type(exc).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "statuses": statuses}


def print_load(title: str, result: dict, ok_status: int) -> None:
    latencies, statuses = result["latencies"], result["statuses"]
    total = len(latencies)
    errors = total - statuses.get(ok_status, 0)
    print(f"    {title}")
    print(
        f"      {total} requests in {result['elapsed']:.1f} s = "
        f"{total / result['elapsed']:.1f} req/s; errors {errors}"
        + (f" {dict(statuses)}" if errors else "")
    )
    marks = "  ".join(f"p{q} {percentile(latencies, q):.1f}" for q in (50, 95, 99))
    print(f"      latency ms: {marks}  max {max(latencies, default=float('nan')):.1f}")


def sign_in_requests(emails: list[str]) -> list[tuple[str, str, bytes, dict]]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    return [
        (
            "POST",
            "/api/v1/auth/token",
            json.dumps({"username": address, "password": PASSWORD}).encode(),
            headers,
        )
        for address in emails
    ]


def fetch_tokens(port: int, emails: list[str]) -> list[str]:
    tokens = []
    for _method, path, body, headers in sign_in_requests(emails):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        payload = json.loads(response.read())
        connection.close()
        if response.status != 200:
            raise SystemExit(f"sign-in failed while preparing tokens: {response.status} {payload}")
        tokens.append(payload["access_token"])
    return tokens


def report_http(args: argparse.Namespace) -> None:
    print(
        f"\n(b) gunicorn, 2 sync workers, {args.threads} client threads, "
        f"at most {args.duration:.0f} s or {args.max_requests} requests per phase"
    )
    with tempfile.TemporaryDirectory(prefix="bench-auth-") as workdir:
        sa_url = prepare_database(args.database_url)
        started = time.perf_counter()
        emails = create_accounts(sa_url, args.accounts, workdir)
        print(
            f"    database {urlsplit(args.database_url).path.lstrip('/')!r} rebuilt; "
            f"{len(emails)} citizens created in {time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        process = start_gunicorn(sa_url, port, workdir)
        try:
            wait_healthy(process, port)
            result = drive(
                port,
                sign_in_requests(emails),
                threads=args.threads,
                duration=args.duration,
                max_requests=args.max_requests,
            )
            print_load(
                "POST /api/v1/auth/token (argon2id verify + session + audit row)", result, 200
            )
            tokens = fetch_tokens(port, emails)
            me = [
                ("GET", "/api/v1/auth/me", None, {"Authorization": f"Bearer {token}"})
                for token in tokens
            ]
            result = drive(
                port, me, threads=args.threads, duration=args.duration,
                max_requests=args.max_requests,
            )  # fmt: skip
            print_load("GET /api/v1/auth/me (bearer token, session lookup)", result, 200)
        finally:
            stop_gunicorn(process)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per load phase")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="loopback PostgreSQL database to wipe and use (name with 'bench')",
    )
    parser.add_argument("--max-requests", type=int, default=20000, help="cap per load phase")
    parser.add_argument("--accounts", type=int, default=20, help="citizen accounts to create")
    parser.add_argument("--runs", type=int, default=30, help="argon2 runs, configured params")
    parser.add_argument("--table-runs", type=int, default=10, help="argon2 runs per alternative")
    parser.add_argument("--skip-argon2", action="store_true", help="only the HTTP part")
    parser.add_argument("--skip-http", action="store_true", help="only the argon2 part")
    args = parser.parse_args(argv)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"sign-in benchmark: {os.cpu_count()} CPUs, load average {load}, "
        f"Python {sys.version.split()[0]}\n"
    )
    if not args.skip_argon2:
        report_argon2(args.runs, args.table_runs)
    if not args.skip_http:
        report_http(args)


if __name__ == "__main__":
    main()
