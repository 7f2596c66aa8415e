"""Two changes of the same dossier at the same moment (the desk edits the insurance while the
family changes a phone number) are both kept, on SQLite and PostgreSQL: whoever changes a
dossier reads it FOR UPDATE, so the second waits for the first and starts from what it wrote.
Without the lock, PostgreSQL let the second read the old dossier and write it back over the
first change (last write wins); SQLite serialises writers anyway."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial

import pendulum
import pytest
from sqlalchemy import Engine

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from adapters.persistence.dossiers import SqlFamilyRepository
from portail_core.domain.audit import Actor, Channel
from portail_core.services.dossiers.contacts import update_guardian_contact
from portail_core.services.dossiers.creation import create_family
from portail_core.services.dossiers.edits import DossierEdit, edit_family
from tests.integration.test_reservation_concurrency import Pause, in_threads
from tests.unit.dossier_builders import complete_family

NOW = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")
DESK = Actor.staff("agent")
FAMILY = Actor("martin.1", Channel.PORTAL)
URL = "https://famille.demo.example"


@pytest.fixture
def two_connections(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url, pool_size=3, max_overflow=0)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_the_desk_and_the_family_changing_one_dossier_at_once_both_keep_their_change(
    two_connections: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, clock = two_connections, FixedClock(NOW)
    family_id = create_family(SqlUnitOfWork(engine), complete_family(), actor=DESK, clock=clock)
    pause = Pause("desk")  # the desk's edit is held just after reading the dossier
    monkeypatch.setattr(SqlFamilyRepository, "get", pause.wrap(SqlFamilyRepository.get))
    desk_edit = partial(
        edit_family,
        SqlUnitOfWork(engine),
        family_id,
        DossierEdit(insurance_valid_until="31/08/2028"),
        public_url=URL,
        actor=DESK,
        clock=clock,
    )
    family_edit = partial(
        update_guardian_contact,
        SqlUnitOfWork(engine),
        family_id,
        1,
        phones=["06 11 22 33 44"],
        email="claire.martin@example.fr",
        public_url=URL,
        actor=FAMILY,
        clock=clock,
    )

    results = in_threads(desk=desk_edit, family=pause.after(family_edit))

    assert not isinstance(results["desk"], BaseException), results
    assert not isinstance(results["family"], BaseException), results
    with SqlUnitOfWork(engine) as uow:
        dossier = uow.families.get(family_id)
    assert dossier is not None
    assert dossier.insurance_valid_until == date(2028, 8, 31)  # the desk's change...
    assert dossier.guardians[0].phones == ("+33611223344",)  # ... and the family's
