"""Use cases on families' dossiers, with the in-memory twins: health reads in the audit trail,
the desk's edits of a dossier."""

import json
from datetime import date

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.catalogue.establishments import Catalogue, School
from portail_core.domain.dossiers.family import Family, FamilyQuotient, QuotientSource
from portail_core.domain.dossiers.guardians import Address
from portail_core.errors import InvalidInput, NotFound
from portail_core.services.dossiers.contacts import update_guardian_contact
from portail_core.services.dossiers.creation import create_family
from portail_core.services.dossiers.data import export_family
from portail_core.services.dossiers.edits import DossierEdit, edit_family
from portail_core.services.dossiers.health import child_health
from portail_core.services.dossiers.reading import family_dossier
from tests.unit.dossier_builders import YEAR, complete_family, main_guardian

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
FAMILY = Actor("martin.1", Channel.PORTAL)
URL = "https://famille.demo.example"
HEALTH_VALUES = ("Arachide", "Trousse", "2027-07-04", "sans_porc")


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def uow(store: InMemoryStore, *, read_only: bool = False) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, read_only=read_only)


def martin(store: InMemoryStore, clock: FixedClock) -> Family:
    family_id = create_family(uow(store), complete_family(), actor=STAFF, clock=clock)
    return export_family(uow(store, read_only=True), family_id).family


def health_reads(store: InMemoryStore) -> list[AuditEvent]:
    with uow(store, read_only=True) as reading:
        return [e for e in reading.audit.latest(100) if e.action == "child.health_read"]


def holds_no_health_value(event: AuditEvent) -> bool:
    text = json.dumps([event.summary, dict(event.details)], ensure_ascii=False)
    return not any(value in text for value in HEALTH_VALUES)


