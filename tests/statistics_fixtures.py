"""Hand-made dossier histories for the statistics tests: every date is given explicitly in
Vietnam time, so each expected figure can be worked out by hand."""

from __future__ import annotations

import itertools
from datetime import datetime

from backend.core.clock import VN_TZ
from backend.dossiers.models import Dossier, DossierAttachment, SupplementRequest
from backend.dossiers.states import STATUS_CODES, DossierStatus
from backend.extensions import db
from backend.integration.models import DvcqgDossierSync
from backend.payments.models import Payment
from backend.results.models import IssuedDocument
from backend.statistics.models import SatisfactionRating

_serial = itertools.count(1)


def vn(year, month, day, hour=0, minute=0) -> datetime:
    """A moment in Vietnam time."""
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def dossier(version, agency, owner, *, status: str, channel: int = 2, **dates) -> Dossier:
    """A dossier row with the given status and dates (no workflow run)."""
    n = next(_serial)
    draft = status == DossierStatus.DRAFT
    row = Dossier(
        code=None if draft else f"{agency.code}-STAT-{n:05d}",
        procedure_version_id=version.id,
        receiving_agency_id=agency.id,
        competent_agency_id=agency.id,
        owner_id=owner.id,
        channel=channel,
        status=status,
        status_code=STATUS_CODES.get(DossierStatus(status)),
        applicant_name=owner.full_name,
        applicant_personal_id=owner.personal_id,
        last_activity_at=dates.get("submitted_at") or vn(2026, 1, 1),
        form_data={},
        **dates,
    )
    db.session.add(row)
    db.session.flush()
    return row


def supplement(row: Dossier, round_: int, requested_at, accepted_at=None, policy="pause"):
    db.session.add(
        SupplementRequest(
            dossier_id=row.id,
            round=round_,
            requested_at=requested_at,
            items=[{"component_code": None, "description": "Bản sao"}],
            deadline_at=requested_at.replace(year=requested_at.year + 1),
            clock_policy=policy,
            supplied_at=accepted_at,
            accepted_at=accepted_at,
        )
    )
    db.session.flush()
    db.session.expire(row, ["supplements"])


def attachment(row: Dossier, *, reused: bool = False, document=None):
    n = next(_serial)
    db.session.add(
        DossierAttachment(
            dossier_id=row.id,
            component_code="TK",
            storage_key=f"stat/{n}",
            filename="to-khai.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_at=row.submitted_at,
            reused=reused,
            issued_document_id=document.id if document is not None else None,
        )
    )
    db.session.flush()


def issued_document(row: Dossier | None, holder) -> IssuedDocument:
    n = next(_serial)
    document = IssuedDocument(
        holder_personal_id=holder.personal_id,
        holder_name=holder.full_name,
        type_code="GKS",
        title_vi="Giấy khai sinh",
        title_en="Birth certificate",
        number=f"{n}/GKS",
        issuer_code="000.00.00.H29",
        issuer_name="UBND",
        issued_at=vn(2025, 1, 1),
        storage_key=f"doc/{n}",
        filename="kq.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        dossier_id=row.id if row is not None else None,
        created_at=vn(2025, 1, 1),
    )
    db.session.add(document)
    db.session.flush()
    return document


def payment(row: Dossier, owner, status: str = "succeeded"):
    n = next(_serial)
    db.session.add(
        Payment(
            dossier_id=row.id,
            purpose="submission",
            amount=8000,
            status=status,
            gateway="vnpay",
            txn_ref=f"STAT{n}",
            gateway_created_at=row.submitted_at,
            expires_at=row.submitted_at,
            payer_id=owner.id,
            paid_at=row.submitted_at if status == "succeeded" else None,
        )
    )
    db.session.flush()


def rating(row: Dossier, owner, overall: int, **scores):
    values = dict.fromkeys(("timeliness", "contacts", "agencies", "attitude", "ease"), overall)
    values.update(scores)
    db.session.add(
        SatisfactionRating(
            dossier_id=row.id,
            rater_id=owner.id,
            overall=overall,
            rated_at=row.finished_at,
            updated_at=row.finished_at,
            **values,
        )
    )
    db.session.flush()


def sync_flag(row: Dossier, *, known: bool, synced_at=None, synced: int = 0, attempts: int = 0):
    """The dossier's DVCQG sync flag as :func:`backend.integration.dvcqg.sync` leaves it."""
    db.session.add(
        DvcqgDossierSync(
            dossier_id=row.id,
            synced=synced,
            known_to_portal=known,
            changed_at=row.submitted_at,
            synced_at=synced_at,
            attempts=attempts,
            last_error="http-500" if attempts else None,
        )
    )
    db.session.flush()
