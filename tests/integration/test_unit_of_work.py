"""The unit of work's promise, kept alike by the in-memory twin, SQLite and PostgreSQL."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from portail_core.domain.communes import Commune
from portail_core.errors import ConfigurationError, Conflict
from tests.integration.conftest import UowFactory


def a_commune(code: str = "40184", name: str = "M") -> Commune:
    return Commune.create(insee_code=code, name=name, school_zone="A", contact_email="a@b.fr")


def stored_name(new_uow: UowFactory) -> str | None:
    with new_uow(read_only=True) as uow:
        commune = uow.communes.get()
    return None if commune is None else commune.name


def test_nothing_is_written_unless_committed(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.communes.add(a_commune())
        assert uow.communes.get() is not None  # visible inside the transaction
    assert stored_name(new_uow) is None


def test_commit_makes_the_work_durable(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.communes.add(a_commune())
        uow.commit()
    assert stored_name(new_uow) == "M"


def test_an_exception_rolls_back(new_uow: UowFactory) -> None:
    with pytest.raises(RuntimeError, match="boom"), new_uow() as uow:
        uow.communes.add(a_commune())
        raise RuntimeError("boom")
    assert stored_name(new_uow) is None


def test_work_after_a_commit_is_lost_if_not_committed_again(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.communes.add(a_commune())
        uow.commit()
        commune = uow.communes.get()
        assert commune is not None
        commune.name = "Pas gardé"
        uow.communes.update(commune)
    assert stored_name(new_uow) == "M"


def test_a_change_to_a_read_object_counts_only_once_written_back(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.communes.add(a_commune())
        uow.commit()
    with new_uow() as uow:
        commune = uow.communes.get()
        assert commune is not None
        commune.name = "Oublié"  # never passed to update()
        uow.commit()
    assert stored_name(new_uow) == "M"


def test_explicit_rollback_discards_and_the_unit_of_work_goes_on(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.communes.add(a_commune(name="Annulé"))
        uow.rollback()
        assert uow.communes.get() is None
        uow.communes.add(a_commune(name="Gardé"))
        uow.commit()
    assert stored_name(new_uow) == "Gardé"


def test_a_second_commune_is_a_conflict_and_nothing_is_kept(new_uow: UowFactory) -> None:
    with pytest.raises(Conflict, match="déjà une commune"), new_uow() as uow:
        uow.communes.add(a_commune("40184"))
        uow.communes.add(a_commune("40185"))
        uow.commit()
    assert stored_name(new_uow) is None


def test_a_read_only_unit_of_work_cannot_commit(new_uow: UowFactory) -> None:
    with new_uow(read_only=True) as uow, pytest.raises(RuntimeError, match="read-only"):
        uow.commit()


def test_a_unit_of_work_is_not_reentrant(new_uow: UowFactory) -> None:
    uow = new_uow()
    with uow, pytest.raises(RuntimeError, match="re-entrant"), uow:
        pass


def test_use_outside_the_block_is_a_programming_error(new_uow: UowFactory) -> None:
    uow = new_uow()
    with pytest.raises(RuntimeError, match="outside"):
        uow.commit()
    with pytest.raises(RuntimeError, match="outside"):
        uow.rollback()
    with pytest.raises(RuntimeError, match="outside"):
        uow.communes.get()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'portail.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_sqlite_writers_queue_instead_of_failing(sqlite_engine: Engine) -> None:
    """Two writers at once: the second waits for the first (BEGIN IMMEDIATE), none fails."""
    engine = sqlite_engine
    first_holds_lock, errors = threading.Event(), list[Exception]()

    def first_writer() -> None:
        with SqlUnitOfWork(engine) as uow:
            uow.communes.add(a_commune(name="Premier"))
            first_holds_lock.set()
            time.sleep(0.5)
            uow.commit()

    def second_writer() -> None:
        first_holds_lock.wait()
        try:
            with SqlUnitOfWork(engine) as uow:
                commune = uow.communes.get()  # sees the first writer's commit: it waited
                assert commune is not None
                commune.name = "Second"
                uow.communes.update(commune)
                uow.commit()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with SqlUnitOfWork(engine, read_only=True) as uow:
        kept = uow.communes.get()
    assert kept is not None
    assert kept.name == "Second"


def test_an_unreachable_database_is_a_configuration_error() -> None:
    engine = create_database_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    with pytest.raises(ConfigurationError, match="injoignable"), SqlUnitOfWork(engine):
        pass
