"""What notifications cost: the extra time a dossier step spends adding them, and how fast
queued e-mails leave for a real SMTP server.

Run from the repository root::

    .venv/bin/python -m bench.notifications.run [--submissions 300] [--officers 5]
        [--mails 500] [--database-url postgresql://postgres@127.0.0.1:5432/bench_notify]

(a) Wipes and migrates the loopback database (its name must contain ``bench``), publishes one
procedure at an agency with ``--officers`` reception officers and prepares ready drafts through
the service layer. (b) Submits them alternately with the notification receiver disconnected and
connected, each submission in its own transaction (``submit`` + commit), with
Celery publishing to an in-memory broker, as in production: the request pays for adding the
rows and publishing the send tasks, never for sending. Prints the mean and p95 per submission
and the difference. (c) Sends ``--mails`` queued e-mails one by one (``deliver_message`` in its
own transaction, one SMTP connection each, as the worker does) to an aiosmtpd server on a free
loopback port; prints messages/s.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time

import sqlalchemy as sa

from bench.auth.run import percentile, prepare_database

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log(message: str = "") -> None:
    print(message, flush=True)


def make_app(sa_url: str, instance: str, **extra):
    from backend import create_app

    return create_app(
        {
            "APP_ENV": "development",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123",
            "DATABASE_URL": sa_url,
            "INSTANCE_DIR": instance,
            "STORAGE_LOCAL_DIR": f"{instance}/files",
            "MAIL_OUTBOX_DIR": f"{instance}/outbox",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )


def seed(officer_count: int, drafts: int):
    """An agency with reception officers, a citizen, a procedure and ready drafts."""
    from backend.accounts.models import User
    from backend.catalog.models import Agency
    from backend.dossiers import services as dossiers
    from backend.extensions import db
    from tests.catalog_fixtures import publish

    agency = Agency(
        code="000.00.01.B01", name_vi="Sở Bench", name_en="Bench Dept", level="department"
    )
    db.session.add(agency)
    db.session.flush()
    publish(agency.code)
    for n in range(officer_count):
        officer = User(
            kind="officer",
            full_name=f"Cán bộ {n}",
            email=f"officer{n}@bench.gov.vn",
            agency_id=agency.id,
            password_hash="x",
        )
        officer.set_roles(["reception_officer"])
        db.session.add(officer)
    citizen = User(
        kind="citizen",
        full_name="Nguyễn Văn Bench",
        personal_id="001095000001",
        date_of_birth=__import__("datetime").date(1995, 1, 1),
        email="citizen@bench.dvc.vn",
        password_hash="x",
    )
    db.session.add(citizen)
    db.session.flush()
    ids = []
    for _ in range(drafts):
        draft = dossiers.create_draft(owner=citizen, procedure_code="1.001193")
        dossiers.update_draft(draft, actor=citizen, form_data={"full_name": "Nguyễn Văn An"})
        for component in ("TK", "GCS"):
            dossiers.add_attachment(
                draft,
                actor=citizen,
                component_code=component,
                stream=io.BytesIO(PDF),
                filename="f.pdf",
            )
        ids.append(draft.id)
    return citizen.id, ids


def submit_all(ids: list[int], citizen_id: int) -> list[float]:
    from backend.accounts.models import User
    from backend.core.transaction import task_transaction
    from backend.dossiers import services as dossiers
    from backend.dossiers.models import Dossier
    from backend.extensions import db

    timings = []
    for dossier_id in ids:
        started = time.perf_counter()
        with task_transaction():
            dossier = db.session.get(Dossier, dossier_id)
            dossiers.submit(dossier, actor=db.session.get(User, citizen_id))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_notify"
    )
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--officers", type=int, default=5)
    parser.add_argument("--mails", type=int, default=500)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from backend.core.transaction import task_transaction
    from backend.dossiers.events import step_recorded
    from backend.extensions import db
    from backend.notifications import receivers, services
    from backend.notifications.models import Message
    from tests.notification_fixtures import Inbox, free_port

    sa_url = prepare_database(args.database_url)
    instance = tempfile.mkdtemp(prefix="bench-notify-")
    app = make_app(sa_url, instance, CELERY_BROKER_URL="memory://", CELERY_TASK_ALWAYS_EAGER=False)
    with app.app_context():
        with task_transaction():
            citizen_id, ids = seed(args.officers, args.submissions)
        # Warm up (first queries compile, the first publication connects the broker), then
        # alternate with and without the receiver so both see the same machine load.
        submit_all(ids[:10], citizen_id)
        without, with_rows = [], []
        for index, dossier_id in enumerate(ids[10:]):
            connected = index % 2 == 1
            if connected:
                step_recorded.connect(receivers.on_step_recorded)
            else:
                step_recorded.disconnect(receivers.on_step_recorded)
            (with_rows if connected else without).extend(submit_all([dossier_id], citizen_id))
        step_recorded.connect(receivers.on_step_recorded)
        queued = db.session.scalar(sa.select(sa.func.count()).select_from(Message))
        log(f"submissions: {len(without)} without and {len(with_rows)} with notifications")
        log(
            f"  per submission, {args.officers} reception officers told (in-app + e-mail) "
            f"and the citizen (in-app + e-mail); {queued} messages queued"
        )
        for name, values in (("without", without), ("with", with_rows)):
            log(
                f"  {name:8} mean {statistics.mean(values):6.2f} ms   "
                f"p95 {percentile(values, 95):6.2f} ms"
            )
        delta = statistics.mean(with_rows) - statistics.mean(without)
        log(f"  added by notifications: {delta:.2f} ms per submission (mean)")

        inbox = Inbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        app.config.update(
            MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none"
        )
        message_ids = db.session.scalars(
            sa.select(Message.id).where(Message.status == "queued").order_by(Message.id)
        ).all()[: args.mails]
        started = time.perf_counter()
        for message_id in message_ids:
            with task_transaction():
                services.deliver_message(message_id, last_attempt=True)
        elapsed = time.perf_counter() - started
        controller.stop()
        sent = db.session.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.status == "sent")
        )
        log(
            f"delivery: {len(message_ids)} e-mails to aiosmtpd on loopback in {elapsed:.2f} s "
            f"= {len(message_ids) / elapsed:.0f} messages/s (one worker process, "
            f"{len(inbox.messages)} received, {sent} marked sent)"
        )
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
