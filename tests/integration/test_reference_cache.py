"""The catalogue a process keeps between requests (persistence/catalogue.py): read again only when
the ``reference_version`` token changed, never stale after a change made by another process,
on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib.resources import files

import attrs
import pytest
from sqlalchemy import Engine, delete, event, select, update

from adapters.commune_file import read_commune_file
from adapters.persistence import SqlUnitOfWork, create_database_engine
from adapters.persistence.tables import establishments, reference_version
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.communes import Commune, SchoolZone


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue


@pytest.fixture
def other(engine: Engine) -> Iterator[Engine]:
    """Another process's engine on the same database (its own connections)."""
    second = create_database_engine(engine.url)
    yield second
    second.dispose()


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's own, for its write lock
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def described(catalogue: Catalogue) -> list[object]:
    return [
        catalogue.schools,
        catalogue.school_map,
        *((e.code, e.name, e.kind, e.units, e.closures, e.id) for e in catalogue.establishments),
    ]


def load(engine: Engine, catalogue: Catalogue) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.catalogue.replace(catalogue)
        uow.commit()


def read(engine: Engine) -> Catalogue:
    with SqlUnitOfWork(engine, read_only=True) as uow:
        return uow.catalogue.get()


def renamed(catalogue: Catalogue, code: str, name: str) -> Catalogue:
    return attrs.evolve(
        catalogue,
        establishments=tuple(
            attrs.evolve(e, name=name) if e.code == code else e for e in catalogue.establishments
        ),
    )


def name_of(catalogue: Catalogue, code: str) -> str:
    found = catalogue.establishment(code)
    assert found is not None
    return found.name


def test_a_kept_catalogue_costs_one_query_and_reads_the_same(
    engine: Engine, demo: Catalogue
) -> None:
    load(engine, demo)
    first = read(engine)
    with statements_sent(engine) as sent:
        again = read(engine)
    assert len(sent) == 1  # the token
    assert "reference_version" in sent[0]
    assert described(again) == described(first)


def test_a_change_made_by_another_process_is_read_at_once(
    engine: Engine, other: Engine, demo: Catalogue
) -> None:
    load(engine, demo)
    assert name_of(read(engine), "ALSH") == name_of(demo, "ALSH")
    load(other, renamed(demo, "ALSH", "Centre de loisirs des Pins"))
    assert name_of(read(engine), "ALSH") == "Centre de loisirs des Pins"


def test_a_change_rolled_back_leaves_the_catalogue_read_before(
    engine: Engine, demo: Catalogue
) -> None:
    load(engine, demo)
    read(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.catalogue.replace(renamed(demo, "ALSH", "Jamais enregistré"))
        assert name_of(uow.catalogue.get(), "ALSH") == "Jamais enregistré"  # its own change
    assert name_of(read(engine), "ALSH") == name_of(demo, "ALSH")


def test_changing_what_a_caller_got_changes_nothing_kept(engine: Engine, demo: Catalogue) -> None:
    load(engine, demo)
    got = read(engine)
    establishment = got.establishment("ALSH")
    assert establishment is not None
    establishment.name = "Modifié par l'appelant"
    assert name_of(read(engine), "ALSH") == name_of(demo, "ALSH")


def test_without_the_token_row_every_read_goes_to_the_rows(
    engine: Engine, other: Engine, demo: Catalogue
) -> None:
    load(engine, demo)
    with engine.begin() as connection:
        connection.execute(delete(reference_version))
    with statements_sent(engine) as sent:
        assert name_of(read(engine), "ALSH") == name_of(demo, "ALSH")
        assert name_of(read(engine), "ALSH") == name_of(demo, "ALSH")
    assert len(sent) == 2 * 5  # the token (none) and the four tables, each time
    load(other, renamed(demo, "ALSH", "Relu"))
    assert name_of(read(engine), "ALSH") == "Relu"
    with engine.connect() as connection:  # the change wrote the row again
        assert connection.execute(select(reference_version.c.token)).scalar_one()


def test_a_token_written_by_hand_makes_every_process_read_again(
    engine: Engine, other: Engine, demo: Catalogue
) -> None:
    """The operator's way after editing the catalogue's tables in SQL (operator guide)."""
    load(engine, demo)
    read(engine)
    with other.begin() as connection:
        connection.execute(
            update(establishments)
            .where(establishments.c.code == "ALSH")
            .values(name="Écrit à la main")
        )
        connection.execute(update(reference_version).values(token="a" * 32))
    assert name_of(read(engine), "ALSH") == "Écrit à la main"


def test_imported_school_calendars_are_kept_and_read_again_after_an_import(
    engine: Engine, other: Engine
) -> None:
    winter = SchoolHoliday(
        SchoolZone.A, "2026-2027", "Vacances d'hiver", date(2027, 2, 6), date(2027, 2, 22)
    )
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.school_calendars.imported() == SchoolCalendar()
    with SqlUnitOfWork(other) as uow:
        uow.school_calendars.replace_years(SchoolCalendar((winter,)))
        uow.commit()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.school_calendars.imported() == SchoolCalendar((winter,))
    read(engine)  # the catalogue kept too
    with statements_sent(engine) as sent, SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.school_calendars.imported() == SchoolCalendar((winter,))
        uow.catalogue.get()  # the same token, read once by the transaction
    assert len(sent) == 1


def a_commune(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.communes.add(
            Commune.create(
                insee_code="40184", name="Mimizan", school_zone="A", contact_email="a@b.fr"
            )
        )
        uow.commit()


def commune_name(engine: Engine) -> str:
    with SqlUnitOfWork(engine, read_only=True) as uow:
        commune = uow.communes.get()
    assert commune is not None
    return commune.name


def test_the_commune_is_kept_and_an_update_by_another_process_is_read_at_once(
    engine: Engine, other: Engine
) -> None:
    a_commune(engine)
    assert commune_name(engine) == "Mimizan"
    with statements_sent(engine) as sent:
        assert commune_name(engine) == "Mimizan"
    assert len(sent) == 1
    with SqlUnitOfWork(other) as uow:
        commune = uow.communes.get()
        assert commune is not None
        commune.name = "Mimizan-Plage"
        uow.communes.update(commune)
        uow.commit()
    assert commune_name(engine) == "Mimizan-Plage"


def test_changing_the_commune_a_caller_got_changes_nothing_kept(engine: Engine) -> None:
    a_commune(engine)
    with SqlUnitOfWork(engine, read_only=True) as uow:
        got = uow.communes.get()
    assert got is not None
    got.name = "Modifiée par l'appelant"
    assert commune_name(engine) == "Mimizan"


def test_one_transaction_reads_the_commune_catalogue_and_calendars_on_one_token(
    engine: Engine, demo: Catalogue
) -> None:
    a_commune(engine)
    load(engine, demo)
    with SqlUnitOfWork(engine, read_only=True) as uow:  # read once, and kept
        uow.communes.get(), uow.catalogue.get(), uow.school_calendars.imported()
    with statements_sent(engine) as sent, SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.communes.get() is not None
        assert name_of(uow.catalogue.get(), "ALSH") == name_of(demo, "ALSH")
        assert uow.school_calendars.imported() == SchoolCalendar()
        assert uow.communes.get() is not None
    assert len(sent) == 1
