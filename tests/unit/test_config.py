"""Production refuses unsafe settings; the embedded default needs none."""

from __future__ import annotations

import pytest

from backend.config import ConfigError, load_config

SAFE_PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "DATABASE_URL": "postgresql://dvc@db/dvc",
    "PUBLIC_BASE_URL": "https://dichvucong.example.gov.vn",
    "VNPAY_TMN_CODE": "KHANHHOA",
    "VNPAY_HASH_SECRET": "s" * 32,
    "VNPAY_PAYMENT_URL": "https://pay.vnpay.vn/vpcpay.html",
    "VNPAY_API_URL": "https://merchant.vnpay.vn/merchant_webapi/api/transaction",
    "RESULTS_KEYS_DIR": "/etc/dvc/keys",
    "RESULTS_KEYS_PASSPHRASE": "p" * 24,
    "RESULTS_TRUST_ROOTS": "/etc/dvc/keys/roots.pem",
}


def test_safe_production_settings_are_accepted():
    config = load_config(environ=SAFE_PRODUCTION)

    assert config["SIMULATORS_ENABLED"] is False
    assert config["COOKIE_SECURE"] is True
    assert config["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert config["LOG_FORMAT"] == "json"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-secret-key-do-not-use-in-production"}, "SECRET_KEY"),
        ({"DATABASE_URL": ""}, "SQLite"),
        ({"DATABASE_URL": "sqlite:////tmp/x.db"}, "SQLite"),
        ({"SIMULATORS_ENABLED": "true"}, "SIMULATORS_ENABLED"),
        ({"DEBUG": "1"}, "DEBUG"),
        ({"COOKIE_SECURE": "false"}, "COOKIE_SECURE"),
        ({"PUBLIC_BASE_URL": "http://dichvucong.example.gov.vn"}, "https"),
        ({"MAIL_BACKEND": "smtp", "SMTP_SECURITY": "none"}, "SMTP_SECURITY"),
        ({"VNPAY_HASH_SECRET": "dev-only-vnpay-hash-secret-DO-NOT-USE"}, "VNPAY_HASH_SECRET"),
        ({"VNPAY_HASH_SECRET": ""}, "VNPAY_HASH_SECRET"),
        ({"VNPAY_API_URL": "http://merchant.vnpay.vn/x"}, "VNPAY_API_URL"),
        ({"RESULTS_KEYS_DIR": ""}, "RESULTS_KEYS_DIR"),
        ({"RESULTS_KEYS_PASSPHRASE": "dev-only-results-keys-passphrase"}, "PASSPHRASE"),
        ({"RESULTS_TRUST_ROOTS": ""}, "RESULTS_TRUST_ROOTS"),
        ({"RESULTS_DEV_KEYS": "true"}, "RESULTS_DEV_KEYS"),
        ({"RESULTS_SIGNING_BACKEND": "pkcs11"}, "RESULTS_PKCS11_MODULE"),
        ({"RESULTS_TSA_URL": "http://tsa.example.vn"}, "RESULTS_TSA_URL"),
    ],
)
def test_production_refuses_unsafe_values(change, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_config(environ={**SAFE_PRODUCTION, **change})


def test_embedded_default_keeps_a_random_secret_in_the_instance_folder(tmp_path):
    first = load_config(environ={"INSTANCE_DIR": str(tmp_path)})
    second = load_config(environ={"INSTANCE_DIR": str(tmp_path)})

    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'app.db'}"
    assert first["CELERY_TASK_ALWAYS_EAGER"] is True
    assert first["SIMULATORS_ENABLED"] is True


def test_production_app_refuses_to_start_with_defaults(monkeypatch):
    from backend import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError):
        create_app()
