"""VNPay IPN throughput: requests/s and latency of the IPN endpoint under gunicorn.

Run from the repository root::

    .venv/bin/python -m bench.payments.run [--payments 5000] [--duration 20] [--threads 8]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_payments]

Wipes and migrates the loopback database (default ``bench_payments``; its name must contain
``bench``). Through the service layer: one agency, a published procedure charging a fee at
submission, ``--citizens`` citizens, and ``--services`` dossiers (default 1; form filled, both
required files stored in a temporary folder, submitted: awaiting payment) each with a pending
VNPay payment (``start_payment``), in batches of one transaction each; the other dossiers up
to ``--payments`` are cloned from the first with set-based SQL (dossier, process-log and
attachment rows, payment). Starts gunicorn with 2 sync workers on a free 127.0.0.1 port (an
empty gunicorn config, the dev-only simulator terminal ``DEVSIM01`` and its secret), and
drives ``GET /api/v1/payments/vnpay/ipn?<signed params>`` from ``--threads`` client threads
with this mix:

* 80 % ``first``: the first successful IPN of a pending payment (expects RspCode 00);
* 15 % ``retry``: VNPay retrying the very same IPN of a payment already settled (expects 02);
* 5 % ``bad``: a tampered IPN, amount changed after signing (expects 97).

After ``--warmup`` unmeasured requests, the measured phase runs for ``--duration`` seconds or
until the pending payments run out. It prints requests/s overall and per kind, latency
p50/p95/p99/max, errors (another answer than expected, HTTP or network errors) and the CPU
time used by gunicorn, PostgreSQL and the client. Gunicorn is always stopped; then the
database is checked: every settled payment has exactly one receipt and one ``pay`` step, no
payment or dossier was credited twice, and the 00/02/97 answers recorded by the server match
what the clients received.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from bench.auth.run import (
    free_port,
    percentile,
    prepare_database,
    stop_gunicorn,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_payments"
PASSWORD = "Mat-khau-do-tai-2026"  # benchmark accounts only
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AGENCY_CODE = "000.00.31.H29"
PROCEDURE_CODE = "1.001193"  # tests.catalog_fixtures: form full_name, files TK and GCS
FEE = 200_000
TMN_CODE = "DEVSIM01"  # the dev-only simulator terminal
#: A Redis database of its own for the Celery queues of the run (flushed before and after).
BROKER_URL = "redis://127.0.0.1:6379/14"
IPN_PATH = "/api/v1/payments/vnpay/ipn"
KINDS = ("first", "retry", "bad")
#: Share of each kind; "first" takes what is left.
SHARES = {"retry": 0.15, "bad": 0.05}
EXPECTED = {"first": "00", "retry": "02", "bad": "97"}
TARGET_RATE = 300.0
TARGET_P99_MS = 100.0
#: Safety bound on the number of requests of one phase, whatever the other limits.
MAX_REQUESTS = 1_000_000


def log(message: str = "") -> None:
    print(message, flush=True)


def marks(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {percentile(values, 50):6.1f}  p95 {percentile(values, 95):6.1f}  "
        f"p99 {percentile(values, 99):6.1f}  max {max(values):6.1f} ms"
    )


# --- settings ---------------------------------------------------------------------------------


def server_settings(sa_url: str, workdir: str, secret: str) -> dict[str, str]:
    """Environment of gunicorn (and, typed, the configuration of the in-process app)."""
    from backend.config import DEV_VNPAY_SECRET

    return {
        "DATABASE_URL": sa_url,
        "SECRET_KEY": secret,
        "INSTANCE_DIR": workdir,
        "STORAGE_BACKEND": "local",
        "STORAGE_LOCAL_DIR": os.path.join(workdir, "files"),
        "MAIL_OUTBOX_DIR": os.path.join(workdir, "outbox"),
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SIMULATORS_ENABLED": "false",
        "VNPAY_TMN_CODE": TMN_CODE,
        "VNPAY_HASH_SECRET": DEV_VNPAY_SECRET,
        # As deployed: work after commit (documents, notifications, webhooks) is queued for
        # the Celery workers, not run inside the request. No worker consumes it here; the
        # queues are emptied at the end.
        "CELERY_BROKER_URL": BROKER_URL,
    }


def flush_broker() -> dict[str, int]:
    """Empty the run's Redis database; the length of each queue it held."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    queued = {
        key.decode(): client.llen(key) for key in client.scan_iter() if client.type(key) == b"list"
    }
    client.flushdb()
    client.close()
    return queued


