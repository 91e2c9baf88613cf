"""Working-time calendar and legal deadline engine (pure: no Flask, no database).

Computes the legal due moment (``ngày hẹn trả``) of a dossier from its reception moment, the
procedure's duration and the agency's working time, following DOMAIN.md §3.3 and the Civil
Code 2015, Art. 147-148:

* **Working hours** are counted from the reception moment itself.
* **Day counts** start the day after the day of reception; the due moment is the close of
  business of the last day, and a last day that is a day off moves to the next working day.
* Everything happens in ``Asia/Ho_Chi_Minh`` (UTC+7, no daylight saving time). Inputs must be
  aware datetimes (any zone, converted); naive datetimes raise :class:`ValueError`. Outputs
  are aware datetimes in ``Asia/Ho_Chi_Minh``.

Building blocks:

* :class:`WorkingHours` - an agency's weekly opening intervals (JSON-able, per weekday).
* :class:`HolidayCalendar` - public holidays (``holidays`` package, lunar dates included) plus
  explicit days off (``ngày nghỉ bù``) and make-up working days (``ngày làm bù``).
* :func:`due_at`, :func:`due_at_with_pauses`, :func:`restart_due_at`,
  :func:`working_time_between`, :func:`add_working_time` and smaller helpers.

A *working day* for the engine is a date on which the agency has at least one opening
interval: its weekday has intervals in :class:`WorkingHours` and it is not a holiday, or it is
a make-up working day (which uses :attr:`WorkingHours.makeup_intervals`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_package

__all__ = [
    "HOURS_PER_WORKING_DAY",
    "TZ",
    "WEEKDAY_NAMES",
    "DurationUnit",
    "HolidayCalendar",
    "Pause",
    "WorkingHours",
    "add_working_days",
    "add_working_time",
    "closing_time",
    "due_at",
    "due_at_with_pauses",
    "is_working_day",
    "is_working_moment",
    "next_opening",
    "next_working_day",
    "paused_working_time",
    "reception_day",
    "restart_due_at",
    "working_intervals",
    "working_time_between",
]

#: Time zone of every computed moment.
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Conversion used for fractional working days (production practice: 1 day = 8 working hours).
HOURS_PER_WORKING_DAY = Decimal(8)

#: Weekday keys of the serialised :class:`WorkingHours` (index = ``date.weekday()``).
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_MAKEUP_KEY = "makeup"
_DEFAULT_DAY: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
#: Longest run of consecutive non-working days tolerated before giving up (misconfiguration).
_MAX_DAYS_OFF_IN_A_ROW = 3660

Interval = tuple[time, time]
#: Intervals as accepted on input: ``[("07:00", "11:30"), (time(13, 30), time(17)), ...]``.
IntervalsInput = Iterable[Sequence[time | str]]


# --------------------------------------------------------------------------- working hours


def _parse_time(value: time | str, where: str) -> time:
    if isinstance(value, time):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{where}: invalid time {value!r}, expected 'HH:MM'") from None
    else:
        raise ValueError(f"{where}: invalid time {value!r}, expected 'HH:MM'")
    if parsed.tzinfo is not None:
        raise ValueError(f"{where}: times must not carry a time zone")
    return parsed


def _format_time(value: time) -> str:
    fmt = "%H:%M:%S" if value.second or value.microsecond else "%H:%M"
    return value.strftime(fmt)


def _parse_intervals(raw: IntervalsInput, where: str) -> tuple[Interval, ...]:
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        raise ValueError(f"{where}: expected a list of [start, end] pairs")
    result: list[Interval] = []
    for index, pair in enumerate(raw):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"{where}[{index}]: expected a [start, end] pair, got {pair!r}")
        start = _parse_time(pair[0], f"{where}[{index}]")
        end = _parse_time(pair[1], f"{where}[{index}]")
        if start >= end:
            raise ValueError(
                f"{where}[{index}]: start {_format_time(start)} must be before end "
                f"{_format_time(end)}"
            )
        if result:
            previous_end = result[-1][1]
            if start < result[-1][0]:
                raise ValueError(f"{where}: intervals must be listed in chronological order")
            if start < previous_end:
                raise ValueError(
                    f"{where}: interval starting at {_format_time(start)} overlaps the previous "
                    f"one ending at {_format_time(previous_end)}"
                )
            if start == previous_end:
                raise ValueError(
                    f"{where}: interval starting at {_format_time(start)} touches the previous "
                    "one; merge them into a single interval"
                )
        result.append((start, end))
    return tuple(result)


def _weekday_index(key: int | str) -> int:
    if isinstance(key, bool):
        raise ValueError(f"invalid weekday {key!r}")
    if isinstance(key, int):
        if 0 <= key <= 6:
            return key
        raise ValueError(f"invalid weekday {key!r}, expected 0 (Monday) to 6 (Sunday)")
    if isinstance(key, str) and key.lower() in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(key.lower())
    raise ValueError(f"invalid weekday {key!r}, expected one of {', '.join(WEEKDAY_NAMES)}")


class WorkingHours:
    """Opening intervals of an agency for each weekday.

    The default is 07:00-11:30 and 13:30-17:00 from Monday to Friday and nothing on weekends.
    ``schedule`` maps weekdays (``"mon"``..``"sun"`` or 0..6) to lists of ``(start, end)``
    pairs (``datetime.time`` or ``"HH:MM"`` strings); weekdays left out have no working time.
    Intervals of a day must be in chronological order and must not overlap or touch.

    ``makeup`` are the intervals used on make-up working days (``ngày làm bù``), which replace
    a normal full working day whatever their weekday; by default the schedule of the first
    weekday (from Monday) that has working time.

    Raises:
        ValueError: malformed times, unordered/overlapping intervals, or no working time at
            all in the week.
    """

    __slots__ = ("_days", "_makeup", "_makeup_explicit")

    def __init__(
        self,
        schedule: Mapping[int, IntervalsInput] | Mapping[str, IntervalsInput] | None = None,
        *,
        makeup: IntervalsInput | None = None,
    ) -> None:
        days: list[tuple[Interval, ...]] = [()] * 7
        if schedule is None:
            for index in range(5):
                days[index] = _DEFAULT_DAY
        else:
            seen: set[int] = set()
            for key, raw in schedule.items():
                index = _weekday_index(key)
                if index in seen:
                    raise ValueError(f"weekday {WEEKDAY_NAMES[index]!r} given twice")
                seen.add(index)
                days[index] = _parse_intervals(raw, WEEKDAY_NAMES[index])
        if not any(days):
            raise ValueError("working hours must contain at least one weekday with intervals")
        self._days: tuple[tuple[Interval, ...], ...] = tuple(days)
        self._makeup_explicit = makeup is not None
        if makeup is not None:
            parsed = _parse_intervals(makeup, _MAKEUP_KEY)
            if not parsed:
                raise ValueError("makeup: make-up working days need at least one interval")
            self._makeup = parsed
        else:
            self._makeup = next(day for day in self._days if day)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkingHours:
        """Build from the JSON form ``{"mon": [["07:00", "11:30"], ...], ..., "makeup": [...]}``.

        Raises:
            ValueError: unknown keys or invalid intervals.
        """
        if not isinstance(data, Mapping):
            raise ValueError("working hours must be a mapping of weekday -> intervals")
        unknown = set(data) - set(WEEKDAY_NAMES) - {_MAKEUP_KEY}
        if unknown:
            raise ValueError(f"unknown working-hours keys: {', '.join(sorted(map(str, unknown)))}")
        schedule = {key: value for key, value in data.items() if key != _MAKEUP_KEY}
        return cls(schedule, makeup=data.get(_MAKEUP_KEY))

    def to_dict(self) -> dict[str, list[list[str]]]:
        """Serialise to the JSON form read by :meth:`from_dict` (all seven weekdays listed)."""
        result = {
            name: [[_format_time(s), _format_time(e)] for s, e in day]
            for name, day in zip(WEEKDAY_NAMES, self._days, strict=True)
        }
        if self._makeup_explicit:
            result[_MAKEUP_KEY] = [[_format_time(s), _format_time(e)] for s, e in self._makeup]
        return result

    def intervals(self, weekday: int) -> tuple[Interval, ...]:
        """Regular intervals of a weekday (0 = Monday)."""
        return self._days[weekday]

    @property
    def makeup_intervals(self) -> tuple[Interval, ...]:
        """Intervals applied on make-up working days."""
        return self._makeup

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingHours):
            return NotImplemented
        return self._days == other._days and self._makeup == other._makeup

    def __hash__(self) -> int:
        return hash((self._days, self._makeup))

    def __repr__(self) -> str:
        return f"WorkingHours.from_dict({self.to_dict()!r})"


# --------------------------------------------------------------------------- holidays


@functools.lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Holidays and substituted weekend working days of one year from the ``holidays`` package."""
    vn = holidays_package.country_holidays("VN", years=year, language="vi")
    days_off = {day: vn.get(day, "") for day in sorted(vn) if day.year == year}
    workdays = frozenset(day for day in vn.weekend_workdays if day.year == year)
    return days_off, workdays


