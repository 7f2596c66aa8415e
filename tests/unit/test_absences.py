"""Absences against the in-memory unit of work: a family signals an illness with its certificate,
the desk justifies it, billing bills the first day only; another family's child answers
NotFound; wrong input is refused field by field with nothing kept, not even the file. A family
withdraws an absence signalled by mistake before its first day unless it is justified; the desk
also a past one, until its month is invoiced; the structures are told, the file goes after the
commit only."""

from __future__ import annotations

import copy
import functools
import logging
from datetime import date, timedelta

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FixedClock
from adapters.documents import InMemoryDocumentStore
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.memory.absences import AbsenceState
from adapters.memory.audit import AuditState
from adapters.memory.billing import InvoiceState
from adapters.memory.messaging import MessagingState
from portail_core.domain.absences import AbsenceReason
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.shared.money import Money
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleViolation
from portail_core.services.absences.common import Upload
from portail_core.services.absences.declaration import declare_absence
from portail_core.services.absences.justification import justify_absence
from portail_core.services.absences.listing import (
    absence_certificate,
    family_absences,
    list_absences,
)
from portail_core.services.absences.withdrawal import Withdrawal, withdraw_absence
from portail_core.services.billing.run import run_billing
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
    return [e for e in world.store.committed(AuditState).audit_events if e.action == action]


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
    assert store.open(absence.family_id, absence.certificate_file) == PDF.data
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
    assert not world.store.committed(AbsenceState).absences


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
    assert not world.store.committed(AbsenceState).absences


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
    book_lea(world, *(("ALSH", "JOURNEE", date(2026, 9, day)) for day in (2, 9, 16, 23, 30)))
    number = declare(world, store).number
    justify_absence(world.uow(), store, world.clock, absence_id=number, actor=DESK)
    world.clock.set(pendulum.datetime(2026, 10, 1, 9, 0, tz="Europe/Paris"))
    report = run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    assert report.total == Money.from_euros("41,60")  # 4 x 10,40 € ; 23/09 free


def test_the_establishments_booked_during_the_absence_are_alerted_without_the_reason(
    world: World, store: InMemoryDocumentStore
) -> None:
    book_lea(world, *(("ALSH", "JOURNEE", date(2026, 9, day)) for day in (9, 16, 23)))
    declare(world, store)  # 14 to 25 September: the 16th and the 23rd are booked
    [message] = world.store.committed(MessagingState).outbox
    assert message.to == "alsh@demo-sur-mer.example"
    assert message.template == "absence_alert"
    assert message.context["days"] == (
        "- mercredi 16 septembre 2026 : Journée avec repas\n"
        "- mercredi 23 septembre 2026 : Journée avec repas"
    )
    assert message.context["by"] == "la famille, sur le Portail Famille"
    assert "maladie" not in str(message.context)
    declare(world, store, child_id=world.child_id("Tom"), certificate=None)  # nothing booked
    assert len(world.store.committed(MessagingState).outbox) == 1


# ---------------------------------------------------------------------------- withdrawal


def withdraw(
    world: World,
    store: InMemoryDocumentStore,
    number: int,
    *,
    actor: Actor = FAMILY,
    family_id: int | None = None,
) -> Withdrawal:
    if family_id is None and actor.channel is not Channel.DESK:
        family_id = world.martin
    return withdraw_absence(
        world.uow(), store, world.clock, family_id=family_id, absence_id=number, actor=actor
    )


def book_lea(world: World, *slots: tuple[str, str, date]) -> None:
    with world.uow() as uow:
        for establishment, unit, day in slots:
            uow.reservations.add(
                Reservation(
                    world.martin,
                    world.child_id("Léa"),
                    establishment,
                    unit,
                    day,
                    "ELEM" if establishment == "ALSH" else "",
                    world.clock.now(),
                    "R1",
                )
            )
        uow.commit()


