"""Issuing electronic documents: order, render + sign + store (the task), revoke, deliver.

A document is *ordered* inside the business transaction that calls for it (the clerk's issue
action, a reception officer's accept / supplement request / refusal, a settled payment): one
``pending`` :class:`IssuedDocument` row with its number, holder, template and a verification
code, unique by ``source_key``, and the ``results.produce_document`` task queued after commit.
The task renders the PDF, signs it as the agency, stores it under a key derived from the row
(a retry overwrites the same key, never a second file) and marks the row ``valid``; for a
result, the dossier becomes resolved (status 9) in the same transaction. Stored PDFs are never
rewritten.
"""

from __future__ import annotations

import hashlib
import io
import logging

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.catalog.models import Agency
from backend.core import audit
from backend.core.clock import utcnow
from backend.core.files import sanitize_filename
from backend.core.storage import get_storage
from backend.core.transaction import after_commit
from backend.dossiers import states
from backend.dossiers.models import CHANNEL_ONLINE, Dossier
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.results import keys, rendering, signing
from backend.results.context import render_context
from backend.results.errors import AlreadyRevoked, NotRetryable
from backend.results.models import (
    KIND_FEE_RECEIPT,
    KIND_RECEIPT_SLIP,
    KIND_REFUSAL,
    KIND_RESULT,
    KIND_SUPPLEMENT_REQUEST,
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_REVOKED,
    STATUS_VALID,
    IssuedDocument,
)

log = logging.getLogger(__name__)

#: The dossier's back-office stage while its result is being rendered and signed (not a
#: national status: the dossier stays "processing" (4) until the signed PDF is stored).
ISSUING = "issuing"

#: kind → (type code, title vi, title en) of the one-stop desk's forms.
FORMS = {
    KIND_RECEIPT_SLIP: (
        "MAU01",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Receipt and appointment slip",
    ),
    KIND_SUPPLEMENT_REQUEST: (
        "MAU02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Request to complete the dossier",
    ),
    KIND_REFUSAL: (
        "MAU03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "Refusal to accept the dossier",
    ),
    KIND_FEE_RECEIPT: ("BLDT", "Biên lai thu phí, lệ phí", "Fee e-receipt"),
}


# --- ordering -----------------------------------------------------------------------------------


def _holder(dossier: Dossier) -> tuple[str, str]:
    personal_id = dossier.applicant_personal_id or dossier.owner.personal_id or ""
    return dossier.applicant_name, personal_id


def _order(
    *,
    kind: str,
    source_key: str,
    dossier: Dossier,
    agency: Agency,
    type_code: str,
    title_vi: str,
    title_en: str,
    number: str,
    template: str,
    context: dict,
    ordered_by: User | None,
) -> IssuedDocument:
    existing = db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.source_key == source_key)
    )
    if existing is not None:  # the same action replayed: one document only
        return existing
    now = utcnow()
    holder_name, holder_id = _holder(dossier)
    document = IssuedDocument(
        kind=kind,
        status=STATUS_PENDING,
        source_key=source_key,
        holder_personal_id=holder_id,
        holder_name=holder_name,
        type_code=type_code,
        title_vi=title_vi,
        title_en=title_en,
        number=number,
        issuer_code=agency.code,
        issuer_name=agency.name_vi,
        agency_id=agency.id,
        issued_at=now,
        filename=sanitize_filename(f"{type_code}-{number}.pdf".replace("/", "-")),
        content_type="application/pdf",
        dossier_id=dossier.id,
        created_at=now,
        template=template,
        context=context,
        ordered_by=ordered_by.uuid if ordered_by else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        f"results.ordered.{kind}",
        actor_uuid=ordered_by.uuid if ordered_by else None,
        subject=dossier.code,
        data={"document": str(document.uuid), "number": number},
    )
    queue_production(document)
    return document


def queue_production(document: IssuedDocument) -> None:
    """Send ``results.produce_document`` once the current transaction has committed."""
    from backend.results.tasks import produce_document

    document_id = document.id
    after_commit(lambda: produce_document.delay(document_id))


