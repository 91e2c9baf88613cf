"""Property-based tests of the notification endpoints, driven by the OpenAPI document (same
configuration and checks as ``tests/api/test_schemathesis.py``): no 5xx, documented status
codes, content types and bodies. Cases are aimed at a real notification and a real e-mail's
Message-ID half of the time; secured operations get a bearer token three times in four."""

from __future__ import annotations

import itertools
import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from backend.core import transaction
from backend.notifications import services
from tests.api.test_schemathesis import CHECKS, CONFIG, DOCUMENT, sign_in
from tests.factories import CitizenFactory, OfficerFactory

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG).include(
    path_regex=r"^/api/v1/(me/notification|admin/notification-messages)"
)

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "30"))


@pytest.fixture
def world(app, db):
    citizen = CitizenFactory()
    admin = OfficerFactory(roles=["admin"])
    notes = [
        services.notify(
            citizen,
            "delivered",
            key=f"fuzz:{n}",
            context=lambda locale: {"code": "X-1", "name": "A"},
        )
        for n in range(2)
    ]
    transaction.commit()  # sent through the outbox: the messages get a Message-ID
    return {
        "notification_id": str(notes[0].uuid),
        "provider_id": notes[0].messages[0].provider_id,
        "citizen": sign_in(app, citizen.email),
        "admin": sign_in(app, admin.email),
        "turns": itertools.count(),
        "rng": random.Random(0),
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_notification_endpoints_conform_to_the_document(case, app, db, world):
    rng = world["rng"]
    if case.path_parameters and rng.random() < 0.5:
        case.path_parameters = {"notification_id": world["notification_id"]}
    if isinstance(case.body, dict) and "provider_id" in case.body and rng.random() < 0.5:
        case.body = {**case.body, "provider_id": world["provider_id"]}
    headers = None
    if next(world["turns"]) % 4 != 3:
        admin = case.operation.path.startswith("/api/v1/admin")
        headers = world["admin"] if admin else world["citizen"]
    with app.app_context():
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
