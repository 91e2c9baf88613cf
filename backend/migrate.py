"""Alembic driven from the application's configuration (``flask db ...``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from backend.config import ROOT_DIR


def alembic_config(url: str, connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT_DIR / "migrations"))
    config.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head", connection=None) -> None:
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str, revision: str, connection=None) -> None:
    command.downgrade(alembic_config(url, connection), revision)