def order_result(dossier: Dossier, *, officer: User) -> IssuedDocument:
    """The clerk issued the result: order the signed document (number, symbol, decision are
    on the dossier). The dossier waits in the ``issuing`` stage until the PDF is stored."""
    version = dossier.procedure_version
    rejected = dossier.decision == "rejected"
    template = f"results/{version.result_template}.html"
    if not rendering.template_exists(template):
        template = "results/generic.html"
    number = f"{dossier.result_number}/{dossier.result_symbol}"
    return _order(
        kind=KIND_RESULT,
        source_key=f"result:{dossier.uuid}",
        dossier=dossier,
        agency=dossier.competent_agency,
        type_code=version.result_type_code,
        title_vi="Thông báo không chấp thuận hồ sơ" if rejected else version.result_name_vi,
        title_en="Notice of rejection" if rejected else version.result_name_en,
        number=number,
        template=template,
        context={"decision": dossier.decision},
        ordered_by=officer,
    )


def order_form(
    dossier: Dossier,
    kind: str,
    *,
    officer: User | None,
    suffix: str = "",
    number: str | None = None,
    context: dict | None = None,
) -> IssuedDocument:
    """Order one of the one-stop desk's forms (Mẫu 01, 02, 03) or a fee e-receipt."""
    type_code, title_vi, title_en = FORMS[kind]
    return _order(
        kind=kind,
        source_key=f"{kind}:{dossier.uuid}{suffix}",
        dossier=dossier,
        agency=dossier.receiving_agency,
        type_code=type_code,
        title_vi=title_vi,
        title_en=title_en,
        number=number or f"{dossier.code}{suffix.replace(':', '-')}",
        template=rendering.FORM_TEMPLATES[kind],
        context=context or {},
        ordered_by=officer,
    )


# --- producing (the task) ---------------------------------------------------------------------


def _lock(document_id: int) -> IssuedDocument | None:
    return db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.id == document_id).with_for_update()
    )


def produce(document_id: int) -> IssuedDocument | None:
    """Render, sign and store a pending document, then resolve its dossier (results).

    Idempotent: a document that is not pending any more is left as it is (a retried or
    duplicated task makes no second file and no second transition). Raises whatever
    rendering, signing or storage raised; the task retries."""
    document = _lock(document_id)
    if document is None or document.status != STATUS_PENDING:
        return document
    dossier = db.session.get(Dossier, document.dossier_id)
    agency = db.session.get(Agency, document.agency_id)
    document.attempts += 1
    pdf = rendering.render_pdf(
        document.template,
        render_context(document, dossier),
        variant=current_app.config.get("RESULTS_PDF_VARIANT", rendering.DEFAULT_VARIANT),
    )
    signer = keys.signer_for(agency.code, agency.name_vi)
    signed = signing.sign_pdf(
        pdf, signer=signer.signer, signer_name=signer.name, agency_name=agency.name_vi
    )
    key = f"results/{document.uuid.hex}"
    get_storage().put(key, io.BytesIO(signed), content_type="application/pdf", size=len(signed))
    document.storage_key = key
    document.size = len(signed)
    document.sha256 = hashlib.sha256(signed).hexdigest()
    document.signer_name = signer.name
    document.signer_fingerprint = signer.fingerprint
    document.status = STATUS_VALID
    document.last_error = None
    db.session.flush()
    if document.kind == KIND_RESULT:
        _resolve(dossier, document)
    audit.record(
        f"results.issued.{document.kind}",
        subject=dossier.code,
        data={"document": str(document.uuid), "sha256": document.sha256},
    )
    return document


def _resolve(dossier: Dossier, document: IssuedDocument) -> None:
    """The signed result is stored: the dossier is resolved (9), recorded as the clerk's
    issue step."""
    from backend.dossiers import services as dossier_services

    if dossier.status != DossierStatus.PROCESSING or dossier.stage != ISSUING:
        log.warning("result stored for a dossier no longer issuing", extra={"code": dossier.code})
        return
    clerk = (
        db.session.scalar(sa.select(User).where(User.uuid == document.ordered_by))
        if document.ordered_by
        else None
    )
    dossier.finished_at = utcnow()
    dossier.stage = None
    dossier_services.transition(
        dossier,
        "issue",
        actor=clerk,
        role=states.CLERK,
        note=document.number,
        event_data={
            "decision": dossier.decision,
            "number": dossier.result_number,
            "symbol": dossier.result_symbol,
            "document": str(document.uuid),
            "sha256": document.sha256,
        },
    )


