"""The database unit of work's promise, on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import Engine, func, select

from adapters.persistence import SqlUnitOfWork
from adapters.persistence.tables import communes
from portail_core.domain.commune import Commune


def a_commune(code: str = "40184") -> Commune:
    return Commune.create(insee_code=code, name="M", school_zone="A", contact_email="a@b.fr")


def count_communes(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(communes)).scalar_one()


def test_nothing_is_written_unless_committed(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.communes.add(a_commune())
        assert uow.communes.get() is not None  # visible inside the transaction
    assert count_communes(engine) == 0


def test_commit_makes_the_work_durable(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.communes.add(a_commune())
        uow.commit()
    assert count_communes(engine) == 1


def test_an_exception_rolls_back(engine: Engine) -> None:
    with pytest.raises(RuntimeError), SqlUnitOfWork(engine) as uow:
        uow.communes.add(a_commune())
        raise RuntimeError("boom")
    assert count_communes(engine) == 0


def test_work_after_a_commit_is_rolled_back_if_not_committed_again(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.communes.add(a_commune())
        uow.commit()
        commune = uow.communes.get()
        assert commune is not None
        commune.name = "Pas gardé"
        uow.communes.update(commune)
    with SqlUnitOfWork(engine) as uow:
        kept = uow.communes.get()
    assert kept is not None
    assert kept.name == "M"


def test_explicit_rollback_discards_and_the_unit_of_work_goes_on(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.communes.add(a_commune())
        uow.rollback()
        assert uow.communes.get() is None
        uow.communes.add(a_commune("40185"))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        kept = uow.communes.get()
    assert kept is not None
    assert kept.insee_code == "40185"


def test_a_failed_statement_rolls_back_the_whole_unit(engine: Engine) -> None:
    with pytest.raises(Exception, match=r"(?i)unique"), SqlUnitOfWork(engine) as uow:
        uow.communes.add(a_commune("40184"))
        uow.communes.add(a_commune("40184"))  # violates the unique INSEE code
        uow.commit()
    assert count_communes(engine) == 0


def test_a_unit_of_work_is_not_reentrant(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine)
    with uow, pytest.raises(RuntimeError), uow:
        pass


def test_use_outside_the_block_is_a_programming_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError):
        SqlUnitOfWork(engine).commit()
