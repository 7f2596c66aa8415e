"""The news' repository on the in-memory twin, SQLite and PostgreSQL (one contract), the
establishments' contacts kept by the catalogue, and migration 0018 on both databases."""

from datetime import date

import attrs
import pendulum
from sqlalchemy import Engine, inspect, text

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.persistence import SqlUnitOfWork, downgrade, upgrade
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.news import NewsItem
from portail_core.services.catalogue.offer import load_catalogue
from tests.integration.conftest import UowFactory
from tests.integration.test_commune_file import MINIMAL, errors_of
from tests.unit.reservation_world import DESK, NOW, demo_catalogue


def an_item(**changes: object) -> NewsItem:
    item = NewsItem(
        "Fête de l'école",
        "Rendez-vous **samedi**.\n\n- jeux",
        date(2026, 6, 20),
        date(2026, 6, 30),
        None,
        pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris"),
        Actor.staff("agent"),
    )
    return attrs.evolve(item, **changes)


def with_catalogue(new_uow: UowFactory) -> None:
    details, catalogue = demo_catalogue()
    load_catalogue(new_uow(), details, catalogue, actor=DESK, clock=FixedClock(NOW))


def test_items_are_kept_whole_and_listed_newest_first(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    with new_uow() as uow:
        first = uow.news.add(an_item())
        second = uow.news.add(
            an_item(
                title="Pins",
                first_day=date(2026, 7, 1),
                last_day=None,
                establishment_code="APS-PINS",
                created_by=Actor("x", Channel.SYSTEM),
            )
        )
        uow.commit()
    assert (first.id, second.id) == (1, 2)
    with new_uow(read_only=True) as uow:
        listed = uow.news.listing()
        got = uow.news.get(1)
    assert [item.title for item in listed] == ["Pins", "Fête de l'école"]
    assert got is not None
    assert (got.title, got.text, got.first_day, got.last_day, got.published) == (
        "Fête de l'école",
        "Rendez-vous **samedi**.\n\n- jeux",
        date(2026, 6, 20),
        date(2026, 6, 30),
        False,
    )
    assert got.created_at == pendulum.datetime(2026, 6, 15, 8, 0, tz="UTC")
    assert got.created_by == Actor.staff("agent")
    assert listed[0].establishment_code == "APS-PINS"
    assert listed[0].created_by == Actor("x", Channel.SYSTEM)


def test_an_update_publishes_and_a_rollback_keeps_nothing(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.news.add(an_item())
        uow.commit()
    with new_uow() as uow:
        item = uow.news.get(1, for_update=True)
        assert item is not None
        item.published = True
        uow.news.update(item)
        uow.commit()
    with new_uow() as uow:
        uow.news.add(an_item(title="Jamais"))  # not committed
    with new_uow(read_only=True) as uow:
        assert [(i.title, i.published) for i in uow.news.listing()] == [("Fête de l'école", True)]
        assert uow.news.get(2) is None


def test_the_catalogue_keeps_each_establishments_phone_and_hours(new_uow: UowFactory) -> None:
    with_catalogue(new_uow)
    with new_uow(read_only=True) as uow:
        alsh = uow.catalogue.get().establishment("ALSH")
        cantine = uow.catalogue.get().establishment("CANTINE-PLAGE")
    assert alsh is not None
    assert cantine is not None
    assert (alsh.contact_phone, alsh.opening_hours) == (
        "+33558001240",
        "Mercredis et vacances scolaires, 7h30-18h30",
    )
    assert alsh.contact_phone_text == "05 58 00 12 40"
    assert (cantine.contact_phone, cantine.opening_hours) == ("+33558001242", "")


def test_0018_gives_stored_establishments_no_contacts_and_downgrades(empty_engine: Engine) -> None:
    """0018 adds the establishments' phone and hours (empty for those already there) and the
    news; the downgrade drops them and keeps the establishments."""
    upgrade(empty_engine, "0017")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO establishments (code, name, kind, address, contact_email, closures, "
                "position, active) VALUES ('ALSH', 'Les Dunes', 'ALSH', '1 chemin', "
                "'a@b.fr', '[]', 0, true)"
            )
        )
    upgrade(empty_engine, "0018")
    with empty_engine.connect() as connection:
        rows = connection.execute(
            text("SELECT code, contact_phone, opening_hours FROM establishments")
        )
        assert [tuple(row) for row in rows] == [("ALSH", "", "")]
    with SqlUnitOfWork(empty_engine) as uow:
        uow.news.add(an_item(establishment_code="ALSH"))
        uow.commit()
    downgrade(empty_engine, "0017")
    assert "news_items" not in inspect(empty_engine).get_table_names()
    columns = {c["name"] for c in inspect(empty_engine).get_columns("establishments")}
    assert not columns & {"contact_phone", "opening_hours"}
    with empty_engine.connect() as connection:
        codes = connection.execute(text("SELECT code FROM establishments")).scalars()
        assert list(codes) == ["ALSH"]


def test_the_commune_file_reads_a_structures_phone_and_hours_and_refuses_a_bad_phone() -> None:
    contacts = 'contact_email = "aps@ville.example"\ncontact_phone = "05 58 09 12 34"\n'
    hours = 'opening_hours = "Jours  d\'école, 7h30-8h50"\n'
    read = read_commune_file(
        MINIMAL.replace('contact_email = "aps@ville.example"\n', contacts + hours)
    )
    aps = read.catalogue.establishment("APS")
    assert aps is not None
    assert (aps.contact_phone, aps.opening_hours) == ("+33558091234", "Jours d'école, 7h30-8h50")
    bad = MINIMAL.replace(
        'contact_email = "aps@ville.example"\n', contacts.replace("05 58 09 12 34", "12") + hours
    )
    problems = errors_of(bad)
    assert problems == {
        "establishments n°1 « APS » > contact_phone (ligne 19)": (
            'numéro de téléphone invalide (ex. : "05 58 09 12 34")'
        )
    }
