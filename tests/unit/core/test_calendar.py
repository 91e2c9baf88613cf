"""Unit tests for the deadline engine (backend/core/calendar.py): no database, no Flask."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.core.calendar import (
    TZ,
    DurationUnit,
    HolidayCalendar,
    Pause,
    WorkingHours,
    add_working_days,
    add_working_time,
    closing_time,
    due_at,
    due_at_with_pauses,
    is_working_day,
    is_working_moment,
    next_opening,
    next_working_day,
    paused_working_time,
    reception_day,
    restart_due_at,
    working_time_between,
)

WD = DurationUnit.WORKING_DAYS
CD = DurationUnit.CALENDAR_DAYS
WH = DurationUnit.WORKING_HOURS

#: The ``holidays`` package (0.109) already knows every 2026 public-sector day off except the
#: New Year swap: Fri 2/1/2026 off, worked back on Sat 10/1/2026. Those two are added
#: explicitly, as the government's decision does.
CAL = HolidayCalendar(
    extra_days_off=[date(2026, 1, 2)],
    extra_working_days=[date(2026, 1, 10)],
)

#: The same 2026 calendar written out by hand from DOMAIN.md §3.3 (no ``holidays`` package).
OFFICIAL_2026 = HolidayCalendar(
    extra_days_off=[
        date(2026, 1, 1),
        date(2026, 1, 2),
        *(date(2026, 2, day) for day in range(16, 21)),
        date(2026, 4, 26),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2026, 9, 2),
    ],
    extra_working_days=[date(2026, 1, 10)],
    use_holidays_package=False,
)

HOURS = WorkingHours()
SATURDAY_AGENCY = WorkingHours.from_dict(
    {
        **{day: [["07:00", "11:30"], ["13:30", "17:00"]] for day in ("mon", "tue", "wed", "thu")},
        "fri": [["07:00", "11:30"], ["13:30", "17:00"]],
        "sat": [["07:30", "11:30"]],
    }
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware moment in Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


# --------------------------------------------------------------------------- holidays package


def test_holidays_package_vn_2026() -> None:
    days = set(CAL.package_holidays(2026))
    assert days == {
        date(2026, 1, 1),
        *(date(2026, 2, day) for day in range(16, 21)),  # Tết Bính Ngọ, Mon-Fri
        date(2026, 4, 26),  # Hùng Kings (Sunday)
        date(2026, 4, 27),  # compensatory day
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # swapped with Saturday 22/8
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # Vietnam Cultural Day (from 2026)
    }
    assert date(2026, 1, 2) not in days  # the New Year swap must be added explicitly
    assert CAL.is_extra_working_day(date(2026, 8, 22))  # package swap: Saturday worked


def test_holidays_package_vn_2027() -> None:
    days = CAL.package_holidays(2027)
    assert "Tết Nguyên Đán" in days[date(2027, 2, 6)]  # 1st day of Đinh Mùi is Sat 6/2/2027
    assert set(days) == {
        date(2027, 1, 1),
        *(date(2027, 2, day) for day in range(4, 11)),  # Thu 4/2 - Wed 10/2
        date(2027, 4, 16),
        date(2027, 4, 30),
        date(2027, 5, 1),
        date(2027, 5, 3),
        date(2027, 9, 2),
        date(2027, 9, 3),
        date(2027, 11, 24),
    }


def test_package_calendar_matches_official_2026_list() -> None:
    day = date(2026, 1, 1)
    differences = []
    while day.year == 2026:
        if CAL.is_day_off(day) != OFFICIAL_2026.is_day_off(day):
            differences.append(day)
        day += timedelta(days=1)
    # Only the National Day swap and Vietnam Cultural Day, which the DOMAIN table lacks.
    assert differences == [date(2026, 8, 22), date(2026, 8, 31), date(2026, 11, 24)]


# --------------------------------------------------------------------------- table tests

CASES = [
    # Tết Bính Ngọ 2026: days off Mon 16/2 - Fri 20/2.
    ("tet26 3wd", at(2026, 2, 13, 10), 3, WD, None, at(2026, 2, 25, 17)),
    ("tet26 1wd", at(2026, 2, 13, 10), 1, WD, None, at(2026, 2, 23, 17)),
    ("tet26 eve 1wd", at(2026, 2, 12, 16), 1, WD, None, at(2026, 2, 13, 17)),
    ("tet26 after close", at(2026, 2, 13, 17, 30), 1, WD, None, at(2026, 2, 24, 17)),
    ("tet26 received during tet", at(2026, 2, 17, 9), 1, WD, None, at(2026, 2, 24, 17)),
    ("tet26 8h", at(2026, 2, 13, 10), 8, WH, None, at(2026, 2, 23, 10)),
    ("tet26 calendar", at(2026, 2, 13, 10), 5, CD, None, at(2026, 2, 23, 17)),
    # Tết Đinh Mùi 2027 (package: Thu 4/2 - Wed 10/2/2027).
    ("tet27 1wd", at(2027, 2, 3, 10), 1, WD, None, at(2027, 2, 11, 17)),
    ("tet27 5wd", at(2027, 2, 1, 10), 5, WD, None, at(2027, 2, 15, 17)),
    ("tet27 4h", at(2027, 2, 3, 15), 4, WH, None, at(2027, 2, 11, 9)),
    # 30/4 - 1/5/2026 (Thu/Fri).
    ("30/4 1wd", at(2026, 4, 29, 16), 1, WD, None, at(2026, 5, 4, 17)),
    ("30/4 4h", at(2026, 4, 29, 16), 4, WH, None, at(2026, 5, 4, 10)),
    ("30/4 calendar", at(2026, 4, 28, 9), 2, CD, None, at(2026, 5, 4, 17)),
    # National Day 2026 (package: Mon 31/8 - Wed 2/9, Sat 22/8 worked).
    ("2/9 1wd", at(2026, 8, 28, 10), 1, WD, None, at(2026, 9, 3, 17)),
    ("2/9 received on holiday", at(2026, 9, 1, 9), 1, WD, None, at(2026, 9, 4, 17)),
    ("22/8 make-up saturday", at(2026, 8, 21, 10), 1, WD, None, at(2026, 8, 22, 17)),
    # New Year 2026: Thu 1/1 holiday, Fri 2/1 swapped, Sat 10/1 worked.
    ("new year 1wd", at(2025, 12, 31, 10), 1, WD, None, at(2026, 1, 5, 17)),
    ("make-up saturday", at(2026, 1, 9, 10), 1, WD, None, at(2026, 1, 10, 17)),
    ("received on make-up day", at(2026, 1, 10, 9), 0, WD, None, at(2026, 1, 10, 17)),
    ("make-up day hours", at(2026, 1, 9, 16), 2, WH, None, at(2026, 1, 10, 8)),
    # Hùng Kings 2026: Sun 26/4 with compensatory Mon 27/4.
    ("hung kings 1wd", at(2026, 4, 24, 10), 1, WD, None, at(2026, 4, 28, 17)),
    ("hung kings calendar", at(2026, 4, 23, 10), 3, CD, None, at(2026, 4, 28, 17)),
    # Reception outside working hours.
    ("after closing", at(2026, 3, 3, 18), 1, WD, None, at(2026, 3, 5, 17)),
    ("at closing", at(2026, 3, 3, 17), 1, WD, None, at(2026, 3, 5, 17)),
    ("before opening", at(2026, 3, 3, 6, 30), 1, WD, None, at(2026, 3, 4, 17)),
    ("lunch break", at(2026, 3, 3, 12), 1, WD, None, at(2026, 3, 4, 17)),
    ("saturday", at(2026, 3, 7, 10), 1, WD, None, at(2026, 3, 10, 17)),
    ("hours before opening", at(2026, 3, 3, 6), 2, WH, None, at(2026, 3, 3, 9)),
    ("hours after closing", at(2026, 3, 3, 20), 2, WH, None, at(2026, 3, 4, 9)),
    # Same-day procedures and the 15:00 cut-off.
    ("same day", at(2026, 3, 5, 15, 30), 0, WD, None, at(2026, 3, 5, 17)),
    ("same day after cutoff", at(2026, 3, 5, 15, 30), 0, WD, time(15), at(2026, 3, 6, 17)),
    ("same day at cutoff", at(2026, 3, 5, 15), 0, WD, time(15), at(2026, 3, 5, 17)),
    ("same day before cutoff", at(2026, 3, 5, 14, 59), 0, WD, time(15), at(2026, 3, 5, 17)),
    ("friday after cutoff", at(2026, 3, 6, 15, 30), 0, WD, time(15), at(2026, 3, 9, 17)),
    ("cutoff multi-day", at(2026, 3, 5, 15, 30), 2, WD, time(15), at(2026, 3, 10, 17)),
    ("same day after close", at(2026, 3, 5, 18), 0, WD, time(15), at(2026, 3, 6, 17)),
    ("before tet after cutoff", at(2026, 2, 13, 16), 0, WD, time(15), at(2026, 2, 23, 17)),
    # Calendar days: last day on a weekend moves to Monday.
    ("calendar to sunday", at(2026, 3, 4, 10), 4, CD, None, at(2026, 3, 9, 17)),
    ("calendar to saturday", at(2026, 3, 4, 10), 3, CD, None, at(2026, 3, 9, 17)),
    ("calendar to friday", at(2026, 3, 4, 10), 2, CD, None, at(2026, 3, 6, 17)),
    ("calendar 0", at(2026, 3, 4, 10), 0, CD, None, at(2026, 3, 4, 17)),
    ("calendar 30", at(2026, 3, 2, 10), 30, CD, None, at(2026, 4, 1, 17)),
    # Working hours crossing the lunch break and a weekend.
    ("lunch", at(2026, 3, 6, 10), 3, WH, None, at(2026, 3, 6, 15)),
    ("weekend", at(2026, 3, 6, 10), 8, WH, None, at(2026, 3, 9, 10)),
    ("exact end of morning", at(2026, 3, 6, 10), Decimal("1.5"), WH, None, at(2026, 3, 6, 11, 30)),
    ("exact end of day", at(2026, 3, 6, 7), 8, WH, None, at(2026, 3, 6, 17)),
    ("zero hours in break", at(2026, 3, 6, 12), 0, WH, None, at(2026, 3, 6, 13, 30)),
    ("24h", at(2026, 3, 2, 7), 24, WH, None, at(2026, 3, 4, 17)),
    # Fractional working days: 8 working hours per day, counted from the moment itself.
    ("half day", at(2026, 3, 9, 8), Decimal("0.5"), WD, None, at(2026, 3, 9, 14)),
    ("1.5 days", at(2026, 3, 6, 15), Decimal("1.5"), WD, None, at(2026, 3, 10, 9)),
    ("whole decimal", at(2026, 3, 6, 15), Decimal("2.0"), WD, None, at(2026, 3, 10, 17)),
]


@pytest.mark.parametrize(
    ("start", "amount", "unit", "cutoff", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_due_at_table(
    start: datetime, amount: int, unit: DurationUnit, cutoff: time | None, expected: datetime
) -> None:
    result = due_at(start, amount, unit, HOURS, CAL, cutoff=cutoff)
    assert result == expected
    assert result.tzinfo == TZ


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        pytest.param(at(2026, 3, 6, 10), 8, WH, at(2026, 3, 7, 10, 30), id="hours into saturday"),
        pytest.param(at(2026, 3, 6, 10), 1, WD, at(2026, 3, 7, 11, 30), id="saturday counts"),
        pytest.param(at(2026, 3, 7, 11, 45), 1, WD, at(2026, 3, 10, 17), id="after sat close"),
        pytest.param(at(2026, 3, 4, 10), 3, CD, at(2026, 3, 7, 11, 30), id="calendar to sat"),
        pytest.param(at(2026, 3, 4, 10), 4, CD, at(2026, 3, 9, 17), id="calendar to sun"),
        pytest.param(at(2026, 1, 9, 10), 1, WD, at(2026, 1, 10, 17), id="make-up sat full"),
        # Saturdays 14/2 and 21/2/2026 are not holidays: an agency open on Saturdays counts them.
        pytest.param(at(2026, 2, 13, 10), 3, WD, at(2026, 2, 23, 17), id="tet with saturdays"),
    ],
)
def test_saturday_morning_agency(
    start: datetime, amount: int, unit: DurationUnit, expected: datetime
) -> None:
    assert due_at(start, amount, unit, SATURDAY_AGENCY, CAL) == expected


def test_without_the_new_year_override_fri_2_jan_counts() -> None:
    package_only = HolidayCalendar()
    assert due_at(at(2025, 12, 31, 10), 1, WD, HOURS, package_only) == at(2026, 1, 2, 17)
    assert due_at(at(2026, 1, 9, 10), 1, WD, HOURS, package_only) == at(2026, 1, 12, 17)


def test_hand_written_2026_calendar_gives_the_same_dues() -> None:
    for _name, start, amount, unit, cutoff, expected in CASES:
        if start.year == 2026 and expected.year == 2026 and expected.month < 8:
            assert due_at(start, amount, unit, HOURS, OFFICIAL_2026, cutoff=cutoff) == expected


def test_other_time_zones_are_converted() -> None:
    start = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    result = due_at(start, 2, WH, HOURS, CAL)
    assert result == at(2026, 3, 5, 14)
    assert result.utcoffset() == timedelta(hours=7)
    paris = datetime(2026, 3, 5, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 17:00 in Hà Nội
    assert due_at(paris, 1, WD, HOURS, CAL) == at(2026, 3, 9, 17)
    assert due_at(at(2026, 3, 5, 10), 1, "working_days", HOURS, CAL) == at(2026, 3, 6, 17)


@pytest.mark.parametrize(
    "call",
    [
        lambda: due_at(datetime(2026, 3, 5, 10), 1, WD, HOURS, CAL),
        lambda: due_at(at(2026, 3, 5, 10), -1, WD, HOURS, CAL),
        lambda: due_at(at(2026, 3, 5, 10), Decimal("NaN"), WH, HOURS, CAL),
        lambda: due_at(at(2026, 3, 5, 10), Decimal("1.5"), CD, HOURS, CAL),
        lambda: due_at(at(2026, 3, 5, 10), 2, WH, HOURS, CAL, cutoff=time(15)),
        lambda: due_at(at(2026, 3, 5, 10), 2, "fortnights", HOURS, CAL),
        lambda: is_working_moment(datetime(2026, 3, 5, 10), HOURS, CAL),
        lambda: next_opening(datetime(2026, 3, 5, 10), HOURS, CAL),
        lambda: working_time_between(datetime(2026, 3, 5), at(2026, 3, 6), HOURS, CAL),
        lambda: Pause(datetime(2026, 3, 5), at(2026, 3, 6)),
        lambda: Pause(at(2026, 3, 6), at(2026, 3, 5)),
        lambda: closing_time(date(2026, 3, 7), HOURS, CAL),
    ],
)
def test_invalid_inputs_raise_value_error(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------- helpers


def test_working_moments_and_openings() -> None:
    assert is_working_moment(at(2026, 3, 5, 7), HOURS, CAL)
    assert not is_working_moment(at(2026, 3, 5, 11, 30), HOURS, CAL)
    assert is_working_moment(at(2026, 3, 5, 11, 30), HOURS, CAL, include_end=True)
    assert not is_working_moment(at(2026, 2, 17, 9), HOURS, CAL)  # Tết
    assert is_working_moment(at(2026, 1, 10, 9), HOURS, CAL)  # make-up Saturday
    assert next_opening(at(2026, 3, 5, 9), HOURS, CAL) == at(2026, 3, 5, 9)
    assert next_opening(at(2026, 3, 5, 11, 30), HOURS, CAL) == at(2026, 3, 5, 13, 30)
    assert next_opening(at(2026, 3, 6, 17), HOURS, CAL) == at(2026, 3, 9, 7)
    assert next_opening(at(2026, 2, 13, 17), HOURS, CAL) == at(2026, 2, 23, 7)
    assert next_working_day(date(2026, 4, 29), HOURS, CAL) == date(2026, 5, 4)
    assert add_working_days(date(2026, 2, 13), 0, HOURS, CAL) == date(2026, 2, 13)
    assert add_working_days(date(2026, 2, 13), 2, HOURS, CAL) == date(2026, 2, 24)
    assert reception_day(at(2026, 3, 6, 17), HOURS, CAL) == date(2026, 3, 9)
    assert reception_day(at(2026, 3, 6, 16), HOURS, CAL, cutoff=time(15)) == date(2026, 3, 9)
    assert not is_working_day(date(2026, 3, 7), HOURS, CAL)
    assert is_working_day(date(2026, 3, 7), SATURDAY_AGENCY, CAL)


def test_working_time_between() -> None:
    def between(a: datetime, b: datetime) -> timedelta:
        return working_time_between(a, b, HOURS, CAL)

    assert between(at(2026, 3, 6, 16), at(2026, 3, 9, 8)) == timedelta(hours=2)
    assert between(at(2026, 3, 9, 8), at(2026, 3, 6, 16)) == -timedelta(hours=2)
    assert between(at(2026, 3, 5, 11), at(2026, 3, 5, 14)) == timedelta(hours=1)
    assert between(at(2026, 3, 5, 12), at(2026, 3, 5, 13)) == timedelta(0)
    assert between(at(2026, 2, 13, 0), at(2026, 2, 24, 0)) == timedelta(hours=16)
    assert between(at(2026, 3, 2), at(2026, 3, 9)) == timedelta(hours=40)


def test_add_working_time_zero_and_negative() -> None:
    assert add_working_time(at(2026, 3, 6, 18), timedelta(0), HOURS, CAL) == at(2026, 3, 9, 7)
    with pytest.raises(ValueError):
        add_working_time(at(2026, 3, 6, 9), -timedelta(minutes=1), HOURS, CAL)


# --------------------------------------------------------------------------- pauses


def test_pause_shifts_due_by_paused_working_time() -> None:
    start = at(2026, 3, 2, 9)  # Monday; 3 working days -> Thu 5/3 17:00
    assert due_at(start, 3, WD, HOURS, CAL) == at(2026, 3, 5, 17)
    pause = Pause(at(2026, 3, 3, 9), at(2026, 3, 3, 11))  # two working hours
    assert due_at_with_pauses(start, 3, WD, HOURS, CAL, [pause]) == at(2026, 3, 6, 9)
    # A pause over lunch only loses the working part (10:30-11:30 and 13:30-14:00).
    pause = Pause(at(2026, 3, 3, 10, 30), at(2026, 3, 3, 14))
    assert due_at_with_pauses(start, 3, WD, HOURS, CAL, [pause]) == at(2026, 3, 6, 8, 30)


def test_pause_without_working_time_keeps_due() -> None:
    start = at(2026, 3, 2, 9)
    weekend = Pause(at(2026, 3, 6, 17), at(2026, 3, 9, 7))
    night = Pause(at(2026, 3, 3, 17, 30), at(2026, 3, 4, 6))
    expected = due_at(start, 5, WD, HOURS, CAL)
    assert due_at_with_pauses(start, 5, WD, HOURS, CAL, [weekend, night]) == expected
    assert due_at_with_pauses(start, 5, WD, HOURS, CAL, []) == expected


def test_overlapping_pauses_count_once_and_pauses_before_start_ignored() -> None:
    start = at(2026, 3, 2, 9)
    first = Pause(at(2026, 3, 3, 8), at(2026, 3, 3, 10))
    second = Pause(at(2026, 3, 3, 9), at(2026, 3, 3, 11))
    before = Pause(at(2026, 2, 27, 8), at(2026, 3, 2, 10))  # only 9:00-10:00 counts
    lost = paused_working_time([first, second, before], HOURS, CAL, not_before=start)
    assert lost == timedelta(hours=4)
    assert due_at_with_pauses(start, 8, WH, HOURS, CAL, [first, second, before]) == (
        add_working_time(start, timedelta(hours=12), HOURS, CAL)
    )


def test_pause_spanning_the_original_due() -> None:
    start = at(2026, 3, 2, 9)  # 4 working days -> Fri 6/3 17:00
    pause = Pause(at(2026, 3, 5, 9), at(2026, 3, 9, 9))  # Thu 9:00 -> Mon 9:00
    # Remaining when paused: Thu 6 h + Fri 8 h = 14 h, counted again from Mon 9:00.
    assert due_at_with_pauses(start, 4, WD, HOURS, CAL, [pause]) == at(2026, 3, 10, 17)


def test_restart_policy_counts_again_from_supplement() -> None:
    supplied = at(2026, 4, 29, 16)
    assert restart_due_at(supplied, 1, WD, HOURS, CAL) == at(2026, 5, 4, 17)
    assert restart_due_at(supplied, 0, WD, HOURS, CAL, cutoff=time(15)) == at(2026, 5, 4, 17)


# --------------------------------------------------------------------------- configuration


def test_working_hours_round_trip_and_defaults() -> None:
    data = HOURS.to_dict()
    assert data["mon"] == [["07:00", "11:30"], ["13:30", "17:00"]]
    assert data["sat"] == data["sun"] == []
    assert WorkingHours.from_dict(data) == HOURS
    assert WorkingHours.from_dict(SATURDAY_AGENCY.to_dict()) == SATURDAY_AGENCY
    assert SATURDAY_AGENCY.intervals(5) == ((time(7, 30), time(11, 30)),)
    assert SATURDAY_AGENCY.makeup_intervals == HOURS.intervals(0)
    custom = WorkingHours({0: [(time(8), time(12))]}, makeup=[["08:00", "16:30:30"]])
    assert custom.to_dict()["makeup"] == [["08:00", "16:30:30"]]
    assert WorkingHours.from_dict(custom.to_dict()) == custom


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mon": [["11:30", "07:00"]]}, "must be before"),
        ({"mon": [["07:00", "07:00"]]}, "must be before"),
        ({"mon": [["13:30", "17:00"], ["07:00", "11:30"]]}, "chronological"),
        ({"mon": [["07:00", "12:00"], ["11:30", "17:00"]]}, "overlaps"),
        ({"mon": [["07:00", "11:30"], ["11:30", "17:00"]]}, "touches"),
        ({"mon": [["7h", "11:30"]]}, "invalid time"),
        ({"mon": [["07:00"]]}, "pair"),
        ({"mon": "07:00-11:30"}, "list"),
        ({"monday": [["07:00", "11:30"]]}, "unknown"),
        ({}, "at least one"),
        ({"mon": [], "sun": []}, "at least one"),
        ({"mon": [["07:00", "11:30"]], "makeup": []}, "makeup"),
    ],
)
def test_working_hours_validation(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingHours.from_dict(data)


def test_holiday_calendar_overrides() -> None:
    calendar = HolidayCalendar(
        extra_days_off=[date(2026, 3, 6), date(2026, 8, 22)],
        extra_working_days=[date(2026, 3, 7), date(2026, 2, 17)],
    )
    assert calendar.is_day_off(date(2026, 3, 6))
    assert not calendar.is_day_off(date(2026, 3, 7))  # Saturday worked
    assert not calendar.is_day_off(date(2026, 2, 17))  # overrides a Tết holiday
    assert calendar.is_day_off(date(2026, 8, 22))  # explicit day off beats the package swap
    assert calendar.is_day_off(date(2026, 3, 8))  # Sunday
    assert calendar.is_holiday(date(2026, 4, 30))
    assert not calendar.is_holiday(date(2026, 3, 8))
    assert is_working_day(date(2026, 3, 7), HOURS, calendar)
    assert not HolidayCalendar(use_holidays_package=False).is_day_off(date(2026, 4, 30))
    with pytest.raises(ValueError, match="both"):
        HolidayCalendar([date(2026, 3, 6)], [date(2026, 3, 6)])
    with pytest.raises(ValueError, match="date"):
        HolidayCalendar([at(2026, 3, 6)])


# --------------------------------------------------------------------------- properties

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59),
    timezones=st.sampled_from([TZ, UTC, ZoneInfo("Europe/Paris")]),
    allow_imaginary=False,
).map(lambda moment: moment.replace(second=0, microsecond=0))
agencies = st.sampled_from([HOURS, SATURDAY_AGENCY])
units = st.sampled_from(list(DurationUnit))
cutoffs = st.sampled_from([None, time(15), time(9, 30)])


def on_working_time(moment: datetime, hours: WorkingHours) -> bool:
    return is_working_moment(moment, hours, CAL, include_end=True)


@PROPERTY_SETTINGS
@given(start=moments, amount=st.integers(0, 80), unit=units, hours=agencies)
def test_due_is_inside_working_hours(
    start: datetime, amount: int, unit: DurationUnit, hours: WorkingHours
) -> None:
    result = due_at(start, amount, unit, hours, CAL)
    assert result.tzinfo == TZ
    assert on_working_time(result, hours)
    assert result >= start


@PROPERTY_SETTINGS
@given(start=moments, quarters=st.integers(0, 40), hours=agencies)
def test_fractional_due_is_inside_working_hours(
    start: datetime, quarters: int, hours: WorkingHours
) -> None:
    result = due_at(start, Decimal(quarters) / 4, WD, hours, CAL)
    assert on_working_time(result, hours)


@PROPERTY_SETTINGS
@given(
    start=moments,
    amounts=st.tuples(st.integers(0, 60), st.integers(0, 60)),
    unit=units,
    hours=agencies,
    cutoff=cutoffs,
)
def test_due_is_monotonic_in_duration(
    start: datetime,
    amounts: tuple[int, int],
    unit: DurationUnit,
    hours: WorkingHours,
    cutoff: time | None,
) -> None:
    small, large = sorted(amounts)
    if unit is WH:
        cutoff = None
    assert due_at(start, small, unit, hours, CAL, cutoff=cutoff) <= due_at(
        start, large, unit, hours, CAL, cutoff=cutoff
    )


@PROPERTY_SETTINGS
@given(start=moments, h1=st.integers(0, 100), h2=st.integers(1, 100), hours=agencies)
def test_working_hours_are_additive(start: datetime, h1: int, h2: int, hours: WorkingHours) -> None:
    """due(due(s, h1), h2) == due(s, h1 + h2) whenever h2 > 0.

    (With h2 == 0 it fails only when the first due lands on the end of an interval, e.g.
    11:30: counting zero hours from there moves to the next opening.)
    """
    step = due_at(due_at(start, h1, WH, hours, CAL), h2, WH, hours, CAL)
    assert step == due_at(start, h1 + h2, WH, hours, CAL)


@PROPERTY_SETTINGS
@given(
    start=moments,
    m1=st.integers(0, 3000),
    m2=st.integers(1, 3000),
    hours=agencies,
)
def test_add_working_time_is_additive_to_the_minute(
    start: datetime, m1: int, m2: int, hours: WorkingHours
) -> None:
    first = add_working_time(start, timedelta(minutes=m1), hours, CAL)
    step = add_working_time(first, timedelta(minutes=m2), hours, CAL)
    assert step == add_working_time(start, timedelta(minutes=m1 + m2), hours, CAL)


@PROPERTY_SETTINGS
@given(start=moments, d1=st.integers(0, 40), d2=st.integers(0, 40), hours=agencies)
def test_working_days_chain_with_one_extra_day(
    start: datetime, d1: int, d2: int, hours: WorkingHours
) -> None:
    """due(due(s, d1), d2) == due(s, d1 + d2 + 1).

    The first due moment is a closing time, and a reception at closing time counts as received
    on the next working day, so chaining counts that next day as a reception day, not as one
    of the d2 days. Equivalently d1 + d2 days are reached with d2 - 1 chained days (d2 >= 1).
    """
    first = due_at(start, d1, WD, hours, CAL)
    assert due_at(first, d2, WD, hours, CAL) == due_at(start, d1 + d2 + 1, WD, hours, CAL)
    if d2 >= 1:
        assert due_at(first, d2 - 1, WD, hours, CAL) == due_at(start, d1 + d2, WD, hours, CAL)


@PROPERTY_SETTINGS
@given(start=moments, days=st.integers(0, 60), hours=agencies, cutoff=cutoffs)
def test_working_days_count_exactly_n_days_after_reception(
    start: datetime, days: int, hours: WorkingHours, cutoff: time | None
) -> None:
    result = due_at(start, days, WD, hours, CAL, cutoff=cutoff)
    received = reception_day(start, hours, CAL, cutoff=cutoff)
    assert is_working_day(received, hours, CAL)
    assert received >= start.astimezone(TZ).date()
    counted = sum(
        is_working_day(received + timedelta(days=offset), hours, CAL)
        for offset in range(1, (result.date() - received).days + 1)
    )
    assert counted == days
    assert result == closing_time(result.date(), hours, CAL)


@PROPERTY_SETTINGS
@given(start=moments, days=st.integers(0, 60), hours=agencies)
def test_calendar_days_land_on_first_working_day_from_the_last_day(
    start: datetime, days: int, hours: WorkingHours
) -> None:
    result = due_at(start, days, CD, hours, CAL)
    last = reception_day(start, hours, CAL) + timedelta(days=days)
    assert result.date() >= last
    day = last
    while day < result.date():
        assert not is_working_day(day, hours, CAL)
        day += timedelta(days=1)
    assert result == closing_time(result.date(), hours, CAL)


@PROPERTY_SETTINGS
@given(start=moments, amount=st.integers(0, 200), hours=agencies)
def test_working_time_between_start_and_due_is_the_duration(
    start: datetime, amount: int, hours: WorkingHours
) -> None:
    opening = next_opening(start, hours, CAL)
    assert is_working_moment(opening, hours, CAL)
    due = due_at(opening, amount, WH, hours, CAL)
    assert working_time_between(opening, due, hours, CAL) == timedelta(hours=amount)
    # Also from a moment outside working hours: the time before the opening does not count.
    assert working_time_between(start, due_at(start, amount, WH, hours, CAL), hours, CAL) == (
        timedelta(hours=amount)
    )


@PROPERTY_SETTINGS
@given(
    a=moments,
    b=moments,
    c=moments,
    hours=agencies,
)
def test_working_time_between_is_additive(
    a: datetime, b: datetime, c: datetime, hours: WorkingHours
) -> None:
    total = working_time_between(a, c, hours, CAL)
    assert total == working_time_between(a, b, hours, CAL) + working_time_between(b, c, hours, CAL)


@PROPERTY_SETTINGS
@given(
    start=moments,
    amount=st.integers(1, 30),
    unit=units,
    offsets=st.tuples(st.integers(0, 20 * 24 * 60), st.integers(0, 10 * 24 * 60)),
    hours=agencies,
)
def test_paused_due_adds_the_paused_working_time(
    start: datetime,
    amount: int,
    unit: DurationUnit,
    offsets: tuple[int, int],
    hours: WorkingHours,
) -> None:
    pause_start = start + timedelta(minutes=offsets[0])
    pause = Pause(pause_start, pause_start + timedelta(minutes=offsets[1]))
    original = due_at(start, amount, unit, hours, CAL)
    shifted = due_at_with_pauses(start, amount, unit, hours, CAL, [pause])
    lost = working_time_between(pause.start, pause.end, hours, CAL)
    assert shifted >= original
    assert on_working_time(shifted, hours)
    assert working_time_between(original, shifted, hours, CAL) == lost
    # Same as stopping the clock during the pause and resuming with the remaining time.
    remaining = working_time_between(pause.start, original, hours, CAL)
    if remaining > timedelta(0):
        assert shifted == add_working_time(pause.end, remaining, hours, CAL)
