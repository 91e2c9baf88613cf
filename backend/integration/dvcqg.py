"""Dossier sync with the National Public Service Portal (DVCQG, "Hệ thống điều phối"),
DOMAIN.md §6.1.

:func:`dossier_payload` and :func:`log_rows_payload` map a dossier and its process-log rows to
the portal's fields (status codes 1–10, dates ``yyyyMMddHHmmss`` in Vietnam time, files as
download URLs signed for the portal). :class:`DvcqgClient` pushes them: a new dossier, an
update (when the portal answers that it already exists), and the process log in batches of
10. :func:`sync` (the ``integration.sync_dvcqg`` beat task) pushes every dossier whose flag is
0 and its unsynced rows, then sets the flags to 1; a failure keeps them at 0 and backs off.
Every recorded step resets the dossier's flag (``receivers``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app

from backend.core.clock import VN_TZ, utcnow
from backend.core.db import UTCDateTime, upsert_insert
from backend.dossiers.models import Dossier, DossierAttachment, ProcessLogEntry
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.integration.models import DvcqgDossierSync, ExternalIdentity

log = logging.getLogger(__name__)

BATCH = 10
SYNC_LIMIT = 100
#: The portal's answer when a dossier or a process-log row is already there.
EXISTS = "đã tồn tại"

#: ChucDanh shown for each role.
ROLE_TITLES = {
    "citizen": "Công dân",
    "reception_officer": "Cán bộ tiếp nhận",
    "specialist": "Chuyên viên xử lý",
    "dept_head": "Trưởng phòng",
    "leader": "Lãnh đạo",
    "clerk": "Văn thư",
    "cashier": "Kế toán",
    "system": "Hệ thống",
    "onestop": "Hệ thống một cửa điện tử",
}
#: NoiDungXuLy for each action.
ACTION_TEXTS = {
    "submit": "Nộp hồ sơ",
    "accept": "Tiếp nhận hồ sơ",
    "refuse": "Từ chối tiếp nhận hồ sơ",
    "request_supplement": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "supply": "Công dân bổ sung hồ sơ",
    "accept_supplement": "Tiếp nhận hồ sơ bổ sung",
    "resume_reception": "Tiếp tục kiểm tra hồ sơ",
    "assign": "Phân công xử lý",
    "forward": "Chuyển xử lý",
    "return_for_rework": "Trả lại để xử lý lại",
    "request_payment": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "payment_settled": "Đã thực hiện nghĩa vụ tài chính",
    "approve": "Phê duyệt",
    "reject": "Không phê duyệt",
    "issue": "Ban hành kết quả",
    "deliver": "Trả kết quả",
    "withdraw": "Rút hồ sơ",
    "stop": "Dừng xử lý",
    "apologize": "Xin lỗi và hẹn lại ngày trả kết quả",
    "onestop_step": "Xử lý tại bộ phận một cửa",
}


class DvcqgError(Exception):
    """The portal refused a payload or could not be reached."""


def portal_datetime(moment: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time; empty when unknown."""
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S") if moment else ""


