"""Dates and instants in French, the one way the portal writes them; and nothing else in the code
writes a date in French on its own."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pendulum

from portail_core.domain.shared.french_dates import (
    day_fr,
    day_number_fr,
    hour_fr,
    long_day_fr,
    moment_fr,
    month_fr,
    numeric_day_fr,
    time_fr,
)

SRC = Path(__file__).parents[2] / "src"


def test_the_first_of_a_month_is_written_1er() -> None:
    assert day_fr(date(2027, 3, 1)) == "1er mars 2027"
    assert long_day_fr(date(2025, 9, 1)) == "lundi 1er septembre 2025"
    assert day_number_fr(1) == "1er"


def test_other_days_are_written_as_their_number() -> None:
    assert day_fr(date(2019, 3, 14)) == "14 mars 2019"
    assert long_day_fr(date(2027, 2, 15)) == "lundi 15 février 2027"
    assert day_number_fr(15) == "15"


def test_numeric_days_have_two_digits_for_the_day_and_the_month() -> None:
    assert numeric_day_fr(date(2026, 10, 5)) == "05/10/2026"


def test_a_month_is_named_from_a_date_or_as_invoices_name_it() -> None:
    assert month_fr(date(2026, 8, 17)) == "août 2026"
    assert month_fr("2027-02") == "février 2027"


def test_an_instant_is_shown_on_the_paris_wall_clock() -> None:
    utc = pendulum.datetime(2026, 12, 3, 11, 0, tz="UTC")  # noon in Paris (winter time)
    assert moment_fr(utc) == "jeudi 3 décembre 2026 à 12h00"
    summer = pendulum.datetime(2026, 7, 1, 6, 5, tz="UTC")  # 8:05 in Paris (summer time)
    assert moment_fr(summer) == "mercredi 1er juillet 2026 à 8h05"
    assert hour_fr(summer) == "8h05"


def test_a_time_of_day_omits_zero_minutes() -> None:
    assert time_fr(time(7, 30)) == "7h30"
    assert time_fr(time(12, 0)) == "12h"


def test_no_module_formats_a_french_date_by_itself() -> None:
    own = SRC / "portail_core" / "domain" / "shared" / "french_dates.py"
    pattern = re.compile(r"locale=\"fr\"|strftime\(\"%d/%m|strftime\('%d/%m|:%d/%m/%Y\}")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path != own and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []
