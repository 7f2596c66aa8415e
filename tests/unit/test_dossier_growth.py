"""The dossier grows after it is created: children (born or expected), a second guardian, a
birth, enrolments, the PAI and vaccinations set at the desk; on the in-memory twins."""

import json
from datetime import date, timedelta

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.domain.dossiers.child import EXPECTED_FIRST_NAME, Child
from portail_core.domain.dossiers.completeness import missing_for_school_year
from portail_core.domain.dossiers.duplicates import child_duplicate
from portail_core.domain.dossiers.family import Family
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.errors import Conflict, InvalidInput, NotFound
from portail_core.services.dossiers.creation import create_family
from portail_core.services.dossiers.data import export_family
from portail_core.services.dossiers.desk_health import DeskHealth, set_child_health
from portail_core.services.dossiers.growth import (
    add_child,
    add_guardian,
    enrol_child,
    join_child,
    record_birth,
    unenrol_child,
)
from portail_core.services.dossiers.health import HealthUpdate, update_child_health
from tests.unit.dossier_builders import REGULATIONS, TODAY, YEAR, complete_family, main_guardian
from tests.unit.reservation_world import demo_catalogue

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
FAMILY = Actor("martin.1", Channel.PORTAL)
EMS = {"establishment_code": "EMS", "unit_code": "NATATION"}


def expected(days: int = 90) -> Child:
    return Child.create_expected(
        last_name="Martin", expected_birth_date=TODAY + timedelta(days=days), today=TODAY
    )


def born(
    first_name: str = "Zoé",
    birth_date: date = date(2020, 2, 3),
    *,
    school_code: str | None = None,
    school_class: str | None = None,
) -> Child:
    return Child.create(
        first_name=first_name,
        last_name="Martin",
        birth_date=birth_date,
        today=TODAY,
        school_code=school_code,
        school_class=school_class,
    )


# ---------------------------------------------------------------- domain


def test_an_expected_child_has_a_placeholder_and_no_booking_nor_completeness() -> None:
    baby = expected()
    assert (baby.first_name, baby.expected) == (EXPECTED_FIRST_NAME, True)
    family = complete_family()
    family.add_child(baby)
    assert family.born_children == family.children[:2]
    assert missing_for_school_year(family, YEAR, REGULATIONS, TODAY) == []
    _, catalogue = demo_catalogue()
    for establishment in catalogue.establishments:
        assert establishment_refusal(baby.facts(), establishment) is not None