def file_token(kind: str, public_id: str) -> str:
    """A token naming one stored file, signed for the portal (no expiry: the portal keeps the
    link)."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"dvcqg-file:{kind}:{public_id}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}.{public_id}.{mac[:32]}"


def read_file_token(token: str) -> tuple[str, str] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    kind, public_id, _mac = parts
    if not hmac.compare_digest(file_token(kind, public_id), token):
        return None
    return kind, public_id


def stored_file(token: str):
    """The attachment (``tl``) or issued document (``kq``) a portal link names; 404 otherwise."""
    from backend.core.errors import NotFound
    from backend.results.models import IssuedDocument

    parsed = read_file_token(token)
    model = {"tl": DossierAttachment, "kq": IssuedDocument}.get(parsed[0]) if parsed else None
    stored = None
    if model is not None:
        try:
            stored = db.session.scalar(sa.select(model).where(model.uuid == uuid.UUID(parsed[1])))
        except ValueError:
            stored = None
    if stored is None:
        raise NotFound()
    return stored


def _file_url(kind: str, public_id) -> str:
    base = current_app.config["DVCQG_FILE_BASE_URL"].rstrip("/")
    return f"{base}/api/v1/integration/dvcqg/files/{file_token(kind, str(public_id))}"


def _paid_online(dossier: Dossier) -> int:
    from backend.payments.models import Payment

    paid = db.session.scalar(
        sa.select(sa.func.count(Payment.id)).where(
            Payment.dossier_id == dossier.id,
            Payment.status.in_(("succeeded", "partially_refunded", "refunded")),
        )
    )
    return 2 if paid else 0  # 2: through the province's own gateway (VNPay)


def dossier_payload(dossier: Dossier) -> dict:
    """The portal's dossier record (DOMAIN.md §6.1 field names)."""
    from backend.results.models import KIND_RESULT, STATUS_VALID, IssuedDocument

    version = dossier.procedure_version
    owner = dossier.owner
    vneid_subject = db.session.scalar(
        sa.select(ExternalIdentity.subject).where(
            ExternalIdentity.user_id == owner.id, ExternalIdentity.provider == "vneid"
        )
    )
    personal_id = dossier.applicant_personal_id or ""
    documents = db.session.scalars(
        sa.select(IssuedDocument)
        .where(
            IssuedDocument.dossier_id == dossier.id,
            IssuedDocument.kind == KIND_RESULT,  # not the desk's forms (slips, receipts)
            IssuedDocument.status == STATUS_VALID,
        )
        .order_by(IssuedDocument.id)
    ).all()
    refused = dossier.status == DossierStatus.REFUSED
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": version.procedure.code,
        "TenTTHC": version.name_vi,
        "MaLinhVuc": version.field_code,
        "TenLinhVuc": version.field_name_vi,
        "KenhThucHien": dossier.channel,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": 1,
        "MaDoiTuong": vneid_subject if dossier.channel == 2 and vneid_subject else "",
        "SoGiayToChuHoSo": personal_id,
        "DinhDanhCHS": [
            {"LoaiDinhDanh": 1 if len(personal_id) == 12 else 2, "SoDinhDanh": personal_id}
        ]
        if personal_id
        else [],
        "TrichYeuHoSo": f"{version.name_vi} - {dossier.applicant_name}"[:500],
        "NgayNopHoSo": portal_datetime(dossier.submitted_at),
        "NgayTiepNhan": portal_datetime(dossier.received_at),
        "NgayHenTra": portal_datetime(dossier.due_at),
        "NgayTuChoi": portal_datetime(dossier.closed_at) if refused else "",
        "NgayKetThucXuLy": portal_datetime(dossier.finished_at),
        "NgayTra": portal_datetime(dossier.delivered_at),
        "TrangThaiHoSo": dossier.status_code,
        "HinhThuc": 0,
        "DonViXuLy": dossier.competent_agency.code,
        "NoiNopHoSo": dossier.receiving_agency.code,
        "HoSoCoThanhPhanSoHoa": 1 if dossier.attachments else 0,
        "TaiKhoanDuocXacThucVoiVNeID": 1 if owner.identity_source == "vneid" else 0,
        "DuocThanhToanTrucTuyen": _paid_online(dossier),
        "TaiLieuNop": [_attachment(a) for a in dossier.attachments],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.name_vi,
                "MaPhiLePhi": fee.code,
                "HinhThucThu": 1 if fee.payable == "at_submission" else 2,
                "Gia": fee.amount,
                "LoaiPhiLePhi": 1 if fee.kind == "fee" else 2,
            }
            for fee in version.fees
        ],
        "DanhSachHoSoBoSung": [
            {
                "LanBoSung": s.round,
                "NgayYeuCauBoSung": portal_datetime(s.requested_at),
                "NoiDungYeuCauBoSung": s.note or "",
                "NgayBoSung": portal_datetime(s.supplied_at),
                "NgayHenTraTruoc": portal_datetime(s.due_before),
                "NgayHenTraMoi": portal_datetime(s.due_after),
            }
            for s in dossier.supplements
        ],
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": d.title_vi,
                "MaGiayToKetQua": d.type_code,
                "DuongDanTepTinKetQua": _file_url("kq", d.uuid),
            }
            for d in documents
        ],
        # The meaning of each MaCSDL value is not confirmed (DOMAIN.md §6.1): none is sent.
        "DSKetNoiCSDL": [],
    }


