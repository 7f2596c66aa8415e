"""French formatting filters for the templates."""

from __future__ import annotations

from flask import Flask

from portail_core.domain.money import Money

__all__ = ["register_filters"]


def register_filters(app: Flask) -> None:
    app.add_template_filter(_euros, "euros")


def _euros(amount: Money) -> str:
    return amount.format_fr()
