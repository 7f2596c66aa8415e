"""Everything the portal holds about a family as one JSON document, for « Mes données » (web) and
``portail family export`` (CLI): the RGPD right of access. Both give this same document;
docs/family-data.md describes it.

Its own cattrs converter, independent of how the database stores anything: dates in ISO 8601,
times as HH:MM, instants in ISO 8601 with their offset, money in cents, decimals as text, sets
as sorted lists, enumerations by value. Secrets are left out: the password's hash, the hashes
of the links' and sessions' secrets, and the content of e-mails (a pending one may carry an
activation link or a temporary password).
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
from portail_core.services.dossiers.data import FamilyExport

__all__ = ["FORMAT", "SECTIONS", "VERSION", "export_json", "family_json"]

FORMAT = "portail-famille/donnees-famille"
VERSION = 1
# The document's sections after "format" and "version", in order: each an attribute of
# FamilyExport (docs/family-data.md describes them).
SECTIONS = (
    "family",
    "account",
    "sessions",
    "links",
    "change_requests",
    "reservations",
    "reservation_history",
    "waiting_list",
    "attendance",
    "absences",
    "invoices",
    "payments",
    "payment_attempts",
    "emails",
    "history",
    "calendar_feed",
    "school_preregistrations",
    "sma_requests",
    "allocation_requests",
    "allocation_results",
)
_LEFT_OUT = {  # section -> keys never shown (secrets, or what they carry)
    "account": {"password_hash"},
    "sessions": {"token_hash"},
    "links": {"token_hash"},
    "emails": {"context"},
    "calendar_feed": {"token_hash"},
}


def export_json(export: FamilyExport) -> dict[str, Any]:
    """The whole document, as JSON-ready values."""
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for section in SECTIONS:
        value = _converter().unstructure(getattr(export, section))
        document[section] = _without(value, _LEFT_OUT.get(section, set()))
    return document


def family_json(family: Family) -> dict[str, Any]:
    """The dossier as JSON-ready values."""
    data: dict[str, Any] = _converter().unstructure(family, Family)
    return data


def _without(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key not in keys}
    if isinstance(value, list):
        return [_without(item, keys) for item in value]
    return value


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