def _attachment(attachment: DossierAttachment) -> dict:
    return {
        "TenTepDinhKem": attachment.filename,
        "MaThanhPhanHoSo": attachment.component_code,
        "DuongDanTaiTepTin": _file_url("tl", attachment.uuid),
        "DuocSoHoa": 1,
        "DuocTaiSuDung": 1 if attachment.reused else 0,
        "DuocLayTuKhoDMQG": 0,
        "MaKetQuaThayThe": "",
    }


def log_rows_payload(code: str, entries: Iterable[ProcessLogEntry]) -> list[dict]:
    """The portal's process-log rows (QuaTrinhXuLyHoSo) of dossier ``code``."""
    rows = []
    for entry in entries:
        text = ACTION_TEXTS.get(entry.action, entry.action)
        rows.append(
            {
                "MaHoSo": code,
                "NguoiXuLy": entry.actor_name or ROLE_TITLES["system"],
                "ChucDanh": ROLE_TITLES.get(entry.actor_role, entry.actor_role),
                "ThoiDiemXuLy": portal_datetime(entry.occurred_at),
                "PhongBanXuLy": entry.agency_code or "",
                "NoiDungXuLy": f"{text}: {entry.note}" if entry.note else text,
                "TrangThai": entry.status_code,
                "NgayBatDau": portal_datetime(entry.step_started_at),
                "NgayKetThucTheoQuyDinh": portal_datetime(entry.step_due_at),
            }
        )
    return rows


