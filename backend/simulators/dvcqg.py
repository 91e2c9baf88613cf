"""A local simulator of the National Public Service Portal's sync API ("Hệ thống điều phối",
DOMAIN.md §6.1), for development and tests.

Mounted at ``/simulators/dvcqg/api`` (the default ``DVCQG_API_URL``):

``POST /hoso/them``      a new dossier; ``"Hồ sơ đã tồn tại"`` when its MaHoSo is known
``POST /hoso/capnhat``   an update of a known dossier
``POST /quatrinh/them``  up to 10 process-log rows of known dossiers; a row already received
                         (same MaHoSo, ThoiDiemXuLy, TrangThai and NoiDungXuLy) refuses the
                         batch with ``"Quá trình xử lý đã tồn tại"``

Every payload is validated as the portal does (required fields, status codes 1–10, channel
1–3, applicant type 1–4, dates as ``yyyyMMddHHmmss``, identity types); answers are HTTP 200
with ``{"error_code": "0", "message": …}`` or another code and the reason. A wrong
``X-API-Key`` is HTTP 401. Everything received is kept in memory (:class:`DvcqgSimulator`).
[SIM] marks choices where the portal's behaviour is not public.
"""

from __future__ import annotations

import hmac
import re
import threading
from datetime import datetime

from flask import Blueprint, Flask, current_app, jsonify, request

EXTENSION = "dvcqg_sim"
bp = Blueprint("dvcqg_sim", __name__, url_prefix="/simulators/dvcqg/api")

DOSSIER_FIELDS = {
    "MaHoSo": str, "MaTTHC": str, "TenTTHC": str, "MaLinhVuc": str, "TenLinhVuc": str,
    "KenhThucHien": int, "ChuHoSo": str, "LoaiDoiTuong": int, "MaDoiTuong": str,
    "SoGiayToChuHoSo": str, "DinhDanhCHS": list, "TrichYeuHoSo": str, "NgayNopHoSo": str,
    "NgayTiepNhan": str, "NgayHenTra": str, "NgayTuChoi": str, "NgayKetThucXuLy": str,
    "NgayTra": str, "TrangThaiHoSo": int, "HinhThuc": int, "DonViXuLy": str, "NoiNopHoSo": str,
    "HoSoCoThanhPhanSoHoa": int, "TaiKhoanDuocXacThucVoiVNeID": int,
    "DuocThanhToanTrucTuyen": int, "TaiLieuNop": list, "DanhSachLePhi": list,
    "DanhSachHoSoBoSung": list, "DanhSachGiayToKetQua": list, "DSKetNoiCSDL": list,
}  # fmt: skip
REQUIRED_TEXT = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "NgayNopHoSo", "DonViXuLy")
DATE_FIELDS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayTuChoi",
    "NgayKetThucXuLy",
    "NgayTra",
)
LOG_FIELDS = {
    "MaHoSo": str, "NguoiXuLy": str, "ChucDanh": str, "ThoiDiemXuLy": str, "PhongBanXuLy": str,
    "NoiDungXuLy": str, "TrangThai": int, "NgayBatDau": str, "NgayKetThucTheoQuyDinh": str,
}  # fmt: skip
FILE_FIELDS = ("TenTepDinhKem", "MaThanhPhanHoSo", "DuongDanTaiTepTin")
EXISTS = "Hồ sơ đã tồn tại"
LOG_EXISTS = "Quá trình xử lý đã tồn tại"


class DvcqgSimulator:
    def __init__(self, api_key: str):
        self.api_key = api_key
        #: MaHoSo → latest payload.
        self.dossiers: dict[str, dict] = {}
        #: MaHoSo → rows in arrival order.
        self.process_log: dict[str, list[dict]] = {}
        #: Every call: (path, error_code).
        self.calls: list[tuple[str, str]] = []
        #: Answers to force, oldest first (e.g. ``{"error_code": "-1", "message": "bảo trì"}``).
        self.forced: list[dict] = []
        self._lock = threading.Lock()


def _date_ok(value: str, *, required: bool) -> bool:
    if value == "":
        return not required
    if not re.fullmatch(r"\d{14}", value):
        return False
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _types(payload: dict, spec: dict) -> list[str]:
    problems = []
    for name, kind in spec.items():
        if name not in payload:
            problems.append(f"Thiếu trường {name}")
        elif not isinstance(payload[name], kind) or isinstance(payload[name], bool):
            problems.append(f"Trường {name} sai kiểu dữ liệu")
    return problems


