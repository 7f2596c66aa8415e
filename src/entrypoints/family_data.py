"""A family's dossier as JSON, for « Mes données » (web) and ``portail family export`` (CLI): the
RGPD right of access.

Its own cattrs converter, independent of how the database stores a dossier: dates in ISO 8601,
times as HH:MM, instants in ISO 8601 with their offset, money in cents, decimals as text, sets
as sorted lists, enumerations by value.
"""

from __future__ import annotations

import functools
from datetime import date, time
from decimal import Decimal
from typing import Any, get_origin

import pendulum
from cattrs import Converter

from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.money import Money

__all__ = ["family_json"]


def family_json(family: Family) -> dict[str, Any]:
    """The dossier as JSON-ready values."""
    data: dict[str, Any] = _converter().unstructure(family, Family)
    return data


@functools.cache
def _converter() -> Converter:
    converter = Converter()
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(time, lambda value: value.strftime("%H:%M"))
    converter.register_unstructure_hook(pendulum.DateTime, lambda value: value.isoformat())
    converter.register_unstructure_hook(Money, lambda value: value.cents)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_unstructure_hook_func(_is_frozenset, _sorted_list)
    return converter


def _is_frozenset(kind: Any) -> bool:
    return kind is frozenset or get_origin(kind) is frozenset


def _sorted_list(values: frozenset[Any]) -> list[Any]:
    return sorted((_converter().unstructure(value) for value in values), key=str)
