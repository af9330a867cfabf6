"""An assignment's rules as plain functions of times: which dates apply to a
learner, whether a Submit counts, how late it is and what that costs.

Lateness is elapsed time, not wall-clock time: a "day late" is 24 hours
after the due instant, whatever the clocks did meanwhile (a DST change makes
no day 23 or 25 hours long here). Times are aware datetimes, turned into UTC
before any arithmetic or comparison: Python subtracts and compares two
datetimes of the same zone by their wall clocks, which around a clock change
is not the time elapsed between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DAY = timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Dates:
    """The dates that apply to one learner on one assignment."""

    opens: datetime
    due: datetime
    closes: datetime | None  # None: never closes
    extended: bool = False

    def __post_init__(self) -> None:
        for name in ("opens", "due", "closes"):
            if (moment := getattr(self, name)) is not None:
                object.__setattr__(self, name, _utc(moment))

    def state(self, now: datetime) -> str:
        now = _utc(now)
        if now < self.opens:
            return "upcoming"
        if now <= self.due:
            return "open"
        if self.closes is None or now < self.closes:
            return "late"
        return "closed"

    def accepts(self, when: datetime) -> bool:
        """Whether a Submit made at *when* counts: from the open time, before the hard close."""
        when = _utc(when)
        return self.opens <= when and (self.closes is None or when < self.closes)


def effective_dates(assignment, extension=None) -> Dates:
    """The assignment's dates, or the extension's. An extension without its own
    hard close keeps the assignment's, moved no earlier than the extended due:
    otherwise a due put past the close would give the learner nothing."""
    if extension is None:
        return Dates(assignment.opens, assignment.due, assignment.closes)
    closes = extension.closes
    if closes is None and assignment.closes is not None:
        closes = max(_utc(assignment.closes), _utc(extension.due))
    return Dates(assignment.opens, extension.due, closes, extended=True)


def days_late(when: datetime, due: datetime) -> int:
    """Started days after *due*: a minute late is one day, 24 hours and a minute two."""
    when, due = _utc(when), _utc(due)
    if when <= due:
        return 0
    return -((due - when) // DAY)  # the ceiling, in whole timedeltas (no float rounding)


def penalty_factor(days: int, *, per_day: float, floor: float) -> float:
    """What fraction of its score a Submit *days* late keeps."""
    if days <= 0:
        return 1.0
    return round(max(floor, 1.0 - per_day * days, 0.0), 6)  # round: 1 - 0.1 * 3 is 0.7000000000000001
