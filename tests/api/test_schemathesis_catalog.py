"""Property-based API tests of the catalogue endpoints, driven by the OpenAPI document.

The companion of ``test_schemathesis.py`` (same document, configuration and checks) for the
public catalogue (procedures, agencies, administrative units, the calendar) and its
administration (procedures, agencies, calendar entries). Every response must not be a server
error, and must have a documented status code, content type and body.

pytest collects one test per operation, so each operation runs in its own rolled-back ``db``
transaction, over a small published catalogue committed to the test's savepoint: two agencies,
three procedures, a national calendar entry and an admin. Each part of a case (a path
parameter, an agency or year in the query, an agency code in the body) is aimed at those rows
half of the time, independently of the others (a real code with a generated version number,
and the reverse), so the success answers are validated too, not only the 404 and 422 ones.
Admin operations get the admin's bearer token three times in four; the fourth request goes
unauthenticated and must get a documented 401.

Generated procedure bodies are rarely valid, even with a real agency and a valid e-form swapped
in: the scripted calls below publish valid ones through the same checks, so the 201 and 200
answers are validated on every run. The last tests replay inputs the fuzzer found (or rarely
generates) one by one. ``API_FUZZ_MAX_EXAMPLES`` raises the number of generated cases.
"""

from __future__ import annotations

import copy
import itertools
import os
import random
from dataclasses import dataclass, field
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from backend.accounts.models import User
from backend.catalog import services
from backend.catalog.models import Agency, CalendarEntry
from tests.api.test_schemathesis import CHECKS, CONFIG, DOCUMENT, sign_in
from tests.catalog_fixtures import SIMPLE_FORM, procedure_payload, publish
from tests.factories import AgencyFactory, OfficerFactory

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG).include(
    path_regex=r"^/api/v1/(procedures|agencies|admin-units|calendar"
    r"|admin/(procedures|agencies|calendar-entries))"
)

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "30"))

#: The year of the fixture's calendar entry, and a province with wards (Hà Nội).
YEAR = 2026
PROVINCE = "01"
#: A code no fixture publishes, for the scripted publication.
NEW_CODE = "1.000046"


@dataclass
class Catalogue:
    """The rows generated requests are aimed at, and the admin's bearer header."""

    admin: User
    agencies: list[Agency]
    procedure_codes: list[str]
    entry: CalendarEntry
    admin_headers: dict
    turns: itertools.count = field(default_factory=itertools.count)
    #: Which parts of a case are aimed at real rows (seeded: the same choices on every run).
    rng: random.Random = field(default_factory=lambda: random.Random(0))


@pytest.fixture
def catalogue(app, db) -> Catalogue:
    province = AgencyFactory(level="province")
    commune = AgencyFactory(level="commune", parent=province)
    admin = OfficerFactory(roles=["admin"], agency=province)
    versions = [
        publish(commune.code),
        publish(
            commune.code,
            code="1.004873",
            name_vi="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
            name_en="Marriage status confirmation",
            receiving_agency_codes=[commune.code, province.code],
        ),
        publish(
            province.code,
            code="2.000488",
            name_vi="Thủ tục cấp Phiếu lý lịch tư pháp",
            name_en="Judicial record certificate",
            field={"code": "LLTP", "name_vi": "Lý lịch tư pháp", "name_en": "Judicial records"},
            online_level="partial",
            duration={"amount": 10, "unit": "working_days", "cutoff": "16:00"},
            fees=[
                {
                    "code": "LP",
                    "name_vi": "Lệ phí",
                    "name_en": "Fee",
                    "amount": 200000,
                    "kind": "fee",
                    "payable": "at_submission",
                }
            ],
        ),
    ]
    entry = services.add_calendar_entry(
        {
            "day": date(YEAR, 1, 2),
            "kind": "day_off",
            "name_vi": "Nghỉ bù Tết Dương lịch",
            "name_en": "New Year bridge day",
        },
        actor=admin,
    )
    # Release the savepoint: a request that fails rolls back its own work, never these rows.
    db.session.commit()
    return Catalogue(
        admin=admin,
        agencies=[province, commune],
        procedure_codes=[version.procedure.code for version in versions],
        entry=entry,
        admin_headers=sign_in(app, admin.email),
    )