def _as_dates(values: Iterable[date], name: str) -> frozenset[date]:
    result: set[date] = set()
    for value in values:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueError(f"{name}: expected datetime.date values, got {value!r}")
        result.add(value)
    return frozenset(result)


class HolidayCalendar:
    """Days off and make-up working days of the Vietnamese public sector.

    With ``use_holidays_package`` the public holidays come from
    ``holidays.country_holidays("VN")`` (Tết and the Hùng Kings day computed on the lunar
    calendar, statutory compensatory days, and the package's known swaps, whose substituted
    Saturdays become make-up working days). Computed years are cached.

    Explicit overrides win over the package: ``extra_working_days`` (``ngày làm bù``) override
    weekends and every kind of day off; ``extra_days_off`` (official bridge or compensatory
    days, ``ngày nghỉ bù``) override the package's working days. A date in both lists raises
    :class:`ValueError`.

    ``weekend`` (weekday numbers, default Saturday and Sunday) is only used by
    :meth:`is_day_off`; the deadline functions take the weekly rest days from
    :class:`WorkingHours`, so an agency open on Saturday mornings counts those mornings.
    """

    __slots__ = ("_extra_off", "_extra_working", "_use_package", "_weekend")

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        *,
        use_holidays_package: bool = True,
        weekend: Iterable[int] = (5, 6),
    ) -> None:
        self._extra_off = _as_dates(extra_days_off, "extra_days_off")
        self._extra_working = _as_dates(extra_working_days, "extra_working_days")
        both = self._extra_off & self._extra_working
        if both:
            listed = ", ".join(day.isoformat() for day in sorted(both))
            raise ValueError(f"dates both extra days off and extra working days: {listed}")
        self._use_package = use_holidays_package
        self._weekend = frozenset(_weekday_index(day) for day in weekend)

    @property
    def extra_days_off(self) -> frozenset[date]:
        """Explicit extra days off."""
        return self._extra_off

    @property
    def extra_working_days(self) -> frozenset[date]:
        """Explicit make-up working days."""
        return self._extra_working

    def package_holidays(self, year: int) -> dict[date, str]:
        """Holidays (date -> Vietnamese name) the ``holidays`` package gives for ``year``."""
        return dict(_package_year(year)[0]) if self._use_package else {}

    def is_extra_working_day(self, day: date) -> bool:
        """Whether ``day`` is a make-up working day (explicit, or a swap known to the package)."""
        if day in self._extra_working:
            return True
        if not self._use_package or day in self._extra_off:
            return False
        return day in _package_year(day.year)[1]

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday or an extra day off (weekends not included)."""
        if self.is_extra_working_day(day):
            return False
        if day in self._extra_off:
            return True
        return self._use_package and day in _package_year(day.year)[0]

    def is_day_off(self, day: date) -> bool:
        """Whether ``day`` is a weekend day or a holiday and not a make-up working day."""
        if self.is_extra_working_day(day):
            return False
        return day.weekday() in self._weekend or self.is_holiday(day)

    def __repr__(self) -> str:
        return (
            f"HolidayCalendar(extra_days_off={sorted(self._extra_off)!r}, "
            f"extra_working_days={sorted(self._extra_working)!r}, "
            f"use_holidays_package={self._use_package!r})"
        )


# --------------------------------------------------------------------------- day helpers


class DurationUnit(StrEnum):
    """Unit of a procedure duration."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WORKING_HOURS = "working_hours"


