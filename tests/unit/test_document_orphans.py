"""The document store's orphans: a file written but never recorded (a worker killed between the
two) is found and deleted once older than an hour; what a dossier or an absence refers to, and
an upload in progress, are kept; a dry run deletes nothing; the purge is audited."""

from __future__ import annotations

import pendulum

from adapters.documents import InMemoryDocumentStore
from adapters.memory.audit import AuditState
from portail_core.services.absences.common import Upload
from portail_core.services.absences.declaration import declare_absence
from portail_core.services.dossiers.documents import add_document
from portail_core.services.dossiers.orphans import GRACE, purge_orphans
from tests.unit.reservation_world import DESK, FAMILY, World, make_world

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def store_for(world: World) -> InMemoryDocumentStore:
    return InMemoryDocumentStore(now=world.clock.now)


def purge(world: World, store: InMemoryDocumentStore, *, dry_run: bool = False):
    return purge_orphans(world.uow(), store, world.clock, actor=DESK, dry_run=dry_run)


def test_a_file_never_recorded_is_deleted_once_older_than_an_hour() -> None:
    world = make_world()
    store = store_for(world)
    recorded = add_document(
        world.uow(),
        store,
        world.martin,
        kind="assurance",
        data=PDF,
        filename="a.pdf",
        valid_until=None,
        actor=FAMILY,
        clock=world.clock,
    )
    certificate = declare_absence(
        world.uow(),
        store,
        world.clock,
        family_id=world.martin,
        child_id=world.child_id("Léa"),
        first_day="14/09/2026",
        last_day="15/09/2026",
        reason="maladie",
        certificate=Upload(PDF, "certificat.pdf"),
        actor=FAMILY,
    ).absence.certificate_file
    orphan = store.save(world.martin, PDF, "b.pdf")  # the worker died before recording it

    assert purge(world, store).orphans == []  # an upload may still be in progress
    world.clock.set(world.clock.now() + GRACE + pendulum.duration(minutes=1))
    young = store.save(world.martin, PDF, "c.pdf")
    dry = purge(world, store, dry_run=True)
    assert [kept.name for kept in dry.orphans] == [orphan.file_id]
    assert not dry.deleted
    assert len(store.files()) == 4

    report = purge(world, store)
    assert [kept.name for kept in report.orphans] == [orphan.file_id]
    assert {kept.name for kept in store.files()} == {recorded.file_id, certificate, young.file_id}
    [event] = [
        e for e in world.store.committed(AuditState).audit_events if e.action == "document.purge"
    ]
    assert event.details == {"unfinished": 0, "unreferenced": 1}
    assert event.actor == DESK


def test_nothing_to_purge_records_nothing() -> None:
    world = make_world()
    report = purge(world, store_for(world))
    assert report.orphans == []
    assert not any(
        e.action == "document.purge" for e in world.store.committed(AuditState).audit_events
    )