def make_app(settings: dict[str, str]):
    from backend import create_app

    # Overrides are used as given: booleans must be booleans here.
    return create_app({**settings, "SIMULATORS_ENABLED": False})


# --- data -------------------------------------------------------------------------------------


def create_catalogue_and_citizens(app, citizens: int) -> list[int]:
    """One agency, the fee-charging procedure, ``citizens`` citizens; their ids."""
    from backend.accounts import services as accounts
    from backend.catalog import services as catalog
    from backend.catalog.schemas import ProcedureInputSchema
    from backend.core.transaction import task_transaction
    from backend.extensions import db
    from tests.catalog_fixtures import procedure_payload

    fee = {
        "code": "LP",
        "name_vi": "Lệ phí đăng ký khai sinh",
        "name_en": "Birth registration fee",
        "amount": FEE,
        "kind": "fee",
        "payable": "at_submission",
    }
    with app.app_context():
        with task_transaction():
            catalog.create_agency(
                {
                    "code": AGENCY_CODE,
                    "name_vi": "UBND phường Bến Nghé",
                    "name_en": "Ben Nghe Ward People's Committee",
                    "level": "commune",
                },
                actor=None,
            )
            data = ProcedureInputSchema().load(procedure_payload(AGENCY_CODE, fees=[fee]))
            catalog.publish_procedure(data, actor=None)
            ids = [
                accounts.register_citizen(
                    full_name="Người Thanh Toán",
                    # Hồ Chí Minh (079), female born in the 1900s (1), 1988 (88), a sequence.
                    personal_id=f"079188{n:06d}",
                    date_of_birth=date(1988, 5, 17),
                    email=f"pay{n:04d}@bench.dvc.vn",
                    phone=None,
                    password=PASSWORD,
                ).id
                for n in range(citizens)
            ]
        db.session.remove()
    return ids


def create_pending_payments(
    app, owner_ids: list[int], count: int, batch: int
) -> list[tuple[str, int]]:
    """``count`` submitted dossiers awaiting payment, each with a pending VNPay payment, through
    the services; (txn_ref, amount) of the payments, in creation order."""
    from backend.accounts.models import User
    from backend.core.transaction import task_transaction
    from backend.dossiers import services as dossiers
    from backend.extensions import db
    from backend.payments import services as payments

    refs: list[tuple[str, int]] = []
    with app.app_context():
        for start in range(0, count, batch):
            with task_transaction():
                owners = list(
                    db.session.scalars(
                        sa.select(User).where(User.id.in_(owner_ids)).order_by(User.id)
                    )
                )
                for index in range(start, min(start + batch, count)):
                    owner = owners[index % len(owners)]
                    dossier = dossiers.create_draft(owner=owner, procedure_code=PROCEDURE_CODE)
                    dossiers.update_draft(
                        dossier, actor=owner, form_data={"full_name": owner.full_name}
                    )
                    for component in ("TK", "GCS"):
                        dossiers.add_attachment(
                            dossier,
                            actor=owner,
                            component_code=component,
                            stream=io.BytesIO(PDF),
                            filename=f"{component.lower()}.pdf",
                        )
                    dossiers.submit(dossier, actor=owner)
                    payment, _url = payments.start_payment(
                        dossier, payer=owner, ip_addr="127.0.0.1"
                    )
                    refs.append((payment.txn_ref, payment.amount))
            db.session.remove()
    return refs


def _columns(connection, table: str) -> list[str]:
    """Columns of ``table`` that an INSERT must give (all but a sequence-filled id)."""
    return [
        column["name"]
        for column in sa.inspect(connection).get_columns(table)
        if not str(column.get("default") or "").startswith("nextval(")
    ]


def _clone(connection, table: str, overrides: dict[str, str], joins: str, where: str, params):
    """``INSERT INTO table SELECT`` every column of the template rows ``t`` (filtered by
    ``where``), joined with ``joins``, except ``overrides`` (SQL expressions); new columns
    added by later migrations are copied from the template as they are."""
    columns = _columns(connection, table)
    unknown = set(overrides) - set(columns)
    if unknown:
        raise SystemExit(f"{table} has no column(s) {sorted(unknown)}: update bench.payments")
    values = ", ".join(overrides.get(name, f"t.{name}") for name in columns)
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {values} FROM {table} t {joins} WHERE {where}"
    )
    return connection.execute(sa.text(statement), params)


