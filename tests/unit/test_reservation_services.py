"""The reservation flow against the in-memory unit of work, on the demo commune."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pendulum
import pytest

from adapters.memory.audit import AuditState
from adapters.memory.billing import InvoiceState
from adapters.memory.bookings import BookingState
from adapters.memory.messaging import MessagingState
from portail_core.domain.bookings.planning import CellState
from portail_core.domain.bookings.reservation import EventKind, Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.services.billing.run import run_billing
from portail_core.services.bookings.confirmation import confirm_planning
from portail_core.services.bookings.desk_booking import book_at_desk
from portail_core.services.bookings.history import (
    child_history,
    draft_of_family,
    purge_planning_drafts,
)
from portail_core.services.bookings.planning import bookable_establishments, show_planning
from portail_core.services.bookings.validation import validate_planning
from portail_core.services.bookings.waiting_list import waiting_entries
from tests.unit.dossier_builders import proof_of_address
from tests.unit.reservation_world import DESK, FAMILY, WEDNESDAY, World, book, make_world

JOURNEE = "JOURNEE"
MATIN = "MATIN"


def validate(world: World, selection: Selection, *, family: int | None = None, child: str = "Léa"):
    family_id = family or world.martin
    return validate_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family_id,
        child_id=world.child_id(child, family_id),
        establishment_code="ALSH",
        selection=selection,
    )


def confirm(world: World, token: str, *, family: int | None = None):
    return confirm_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family or world.martin,
        token=token,
        actor=FAMILY,
    )


def planning(world: World, first: date, last: date, *, child: str = "Léa"):
    return show_planning(
        world.uow(read_only=True),
        world.sources,
        world.clock,
        family_id=world.martin,
        child_id=world.child_id(child),
        establishment_code="ALSH",
        first=first,
        last=last,
    )


def test_the_grid_tells_each_cell_state_with_its_reason() -> None:
    world = make_world()
    grid = planning(world, date(2026, 9, 7), date(2026, 9, 13))
    monday = grid.cell(date(2026, 9, 7), JOURNEE)
    wednesday = grid.cell(WEDNESDAY, JOURNEE)
    saturday = grid.cell(date(2026, 9, 12), JOURNEE)
    assert monday is not None
    assert monday.state is CellState.CLOSED
    assert "jour d'école" in monday.reason
    assert wednesday is not None
    assert wednesday.state is CellState.BOOKABLE
    assert wednesday.places_left == 36
    assert wednesday.age_group == "ELEM"
    assert wednesday.price is not None
    assert wednesday.price.amount.format_fr() == "10,40\u00a0€"
    assert saturday is not None
    assert saturday.state is CellState.CLOSED


def test_validate_then_confirm_books_writes_history_and_an_email() -> None:
    world = make_world()
    validation = validate(world, book((WEDNESDAY, JOURNEE)))
    assert [line.slot for line in validation.summary.additions] == [Slot(WEDNESDAY, JOURNEE)]
    assert validation.summary.cost.format_fr() == "10,40\u00a0€"
    assert validation.draft_token is not None
    confirmation = confirm(world, validation.draft_token)
    assert confirmation.number.startswith("R-")
    grid = planning(world, WEDNESDAY, WEDNESDAY)
    cell = grid.cell(WEDNESDAY, JOURNEE)
    assert cell is not None
    assert cell.state is CellState.BOOKED
    assert cell.cancellable
    history = child_history(world.uow(), family_id=world.martin, child_id=world.child_id("Léa"))
    assert [(e.kind, e.confirmation) for e in history] == [(EventKind.BOOKED, confirmation.number)]
    mails = [
        m
        for m in world.store.committed(MessagingState).outbox
        if m.template == "reservation_confirmation"
    ]
    assert len(mails) == 1
    assert mails[0].context["number"] == confirmation.number


def test_confirming_the_same_summary_twice_books_once() -> None:
    world = make_world()
    token = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    assert token is not None
    first, second = confirm(world, token), confirm(world, token)
    assert first.number == second.number
    assert len(world.store.committed(BookingState).reservations) == 1


def test_another_family_cannot_confirm_a_summary() -> None:
    world = make_world()
    other = world.add_family()
    token = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    assert token is not None
    with pytest.raises(NotFound):
        confirm(world, token, family=other)
    assert not world.store.committed(BookingState).reservations


def test_another_familys_child_is_not_found() -> None:
    world = make_world()
    other = world.add_family()
    with pytest.raises(NotFound):
        validate_planning(
            world.uow(),
            world.sources,
            world.clock,
            family_id=world.martin,
            child_id=world.child_id("Léa", other),
            establishment_code="ALSH",
            selection=book((WEDNESDAY, JOURNEE)),
        )


def test_closed_days_and_past_deadlines_are_refused_with_their_reason() -> None:
    world = make_world()
    world.clock.set(pendulum.datetime(2026, 9, 3, 12, 1, tz="Europe/Paris"))  # Thursday noon
    monday = date(2026, 9, 7)
    summary = validate(world, book((WEDNESDAY, JOURNEE), (monday, JOURNEE))).summary
    assert not summary.accepted
    reasons = {line.slot.day: line.reason for line in summary.refused}
    assert "Délai de réservation dépassé" in reasons[WEDNESDAY]
    assert "jour d'école" in reasons[monday]


def test_incompatible_units_on_the_same_day_are_refused() -> None:
    world = make_world()
    summary = validate(world, book((WEDNESDAY, JOURNEE), (WEDNESDAY, MATIN))).summary
    assert not summary.additions
    assert all("Incompatible" in line.reason for line in summary.refused)


def test_an_incomplete_dossier_refuses_every_addition() -> None:
    world = make_world()
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.insurance_valid_until = None
        uow.families.update(family, world.clock.now())
        uow.commit()
    summary = validate(world, book((WEDNESDAY, JOURNEE))).summary
    assert not summary.accepted
    assert "Dossier incomplet pour l'année scolaire 2026-2027" in summary.refused[0].reason
    assert "Assurance" in summary.refused[0].reason


def test_a_regulation_not_accepted_refuses_the_booking() -> None:
    world = make_world()
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        family.consents = [c for c in family.consents if c.establishment_code != "ALSH"]
        uow.families.update(family, world.clock.now())
        uow.commit()
    summary = validate(world, book((WEDNESDAY, JOURNEE))).summary
    assert "règlement intérieur" in summary.refused[0].reason


def test_cancelling_within_the_deadline_frees_the_place_and_keeps_history() -> None:
    world = make_world()
    token = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    assert token is not None
    confirm(world, token)
    cancel = validate(world, Selection(cancel=frozenset({Slot(WEDNESDAY, JOURNEE)})))
    assert [line.slot for line in cancel.summary.cancellations] == [Slot(WEDNESDAY, JOURNEE)]
    assert cancel.draft_token is not None
    confirm(world, cancel.draft_token)
    cell = planning(world, WEDNESDAY, WEDNESDAY).cell(WEDNESDAY, JOURNEE)
    assert cell is not None
    assert cell.state is CellState.BOOKABLE
    assert cell.places_left == 36
    history = child_history(world.uow(), family_id=world.martin, child_id=world.child_id("Léa"))
    assert [e.kind for e in history] == [EventKind.CANCELLED, EventKind.BOOKED]


def test_cancelling_past_the_deadline_is_refused_but_the_desk_may_force_it() -> None:
    world = make_world()
    token = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    assert token is not None
    confirm(world, token)
    world.clock.set(pendulum.datetime(2026, 9, 7, 9, 0, tz="Europe/Paris"))
    cancel = Selection(cancel=frozenset({Slot(WEDNESDAY, JOURNEE)}))
    summary = validate(world, cancel).summary
    assert not summary.accepted
    assert "Délai d'annulation dépassé" in summary.refused[0].reason
    forced = book_at_desk(
        world.uow(),
        world.sources,
        world.clock,
        family_id=world.martin,
        child_id=world.child_id("Léa"),
        establishment_code="ALSH",
        selection=cancel,
        actor=DESK,
        forced_reason="Enfant hospitalisé, appel de la mère",
    )
    assert len(forced.summary.cancellations) == 1
    history = child_history(world.uow(), family_id=world.martin, child_id=world.child_id("Léa"))
    assert history[0].kind is EventKind.CANCELLED
    assert "hospitalisé" in history[0].reason
    assert world.store.committed(AuditState).audit_events[-1].action == "reservation.forced"


def test_a_full_slot_offers_the_waiting_list_and_a_cancellation_promotes_the_first() -> None:
    world = make_world(places=1)
    token = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    assert token is not None
    confirm(world, token)
    other = world.add_family()
    summary = validate(world, book((WEDNESDAY, JOURNEE)), family=other).summary
    assert "Complet" in summary.refused[0].reason
    wait = validate(world, Selection(wait=frozenset({Slot(WEDNESDAY, JOURNEE)})), family=other)
    assert wait.draft_token is not None
    confirm(world, wait.draft_token, family=other)
    entries = waiting_entries(
        world.uow(), establishment_code="ALSH", first=WEDNESDAY, last=WEDNESDAY
    )
    assert [(e.family_id, position) for e, position in entries] == [(other, 1)]
    cancel = validate(world, Selection(cancel=frozenset({Slot(WEDNESDAY, JOURNEE)})))
    assert cancel.draft_token is not None
    confirm(world, cancel.draft_token)
    promoted = [
        r for r in world.store.committed(BookingState).reservations.values() if r.family_id == other
    ]
    assert len(promoted) == 1
    assert promoted[0].slot == Slot(WEDNESDAY, JOURNEE)
    assert any(
        m.template == "waiting_list_promoted" for m in world.store.committed(MessagingState).outbox
    )


def test_an_expired_summary_must_be_validated_again() -> None:
    world = make_world()
    token = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    assert token is not None
    world.clock.advance(pendulum.duration(hours=2))
    with pytest.raises(RuleViolation):
        confirm(world, token)


def test_old_summaries_are_purged_confirmed_or_not_and_bookings_keep_their_number() -> None:
    world = make_world()
    confirmed = validate(world, book((WEDNESDAY, JOURNEE))).draft_token
    abandoned = validate(world, book((WEDNESDAY + timedelta(weeks=1), JOURNEE))).draft_token
    assert confirmed is not None
    assert abandoned is not None
    number = confirm(world, confirmed).number
    world.clock.advance(pendulum.duration(days=6))
    recent = validate(world, book((WEDNESDAY + timedelta(weeks=2), JOURNEE))).draft_token
    world.clock.advance(pendulum.duration(days=1, minutes=1))  # the first two are 7 days old
    assert purge_planning_drafts(world.uow(), world.clock) == 2
    assert set(world.store.committed(BookingState).drafts) == {recent}
    with pytest.raises(NotFound):
        draft_of_family(world.uow(), family_id=world.martin, token=confirmed)
    [reservation] = world.store.committed(BookingState).reservations.values()
    assert reservation.confirmation == number
    assert purge_planning_drafts(world.uow(), world.clock) == 0  # nothing left to purge


@pytest.mark.parametrize("days", [0, -1, 366])
def test_the_retention_of_summaries_is_1_to_365_days(days: int) -> None:
    world = make_world()
    with pytest.raises(InvalidInput, match="de 1 à 365 jours"):
        purge_planning_drafts(world.uow(), world.clock, days=days)


def test_the_child_may_be_booked_in_the_alsh_and_its_own_schools_services_only() -> None:
    world = make_world()
    codes = [
        e.code for e in bookable_establishments(world.uow(), world.martin, world.child_id("Léa"))
    ]
    assert "ALSH" in codes
    assert "APS-PLAGE" in codes
    assert "CANTINE-PLAGE" in codes
    assert "APS-PINS" not in codes
    assert "SMA" not in codes


def test_sibling_and_pai_prices_in_the_estimate() -> None:
    world = make_world()
    tom = planning(world, WEDNESDAY, WEDNESDAY + timedelta(days=0), child="Tom")
    cell = tom.cell(WEDNESDAY, JOURNEE)
    assert cell is not None
    assert cell.price is not None
    # Tom is the second child (10 % off) and has a PAI: 8,20 € x 0.9 = 7,38 €
    assert cell.price.pai
    assert cell.price.amount.format_fr() == "7,38\u00a0€"


@pytest.mark.parametrize(
    "reason", ["", "abc", "x" * 301, "appel\x00de la mère", "deux\nlignes ici"]
)
def test_a_forced_change_needs_a_readable_reason_of_5_to_300_characters(reason: str) -> None:
    world = make_world()
    with pytest.raises(InvalidInput):
        book_at_desk(
            world.uow(),
            world.sources,
            world.clock,
            family_id=world.martin,
            child_id=world.child_id("Léa"),
            establishment_code="ALSH",
            selection=book((WEDNESDAY, JOURNEE)),
            actor=DESK,
            forced_reason=reason,
        )
    assert not world.store.committed(BookingState).reservations


def test_an_unpaid_balance_above_the_towns_limit_refuses_new_bookings_until_paid() -> None:
    world = make_world()
    with world.uow() as uow:  # the town refuses bookings beyond 20,00 € unpaid
        catalogue = uow.catalogue.get()
        alsh = catalogue.establishment("ALSH")
        assert alsh is not None
        limited = attrs.evolve(
            alsh,
            units=tuple(
                attrs.evolve(
                    u, rules=attrs.evolve(u.rules, unpaid_balance_limit=Money.from_euros("20"))
                )
                for u in alsh.units
            ),
        )
        uow.catalogue.replace(
            Catalogue(
                catalogue.schools,
                tuple(limited if e.code == "ALSH" else e for e in catalogue.establishments),
            )
        )
        uow.commit()
    september = [date(2026, 9, d) for d in (2, 9, 16)]  # 3 x 10,40 = 31,20 €
    for day in september:
        token = validate(world, book((day, JOURNEE))).draft_token
        assert token is not None
        confirm(world, token)
    world.clock.set(pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris"))
    run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    with world.uow() as uow:  # a newer proof of address keeps the dossier complete in October
        family = uow.families.get(world.martin)
        assert family is not None
        family.documents = [proof_of_address(valid_until=date(2027, 8, 31))]
        uow.families.update(family, world.clock.now())
        uow.commit()
    november = date(2026, 11, 4)
    refused = validate(world, book((november, JOURNEE))).summary
    assert not refused.accepted
    assert refused.refused[0].reason == (
        "Factures impayées : vous devez 31,20\u00a0€, au-delà du seuil de 20,00\u00a0€ fixé par "
        "la commune. Réglez vos factures (« Factures et règlements ») ou adressez-vous au "
        "guichet unique."
    )
    cancelling = validate(world, Selection(cancel=frozenset({Slot(date(2026, 10, 14), JOURNEE)})))
    assert "Aucune réservation" in cancelling.summary.refused[0].reason  # not a balance refusal
    [invoice] = world.store.committed(InvoiceState).invoices
    with world.uow() as uow:
        uow.payments.add(
            Payment(
                world.martin,
                invoice.total,
                PaymentMode.CASH,
                "caisse",
                date(2026, 10, 2),
                world.clock.now(),
                "agent",
                invoice.number,
            )
        )
        uow.commit()
    assert validate(world, book((november, JOURNEE))).summary.additions
