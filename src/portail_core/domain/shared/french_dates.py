"""Dates and instants written in French: the one way pages, e-mails, PDFs, audit entries and
commands write them.

pendulum's French locale gives the names of days and months; the first day of a month is
written « 1er », as French typography wants; instants are shown on the Paris wall clock.
"""

from __future__ import annotations

from datetime import date, time

import pendulum

from portail_core.domain.shared.instants import as_paris

__all__ = [
    "day_fr",
    "day_number_fr",
    "hour_fr",
    "long_day_fr",
    "moment_fr",
    "month_fr",
    "numeric_day_fr",
    "time_fr",
]


def _pendulum(day: date) -> pendulum.Date:
    return pendulum.date(day.year, day.month, day.day)


def day_number_fr(number: int) -> str:
    """« 1er », « 2 », « 15 »: a day of the month as French writes it."""
    return "1er" if number == 1 else str(number)


def _day_number(day: date) -> str:
    return day_number_fr(day.day)


def long_day_fr(day: date) -> str:
    """« lundi 15 février 2027 », « mercredi 1er septembre 2027 »."""
    named = _pendulum(day)
    return f"{named.format('dddd', locale='fr')} {_day_number(day)} {month_fr(day)}"


def day_fr(day: date) -> str:
    """« 14 mars 2019 », « 1er mars 2019 »."""
    return f"{_day_number(day)} {month_fr(day)}"


def numeric_day_fr(day: date) -> str:
    """« 05/10/2026 », as forms, invoices and tables write a date."""
    return f"{day:%d/%m/%Y}"


def month_fr(month: date | str) -> str:
    """« février 2027 », from a date or a month as invoices name it (« 2027-02 »)."""
    if isinstance(month, str):
        year, number = (int(part) for part in month.split("-", 1))
        month = date(year, number, 1)
    return _pendulum(month.replace(day=1)).format("MMMM YYYY", locale="fr")


def moment_fr(instant: pendulum.DateTime) -> str:
    """« jeudi 3 septembre 2026 à 12h00 », on the Paris wall clock."""
    paris = as_paris(instant)
    return f"{long_day_fr(paris.date())} à {hour_fr(paris)}"


def hour_fr(instant: pendulum.DateTime) -> str:
    """« 14h05 », on the Paris wall clock."""
    paris = as_paris(instant)
    return f"{paris.hour}h{paris.minute:02d}"


def time_fr(moment: time) -> str:
    """« 7h30 », « 12h »: a time of day as timetables write it."""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"
