import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from portail_core.domain.audit import Actor
from portail_core.errors import Conflict, InvalidInput
from portail_core.services.communes import CommuneDetails, current_commune, set_up_commune

ACTOR = Actor.staff("agent")
CLOCK = FixedClock(pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris"))


DEMO = CommuneDetails(
    insee_code="99001", name="Démo", school_zone="A", contact_email="guichet@demo.example"
)


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


def test_a_new_portal_has_no_commune(store: InMemoryStore) -> None:
    assert current_commune(InMemoryUnitOfWork(store)) is None


def test_setting_up_a_commune_records_it_in_one_commit(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    result = set_up_commune(uow, DEMO, actor=ACTOR, clock=CLOCK)
    assert result.created
    assert uow.commits == 1
    commune = current_commune(InMemoryUnitOfWork(store))
    assert commune is not None
    assert commune.name == "Démo"


def test_setting_up_again_updates_the_same_commune(store: InMemoryStore) -> None:
    set_up_commune(InMemoryUnitOfWork(store), DEMO, actor=ACTOR, clock=CLOCK)
    renamed = CommuneDetails("99001", "Démo-sur-Mer", "B", "autre@demo.example")
    result = set_up_commune(InMemoryUnitOfWork(store), renamed, actor=ACTOR, clock=CLOCK)
    assert not result.created
    commune = current_commune(InMemoryUnitOfWork(store))
    assert commune is not None
    assert (commune.name, commune.school_zone.value) == ("Démo-sur-Mer", "B")


def test_only_if_empty_never_overwrites_a_town(store: InMemoryStore) -> None:
    set_up_commune(InMemoryUnitOfWork(store), DEMO, actor=ACTOR, clock=CLOCK)
    uow = InMemoryUnitOfWork(store)
    result = set_up_commune(
        uow,
        CommuneDetails("99001", "Autre", "C", "x@y.fr"),
        only_if_empty=True,
        actor=ACTOR,
        clock=CLOCK,
    )
    assert not result.created
    assert result.commune.name == "Démo"
    assert uow.commits == 0


def test_a_portal_cannot_switch_to_another_commune(store: InMemoryStore) -> None:
    set_up_commune(InMemoryUnitOfWork(store), DEMO, actor=ACTOR, clock=CLOCK)
    uow = InMemoryUnitOfWork(store)
    with pytest.raises(Conflict, match="Démo"):
        set_up_commune(
            uow,
            CommuneDetails("40184", "Mimizan", "A", "g@mimizan.example"),
            actor=ACTOR,
            clock=CLOCK,
        )
    assert uow.commits == 0


def test_invalid_details_write_nothing(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    with pytest.raises(InvalidInput):
        set_up_commune(uow, CommuneDetails("1", "", "Z", "nope"), actor=ACTOR, clock=CLOCK)
    assert uow.commits == 0
    assert current_commune(InMemoryUnitOfWork(store)) is None
