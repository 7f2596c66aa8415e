"""The staff's pointage against the in-memory unit of work on the demo commune: booked children
marked present or absent, a child present without reservation, each change audited with
old -> new, and everything refused at once with nothing written."""

from __future__ import annotations

from datetime import date

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.attendance import AttendanceState
from adapters.memory.audit import AuditState
from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.attendance import Presence
from portail_core.domain.audit import AuditEvent
from portail_core.domain.billing.consumption import ConsumptionState
from portail_core.domain.bookings.reservation import Reservation
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.services.attendance.pointage import MarkInput, record_pointage
from portail_core.services.attendance.pointage_sheet import pointage_sheet
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, World, make_world

WEDNESDAY = date(2026, 9, 9)
EVENING = pendulum.datetime(2026, 9, 9, 18, 0, tz="Europe/Paris")


def booked(world: World, child: str, day: date, unit: str = "JOURNEE", code: str = "ALSH") -> None:
    group = {"Léa": "ELEM", "Tom": "MAT"}[child] if code == "ALSH" else ""
    with world.uow() as uow:
        uow.reservations.add(
            Reservation(
                world.martin, world.child_id(child), code, unit, day, group, world.clock.now(), "R1"
            )
        )
        uow.commit()


def record(world: World, *marks: MarkInput, day: date = WEDNESDAY, code: str = "ALSH"):
    return record_pointage(
        world.uow(),
        world.sources,
        world.clock,
        establishment_code=code,
        day=day,
        marks=list(marks),
        actor=DESK,
    )


def sheet(world: World, day: date = WEDNESDAY, code: str = "ALSH", *, for_recording: bool = False):
    return pointage_sheet(
        world.uow(read_only=True),
        world.sources,
        world.clock,
        establishment_code=code,
        day=day,
        for_recording=for_recording,
    )


def marks(world: World) -> dict[tuple[int, str, str, date], Presence]:
    return {
        key: mark.presence for key, mark in world.store.committed(AttendanceState).marks.items()
    }


def mark_events(world: World) -> list[AuditEvent]:
    return [
        e for e in world.store.committed(AuditState).audit_events if e.action == "attendance.mark"
    ]


@pytest.fixture
def world() -> World:
    found = make_world()
    booked(found, "Léa", WEDNESDAY)
    booked(found, "Tom", WEDNESDAY)
    found.clock.set(EVENING)
    return found


def test_the_sheet_lists_the_booked_children_not_yet_marked(world: World) -> None:
    found = sheet(world, for_recording=True)
    assert [(line.child_name, line.unit_code, line.booked) for line in found.lines] == [
        ("Léa Martin", "JOURNEE", True),
        ("Tom Martin", "JOURNEE", True),
    ]
    assert all(line.presence is None for line in found.lines)
    assert all(line.state is ConsumptionState.PRESENT for line in found.lines)  # billed as booked
    assert not found.closed
    assert found.lines[0].family_name == "Martin"


def test_marks_are_recorded_and_each_change_is_audited_old_to_new(world: World) -> None:
    lea, tom = world.child_id("Léa"), world.child_id("Tom")
    report = record(
        world,
        MarkInput(lea, "JOURNEE", Presence.PRESENT),
        MarkInput(str(tom), "journee", "absent"),
    )
    assert (report.new, report.corrected, report.unchanged) == (2, 0, 0)
    assert marks(world) == {
        (lea, "ALSH", "JOURNEE", WEDNESDAY): Presence.PRESENT,
        (tom, "ALSH", "JOURNEE", WEDNESDAY): Presence.ABSENT,
    }
    first = mark_events(world)
    assert len(first) == 2
    assert first[1].summary == (
        "Pointage « Accueil de loisirs Les Dunes », Journée avec repas, 09/09/2026 : "
        "Tom Martin non pointé -> absent"
    )
    assert first[1].details["presence"] == [None, "absent"]
    assert first[1].family_id == world.martin
    assert first[1].actor == DESK

    again = record(world, MarkInput(lea, "JOURNEE", "présent"), MarkInput(tom, "JOURNEE", "P"))
    assert (again.new, again.corrected, again.unchanged) == (0, 1, 1)
    events = mark_events(world)
    assert len(events) == 3  # the unchanged mark is neither written nor audited
    assert events[-1].details["presence"] == ["absent", "present"]
    assert "absent -> présent" in events[-1].summary
    lines = sheet(world).lines
    assert [line.presence for line in lines] == [Presence.PRESENT, Presence.PRESENT]
    assert lines[0].recorded_by == "agent"