def record_failure(document_id: int, error: BaseException, *, final: bool) -> None:
    """Keep the error for officers; after the last retry the document is ``failed``."""
    document = _lock(document_id)
    if document is None or document.status != STATUS_PENDING:
        return
    document.attempts += 1
    document.last_error = f"{type(error).__name__}: {error}"[:2000]
    if final:
        document.status = STATUS_FAILED
        audit.record(
            "results.failed",
            subject=str(document.uuid),
            data={"error": document.last_error, "attempts": document.attempts},
        )
    db.session.flush()


def retry(document: IssuedDocument, *, officer: User) -> IssuedDocument:
    """An officer asks to issue a failed document again."""
    if document.status != STATUS_FAILED:
        raise NotRetryable()
    document.status = STATUS_PENDING
    audit.record("results.retried", actor_uuid=officer.uuid, subject=str(document.uuid))
    db.session.flush()
    queue_production(document)
    return document


# --- after issuance -----------------------------------------------------------------------------


def revoke(document: IssuedDocument, *, admin: User, reason: str) -> IssuedDocument:
    """Withdraw an issued document: verification answers "revoked" from now on. The stored
    file stays unchanged."""
    if document.status == STATUS_REVOKED:
        raise AlreadyRevoked()
    if document.status != STATUS_VALID:
        raise NotRetryable("results.not-issued")
    document.status = STATUS_REVOKED
    document.revoked_at = utcnow()
    document.revoked_by = admin.uuid
    document.revoked_reason = reason.strip()
    audit.record(
        "results.revoked",
        actor_uuid=admin.uuid,
        subject=str(document.uuid),
        data={"reason": document.revoked_reason, "number": document.number},
    )
    db.session.flush()
    return document


def record_download(document: IssuedDocument, *, holder: User) -> None:
    """The holder downloads: the first download of an online result delivers it (10)."""
    from backend.dossiers import services as dossier_services

    if document.downloaded_at is not None:
        return
    document.downloaded_at = utcnow()
    dossier = db.session.get(Dossier, document.dossier_id) if document.dossier_id else None
    if (
        document.kind == KIND_RESULT
        and document.status == STATUS_VALID
        and dossier is not None
        and dossier.channel == CHANNEL_ONLINE
        and dossier.status == DossierStatus.RESOLVED
    ):
        dossier.delivered_at = document.downloaded_at
        dossier_services.transition(
            dossier,
            "deliver",
            actor=holder,
            role=states.CITIZEN,
            note="Tải kết quả điện tử",
            event_data={"document": str(document.uuid)},
        )
    db.session.flush()


def masked_name(name: str) -> str:
    """``Nguyễn Văn An`` → ``N*** V** An``: enough to recognise, not to harvest."""
    words = name.split()
    if len(words) <= 1:
        return (name[:1] + "*" * max(len(name) - 1, 0)) if name else ""
    return " ".join([w[0] + "*" * (len(w) - 1) for w in words[:-1]] + [words[-1]])


def verify_upload(pdf: bytes) -> dict:
    """What ``POST /verify`` answers for an uploaded file."""
    digest = hashlib.sha256(pdf).hexdigest()
    document = _by_sha256(digest)
    checks = signing.validate_pdf(pdf, keys.trust_roots())
    signatures = [
        {
            "field": c.field,
            "signer": c.signer,
            "intact": c.intact,
            "trusted": c.trusted,
            "covers_whole_file": c.covers_whole_file,
            "signed_at": c.signed_at,
            "timestamped": c.timestamped,
            "valid": c.valid,
        }
        for c in checks or []
    ]
    return {
        "sha256": digest,
        "is_pdf": checks is not None,
        "identical_to_issued": document is not None,
        "signature_valid": bool(signatures) and all(s["valid"] for s in signatures),
        "signatures": signatures,
        "document": document,
    }


def _by_sha256(digest: str) -> IssuedDocument | None:
    from backend.results.queries import get_by_sha256

    return get_by_sha256(digest)