@pytest.mark.parametrize("days", [-1, 301])
def test_an_expected_birth_date_is_from_today_to_ten_months(days: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        expected(days)
    assert "entre aujourd'hui et dans 10 mois" in refused.value.problems["expected_birth_date"]


def test_a_birth_turns_the_expected_child_into_a_born_one() -> None:
    baby = expected(10)
    with pytest.raises(InvalidInput) as future:
        baby.record_birth(first_name="Jules", birth_date=TODAY + timedelta(days=1), today=TODAY)
    assert "futur" in future.value.problems["birth_date"]
    assert baby.expected
    baby.record_birth(first_name=" Jules ", birth_date=TODAY, today=TODAY)
    assert (baby.first_name, baby.birth_date, baby.expected) == ("Jules", TODAY, False)
    with pytest.raises(InvalidInput) as again:
        baby.record_birth(first_name="Jules", birth_date=TODAY, today=TODAY)
    assert "déjà né(e)" in again.value.problems["child"]


def test_expected_twins_may_share_their_placeholder() -> None:
    family = complete_family()
    family.add_child(expected())
    family.add_child(expected())
    assert len(family.children) == 4


def test_a_second_guardian_is_added_once_and_never_the_first_one_again() -> None:
    family = Family.create(name="Martin", guardians=[main_guardian()], resident=True)
    with pytest.raises(Conflict, match="déjà le responsable principal"):
        family.add_guardian(main_guardian())
    family.add_guardian(Guardian.create(first_name="Marc", last_name="Martin", relationship="père"))
    with pytest.raises(Conflict, match="déjà deux responsables"):
        family.add_guardian(
            Guardian.create(first_name="Anne", last_name="Roux", relationship="tutrice")
        )


ACCENTS = {"é": "e", "è": "e", "ï": "i", "ç": "c"}


@given(
    first=st.sampled_from(["Zoé", "Léa", "Anaïs", "François", "Jean-Noël"]),
    upper=st.booleans(),
    strip_accents=st.booleans(),
    day=st.dates(date(2010, 1, 1), date(2026, 6, 15)),
    other_day=st.dates(date(2010, 1, 1), date(2026, 6, 15)),
)
def test_a_duplicate_is_the_same_first_name_and_day_accents_and_case_aside(
    first: str, upper: bool, strip_accents: bool, day: date, other_day: date
) -> None:
    typed = "".join(ACCENTS.get(c, c) for c in first) if strip_accents else first
    typed = typed.upper() if upper else typed
    family = Family.create(
        name="Martin", guardians=[main_guardian()], resident=True, children=[born(first, day)]
    )
    family.id = 1
    other = Family.create(
        name="Durand", guardians=[main_guardian()], resident=True, children=[born(first, day)]
    )
    other.id = 2
    found = child_duplicate(born(typed, other_day), family, [family, other])
    if other_day == day:
        assert found is not None
        assert "figure déjà dans ce dossier" in found
    else:
        assert found is None
    elsewhere = Family.create(name="Martin", guardians=[main_guardian()], resident=True)
    elsewhere.id = 3
    found = child_duplicate(born(typed, other_day), elsewhere, [family, elsewhere])
    assert (found is not None) == (other_day == day)
    if found is not None:
        assert "dans le dossier n° 1 (famille Martin)" in found


# ---------------------------------------------------------------- services on the twin


@pytest.fixture
def store() -> InMemoryStore:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as writing:
        writing.catalogue.replace(demo_catalogue()[1])
        writing.commit()
    return store


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def uow(store: InMemoryStore, *, read_only: bool = False) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, read_only=read_only)


def martin(store: InMemoryStore, clock: FixedClock) -> int:
    return create_family(uow(store), complete_family(), actor=STAFF, clock=clock)


def dossier(store: InMemoryStore, family_id: int) -> Family:
    return export_family(uow(store, read_only=True), family_id).family


def events(store: InMemoryStore, action: str) -> list[AuditEvent]:
    with uow(store, read_only=True) as reading:
        return [e for e in reading.audit.latest(100) if e.action == action]


