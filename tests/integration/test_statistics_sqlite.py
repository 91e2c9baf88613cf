"""The report on the embedded SQLite default gives the same figures as on PostgreSQL."""

from __future__ import annotations

import pytest

from backend import migrate
from backend.core import clock
from backend.core.transaction import task_transaction
from backend.statistics import queries, scorecard
from backend.statistics.queries import Period
from tests.api.statistics.test_report import NOW, History


def test_report_on_sqlite_matches_the_hand_computed_history(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'stats.db'}"
    app = make_app(DATABASE_URL=url)
    migrate.upgrade(url)
    try:
        with app.app_context(), task_transaction():
            history = History()
            report = scorecard.build_report(Period.year(2026), history.agency, NOW)
            classes = queries.classify(Period.year(2026), NOW)
            march = scorecard.build_report(Period.month(2026, 3), None, NOW)
            series = queries.monthly_series(2026, history.agency.id)
    finally:
        clock.freeze(None)
    rebuilt = app.test_cli_runner().invoke(args=["statistics", "rebuild-facts"])
    assert rebuilt.exit_code == 0 and "dossier_facts: 17 rows" in rebuilt.output

    counts = report["counts"]
    assert (counts["in_scope"], counts["received"], counts["carried_over"]) == (15, 14, 1)
    assert (counts["early"], counts["on_time"], counts["late"]) == (3, 1, 5)
    assert (counts["open_within"], counts["open_overdue"]) == (3, 1)
    assert report["rates"]["on_time"] == pytest.approx(7 / 13)
    assert report["rates"]["online_payment"] == pytest.approx(1 / 3)
    days = (2 + 1.5 / 24) + (3 + 7 / 24) + (3 + 23 / 24) + 7.5 + (2 + 2 / 24) + 7 + 14
    assert report["average_processing_days"] == pytest.approx(days / 7, abs=1e-4)
    # classify() covers every agency: D1–D15 and Y1 (early).
    assert sorted(c for c in classes.values() if c) == sorted(
        ["early"] * 4 + ["on_time"] + ["late"] * 5 + ["open_within"] * 3 + ["open_overdue"]
    )
    assert march["counts"]["received"] == 4  # D1, D2, D3 and the other agency's Y1
    assert (series[2]["received"], series[2]["late"], series[0]["late"]) == (3, 1, 1)
