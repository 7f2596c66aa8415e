"""Dates and instants written in French: the one way pages, e-mails, PDFs, audit entries and
commands write them.

The names of days and months are written out here (pendulum's French locale gives the same,
at a tenth of a millisecond a date, and a planning grid writes dozens); the first
day of a month is written « 1er », as French typography wants; instants are shown on the Paris
wall clock.

A date typed by a person (a form, an option of a command, a cell of a CSV file, a value of a
TOML file) is read by ``parse_day``: 14/09/2026 (also 14/9/2026) or 2026-09-14, years 1900 to
2100; every refusal says so with ``day_format`` (« JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 14/09/2026) »).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time
from itertools import groupby

import pendulum

from portail_core.domain.shared.instants import as_paris

__all__ = [
    "DAY_FORMATS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "day_format",
    "day_fr",
    "day_number_fr",
    "days_fr",
    "hour_fr",
    "long_day_fr",
    "moment_fr",
    "month_fr",
    "numeric_day_fr",
    "parse_day",
    "time_fr",
]


DAY_FORMATS = "JJ/MM/AAAA ou AAAA-MM-JJ"
FIRST_YEAR, LAST_YEAR = 1900, 2100  # outside: a typing mistake (« 0226 », « 20266 »)
_FRENCH_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def parse_day(text: str) -> date | None:
    """The date typed as 14/09/2026 or 2026-09-14 (spaces around ignored), or None."""
    typed = text.strip()
    if french := _FRENCH_DAY.fullmatch(typed):
        day, month, year = french.groups()
    elif iso := _ISO_DAY.fullmatch(typed):
        year, month, day = iso.groups()
    else:
        return None
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def day_format(example: date) -> str:
    """« JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 14/09/2026) »: what every refusal of a date says."""
    return f"{DAY_FORMATS} (ex. : {numeric_day_fr(example)})"


def day_number_fr(number: int) -> str:
    """« 1er », « 2 », « 15 »: a day of the month as French writes it."""
    return "1er" if number == 1 else str(number)


def _day_number(day: date) -> str:
    return day_number_fr(day.day)


def days_fr(days: Iterable[date]) -> str:
    """« 2, 9, 16 et 23 septembre », « 30 septembre, 1er et 2 octobre »: days in order, each
    month named once after its days; the year only when the days span two years."""
    ordered = sorted(set(days))
    if not ordered:
        return ""
    with_year = ordered[0].year != ordered[-1].year
    groups: list[str] = []
    for (year, month), in_month in groupby(ordered, key=lambda day: (day.year, day.month)):
        numbers = [_day_number(day) for day in in_month]
        listed = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} et {numbers[-1]}"
        name = month_fr(date(year, month, 1))
        groups.append(f"{listed} {name if with_year else name.rsplit(' ', 1)[0]}")
    return ", ".join(groups)


_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_day_fr(day: date) -> str:
    """« lundi 15 février 2027 », « mercredi 1er septembre 2027 »."""
    return f"{_WEEKDAYS[day.weekday()]} {_day_number(day)} {month_fr(day)}"


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
    return f"{_MONTHS[month.month - 1]} {month.year:04d}"


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