def unchanged(world: World, store: InMemoryDocumentStore, number: int, files: int) -> None:
    """Nothing was written by a refused withdrawal: the absence, its file, no audit, no e-mail."""
    assert number in world.store.committed(AbsenceState).absences
    assert stored_files(store) == files
    assert not events(world, "absence.withdraw")
    assert not [
        m for m in world.store.committed(MessagingState).outbox if m.template == "absence_withdrawn"
    ]


def test_a_family_withdraws_a_future_absence_its_file_goes_and_it_is_audited(
    world: World, store: InMemoryDocumentStore
) -> None:
    line = declare(world, store, first_day="15/09/2026", last_day="18/09/2026")
    number = line.number
    assert stored_files(store) == 1
    done = withdraw(world, store, number)
    assert done.line.absence == line.absence
    assert done.certificate_deleted
    assert done.alerted == ()  # Léa is booked nowhere that week
    assert number not in world.store.committed(AbsenceState).absences
    assert stored_files(store) == 0
    assert family_absences(world.uow(), world.martin) == []
    [event] = events(world, "absence.withdraw")
    assert event.actor == FAMILY
    assert event.at == world.clock.now()
    assert event.family_id == world.martin
    assert event.summary == (
        f"Absence n° {number} de Léa (du 15/09/2026 au 18/09/2026) retirée, certificat détruit"
    )
    assert event.details == {
        "absence_id": number,
        "child_id": world.child_id("Léa"),
        "first_day": "2026-09-15",
        "last_day": "2026-09-18",
        "certificate": True,
        "justified": False,
        "declared_by": "martin.1",
    }
    assert "maladie" not in f"{event.summary} {event.details}"  # the reason is health data


class UndeletableStore(InMemoryDocumentStore):
    """A store on a read-only disk: files are written, never deleted."""

    def delete(self, family_id: int, file_id: str) -> None:
        raise OSError(30, "Read-only file system")


