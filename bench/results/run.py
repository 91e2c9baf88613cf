"""Issuing signed results: documents per second per worker, and where the time goes.

Run from the repository root::

    .venv/bin/python -m bench.results.run [--documents 200] [--workers 1 2]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_results]

Wipes and migrates the loopback database (default ``bench_results``; its name must contain
``bench``). Through the services: one agency, the birth-registration procedure of
``tests.catalog_fixtures`` (its result template is ``birth_certificate``), one citizen, and
``--documents`` dossiers drafted, filled, given both files and submitted, then put straight
into the clerk's hands (processing, decision approved, numbered) and their results ordered with
``results.services.order_result`` (the Celery task is not sent: the benchmark runs it).

Then, for each ``--workers`` value W, W processes (one app each, like W Celery workers of the
``results`` queue on this machine) share the pending documents and run exactly what the task
runs, ``results.services.produce`` inside ``task_transaction()``: render (Jinja2 + WeasyPrint,
PDF/A-2a, tagged), sign (pyHanko PAdES B-B, EC P-256 dev key, visible stamp), store (local
folder), mark valid and resolve the dossier, commit. Each worker warms up first (one unmeasured
render and signature, as a worker does at start). It prints documents/s in all and per worker,
the per-document split render / sign / rest (storage, database, commit) with p50 and p95, and
the issuance time per document (p50/p95/max). Separately it times the signature alone on one
rendered PDF: with the visible stamp, without it, and the key parse pyHanko's ``SimpleSigner``
would repeat on every signature.

Targets (results issue): signing adds under 50 ms per document (EC P-256, B-B); issuance p95
under 500 ms.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from bench.auth.run import percentile, prepare_database

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_results"
AGENCY_CODE = "000.31.01.H56"
PROCEDURE_CODE = "1.001193"  # tests.catalog_fixtures: result template birth_certificate
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Mat-khau-do-tai-2026"  # benchmark account only
TARGET_SIGN_MS = 50.0
TARGET_P95_MS = 500.0


def log(message: str = "") -> None:
    print(message, flush=True)


def settings(sa_url: str, workdir: str) -> dict:
    return {
        "DATABASE_URL": sa_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "INSTANCE_DIR": workdir,
        "STORAGE_BACKEND": "local",
        "STORAGE_LOCAL_DIR": os.path.join(workdir, "files"),
        "MAIL_OUTBOX_DIR": os.path.join(workdir, "outbox"),
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SIMULATORS_ENABLED": False,
        "CELERY_BROKER_URL": None,
        "CELERY_TASK_ALWAYS_EAGER": True,
    }


def make_app(config: dict):
    from backend import create_app

    return create_app(config)


def create_orders(app, count: int) -> list[int]:
    """``count`` dossiers waiting for their signed result; the ids of the ordered documents."""
    from backend.accounts import services as accounts
    from backend.catalog import services as catalog
    from backend.catalog.schemas import ProcedureInputSchema
    from backend.core.clock import utcnow
    from backend.core.transaction import task_transaction
    from backend.dossiers import services as dossiers
    from backend.dossiers.states import DossierStatus
    from backend.extensions import db
    from backend.results import services as results
    from tests.catalog_fixtures import procedure_payload

    ids: list[int] = []
    results.queue_production = lambda document: None  # the benchmark runs the task itself
    with app.app_context():
        with task_transaction():
            catalog.create_agency(
                {
                    "code": AGENCY_CODE,
                    "name_vi": "UBND phường Nha Trang",
                    "name_en": "Nha Trang Ward People's Committee",
                    "level": "commune",
                    "address": "26 Hoàng Hoa Thám, phường Nha Trang, tỉnh Khánh Hòa",
                },
                actor=None,
            )
            catalog.publish_procedure(
                ProcedureInputSchema().load(procedure_payload(AGENCY_CODE)), actor=None
            )
            owner = accounts.register_citizen(
                full_name="Nguyễn Thị Ánh Tuyết",
                personal_id="056190001234",
                date_of_birth=date(1990, 4, 12),
                email="tuyet@bench.dvc.vn",
                phone=None,
                password=PASSWORD,
            )
        for start in range(0, count, 50):
            with task_transaction():
                for n in range(start, min(start + 50, count)):
                    dossier = dossiers.create_draft(owner=owner, procedure_code=PROCEDURE_CODE)
                    dossiers.update_draft(
                        dossier, actor=owner, form_data={"full_name": "Nguyễn Văn An"}
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
                    now = utcnow()
                    dossier.received_at, dossier.due_at = now, now + timedelta(days=3)
                    dossier.set_status(DossierStatus.PROCESSING)
                    dossier.decision = "approved"
                    dossier.stage = results.ISSUING
                    dossier.result_number, dossier.result_symbol = str(n + 1), "GKS"
                    db.session.flush()
                    ids.append(results.order_result(dossier, officer=None).id)
        db.session.remove()
    return ids


class Timer:
    """Wraps a module function and records how long each call took: wall clock, and the
    CPU time of this process (which other load on the machine does not inflate)."""

    def __init__(self, module, name: str):
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.last = (0.0, 0.0)
        setattr(module, name, self)

    def __call__(self, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.last = (time.perf_counter() - wall, time.process_time() - cpu)


def worker(config: dict, document_ids: list[int], queue) -> None:
    """One worker: warm up, then produce its share; sends (render, sign, total) per document."""
    from backend.core.transaction import task_transaction
    from backend.extensions import db
    from backend.results import keys, rendering, services, signing

    app = make_app(config)
    with app.app_context():
        pdf = rendering.render_pdf("forms/receipt_slip.html", rendering.sample_context())
        info = keys.signer_for(AGENCY_CODE, "UBND phường Nha Trang")
        signing.sign_pdf(pdf, signer=info.signer, signer_name=info.name, agency_name="x")
        render = Timer(rendering, "render_pdf")
        sign = Timer(signing, "sign_pdf")
        timings = []
        started = time.perf_counter()
        for document_id in document_ids:
            wall, cpu = time.perf_counter(), time.process_time()
            with task_transaction():
                document = services.produce(document_id)
                assert document is not None and document.status == "valid"
            total = (time.perf_counter() - wall, time.process_time() - cpu)
            timings.append((render.last, sign.last, total))
        wall = time.perf_counter() - started
        db.session.remove()
    app.extensions["db_engine"].dispose()
    queue.put((timings, wall))


def run_workers(config: dict, ids: list[int], workers: int) -> tuple[list, float, list[float]]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    shares = [ids[i::workers] for i in range(workers)]
    processes = [context.Process(target=worker, args=(config, s, queue)) for s in shares]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a worker failed (exit code {process.exitcode})")
    timings = [t for result in results for t in result[0]]
    per_worker = [len(r[0]) / r[1] for r in results]
    return timings, wall, per_worker


def marks(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"p50 {percentile(ms, 50):6.1f}  p95 {percentile(ms, 95):6.1f}  max {max(ms):6.1f} ms"


def signature_alone(config: dict, runs: int) -> None:
    """Sign one rendered result ``runs`` times: stamp, no stamp, and the key parse."""
    from cryptography.hazmat.primitives import serialization

    from backend.results import keys, rendering, signing

    app = make_app(config)
    with app.app_context():
        pdf = rendering.render_pdf("forms/receipt_slip.html", rendering.sample_context())
        info = keys.signer_for(AGENCY_CODE, "UBND phường Nha Trang")

        def stamped():
            signing.sign_pdf(pdf, signer=info.signer, signer_name=info.name, agency_name="x")

        def invisible():
            from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
            from pyhanko.sign import signers
            from pyhanko.sign.fields import SigSeedSubFilter

            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            meta = signers.PdfSignatureMetadata(
                field_name="Sig", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
            )
            signers.PdfSigner(meta, signer=info.signer).sign_pdf(writer, output=io.BytesIO())

        def key_parse():
            serialization.load_der_private_key(info.signer.signing_key.dump(), password=None)

        for label, func in (
            ("B-B, visible stamp (what issuance does)", stamped),
            ("B-B, no visible stamp", invisible),
            ("EC key parse (SimpleSigner repeats it)", key_parse),
        ):
            func()
            samples, cpu = [], []
            for _ in range(runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                func()
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            log(f"    {label:<42} wall {marks(samples)}")
            log(f"    {'':<42} CPU  {marks(cpu)}")
    app.extensions["db_engine"].dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200, help="results to issue per run")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="worker processes to compare"
    )
    parser.add_argument("--sign-runs", type=int, default=50, help="signatures timed alone")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="loopback PostgreSQL database to wipe and use (name with 'bench')",
    )
    args = parser.parse_args(argv)
    if args.documents < 1 or min(args.workers) < 1:
        parser.error("--documents and --workers must be > 0")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    log(
        f"Results benchmark: {os.cpu_count()} CPUs, load average {load}, "
        f"Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-results-") as workdir:
        sa_url = prepare_database(args.database_url)
        config = settings(sa_url, workdir)
        name = urlsplit(args.database_url).path.lstrip("/")
        log(f"(a) database {name!r} rebuilt; dev keys in {workdir}/keys")
        for workers in args.workers:
            app = make_app(config)
            started = time.perf_counter()
            ids = create_orders(app, args.documents) if workers == args.workers[0] else None
            if ids is None:
                ids = reset_orders(app)
            app.extensions["db_engine"].dispose()
            log(
                f"\n(b) {len(ids)} results ordered in {time.perf_counter() - started:.1f} s; "
                f"{workers} worker process(es) render, sign and store them"
            )
            timings, wall, per_worker = run_workers(config, ids, workers)
            log(
                f"    {len(timings) / wall:6.1f} documents/s in all (wall {wall:.1f} s, process "
                f"start and warm-up included); per worker: "
                + ", ".join(f"{rate:.1f}/s" for rate in per_worker)
            )
            for clock, index in (("wall", 0), ("CPU of the worker", 1)):
                render = [t[0][index] for t in timings]
                sign = [t[1][index] for t in timings]
                total = [t[2][index] for t in timings]
                rest = [t[2][index] - t[0][index] - t[1][index] for t in timings]
                log(f"    {clock}:")
                log(f"      render  {marks(render)}")
                log(f"      sign    {marks(sign)}")
                log(f"      rest    {marks(rest)}   (storage, database, commit)")
                log(f"      issue   {marks(total)}")
            p95 = percentile([t[2][0] * 1000 for t in timings], 95)
            p95_cpu = percentile([t[2][1] * 1000 for t in timings], 95)
            sign_p50 = percentile([t[1][1] * 1000 for t in timings], 50)
            log(
                f"    targets: signing under {TARGET_SIGN_MS:.0f} ms (CPU p50 {sign_p50:.1f}): "
                f"{'met' if sign_p50 < TARGET_SIGN_MS else 'NOT met'}; issuance p95 under "
                f"{TARGET_P95_MS:.0f} ms: wall {p95:.1f} "
                f"({'met' if p95 < TARGET_P95_MS else 'NOT met'}), CPU {p95_cpu:.1f} "
                f"({'met' if p95_cpu < TARGET_P95_MS else 'NOT met'})"
            )
        log(f"\n(c) the signature alone, {args.sign_runs} runs each")
        signature_alone(config, args.sign_runs)
        verify(sa_url, len(ids))


def reset_orders(app) -> list[int]:
    """Put the issued documents back to pending (and their dossiers back to issuing), so the
    next run issues the same number of results."""
    from backend.core.transaction import task_transaction
    from backend.dossiers.models import Dossier
    from backend.extensions import db
    from backend.results.models import IssuedDocument
    from backend.results.services import ISSUING

    with app.app_context():
        with task_transaction():
            db.session.execute(
                sa.update(IssuedDocument)
                .where(IssuedDocument.kind == "result")
                .values(
                    status="pending",
                    storage_key=None,
                    sha256=None,
                    size=None,
                    attempts=0,
                )
            )
            db.session.execute(
                sa.update(Dossier)
                .where(Dossier.status == "resolved")
                .values(status="processing", status_code=4, stage=ISSUING)
            )
        ids = list(
            db.session.scalars(
                sa.select(IssuedDocument.id)
                .where(IssuedDocument.kind == "result")
                .order_by(IssuedDocument.id)
            )
        )
        db.session.remove()
    return ids


def verify(sa_url: str, expected: int) -> None:
    engine = sa.create_engine(sa_url)
    with engine.connect() as connection:
        valid = connection.scalar(
            sa.text("SELECT count(*) FROM issued_documents WHERE status = 'valid'")
        )
        resolved = connection.scalar(
            sa.text("SELECT count(*) FROM dossiers WHERE status = 'resolved'")
        )
    engine.dispose()
    ok = valid == expected and resolved == expected
    log(
        f"\n(d) check: {valid} valid documents, {resolved} resolved dossiers "
        f"({'ok' if ok else 'MISMATCH'})"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
