"""Property-based tests of the statistics and rating endpoints, driven by the OpenAPI document
(the same checks as ``tests/api/test_schemathesis.py``): no 5xx, documented statuses, content
types and schemas, for generated periods, agencies, scores and dossier ids."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from tests.api.test_schemathesis import CHECKS, CONFIG, DOCUMENT, MAX_EXAMPLES, sign_in
from tests.factories import AgencyFactory, OfficerFactory

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG).include(
    path_regex=r"^/api/v1/(statistics/|dossiers/\{dossier_id\}/rating)"
)


@pytest.fixture
def officers(app, db):
    agency = AgencyFactory()
    admin = OfficerFactory(roles=["admin"], agency=agency)
    officer = OfficerFactory(roles=["leader"], agency=agency)
    db.session.commit()
    return {
        "agency": agency.code,
        "headers": [sign_in(app, admin.email), sign_in(app, officer.email)],
        "turns": itertools.count(),
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_statistics_endpoints_conform_to_the_document(case, app, db, officers):
    turn = next(officers["turns"])
    if case.query and "agency" in case.query and turn % 2 == 0:
        case.query = {**case.query, "agency": officers["agency"]}
    headers = None if turn % 4 == 3 else officers["headers"][turn % 2]
    with app.app_context():
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