def _local(moment: datetime, name: str = "moment") -> datetime:
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (naive datetimes are ambiguous)")
    return moment.astimezone(TZ)


def _day_intervals(
    day: date, hours: WorkingHours, calendar: HolidayCalendar
) -> tuple[Interval, ...]:
    if calendar.is_extra_working_day(day):
        return hours.makeup_intervals
    if calendar.is_holiday(day):
        return ()
    return hours.intervals(day.weekday())


def working_intervals(
    day: date, hours: WorkingHours, calendar: HolidayCalendar
) -> list[tuple[datetime, datetime]]:
    """Opening intervals of ``day`` as aware datetimes (empty on a day off)."""
    return [
        (datetime.combine(day, start, TZ), datetime.combine(day, end, TZ))
        for start, end in _day_intervals(day, hours, calendar)
    ]


def is_working_day(day: date, hours: WorkingHours, calendar: HolidayCalendar) -> bool:
    """Whether the agency has working time on ``day``."""
    return bool(_day_intervals(day, hours, calendar))


def _working_days_from(
    day: date, hours: WorkingHours, calendar: HolidayCalendar
) -> Iterator[tuple[date, tuple[Interval, ...]]]:
    """Yield ``(day, intervals)`` for every working day from ``day`` on (inclusive)."""
    gap = 0
    while True:
        intervals = _day_intervals(day, hours, calendar)
        if intervals:
            gap = 0
            yield day, intervals
        else:
            gap += 1
            if gap > _MAX_DAYS_OFF_IN_A_ROW:
                raise ValueError(
                    f"no working time in {_MAX_DAYS_OFF_IN_A_ROW} consecutive days before {day}"
                )
        day += timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _span(intervals: tuple[Interval, ...]) -> timedelta:
    """Total working time of a day with these intervals."""
    anchor = date(2000, 1, 3)
    return sum(
        (
            datetime.combine(anchor, end) - datetime.combine(anchor, start)
            for start, end in intervals
        ),
        timedelta(0),
    )


