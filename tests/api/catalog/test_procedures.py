"""Procedure catalogue: search without diacritics, detail, versions, admin publication."""

from __future__ import annotations

import pytest

from tests.catalog_fixtures import procedure_payload, publish
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer

SEARCH = "/api/v1/procedures"


def lljp_fees():
    return [
        {
            "code": "LP_LLTP",
            "name_vi": "Lệ phí cấp Phiếu lý lịch tư pháp",
            "name_en": "Judicial record certificate fee",
            "amount": 200000,
            "kind": "fee",
            "payable": "at_submission",
        }
    ]


@pytest.fixture
def catalogue(db):
    commune = AgencyFactory(code="000.31.01.T01", name_vi="UBND phường Thử Nghiệm", level="commune")
    justice = AgencyFactory(code="000.00.15.T01", name_vi="Sở Tư pháp Thử Nghiệm")
    publish(commune.code)
    publish(
        commune.code,
        code="1.004873",
        name_vi="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        name_en="Marriage status confirmation",
    )
    publish(
        justice.code,
        code="2.000488",
        name_vi="Thủ tục cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        name_en="Judicial record certificate",
        field={"code": "LLTP", "name_vi": "Lý lịch tư pháp", "name_en": "Judicial records"},
        online_level="partial",
        fees=lljp_fees(),
        duration={"amount": 10, "unit": "working_days", "cutoff": None},
    )
    return {"commune": commune, "justice": justice}


def names(response) -> list[str]:
    return [item["name_vi"] for item in response.json["items"]]


def test_search_ignores_diacritics_and_case(client, catalogue):
    response = client.get(SEARCH, query_string={"q": "DANG KY khai sinh"})

    assert response.status_code == 200
    assert names(response)[0] == "Thủ tục đăng ký khai sinh"


def test_search_with_diacritics_finds_the_same(client, catalogue):
    assert names(client.get(SEARCH, query_string={"q": "lý lịch tư pháp"})) == [
        "Thủ tục cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    ]


def test_every_word_must_match(client, catalogue):
    assert names(client.get(SEARCH, query_string={"q": "ket hon tu phap"})) == []


def test_search_by_national_code(client, catalogue):
    assert names(client.get(SEARCH, query_string={"q": "1.004873"})) == [
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"
    ]


def test_ranking_puts_name_matches_before_other_matches(client, db, catalogue):
    # "hộ tịch" is the field of the first two, and in the *name* of this one.
    publish(
        catalogue["commune"].code,
        code="1.001022",
        name_vi="Thủ tục cấp bản sao trích lục hộ tịch",
        name_en="Copies of civil status extracts",
    )

    assert names(client.get(SEARCH, query_string={"q": "ho tich"}))[0] == (
        "Thủ tục cấp bản sao trích lục hộ tịch"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"has_fee": "true"}, ["2.000488"]),
        ({"has_fee": "false"}, ["1.001193", "1.004873"]),
        ({"level": "partial"}, ["2.000488"]),
        ({"field": "LLTP"}, ["2.000488"]),
        ({"agency": "000.31.01.T01"}, ["1.001193", "1.004873"]),
    ],
)
def test_filters(client, catalogue, params, expected):
    response = client.get(SEARCH, query_string=params)

    assert sorted(item["code"] for item in response.json["items"]) == expected


def test_detail_shows_what_to_prepare_fees_and_deadline(client, catalogue):
    response = client.get("/api/v1/procedures/2.000488")

    assert response.status_code == 200
    body = response.json
    assert body["version"] == 1
    assert body["duration"] == {"amount": 10, "unit": "working_days", "cutoff": None}
    assert body["fees"][0]["amount"] == 200000 and body["fee_at_submission"] == 200000
    assert [c["code"] for c in body["components"]] == ["TK", "GCS"]
    assert body["components"][1]["reusable"] is True
    assert body["competent_agency"]["code"] == "000.00.15.T01"
    assert body["legal_basis"] == ["Luật Hộ tịch số 60/2014/QH13"]
    assert body["form"]["sections"][0]["fields"][0]["name"] == "full_name"


def test_unknown_procedure_is_404(client, db):
    response = client.get("/api/v1/procedures/9.999999")

    assert response.status_code == 404
    assert response.json["code"] == "catalog.procedure-not-found"


def test_editing_creates_a_new_version_and_keeps_the_old_one(client, catalogue):
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    changed = procedure_payload(
        "000.31.01.T01", duration={"amount": 5, "unit": "working_days", "cutoff": None}
    )

    response = client.put("/api/v1/admin/procedures/1.001193", json=changed, headers=admin)

    assert response.status_code == 200 and response.json["version"] == 2
    assert client.get("/api/v1/procedures/1.001193").json["duration"]["amount"] == 5
    old = client.get("/api/v1/procedures/1.001193/versions/1").json
    assert old["duration"]["amount"] == 3 and old["status"] == "superseded"
    versions = client.get("/api/v1/admin/procedures/1.001193/versions", headers=admin).json
    assert [(v["version"], v["status"]) for v in versions] == [(1, "superseded"), (2, "published")]
    assert client.get("/api/v1/procedures/1.001193/versions/3").status_code == 404


