"""School pre-registrations on the in-memory twins: submitted by a family (a new child or one of
the dossier), the level from the birth date, the sector school from the address or a
derogation, refused when wrong with nothing stored; decided by the desk (the accepted child joins
the dossier with its school and class), each change e-mailed and audited."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from adapters.documents import InMemoryDocumentStore
from adapters.mail.renderer import JinjaEmailRenderer
from adapters.memory.audit import AuditState
from adapters.memory.messaging import MessagingState
from adapters.memory.preregistrations import PreregistrationState_
from portail_core.domain.preregistrations import PreregistrationState
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.services.absences.common import Upload
from portail_core.services.preregistrations.decisions import (
    accept_preregistration,
    examine_preregistration,
    hold_preregistration,
    refuse_preregistration,
)
from portail_core.services.preregistrations.reading import (
    family_preregistrations,
    list_preregistrations,
    preregistration_form,
)
from portail_core.services.preregistrations.submission import submit_preregistration
from tests.unit.reservation_world import DESK, FAMILY, World, make_world

PDF = Upload(b"%PDF-1.4\n%fake\n", "livret.pdf")
PROOF = Upload(b"%PDF-1.4\n%facture\n", "facture.pdf")
URL = "https://portail.example.fr"


def at(world: World, street: str, postcode: str = "99100") -> None:
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        address = attrs.evolve(family.main_guardian.address, street=street, postcode=postcode)
        family.guardians[0] = attrs.evolve(family.main_guardian, address=address)
        uow.families.update(family, world.clock.now())
        uow.commit()


@pytest.fixture
def world() -> World:
    made = make_world()
    at(made, "3 allée des Mouettes")
    return made


@pytest.fixture
def store() -> InMemoryDocumentStore:
    return InMemoryDocumentStore()


def submit(world: World, store: InMemoryDocumentStore, **fields: object):  # type: ignore[no-untyped-def]
    wanted: dict[str, object] = {
        "child": "nouveau",
        "first_name": "Jules",
        "last_name": "Martin",
        "birth_date": "01/05/2020",
        "school_year": "2026-2027",
        "documents": {"livret_famille": PDF, "justificatif_domicile": PROOF},
    }
    wanted.update(fields)
    return submit_preregistration(
        world.uow(),
        world.clock,
        store,
        family_id=world.martin,
        actor=FAMILY,
        public_url=URL,
        **wanted,  # type: ignore[arg-type]
    )


def stored(world: World) -> dict[int, object]:
    return dict(world.store.committed(PreregistrationState_).requests)


def test_a_new_child_is_asked_for_at_the_sector_school_with_the_level_of_its_age(
    world: World, store: InMemoryDocumentStore
) -> None:
    line = submit(world, store)
    request = line.request
    assert (request.level, request.computed_level) == ("CP", "CP")
    assert (request.sector_school, request.requested_school) == ("PLAGE", "PLAGE")
    assert not request.derogation
    assert request.new_child
    assert request.state is PreregistrationState.SUBMITTED
    assert len(request.documents) == 2
    mail = world.store.committed(MessagingState).outbox[-1]
    assert mail.template == "preregistration_state"
    assert mail.context["state"] == "déposée"
    assert world.store.committed(AuditState).audit_events[-1].action == "preregistration.submit"
    assert [r.request.id for r in family_preregistrations(world.uow(), world.martin)] == [
        request.id
    ]


def test_the_form_offers_the_next_school_year_and_the_sector_school(world: World) -> None:
    form = preregistration_form(world.uow(), world.clock, world.martin)
    assert form.open
    assert [y.start for y in form.school_years] == [2026, 2025]
    assert form.sector.school == "PLAGE"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"birth_date": "01/05/2030"}, "birth_date", "futur"),
        ({"level": "CP3"}, "level", "iveau"),
        ({"level": "CE1"}, "level_reason", "pourquoi"),
        ({"school": "PINS"}, "derogation_reason", "dérogation"),
        ({"school": "LUNE", "derogation_reason": "travail"}, "school", "école"),
        ({"school_year": "2030-2031"}, "school_year", "2026-2027"),
        (
            {"documents": {"livret_famille": Upload(b"MZ\x90", "x.exe")}},
            "document_livret_famille",
            "ivret",
        ),
        ({"documents": {"livret_famille": PDF}}, "document_justificatif_domicile", "domicile"),
        ({"first_name": ""}, "first_name", "prénom"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_stored(
    world: World, store: InMemoryDocumentStore, fields: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        submit(world, store, **fields)
    assert words in refused.value.problems[field]
    assert stored(world) == {}
    assert store.files() == []


def test_a_street_outside_the_commune_is_refused_unless_a_derogation_is_asked(
    world: World, store: InMemoryDocumentStore
) -> None:
    at(world, "5 rue Inconnue")
    with pytest.raises(InvalidInput) as refused:
        submit(world, store)
    assert "carte scolaire" in refused.value.problems["school"]
    assert stored(world) == {}
    line = submit(world, store, school="PINS", derogation_reason="Garde par les grands-parents")
    assert line.request.derogation
    assert line.request.sector_school == ""


def test_the_same_child_twice_for_the_same_year_is_refused_with_an_explanation(
    world: World, store: InMemoryDocumentStore
) -> None:
    first = submit(world, store).request
    with pytest.raises(Conflict, match="déjà une pré-inscription pour 2026-2027"):
        submit(world, store, first_name="JULES")
    assert list(stored(world)) == [first.id]
    refuse_preregistration(
        world.uow(), world.clock, first.id, reason="Complet", actor=DESK, public_url=URL
    )
    assert submit(world, store).request.id == 2  # a refused request may be asked again


def test_accepted_the_new_child_joins_the_dossier_with_its_school_and_class(
    world: World, store: InMemoryDocumentStore
) -> None:
    request = submit(world, store).request
    examine_preregistration(world.uow(), world.clock, request.id, actor=DESK, public_url=URL)
    line = accept_preregistration(world.uow(), world.clock, request.id, actor=DESK, public_url=URL)
    assert line.request.state is PreregistrationState.ACCEPTED
    jules = world.family().child(line.request.child_id)
    assert jules is not None
    assert (jules.first_name, jules.school_code, jules.school_class) == ("Jules", "PLAGE", "CP")
    mails = world.store.committed(MessagingState).outbox
    assert [m.context["state"] for m in mails if m.template == "preregistration_state"] == [
        "déposée",
        "en cours d'instruction",
        "acceptée",
    ]
    with pytest.raises(Conflict, match="déjà acceptée"):
        refuse_preregistration(
            world.uow(), world.clock, request.id, reason="x", actor=DESK, public_url=URL
        )


def test_the_desk_may_assign_another_school_and_a_child_of_the_dossier_changes_school(
    world: World, store: InMemoryDocumentStore
) -> None:
    lea = world.child_id("Léa")
    request = submit(world, store, child=lea, documents={"justificatif_domicile": PROOF}).request
    assert request.level == "CE1"
    assert not request.new_child
    accept_preregistration(
        world.uow(), world.clock, request.id, actor=DESK, public_url=URL, school="PINS"
    )
    child = world.family().child(lea)
    assert child is not None
    assert (child.school_code, child.school_class) == ("PINS", "CE1")
    assert len(world.family().children) == 2


def test_waiting_and_refusal_need_a_reason_and_filters_list_them(
    world: World, store: InMemoryDocumentStore
) -> None:
    request = submit(world, store, school="PINS", derogation_reason="Travail").request
    with pytest.raises(InvalidInput):
        hold_preregistration(
            world.uow(), world.clock, request.id, reason=" ", actor=DESK, public_url=URL
        )
    hold_preregistration(
        world.uow(), world.clock, request.id, reason="Places", actor=DESK, public_url=URL
    )
    assert [
        line.request.id
        for line in list_preregistrations(
            world.uow(), state="en_attente", school="PINS", level="cp"
        )
    ] == [request.id]
    assert list_preregistrations(world.uow(), state="acceptee") == []
    line = refuse_preregistration(
        world.uow(), world.clock, request.id, reason="Secteur complet", actor=DESK, public_url=URL
    )
    assert (line.request.state_reason, line.request.state.label) == ("Secteur complet", "refusée")
    with pytest.raises(InvalidInput):
        list_preregistrations(world.uow(), state="perdue")
    with pytest.raises(NotFound):
        accept_preregistration(world.uow(), world.clock, 99, actor=DESK, public_url=URL)


def test_born_date_in_the_dossier_is_today_or_before(world: World) -> None:
    assert world.clock.today() == date(2026, 6, 15)


def test_a_new_child_already_in_the_dossier_is_refused_with_a_pointer_to_the_list(
    world: World, store: InMemoryDocumentStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        submit(world, store, first_name="léa", birth_date="14/03/2019")
    assert "figure déjà dans le dossier" in refused.value.problems["child"]
    assert stored(world) == {}


def test_each_state_is_e_mailed_in_french_text_and_html(
    world: World, store: InMemoryDocumentStore
) -> None:
    request = submit(world, store, school="PINS", derogation_reason="Travail").request
    assert request.id is not None
    refuse_preregistration(
        world.uow(), world.clock, request.id, reason="École complète", actor=DESK, public_url=URL
    )
    refused = world.store.committed(MessagingState).outbox[-1]
    submitted = world.store.committed(MessagingState).outbox[-2]
    mail = JinjaEmailRenderer().render(refused.template, refused.context)
    assert mail.subject == "Pré-inscription scolaire de Jules Martin : refusée"
    assert "Motif : École complète" in mail.text
    assert "École des Pins" in mail.text
    assert "https://portail.example.fr/preinscription-scolaire" in mail.html
    first = JinjaEmailRenderer().render(submitted.template, submitted.context)
    assert first.subject.endswith(": déposée")
    assert "Motif" not in first.text