def clone_pending_payments(
    sa_url: str, template_txn_ref: str, owner_ids: list[int], copies: int
) -> list[tuple[str, int]]:
    """``copies`` more submitted dossiers awaiting payment with a pending payment each, cloned
    with set-based SQL from the template made through the services: the dossier row, its
    process-log and attachment rows and its payment, with a new uuid, the next official codes
    of the same agency and day (the daily counter moves on), the owners' identity as applicant
    and payer, and fresh references. Attachment rows point at storage keys without files and
    the template's audit rows and outbox events are not copied (the IPN reads neither)."""
    from backend.catalog.units import unaccent

    if copies <= 0:
        return []
    engine = sa.create_engine(sa_url)
    with engine.begin() as connection:
        payment = connection.execute(
            sa.text("SELECT id, dossier_id, amount FROM payments WHERE txn_ref = :ref"),
            {"ref": template_txn_ref},
        ).one()
        dossier = connection.execute(
            sa.text("SELECT id, code, receiving_agency_id FROM dossiers WHERE id = :id"),
            {"id": payment.dossier_id},
        ).one()
        prefix, _sequence = dossier.code.rsplit("-", 1)
        day = connection.scalar(
            sa.text("SELECT to_date(split_part(:code, '-', 2), 'YYMMDD')"),
            {"code": dossier.code},
        )
        last = connection.scalar(
            sa.text(
                "UPDATE dossier_code_counters SET last_value = last_value + :copies "
                "WHERE agency_id = :agency AND day = :day RETURNING last_value - :copies"
            ),
            {"copies": copies, "agency": dossier.receiving_agency_id, "day": day},
        )
        owners = {
            row.id: row
            for row in connection.execute(
                sa.text("SELECT id, full_name, personal_id FROM users WHERE id = ANY(:ids)"),
                {"ids": owner_ids},
            )
        }
        codes, searches, owner_column, refs = [], [], [], []
        for k in range(1, copies + 1):
            owner = owners[owner_ids[k % len(owner_ids)]]
            code = f"{prefix}-{last + k:04d}"
            codes.append(code)
            searches.append(unaccent(f"{code} {owner.full_name} {owner.personal_id or ''}"))
            owner_column.append(owner.id)
            # The format of start_payment: yymmddHHMMSS then 8 upper-case hex digits.
            refs.append(f"{template_txn_ref[:12]}{k:08X}")
        template = {"dossier": dossier.id}
        _clone(
            connection,
            "dossiers",
            {
                "uuid": "gen_random_uuid()",
                "code": "v.code",
                "search_text": "v.search_text",
                "owner_id": "v.owner_id",
                "applicant_name": "u.full_name",
                "applicant_personal_id": "u.personal_id",
                "applicant_date_of_birth": "u.date_of_birth",
                "applicant_phone": "u.phone",
                "applicant_email": "u.email",
                "form_data": "jsonb_set(t.form_data, '{full_name}', to_jsonb(u.full_name))",
            },
            "CROSS JOIN unnest(CAST(:codes AS text[]), CAST(:searches AS text[]), "
            "CAST(:owners AS bigint[])) AS v(code, search_text, owner_id) "
            "JOIN users u ON u.id = v.owner_id",
            "t.id = :dossier",
            {**template, "codes": codes, "searches": searches, "owners": owner_column},
        )
        clones = (
            "JOIN dossiers d ON d.code = ANY(CAST(:codes AS text[])) "
            "JOIN users u ON u.id = d.owner_id"
        )
        _clone(
            connection,
            "dossier_process_log",
            {"dossier_id": "d.id", "actor_uuid": "u.uuid", "actor_name": "u.full_name"},
            clones,
            "t.dossier_id = :dossier",
            {**template, "codes": codes},
        )
        _clone(
            connection,
            "dossier_attachments",
            {
                "uuid": "gen_random_uuid()",
                "dossier_id": "d.id",
                "storage_key": "'dossiers/' || replace(d.uuid::text, '-', '') || '/' "
                "|| replace(gen_random_uuid()::text, '-', '')",
                "uploaded_by": "u.uuid",
            },
            clones,
            "t.dossier_id = :dossier",
            {**template, "codes": codes},
        )
        _clone(
            connection,
            "payments",
            {
                "uuid": "gen_random_uuid()",
                "dossier_id": "d.id",
                "payer_id": "d.owner_id",
                "txn_ref": "v.txn_ref",
            },
            "CROSS JOIN unnest(CAST(:codes AS text[]), CAST(:refs AS text[])) "
            "AS v(code, txn_ref) JOIN dossiers d ON d.code = v.code",
            "t.id = :payment",
            {"payment": payment.id, "codes": codes, "refs": refs},
        )
    engine.dispose()
    return [(ref, payment.amount) for ref in refs]