def test_admin_publishes_a_new_procedure(client, db):
    agency = AgencyFactory()
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    response = client.post(
        "/api/v1/admin/procedures", json=procedure_payload(agency.code), headers=admin
    )
    again = client.post(
        "/api/v1/admin/procedures", json=procedure_payload(agency.code), headers=admin
    )

    assert response.status_code == 201 and response.json["version"] == 1
    assert again.status_code == 409
    assert names(client.get(SEARCH, query_string={"q": "khai sinh"})) == [
        "Thủ tục đăng ký khai sinh"
    ]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "leader"])
def test_only_admins_publish(client, db, who):
    agency = AgencyFactory()
    headers = {}
    if who == "citizen":
        headers = bearer(client, CitizenFactory().email)
    elif who == "leader":
        headers = bearer(client, OfficerFactory(roles=["leader"]).email)

    response = client.post(
        "/api/v1/admin/procedures", json=procedure_payload(agency.code), headers=headers
    )

    assert response.status_code == (401 if who == "anonymous" else 403)


def test_an_invalid_form_is_rejected_with_the_path_to_the_bad_element(client, db):
    agency = AgencyFactory()
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    payload = procedure_payload(agency.code)
    payload["form"]["sections"][0]["fields"][1]["type"] = "txt"

    response = client.post("/api/v1/admin/procedures", json=payload, headers=admin)

    assert response.status_code == 422
    assert "form.sections[0].fields[1].type" in response.json["errors"]
    assert client.get("/api/v1/procedures/1.001193").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "1001193"}, "code"),
        ({"online_level": "level4"}, "online_level"),
        ({"competent_agency_code": "999.99.99.X99"}, "competent_agency_code"),
        ({"receiving_agency_codes": []}, "receiving_agency_codes"),
        ({"duration": {"amount": -1, "unit": "working_days"}}, "duration"),
        ({"duration": {"amount": 8, "unit": "working_hours", "cutoff": "15:00"}}, "duration"),
        ({"fees": [{**lljp_fees()[0], "amount": 1.5}]}, "fees"),
        ({"fees": lljp_fees() * 2}, "fees"),
    ],
)
def test_invalid_procedures_are_422(client, db, changes, field):
    agency = AgencyFactory()
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    response = client.post(
        "/api/v1/admin/procedures", json=procedure_payload(agency.code, **changes), headers=admin
    )

    assert response.status_code == 422
    assert field in response.json["errors"]


def test_pages_carry_the_total(client, catalogue):
    first = client.get(SEARCH, query_string={"size": 2}).json
    second = client.get(SEARCH, query_string={"size": 2, "page": 2}).json
    beyond = client.get(SEARCH, query_string={"size": 2, "page": 5}).json
    nothing = client.get(SEARCH, query_string={"q": "khong co gi ca"}).json

    assert (len(first["items"]), first["total"]) == (2, 3)
    assert (len(second["items"]), second["total"]) == (1, 3)
    assert (beyond["items"], beyond["total"]) == ([], 3)
    assert (nothing["items"], nothing["total"]) == ([], 0)
    codes = [i["code"] for i in first["items"] + second["items"]]
    assert sorted(codes) == ["1.001193", "1.004873", "2.000488"]


def test_form_check_uses_the_pinned_version_and_one_validator(client, catalogue):
    url = "/api/v1/procedures/1.001193/versions/1/form-check"

    draft = client.post(url, json={"data": {"purpose": "  Làm hồ sơ  "}, "partial": True}).json
    submission = client.post(url, json={"data": {"purpose": "x"}, "partial": False}).json
    short = client.post(
        url,
        json={"data": {"full_name": "A"}, "partial": True},
        headers={"Accept-Language": "en"},
    ).json

    assert draft == {"valid": True, "errors": {}, "cleaned": {"purpose": "Làm hồ sơ"}}
    assert submission["valid"] is False
    assert submission["errors"]["full_name"] == ["Trường này là bắt buộc."]
    assert "2" in short["errors"]["full_name"][0]
    unknown = client.post(url, json={"data": {"nope": 1}}).json
    assert "nope" in unknown["errors"]


def test_the_more_specific_name_wins_a_tie(client, catalogue):
    publish(
        catalogue["commune"].code,
        code="1.001022",
        name_vi="Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        name_en="Copies of civil status extracts and birth certificates",
    )

    assert names(client.get(SEARCH, query_string={"q": "khai sinh"}))[0] == (
        "Thủ tục đăng ký khai sinh"
    )