class DvcqgClient:
    """The portal's sync API: ``POST {base}/hoso/them``, ``/hoso/capnhat`` and
    ``/quatrinh/them`` with the LGSP key in ``X-API-Key``; answers ``{"error_code": "0"}``
    for success, another code and a ``message`` otherwise."""

    def __init__(self, base_url: str, api_key: str, timeout: tuple[float, float] = (3, 10)):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _post(self, path: str, payload) -> dict:
        try:
            response = requests.post(
                self.base_url + path,
                json=payload,
                headers={"X-API-Key": self.api_key},
                timeout=self.timeout,
                allow_redirects=False,
            )
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise DvcqgError(f"unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200 or not isinstance(body, dict):
            raise DvcqgError(f"http-{response.status_code}")
        return body

    @staticmethod
    def _exists(body: dict) -> bool:
        return EXISTS in str(body.get("message", "")).lower()

    def push_dossier(self, payload: dict, *, known: bool) -> None:
        """Create the dossier at the portal, or update it when it is known there (or the
        portal says it already exists)."""
        if not known:
            body = self._post("/hoso/them", payload)
            if body.get("error_code") == "0":
                return
            if not self._exists(body):
                raise DvcqgError(str(body.get("message") or body.get("error_code")))
        body = self._post("/hoso/capnhat", payload)
        if body.get("error_code") != "0":
            raise DvcqgError(str(body.get("message") or body.get("error_code")))

    def push_log(self, rows: list[dict]) -> None:
        """Send process-log rows in batches of 10; rows the portal already has count as sent."""
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            body = self._post("/quatrinh/them", batch)
            if body.get("error_code") == "0":
                continue
            if not self._exists(body):
                raise DvcqgError(str(body.get("message") or body.get("error_code")))
            for row in batch:  # some were sent before an earlier failure: one by one
                single = self._post("/quatrinh/them", [row])
                if single.get("error_code") != "0" and not self._exists(single):
                    raise DvcqgError(str(single.get("message") or single.get("error_code")))


def client() -> DvcqgClient:
    config = current_app.config
    return DvcqgClient(
        config["DVCQG_API_URL"],
        config["DVCQG_API_KEY"],
        (config["INTEGRATION_HTTP_CONNECT_TIMEOUT"], config["INTEGRATION_HTTP_READ_TIMEOUT"]),
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _ensure_rows() -> None:
    """Dossiers submitted before the sync existed (or without a step since) get a flag row."""
    missing = (
        sa.select(
            Dossier.id,
            sa.literal(0),
            sa.literal(False),
            sa.literal(utcnow(), type_=UTCDateTime()),
            sa.literal(0),
        )
        .outerjoin(DvcqgDossierSync, DvcqgDossierSync.dossier_id == Dossier.id)
        .where(Dossier.status != DossierStatus.DRAFT, DvcqgDossierSync.dossier_id.is_(None))
        .limit(1000)
    )
    table = DvcqgDossierSync.__table__
    db.session.execute(
        upsert_insert(table)
        .from_select(["dossier_id", "synced", "known_to_portal", "changed_at", "attempts"], missing)
        .on_conflict_do_nothing(index_elements=[table.c.dossier_id])
    )


def sync(limit: int = SYNC_LIMIT) -> dict:
    """Push due unsynced dossiers and their rows. Flag rows are locked while pushing, so a
    step recorded meanwhile waits and then sets the flag back to 0."""
    if not current_app.config["DVCQG_API_URL"]:
        return {"synced": 0, "failed": 0}
    _ensure_rows()
    now = utcnow()
    flags = db.session.scalars(
        sa.select(DvcqgDossierSync)
        .where(
            DvcqgDossierSync.synced == 0,
            sa.or_(
                DvcqgDossierSync.next_attempt_at.is_(None),
                DvcqgDossierSync.next_attempt_at <= now,
            ),
        )
        .order_by(DvcqgDossierSync.changed_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    portal = client()
    counts = {"synced": 0, "failed": 0}
    for flag in flags:
        dossier = db.session.get(Dossier, flag.dossier_id)
        rows = db.session.scalars(
            sa.select(ProcessLogEntry)
            .where(ProcessLogEntry.dossier_id == dossier.id, ProcessLogEntry.sync_state == 0)
            .order_by(ProcessLogEntry.id)
        ).all()
        try:
            portal.push_dossier(dossier_payload(dossier), known=flag.known_to_portal)
            flag.known_to_portal = True
            portal.push_log(log_rows_payload(dossier.code, rows))
        except DvcqgError as exc:
            flag.attempts += 1
            flag.last_error = str(exc)[:255]
            flag.next_attempt_at = now + _backoff(flag.attempts)
            counts["failed"] += 1
            log.warning("dvcqg sync failed", extra={"dossier": dossier.code, "error": str(exc)})
            continue
        for row in rows:
            row.sync_state = 1
        flag.synced, flag.synced_at, flag.attempts, flag.last_error = 1, now, 0, None
        flag.next_attempt_at = None
        counts["synced"] += 1
    db.session.flush()
    return counts


def _part(total: int, synced: int) -> dict:
    return {"total": total, "synced": synced, "rate": round(synced / total, 4) if total else 1.0}


def sync_rate() -> dict:
    """Dossiers (not drafts) and process-log rows the portal has, out of all."""
    dossiers = db.session.execute(
        sa.select(
            sa.func.count(Dossier.id),
            sa.func.count(DvcqgDossierSync.dossier_id).filter(DvcqgDossierSync.synced == 1),
        )
        .select_from(Dossier)
        .outerjoin(DvcqgDossierSync, DvcqgDossierSync.dossier_id == Dossier.id)
        .where(Dossier.status != DossierStatus.DRAFT)
    ).one()
    rows = db.session.execute(
        sa.select(
            sa.func.count(ProcessLogEntry.id),
            sa.func.count(ProcessLogEntry.id).filter(ProcessLogEntry.sync_state == 1),
        )
    ).one()
    return {"dossiers": _part(*dossiers), "process_log": _part(*rows)}
