"""Dossier reads: the citizen's own dossiers, the timeline in plain words, public lookup."""

from __future__ import annotations

import hmac

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from backend.accounts.models import User
from backend.catalog.models import Procedure, ProcedureVersion
from backend.core.api import paginate
from backend.core.i18n import register_messages, translate
from backend.dossiers.errors import AttachmentNotFound, DossierNotFound, LookupNotFound
from backend.dossiers.models import Dossier, DossierAttachment
from backend.dossiers.states import DossierStatus
from backend.extensions import db


def get_for_owner_or_404(dossier_id, user: User) -> Dossier:
    """The user's own dossier; another citizen's is "not found", never "forbidden"."""
    dossier = db.session.scalar(
        sa.select(Dossier).where(Dossier.uuid == dossier_id, Dossier.owner_id == user.id)
    )
    if dossier is None:
        raise DossierNotFound()
    return dossier


def can_officer_see(dossier: Dossier, officer: User) -> bool:
    """Officers see the dossiers their agency receives or decides; admins see all."""
    if officer.kind != "officer":
        return False
    return officer.has_role("admin") or officer.agency_id in (
        dossier.receiving_agency_id,
        dossier.competent_agency_id,
    )


def get_attachment_for(dossier_id, attachment_id, user: User) -> tuple[Dossier, DossierAttachment]:
    """An attachment the user may download: the owner's, or an officer's of a handling agency."""
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.uuid == dossier_id))
    allowed = dossier is not None and (
        dossier.owner_id == user.id or can_officer_see(dossier, user)
    )
    if not allowed:
        raise DossierNotFound()
    attachment = next((a for a in dossier.attachments if a.uuid == attachment_id), None)
    if attachment is None:
        raise AttachmentNotFound()
    return dossier, attachment


def list_for_owner(user: User, filters: dict) -> dict:
    """One page of the user's dossiers, latest change first, with the total, in one statement
    plus one for the agencies (only the columns the list shows are loaded)."""
    version = joinedload(Dossier.procedure_version)
    stmt = (
        sa.select(Dossier)
        .where(Dossier.owner_id == user.id)
        .options(
            version.load_only(
                ProcedureVersion.number,
                ProcedureVersion.name_vi,
                ProcedureVersion.name_en,
                ProcedureVersion.procedure_id,
            ),
            version.lazyload(ProcedureVersion.competent_agency),
            version.joinedload(ProcedureVersion.procedure).load_only(Procedure.code),
            selectinload(Dossier.receiving_agency),
        )
        .order_by(Dossier.updated_at.desc(), Dossier.id.desc())
    )
    if filters.get("status"):
        stmt = stmt.where(Dossier.status == filters["status"])
    return paginate(db.session, stmt, filters["page"], filters["size"])


def timeline(dossier: Dossier) -> list[dict]:
    """Every process-log row, in plain words (vi/en by the request's language)."""
    return [
        {
            "occurred_at": entry.occurred_at,
            "action": entry.action,
            "text": translate(f"timeline.{entry.action}"),
            "status": entry.status,
            "status_code": entry.status_code,
            "actor_role": entry.actor_role,
            "agency_code": entry.agency_code,
            "note": entry.note,
            "step_due_at": entry.step_due_at,
        }
        for entry in dossier.log
    ]


def next_step(dossier: Dossier) -> dict | None:
    """What the citizen is expected to do now, if anything."""
    status = DossierStatus(dossier.status)
    deadline = None
    if status is DossierStatus.DRAFT:
        code = "complete"
    elif dossier.awaiting_payment or status is DossierStatus.PAYMENT_REQUESTED:
        code = "pay"
    elif status is DossierStatus.SUBMITTED:
        code = "wait-reception"
    elif status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        code, deadline = "wait-result", dossier.due_at
    elif status is DossierStatus.SUPPLEMENT_REQUESTED:
        current = dossier.supplements[-1] if dossier.supplements else None
        if current is not None and current.supplied_at is None:
            code, deadline = "supplement", current.deadline_at
        else:
            code = "wait-supplement-check"
    elif status is DossierStatus.RESOLVED:
        code = "collect"
    else:
        return None
    return {"code": code, "text": translate(f"next.{code}"), "deadline_at": deadline}


def citizen_view(dossier: Dossier) -> Dossier:
    """Attach the computed parts of the citizen's view to the dossier for dumping."""
    dossier.timeline = timeline(dossier)
    dossier.next_step = next_step(dossier)
    return dossier


def lookup(code: str, personal_id: str) -> Dossier:
    """Public tracking: the same "not found" for an unknown code and a wrong ID number."""
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.code == code.strip()))
    expected = (dossier.applicant_personal_id or "") if dossier is not None else ""
    if dossier is None or not hmac.compare_digest(expected, personal_id):
        raise LookupNotFound()
    dossier.status_text = translate(f"status.{dossier.status}")
    return dossier


