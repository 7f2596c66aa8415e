"""« Semaine type »: a weekly pattern expanded over a period, summarised like step 5's « Valider
le planning » (the same draft, so step 6 and 7 and ``confirm_planning`` serve it unchanged), or
booked at once by the desk."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.pattern import (
    MAX_PATTERN_DAYS,
    PatternRequest,
    PeriodEnd,
    WeeklyPattern,
)
from portail_core.domain.bookings.pattern import period_end as end_of
from portail_core.domain.bookings.planning import Planning
from portail_core.domain.bookings.reservation import Slot, new_confirmation_number
from portail_core.domain.bookings.selection import (
    Selection,
    SelectionLine,
    Summary,
    validate_selection,
)
from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.catalogue.opening import opening_of
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.shared.text import printable
from portail_core.domain.shared.weekdays import Weekday
from portail_core.errors import InvalidInput, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings import desk
from portail_core.services.bookings.confirmation import Confirmation, apply_selection
from portail_core.services.bookings.context import (
    Booker,
    family_refusals,
    load_booker,
    load_planning,
)
from portail_core.services.bookings.validation import Validation, check_size, kept_as_draft
from portail_core.services.catalogue.calendars import calendar_context

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "PatternForm",
    "PatternRequest",
    "book_pattern_at_desk",
    "pattern_form",
    "preview_pattern",
    "validate_pattern",
]

FORM_HORIZON = 365  # the weekdays a unit opens on, seen over the coming year


@frozen
class PatternForm:
    """What the « Semaine type » form offers: for each weekday, the units open on it."""

    child: Child
    establishment: Establishment
    weekdays: tuple[tuple[Weekday, tuple[Unit, ...]], ...]


def pattern_form(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
) -> PatternForm:
    """The weekdays and units a pattern may ask for (another family's child: NotFound)."""
    today = clock.today()
    last = today + timedelta(days=FORM_HORIZON - 1)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        refusal = establishment_refusal(booker.child.facts(), booker.establishment)
        if refusal is not None:
            raise RuleViolation(refusal)
        context = calendar_context(uow, sources, today, last)
    establishment = booker.establishment
    days = [today + timedelta(days=n) for n in range(FORM_HORIZON)]
    open_on = {
        unit.code: {
            Weekday.of(day) for day in days if opening_of(establishment, unit, day, context).open
        }
        for unit in establishment.units
    }
    weekdays = tuple(
        (weekday, units)
        for weekday in Weekday
        if (units := tuple(u for u in establishment.units if weekday in open_on[u.code]))
    )
    return PatternForm(booker.child, establishment, weekdays)


@frozen
class _Expanded:
    pattern: WeeklyPattern
    planning: Planning
    selection: Selection


def _expand(
    uow: UnitOfWork,
    sources: CalendarSources,
    booker: Booker,
    asked: PatternRequest,
    now: pendulum.DateTime,
    *,
    ignore_deadlines: bool = False,
) -> _Expanded:
    """The pattern's period, the child's planning over it, and the open cells it asks for."""
    today = now.in_tz("Europe/Paris").date()
    first = asked.start or today
    if first < today:
        message = "La date de début est passée : choisissez aujourd'hui ou plus tard."
        raise InvalidInput(message, {"debut": message})  # said on its field by the form
    if isinstance(asked.until, PeriodEnd):
        context = calendar_context(uow, sources, first, first)
        last = end_of(asked.until, first, context.school_calendar, context.zone)
    else:
        last = asked.until
    pattern = WeeklyPattern(asked.units, first, last)
    unknown = pattern.unit_codes() - {u.code for u in booker.establishment.units}
    if unknown:
        raise InvalidInput(
            f"Unité inconnue à « {booker.establishment.name} » : "
            f"{', '.join(printable(code, 40) for code in sorted(unknown))}."
        )
    refusal = establishment_refusal(booker.child.facts(), booker.establishment)
    if refusal is not None:
        raise RuleViolation(refusal)
    planning = load_planning(
        uow,
        sources,
        booker,
        first,
        last,
        now,
        ignore_deadlines=ignore_deadlines,
        longest=MAX_PATTERN_DAYS,
    )
    selection = pattern.expand(planning, skip_past_deadline=asked.start is None)
    if selection.empty:
        raise InvalidInput(
            "Aucun jour ouvert à réserver sur cette période pour les jours cochés (vacances, "
            "fermetures ou jours déjà réservés) : choisissez d'autres jours ou une autre période."
        )
    check_size(selection)
    return _Expanded(pattern, planning, selection)


def _summary(uow: UnitOfWork, booker: Booker, expanded: _Expanded, today: date) -> Summary:
    """Checked as step 5 checks a selection (the planning's cells, the family's refusals), one
    school year at a time: a dossier incomplete for next year refuses next year's days only,
    as day-by-day bookings would."""
    years: dict[SchoolYear, set[Slot]] = {}
    for slot in expanded.selection.book:
        years.setdefault(SchoolYear.containing(slot.day), set()).add(slot)
    accepted: list[SelectionLine] = []
    refused: list[SelectionLine] = []
    for _, slots in sorted(years.items(), key=lambda item: item[0].start):
        days = sorted({slot.day for slot in slots})
        refusals = family_refusals(uow, booker, days, today)
        part = validate_selection(expanded.planning, Selection(frozenset(slots)), refusals)
        accepted += part.accepted
        refused += part.refused
    return Summary(tuple(accepted), tuple(refused))


def validate_pattern(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    asked: PatternRequest,
) -> Validation:
    """The pattern's summary, kept as a draft that step 6 confirms like any other."""
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        expanded = _expand(uow, sources, booker, asked, clock.now())
        summary = _summary(uow, booker, expanded, clock.today())
        return kept_as_draft(uow, clock, booker, summary)


def preview_pattern(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    asked: PatternRequest,
    forced: bool = False,
) -> Summary:
    """What the desk would book (``--dry-run``): nothing is written."""
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        expanded = _expand(uow, sources, booker, asked, clock.now(), ignore_deadlines=forced)
        return _summary(uow, booker, expanded, clock.today())


def book_pattern_at_desk(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    asked: PatternRequest,
    actor: Actor,
    forced_reason: str | None = None,
) -> Confirmation:
    """The desk books a pattern in one step and one transaction, like ``book_at_desk``."""
    reason = None if forced_reason is None else desk.forced_reason(forced_reason)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        expanded = _expand(
            uow, sources, booker, asked, clock.now(), ignore_deadlines=reason is not None
        )
        number = new_confirmation_number()
        summary = apply_selection(
            uow, sources, clock, booker, expanded.selection, actor, number, forced_reason=reason
        )
        uow.commit()
    return Confirmation(number, child_id, booker.establishment.code, summary)
