"""Official school calendars: the one shipped with the portal, and newer files staff import.

Both are in the format of the ministry's "Calendrier scolaire" data set (CSV, ``;``-separated):
Description, Population, Date de début (first day without classes), Date de fin (the day
classes resume), Zones ("Zone A"...), annee_scolaire ("2025-2026"). Rows of other zones (Corse,
overseas) and rows for teachers only are ignored; the ministry repeats each holiday for every
académie, so identical rows count once.
"""

from __future__ import annotations

import csv
import functools
from datetime import date
from importlib.resources import files

import pendulum

from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.communes import SchoolZone
from portail_core.domain.shared.instants import PARIS
from portail_core.domain.shared.text import check_file_text
from portail_core.errors import InvalidInput

__all__ = ["read_school_calendar", "shipped_school_calendar"]

_COLUMNS = ("Description", "Date de début", "Date de fin", "Zones", "annee_scolaire")
_ZONES = {f"Zone {zone.value}": zone for zone in SchoolZone}
MAX_ROWS = 20_000


@functools.cache
def shipped_school_calendar() -> SchoolCalendar:
    """Zones A, B and C, school years 2025-2026 to 2027-2028 (see the CSV file's header)."""
    text = (files("adapters.calendars") / "calendrier-scolaire.csv").read_text("utf-8")
    return read_school_calendar(text)


def read_school_calendar(text: str) -> SchoolCalendar:
    """Read an official calendar file; InvalidInput lists every bad line."""
    check_file_text(text)
    lines = [line for line in text.lstrip("\ufeff").splitlines() if not line.startswith("#")]
    if not lines:
        raise InvalidInput("Le fichier du calendrier scolaire est vide.")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows = csv.DictReader(lines, delimiter=delimiter)
    missing = [column for column in _COLUMNS if column not in (rows.fieldnames or [])]
    if missing:
        raise InvalidInput(
            "Ce fichier n'a pas les colonnes du calendrier scolaire officiel.",
            {"colonnes manquantes": ", ".join(missing)},
        )
    holidays: dict[tuple[object, ...], SchoolHoliday] = {}
    problems: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise InvalidInput(f"Fichier trop long ({MAX_ROWS} lignes au plus).")
        zone = _ZONES.get((row.get("Zones") or "").strip())
        if zone is None or (row.get("Population") or "").strip() == "Enseignants":
            continue
        try:
            holiday = SchoolHoliday(
                zone=zone,
                school_year=_school_year(row["annee_scolaire"]),
                name=(row["Description"] or "").strip()[:100] or "Vacances",
                first_day=_paris_date(row["Date de début"]),
                resume_day=_paris_date(row["Date de fin"]),
            )
        except ValueError as error:
            problems[f"ligne {number}"] = str(error)
            continue
        holidays[(holiday.zone, holiday.school_year, holiday.name, holiday.first_day)] = holiday
    if problems:
        raise InvalidInput("Le calendrier scolaire contient des lignes invalides.", problems)
    return SchoolCalendar(tuple(holidays.values()))


def _paris_date(text: str | None) -> date:
    try:
        parsed = pendulum.parse((text or "").strip(), tz=PARIS)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise ValueError(f"date illisible : « {text} »") from None
    if isinstance(parsed, pendulum.DateTime):
        return parsed.in_timezone(PARIS).date()
    if isinstance(parsed, pendulum.Date):
        return date(parsed.year, parsed.month, parsed.day)
    raise ValueError(f"date illisible : « {text} »")


def _school_year(text: str | None) -> str:
    value = (text or "").strip()
    first, _, second = value.partition("-")
    if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
        raise ValueError(f"année scolaire illisible : « {value} » (ex. : 2026-2027)")
    return value
