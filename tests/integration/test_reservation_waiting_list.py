"""The waiting list end to end on each unit of work: a cancellation gives the freed place to the
first family waiting (booked at once, or offered until an expiry), and the e-mail reaches a real
SMTP server (aiosmtpd) through the outbox dispatcher."""

from __future__ import annotations

from email.message import EmailMessage

import pendulum
import pytest

from adapters.mail import JinjaEmailRenderer
from portail_core.domain.bookings.planning import CellState
from portail_core.domain.bookings.reservation import EventKind, Slot, WaitingStatus
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.bookings.selection import Selection
from portail_core.errors import RuleViolation
from portail_core.services.bookings.history import child_history
from portail_core.services.bookings.planning import show_planning
from portail_core.services.bookings.waiting_list import (
    accept_offer,
    process_waiting_lists,
    waiting_entries,
)
from portail_core.services.messaging import dispatch_outbox
from tests.integration.conftest import UowFactory
from tests.integration.reservation_town import ALSH, JOURNEE, Town, make_town
from tests.integration.test_outbox_smtp import Inbox, inbox, smtp  # noqa: F401  (fixture)
from tests.unit.reservation_world import FAMILY, WEDNESDAY, book

SLOT = Slot(WEDNESDAY, JOURNEE)
DAY = "mercredi 9 septembre 2026"


def join_waiting_list(town: Town, family: int) -> None:
    refused = town.validate(family, book((WEDNESDAY, JOURNEE))).summary.refused
    assert refused[0].reason.startswith("Complet")
    town.run(family, Selection(wait=frozenset({SLOT})))
    town.clock.advance(pendulum.duration(minutes=1))  # first come, first served


def cancel(town: Town, family: int) -> None:
    assert town.run(family, Selection(cancel=frozenset({SLOT}))).summary.cancellations


def entry_of(town: Town, family: int) -> tuple[int, WaitingStatus, int]:
    """The family's active entry for the slot: (id, status, position)."""
    ((entry, position),) = waiting_entries(
        town.uow(read_only=True),
        establishment_code=ALSH,
        first=WEDNESDAY,
        last=WEDNESDAY,
        family_id=family,
    )
    assert entry.id is not None
    return entry.id, entry.status, position


def cell_of(town: Town, family: int) -> CellState:
    planning = show_planning(
        town.uow(read_only=True),
        town.sources,
        town.clock,
        family_id=family,
        child_id=town.child_id(family),
        establishment_code=ALSH,
        first=WEDNESDAY,
        last=WEDNESDAY,
    )
    cell = planning.cell(WEDNESDAY, JOURNEE)
    assert cell is not None
    return cell.state


def sent(town: Town, inbox: tuple[Inbox, int], subject_start: str) -> list[EmailMessage]:
    """Dispatch the outbox to the SMTP server; the messages received whose subject starts so."""
    handler, port = inbox
    report = dispatch_outbox(town.uow, JinjaEmailRenderer(), smtp(port), town.clock)
    assert report.failed == report.retrying == 0
    return [m for m in handler.messages if str(m["Subject"]).startswith(subject_start)]


def text_of(message: EmailMessage) -> str:
    text, html = (message.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert html is not None
    assert '<html lang="fr">' in html.get_content()
    assert text is not None
    content: str = text.get_content()
    return " ".join(content.split())  # the template's lines joined


def test_a_cancellation_books_the_first_waiting_child_and_emails_the_family(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    town = make_town(new_uow, places=1)
    first, second, third = town.add_family(), town.add_family(), town.add_family()
    town.run(first, book((WEDNESDAY, JOURNEE)))
    join_waiting_list(town, second)
    join_waiting_list(town, third)
    assert entry_of(town, third)[1:] == (WaitingStatus.WAITING, 2)

    cancel(town, first)

    assert cell_of(town, second) is CellState.BOOKED
    assert cell_of(town, first) is CellState.FULL
    assert entry_of(town, third)[1:] == (WaitingStatus.WAITING, 1)
    history = child_history(town.uow(), family_id=second, child_id=town.child_id(second))
    assert [e.kind for e in history] == [EventKind.PROMOTED, EventKind.WAITLISTED]
    number = history[0].confirmation
    (promoted,) = sent(town, inbox, "Une place s'est libérée")
    assert promoted["To"] == "famille2@example.fr"
    assert promoted["Subject"] == f"Une place s'est libérée : Léa est inscrit(e) le {DAY}"
    body = text_of(promoted)
    assert "« Accueil de loisirs Les Dunes »" in body
    assert "« Journée avec repas »" in body
    assert f"(confirmation {number})" in body
    assert number.startswith("R-")


def test_an_offered_place_is_accepted_or_passes_to_the_next_family_when_it_expires(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    town = make_town(new_uow, places=1, policy=WaitingListPolicy(PromotionMode.OFFER, 24))
    first, second, third, fourth = (town.add_family() for _ in range(4))
    town.run(first, book((WEDNESDAY, JOURNEE)))
    for family in (second, third, fourth):
        join_waiting_list(town, family)

    cancel(town, first)  # offered to the second family for 24 hours, the place held meanwhile
    entry, status, position = entry_of(town, second)
    assert (status, position) == (WaitingStatus.OFFERED, 1)
    assert cell_of(town, first) is CellState.FULL
    (offer,) = sent(town, inbox, "Une place vous est proposée")
    assert offer["To"] == "famille2@example.fr"
    assert offer["Subject"] == f"Une place vous est proposée pour Léa le {DAY}"
    assert "jusqu'au mardi 16 juin 2026 à 10h03" in text_of(offer)

    number = accept_offer(town.uow(), town.clock, family_id=second, entry_id=entry, actor=FAMILY)
    assert cell_of(town, second) is CellState.BOOKED
    history = child_history(town.uow(), family_id=second, child_id=town.child_id(second))
    assert [(e.kind, e.confirmation) for e in history[:2]] == [
        (EventKind.PROMOTED, number),
        (EventKind.OFFERED, ""),
    ]

    cancel(town, second)  # offered to the third family, which lets the offer expire
    entry, status, _ = entry_of(town, third)
    assert status is WaitingStatus.OFFERED
    town.clock.advance(pendulum.duration(hours=24, seconds=1))
    with pytest.raises(RuleViolation, match="délai pour accepter"):
        accept_offer(town.uow(), town.clock, family_id=third, entry_id=entry, actor=FAMILY)
    assert cell_of(town, first) is CellState.BOOKABLE  # the expired offer no longer holds it

    report = process_waiting_lists(town.uow(), town.sources, town.clock)

    assert (report.expired, report.moved) == (1, 1)
    assert entry_of(town, fourth)[1:] == (WaitingStatus.OFFERED, 1)
    assert cell_of(town, first) is CellState.FULL
    third_history = child_history(town.uow(), family_id=third, child_id=town.child_id(third))
    assert [e.kind for e in third_history[:2]] == [EventKind.OFFER_EXPIRED, EventKind.OFFERED]
    offers = sent(town, inbox, "Une place vous est proposée")
    assert [m["To"] for m in offers] == [
        "famille2@example.fr",
        "famille3@example.fr",
        "famille4@example.fr",
    ]
    assert "jusqu'au mercredi 17 juin 2026 à 10h03" in text_of(offers[-1])
    assert process_waiting_lists(town.uow(), town.sources, town.clock).expired == 0