def test_showing_a_dossier_to_staff_records_whose_health_information_they_saw(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    summary = family_dossier(uow(store), family.id, YEAR, clock, health_read_by=STAFF)
    assert summary.family.children[1].allergies == "Arachide"
    (read,) = health_reads(store)
    assert read.actor == STAFF
    assert read.actor.channel is Channel.DESK
    assert read.at == NOW
    assert read.family_id == family.id
    assert read.details == {"children": [c.id for c in family.children]}
    assert read.summary == "Informations de santé consultées : Léa, Tom"
    assert holds_no_health_value(read)


def test_reading_a_dossier_without_showing_health_records_nothing(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    family_dossier(uow(store, read_only=True), family.id, YEAR, clock)
    export_family(uow(store, read_only=True), family.id)
    assert health_reads(store) == []


def test_an_export_handed_to_someone_is_a_health_read(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    export = export_family(uow(store), family.id, health_read_by=STAFF, clock=clock)
    assert [e.action for e in export.history] == ["family.create"]  # read before it is recorded
    (read,) = health_reads(store)
    assert read.details == {"children": [c.id for c in family.children]}
    assert holds_no_health_value(read)
    with pytest.raises(TypeError):
        export_family(uow(store), family.id, health_read_by=STAFF)


def test_a_family_without_children_has_no_health_to_read(
    store: InMemoryStore, clock: FixedClock
) -> None:
    alone = Family.create(name="Seule", guardians=[main_guardian()], resident=True)
    family_id = create_family(uow(store), alone, actor=STAFF, clock=clock)
    family_dossier(uow(store), family_id, YEAR, clock, health_read_by=STAFF)
    assert health_reads(store) == []


def test_a_childs_health_page_records_the_read_by_its_family(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    tom = family.children[1]
    assert tom.id is not None
    shown = child_health(uow(store), family.id, tom.id, actor=FAMILY, clock=clock)
    assert shown.pai is not None
    assert shown.pai.instructions.startswith("Trousse")
    (read,) = health_reads(store)
    assert read.actor.channel is Channel.PORTAL
    assert read.details == {"children": [tom.id]}
    assert read.summary == "Informations de santé consultées : Tom"
    assert holds_no_health_value(read)


def test_another_familys_child_is_not_found_and_nothing_is_recorded(
    store: InMemoryStore, clock: FixedClock
) -> None:
    first, second = martin(store, clock), martin(store, clock)
    assert first.id is not None
    assert second.children[0].id is not None
    with pytest.raises(NotFound):
        child_health(uow(store), first.id, second.children[0].id, actor=FAMILY, clock=clock)
    with pytest.raises(NotFound):
        child_health(uow(store), 999, 1, actor=FAMILY, clock=clock)
    assert health_reads(store) == []


def with_schools(store: InMemoryStore, *codes: str) -> None:
    with uow(store) as writing:
        writing.catalogue.replace(
            Catalogue(
                tuple(School(code, f"École {code}", "1 rue de l'École") for code in codes), ()
            )
        )
        writing.commit()


def dossier(store: InMemoryStore, family_id: int) -> Family:
    return export_family(uow(store, read_only=True), family_id).family


def edits(store: InMemoryStore) -> list[AuditEvent]:
    with uow(store, read_only=True) as reading:
        return [e for e in reading.audit.latest(100) if e.action == "family.edit"]


def test_staff_edit_a_dossier_and_the_history_keeps_each_old_and_new_value(
    store: InMemoryStore, clock: FixedClock
) -> None:
    with_schools(store, "PLAGE", "PINS")
    family = martin(store, clock)
    assert family.id is not None
    lea = family.children[0]
    edit = DossierEdit(
        name="Martin-Dupont",
        insurance_valid_until="31/08/2028",
        quotient_value="980",
        quotient_source="msa",
        quotient_valid_from="2026-09-01",
        guardian=2,
        phones=("07 98 76 54 32", "05 58 00 11 22"),
        email="marc.martin@example.fr",
        child_id=lea.id,
        school_code="PINS",
        school_class="CE2",
    )
    changes = edit_family(uow(store), family.id, edit, public_url=URL, actor=STAFF, clock=clock)
    assert changes == {
        "name": ["Martin", "Martin-Dupont"],
        "insurance_valid_until": ["2027-08-31", "2028-08-31"],
        "quotient": ["1250 (CAF, à partir du 2026-01-01)", "980 (MSA, à partir du 2026-09-01)"],
        "guardians.2.phones": ["+33798765432", "+33798765432, +33558001122"],
        "guardians.2.email": ["", "marc.martin@example.fr"],
        f"children.{lea.id}.school_code": ["PLAGE", "PINS"],
        f"children.{lea.id}.school_class": ["CE1", "CE2"],
    }
    saved = dossier(store, family.id)
    assert saved.name == "Martin-Dupont"
    assert saved.quotient == FamilyQuotient(980, QuotientSource.MSA, date(2026, 9, 1))
    assert saved.guardians[1].email == "marc.martin@example.fr"
    assert saved.children[0].school_class == "CE2"
    assert saved.children[1].allergies == "Arachide"  # the rest of the dossier is kept
    (event,) = edits(store)
    assert event.actor.channel is Channel.DESK
    assert event.details == {"changes": changes}
    assert event.summary == (
        "Dossier Martin-Dupont modifié : nom du foyer, assurance, quotient familial, "
        "responsable n° 2 : téléphones, responsable n° 2 : e-mail, "
        f"enfant n° {lea.id} : école, enfant n° {lea.id} : classe"
    )
    assert holds_no_health_value(event)


def test_the_same_values_change_nothing_and_record_nothing(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    same = DossierEdit(name="Martin", resident=True, phones=("06.12.34.56.78",))
    assert edit_family(uow(store), family.id, same, public_url=URL, actor=STAFF, clock=clock) == {}
    assert edits(store) == []


def test_every_problem_is_listed_at_once_and_nothing_is_written(
    store: InMemoryStore, clock: FixedClock
) -> None:
    with_schools(store, "PLAGE")
    family = martin(store, clock)
    assert family.id is not None
    bad = DossierEdit(
        name="\x00",
        insurance_valid_until="demain",
        quotient_value="-3",
        quotient_source="impots",
        quotient_valid_from="31/02/2026",
        phones=("pas un numéro",),
        email="x@",
        postcode="ABCDE",
        child_id=family.children[0].id,
        school_code="ECOLE-INCONNUE",
        school_class="x" * 31,
    )
    with pytest.raises(InvalidInput) as refused:
        edit_family(uow(store), family.id, bad, public_url=URL, actor=STAFF, clock=clock)
    assert set(refused.value.problems) == {
        "name",
        "insurance_valid_until",
        "quotient.value",
        "quotient.source",
        "quotient.valid_from",
        "guardian.phones",
        "guardian.email",
        "guardian.postcode",
        "child.school_class",
    }
    assert dossier(store, family.id).name == "Martin"
    assert edits(store) == []
    unknown = DossierEdit(child_id=family.children[0].id, school_code="ECOLE-INCONNUE")
    with pytest.raises(InvalidInput) as refused:
        edit_family(uow(store), family.id, unknown, public_url=URL, actor=STAFF, clock=clock)
    assert refused.value.problems == {
        "child.school_code": "L'école « ECOLE-INCONNUE » n'est pas au catalogue de la commune "
        "(écoles : PLAGE)."
    }


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (DossierEdit(), "edit"),
        (DossierEdit(guardian=2), "edit"),
        (DossierEdit(quotient_value="900"), "quotient"),
        (DossierEdit(quotient_value="900", quotient_source="CAF"), "quotient"),
        (
            DossierEdit(
                highest_tariff=True,
                quotient_value="900",
                quotient_source="CAF",
                quotient_valid_from="01/09/2026",
            ),
            "quotient",
        ),
        (DossierEdit(school_class="CE2"), "child"),
        (DossierEdit(child_id=1), "child"),
    ],
)
def test_an_edit_that_says_too_little_or_too_much_is_refused_before_reading_the_dossier(
    edit: DossierEdit, problem: str
) -> None:
    assert problem in edit.problems()


def test_a_new_main_address_needs_staff_to_say_whether_it_is_in_the_commune(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    moving = DossierEdit(street="3 allée des Mouettes", postcode="99100", city="Démo-sur-Mer")
    with pytest.raises(InvalidInput) as refused:
        edit_family(uow(store), family.id, moving, public_url=URL, actor=STAFF, clock=clock)
    assert list(refused.value.problems) == ["resident"]
    assert dossier(store, family.id).main_guardian.address == Address(
        "12 rue des Pins", "40200", "Mimizan"
    )
    changes = edit_family(
        uow(store),
        family.id,
        DossierEdit(city="Démo-sur-Mer", postcode="99100", resident=False),
        public_url=URL,
        actor=STAFF,
        clock=clock,
    )
    assert changes == {
        "resident": ["True", "False"],
        "guardians.1.address": [
            "12 rue des Pins, 40200 Mimizan",
            "12 rue des Pins, 99100 Démo-sur-Mer",
        ],
    }


def test_the_highest_tariff_replaces_the_quotient_and_an_empty_value_clears(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    changes = edit_family(
        uow(store),
        family.id,
        DossierEdit(highest_tariff=True, guardian=2, phones=("",), email=""),
        public_url=URL,
        actor=STAFF,
        clock=clock,
    )
    assert changes["quotient"] == ["1250 (CAF, à partir du 2026-01-01)", "tarif le plus élevé"]
    assert changes["guardians.2.phones"] == ["+33798765432", ""]
    saved = dossier(store, family.id)
    assert saved.quotient is None
    assert saved.highest_tariff_chosen
    assert saved.guardians[1].phones == ()


def test_an_unknown_family_guardian_or_child_is_not_found(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    other = martin(store, clock)
    assert family.id is not None
    for family_id, edit in [
        (999, DossierEdit(name="X")),
        (family.id, DossierEdit(guardian=3, email="a@b.fr")),
        (family.id, DossierEdit(child_id=other.children[0].id, school_class="CE2")),
    ]:
        with pytest.raises(NotFound):
            edit_family(uow(store), family_id, edit, public_url=URL, actor=STAFF, clock=clock)
    assert edits(store) == []


def test_a_guardians_e_mail_left_empty_on_the_portal_is_cleared(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family = martin(store, clock)
    assert family.id is not None
    edit_family(
        uow(store),
        family.id,
        DossierEdit(guardian=2, email="marc@example.fr"),
        public_url=URL,
        actor=STAFF,
        clock=clock,
    )
    update_guardian_contact(
        uow(store),
        family.id,
        2,
        phones=["07 98 76 54 32"],
        email=None,
        public_url=URL,
        actor=FAMILY,
        clock=clock,
    )
    assert dossier(store, family.id).guardians[1].email is None
