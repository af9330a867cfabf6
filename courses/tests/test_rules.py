"""The date rules: open, due, hard close, lateness, penalty and floor, extensions, DST."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from courses.rules import Dates, days_late, effective_dates, penalty_factor

T = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
LONDON = ZoneInfo("Europe/London")


def assignment(opens=T, due=T + DAY, closes=None):
    return SimpleNamespace(opens=opens, due=due, closes=closes)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (T - MINUTE, "upcoming"),
        (T, "open"),
        (T + DAY, "open"),  # the due instant itself is on time
        (T + DAY + MINUTE, "late"),
        (T + 2 * DAY - MINUTE, "late"),
        (T + 2 * DAY, "closed"),  # the close instant is closed
    ],
)
def test_the_state_moves_from_upcoming_to_closed(now, state):
    assert Dates(T, T + DAY, T + 2 * DAY).state(now) == state


def test_without_a_hard_close_it_stays_late_for_ever():
    dates = Dates(T, T + DAY, None)
    assert dates.state(T + 1000 * DAY) == "late" and dates.accepts(T + 1000 * DAY)


def test_a_submit_counts_from_the_open_time_until_just_before_the_close():
    dates = Dates(T, T + DAY, T + 2 * DAY)
    assert not dates.accepts(T - MINUTE)
    assert dates.accepts(T) and dates.accepts(T + 2 * DAY - MINUTE)
    assert not dates.accepts(T + 2 * DAY)


@pytest.mark.parametrize(
    ("late_by", "days"),
    [(-HOUR, 0), (timedelta(0), 0), (MINUTE, 1), (DAY, 1), (DAY + MINUTE, 2), (10 * DAY, 10)],
)
def test_days_late_counts_started_days(late_by, days):
    assert days_late(T + late_by, T) == days


@pytest.mark.parametrize(
    ("days", "factor"),
    [(0, 1.0), (1, 0.9), (3, 0.7), (5, 0.5), (6, 0.5), (50, 0.5)],
)
def test_the_penalty_is_per_day_and_stops_at_the_floor(days, factor):
    assert penalty_factor(days, per_day=0.1, floor=0.5) == factor


def test_no_penalty_keeps_everything_and_a_zero_floor_can_reach_nothing():
    assert penalty_factor(7, per_day=0.0, floor=0.0) == 1.0
    assert penalty_factor(3, per_day=0.5, floor=0.0) == 0.0


def test_an_extension_replaces_due_and_close():
    extension = SimpleNamespace(due=T + 3 * DAY, closes=T + 4 * DAY)
    dates = effective_dates(assignment(closes=T + 2 * DAY), extension)
    assert dates == Dates(T, T + 3 * DAY, T + 4 * DAY, extended=True)
    assert dates.state(T + 2 * DAY + HOUR) == "open"


def test_an_extension_without_a_close_keeps_the_assignments_moved_no_earlier_than_its_due():
    a = assignment(closes=T + 2 * DAY)
    assert effective_dates(a, SimpleNamespace(due=T + 30 * HOUR, closes=None)).closes == T + 2 * DAY
    assert effective_dates(a, SimpleNamespace(due=T + 5 * DAY, closes=None)).closes == T + 5 * DAY
    assert effective_dates(assignment(), SimpleNamespace(due=T + 5 * DAY, closes=None)).closes is None


def test_lateness_is_elapsed_time_across_the_october_clock_change():
    # Due Sat 24 Oct 2026 at 23:30 in London (BST, UTC+1). The clocks go back at
    # 02:00 BST on the 25th, so that Sunday lasts 25 hours in London.
    due = datetime(2026, 10, 24, 23, 30, tzinfo=LONDON)
    assert due.utcoffset() == HOUR and due.astimezone(UTC).hour == 22
    # 23:00 on Sunday, London wall clock (now GMT): 24.5 hours later, so two started days
    sunday_night = datetime(2026, 10, 25, 23, 0, tzinfo=LONDON)
    assert sunday_night.utcoffset() == timedelta(0)
    assert sunday_night.astimezone(UTC) - due.astimezone(UTC) == DAY + 30 * MINUTE
    assert sunday_night - due == 23 * HOUR + 30 * MINUTE  # Python's wall-clock difference: not used
    assert days_late(sunday_night, due) == 2
    # 22:30 on Sunday by the wall clock is exactly 24 hours on: still one day
    assert days_late(datetime(2026, 10, 25, 22, 30, tzinfo=LONDON), due) == 1


def test_comparisons_are_between_instants_whatever_zone_they_are_written_in():
    dates = Dates(T, T + DAY, T + 2 * DAY)
    in_london = (T + DAY).astimezone(LONDON)
    assert dates.state(in_london) == "open" and dates.state(in_london + MINUTE) == "late"


def test_london_times_on_either_side_of_the_change_compare_as_instants():
    # 01:30 happens twice in London on 25 Oct 2026; the second (fold=1, GMT) is an hour later
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    second = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    dates = Dates(first - DAY, first, None)
    assert dates.state(second) == "late"
    assert days_late(second, first) == 1
