"""Migrations run on PostgreSQL and SQLite, go down and up again, and match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from backend import migrate
from backend.models import metadata
from tests.conftest import TEST_DATABASE_URL, drop_scratch_database, scratch_database_url


def drift(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    return differences


@pytest.fixture
def scratch_postgres():
    """A database of its own, so going down and up does not disturb the other tests."""
    url = scratch_database_url("migrations")
    yield url
    drop_scratch_database(url)


def test_postgres_upgrade_downgrade_upgrade_without_drift(scratch_postgres):
    migrate.upgrade(scratch_postgres)
    assert drift(scratch_postgres) == []

    migrate.downgrade(scratch_postgres, "base")
    engine = sa.create_engine(scratch_postgres)
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()

    migrate.upgrade(scratch_postgres)
    assert drift(scratch_postgres) == []


def test_sqlite_upgrade_downgrade_upgrade_without_drift(tmp_path):
    url = f"sqlite:///{tmp_path / 'embedded.db'}"

    migrate.upgrade(url)
    assert drift(url) == []
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    assert drift(url) == []


def test_one_head_and_dated_file_names():
    script = ScriptDirectory.from_config(migrate.alembic_config(TEST_DATABASE_URL))

    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit() and name[8] == "_", name