def test_the_desk_adds_a_child_with_its_school_level_normalised(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = martin(store, clock)
    child = add_child(
        uow(store), family_id, born(school_code="PINS", school_class="gs-cp"), actor=STAFF,
        clock=clock,
    )  # fmt: skip
    assert child.id is not None
    saved = dossier(store, family_id).child(child.id)
    assert saved is not None
    assert (saved.school_code, saved.school_class) == ("PINS", "GS-CP")
    (added,) = events(store, "child.add")
    assert added.summary == "Enfant ajouté au dossier Martin : Zoé Martin"
    assert added.details["duplicate_allowed"] is None


@pytest.mark.parametrize(
    ("school", "klass", "field", "message"),
    [
        ("LUNE", None, "school_code", "L'école « LUNE » n'est pas au catalogue"),
        ("PLAGE", "CE7", "school_class", "Niveau inconnu : « CE7 »"),
        (None, "GS-XX", "school_class", "Niveau inconnu : « XX »"),
    ],
)
def test_an_unknown_school_or_level_adds_nothing(
    store: InMemoryStore,
    clock: FixedClock,
    school: str | None,
    klass: str | None,
    field: str,
    message: str,
) -> None:
    family_id = martin(store, clock)
    with pytest.raises(InvalidInput) as refused:
        add_child(
            uow(store), family_id, born(school_code=school, school_class=klass),
            actor=STAFF, clock=clock,
        )  # fmt: skip
    assert message in refused.value.problems[field]
    assert len(dossier(store, family_id).children) == 2
    assert events(store, "child.add") == []


def test_a_probable_duplicate_is_explained_and_may_be_allowed(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = martin(store, clock)
    other_id = create_family(
        uow(store),
        Family.create(
            name="Durand",
            guardians=[Guardian.create(first_name="Paul", last_name="Durand", relationship="père")],
            resident=True,
        ),
        actor=STAFF,
        clock=clock,
    )
    lea_again = Child.create(
        first_name="LEA", last_name="martin", birth_date=date(2019, 3, 14), today=TODAY
    )
    with pytest.raises(Conflict) as refused:
        add_child(uow(store), other_id, lea_again, actor=STAFF, clock=clock)
    assert f"figure déjà dans le dossier n° {family_id} (famille Martin)" in refused.value.message
    assert "--allow-duplicate" in refused.value.message
    add_child(uow(store), other_id, lea_again, actor=STAFF, clock=clock, allow_duplicate=True)
    (added,) = events(store, "child.add")
    assert "famille Martin" in added.details["duplicate_allowed"]


def test_join_child_works_inside_the_callers_transaction(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = martin(store, clock)
    with uow(store) as work:
        family = work.families.get(family_id, for_update=True)
        assert family is not None
        child = join_child(work, family, expected(), actor=STAFF, now=NOW)
        assert child.id is not None
        # not committed: nothing kept
    assert len(dossier(store, family_id).children) == 2
    with uow(store) as work:
        family = work.families.get(family_id, for_update=True)
        assert family is not None
        child = join_child(work, family, expected(), actor=STAFF, now=NOW)
        work.commit()
    assert dossier(store, family_id).children[2].expected
    with uow(store) as work, pytest.raises(Conflict, match="attendu le"):
        family = work.families.get(family_id, for_update=True)
        assert family is not None
        join_child(work, family, expected(), actor=STAFF, now=NOW)


def test_a_birth_is_recorded_and_audited(store: InMemoryStore, clock: FixedClock) -> None:
    family_id = martin(store, clock)
    baby = add_child(uow(store), family_id, expected(20), actor=STAFF, clock=clock)
    assert baby.id is not None
    with pytest.raises(Conflict, match="pas encore né"):
        set_child_health(
            uow(store), family_id, baby.id, DeskHealth(has_pai=False), actor=STAFF, clock=clock
        )
    with pytest.raises(NotFound):
        record_birth(
            uow(store), family_id, 99, first_name="Jules", birth_date=TODAY, actor=STAFF,
            clock=clock,
        )  # fmt: skip
    record_birth(
        uow(store), family_id, baby.id, first_name="Jules", birth_date=TODAY, actor=STAFF,
        clock=clock,
    )  # fmt: skip
    jules = dossier(store, family_id).child(baby.id)
    assert jules is not None
    assert (jules.full_name, jules.expected) == ("Jules Martin", False)
    assert events(store, "child.birth")[0].details == {"child": baby.id, "birth_date": "2026-06-15"}


def test_a_second_guardian_is_audited(store: InMemoryStore, clock: FixedClock) -> None:
    family_id = create_family(
        uow(store),
        Family.create(name="Martin", guardians=[main_guardian()], resident=True),
        actor=STAFF,
        clock=clock,
    )
    marc = Guardian.create(first_name="Marc", last_name="Martin", relationship="père")
    add_guardian(uow(store), family_id, marc, actor=STAFF, clock=clock)
    assert dossier(store, family_id).guardians[1] == marc
    (added,) = events(store, "guardian.add")
    assert added.summary == "Second responsable légal ajouté au dossier Martin : Marc Martin (père)"


def test_enrolment_follows_the_catalogue_and_eligibility(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = martin(store, clock)
    lea, tom = dossier(store, family_id).children
    assert lea.id is not None
    assert tom.id is not None
    with pytest.raises(Conflict, match="Tom Martin ne peut pas être inscrit"):
        enrol_child(uow(store), family_id, tom.id, **EMS, actor=STAFF, clock=clock)
    with pytest.raises(NotFound, match="Aucune structure « PISCINE »"):
        enrol_child(
            uow(store), family_id, lea.id, establishment_code="PISCINE", unit_code="X",
            actor=STAFF, clock=clock,
        )  # fmt: skip
    assert enrol_child(uow(store), family_id, lea.id, **EMS, actor=STAFF, clock=clock)
    assert not enrol_child(uow(store), family_id, lea.id, **EMS, actor=STAFF, clock=clock)
    saved = dossier(store, family_id).child(lea.id)
    assert saved is not None
    assert saved.enrolments == {("EMS", "NATATION")}
    with uow(store) as work:
        work.reservations.add(
            Reservation(family_id, lea.id, "EMS", "NATATION", TODAY + timedelta(days=3), "6-8",
                        NOW, "C-1")
        )  # fmt: skip
        work.commit()
    with pytest.raises(Conflict, match=r"1 réservation\(s\) à venir"):
        unenrol_child(uow(store), family_id, lea.id, **EMS, actor=STAFF, clock=clock)
    assert [e.summary for e in events(store, "child.enrol")] == [
        "Inscription de Léa Martin : École municipale des sports, Natation (séance)"
    ]


def test_the_desk_sets_the_pai_and_vaccinations_as_a_health_change(
    store: InMemoryStore, clock: FixedClock
) -> None:
    family_id = martin(store, clock)
    lea = dossier(store, family_id).children[0]
    assert lea.id is not None
    with pytest.raises(InvalidInput) as refused:
        set_child_health(
            uow(store), family_id, lea.id, DeskHealth(has_pai=True), actor=STAFF, clock=clock
        )
    assert set(refused.value.problems) == {"pai_valid_until", "pai_instructions"}
    health = DeskHealth(
        has_pai=True,
        pai_valid_until="04/07/2027",
        pai_instructions="Ventoline dans le sac",
        vaccinations_up_to_date=False,
    )
    saved = set_child_health(uow(store), family_id, lea.id, health, actor=STAFF, clock=clock)
    assert saved.pai_request is None
    child = dossier(store, family_id).child(lea.id)
    assert child is not None
    assert child.pai is not None
    assert child.pai.valid_until == date(2027, 7, 4)
    assert child.vaccinations_up_to_date is False
    assert child.allergies == lea.allergies
    assert child.authorizations == lea.authorizations
    (change,) = events(store, "child.health_update")
    assert change.details["health_fields_changed"] == ["pai", "vaccinations_up_to_date"]
    assert "Ventoline" not in json.dumps([change.summary, dict(change.details)], ensure_ascii=False)
    end_only = DeskHealth(pai_valid_until="2027-06-30")
    set_child_health(uow(store), family_id, lea.id, end_only, actor=STAFF, clock=clock)
    child = dossier(store, family_id).child(lea.id)
    assert child is not None
    assert child.pai is not None
    assert (child.pai.valid_until, child.pai.instructions) == (
        date(2027, 6, 30),
        "Ventoline dans le sac",
    )


def test_a_waiting_pai_request_is_decided_first(store: InMemoryStore, clock: FixedClock) -> None:
    family_id = martin(store, clock)
    tom = dossier(store, family_id).children[1]
    assert tom.id is not None
    asked = HealthUpdate(allergies=tom.allergies, has_pai=False, vaccinations_up_to_date=True)
    saved = update_child_health(uow(store), family_id, tom.id, asked, actor=FAMILY, clock=clock)
    assert saved.pai_request is not None
    with pytest.raises(Conflict, match="approuvez-la ou refusez-la"):
        set_child_health(
            uow(store), family_id, tom.id, DeskHealth(has_pai=False), actor=STAFF, clock=clock
        )
    done = set_child_health(
        uow(store), family_id, tom.id, DeskHealth(vaccinations_up_to_date=False), actor=STAFF,
        clock=clock,
    )  # fmt: skip
    assert done.child.vaccinations_up_to_date is False
