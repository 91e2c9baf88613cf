"""A local simulator of the national population database (CSDL quốc gia về dân cư) as reached
through the provincial data-sharing platform (LGSP), DOMAIN.md §6.2.

``POST /simulators/population/api/congdan`` takes a SOAP 1.1 envelope with a
``TraCuuCongDan`` request (``MaYeuCau`` unique request id, ``MaDVC`` service code,
``MaTichHop`` integration code, ``MaCanBo`` officer, ``SoDinhDanh``, ``HoVaTen``,
``NgaySinh`` yyyyMMdd or yyyy) and the LGSP key in ``X-API-Key``; it answers a
``TraCuuCongDanResponse`` with ``MaKetQua``:

* ``0`` the person exists and the name and date of birth match: the ``CongDan`` record
  (name parts, date of birth, gender, ethnicity, religion, marital status, hometown, permanent
  and current address with province/ward codes, parents, spouse, household head, household
  book number);
* ``1`` no such ID number; ``2`` the ID exists but the name or date of birth do not match
  (nothing else is disclosed); ``9`` malformed request.

A wrong key is HTTP 401, a request id seen before HTTP 409 (the platform refuses replays).

The people are deterministic (:data:`PEOPLE`), shared with the VNeID simulator so that a
person signing in with VNeID is also found here. [SIM] marks choices where the real
protocol is not public.
"""

from __future__ import annotations

import hmac
import threading
import unicodedata
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DET
from flask import Blueprint, Flask, Response, current_app, request

EXTENSION = "population_sim"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
#: [SIM] namespace of the service's messages.
SERVICE_NS = "http://dancuquocgia.bca/lgsp/congdan"

bp = Blueprint("population_sim", __name__, url_prefix="/simulators/population")


@dataclass(frozen=True)
class Address:
    province_code: str
    ward_code: str
    detail: str


@dataclass(frozen=True)
class Person:
    personal_id: str
    last_name: str
    middle_name: str
    first_name: str
    #: yyyyMMdd.
    birth_date: str
    #: 1 male, 2 female.
    gender: str
    ethnicity: str
    religion: str
    marital_status: str
    blood_type: str
    hometown: Address
    permanent: Address
    current: Address
    father: str
    mother: str
    spouse: str
    household_head: str
    household_relation: str
    household_book: str
    phone: str
    email: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.middle_name, self.first_name) if p)


def _addr(province: str, ward: str, detail: str) -> Address:
    return Address(province, ward, detail)