def _aim(case, catalogue: Catalogue) -> dict | None:
    """Point cases at real rows, each part in two cases out of four, independently of the
    others (a real code with a generated version number, and the reverse); return the headers
    to add (a bearer token, or none)."""
    turn, rng = next(catalogue.turns), catalogue.rng

    def aimed() -> bool:
        return rng.random() < 0.5

    agency_code = rng.choice(catalogue.agencies).code
    procedure_code = rng.choice(catalogue.procedure_codes)
    real = {
        "code": agency_code if "agencies/{code}" in case.operation.path else procedure_code,
        "number": 1,
        "entry_id": str(catalogue.entry.uuid),
        "province_code": PROVINCE,
        "year": YEAR,
    }
    if case.path_parameters:
        case.path_parameters = {
            name: real[name] if name in real and aimed() else value
            for name, value in case.path_parameters.items()
        }
    if isinstance(case.query, dict):
        real_query = {"agency": agency_code, "parent": catalogue.agencies[0].code, "year": YEAR}
        case.query = {
            name: real_query[name] if name in real_query and aimed() else value
            for name, value in case.query.items()
        }
    if isinstance(case.body, dict):
        body = dict(case.body)
        for name in ("agency_code", "competent_agency_code", "parent_code", "successor_code"):
            if name in body and aimed():
                body[name] = agency_code
        if "receiving_agency_codes" in body and aimed():
            body["receiving_agency_codes"] = [agency_code]
        # Let some generated procedures through to publication: a valid e-form, and the code
        # of the path (a new version keeps its procedure's code).
        if "form" in body and aimed():
            body["form"] = copy.deepcopy(SIMPLE_FORM)
        path_code = (case.path_parameters or {}).get("code")
        if path_code is not None and "code" in body and aimed():
            body["code"] = path_code
        case.body = body
    if not case.operation.definition.raw.get("security") or turn % 4 == 3:
        return None
    return catalogue.admin_headers


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    # ``db`` is function-scoped on purpose: one rolled-back transaction per operation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_catalogue_endpoints_conform_to_the_document(case, app, db, catalogue):
    headers = _aim(case, catalogue)
    with app.app_context():
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)


# --- scripted calls, validated with the same checks ----------------------------------------


def call(app, method: str, path: str, *, headers=None, **parts):
    """Send one request built from the document's operation and validate the answer."""
    case = schema[path][method].Case(**parts)
    with app.app_context():
        return case.call_and_validate(app=app, headers=headers, checks=CHECKS)


def test_procedure_publication_conforms(app, db, catalogue):
    admin = catalogue.admin_headers
    agency = catalogue.agencies[0].code
    new = procedure_payload(agency, code=NEW_CODE)
    created = call(app, "POST", "/api/v1/admin/procedures", headers=admin, body=new)
    assert created.status_code == 201
    assert created.json()["version"] == 1
    again = call(app, "POST", "/api/v1/admin/procedures", headers=admin, body=new)
    assert again.status_code == 409

    code = catalogue.procedure_codes[0]
    item = {"code": code}
    next_version = procedure_payload(agency, code=code, name_en="Birth registration (2026)")
    path = "/api/v1/admin/procedures/{code}"
    changed = call(app, "PUT", path, headers=admin, path_parameters=item, body=next_version)
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    versions = call(
        app, "GET", "/api/v1/admin/procedures/{code}/versions", headers=admin, path_parameters=item
    ).json()
    assert [v["status"] for v in versions] == ["superseded", "published"]
    pinned = call(
        app,
        "GET",
        "/api/v1/procedures/{code}/versions/{number}",
        path_parameters={**item, "number": 1},
    )
    assert pinned.json()["status"] == "superseded"
    checked = call(
        app,
        "POST",
        "/api/v1/procedures/{code}/versions/{number}/form-check",
        path_parameters={**item, "number": 2},
        body={"data": {"full_name": "Nguyễn Văn An"}, "partial": False},
    ).json()
    assert checked["valid"] is True
    due = call(
        app,
        "GET",
        "/api/v1/procedures/{code}/due-date",
        path_parameters={"code": catalogue.procedure_codes[2]},
        query={"received_at": "2026-02-13T17:00:00+07:00"},
    )
    assert due.status_code == 200


