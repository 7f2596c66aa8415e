"""French formatting filters for the templates: dates through ``domain.shared.french_dates``,
like every page, e-mail, PDF and command."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from portail_core.domain.shared.french_dates import (
    day_fr,
    hour_fr,
    long_day_fr,
    moment_fr,
    month_fr,
    time_fr,
)
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import phone_for_display

__all__ = ["register_filters"]


def register_filters(app: Flask) -> None:
    app.add_template_filter(_euros, "euros")
    app.add_template_filter(long_day_fr, "date_fr")
    app.add_template_filter(month_fr, "month_fr")
    app.add_template_filter(time_fr, "hour_fr")
    app.add_template_filter(_percent, "percent_fr")
    app.add_template_filter(phone_for_display, "phone_fr")
    app.add_template_filter(hour_fr, "hour_paris")
    app.add_template_filter(day_fr, "day_fr")
    app.add_template_filter(moment_fr, "datetime_fr")


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",") + " %"


def _euros(amount: Money) -> str:
    return amount.format_fr()
