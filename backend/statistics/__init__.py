"""Statistics: citizens' satisfaction ratings and the reports of the QĐ 766 scorecard.

The reports are computed by SQL aggregation (a handful of grouped statements with ``FILTER``
clauses, portable to PostgreSQL and SQLite), never by loading dossiers into Python. The
per-dossier rule they implement is :func:`backend.dossiers.deadlines.timeliness`; a test
compares both on the same fixtures.
"""

import logging

logger = logging.getLogger(__name__)

from backend.statistics import facts  # noqa: E402,F401  (keeps dossier_facts current)