def test_agency_and_calendar_administration_conforms(app, db, catalogue):
    admin = catalogue.admin_headers
    province = catalogue.agencies[0].code
    agency = {
        "code": "000.00.99.T99",
        "name_vi": "Sở Thử nghiệm Mới",
        "name_en": "New Test Department",
        "level": "department",
        "parent_code": province,
    }
    created = call(app, "POST", "/api/v1/admin/agencies", headers=admin, body=agency)
    assert created.status_code == 201
    assert (
        call(app, "POST", "/api/v1/admin/agencies", headers=admin, body=agency).status_code == 409
    )
    changed = call(
        app,
        "PATCH",
        "/api/v1/admin/agencies/{code}",
        headers=admin,
        path_parameters={"code": agency["code"]},
        body={"is_active": False, "successor_code": province},
    )
    assert changed.json()["successor"]["code"] == province

    entry = {
        "day": f"{YEAR}-01-10",
        "kind": "working_day",
        "name_vi": "Làm bù",
        "name_en": "Make-up working day",
        "agency_code": province,
    }
    path = "/api/v1/admin/calendar-entries"
    added = call(app, "POST", path, headers=admin, body=entry)
    assert added.status_code == 201
    assert call(app, "POST", path, headers=admin, body=entry).status_code == 409
    listed = call(app, "GET", path, headers=admin, query={"year": YEAR}).json()
    assert len(listed) == 2
    calendar = call(
        app,
        "GET",
        "/api/v1/calendar/{year}",
        path_parameters={"year": YEAR},
        query={"agency": province},
    ).json()
    days = {day["date"]: day for day in calendar["days"]}
    assert days[f"{YEAR}-01-10"]["scope"] == province
    assert days[f"{YEAR}-01-02"]["scope"] == "national"
    item = {"entry_id": added.json()["id"]}
    removed = call(app, "DELETE", f"{path}/{{entry_id}}", headers=admin, path_parameters=item)
    assert removed.status_code == 204
    gone = call(app, "DELETE", f"{path}/{{entry_id}}", headers=admin, path_parameters=item)
    assert gone.status_code == 404


# --- inputs the fuzzer found (or only rarely generates), replayed with the same checks ------

#: Stands for a real procedure code in the table below (the fixture's first one, 1.001193).
PROCEDURE = "<procedure>"
#: One more than the largest PostgreSQL ``integer``.
INT4_OVERFLOW = 2**31


def edge(name: str, method: str, path: str, *, signed_in: bool = False, **parts):
    return pytest.param(method, path, signed_in, parts, id=name)


