"""The catalogue and school-calendar repositories, on memory, SQLite and PostgreSQL alike."""

from datetime import date
from importlib.resources import files

import attrs
import pytest

from adapters.commune_file import read_commune_file
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.communes import SchoolZone
from tests.integration.conftest import UowFactory


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue


def stored(new_uow: UowFactory) -> Catalogue:
    with new_uow(read_only=True) as uow:
        return uow.catalogue.get()


def replace(new_uow: UowFactory, catalogue: Catalogue) -> None:
    with new_uow() as uow:
        uow.catalogue.replace(catalogue)
        uow.commit()


def codes(catalogue: Catalogue) -> list[str]:
    return [e.code for e in catalogue.establishments]


def test_an_empty_portal_has_an_empty_catalogue(new_uow: UowFactory) -> None:
    assert stored(new_uow) == Catalogue((), ())


def test_the_catalogue_reads_back_value_for_value(new_uow: UowFactory, demo: Catalogue) -> None:
    replace(new_uow, demo)
    back = stored(new_uow)
    assert back.schools == demo.schools
    assert codes(back) == codes(demo)
    for kept, original in zip(back.establishments, demo.establishments, strict=True):
        assert kept.id is not None
        assert (kept.name, kept.kind, kept.address, kept.contact_email) == (
            original.name,
            original.kind,
            original.address,
            original.contact_email,
        )
        assert (kept.school_code, kept.closures) == (original.school_code, original.closures)
        assert kept.units == original.units  # rules, tariffs, age groups: every value


def test_replacing_with_the_same_catalogue_keeps_the_ids(
    new_uow: UowFactory, demo: Catalogue
) -> None:
    replace(new_uow, demo)
    first_ids = [e.id for e in stored(new_uow).establishments]
    replace(new_uow, demo)
    assert [e.id for e in stored(new_uow).establishments] == first_ids


def test_an_establishment_left_out_is_archived_and_comes_back_with_its_id(
    new_uow: UowFactory, demo: Catalogue
) -> None:
    replace(new_uow, demo)
    alsh_id = next(e.id for e in stored(new_uow).establishments if e.code == "ALSH")
    without_alsh = attrs.evolve(
        demo, establishments=tuple(e for e in demo.establishments if e.code != "ALSH")
    )
    replace(new_uow, without_alsh)
    assert "ALSH" not in codes(stored(new_uow))
    replace(new_uow, demo)
    back = stored(new_uow)
    assert next(e.id for e in back.establishments if e.code == "ALSH") == alsh_id
    assert len(next(e for e in back.establishments if e.code == "ALSH").units) == 3


def test_a_unit_left_out_is_no_longer_listed(new_uow: UowFactory, demo: Catalogue) -> None:
    replace(new_uow, demo)
    alsh = demo.establishment("ALSH")
    assert alsh is not None
    fewer_units = attrs.evolve(alsh, units=alsh.units[:1])
    changed = attrs.evolve(
        demo,
        establishments=tuple(fewer_units if e.code == "ALSH" else e for e in demo.establishments),
    )
    replace(new_uow, changed)
    kept = stored(new_uow).establishment("ALSH")
    assert kept is not None
    assert [u.code for u in kept.units] == ["JOURNEE"]


def test_nothing_is_replaced_without_commit(new_uow: UowFactory, demo: Catalogue) -> None:
    with new_uow() as uow:
        uow.catalogue.replace(demo)
    assert stored(new_uow) == Catalogue((), ())


def holiday(zone: SchoolZone, year: str, name: str, first: date, resume: date) -> SchoolHoliday:
    return SchoolHoliday(zone, year, name, first, resume)


def test_imported_school_calendars_replace_the_years_they_bring(new_uow: UowFactory) -> None:
    old = SchoolCalendar(
        (
            holiday(SchoolZone.A, "2028-2029", "Toussaint", date(2028, 10, 21), date(2028, 11, 6)),
            holiday(SchoolZone.B, "2028-2029", "Toussaint", date(2028, 10, 21), date(2028, 11, 6)),
        )
    )
    new = SchoolCalendar(
        (holiday(SchoolZone.A, "2028-2029", "Noël", date(2028, 12, 23), date(2029, 1, 8)),)
    )
    for calendar in (old, new):
        with new_uow() as uow:
            uow.school_calendars.replace_years(calendar)
            uow.commit()
    with new_uow(read_only=True) as uow:
        imported = uow.school_calendars.imported()
    assert {(h.zone, h.name) for h in imported.holidays} == {
        (SchoolZone.A, "Noël"),
        (SchoolZone.B, "Toussaint"),
    }


def test_a_waiting_list_of_offers_reads_back(new_uow: UowFactory, demo: Catalogue) -> None:
    alsh = demo.establishment("ALSH")
    assert alsh is not None
    offers = WaitingListPolicy(PromotionMode.OFFER, 36)
    units = tuple(
        attrs.evolve(u, rules=attrs.evolve(u.rules, waiting_list=offers)) for u in alsh.units
    )
    changed = attrs.evolve(alsh, units=units)
    catalogue = attrs.evolve(
        demo,
        establishments=tuple(changed if e.code == "ALSH" else e for e in demo.establishments),
    )
    replace(new_uow, catalogue)
    back = stored(new_uow).establishment("ALSH")
    assert back is not None
    assert [u.rules.waiting_list for u in back.units] == [offers] * len(units)