#: The simulated population: ID numbers follow the national layout (DOMAIN.md §6.2).
PEOPLE: dict[str, Person] = {
    p.personal_id: p
    for p in (
        Person(
            "001090012345",
            "Phạm",
            "Văn",
            "Cường",
            "19900520",
            "1",
            "01",
            "00",
            "2",
            "O",
            _addr("01", "00004", "Xã Đông Anh, Hà Nội"),
            _addr("01", "00004", "Số 12 ngõ 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội"),
            _addr("01", "00004", "Số 12 ngõ 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội"),
            "Phạm Văn Dũng",
            "Nguyễn Thị Hoa",
            "Lê Thị Mai",
            "Phạm Văn Cường",
            "Chủ hộ",
            "HN-0012345",
            "0912345678",
            "cuong.pham@example.vn",
        ),
        Person(
            "001195000777",
            "Trần",
            "Thị",
            "Bình",
            "19950308",
            "2",
            "01",
            "00",
            "1",
            "A",
            _addr("01", "00070", "Phường Ba Đình, Hà Nội"),
            _addr("01", "00070", "Số 3 phố Đội Cấn, phường Ba Đình, Hà Nội"),
            _addr("01", "00070", "Số 3 phố Đội Cấn, phường Ba Đình, Hà Nội"),
            "Trần Văn An",
            "Đỗ Thị Hằng",
            "",
            "Trần Văn An",
            "Con",
            "HN-0777000",
            "0987000777",
        ),
        Person(
            "079185004321",
            "Nguyễn",
            "Thị",
            "Lan",
            "19851102",
            "2",
            "01",
            "01",
            "2",
            "B",
            _addr("79", "26734", "Phường Sài Gòn, TP. Hồ Chí Minh"),
            _addr("79", "26734", "45 Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh"),
            _addr("79", "26734", "45 Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh"),
            "Nguyễn Văn Tư",
            "Võ Thị Năm",
            "Huỳnh Minh Tâm",
            "Nguyễn Thị Lan",
            "Chủ hộ",
            "HCM-4321",
            "0903004321",
        ),
        Person(
            "048200001122",
            "Lê",
            "Minh",
            "Khoa",
            "20000115",
            "1",
            "01",
            "00",
            "1",
            "AB",
            _addr("48", "20194", "Phường Hải Châu, Đà Nẵng"),
            _addr("48", "20194", "88 Bạch Đằng, phường Hải Châu, Đà Nẵng"),
            _addr("48", "20194", "88 Bạch Đằng, phường Hải Châu, Đà Nẵng"),
            "Lê Văn Sơn",
            "Phan Thị Thu",
            "",
            "Lê Văn Sơn",
            "Con",
            "DN-1122",
            "0935001122",
        ),
        Person(
            "001301004455",
            "Đỗ",
            "Thu",
            "Hà",
            "20010730",
            "2",
            "01",
            "00",
            "1",
            "O",
            _addr("01", "00004", "Phường Hoàn Kiếm, Hà Nội"),
            _addr("01", "00004", "7 Tràng Tiền, phường Hoàn Kiếm, Hà Nội"),
            _addr("01", "00004", "7 Tràng Tiền, phường Hoàn Kiếm, Hà Nội"),
            "Đỗ Văn Hải",
            "Bùi Thị Thu",
            "",
            "Đỗ Văn Hải",
            "Con",
            "HN-4455",
            "0914004455",
            "thuha.do@example.vn",
        ),
        Person(
            "056088007788",
            "Hoàng",
            "Văn",
            "Nam",
            "19880909",
            "1",
            "01",
            "00",
            "2",
            "A",
            _addr("56", "22333", "Phường Nha Trang, Khánh Hòa"),
            _addr("56", "22333", "20 Trần Phú, phường Nha Trang, Khánh Hòa"),
            _addr("56", "22333", "20 Trần Phú, phường Nha Trang, Khánh Hòa"),
            "Hoàng Văn Bảy",
            "Trương Thị Tám",
            "Lý Thị Ngọc",
            "Hoàng Văn Nam",
            "Chủ hộ",
            "KH-7788",
            "0905007788",
        ),
    )
}