register_messages(
    {
        "timeline.submit": {"vi": "Đã nộp hồ sơ trực tuyến", "en": "Dossier submitted online"},
        "timeline.accept": {"vi": "Hồ sơ được tiếp nhận", "en": "Dossier received"},
        "timeline.refuse": {"vi": "Hồ sơ bị từ chối tiếp nhận", "en": "Dossier refused"},
        "timeline.request_supplement": {
            "vi": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            "en": "Documents requested",
        },
        "timeline.supply": {"vi": "Đã gửi hồ sơ bổ sung", "en": "Documents supplied"},
        "timeline.accept_supplement": {
            "vi": "Hồ sơ bổ sung được chấp nhận",
            "en": "Supplement accepted",
        },
        "timeline.assign": {"vi": "Chuyển xử lý", "en": "Assigned for processing"},
        "timeline.forward": {"vi": "Chuyển bước xử lý", "en": "Forwarded"},
        "timeline.return_for_rework": {"vi": "Trả lại để xử lý lại", "en": "Returned for rework"},
        "timeline.request_payment": {
            "vi": "Yêu cầu thực hiện nghĩa vụ tài chính",
            "en": "Payment requested",
        },
        "timeline.payment_settled": {"vi": "Đã thanh toán", "en": "Payment received"},
        "timeline.pay": {"vi": "Đã nộp phí qua VNPay", "en": "Fee paid through VNPay"},
        "timeline.resume_reception": {
            "vi": "Hồ sơ bổ sung được chấp nhận, chờ tiếp nhận",
            "en": "Supplement accepted, back to reception",
        },
        "timeline.approve": {"vi": "Lãnh đạo đã phê duyệt", "en": "Approved"},
        "timeline.reject": {"vi": "Lãnh đạo không phê duyệt", "en": "Not approved"},
        "timeline.issue": {"vi": "Đã ban hành kết quả", "en": "Result issued"},
        "timeline.deliver": {"vi": "Đã trả kết quả", "en": "Result delivered"},
        "timeline.withdraw": {"vi": "Hồ sơ đã được rút", "en": "Dossier withdrawn"},
        "timeline.stop": {"vi": "Dừng xử lý hồ sơ", "en": "Processing stopped"},
        "timeline.apologize": {
            "vi": "Thư xin lỗi và hẹn lại ngày trả kết quả",
            "en": "Apology and new due date",
        },
        "next.complete": {
            "vi": "Hoàn thiện tờ khai, đính kèm giấy tờ và nộp hồ sơ.",
            "en": "Complete the form, attach the documents and submit.",
        },
        "next.pay": {"vi": "Thanh toán phí, lệ phí.", "en": "Pay the fee."},
        "next.wait-reception": {
            "vi": "Chờ cán bộ tiếp nhận hồ sơ.",
            "en": "Waiting for an officer to receive the dossier.",
        },
        "next.wait-result": {
            "vi": "Hồ sơ đang được giải quyết; chờ kết quả theo ngày hẹn trả.",
            "en": "The dossier is being processed; the result is due by the due date.",
        },
        "next.supplement": {
            "vi": "Bổ sung giấy tờ theo yêu cầu trước thời hạn.",
            "en": "Provide the requested documents before the deadline.",
        },
        "next.wait-supplement-check": {
            "vi": "Chờ cán bộ kiểm tra hồ sơ bổ sung.",
            "en": "Waiting for an officer to check the supplement.",
        },
        "next.collect": {
            "vi": "Kết quả đã sẵn sàng: tải về hoặc nhận theo hình thức đã chọn.",
            "en": "The result is ready: download it or collect it as chosen.",
        },
        "status.draft": {"vi": "Bản nháp", "en": "Draft"},
        "status.submitted": {"vi": "Mới đăng ký", "en": "Submitted"},
        "status.received": {"vi": "Được tiếp nhận", "en": "Received"},
        "status.refused": {"vi": "Không được tiếp nhận", "en": "Refused"},
        "status.processing": {"vi": "Đang xử lý", "en": "Processing"},
        "status.supplement_requested": {
            "vi": "Yêu cầu bổ sung giấy tờ",
            "en": "Documents requested",
        },
        "status.payment_requested": {
            "vi": "Yêu cầu thực hiện nghĩa vụ tài chính",
            "en": "Payment requested",
        },
        "status.withdrawn": {"vi": "Công dân yêu cầu rút hồ sơ", "en": "Withdrawn"},
        "status.stopped": {"vi": "Dừng xử lý", "en": "Stopped"},
        "status.resolved": {"vi": "Đã xử lý xong", "en": "Resolved"},
        "status.delivered": {"vi": "Đã trả kết quả", "en": "Result delivered"},
    }
)
