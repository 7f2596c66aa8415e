"""JSON shapes of domain values (catalogue units, dossiers), for the columns that store them whole.

One cattrs converter; deadlines are a tagged union on the key ``rule``, as in the commune file.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, get_origin

import pendulum
from cattrs import Converter
from cattrs.strategies import configure_tagged_union

from portail_core.domain.bookings.rules import RULE_NAMES, Deadline
from portail_core.domain.shared.instants import utc_from_wall_clock
from portail_core.domain.shared.money import Money

__all__ = ["domain_codec"]

_NO_OFFSET = timedelta(0)


@functools.cache
def domain_codec() -> Converter:
    codec = Converter()
    codec.register_unstructure_hook(date, date.isoformat)
    codec.register_structure_hook(date, lambda value, _: date.fromisoformat(value))
    codec.register_unstructure_hook(time, lambda value: value.strftime("%H:%M"))
    codec.register_structure_hook(time, lambda value, _: time.fromisoformat(value))
    codec.register_unstructure_hook(pendulum.DateTime, lambda value: value.isoformat())
    codec.register_structure_hook(pendulum.DateTime, _instant)
    codec.register_unstructure_hook(Money, lambda value: value.cents)
    codec.register_structure_hook(Money, lambda value, _: Money(value))
    codec.register_unstructure_hook(Decimal, str)
    codec.register_structure_hook(Decimal, lambda value, _: Decimal(value))
    codec.register_unstructure_hook_func(_is_frozenset, _sorted_list)
    configure_tagged_union(
        Deadline,
        codec,
        tag_name="rule",
        tag_generator=lambda kind: RULE_NAMES[kind],
    )
    return codec


def _instant(value: str, _: Any) -> pendulum.DateTime:
    try:  # the stored form (isoformat, UTC), quickly; anything else through pendulum's parser
        stored = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        if stored.utcoffset() == _NO_OFFSET:
            return utc_from_wall_clock(stored)
        return pendulum.instance(stored)
    parsed = pendulum.parse(value)
    if not isinstance(parsed, pendulum.DateTime):
        raise ValueError(f"not an instant: {value!r}")
    return parsed


def _is_frozenset(kind: Any) -> bool:
    return kind is frozenset or get_origin(kind) is frozenset


def _sorted_list(values: frozenset[Any]) -> list[Any]:
    unstructured = [domain_codec().unstructure(v) for v in values]
    return sorted(unstructured, key=str)