def analyse(sa_url: str) -> dict[str, int]:
    engine = sa.create_engine(sa_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        counts = dict(
            connection.execute(
                sa.text(
                    "SELECT 'pending payments', count(*) FROM payments WHERE status = 'pending' "
                    "UNION ALL SELECT 'dossiers awaiting payment', count(*) FROM dossiers "
                    "WHERE awaiting_payment AND status = 'submitted' AND amount_due > 0"
                )
            ).all()
        )
    engine.dispose()
    return counts


# --- signed IPN messages ----------------------------------------------------------------------


def ipn_query(txn_ref: str, amount: int, transaction_no: int, *, tamper: bool = False) -> str:
    """The query string of a successful IPN, signed with the dev-only simulator secret (as in
    ``tests.payment_fixtures.ipn_params``); ``tamper`` changes the amount after signing."""
    from backend.config import DEV_VNPAY_SECRET
    from backend.core.clock import utcnow
    from backend.payments.gateways.vnpay import encode_query, format_vnp_datetime, hmac_sha512

    params = {
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{transaction_no}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi ho so",
        "vnp_PayDate": format_vnp_datetime(utcnow()),
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": TMN_CODE,
        "vnp_TransactionNo": str(transaction_no),
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": txn_ref,
    }
    params["vnp_SecureHash"] = hmac_sha512(DEV_VNPAY_SECRET, encode_query(params))
    if tamper:
        params["vnp_Amount"] = str(amount * 10)  # a tenth of the fee
    return encode_query(params)


class Plan:
    """What to send next, shared by the client threads: the mix, the pending payments not
    yet notified, and the first IPNs answered 00 (which retries resend verbatim)."""

    def __init__(self, refs: list[tuple[str, int]], seed: int) -> None:
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.refs = refs
        # Signed before the measured phase: in production VNPay signs on its own servers, and
        # the client shares the two CPUs with the server here.
        self.queries = [
            ipn_query(txn_ref, amount, 14_000_000 + index)
            for index, (txn_ref, amount) in enumerate(refs)
        ]
        self.tampered = [
            ipn_query(txn_ref, amount, 14_000_000 + index, tamper=True)
            for index, (txn_ref, amount) in enumerate(refs)
        ]
        self.next_first = 0
        self.settled: list[str] = []
        self.exhausted = False
        #: Over every phase: what was sent and what came back, per kind.
        self.sent: Counter = Counter()
        self.answers: Counter = Counter()

    def take(self) -> tuple[str, int | None, str | None] | None:
        """(kind, index of the payment for first/bad, query for retry), or None when the
        pending payments are used up."""
        with self.lock:
            if self.exhausted:
                return None
            roll = self.rng.random()
            if roll < SHARES["bad"]:
                kind, index, query = "bad", self.rng.randrange(len(self.refs)), None
            elif roll < SHARES["bad"] + SHARES["retry"] and self.settled:
                kind, index, query = "retry", None, self.rng.choice(self.settled)
            else:  # also the first few retries, before any payment is settled
                if self.next_first >= len(self.refs):
                    self.exhausted = True
                    return None
                kind, index, query = "first", self.next_first, None
                self.next_first += 1
            self.sent[kind] += 1
            return kind, index, query

    def done(self, kind: str, query: str, answer: str) -> None:
        with self.lock:
            self.answers[kind, answer] += 1
            if kind == "first" and answer == "00":
                self.settled.append(query)


def _get(port: int, query: str) -> str:
    """One IPN over a new connection, as VNPay sends it; the ``RspCode`` answered, or
    ``HTTP <status>``. A plain socket, not ``http.client``: the client shares the two CPUs with
    the server, and gunicorn's sync worker waits for the client to close the connection after
    each response (RFC 9112 §9.6), so a slow client would count as a slow server."""
    request = f"GET {IPN_PATH}?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(f"{request}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        return f"HTTP {status}"
    return json.loads(body).get("RspCode", "?")


def drive(port: int, plan: Plan, *, threads: int, duration: float, limit: int) -> dict:
    """Send IPNs from ``threads`` threads for ``duration`` seconds, ``limit`` requests or until
    the plan runs out; per request (kind, answer, milliseconds)."""
    lock = threading.Lock()
    issued = 0
    samples: list[tuple[str, str, float]] = []
    started = time.perf_counter()
    stop_at = started + duration

    def next_job():
        nonlocal issued
        with lock:
            if issued >= limit or time.perf_counter() >= stop_at:
                return None
            issued += 1
        return plan.take()

    def worker() -> None:
        mine: list[tuple[str, str, float]] = []
        while (job := next_job()) is not None:
            kind, index, query = job
            if query is None:
                query = (plan.tampered if kind == "bad" else plan.queries)[index]
            began = time.perf_counter()
            try:
                answer = _get(port, query)
            except (OSError, ValueError, IndexError) as exc:  # IndexError: no status line
                answer = type(exc).__name__
            mine.append((kind, answer, (time.perf_counter() - began) * 1000))
            plan.done(kind, query, answer)
        with lock:
            samples.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"elapsed": time.perf_counter() - started, "samples": samples}


