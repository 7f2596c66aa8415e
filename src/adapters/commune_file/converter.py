"""A strict cattrs converter for the commune file: no guessing, a French message per mistake.

TOML already types dates, times, integers and booleans; amounts are text ("3,20") so that no
float ever appears. Unknown keys are errors (a typo must not be ignored silently).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, get_args, get_origin

import attrs
import pendulum
from cattrs import Converter
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, override

from adapters.commune_file.model import CarenceDays, OfferHours, Phone
from portail_core.domain.billing.consumption import BillingRules
from portail_core.domain.bookings.rules import (
    RULE_NAMES,
    Deadline,
    PromotionMode,
    WaitingListPolicy,
)
from portail_core.domain.catalogue.establishments import DayKind, ServiceKind
from portail_core.domain.catalogue.school_map import Side
from portail_core.domain.shared.french_dates import DAY_FORMATS, parse_day
from portail_core.domain.shared.instants import PARIS
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import normalise_phone
from portail_core.domain.shared.text import LINE, clean_line, refusal, refused_character
from portail_core.domain.shared.weekdays import Weekday
from portail_core.errors import InvalidInput

__all__ = ["FileValueError", "file_converter"]

MAX_TEXT = 300
_RULES = {name: kind for kind, name in RULE_NAMES.items()}


class FileValueError(ValueError):
    """A value of the file is wrong; the message is French and meant for staff."""


@functools.cache
def file_converter() -> Converter:
    converter = Converter(forbid_extra_keys=True)
    converter.register_structure_hook(str, _text)
    converter.register_structure_hook(int, _integer)
    converter.register_structure_hook(bool, _boolean)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(time, _time)
    converter.register_structure_hook(pendulum.DateTime, _instant)
    converter.register_structure_hook(Money, _money)
    converter.register_structure_hook(Decimal, _percent)
    converter.register_structure_hook(Weekday, _weekday)
    converter.register_structure_hook(DayKind, _enum_hook(DayKind))
    converter.register_structure_hook(ServiceKind, _enum_hook(ServiceKind))
    converter.register_structure_hook(PromotionMode, _enum_hook(PromotionMode))
    converter.register_structure_hook(Side, _enum_hook(Side))
    converter.register_structure_hook(OfferHours, _offer_hours)
    converter.register_structure_hook(CarenceDays, _carence_days)
    converter.register_structure_hook(Phone, _phone)
    converter.register_structure_hook(Deadline, functools.partial(_deadline, converter))
    converter.register_structure_hook_factory(_is_list, functools.partial(_list_hook, converter))
    converter.register_structure_hook_factory(attrs.has, functools.partial(_attrs_hook, converter))
    return converter


def _is_list(kind: Any) -> bool:
    return get_origin(kind) is list


def _attrs_hook(converter: Converter, kind: type) -> Any:
    renames = {
        a.name: override(rename=a.name[:-1]) for a in attrs.fields(kind) if a.name.endswith("_")
    }
    options: dict[str, Any] = {"_cattrs_forbid_extra_keys": True, **renames}
    return make_dict_structure_fn(kind, converter, **options)


def _list_hook(converter: Converter, kind: Any) -> Any:
    (item,) = get_args(kind)

    def structure(value: Any, _: Any) -> list[Any]:
        if not isinstance(value, list):
            raise FileValueError("une liste est attendue, entre crochets : [ ... ]")
        items, errors = [], []
        for index, element in enumerate(value):
            try:
                items.append(converter.structure(element, item))
            except Exception as error:
                error.add_note(IterableValidationNote(f"@ index {index}", index, item))
                errors.append(error)
        if errors:
            raise IterableValidationError("list", errors, kind)
        return items

    return structure


def _text(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise FileValueError("du texte est attendu, entre guillemets")
    char = refused_character(value, allow=LINE)
    if char is not None:
        raise FileValueError(refusal(char))
    cleaned = clean_line(value) or ""
    if not cleaned:
        raise FileValueError("ne doit pas être vide")
    if len(cleaned) > MAX_TEXT:
        raise FileValueError(f"texte trop long ({MAX_TEXT} caractères au plus)")
    return cleaned


def _integer(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FileValueError("un nombre entier est attendu")
    return value


def _boolean(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise FileValueError("true ou false est attendu")
    return value


def _date(value: Any, _: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    parsed = parse_day(value) if isinstance(value, str) else None
    if parsed is None:
        raise FileValueError(
            f"une date est attendue : {DAY_FORMATS}, sans guillemets pour AAAA-MM-JJ "
            '(ex. : 2026-07-06), entre guillemets pour JJ/MM/AAAA (ex. : "06/07/2026")'
        )
    return parsed


def _time(value: Any, _: Any) -> time:
    if isinstance(value, time):
        if value.second or value.microsecond or value.tzinfo:
            raise FileValueError('une heure s\'écrit "HH:MM", sans secondes')
        return value
    if isinstance(value, str) and len(value) == 5:
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise FileValueError('une heure est attendue, ex. "08:30"')


def _instant(value: Any, _: Any) -> pendulum.DateTime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return pendulum.instance(value, tz=PARIS)
        return pendulum.instance(value).in_timezone(PARIS)
    raise FileValueError("une date et heure est attendue, ex. 2026-06-01T08:00:00 (heure de Paris)")


def _money(value: Any, _: Any) -> Money:
    if not isinstance(value, str):
        raise FileValueError('un montant s\'écrit entre guillemets, ex. "3,20"')
    try:
        money = Money.from_euros(value)
    except InvalidInput as error:
        raise FileValueError(error.message) from error
    if money.is_negative:
        raise FileValueError("un prix ne peut être négatif")
    return money


def _percent(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FileValueError('un pourcentage est attendu, ex. "10" ou 10')
    try:
        percent = Decimal(str(value).replace(",", ".").removesuffix("%").strip())
    except InvalidOperation:
        raise FileValueError('un pourcentage est attendu, ex. "10" ou 10') from None
    if not percent.is_finite():
        raise FileValueError('un pourcentage est attendu, ex. "10" ou 10')
    return percent


def _offer_hours(value: Any, _: Any) -> OfferHours:
    hours = _integer(value, None)
    try:
        WaitingListPolicy(PromotionMode.OFFER, hours)  # the domain's own limits
    except ValueError as error:
        raise FileValueError(str(error)) from None
    return OfferHours(hours)


def _carence_days(value: Any, _: Any) -> CarenceDays:
    days = _integer(value, None)
    try:
        BillingRules(justified_absence_billed_days=days)  # the domain's own limits
    except ValueError as error:
        raise FileValueError(f"{error} (0 : une absence justifiée n'est jamais facturée)") from None
    return CarenceDays(days)


def _phone(value: Any, _: Any) -> Phone:
    phone = normalise_phone(_text(value, None))
    if phone is None:
        raise FileValueError('numéro de téléphone invalide (ex. : "05 58 09 12 34")')
    return Phone(phone)


def _weekday(value: Any, _: Any) -> Weekday:
    try:
        return Weekday.from_name(_text(value, None))
    except KeyError:
        raise FileValueError(f"jour inconnu : « {value} » (lundi, mardi... vendredi)") from None


def _enum_hook(kind: type[Enum]) -> Any:
    allowed = ", ".join(str(member.value) for member in kind)

    def structure(value: Any, _: Any) -> Enum:
        try:
            return kind(_text(value, None))
        except ValueError:
            raise FileValueError(f"valeur inconnue : « {value} » (possibles : {allowed})") from None

    return structure


def _deadline(converter: Converter, value: Any, _: Any) -> Deadline:
    if not isinstance(value, dict) or "rule" not in value:
        raise FileValueError(
            'un délai s\'écrit { rule = "...", ... } avec rule parmi : ' + ", ".join(_RULES)
        )
    rule = value["rule"]
    if rule not in _RULES:
        raise FileValueError(
            f"règle de délai inconnue : « {rule} » (possibles : {', '.join(_RULES)})"
        )
    fields = {key: item for key, item in value.items() if key != "rule"}
    deadline: Deadline = converter.structure(fields, _RULES[rule])
    return deadline
