"""Data other domains provide for two indicators, connected by name when they exist.

Two 766 indicators depend on data this repository does not record yet:

* **4.5 population-database use** — expects a table ``population_lookups`` with a nullable
  ``dossier_id`` column (one row per query to the national population database made for a
  dossier, written by the population-DB client of the integration domain);
* **1.4 DVCQG sync rate** — expects a nullable timestamp column ``dossiers.dvcqg_synced_at``
  (when the dossier was last pushed to the National Public Service Portal successfully).

When the table or column is missing, the indicator is reported as not available (``null``
with a reason) instead of a made-up zero. Connecting another source means changing only the
names below.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from backend.extensions import db

POPULATION_TABLE, POPULATION_DOSSIER_COLUMN = "population_lookups", "dossier_id"
SYNC_TABLE, SYNC_COLUMN = "dossiers", "dvcqg_synced_at"


@dataclass(frozen=True)
class Sources:
    """Which optional sources the connected database has."""

    population: bool
    sync: bool


def detect() -> Sources:
    """Look the optional table and column up in the database's catalogue (one or two cheap
    catalogue queries; the schema only changes with a migration)."""
    inspector = sa.inspect(db.session.connection())
    population = inspector.has_table(POPULATION_TABLE) and any(
        column["name"] == POPULATION_DOSSIER_COLUMN
        for column in inspector.get_columns(POPULATION_TABLE)
    )
    sync = any(column["name"] == SYNC_COLUMN for column in inspector.get_columns(SYNC_TABLE))
    return Sources(population=population, sync=sync)


def population_lookups() -> sa.TableClause:
    return sa.table(POPULATION_TABLE, sa.column(POPULATION_DOSSIER_COLUMN))


def synced_at() -> sa.ColumnElement:
    """The sync timestamp of the ``dossiers`` row being aggregated."""
    return sa.literal_column(f"{SYNC_TABLE}.{SYNC_COLUMN}")