def test_a_child_of_the_establishment_present_without_reservation(world: World) -> None:
    other = create_family(world.uow(), complete_family(), actor=DESK, clock=world.clock)
    zoe = world.child_id("Léa", other)
    report = record(world, MarkInput(zoe, "MATIN", "présent"))
    assert report.changes[0].booked is False
    [event] = mark_events(world)
    assert event.summary.endswith("non pointé -> présent (sans réservation)")
    assert event.family_id == other
    unbooked = [line for line in sheet(world).lines if not line.booked]
    assert [(line.child_id, line.unit_code, line.state) for line in unbooked] == [
        (zoe, "MATIN", ConsumptionState.PRESENT_UNBOOKED)
    ]


def test_every_wrong_mark_is_refused_at_once_and_nothing_is_written(world: World) -> None:
    lea, tom = world.child_id("Léa"), world.child_id("Tom")
    with pytest.raises(InvalidInput) as caught:
        record(
            world,
            MarkInput(lea, "JOURNEE", "présent", "ligne 2"),  # fine on its own
            MarkInput(99999, "JOURNEE", "présent", "ligne 3"),
            MarkInput(tom, "GOUTER", "présent", "ligne 4"),
            MarkInput("douze", "JOURNEE", "présent", "ligne 5"),
            MarkInput(tom, "JOURNEE", "peut-être", "ligne 6"),
            MarkInput(lea, "JOURNEE", "absent", "ligne 7"),
            MarkInput(lea, "MATIN", "absent", "ligne 8"),
        )
    problems = caught.value.problems
    assert caught.value.message == "6 pointage(s) refusé(s) : rien n'est enregistré."
    assert problems["ligne 3"].startswith("aucun enfant n° 99999")
    assert "unité inconnue" in problems["ligne 4"]
    assert "JOURNEE, MATIN, APRES-MIDI" in problems["ligne 4"]
    assert "numéro d'enfant invalide" in problems["ligne 5"]
    assert "présence invalide" in problems["ligne 6"]
    assert problems["ligne 7"] == (
        f"enfant n° {lea} pointé deux fois en « Journée avec repas » (voir ligne 2)."
    )
    assert "n'a pas de réservation" in problems["ligne 8"]
    assert not marks(world)
    assert not mark_events(world)


def test_a_day_to_come_and_a_closed_day_are_refused(world: World) -> None:
    lea = world.child_id("Léa")
    world.clock.set(pendulum.datetime(2026, 9, 8, 18, 0, tz="Europe/Paris"))
    with pytest.raises(RuleViolation, match="n'est pas encore arrivé"):
        record(world, MarkInput(lea, "JOURNEE", "présent"))
    with pytest.raises(RuleViolation, match="n'est pas encore arrivé"):
        sheet(world, for_recording=True)
    assert sheet(world).lines  # looking ahead is fine
    world.clock.set(pendulum.datetime(2026, 11, 12, 9, 0, tz="Europe/Paris"))
    armistice = date(2026, 11, 11)  # a Wednesday, public holiday
    with pytest.raises(RuleViolation, match="est fermée le 11/11/2026") as caught:
        record(world, MarkInput(lea, "JOURNEE", "présent"), day=armistice)
    assert "jour férié" in caught.value.message
    with pytest.raises(RuleViolation, match="fermée"):
        record(world, MarkInput(lea, "JOURNEE", "présent"), day=date(2026, 9, 7))  # school day
    assert not marks(world)


def test_a_unit_closed_that_day_is_refused_while_the_others_are_recorded_alone() -> None:
    world = make_world()
    holidays_wednesday = date(2026, 10, 21)  # Toussaint, zone A: only Multisports runs
    world.clock.set(pendulum.datetime(2026, 10, 21, 17, 0, tz="Europe/Paris"))
    lea = world.child_id("Léa")
    with world.uow() as uow:  # Léa is enrolled in the EMS
        family = uow.families.get(world.martin)
        assert family is not None
        family.children[0] = attrs.evolve(
            family.children[0],
            enrolments=frozenset({("EMS", "NATATION"), ("EMS", "MULTISPORTS")}),
        )
        uow.families.update(family, world.clock.now())
        uow.commit()
    found = sheet(world, holidays_wednesday, "EMS", for_recording=True)
    assert [(o.unit_code, o.open) for o in found.openings] == [
        ("NATATION", False),
        ("MULTISPORTS", True),
    ]
    with pytest.raises(InvalidInput) as caught:
        record(world, MarkInput(lea, "NATATION", "présent"), day=holidays_wednesday, code="EMS")
    [message] = caught.value.problems.values()
    assert message.startswith("« Natation (séance) » est fermé le 21/10/2026")
    report = record(
        world, MarkInput(lea, "MULTISPORTS", "présent"), day=holidays_wednesday, code="EMS"
    )
    assert report.new == 1