def validate_dossier(payload) -> list[str]:
    """What the portal would refuse in a dossier record (empty: acceptable)."""
    if not isinstance(payload, dict):
        return ["Dữ liệu phải là một đối tượng JSON"]
    problems = _types(payload, DOSSIER_FIELDS)
    if problems:
        return problems
    problems += [f"Trường {n} không được để trống" for n in REQUIRED_TEXT if not payload[n].strip()]
    if payload["TrangThaiHoSo"] not in range(1, 11):
        problems.append("TrangThaiHoSo phải từ 1 đến 10")
    if payload["KenhThucHien"] not in (1, 2, 3):
        problems.append("KenhThucHien phải là 1, 2 hoặc 3")
    if payload["LoaiDoiTuong"] not in (1, 2, 3, 4):
        problems.append("LoaiDoiTuong phải từ 1 đến 4")
    for name in DATE_FIELDS:
        if not _date_ok(payload[name], required=name == "NgayNopHoSo"):
            problems.append(f"{name} phải có dạng yyyyMMddHHmmss")
    if (
        payload["TrangThaiHoSo"] >= 2
        and payload["TrangThaiHoSo"] != 3
        and not payload["NgayTiepNhan"]
    ):
        problems.append("Hồ sơ đã tiếp nhận phải có NgayTiepNhan")  # [SIM]
    for ident in payload["DinhDanhCHS"]:
        kind, number = ident.get("LoaiDinhDanh"), str(ident.get("SoDinhDanh", ""))
        if (kind, len(number)) not in ((1, 12), (2, 9)) or not number.isdigit():
            problems.append("DinhDanhCHS không hợp lệ")
    for item in payload["TaiLieuNop"]:
        if not isinstance(item, dict) or any(not item.get(k) for k in FILE_FIELDS):
            problems.append("TaiLieuNop thiếu tên tệp, mã thành phần hoặc đường dẫn")
        elif not str(item["DuongDanTaiTepTin"]).startswith(("http://", "https://")):
            problems.append("DuongDanTaiTepTin phải là đường dẫn tải tệp")
    return problems


def validate_row(row) -> list[str]:
    if not isinstance(row, dict):
        return ["Dòng quá trình xử lý phải là một đối tượng JSON"]
    problems = _types(row, LOG_FIELDS)
    if problems:
        return problems
    if row["TrangThai"] not in range(1, 11):
        problems.append("TrangThai phải từ 1 đến 10")
    for name in ("ThoiDiemXuLy", "NgayBatDau"):
        if not _date_ok(row[name], required=True):
            problems.append(f"{name} phải có dạng yyyyMMddHHmmss")
    if not _date_ok(row["NgayKetThucTheoQuyDinh"], required=False):
        problems.append("NgayKetThucTheoQuyDinh phải có dạng yyyyMMddHHmmss")
    if not row["NoiDungXuLy"].strip() or not row["NguoiXuLy"].strip():
        problems.append("Thiếu người xử lý hoặc nội dung xử lý")
    return problems


def _answer(sim: DvcqgSimulator, path: str, code: str, message: str):
    sim.calls.append((path, code))
    return jsonify(error_code=code, message=message)


def _guard(path: str):
    sim: DvcqgSimulator = current_app.extensions[EXTENSION]
    if not hmac.compare_digest(request.headers.get("X-API-Key", ""), sim.api_key):
        return sim, (jsonify(error_code="401", message="Sai khóa tích hợp"), 401)
    if sim.forced:
        forced = sim.forced.pop(0)
        return sim, _answer(sim, path, forced["error_code"], forced.get("message", ""))
    return sim, None


@bp.post("/hoso/them")
def add_dossier():
    sim, early = _guard("them")
    if early is not None:
        return early
    payload = request.get_json(silent=True)
    problems = validate_dossier(payload)
    if problems:
        return _answer(sim, "them", "-2", "; ".join(problems))
    with sim._lock:
        if payload["MaHoSo"] in sim.dossiers:
            return _answer(sim, "them", "-1", EXISTS)
        sim.dossiers[payload["MaHoSo"]] = payload
    return _answer(sim, "them", "0", "Thành công")


@bp.post("/hoso/capnhat")
def update_dossier():
    sim, early = _guard("capnhat")
    if early is not None:
        return early
    payload = request.get_json(silent=True)
    problems = validate_dossier(payload)
    if problems:
        return _answer(sim, "capnhat", "-2", "; ".join(problems))
    with sim._lock:
        if payload["MaHoSo"] not in sim.dossiers:
            return _answer(sim, "capnhat", "-3", "Không tìm thấy hồ sơ")
        sim.dossiers[payload["MaHoSo"]] = payload
    return _answer(sim, "capnhat", "0", "Thành công")


def _row_key(row: dict) -> tuple:
    return (row["MaHoSo"], row["ThoiDiemXuLy"], row["TrangThai"], row["NoiDungXuLy"])


@bp.post("/quatrinh/them")
def add_rows():
    sim, early = _guard("quatrinh")
    if early is not None:
        return early
    rows = request.get_json(silent=True)
    if not isinstance(rows, list) or not 1 <= len(rows) <= 10:
        return _answer(sim, "quatrinh", "-2", "Gửi từ 1 đến 10 dòng mỗi lần")
    problems = [p for row in rows for p in validate_row(row)]
    if problems:
        return _answer(sim, "quatrinh", "-2", "; ".join(problems))
    with sim._lock:
        if any(row["MaHoSo"] not in sim.dossiers for row in rows):
            return _answer(sim, "quatrinh", "-3", "Không tìm thấy hồ sơ")
        known = {
            _row_key(r)
            for code in {r["MaHoSo"] for r in rows}
            for r in sim.process_log.get(code, [])
        }
        if any(_row_key(row) in known for row in rows) or len({_row_key(r) for r in rows}) < len(
            rows
        ):
            return _answer(sim, "quatrinh", "-1", LOG_EXISTS)
        for row in rows:
            sim.process_log.setdefault(row["MaHoSo"], []).append(row)
    return _answer(sim, "quatrinh", "0", "Thành công")


def init_app(app: Flask) -> DvcqgSimulator:
    """Mount the simulator (once per app); its key is ``DVCQG_API_KEY``."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    from backend.config import DEV_INTEGRATION_SECRET

    sim = DvcqgSimulator(app.config.get("DVCQG_API_KEY") or DEV_INTEGRATION_SECRET)
    app.extensions[EXTENSION] = sim
    app.register_blueprint(bp)
    return sim
