"""French formatting filters for the templates."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pendulum
from flask import Flask

from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import phone_for_display

__all__ = ["register_filters"]


def register_filters(app: Flask) -> None:
    app.add_template_filter(_euros, "euros")
    app.add_template_filter(_long_date, "date_fr")
    app.add_template_filter(_month, "month_fr")
    app.add_template_filter(_hour, "hour_fr")
    app.add_template_filter(_percent, "percent_fr")
    app.add_template_filter(phone_for_display, "phone_fr")
    app.add_template_filter(_hour_paris, "hour_paris")
    app.add_template_filter(_day, "day_fr")
    app.add_template_filter(_moment, "datetime_fr")


def _moment(moment: pendulum.DateTime) -> str:
    """« jeudi 3 septembre 2026 à 12h00 », on the Paris wall clock."""
    return moment.in_timezone("Europe/Paris").format("dddd D MMMM YYYY [à] H[h]mm", locale="fr")


def _hour_paris(moment: pendulum.DateTime) -> str:
    """« 14h05 », on the Paris wall clock."""
    paris = moment.in_timezone("Europe/Paris")
    return f"{paris.hour}h{paris.minute:02d}"


def _long_date(day: date) -> str:
    """« lundi 15 février 2027 »"""
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="fr")


def _day(day: date) -> str:
    """« 14 mars 2019 » (« 1er mars »)."""
    text = pendulum.date(day.year, day.month, day.day).format("D MMMM YYYY", locale="fr")
    return "1er" + text[1:] if day.day == 1 else text


def _month(day: date) -> str:
    """« février 2027 »"""
    return pendulum.date(day.year, day.month, 1).format("MMMM YYYY", locale="fr")


def _hour(moment: time) -> str:
    """« 7h30 », « 12h »"""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",") + " %"


def _euros(amount: Money) -> str:
    return amount.format_fr()