# --- gunicorn and CPU accounting --------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def start_gunicorn(
    settings: dict[str, str], port: int, workdir: str, app: str = "backend:create_app()"
) -> subprocess.Popen:
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
        app,
    ]  # fmt: skip
    # The log (rejected checksums are logged as warnings, failures with tracebacks) goes to a
    # file, summarised at the end.
    with open(gunicorn_log(workdir), "ab") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **settings}, stdout=output, stderr=output
        )


def gunicorn_log(workdir: str) -> Path:
    return Path(workdir) / "gunicorn.log"


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


# --- report -----------------------------------------------------------------------------------


def report_load(result: dict, cpu: dict[str, float]) -> dict:
    samples, elapsed = result["samples"], result["elapsed"]
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    for kind, answer, ms in samples:
        by_kind[kind].append(ms)
        if answer != EXPECTED[kind]:
            errors[kind, answer] += 1
    everything = [ms for _kind, _answer, ms in samples]
    rate = len(samples) / elapsed if elapsed else 0.0
    log(f"    {len(samples)} requests in {elapsed:.1f} s = {rate:.1f} req/s")
    log(f"      {'all':<6} {marks(everything)}")
    for kind in KINDS:
        values = by_kind.get(kind, [])
        share = 100 * len(values) / len(samples) if samples else 0.0
        log(
            f"      {kind:<6} {len(values):6d} ({share:4.1f} %) {len(values) / elapsed:6.1f}/s  "
            f"expects {EXPECTED[kind]}  {marks(values)}"
        )
    total_errors = sum(errors.values())
    detail = "  " + ", ".join(f"{k}->{a}: {n}" for (k, a), n in sorted(errors.items()))
    log(f"    errors {total_errors}" + (detail if total_errors else ""))
    if cpu:
        per_request = {k: 1000 * v / max(len(samples), 1) for k, v in cpu.items()}
        log(
            "    CPU seconds: "
            + ", ".join(f"{k} {v:.1f} ({per_request[k]:.2f} ms/request)" for k, v in cpu.items())
            + f"; wall {elapsed:.1f} s x {os.cpu_count()} CPUs"
        )
    p99 = percentile(everything, 99) if everything else float("nan")
    met = rate >= TARGET_RATE and p99 < TARGET_P99_MS and not total_errors
    verdict = "met" if met else "MISSED"
    log(
        f"    target >= {TARGET_RATE:.0f} req/s and p99 < {TARGET_P99_MS:.0f} ms, no errors: "
        f"{verdict} ({rate:.1f} req/s, p99 {p99:.1f} ms)"
    )
    return {"rate": rate, "p99": p99, "errors": total_errors}


def verify(sa_url: str, plan: Plan) -> bool:
    """Check the database against what the clients received; print and return the verdict."""
    client = Counter()
    for (_kind, answer), count in plan.answers.items():
        client[answer] += count
    queries = {
        "payments by status": "SELECT status, count(*) FROM payments GROUP BY status",
        "IPN results": (
            "SELECT coalesce(result, '-'), count(*) FROM payment_gateway_messages "
            "WHERE kind = 'ipn' GROUP BY result"
        ),
    }
    checks = {
        "settled payments without exactly one receipt": """
            SELECT count(*) FROM payments p
            WHERE p.status = 'succeeded'
              AND (SELECT count(*) FROM payment_receipts r WHERE r.payment_id = p.id) <> 1""",
        "receipts of payments not settled": """
            SELECT count(*) FROM payment_receipts r JOIN payments p ON p.id = r.payment_id
            WHERE p.status <> 'succeeded'""",
        "receipts whose amount differs from the payment": """
            SELECT count(*) FROM payment_receipts r JOIN payments p ON p.id = r.payment_id
            WHERE r.amount <> p.amount""",
        "payments answered 00 more than once": """
            SELECT count(*) FROM (SELECT payment_id FROM payment_gateway_messages
                WHERE kind = 'ipn' AND result = '00' GROUP BY payment_id
                HAVING count(*) > 1) AS twice""",
        "payments credited twice (audit payments.succeeded)": """
            SELECT count(*) FROM (SELECT subject FROM audit_events
                WHERE event = 'payments.succeeded' GROUP BY subject
                HAVING count(*) > 1) AS twice""",
        "dossiers with more than one 'pay' step": """
            SELECT count(*) FROM (SELECT dossier_id FROM dossier_process_log
                WHERE action = 'pay' GROUP BY dossier_id HAVING count(*) > 1) AS twice""",
        "settled payments whose dossier still awaits payment": """
            SELECT count(*) FROM payments p JOIN dossiers d ON d.id = p.dossier_id
            WHERE p.status = 'succeeded' AND (d.awaiting_payment OR d.amount_due <> 0)""",
        "dossiers released without a settled payment": """
            SELECT count(*) FROM dossiers d
            WHERE d.status = 'submitted' AND NOT d.awaiting_payment AND NOT EXISTS (
                SELECT 1 FROM payments p WHERE p.dossier_id = d.id AND p.status = 'succeeded')""",
        "duplicate receipt numbers": """
            SELECT count(*) - count(DISTINCT number) FROM payment_receipts""",
    }
    engine = sa.create_engine(sa_url)
    ok = True
    with engine.connect() as connection:
        status = dict(connection.execute(sa.text(queries["payments by status"])).all())
        results = dict(connection.execute(sa.text(queries["IPN results"])).all())
        problems = {name: connection.scalar(sa.text(sql)) for name, sql in checks.items()}
        receipts = connection.execute(
            sa.text(
                "SELECT count(*), coalesce(sum(amount), 0), "
                "max(substring(number from '[0-9]+$'))::int FROM payment_receipts"
            )
        ).one()
    engine.dispose()
    log(f"    payments by status: {dict(sorted(status.items()))}")
    log(
        f"    receipts: {receipts[0]} worth {receipts[1]:,} VND, highest number "
        f"{receipts[2] or 0} (no gap when it equals the count)"
    )
    for name, count in problems.items():
        mark = "ok" if count == 0 else "PROBLEM"
        ok &= count == 0
        log(f"    {name}: {count}  {mark}")
    for code in ("00", "02", "97"):
        same = results.get(code, 0) == client.get(code, 0)
        ok &= same
        log(
            f"    answers {code}: clients received {client.get(code, 0)}, server recorded "
            f"{results.get(code, 0)}  {'ok' if same else 'PROBLEM'}"
        )
    settled_ok = status.get("succeeded", 0) == client.get("00", 0)
    ok &= settled_ok
    log(
        f"    succeeded payments {status.get('succeeded', 0)} = 00 answers "
        f"{client.get('00', 0)}  {'ok' if settled_ok else 'PROBLEM'}"
    )
    others = {a: n for a, n in client.items() if a not in ("00", "02", "97")}
    if others:
        ok = False
        log(f"    other answers received (not recorded as 00/02/97): {others}  PROBLEM")
    sent = dict(plan.sent)
    log(f"    sent over all phases: {sent}; answers by kind: {dict(sorted(plan.answers.items()))}")
    log(f"    verification: {'passed' if ok else 'FAILED'}")
    return ok