def test_a_certificate_that_cannot_be_deleted_does_not_undo_nor_fail_the_withdrawal(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    store = UndeletableStore()
    number = declare(world, store, first_day="15/09/2026", last_day="18/09/2026").number
    with caplog.at_level(logging.WARNING, logger="portail_core.services.absences"):
        withdraw(world, store, number)
    assert number not in world.store.committed(AbsenceState).absences
    assert len(events(world, "absence.withdraw")) == 1
    assert stored_files(store) == 1  # left for the operator...
    assert "non supprimé : [Errno 30] Read-only file system" in caplog.text  # ... who is told


def test_a_family_cannot_withdraw_once_the_first_day_has_come(
    world: World, store: InMemoryDocumentStore
) -> None:
    started = declare(world, store).number  # 14 to 25 September; today is the 14th
    past = declare(world, store, first_day="01/09/2026", last_day="02/09/2026").number
    for number, reason in ((started, "a commencé"), (past, "est passée")):
        with pytest.raises(RuleViolation, match=reason) as refused:
            withdraw(world, store, number)
        assert "Adressez-vous au guichet unique" in refused.value.message
        unchanged(world, store, number, files=2)


def test_a_family_cannot_withdraw_an_absence_the_desk_justified(
    world: World, store: InMemoryDocumentStore
) -> None:
    number = declare(world, store, first_day="21/09/2026", last_day="22/09/2026").number
    justify_absence(world.uow(), store, world.clock, absence_id=number, actor=DESK)
    with pytest.raises(RuleViolation, match="justifiée par le guichet unique"):
        withdraw(world, store, number)
    unchanged(world, store, number, files=1)
    assert world.store.committed(AbsenceState).absences[number].justified


def test_the_desk_withdraws_a_past_or_justified_absence_of_any_family(
    world: World, store: InMemoryDocumentStore
) -> None:
    past = declare(world, store, first_day="2026-06-03", last_day="2026-06-05", actor=DESK)
    justified = declare(world, store, first_day="01/09/2026", last_day="02/09/2026")
    justify_absence(world.uow(), store, world.clock, absence_id=justified.number, actor=DESK)
    for line in (past, justified):
        done = withdraw(world, store, line.number, actor=DESK)
        assert done.line.number == line.number
        assert line.number not in world.store.committed(AbsenceState).absences
    assert stored_files(store) == 0
    assert [e.actor for e in events(world, "absence.withdraw")] == [DESK, DESK]
    assert events(world, "absence.withdraw")[1].details["justified"] is True


def test_nobody_withdraws_an_absence_once_its_month_is_invoiced(
    world: World, store: InMemoryDocumentStore
) -> None:
    """September is invoiced on 1 October: an absence touching it stays (the invoice rests on
    it); one in October, not yet invoiced, is withdrawn by the desk."""
    book_lea(world, *[("ALSH", "JOURNEE", date(2026, 9, day)) for day in (16, 23, 30)])
    september = declare(world, store).number  # 14 to 25 September
    across = declare(world, store, first_day="28/09/2026", last_day="02/10/2026").number
    justify_absence(world.uow(), store, world.clock, absence_id=september, actor=DESK)
    world.clock.set(pendulum.datetime(2026, 10, 1, 9, 0, tz="Europe/Paris"))
    run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    [invoice] = world.store.committed(InvoiceState).invoices
    october = declare(world, store, first_day="05/10/2026", last_day="06/10/2026").number
    with pytest.raises(RuleViolation) as refused:
        withdraw(world, store, september, actor=DESK)
    assert refused.value.message == (
        f"L'absence n° {september} (du 14/09/2026 au 25/09/2026) ne peut plus être retirée : "
        f"septembre 2026 ({invoice.number}) est déjà facturé à la famille et la facture repose "
        "sur elle. Pour corriger, pointez l'enfant présent ces jours-là "
        f"(`portail attendance record`) ou retirez la justification (`portail absences justify "
        f"{september} --undo`), puis relancez la facturation (`portail billing run --month "
        "2026-09`) : la facture est annulée par un avoir et remplacée par une nouvelle."
    )
    with pytest.raises(RuleViolation, match=r"septembre 2026 .* est déjà facturé"):
        withdraw(world, store, across, actor=DESK)
    unchanged(world, store, september, files=3)
    assert across in world.store.committed(AbsenceState).absences
    withdraw(world, store, october, actor=DESK)
    assert october not in world.store.committed(AbsenceState).absences
    assert stored_files(store) == 2


def test_another_family_s_absence_is_not_found_and_stays(
    world: World, store: InMemoryDocumentStore
) -> None:
    number = declare(world, store, first_day="21/09/2026", last_day="22/09/2026").number
    other = world.add_family()
    with pytest.raises(NotFound, match=f"Aucune absence n° {number}"):
        withdraw(world, store, number, actor=Actor("autre.2", Channel.PORTAL), family_id=other)
    with pytest.raises(NotFound):
        withdraw(world, store, 999)
    with pytest.raises(NotAllowed):  # a family always acts on its own dossier
        withdraw_absence(
            world.uow(), store, world.clock, family_id=None, absence_id=number, actor=FAMILY
        )
    unchanged(world, store, number, files=1)


def test_each_establishment_booked_during_the_absence_is_told_it_is_withdrawn(
    world: World, store: InMemoryDocumentStore
) -> None:
    book_lea(
        world,
        ("ALSH", "JOURNEE", date(2026, 9, 23)),
        ("CANTINE-PLAGE", "REPAS", date(2026, 9, 21)),
        ("CANTINE-PLAGE", "REPAS", date(2026, 9, 22)),
        ("ALSH", "JOURNEE", date(2026, 9, 30)),  # after the absence: not named
    )
    number = declare(world, store, first_day="21/09/2026", last_day="25/09/2026").number
    before = len(world.store.committed(MessagingState).outbox)
    done = withdraw(world, store, number)
    sent = world.store.committed(MessagingState).outbox[before:]
    assert [m.template for m in sent] == ["absence_withdrawn", "absence_withdrawn"]
    by_address = {m.to: m.context for m in sent}
    assert set(by_address) == {"alsh@demo-sur-mer.example", "restauration@demo-sur-mer.example"}
    assert sorted(done.alerted) == sorted(
        ["Accueil de loisirs Les Dunes", "Restaurant scolaire de l'école de la Plage"]
    )
    alsh = by_address["alsh@demo-sur-mer.example"]
    assert alsh["days"] == "- mercredi 23 septembre 2026 : Journée avec repas"
    assert alsh["period"] == "du 21/09/2026 au 25/09/2026"
    assert alsh["number"] == str(number)
    assert alsh["by"] == "la famille, sur le Portail Famille"
    assert by_address["restauration@demo-sur-mer.example"]["days"].count("\n") == 1  # two days
    assert "maladie" not in str([m.context for m in sent])
    number = declare(world, store, first_day="21/09/2026", last_day="21/09/2026").number
    withdraw(world, store, number, actor=DESK)
    assert world.store.committed(MessagingState).outbox[-1].context["by"] == "le guichet unique"


class FailingCommit(InMemoryUnitOfWork):
    def commit(self) -> None:
        raise OSError("disque plein")


class CheckingStore(InMemoryDocumentStore):
    """Notes, at each deletion, whether the absence was already gone from the committed data."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.committed_when_deleted: list[bool] = []

    def delete(self, family_id: int, file_id: str) -> None:
        absences = self.world.store.committed(AbsenceState).absences.values()
        self.committed_when_deleted.append(all(a.certificate_file != file_id for a in absences))
        super().delete(family_id, file_id)


def test_the_certificate_is_deleted_after_the_commit_and_kept_if_it_fails(
    world: World,
) -> None:
    store = CheckingStore(world)
    number = declare(world, store, first_day="21/09/2026", last_day="22/09/2026").number
    with pytest.raises(OSError, match="disque plein"):
        withdraw_absence(
            FailingCommit(world.store),
            store,
            world.clock,
            family_id=world.martin,
            absence_id=number,
            actor=FAMILY,
        )
    unchanged(world, store, number, files=1)
    assert store.committed_when_deleted == []
    withdraw(world, store, number)
    assert store.committed_when_deleted == [True]
    assert stored_files(store) == 0


def test_a_withdrawn_absence_s_number_is_not_given_again(
    world: World, store: InMemoryDocumentStore
) -> None:
    number = declare(world, store, first_day="21/09/2026", last_day="22/09/2026").number
    withdraw(world, store, number)
    again = declare(world, store, first_day="21/09/2026", last_day="22/09/2026").number
    assert again == number + 1


@functools.cache
def _template() -> World:
    found = make_world()
    found.clock.set(SEPTEMBER_14)
    return found


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(min_value=-31, max_value=60),
    length=st.integers(min_value=0, max_value=40),
    justified=st.booleans(),
)
def test_a_family_withdraws_exactly_the_unjustified_absences_still_to_come(
    start: int, length: int, justified: bool
) -> None:
    """Whatever the period around today and its justification: the family's withdrawal works
    if and only if the first day is after today and the desk did not justify it; when it is
    refused the desk can still withdraw it (nothing invoiced yet)."""
    template = _template()
    world = World(
        InMemoryStore(copy.deepcopy(template.store.states)),
        FixedClock(SEPTEMBER_14),
        template.sources,
        template.martin,
    )
    store = InMemoryDocumentStore()
    today = world.clock.today()
    first = today + timedelta(days=start)
    number = declare(
        world,
        store,
        first_day=first,
        last_day=first + timedelta(days=length),
        certificate=None,
        justified=justified,
        actor=DESK,
    ).number
    if start > 0 and not justified:
        withdraw(world, store, number)
    else:
        with pytest.raises(RuleViolation):
            withdraw(world, store, number)
        assert number in world.store.committed(AbsenceState).absences
        withdraw(world, store, number, actor=DESK)
    assert number not in world.store.committed(AbsenceState).absences
