"""The school pre-registrations' repository on the in-memory twin, SQLite and PostgreSQL alike:
a request stored whole (documents, dates, state) and read back, updated, filtered by school,
level, state, school year and family, deleted with its family's dossier; and migration 0020
creating and dropping its table."""

from __future__ import annotations

from datetime import date

import pendulum
from sqlalchemy import Engine, inspect, text

from adapters.persistence import downgrade, upgrade
from portail_core.domain.preregistrations import (
    PreregistrationDocumentKind,
    PreregistrationState,
    SchoolPreregistration,
)
from portail_core.ports.preregistrations import PreregistrationFilter
from tests.integration.conftest import UowFactory
from tests.integration.test_billing_repository import add_family

SUBMITTED = pendulum.datetime(2027, 3, 1, 9, 30, tz="Europe/Paris")


def request(
    family_id: int, first_name: str = "Jules", school: str = "PLAGE"
) -> SchoolPreregistration:
    return SchoolPreregistration(
        family_id,
        None,
        first_name,
        "Martin",
        date(2021, 5, 1),
        2027,
        "CP",
        "CP",
        "",
        "PLAGE",
        school,
        "" if school == "PLAGE" else "Garde par les grands-parents",
        {PreregistrationDocumentKind.FAMILY_RECORD_BOOK: "a" * 32},
        SUBMITTED,
    )


def test_a_request_is_stored_whole_and_filtered(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    other_id, _ = add_family(new_uow, "Durand")
    with new_uow() as uow:
        first = uow.preregistrations.add(request(family_id))
        second = uow.preregistrations.add(request(other_id, "Zoé", "PINS"))
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.preregistrations.get(first.id or 0)
        assert uow.preregistrations.get(999) is None
        by_school = uow.preregistrations.matching(PreregistrationFilter(school="PINS"))
        by_family = uow.preregistrations.matching(PreregistrationFilter(family_id=family_id))
        every = uow.preregistrations.matching(PreregistrationFilter(school_year=2027, level="CP"))
        none = uow.preregistrations.matching(PreregistrationFilter(school_year=2026))
    assert found == request(family_id)
    assert found.id == first.id
    assert found.documents[0].kind is PreregistrationDocumentKind.FAMILY_RECORD_BOOK
    assert found.submitted_at == SUBMITTED
    assert [r.id for r in by_school] == [second.id]
    assert [r.id for r in by_family] == [first.id]
    assert [r.id for r in every] == [first.id, second.id]
    assert none == []


def test_a_decision_is_written_back_and_the_family_s_requests_deleted(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    with new_uow() as uow:
        saved = uow.preregistrations.add(request(family_id))
        uow.commit()
    decided = saved.accept("PINS", 7, SUBMITTED.add(days=3))
    with new_uow() as uow:
        uow.preregistrations.update(decided)
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.preregistrations.get(saved.id or 0, for_update=False)
        accepted = uow.preregistrations.matching(
            PreregistrationFilter(state=PreregistrationState.ACCEPTED, school="PINS")
        )
    assert found is not None
    assert (found.state, found.assigned_school, found.child_id) == (
        PreregistrationState.ACCEPTED,
        "PINS",
        7,
    )
    assert [r.id for r in accepted] == [saved.id]
    with new_uow() as uow:
        uow.preregistrations.delete_of_family(family_id)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.preregistrations.matching(PreregistrationFilter()) == []


def test_0020_creates_the_table_and_its_downgrade_removes_it(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0019")
    before = set(inspect(empty_engine).get_table_names())
    assert "school_preregistrations" not in before
    upgrade(empty_engine, "0020")
    inspector = inspect(empty_engine)
    assert set(inspector.get_table_names()) == before | {"school_preregistrations"}
    assert sorted(i["name"] for i in inspector.get_indexes("school_preregistrations")) == [
        "ix_school_preregistrations_family_id",
        "ix_school_preregistrations_school_year_state",
    ]
    [link] = inspector.get_foreign_keys("school_preregistrations")
    assert link["referred_table"] == "families"
    downgrade(empty_engine, "0019")
    assert set(inspect(empty_engine).get_table_names()) == before
    upgrade(empty_engine, "0020")
    with empty_engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM school_preregistrations"))
        assert count.scalar_one() == 0