EDGE_CASES = [
    # Before May 1911 Asia/Ho_Chi_Minh is a mean solar time, UTC+07:06:30: the offset has
    # seconds, which RFC 3339 (format: date-time) does not allow.
    edge("due-date-received-in-1900", "GET", "/api/v1/procedures/{code}/due-date",
         path_parameters={"code": PROCEDURE}, query={"received_at": "1900-01-01T08:00:00+07:00"}),
    # Converting to UTC+7 leaves the datetime range.
    edge("due-date-received-at-the-first-moment", "GET", "/api/v1/procedures/{code}/due-date",
         path_parameters={"code": PROCEDURE}, query={"received_at": "0001-01-01T00:00:00+05:00"}),
    edge("due-date-received-at-the-last-moment", "GET", "/api/v1/procedures/{code}/due-date",
         path_parameters={"code": PROCEDURE}, query={"received_at": "9999-12-31T20:00:00Z"}),
    # Counting the working days runs past 31 December 9999.
    edge("due-date-past-year-9999", "GET", "/api/v1/procedures/{code}/due-date",
         path_parameters={"code": PROCEDURE}, query={"received_at": "9999-12-30T08:00:00+07:00"}),
    # ``<int:number>`` takes any number of digits; the column is a PostgreSQL integer.
    edge("version-number-beyond-int4", "GET", "/api/v1/procedures/{code}/versions/{number}",
         path_parameters={"code": PROCEDURE, "number": INT4_OVERFLOW}),
    edge("form-check-version-beyond-int4", "POST",
         "/api/v1/procedures/{code}/versions/{number}/form-check",
         path_parameters={"code": PROCEDURE, "number": INT4_OVERFLOW}, body={"data": {}}),
    # PostgreSQL text cannot hold NUL: psycopg raises DataError for any query that carries one.
    edge("nul-in-procedure-code", "GET", "/api/v1/procedures/{code}",
         path_parameters={"code": "a\x00"}),
    edge("nul-in-version-code", "GET", "/api/v1/procedures/{code}/versions/{number}",
         path_parameters={"code": "a\x00", "number": 1}),
    edge("nul-in-form-check-code", "POST", "/api/v1/procedures/{code}/versions/{number}/form-check",
         path_parameters={"code": "a\x00", "number": 1}, body={"data": {}}),
    edge("nul-in-due-date-code", "GET", "/api/v1/procedures/{code}/due-date",
         path_parameters={"code": "a\x00"}),
    edge("nul-in-agency-code", "GET", "/api/v1/agencies/{code}",
         path_parameters={"code": "a\x00"}),
    edge("nul-in-new-version-code", "PUT", "/api/v1/admin/procedures/{code}", signed_in=True,
         path_parameters={"code": "a\x00"}, body=procedure_payload("000.00.00.H01")),
    edge("nul-in-versions-code", "GET", "/api/v1/admin/procedures/{code}/versions",
         signed_in=True, path_parameters={"code": "a\x00"}),
    edge("nul-in-changed-agency-code", "PATCH", "/api/v1/admin/agencies/{code}", signed_in=True,
         path_parameters={"code": "a\x00"}, body={"is_active": True}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "signed_in", "parts"), EDGE_CASES)
def test_edge_inputs_conform(app, db, catalogue, method, path, signed_in, parts):
    if "path_parameters" in parts:
        real = {PROCEDURE: catalogue.procedure_codes[0]}
        parameters = {k: real.get(v, v) for k, v in parts["path_parameters"].items()}
        parts = {**parts, "path_parameters": parameters}
    call(app, method, path, headers=catalogue.admin_headers if signed_in else None, **parts)


@pytest.mark.parametrize(
    "duration",
    [
        # The deadline engine counts calendar days in whole days only.
        pytest.param({"amount": 0.5, "unit": "calendar_days"}, id="half-a-calendar-day"),
        # ... and applies a cut-off time to whole-day durations only.
        pytest.param(
            {"amount": 1.5, "unit": "working_days", "cutoff": "16:00"},
            id="fractional-working-days-with-a-cutoff",
        ),
    ],
)
def test_a_published_duration_gives_a_due_date(app, db, catalogue, duration):
    """A duration publication accepts is one the due date can be computed from."""
    body = procedure_payload(catalogue.agencies[0].code, code=NEW_CODE, duration=duration)
    published = call(
        app, "POST", "/api/v1/admin/procedures", headers=catalogue.admin_headers, body=body
    )
    if published.status_code == 422:
        return  # refused at publication: fine too
    assert published.status_code == 201
    call(
        app,
        "GET",
        "/api/v1/procedures/{code}/due-date",
        path_parameters={"code": NEW_CODE},
        query={"received_at": "2026-02-13T10:00:00+07:00"},
    )
