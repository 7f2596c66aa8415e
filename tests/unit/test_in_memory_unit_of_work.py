import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.communes import Commune


def a_commune() -> Commune:
    return Commune.create(insee_code="40184", name="M", school_zone="A", contact_email="a@b.fr")


def test_work_is_lost_unless_committed() -> None:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.communes.add(a_commune())
    with InMemoryUnitOfWork(store) as uow:
        assert uow.communes.get() is None


def test_committed_work_is_seen_by_the_next_unit_of_work() -> None:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.communes.add(a_commune())
        uow.commit()
    with InMemoryUnitOfWork(store) as uow:
        found = uow.communes.get()
    assert found is not None
    assert found.insee_code == "40184"


def test_an_exception_rolls_back_and_propagates() -> None:
    store = InMemoryStore()
    with pytest.raises(RuntimeError), InMemoryUnitOfWork(store) as uow:
        uow.communes.add(a_commune())
        raise RuntimeError("boom")
    with InMemoryUnitOfWork(store) as uow:
        assert uow.communes.get() is None


def test_changes_to_a_read_object_are_not_kept_without_commit() -> None:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.communes.add(a_commune())
        uow.commit()
    with InMemoryUnitOfWork(store) as uow:
        commune = uow.communes.get()
        assert commune is not None
        commune.name = "Changed"
        uow.communes.update(commune)
    with InMemoryUnitOfWork(store) as uow:
        kept = uow.communes.get()
    assert kept is not None
    assert kept.name == "M"


def test_nothing_can_be_written_outside_a_block() -> None:
    store = InMemoryStore()
    uow = InMemoryUnitOfWork(store)
    with pytest.raises(RuntimeError, match="outside"):
        uow.communes.add(a_commune())
    with InMemoryUnitOfWork(store) as reader:
        assert reader.communes.get() is None


def test_the_lock_is_released_when_the_block_ends() -> None:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store):
        pass
    assert store.lock.acquire(blocking=False)
    store.lock.release()