def normalise_name(name: str) -> str:
    """Names compare case-blind, in NFC, with single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class PopulationSimulator:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.request_ids: set[str] = set()
        self.queries: list[dict] = []
        self._lock = threading.Lock()


def _text(parent: ET.Element, name: str) -> str:
    node = parent.find(f"{{{SERVICE_NS}}}{name}")
    if node is None:
        node = parent.find(name)
    return (node.text or "").strip() if node is not None else ""


def _parse(body: bytes) -> ET.Element | None:
    try:
        root = DET.fromstring(body, forbid_dtd=True)  # no DTDs: entity expansion attacks
    except (ET.ParseError, DefusedXmlException):
        return None
    return root.find(f"{{{SOAP_NS}}}Body/{{{SERVICE_NS}}}TraCuuCongDan")


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    node = ET.SubElement(parent, f"{{{SERVICE_NS}}}{name}")
    if text is not None:
        node.text = text
    return node


def _address(parent: ET.Element, name: str, address: Address) -> None:
    node = _sub(parent, name)
    _sub(node, "MaTinh", address.province_code)
    _sub(node, "MaXa", address.ward_code)
    _sub(node, "ChiTiet", address.detail)


def _person(parent: ET.Element, person: Person) -> None:
    node = _sub(parent, "CongDan")
    _sub(node, "SoDinhDanh", person.personal_id)
    name = _sub(node, "HoVaTen")
    _sub(name, "Ho", person.last_name)
    _sub(name, "ChuDem", person.middle_name)
    _sub(name, "Ten", person.first_name)
    _sub(node, "NgayThangNamSinh", person.birth_date)
    _sub(node, "GioiTinh", person.gender)
    _sub(node, "DanToc", person.ethnicity)
    _sub(node, "TonGiao", person.religion)
    _sub(node, "TinhTrangHonNhan", person.marital_status)
    _sub(node, "NhomMau", person.blood_type)
    _address(node, "QueQuan", person.hometown)
    _address(node, "ThuongTru", person.permanent)
    _address(node, "NoiOHienTai", person.current)
    _sub(_sub(node, "Cha"), "HoVaTen", person.father)
    _sub(_sub(node, "Me"), "HoVaTen", person.mother)
    _sub(_sub(node, "VoChong"), "HoVaTen", person.spouse)
    head = _sub(node, "ChuHo")
    _sub(head, "HoVaTen", person.household_head)
    _sub(head, "QuanHe", person.household_relation)
    _sub(node, "SoSoHoKhau", person.household_book)


def _answer(request_id: str, code: str, message: str, person: Person | None = None) -> Response:
    ET.register_namespace("soap", SOAP_NS)
    ET.register_namespace("cd", SERVICE_NS)
    envelope = ET.Element(f"{{{SOAP_NS}}}Envelope")
    reply = _sub(ET.SubElement(envelope, f"{{{SOAP_NS}}}Body"), "TraCuuCongDanResponse")
    _sub(reply, "MaYeuCau", request_id)
    _sub(reply, "MaKetQua", code)
    _sub(reply, "MoTa", message)
    if person is not None:
        _person(reply, person)
    body = ET.tostring(envelope, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="text/xml", content_type="text/xml; charset=utf-8")


@bp.post("/api/congdan")
def lookup():
    sim: PopulationSimulator = current_app.extensions[EXTENSION]
    if not hmac.compare_digest(request.headers.get("X-API-Key", ""), sim.api_key):
        return Response("Unauthorized", status=401)
    query = _parse(request.get_data())
    if query is None:
        return _answer("", "9", "Yêu cầu không hợp lệ")
    fields = {
        name: _text(query, name)
        for name in (
            "MaYeuCau",
            "MaDVC",
            "MaTichHop",
            "MaCanBo",
            "SoDinhDanh",
            "HoVaTen",
            "NgaySinh",
        )
    }
    request_id = fields["MaYeuCau"]
    if not all(fields[k] for k in ("MaYeuCau", "MaDVC", "MaTichHop", "SoDinhDanh", "HoVaTen")):
        return _answer(request_id, "9", "Thiếu thông tin bắt buộc")
    birth = fields["NgaySinh"]
    if not (birth.isdigit() and len(birth) in (4, 8)):
        return _answer(request_id, "9", "Ngày sinh không hợp lệ")
    with sim._lock:
        if request_id in sim.request_ids:
            return Response("Duplicate request id", status=409)
        sim.request_ids.add(request_id)
        sim.queries.append(fields)
    person = PEOPLE.get(fields["SoDinhDanh"])
    if person is None:
        return _answer(request_id, "1", "Không tìm thấy công dân")
    same_birth = person.birth_date == birth or (len(birth) == 4 and person.birth_date[:4] == birth)
    if normalise_name(person.full_name) != normalise_name(fields["HoVaTen"]) or not same_birth:
        return _answer(request_id, "2", "Thông tin không khớp")
    return _answer(request_id, "0", "Thành công", person)


def init_app(app: Flask) -> PopulationSimulator:
    """Mount the simulator (once per app); its key is ``POPULATION_API_KEY``."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    from backend.config import DEV_INTEGRATION_SECRET

    sim = PopulationSimulator(app.config.get("POPULATION_API_KEY") or DEV_INTEGRATION_SECRET)
    app.extensions[EXTENSION] = sim
    app.register_blueprint(bp)
    return sim