def next_working_day(day: date, hours: WorkingHours, calendar: HolidayCalendar) -> date:
    """First working day strictly after ``day``."""
    return next(_working_days_from(day + timedelta(days=1), hours, calendar))[0]


def add_working_days(day: date, count: int, hours: WorkingHours, calendar: HolidayCalendar) -> date:
    """The ``count``-th working day strictly after ``day`` (``day`` itself when ``count`` is 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return day
    days = _working_days_from(day + timedelta(days=1), hours, calendar)
    for _ in range(count - 1):
        next(days)
    return next(days)[0]


def closing_time(day: date, hours: WorkingHours, calendar: HolidayCalendar) -> datetime:
    """End of the last opening interval of working day ``day``.

    Raises:
        ValueError: ``day`` is not a working day.
    """
    intervals = _day_intervals(day, hours, calendar)
    if not intervals:
        raise ValueError(f"{day} is not a working day")
    return datetime.combine(day, intervals[-1][1], TZ)


def is_working_moment(
    moment: datetime,
    hours: WorkingHours,
    calendar: HolidayCalendar,
    *,
    include_end: bool = False,
) -> bool:
    """Whether ``moment`` lies inside an opening interval (``start <= moment < end``).

    With ``include_end`` the end moment of an interval (e.g. 11:30, 17:00) also counts.
    """
    local = _local(moment)
    for start, end in working_intervals(local.date(), hours, calendar):
        if start <= local < end or (include_end and local == end):
            return True
    return False


def next_opening(moment: datetime, hours: WorkingHours, calendar: HolidayCalendar) -> datetime:
    """Earliest working moment at or after ``moment``.

    Returns ``moment`` itself (in ``Asia/Ho_Chi_Minh``) when it is inside working hours,
    otherwise the start of the next opening interval (after the lunch break, the next
    morning, after a weekend or holiday).
    """
    local = _local(moment)
    for day, intervals in _working_days_from(local.date(), hours, calendar):
        for start, end in intervals:
            closing = datetime.combine(day, end, TZ)
            if local < closing:
                return max(datetime.combine(day, start, TZ), local)
    raise AssertionError("unreachable")  # pragma: no cover


def reception_day(
    moment: datetime,
    hours: WorkingHours,
    calendar: HolidayCalendar,
    *,
    cutoff: time | None = None,
) -> date:
    """Working day on which a dossier received at ``moment`` counts as received.

    That is the day of ``moment`` when it is a working day and ``moment`` is before its last
    closing time (before opening and during breaks included) and not after ``cutoff``;
    otherwise (at or after closing, after the cut-off, on a day off) the next working day.
    """
    local = _local(moment)
    if cutoff is not None:
        cutoff = _cutoff(cutoff)
    day = local.date()
    intervals = _day_intervals(day, hours, calendar)
    before_close = bool(intervals) and local.time() < intervals[-1][1]
    if before_close and (cutoff is None or local.time() <= cutoff):
        return day
    return next_working_day(day, hours, calendar)


def _cutoff(cutoff: time) -> time:
    if not isinstance(cutoff, time) or cutoff.tzinfo is not None:
        raise ValueError("cutoff must be a naive datetime.time (local time of day)")
    return cutoff


# --------------------------------------------------------------------------- working time


def add_working_time(
    start: datetime, delta: timedelta, hours: WorkingHours, calendar: HolidayCalendar
) -> datetime:
    """Moment reached after counting ``delta`` of working time from ``start``.

    Counting starts at ``start`` itself, or at the next opening when ``start`` is outside
    working hours; breaks, weekends and days off are skipped. When the count ends exactly at
    the end of an interval, that end moment is returned. A zero ``delta`` returns
    :func:`next_opening` of ``start``.
    """
    if delta < timedelta(0):
        raise ValueError("working time to add must not be negative")
    local = _local(start, "start")
    if not delta:
        return next_opening(local, hours, calendar)
    remaining = delta
    first_day = local.date()
    for day, intervals in _working_days_from(first_day, hours, calendar):
        if day != first_day:
            span = _span(intervals)
            if remaining > span:  # skip the whole day
                remaining -= span
                continue
        for opening, end in intervals:
            closing = datetime.combine(day, end, TZ)
            if closing <= local:
                continue
            begin = max(datetime.combine(day, opening, TZ), local)
            available = closing - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover


def working_time_between(
    a: datetime, b: datetime, hours: WorkingHours, calendar: HolidayCalendar
) -> timedelta:
    """Working time in the interval ``[a, b]`` (negative when ``b`` is before ``a``)."""
    start, end = _local(a, "a"), _local(b, "b")
    if end < start:
        return -working_time_between(end, start, hours, calendar)
    total = timedelta(0)
    first_day, last_day = start.date(), end.date()
    day = first_day
    while day <= last_day:
        intervals = _day_intervals(day, hours, calendar)
        if first_day < day < last_day:
            total += _span(intervals)
        else:
            for opening, closing in intervals:
                overlap = min(datetime.combine(day, closing, TZ), end) - max(
                    datetime.combine(day, opening, TZ), start
                )
                if overlap > timedelta(0):
                    total += overlap
        day += timedelta(days=1)
    return total


# --------------------------------------------------------------------------- due dates


def _to_decimal(amount: int | Decimal | float) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal, float)):
        raise ValueError(f"amount must be a number, got {amount!r}")
    value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be finite, got {amount!r}")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {amount!r}")
    return value


def _hours(value: Decimal) -> timedelta:
    micro = (value * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_EVEN)
    return timedelta(microseconds=int(micro))


def due_at(
    start: datetime,
    amount: int | Decimal,
    unit: DurationUnit | str,
    hours: WorkingHours,
    calendar: HolidayCalendar,
    *,
    cutoff: time | None = None,
) -> datetime:
    """Legal due moment of a duration of ``amount`` ``unit`` starting at reception ``start``.

    * ``WORKING_HOURS``: working time counted from ``start`` itself (see
      :func:`add_working_time`); fractional hours allowed.
    * ``WORKING_DAYS``: the close of the ``amount``-th working day after the reception day
      (:func:`reception_day`: reception at/after the day's last closing time, after ``cutoff``
      or on a day off counts as received on the next working day). ``0`` means "same working
      day" (``trả trong ngày``): the close of the reception day; so with ``cutoff=15:00`` a
      dossier received at 15:30 is due at the close of the next working day. A fractional
      amount (e.g. ``Decimal("0.5")``) is converted to working hours at
      :data:`HOURS_PER_WORKING_DAY` (8 h) per day and counted from ``start`` like
      ``WORKING_HOURS``; ``cutoff`` is not allowed then.
    * ``CALENDAR_DAYS``: ``amount`` calendar days counted from the day after the reception day
      (same reception rule); a last day without working time (weekend, holiday) moves to the
      next working day (Civil Code Art. 148); due at that day's closing time. Whole days only.

    Returns:
        An aware datetime in ``Asia/Ho_Chi_Minh``.

    Raises:
        ValueError: naive ``start``, negative or non-finite amount, fractional calendar days,
            ``cutoff`` with an hour-based duration, or a calendar without working time.
    """
    unit = DurationUnit(unit)
    local = _local(start, "start")
    value = _to_decimal(amount)
    whole = value == value.to_integral_value()
    if unit is DurationUnit.WORKING_HOURS or (unit is DurationUnit.WORKING_DAYS and not whole):
        if cutoff is not None:
            raise ValueError("cutoff applies only to whole-day durations")
        if unit is DurationUnit.WORKING_DAYS:
            value *= HOURS_PER_WORKING_DAY
        return add_working_time(local, _hours(value), hours, calendar)
    if not whole:
        raise ValueError("calendar-day durations must be a whole number of days")
    received = reception_day(local, hours, calendar, cutoff=cutoff)
    if unit is DurationUnit.WORKING_DAYS:
        last = add_working_days(received, int(value), hours, calendar)
    else:
        last = received + timedelta(days=int(value))
        if not is_working_day(last, hours, calendar):
            last = next_working_day(last, hours, calendar)
    return closing_time(last, hours, calendar)


def restart_due_at(
    supplied_at: datetime,
    amount: int | Decimal,
    unit: DurationUnit | str,
    hours: WorkingHours,
    calendar: HolidayCalendar,
    *,
    cutoff: time | None = None,
) -> datetime:
    """New due moment under the *restart* supplement policy.

    Nghị định 61/2018 (as amended by 107/2021): once the complete supplement is received the
    resolution period is counted again from the beginning, so this is simply :func:`due_at`
    with the full duration from the supplement-completion moment ``supplied_at``.
    """
    return due_at(supplied_at, amount, unit, hours, calendar, cutoff=cutoff)


@dataclass(frozen=True, slots=True)
class Pause:
    """A period during which the clock is stopped (e.g. waiting for a supplement).

    Both ends must be aware datetimes; they are stored in ``Asia/Ho_Chi_Minh``. A pause that
    is still running should be passed with ``end`` = now to obtain a provisional due moment.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start, end = _local(self.start, "pause start"), _local(self.end, "pause end")
        if end < start:
            raise ValueError("pause end must not be before its start")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