def summarise_log(workdir: str) -> None:
    """Counts of gunicorn's log: rejected checksums (expected), failed IPNs and the exceptions
    that ended their tracebacks."""
    path = gunicorn_log(workdir)
    if not path.exists():
        return
    lines = path.read_text(errors="replace").splitlines()
    checksum = sum("not verified" in line for line in lines)
    failed = sum("IPN failed" in line for line in lines)
    exceptions = Counter(
        line.split(" [SQL:")[0][:140]
        for line in lines
        if re.match(r"^[\w.]+(Error|Exception|Violation|Timeout)\b.*: ", line)
    )
    log(
        f"    gunicorn log: {len(lines)} lines, {checksum} rejected-checksum warnings, "
        f"{failed} 'IPN failed' errors"
    )
    for text, count in exceptions.most_common(5):
        log(f"      {count:6d} x {text}")


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=8000, help="pending payments to create")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of measured load")
    parser.add_argument("--threads", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests first")
    parser.add_argument("--citizens", type=int, default=20, help="payers owning the dossiers")
    parser.add_argument(
        "--services",
        type=int,
        default=1,
        help="dossiers made through the service layer (the rest are cloned from the first)",
    )
    parser.add_argument("--batch", type=int, default=250, help="dossiers per transaction")
    parser.add_argument("--seed", type=int, default=20261127, help="seed of the request mix")
    parser.add_argument(
        "--app",
        default="backend:create_app()",
        help="gunicorn application (to compare a variant of the code importable from PYTHONPATH)",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="loopback PostgreSQL database to wipe and use (name with 'bench')",
    )
    args = parser.parse_args(argv)
    if min(args.payments, args.threads, args.citizens, args.batch, args.services) < 1:
        parser.error("--payments, --threads, --citizens, --batch and --services must be > 0")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    log(
        f"IPN benchmark: {os.cpu_count()} CPUs, load average {load}, "
        f"Python {sys.version.split()[0]}"
    )
    flush_broker()
    with tempfile.TemporaryDirectory(prefix="bench-payments-") as workdir:
        started = time.perf_counter()
        sa_url = prepare_database(args.database_url)
        name = urlsplit(args.database_url).path.lstrip("/")
        log(f"(a) database {name!r} rebuilt in {time.perf_counter() - started:.1f} s")
        settings = server_settings(sa_url, workdir, secrets.token_urlsafe(32))
        app = make_app(settings)
        started = time.perf_counter()
        owner_ids = create_catalogue_and_citizens(app, args.citizens)
        log(f"    agency, fee procedure and {len(owner_ids)} citizens in "
            f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        started = time.perf_counter()
        through_services = min(args.services, args.payments)
        refs = create_pending_payments(app, owner_ids, through_services, args.batch)
        app.extensions["db_engine"].dispose()
        seconds = time.perf_counter() - started
        log(
            f"    {len(refs)} dossier(s) drafted, filled, given both files, submitted and a "
            f"payment started through the services in {seconds:.1f} s"
        )
        started = time.perf_counter()
        refs += clone_pending_payments(
            sa_url, refs[0][0], owner_ids, args.payments - through_services
        )
        counts = analyse(sa_url)
        log(
            f"    {args.payments - through_services} more cloned from the first with set-based "
            f"SQL in {time.perf_counter() - started:.1f} s; {counts}"
        )
        if counts.get("pending payments") != args.payments:
            raise SystemExit(f"expected {args.payments} pending payments, found {counts}")

        plan = Plan(refs, args.seed)
        port = free_port()
        log(
            f"\n(b) gunicorn, 2 sync workers, {args.threads} client threads; {args.warmup} "
            f"warm-up requests, then {args.duration:.0f} s or until the payments run out"
        )
        process = start_gunicorn(settings, port, workdir, args.app)
        try:
            wait_healthy(process, port)
            drive(port, plan, threads=args.threads, duration=60.0, limit=args.warmup)
            servers = gunicorn_pids(process.pid)
            backends = backend_pids(sa_url)
            before = (process_cpu(servers), process_cpu(backends), time.process_time())
            result = drive(
                port, plan, threads=args.threads, duration=args.duration, limit=MAX_REQUESTS
            )
            cpu = {
                "gunicorn": process_cpu(servers) - before[0],
                f"postgres ({len(backends)} backends)": process_cpu(backends) - before[1],
                "client": time.process_time() - before[2],
            }
            why = "payments used up" if plan.exhausted else "duration reached"
            log(f"    measured phase ended: {why}")
            report_load(result, cpu)
        finally:
            stop_gunicorn(process)
            log(f"    tasks queued for the workers during the run: {flush_broker()}")
        summarise_log(workdir)
        log("\n(c) database checks after gunicorn stopped")
        if not verify(sa_url, plan):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
