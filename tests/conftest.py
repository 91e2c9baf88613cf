"""Test fixtures: the app on PostgreSQL with migrations applied, one rolled-back transaction
per test, factories for accounts.

``TEST_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``) is wiped and
migrated once per run. Tests that use ``client`` or ``db`` run inside a transaction that is
rolled back afterwards; requests commit SAVEPOINTs inside it.
"""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from backend.config import normalise_database_url

TEST_DATABASE_URL = normalise_database_url(
    os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
)

#: Fast hashing in tests; the production parameters are measured by bench/auth.
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}


def make_config(tmp: Path, **overrides) -> dict:
    config = {
        "APP_ENV": "test",
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "DATABASE_URL": TEST_DATABASE_URL,
        "INSTANCE_DIR": str(tmp),
        "MAIL_BACKEND": "outbox",
        "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
        "CELERY_BROKER_URL": None,
        "CELERY_TASK_ALWAYS_EAGER": True,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "WARNING",
        "FRONTEND_DIST": str(tmp / "no-dist"),
        "VNPAY_SIM_IPN_MODE": "sync",
        "VNPAY_SIM_IPN_INTERVAL_SECONDS": 0,
        **FAST_ARGON2,
    }
    config.update(overrides)
    return config


def scratch_database_url(suffix: str) -> str:
    """A fresh, empty PostgreSQL database named after the test database (``test`` →
    ``test_<suffix>``), so runs against different test databases never share one."""
    base, name = TEST_DATABASE_URL.rsplit("/", 1)
    scratch = f"{name}_{suffix}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
    admin.dispose()
    return f"{base}/{scratch}"


def drop_scratch_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from backend import create_app, migrate

    reset_postgres(TEST_DATABASE_URL)
    migrate.upgrade(TEST_DATABASE_URL)
    application = create_app(make_config(tmp_path_factory.mktemp("instance")))
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def db(app):
    """The session, bound to a connection whose transaction is rolled back after the test."""
    from backend.core import clock
    from backend.extensions import db as database
    from backend.extensions import limiter

    database.session.remove()
    connection = app.extensions["db_engine"].connect()
    transaction = connection.begin()
    database.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    limiter.reset()
    with app.app_context():
        yield database
    database.session.remove()
    database.session.configure(bind=None, join_transaction_mode="conditional_savepoint")
    transaction.rollback()
    connection.close()
    clock.freeze(None)


class IsolatedClient(FlaskClient):
    """A test client whose requests do not see the test's application context.

    Flask reuses an application context that is already pushed, which would share ``g`` and
    skip the per-request teardown; production requests never have one. Each request here runs
    in an empty ``contextvars`` context, so it gets its own, exactly as in production.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # Werkzeug's test client spools large multipart bodies to a temporary file that it
        # never closes; close it here so no ResourceWarning surfaces in a later test.
        request = getattr(response, "request", None)
        body = request.environ.get("wsgi.input") if request is not None else None
        if body is not None and hasattr(body, "close"):
            body.close()
        return response


@pytest.fixture
def client(app, db):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def outbox(app) -> Path:
    """The folder where e-mails land; emptied before the test."""
    path = Path(app.config["MAIL_OUTBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    for item in path.glob("*.eml"):
        item.unlink()
    return path


@pytest.fixture
def make_app(tmp_path):
    """Build extra applications with config overrides; their engines are closed afterwards."""
    from backend import create_app

    created = []

    def factory(**overrides):
        application = create_app(make_config(tmp_path, **overrides))
        created.append(application)
        return application

    yield factory
    for application in created:
        application.extensions["db_engine"].dispose()
