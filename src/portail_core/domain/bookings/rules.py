"""Booking rules as typed values: when a slot may be booked, and until when booked or cancelled.

Every rule is evaluated on the Europe/Paris wall clock. A deadline never lands after the start of
the slot it governs: a rule that would (e.g. "J-0 à 23:59" for a 7:30 slot) is clamped to the
slot's start.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from datetime import date, time, timedelta

import pendulum
from attrs import field, frozen

from portail_core.domain.shared.french_dates import day_fr, day_number_fr, time_fr
from portail_core.domain.shared.instants import PARIS, as_paris
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.weekdays import Weekday

__all__ = [
    "RULE_NAMES",
    "BookingRules",
    "BookingWindow",
    "DayOfPreviousMonth",
    "DaysBefore",
    "Deadline",
    "DeadlineOverride",
    "DeadlineSchedule",
    "FixedDate",
    "IsPublicHoliday",
    "NoDeadline",
    "PromotionMode",
    "WaitingListPolicy",
    "WeekdayOfEarlierWeek",
]

IsPublicHoliday = Callable[[date], bool]


@functools.lru_cache(maxsize=4096)
def paris_time(day: date, at: time) -> pendulum.DateTime:
    """That wall-clock time in Paris. A time skipped by the spring change moves forward (02:30
    becomes 03:30); a time that happens twice in autumn is the later one (winter time).
    (Kept: each planning cell asks for a few, and a DateTime cannot change.)"""
    return pendulum.datetime(day.year, day.month, day.day, at.hour, at.minute, tz=PARIS)


def _days_back(_: object, __: object, value: int) -> None:
    if not 0 <= value <= 366:
        raise ValueError("doit être compris entre 0 et 366 jours")


def _weeks_back(_: object, __: object, value: int) -> None:
    if not 0 <= value <= 52:
        raise ValueError("doit être compris entre 0 et 52 semaines")


@frozen
class DaysBefore:
    """ "J-n à HH:MM", optionally counting neither weekends nor public holidays."""

    days: int = field(validator=_days_back)
    at: time
    skip_weekends: bool = False
    skip_public_holidays: bool = False

    def moment(self, slot_day: date, is_public_holiday: IsPublicHoliday) -> pendulum.DateTime:
        day, remaining = slot_day, self.days
        while remaining:
            day -= timedelta(days=1)
            if self.skip_weekends and Weekday.of(day).is_weekend:
                continue
            if self.skip_public_holidays and is_public_holiday(day):
                continue
            remaining -= 1
        return paris_time(day, self.at)

    def describe(self) -> str:
        skipped = [
            label
            for label, on in (
                ("week-ends", self.skip_weekends),
                ("jours fériés", self.skip_public_holidays),
            )
            if on
        ]
        excluding = f" (hors {' et '.join(skipped)})" if skipped else ""
        return f"J-{self.days}{excluding} à {time_fr(self.at)}"


@frozen
class WeekdayOfEarlierWeek:
    """ "jeudi 12h de la semaine précédente" (weeks_before=1) or of week S-2 (weeks_before=2)."""

    weeks_before: int = field(validator=_weeks_back)
    weekday: Weekday
    at: time

    def moment(self, slot_day: date, _: IsPublicHoliday) -> pendulum.DateTime:
        monday = slot_day - timedelta(days=slot_day.isoweekday() - 1)
        day = monday - timedelta(weeks=self.weeks_before) + timedelta(days=self.weekday.value - 1)
        return paris_time(day, self.at)

    def describe(self) -> str:
        week = {0: "de la même semaine", 1: "de la semaine précédente"}.get(
            self.weeks_before, f"de la semaine S-{self.weeks_before}"
        )
        return f"{self.weekday.french} {time_fr(self.at)} {week}"


@frozen
class DayOfPreviousMonth:
    """ "le 15 du mois précédent à 12h"; a day past the month's end means its last day."""

    day: int = field()
    at: time

    @day.validator
    def _check_day(self, _: object, value: int) -> None:
        if not 1 <= value <= 31:
            raise ValueError("le jour du mois va de 1 à 31")

    def moment(self, slot_day: date, _: IsPublicHoliday) -> pendulum.DateTime:
        previous = pendulum.date(slot_day.year, slot_day.month, 1).subtract(months=1)
        day = min(self.day, previous.days_in_month)
        return paris_time(previous.replace(day=day), self.at)

    def describe(self) -> str:
        return f"le {day_number_fr(self.day)} du mois précédent à {time_fr(self.at)}"


