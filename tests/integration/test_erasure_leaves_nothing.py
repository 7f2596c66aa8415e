"""Erasing a dossier leaves nothing that names the family anywhere in the database, on SQLite
and PostgreSQL: every column of every table is scanned for its names, its account's identifier,
its e-mail addresses and phone numbers. Only its invoices keep the name and address they were
issued to (public accounting). The audit trail keeps every event, pseudonymised."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from adapters.passwords import PlainTestHasher
from adapters.persistence import tables
from portail_core.domain.accounts.throttle import identifier_key
from tests.integration.family_footprint import (  # noqa: F401  (fixture)
    EMAIL,
    ERASURE_DAY,
    STAFF,
    Footprint,
    footprint,
    personal_data,
)

# Issued invoices are kept as they were sent (10 years): the one place the family stays named.
KEPT_FOR_ACCOUNTING = {("invoices", "family_name"), ("invoices", "address"), ("invoices", "lines")}
# The commune's school map names its streets, the family's street among them: public, not the
# family's (the demo's « impasse des Tamaris »).
PUBLIC_STREETS = {("school_map", "definition", "tamaris")}
NAMING_THE_FAMILY_BEFORE = {
    "families",
    "children",
    "accounts",
    "one_time_tokens",
    "change_requests",
    "audit_events",
    "outbox",
    "reservation_events",
    "absences",
    "invoices",
}


def count(footprint: Footprint, query: object) -> int:
    assert footprint.services.engine is not None
    with footprint.services.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())  # type: ignore[call-overload]


def throttles_of_what_the_family_typed(footprint: Footprint) -> int:
    keys = [
        prefix + identifier_key(PlainTestHasher().digest(typed))
        for typed in (footprint.identifier, EMAIL)
        for prefix in ("", "reset-")
    ]
    column = tables.login_throttles.c.key
    return count(footprint, select(func.count()).where(column.in_(keys)))


def family_events(footprint: Footprint) -> int:
    column = tables.audit_events.c.family_id
    return count(footprint, select(func.count()).where(column == footprint.family_id))


def test_an_erased_family_is_named_nowhere_but_on_its_invoices(
    footprint: Footprint, instance_path: Path
) -> None:
    engine = footprint.services.engine
    assert engine is not None
    before = personal_data(engine)
    assert {table for table, _, _ in before} >= NAMING_THE_FAMILY_BEFORE  # the scan sees them
    assert throttles_of_what_the_family_typed(footprint) > 0
    feeds = tables.calendar_feeds.c.family_id == footprint.family_id
    assert count(footprint, select(func.count()).where(feeds)) == 1
    events = family_events(footprint)
    folder = instance_path / "documents" / f"famille-{footprint.family_id}"
    assert len(list(folder.iterdir())) == 4  # two supporting documents, an absence certificate,
    # a school pre-registration's proof of address

    footprint.clock.set(ERASURE_DAY)
    report = footprint.services.portail.dossiers.erase(footprint.family_id, actor=STAFF)

    left = personal_data(engine) - PUBLIC_STREETS
    assert {(table, column) for table, column, _ in left} <= KEPT_FOR_ACCOUNTING, sorted(left)
    assert {(table, column) for table, column, _ in left} & KEPT_FOR_ACCOUNTING
    assert throttles_of_what_the_family_typed(footprint) == 0
    feeds = tables.calendar_feeds.c.family_id == footprint.family_id
    assert count(footprint, select(func.count()).where(feeds)) == 0  # its calendar feed
    assert family_events(footprint) == events + 1  # none deleted; the erasure recorded
    assert report.files_deleted == 4
    assert not folder.exists()
    pseudonym = f"famille effacée n° {footprint.family_id}"
    actors = tables.audit_events.c.actor
    assert count(footprint, select(func.count()).where(actors == pseudonym)) >= 3
    by_family = tables.reservation_events.c.actor == pseudonym
    assert count(footprint, select(func.count()).where(by_family)) >= 2