def test_a_school_s_establishment_takes_only_its_pupils_without_reservation() -> None:
    world = make_world()
    world.clock.set(pendulum.datetime(2026, 9, 7, 19, 0, tz="Europe/Paris"))  # a Monday
    family = complete_family()
    family.name = "Durand"
    family.children = [attrs.evolve(c, school_code="PINS") for c in family.children]
    durand = create_family(world.uow(), family, actor=DESK, clock=world.clock)
    pins_pupil, plage_pupil = world.child_id("Léa", durand), world.child_id("Léa")
    with pytest.raises(InvalidInput) as caught:
        record(
            world, MarkInput(pins_pupil, "SOIR", "présent"), day=date(2026, 9, 7), code="APS-PLAGE"
        )
    [message] = caught.value.problems.values()
    assert message == (
        "Léa Martin n'est pas élève de l'école que dessert "
        "« Accueil périscolaire de l'école de la Plage »."
    )
    report = record(
        world, MarkInput(plage_pupil, "SOIR", "présent"), day=date(2026, 9, 7), code="APS-PLAGE"
    )
    assert report.new == 1


def test_the_sheet_shows_a_declared_absence_and_what_billing_will_see(world: World) -> None:
    tom = world.child_id("Tom")
    with world.uow() as uow:
        uow.absences.add(
            Absence(
                world.martin,
                tom,
                WEDNESDAY,
                WEDNESDAY,
                AbsenceReason.ILLNESS,
                world.clock.now(),
                DESK,
                justified=True,
            )
        )
        uow.commit()
    record(world, MarkInput(tom, "JOURNEE", "absent"))
    line = next(line for line in sheet(world).lines if line.child_id == tom)
    assert line.absence is not None
    assert line.absence.justified
    assert line.state is ConsumptionState.ABSENT_JUSTIFIED


def test_nothing_to_record_and_unknown_establishments_answer_in_french(world: World) -> None:
    with pytest.raises(InvalidInput, match="Aucun pointage"):
        record(world)
    with pytest.raises(NotFound, match="Aucune structure « NULLE PART »"):
        record(world, MarkInput(1, "JOURNEE", "présent"), code="NULLE PART")
    with pytest.raises(NotFound, match="pré-inscriptions"):
        sheet(world, code="SMA")


CHILDREN = ("Léa", "Tom", "Zoé")  # Zoé, of another family, is never booked
BATCHES = st.lists(
    st.lists(
        st.tuples(
            st.sampled_from(CHILDREN),
            st.sampled_from(["JOURNEE", "MATIN"]),
            st.sampled_from(list(Presence)),
        ),
        min_size=1,
        max_size=6,
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=12, deadline=None)
@given(batches=BATCHES)
def test_a_batch_is_recorded_whole_or_not_at_all_and_every_change_is_audited(
    batches: list[list[tuple[str, str, Presence]]],
) -> None:
    """Whatever the batches: a batch with a refused mark changes nothing; otherwise the marks
    are the last ones given, and the audit trail holds exactly one event per mark changed."""
    world = make_world()
    booked(world, "Léa", WEDNESDAY)
    booked(world, "Tom", WEDNESDAY)
    zoe_family = create_family(world.uow(), complete_family(), actor=DESK, clock=world.clock)
    ids = {"Léa": world.child_id("Léa"), "Tom": world.child_id("Tom")}
    ids["Zoé"] = world.child_id("Léa", zoe_family)
    world.clock.set(EVENING)
    expected: dict[tuple[int, str, str, date], Presence] = {}
    changes = 0
    for batch in batches:
        keys = [(ids[name], unit) for name, unit, _ in batch]
        refused = len(set(keys)) < len(keys) or any(
            presence is Presence.ABSENT and (name == "Zoé" or unit == "MATIN")
            for name, unit, presence in batch
        )
        marks_in = [MarkInput(ids[name], unit, presence) for name, unit, presence in batch]
        if refused:
            with pytest.raises(InvalidInput):
                record(world, *marks_in)
        else:
            record(world, *marks_in)
            for name, unit, presence in batch:
                key = (ids[name], "ALSH", unit, WEDNESDAY)
                changes += expected.get(key) is not presence
                expected[key] = presence
        assert marks(world) == expected
        assert len(mark_events(world)) == changes
