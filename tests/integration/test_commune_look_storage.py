"""The commune's look kept: on memory, SQLite and PostgreSQL alike, the colour and the logo make
the round trip; the logo's bytes are read apart, never by ``get`` (the commune each page reads
and each process keeps); migration 0027 leaves a commune loaded before with the portal's look."""

from __future__ import annotations

import io

import attrs
import pendulum
from PIL import Image
from sqlalchemy import Engine, text

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, downgrade, upgrade
from portail_core.domain.audit import Actor
from portail_core.domain.look import CommuneLook, LogoImage, read_logo
from portail_core.services.communes import (
    CommuneDetails,
    commune_logo,
    current_commune,
    set_up_commune,
)
from tests.integration.conftest import UowFactory
from tests.integration.test_reference_cache import statements_sent

ACTOR = Actor.staff("agent")
CLOCK = FixedClock(pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris"))
PLAIN = CommuneDetails(
    insee_code="40184", name="Mimizan", school_zone="A", contact_email="guichet@mimizan.example"
)


def logo(colour: tuple[int, int, int], image_format: str = "PNG") -> LogoImage:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), colour).save(buffer, format=image_format)
    return read_logo(buffer.getvalue())


def test_a_commune_without_look_has_the_portal_s_own_and_no_logo(new_uow: UowFactory) -> None:
    set_up_commune(new_uow(), PLAIN, actor=ACTOR, clock=CLOCK)
    commune = current_commune(new_uow(read_only=True))
    assert commune is not None
    assert commune.look == CommuneLook()
    assert commune_logo(new_uow(read_only=True)) is None


def test_colour_and_logo_make_the_round_trip_and_change_with_the_file(
    new_uow: UowFactory,
) -> None:
    green = logo((29, 78, 44))
    created = set_up_commune(
        new_uow(), attrs.evolve(PLAIN, colour="#1D4E2C", logo=green), actor=ACTOR, clock=CLOCK
    )
    assert created.differences["look"][1].startswith("couleur #1d4e2c, logo image/png")
    commune = current_commune(new_uow(read_only=True))
    assert commune is not None
    assert commune.look == CommuneLook("#1d4e2c", green.logo)
    assert commune_logo(new_uow(read_only=True)) == green

    red = logo((120, 20, 20), "WEBP")
    changed = set_up_commune(
        new_uow(), attrs.evolve(PLAIN, colour="#1d4e2c", logo=red), actor=ACTOR, clock=CLOCK
    )
    assert list(changed.differences) == ["look"]
    assert commune_logo(new_uow(read_only=True)) == red

    set_up_commune(new_uow(), PLAIN, actor=ACTOR, clock=CLOCK)  # [look] taken out of the file
    commune = current_commune(new_uow(read_only=True))
    assert commune is not None
    assert commune.look == CommuneLook()
    assert commune_logo(new_uow(read_only=True)) is None


def test_the_same_look_again_changes_and_writes_nothing(engine: Engine) -> None:
    details = attrs.evolve(PLAIN, colour="#1d4e2c", logo=logo((29, 78, 44)))
    set_up_commune(SqlUnitOfWork(engine), details, actor=ACTOR, clock=CLOCK)
    with statements_sent(engine) as sent:
        again = set_up_commune(SqlUnitOfWork(engine), details, actor=ACTOR, clock=CLOCK)
    assert not again.changed
    assert not [s for s in sent if s.lstrip().upper().startswith(("INSERT", "UPDATE"))], sent


def test_get_never_reads_the_logo_s_bytes_which_are_read_apart(engine: Engine) -> None:
    green = logo((29, 78, 44))
    set_up_commune(
        SqlUnitOfWork(engine),
        attrs.evolve(PLAIN, colour="#1d4e2c", logo=green),
        actor=ACTOR,
        clock=CLOCK,
    )
    with statements_sent(engine) as sent, SqlUnitOfWork(engine, read_only=True) as uow:
        commune = uow.communes.get()
    assert commune is not None
    assert commune.look.logo == green.logo
    reads = [s for s in sent if "FROM communes" in s]
    assert reads, sent
    assert not [s for s in reads if "logo_content" in s]
    with statements_sent(engine) as sent, SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.communes.logo() == green
    assert [s for s in sent if "logo_content" in s]


def test_0027_gives_a_commune_loaded_before_the_portal_s_look_and_its_downgrade_keeps_it(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, "0026")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO communes (id, insee_code, name, school_zone, contact_email) "
                "VALUES (1, '40184', 'Mimizan', 'A', 'guichet@mimizan.example')"
            )
        )
    upgrade(empty_engine)
    with SqlUnitOfWork(empty_engine, read_only=True) as uow:
        commune = uow.communes.get()
        assert commune is not None
        assert commune.look == CommuneLook()
        assert uow.communes.logo() is None
    set_up_commune(
        SqlUnitOfWork(empty_engine),
        attrs.evolve(PLAIN, colour="#1d4e2c", logo=logo((29, 78, 44))),
        actor=ACTOR,
        clock=CLOCK,
    )
    downgrade(empty_engine, "0026")
    with empty_engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM communes")).scalars().all()
    assert names == ["Mimizan"]
