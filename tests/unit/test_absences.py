"""Absences against the in-memory unit of work: a family signals an illness with its certificate,
the desk justifies it, billing bills the first day only; another family's child answers
NotFound; wrong input is refused field by field with nothing kept, not even the file."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from adapters.documents import InMemoryDocumentStore
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.consumption import AbsenceReason
from portail_core.domain.money import Money
from portail_core.domain.reservation import Reservation
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from portail_core.services.absences import (
    Upload,
    absence_certificate,
    declare_absence,
    family_absences,
    justify_absence,
    list_absences,
)
from portail_core.services.billing import run_billing
from tests.unit.reservation_world import DESK, FAMILY, World, make_world

PDF = Upload(b"%PDF-1.7\n" + b"0" * 500, "certificat.pdf")
PNG = Upload(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "scan.png")
SEPTEMBER_14 = pendulum.datetime(2026, 9, 14, 8, 0, tz="Europe/Paris")


@pytest.fixture
def world() -> World:
    found = make_world()
    found.clock.set(SEPTEMBER_14)
    return found


@pytest.fixture
def store() -> InMemoryDocumentStore:
    return InMemoryDocumentStore()


def declare(world: World, store: InMemoryDocumentStore, **changes: object):
    arguments: dict[str, object] = {
        "family_id": world.martin,
        "child_id": world.child_id("Léa"),
        "first_day": "14/09/2026",
        "last_day": "25/09/2026",
        "reason": "maladie",
        "certificate": PDF,
        "actor": FAMILY,
    }
    arguments.update(changes)
    return declare_absence(world.uow(), store, world.clock, **arguments)  # type: ignore[arg-type]


def events(world: World, action: str) -> list[AuditEvent]:
    return [e for e in world.store.state.audit_events if e.action == action]


def stored_files(store: InMemoryDocumentStore) -> int:
    return len(store._contents)  # the twin's content, for the test


def test_a_family_signals_an_illness_with_its_certificate(
    world: World, store: InMemoryDocumentStore
) -> None:
    line = declare(world, store)
    absence = line.absence
    assert (absence.first_day, absence.last_day) == (date(2026, 9, 14), date(2026, 9, 25))
    assert absence.reason is AbsenceReason.ILLNESS
    assert not absence.justified
    assert absence.declared_by == FAMILY
    assert absence.certificate_file is not None
    assert store.open(absence.certificate_file) == PDF.data
    assert (line.child_name, line.status, line.days) == ("Léa Martin", "non justifiée", 12)
    [event] = events(world, "absence.declare")
    assert event.summary == (
        f"Absence n° {absence.id} de Léa signalée du 14/09/2026 au 25/09/2026, certificat joint"
    )
    assert "maladie" not in str(event.details)  # the reason is health data: not in the trail
    assert event.family_id == world.martin
    assert [a.absence.id for a in family_absences(world.uow(), world.martin)] == [absence.id]


def test_another_family_s_child_is_not_found_and_nothing_is_kept(
    world: World, store: InMemoryDocumentStore
) -> None:
    other = world.add_family()
    with pytest.raises(NotFound):
        declare(world, store, family_id=other)
    with pytest.raises(NotFound):
        declare(world, store, child_id=99999)
    assert stored_files(store) == 0
    assert not world.store.state.billing.absences


def test_wrong_fields_are_all_refused_at_once_and_the_file_is_not_kept(
    world: World, store: InMemoryDocumentStore
) -> None:
    with pytest.raises(InvalidInput) as caught:
        declare(
            world,
            store,
            child_id="<script>",
            first_day="31/02/2026",
            last_day="",
            reason="vacances",
            certificate=Upload(b"MZ\x90\x00 not a pdf", "certificat.pdf"),
        )
    assert set(caught.value.problems) == {
        "child",
        "first_day",
        "last_day",
        "reason",
        "certificate",
    }
    assert "PDF, JPEG et PNG" in caught.value.problems["certificate"]
    with pytest.raises(InvalidInput) as caught:
        declare(world, store, first_day="20/09/2026", last_day="19/09/2026")
    assert caught.value.problems == {"last_day": "Le dernier jour précède le premier."}
    with pytest.raises(InvalidInput) as caught:
        declare(world, store, certificate=Upload(b"%PDF-" + b"0" * (5 * 1024 * 1024), "x.pdf"))
    assert caught.value.problems == {"certificate": "Le fichier dépasse 5 Mo."}
    with pytest.raises(InvalidInput, match="vérifiez"):
        declare(world, store, first_day="01/01/2026", last_day="31/01/2027")
    assert stored_files(store) == 0
    assert not world.store.state.billing.absences


def test_a_family_signals_a_past_absence_within_a_month_the_desk_at_any_time(
    world: World, store: InMemoryDocumentStore
) -> None:
    with pytest.raises(InvalidInput) as caught:
        declare(world, store, first_day="12/08/2026", last_day="13/08/2026")
    assert "dans les 31 jours" in caught.value.problems["first_day"]
    declare(world, store, first_day="14/08/2026", last_day="14/08/2026", certificate=None)
    line = declare(world, store, first_day="2026-06-03", last_day="2026-06-05", actor=DESK)
    assert line.absence.declared_by == DESK


def test_overlapping_absences_of_a_child_conflict_and_the_new_file_is_deleted(
    world: World, store: InMemoryDocumentStore
) -> None:
    declare(world, store)
    with pytest.raises(Conflict, match="déjà signalée du 14/09/2026 au 25/09/2026"):
        declare(world, store, first_day="25/09/2026", last_day="28/09/2026", certificate=PNG)
    assert stored_files(store) == 1
    declare(world, store, first_day="25/09/2026", child_id=world.child_id("Tom"), certificate=None)


def test_only_the_desk_justifies_and_each_change_is_audited(
    world: World, store: InMemoryDocumentStore
) -> None:
    number = declare(world, store).number
    with pytest.raises(NotAllowed):
        justify_absence(world.uow(), store, world.clock, absence_id=number, actor=FAMILY)
    with pytest.raises(NotAllowed):
        declare(world, store, first_day="01/10/2026", last_day="01/10/2026", justified=True)
    done = justify_absence(world.uow(), store, world.clock, absence_id=number, actor=DESK)
    assert done.changed
    assert done.line.absence.justified
    assert done.line.status == "justifiée"
    [event] = events(world, "absence.justify")
    assert event.details["justified"] == [False, True]
    assert event.summary == (f"Absence n° {number} de Léa (du 14/09/2026 au 25/09/2026) justifiée")
    again = justify_absence(world.uow(), store, world.clock, absence_id=number, actor=DESK)
    assert not again.changed
    assert len(events(world, "absence.justify")) == 1
    undone = justify_absence(
        world.uow(), store, world.clock, absence_id=number, justified=False, actor=DESK
    )
    assert undone.changed
    assert not undone.line.absence.justified
    assert events(world, "absence.justify")[-1].details["justified"] == [True, False]
    with pytest.raises(NotFound, match="Aucune absence n° 999"):
        justify_absence(world.uow(), store, world.clock, absence_id=999, actor=DESK)


def test_the_desk_attaches_a_certificate_when_justifying_the_old_file_goes(
    world: World, store: InMemoryDocumentStore
) -> None:
    first = declare(world, store).absence
    done = justify_absence(
        world.uow(), store, world.clock, absence_id=first.id or 0, certificate=PNG, actor=DESK
    )
    assert done.certificate_added
    assert "certificat remplacé" in events(world, "absence.justify")[-1].summary
    assert stored_files(store) == 1
    assert done.line.absence.certificate_file != first.certificate_file
    with pytest.raises(InvalidInput) as caught:
        justify_absence(
            world.uow(),
            store,
            world.clock,
            absence_id=first.id or 0,
            certificate=Upload(b"", "vide.pdf"),
            actor=DESK,
        )
    assert caught.value.problems == {"certificate": "Le fichier est vide."}


def test_reading_a_certificate_is_audited_and_another_family_s_is_not_found(
    world: World, store: InMemoryDocumentStore
) -> None:
    number = declare(world, store).number
    other = world.add_family()
    other_actor = Actor("autre.2", Channel.PORTAL)
    with pytest.raises(NotFound):
        absence_certificate(
            world.uow(), store, world.clock, absence_id=number, actor=other_actor, family_id=other
        )
    line, content, kind = absence_certificate(
        world.uow(), store, world.clock, absence_id=number, actor=DESK
    )
    assert content == PDF.data
    assert kind is not None
    assert kind.mime_type == "application/pdf"
    assert line.child_name == "Léa Martin"
    [event] = events(world, "absence.certificate.read")
    assert event.actor == DESK
    assert event.family_id == world.martin


def test_listing_for_the_desk_by_period_and_unjustified_only(
    world: World, store: InMemoryDocumentStore
) -> None:
    lea = declare(world, store).number
    tom = declare(world, store, child_id=world.child_id("Tom"), certificate=None).number
    justify_absence(world.uow(), store, world.clock, absence_id=lea, actor=DESK)
    september = (date(2026, 9, 1), date(2026, 9, 30))
    listed = list_absences(world.uow(), first=september[0], last=september[1])
    assert [line.number for line in listed] == [lea, tom]
    unjustified = list_absences(
        world.uow(), first=september[0], last=september[1], unjustified_only=True
    )
    assert [line.number for line in unjustified] == [tom]
    assert not list_absences(world.uow(), first=date(2026, 10, 1), last=date(2026, 10, 31))
    with pytest.raises(InvalidInput):
        list_absences(world.uow(), first=september[1], last=september[0])


def test_illness_with_a_certificate_first_day_billed_then_free(
    world: World, store: InMemoryDocumentStore
) -> None:
    """Léa (QF 1 250, resident: 10,40 € a day) is booked every Wednesday of September and ill
    from 14 to 25 September: 16/09 is billed (jour de carence), 23/09 is free."""
    with world.uow() as uow:
        for day in (2, 9, 16, 23, 30):
            uow.reservations.add(
                Reservation(
                    world.martin,
                    world.child_id("Léa"),
                    "ALSH",
                    "JOURNEE",
                    date(2026, 9, day),
                    "ELEM",
                    world.clock.now(),
                    "R1",
                )
            )
        uow.commit()
    number = declare(world, store).number
    justify_absence(world.uow(), store, world.clock, absence_id=number, actor=DESK)
    world.clock.set(pendulum.datetime(2026, 10, 1, 9, 0, tz="Europe/Paris"))
    report = run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    assert report.total == Money.from_euros("41,60")  # 4 x 10,40 € ; 23/09 free


def test_the_establishments_booked_during_the_absence_are_alerted_without_the_reason(
    world: World, store: InMemoryDocumentStore
) -> None:
    with world.uow() as uow:
        for day in (9, 16, 23):
            uow.reservations.add(
                Reservation(
                    world.martin,
                    world.child_id("Léa"),
                    "ALSH",
                    "JOURNEE",
                    date(2026, 9, day),
                    "ELEM",
                    world.clock.now(),
                    "R1",
                )
            )
        uow.commit()
    declare(world, store)  # 14 to 25 September: the 16th and the 23rd are booked
    [message] = world.store.state.outbox
    assert message.to == "alsh@demo-sur-mer.example"
    assert message.template == "absence_alert"
    assert message.context["days"] == (
        "- mercredi 16 septembre 2026 : Journée avec repas\n"
        "- mercredi 23 septembre 2026 : Journée avec repas"
    )
    assert message.context["by"] == "la famille, sur le Portail Famille"
    assert "maladie" not in str(message.context)
    declare(world, store, child_id=world.child_id("Tom"), certificate=None)  # nothing booked
    assert len(world.store.state.outbox) == 1