@frozen
class FixedDate:
    """A fixed moment, e.g. summer bookings close on 20 June at noon for the whole period."""

    at: pendulum.DateTime = field(converter=as_paris)

    def moment(self, _: date, __: IsPublicHoliday) -> pendulum.DateTime:
        return self.at

    def describe(self) -> str:
        return f"le {day_fr(self.at.date())} à {time_fr(self.at.time())}"


@frozen
class NoDeadline:
    """Bookable (or cancellable) until the slot starts."""

    def moment(self, _: date, __: IsPublicHoliday) -> None:
        return None

    def describe(self) -> str:
        return "jusqu'au début du créneau"


Deadline = DaysBefore | WeekdayOfEarlierWeek | DayOfPreviousMonth | FixedDate | NoDeadline


@frozen
class DeadlineOverride:
    """Another deadline for the slots between two dates (inclusive), e.g. the summer holidays."""

    first_day: date
    last_day: date
    deadline: Deadline


@frozen
class DeadlineSchedule:
    default: Deadline
    overrides: tuple[DeadlineOverride, ...] = ()

    def rule_for(self, slot_day: date) -> Deadline:
        for override in self.overrides:
            if override.first_day <= slot_day <= override.last_day:
                return override.deadline
        return self.default

    def deadline_for(
        self, slot_start: pendulum.DateTime, is_public_holiday: IsPublicHoliday
    ) -> pendulum.DateTime:
        """The last moment for the slot starting at ``slot_start`` (never after it)."""
        start = as_paris(slot_start)
        day = date(start.year, start.month, start.day)  # plain: pendulum's arithmetic is slow
        moment = self.rule_for(day).moment(day, is_public_holiday)
        # Compare instants, not wall clocks: in the repeated autumn hour two Paris times with
        # the same tzinfo would be compared by their wall-clock reading alone.
        if moment is None or moment.timestamp() > start.timestamp():
            return start
        return moment


@frozen
class BookingWindow:
    """Slots between two dates open for booking at a set moment, earlier for residents."""

    first_day: date
    last_day: date
    residents_from: pendulum.DateTime = field(converter=as_paris)
    non_residents_from: pendulum.DateTime = field(converter=as_paris)

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def opens_at(self, *, resident: bool) -> pendulum.DateTime:
        return self.residents_from if resident else self.non_residents_from


class PromotionMode(enum.Enum):
    AUTOMATIC = "automatic"  # the first eligible entry is booked at once
    OFFER = "offer"  # the place is offered; the family accepts before the offer expires


@frozen
class WaitingListPolicy:
    """How a unit's freed places go to its waiting list (the town chooses)."""

    mode: PromotionMode = PromotionMode.AUTOMATIC
    offer_hours: int = field(default=48)

    @offer_hours.validator
    def _check_hours(self, _: object, value: int) -> None:
        if not 1 <= value <= 720:
            raise ValueError("le délai pour accepter une place va de 1 à 720 heures")

    def describe(self) -> str:
        if self.mode is PromotionMode.AUTOMATIC:
            return "une place libérée est réservée automatiquement pour le premier inscrit"
        return (
            "une place libérée est proposée au premier inscrit, "
            f"qui a {self.offer_hours} h pour l'accepter"
        )


@frozen
class BookingRules:
    booking: DeadlineSchedule
    cancellation: DeadlineSchedule
    windows: tuple[BookingWindow, ...] = ()
    waiting_list: WaitingListPolicy = WaitingListPolicy()
    # new bookings are refused while the family owes more than this (None: never)
    unpaid_balance_limit: Money | None = None

    def opens_at(self, slot_day: date, *, resident: bool) -> pendulum.DateTime | None:
        """When booking opens for that day, or None when no window restricts it."""
        window = next((w for w in self.windows if w.covers(slot_day)), None)
        return None if window is None else window.opens_at(resident=resident)


RULE_NAMES: dict[type, str] = {
    DaysBefore: "days_before",
    WeekdayOfEarlierWeek: "weekday_of_earlier_week",
    DayOfPreviousMonth: "day_of_previous_month",
    FixedDate: "fixed_date",
    NoDeadline: "none",
}
"""How each kind of deadline is named in the commune file and in stored JSON (``rule = ...``)."""
