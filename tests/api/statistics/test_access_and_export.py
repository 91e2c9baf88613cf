"""Who sees which figures, bad report queries, and the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from backend.catalog.models import AgencyLevel
from tests.api.statistics.test_report import History, get_report, officer_headers
from tests.factories import AgencyFactory, CitizenFactory
from tests.helpers import bearer

REPORT = "/api/v1/statistics/report"
EXPORT = "/api/v1/statistics/report/export"


@pytest.fixture
def history(db):
    return History()


def test_who_sees_which_scope(client, history):
    own = officer_headers(client, history.agency, roles=("reception_officer",))
    admin = officer_headers(client, history.agency, roles=("admin",))
    centre = officer_headers(client, AgencyFactory(level=AgencyLevel.PROVINCE))

    assert client.get(REPORT).status_code == 401
    citizen = bearer(client, CitizenFactory().email)
    assert client.get(REPORT, headers=citizen).status_code == 403
    # An agency officer: their own agency by default and by code; nothing else.
    assert get_report(client, own, year=2026)["agency"]["code"] == history.agency.code
    assert (
        get_report(client, own, year=2026, agency=history.agency.code)["counts"]["in_scope"] == 15
    )
    for other in (history.other.code, "province"):
        refused = client.get(REPORT, query_string={"agency": other}, headers=own)
        assert refused.status_code == 403
        assert refused.json["code"] == "statistics.scope-forbidden"
    # Admins and officers of a province-level body: the province by default, any agency.
    assert get_report(client, admin, year=2026)["agency"] is None
    assert get_report(client, centre, year=2026)["counts"]["in_scope"] == 16
    other = get_report(client, centre, year=2026, agency=history.other.code)
    assert other["counts"]["in_scope"] == 1
    unknown = client.get(REPORT, query_string={"agency": "999.99.99.H99"}, headers=admin)
    assert unknown.status_code == 404 and unknown.json["code"] == "statistics.agency-not-found"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "month"}, "month"),
        ({"period": "month", "month": 13}, "month"),
        ({"period": "quarter"}, "quarter"),
        ({"period": "quarter", "quarter": 5}, "quarter"),
        ({"period": "custom", "from": "2026-01-01"}, "from"),
        ({"period": "custom", "from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"period": "custom", "from": "2001-01-01", "to": "2026-01-01"}, "to"),
        ({"period": "week"}, "period"),
        ({"year": 1999}, "year"),
        ({"from": "yesterday", "period": "custom", "to": "2026-01-01"}, "from"),
    ],
)
def test_bad_periods_are_422_with_the_field(client, history, params, field):
    headers = officer_headers(client, history.agency)
    response = client.get(REPORT, query_string=params, headers=headers)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in response.json["errors"]


def test_csv_export_opens_in_excel_with_vietnamese_labels(client, history):
    headers = officer_headers(client, history.agency)
    response = client.get(EXPORT, query_string={"year": 2026, "format": "csv"}, headers=headers)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    assert (
        "thong-ke-000.00.31.H29-2026-01-01-2026-12-31.csv"
        in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    values = {row[0]: row[1] for row in rows if len(row) >= 2}
    assert values["Tiếp nhận trong kỳ"] == "14"
    assert values["Đã giải quyết quá hạn"] == "5"
    assert values["Kỳ báo cáo"] == "2026-01-01 – 2026-12-31"
    scorecard = {row[0]: row for row in rows if row and row[0] == "2.1"}
    assert float(scorecard["2.1"][2]) == pytest.approx(7 / 13)
    first_procedure = next(row for row in rows if row and row[0] == "1.000001")
    assert first_procedure[:2] == ["1.000001", "Thủ tục đăng ký khai sinh"]


def test_xlsx_export_has_a_sheet_per_view_in_the_callers_language(client, history):
    headers = {**officer_headers(client, history.agency), "Accept-Language": "en"}
    response = client.get(EXPORT, query_string={"year": 2026}, headers=headers)

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Indicators", "By procedure", "By agency"]
    summary = {row[0]: row[1] for row in workbook["Indicators"].iter_rows(values_only=True)}
    assert summary["Received in the period"] == 14
    assert summary["Open past the deadline"] == 1
    procedures = list(workbook["By procedure"].iter_rows(values_only=True))
    assert procedures[0][:3] == ("Code", "Name", "Received in the period")
    assert [row[0] for row in procedures[1:]] == ["1.000001", "1.000002"]
    agencies = list(workbook["By agency"].iter_rows(values_only=True))
    assert agencies[1][0] == history.agency.code


def test_export_checks_the_scope_too(client, history):
    own = officer_headers(client, history.agency)
    refused = client.get(EXPORT, query_string={"agency": "province"}, headers=own)
    assert refused.status_code == 403
    bad = client.get(EXPORT, query_string={"format": "pdf"}, headers=own)
    assert bad.status_code == 422 and "format" in bad.json["errors"]


def test_the_series_checks_the_scope_too(client, history):
    own = officer_headers(client, history.agency)
    url = "/api/v1/statistics/series"
    assert client.get(url, query_string={"agency": "province"}, headers=own).status_code == 403
    mine = client.get(url, query_string={"year": 2026}, headers=own)
    assert mine.status_code == 200 and mine.json["agency"]["code"] == history.agency.code
    assert client.get(url).status_code == 401
