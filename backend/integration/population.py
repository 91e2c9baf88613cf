"""Client of the national population database (through the provincial LGSP), DOMAIN.md §6.2.

Pure (no Flask, no database): :class:`PopulationClient` sends a SOAP ``TraCuuCongDan``
request (ID number, full name, date of birth, service, integration and officer codes, a unique
request id) and returns a :class:`LookupResult`. It raises :class:`PopulationUnreachable` when
there is no usable answer (network error, timeout, HTTP error, unreadable reply).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree as ET

import requests
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DET

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "http://dancuquocgia.bca/lgsp/congdan"

#: MaKetQua → outcome.
OUTCOMES = {"0": "match", "1": "not_found", "2": "mismatch"}


class PopulationUnreachable(Exception):
    """The database gave no usable answer; the outcome is unknown."""


@dataclass(frozen=True)
class Address:
    province_code: str
    ward_code: str
    detail: str


@dataclass(frozen=True)
class Citizen:
    """The ``CongDan`` record."""

    personal_id: str
    full_name: str
    last_name: str
    middle_name: str
    first_name: str
    date_of_birth: date
    gender: str
    ethnicity: str
    religion: str
    marital_status: str
    hometown: Address
    permanent_address: Address
    current_address: Address
    father_name: str
    mother_name: str
    spouse_name: str
    household_head: str
    household_relation: str
    household_book: str


@dataclass(frozen=True)
class LookupResult:
    #: match, not_found or mismatch.
    outcome: str
    request_id: str
    citizen: Citizen | None = None


def _request_xml(fields: dict[str, str]) -> bytes:
    ET.register_namespace("soap", SOAP_NS)
    ET.register_namespace("cd", SERVICE_NS)
    envelope = ET.Element(f"{{{SOAP_NS}}}Envelope")
    query = ET.SubElement(
        ET.SubElement(envelope, f"{{{SOAP_NS}}}Body"), f"{{{SERVICE_NS}}}TraCuuCongDan"
    )
    for name, value in fields.items():
        ET.SubElement(query, f"{{{SERVICE_NS}}}{name}").text = value
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def _find(node: ET.Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find("/".join(f"{{{SERVICE_NS}}}{part}" for part in path.split("/")))
    return (found.text or "").strip() if found is not None and found.text else ""


def _address(node: ET.Element, name: str) -> Address:
    return Address(
        _find(node, f"{name}/MaTinh"), _find(node, f"{name}/MaXa"), _find(node, f"{name}/ChiTiet")
    )


def parse_citizen(node: ET.Element) -> Citizen:
    born = _find(node, "NgayThangNamSinh")
    parts = [_find(node, f"HoVaTen/{p}") for p in ("Ho", "ChuDem", "Ten")]
    return Citizen(
        personal_id=_find(node, "SoDinhDanh"),
        full_name=" ".join(p for p in parts if p),
        last_name=parts[0],
        middle_name=parts[1],
        first_name=parts[2],
        date_of_birth=date(int(born[:4]), int(born[4:6]), int(born[6:8])),
        gender="male" if _find(node, "GioiTinh") == "1" else "female",
        ethnicity=_find(node, "DanToc"),
        religion=_find(node, "TonGiao"),
        marital_status=_find(node, "TinhTrangHonNhan"),
        hometown=_address(node, "QueQuan"),
        permanent_address=_address(node, "ThuongTru"),
        current_address=_address(node, "NoiOHienTai"),
        father_name=_find(node, "Cha/HoVaTen"),
        mother_name=_find(node, "Me/HoVaTen"),
        spouse_name=_find(node, "VoChong/HoVaTen"),
        household_head=_find(node, "ChuHo/HoVaTen"),
        household_relation=_find(node, "ChuHo/QuanHe"),
        household_book=_find(node, "SoSoHoKhau"),
    )


class PopulationClient:
    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        service_code: str,
        integration_code: str,
        timeout: float = 10,
    ):
        self.url = url
        self.api_key = api_key
        self.service_code = service_code
        self.integration_code = integration_code
        self.timeout = timeout

    def lookup(
        self,
        *,
        personal_id: str,
        full_name: str,
        date_of_birth: date,
        officer_code: str,
        request_id: str,
    ) -> LookupResult:
        """Ask whether ``personal_id`` exists with this name and date of birth; with a match,
        the citizen's record comes back."""
        body = _request_xml(
            {
                "MaYeuCau": request_id,
                "MaDVC": self.service_code,
                "MaTichHop": self.integration_code,
                "MaCanBo": officer_code,
                "SoDinhDanh": personal_id,
                "HoVaTen": " ".join(full_name.split()),
                "NgaySinh": f"{date_of_birth.year:04d}{date_of_birth:%m%d}",
            }
        )
        try:
            response = requests.post(
                self.url,
                data=body,
                headers={
                    "Content-Type": "text/xml; charset=utf-8",
                    "SOAPAction": "TraCuuCongDan",
                    "X-API-Key": self.api_key,
                },
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise PopulationUnreachable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise PopulationUnreachable(f"http-{response.status_code}")
        try:
            root = DET.fromstring(response.content, forbid_dtd=True)
        except (ET.ParseError, DefusedXmlException) as exc:
            raise PopulationUnreachable("unreadable") from exc
        reply = root.find(f"{{{SOAP_NS}}}Body/{{{SERVICE_NS}}}TraCuuCongDanResponse")
        code = _find(reply, "MaKetQua")
        if code not in OUTCOMES or _find(reply, "MaYeuCau") != request_id:
            raise PopulationUnreachable(f"result-{code or 'missing'}")
        node = reply.find(f"{{{SERVICE_NS}}}CongDan")
        citizen = parse_citizen(node) if code == "0" and node is not None else None
        return LookupResult(OUTCOMES[code], request_id, citizen)
