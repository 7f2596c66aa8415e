"""Use cases on families' dossiers, with the in-memory twins: health reads in the audit trail."""

import json

import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.dossier import Family
from portail_core.errors import NotFound
from portail_core.services.families import (
    child_health,
    create_family,
    export_family,
    family_dossier,
)
from tests.unit.dossier_builders import YEAR, complete_family, main_guardian

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
FAMILY = Actor("martin.1", Channel.PORTAL)
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
