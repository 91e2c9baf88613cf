"""Production refuses the integration settings that are only safe on a developer's machine."""

from __future__ import annotations

import pytest

from backend.config import DEV_INTEGRATION_SECRET, ConfigError, load_config
from tests.unit.test_config import SAFE_PRODUCTION


def test_production_leaves_the_national_systems_off_until_configured():
    config = load_config(environ=SAFE_PRODUCTION)
    assert config["DVCQG_API_URL"] == config["POPULATION_API_URL"] == config["VNEID_ISSUER"] == ""
    assert config["INTEGRATION_ALLOW_PRIVATE_TARGETS"] is False


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"INTEGRATION_ALLOW_PRIVATE_TARGETS": "true"}, "INTEGRATION_ALLOW_PRIVATE_TARGETS"),
        ({"INTEGRATION_RETRY_LADDER": "60,300,900"}, "INTEGRATION_RETRY_LADDER"),
        ({"DVCQG_API_URL": "http://dvcqg.example.gov.vn/api"}, "DVCQG_API_URL"),
        ({"POPULATION_API_URL": "http://lgsp.example.gov.vn/cd"}, "POPULATION_API_URL"),
        ({"VNEID_ISSUER": "http://sso.dichvucong.gov.vn"}, "VNEID_ISSUER"),
        ({"VNEID_CLIENT_SECRET": DEV_INTEGRATION_SECRET}, "VNEID_CLIENT_SECRET"),
        ({"DVCQG_API_KEY": DEV_INTEGRATION_SECRET}, "DVCQG_API_KEY"),
    ],
)
def test_production_refuses_unsafe_integration_values(change, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_config(environ={**SAFE_PRODUCTION, **change})