def paused_working_time(
    pauses: Iterable[Pause],
    hours: WorkingHours,
    calendar: HolidayCalendar,
    *,
    not_before: datetime | None = None,
) -> timedelta:
    """Working time covered by ``pauses``; overlapping pauses are counted once.

    Parts of pauses before ``not_before`` (e.g. the reception moment) are ignored.
    """
    floor = _local(not_before, "not_before") if not_before is not None else None
    merged: list[list[datetime]] = []
    for pause in sorted(pauses, key=lambda p: (p.start, p.end)):
        begin = max(pause.start, floor) if floor is not None else pause.start
        if pause.end <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], pause.end)
        else:
            merged.append([begin, pause.end])
    total = timedelta(0)
    for begin, end in merged:
        total += working_time_between(begin, end, hours, calendar)
    return total


def due_at_with_pauses(
    start: datetime,
    amount: int | Decimal,
    unit: DurationUnit | str,
    hours: WorkingHours,
    calendar: HolidayCalendar,
    pauses: Iterable[Pause],
    *,
    cutoff: time | None = None,
) -> datetime:
    """Due moment under the *pause* supplement policy.

    The original :func:`due_at` moment is pushed later by the working time lost to the pauses
    (working time inside the pause intervals after ``start``, overlaps counted once), i.e.
    that working time is added to the due moment with :func:`add_working_time`. Pauses
    without working time (nights, weekends) leave the due moment unchanged.
    """
    original = due_at(start, amount, unit, hours, calendar, cutoff=cutoff)
    lost = paused_working_time(pauses, hours, calendar, not_before=start)
    if not lost:
        return original
    return add_working_time(original, lost, hours, calendar)
