from datetime import date, timedelta
from decimal import Decimal
from importlib.resources import files
from typing import Any

import attrs
import pendulum
import pytest

from adapters.calendars import shipped_school_calendar
from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.public_holidays import FixedPublicHolidays, FrenchPublicHolidays
from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.checks import Problem
from portail_core.domain.catalogue.establishments import Catalogue, CatalogueChanges, Establishment
from portail_core.domain.catalogue.opening import OpeningReason
from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.catalogue.tariffs import QuotientBracket, Tariff
from portail_core.domain.communes import SchoolZone
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.catalogue import CalendarSources
from portail_core.services.catalogue.calendars import (
    ImportReport,
    establishment_calendar,
    import_school_calendar,
)
from portail_core.services.catalogue.commune_file import CommuneFile
from portail_core.services.catalogue.offer import (
    check_catalogue,
    current_catalogue,
    load_catalogue,
    published_tariffs,
    where,
)
from portail_core.services.communes import CommuneDetails, current_commune

ACTOR = Actor.staff("agent")
CLOCK = FixedClock(pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris"))


DEMO_CODES = ("ALSH", "APS-PLAGE", "CANTINE-PLAGE", "APS-PINS", "CANTINE-PINS", "EMS", "SMA")
A = SchoolZone.A
R = OpeningReason


@pytest.fixture(scope="module")
def demo_file() -> CommuneFile:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text)


@pytest.fixture
def demo(demo_file: CommuneFile) -> Catalogue:
    return demo_file.catalogue


@pytest.fixture
def details(demo_file: CommuneFile) -> CommuneDetails:
    return demo_file.details


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def loaded(store: InMemoryStore, details: CommuneDetails, demo: Catalogue) -> InMemoryStore:
    """A store where the demo commune and its catalogue are loaded."""
    load_catalogue(InMemoryUnitOfWork(store), details, demo, actor=ACTOR, clock=CLOCK)
    return store


def reading(store: InMemoryStore) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, read_only=True)


def codes(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(e.code for e in catalogue.establishments)


def replaced(catalogue: Catalogue, code: str, **changes: Any) -> Catalogue:
    """The catalogue with one establishment changed."""
    return attrs.evolve(
        catalogue,
        establishments=tuple(
            attrs.evolve(e, **changes) if e.code == code else e for e in catalogue.establishments
        ),
    )


def without(catalogue: Catalogue, code: str) -> Catalogue:
    kept = tuple(e for e in catalogue.establishments if e.code != code)
    return attrs.evolve(catalogue, establishments=kept)


def establishment_of(catalogue: Catalogue, code: str) -> Establishment:
    found = catalogue.establishment(code)
    assert found is not None
    return found


# ---------------------------------------------------------------- check_catalogue


def test_the_demo_commune_and_catalogue_pass_the_check(
    details: CommuneDetails, demo: Catalogue
) -> None:
    check_catalogue(details, demo)  # raises nothing


def test_check_lists_every_problem_of_the_commune_and_catalogue_by_place(
    details: CommuneDetails, demo: Catalogue
) -> None:
    bad_details = attrs.evolve(details, insee_code="123", school_zone="Z")
    bad_catalogue = replaced(demo, "APS-PLAGE", school_code="LYCEE")
    with pytest.raises(InvalidInput) as raised:
        check_catalogue(bad_details, bad_catalogue)
    assert raised.value.message == "Le catalogue compte 3 erreur(s) ; rien n'est chargé."
    assert raised.value.problems == {
        "commune > insee_code": "Le code INSEE compte 5 caractères (ex. : 40184).",
        "commune > school_zone": "La zone scolaire est A, B ou C.",
        "establishments APS-PLAGE > school": "école inconnue : « LYCEE »",
    }


def test_check_keys_each_unit_s_problems_by_their_own_place(
    details: CommuneDetails, demo: Catalogue
) -> None:
    aps = establishment_of(demo, "APS-PLAGE")
    matin = aps.units[0]
    broken = attrs.evolve(matin, end=matin.start, days=frozenset())
    catalogue = replaced(demo, "APS-PLAGE", units=(broken, attrs.evolve(broken, code="SOIR")))
    with pytest.raises(InvalidInput) as raised:
        check_catalogue(details, catalogue)
    assert raised.value.problems == {
        "establishments APS-PLAGE > units MATIN > end": (
            "l'heure de fin doit suivre l'heure de début"
        ),
        "establishments APS-PLAGE > units MATIN > days": "indiquez au moins un type de jour",
        "establishments APS-PLAGE > units SOIR > end": (
            "l'heure de fin doit suivre l'heure de début"
        ),
        "establishments APS-PLAGE > units SOIR > days": "indiquez au moins un type de jour",
    }


def test_check_joins_two_messages_for_one_place_with_a_semicolon(
    details: CommuneDetails, demo: Catalogue
) -> None:
    aps = establishment_of(demo, "APS-PLAGE")
    matin = attrs.evolve(aps.units[0], incompatible_with=frozenset({"MIDI", "MATIN"}))
    with pytest.raises(InvalidInput) as raised:
        check_catalogue(details, replaced(demo, "APS-PLAGE", units=(matin, *aps.units[1:])))
    assert raised.value.message == "Le catalogue compte 1 erreur(s) ; rien n'est chargé."
    assert raised.value.problems == {
        "establishments APS-PLAGE > units MATIN > incompatible_with": (
            "une unité ne peut être incompatible avec elle-même ; unité inconnue : « MIDI »"
        ),
    }


def test_check_finds_duplicate_school_and_establishment_codes(
    details: CommuneDetails, demo: Catalogue
) -> None:
    doubled = Catalogue(
        (*demo.schools, demo.schools[0]),
        (*demo.establishments, establishment_of(demo, "EMS")),
    )
    with pytest.raises(InvalidInput) as raised:
        check_catalogue(details, doubled)
    assert raised.value.problems == {
        "schools PLAGE": "le code d'école « PLAGE » est utilisé plusieurs fois",
        "establishments EMS": "le code « EMS » est utilisé plusieurs fois",
    }


def test_check_finds_problems_of_several_establishments(
    details: CommuneDetails, demo: Catalogue
) -> None:
    catalogue = replaced(demo, "SMA", school_code="LYCEE")
    catalogue = replaced(catalogue, "APS-PINS", school_code=None)
    catalogue = replaced(catalogue, "ALSH", units=())
    with pytest.raises(InvalidInput) as raised:
        check_catalogue(details, catalogue)
    assert raised.value.problems == {
        "establishments ALSH > units": "au moins une unité (ce que les familles réservent)",
        "establishments APS-PINS > school": (
            "un service « Accueil périscolaire (APS) » dessert une école : indiquez laquelle"
        ),
        "establishments SMA > school": "école inconnue : « LYCEE »",
    }


def test_where_reads_a_problem_s_place_by_pairs() -> None:
    assert (
        where(Problem(("establishments", "APS-PLAGE", "units", "MATIN", "tariffs", 1), "x"))
        == "establishments APS-PLAGE > units MATIN > tariffs 1"
    )
    assert where(Problem(("establishments", "SMA", "units"), "x")) == "establishments SMA > units"


# ---------------------------------------------------------------- load_catalogue


def test_loading_into_an_empty_portal_creates_everything_in_one_commit(
    store: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    uow = InMemoryUnitOfWork(store)
    report = load_catalogue(uow, details, demo, actor=ACTOR, clock=CLOCK)
    assert uow.commits == 1
    assert report.commune.created
    assert report.changes == CatalogueChanges(
        added=DEMO_CODES, schools_changed=True, school_map_changed=True
    )
    assert report.changed_anything
    commune = current_commune(reading(store))
    assert commune is not None
    assert (commune.insee_code, commune.name) == ("99001", "Ville de Démo-sur-Mer")
    stored = current_catalogue(reading(store))
    assert codes(stored) == DEMO_CODES
    assert [e.id for e in stored.establishments] == [1, 2, 3, 4, 5, 6, 7]
    assert stored.schools == demo.schools


def test_loading_the_same_catalogue_again_changes_and_commits_nothing(
    loaded: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    uow = InMemoryUnitOfWork(loaded)
    report = load_catalogue(uow, details, demo, actor=ACTOR, clock=CLOCK)
    assert uow.commits == 0
    assert report.changes == CatalogueChanges()
    assert not report.changed_anything
    assert not report.commune.created
    assert not report.commune.changed


def test_a_school_map_changed_alone_is_loaded_and_audited(
    loaded: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    smaller = attrs.evolve(demo.school_map, sectors=tuple(demo.school_map.sectors[:-1]))
    uow = InMemoryUnitOfWork(loaded)
    report = load_catalogue(
        uow, details, attrs.evolve(demo, school_map=smaller), actor=ACTOR, clock=CLOCK
    )
    assert uow.commits == 1
    assert report.changes == CatalogueChanges(school_map_changed=True)
    assert current_catalogue(reading(loaded)).school_map == smaller
    with reading(loaded) as audit_uow:
        [event] = audit_uow.audit.latest(1)
    assert (event.action, event.details["school_map_changed"]) == ("catalogue.load", True)


def test_a_changed_unit_label_updates_its_establishment(
    loaded: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    alsh = establishment_of(demo, "ALSH")
    relabelled = (attrs.evolve(alsh.units[0], label="Journée complète"), *alsh.units[1:])
    uow = InMemoryUnitOfWork(loaded)
    report = load_catalogue(
        uow, details, replaced(demo, "ALSH", units=relabelled), actor=ACTOR, clock=CLOCK
    )
    assert uow.commits == 1
    assert report.changes.updated == ("ALSH",)
    assert report.changes.differences == {
        "ALSH": {"units.JOURNEE.label": ["Journée avec repas", "Journée complète"]}
    }
    stored = establishment_of(current_catalogue(reading(loaded)), "ALSH")
    assert stored.units[0].label == "Journée complète"
    assert stored.id == 1


def test_an_establishment_removed_from_the_file_is_archived(
    loaded: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    uow = InMemoryUnitOfWork(loaded)
    report = load_catalogue(uow, details, without(demo, "SMA"), actor=ACTOR, clock=CLOCK)
    assert uow.commits == 1
    assert report.changes == CatalogueChanges(archived=("SMA",))
    assert codes(current_catalogue(reading(loaded))) == DEMO_CODES[:-1]


def test_an_establishment_new_in_the_file_is_added(
    store: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    load_catalogue(
        InMemoryUnitOfWork(store), details, without(demo, "EMS"), actor=ACTOR, clock=CLOCK
    )
    uow = InMemoryUnitOfWork(store)
    report = load_catalogue(uow, details, demo, actor=ACTOR, clock=CLOCK)
    assert uow.commits == 1
    assert report.changes == CatalogueChanges(added=("EMS",))
    stored = current_catalogue(reading(store))
    assert establishment_of(stored, "EMS").id == 7


def test_a_renamed_commune_alone_is_committed(
    loaded: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    uow = InMemoryUnitOfWork(loaded)
    report = load_catalogue(
        uow, attrs.evolve(details, name="Démo-les-Bains"), demo, actor=ACTOR, clock=CLOCK
    )
    assert uow.commits == 1
    assert report.commune.changed
    assert not report.changes.any
    commune = current_commune(reading(loaded))
    assert commune is not None
    assert commune.name == "Démo-les-Bains"


def test_an_invalid_catalogue_raises_and_commits_nothing(
    store: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    uow = InMemoryUnitOfWork(store)
    with pytest.raises(InvalidInput) as raised:
        load_catalogue(
            uow,
            details,
            replaced(demo, "CANTINE-PINS", school_code="LYCEE"),
            actor=ACTOR,
            clock=CLOCK,
        )
    assert raised.value.problems == {
        "establishments CANTINE-PINS > school": "école inconnue : « LYCEE »"
    }
    assert uow.commits == 0
    assert current_commune(reading(store)) is None
    assert current_catalogue(reading(store)) == Catalogue((), ())


def test_an_invalid_catalogue_leaves_the_loaded_one_untouched(
    loaded: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    uow = InMemoryUnitOfWork(loaded)
    with pytest.raises(InvalidInput):
        load_catalogue(
            uow, details, without(replaced(demo, "EMS", units=()), "SMA"), actor=ACTOR, clock=CLOCK
        )
    assert uow.commits == 0
    assert codes(current_catalogue(reading(loaded))) == DEMO_CODES


# ---------------------------------------------------------------- published_tariffs


def test_published_tariffs_give_every_unit_s_tariff_in_force(loaded: InMemoryStore) -> None:
    published = published_tariffs(reading(loaded), date(2026, 1, 5))
    assert [(p.establishment.code, p.unit.code) for p in published] == [
        ("ALSH", "JOURNEE"),
        ("ALSH", "MATIN"),
        ("ALSH", "APRES-MIDI"),
        ("APS-PLAGE", "MATIN"),
        ("APS-PLAGE", "SOIR"),
        ("CANTINE-PLAGE", "REPAS"),
        ("APS-PINS", "MATIN"),
        ("APS-PINS", "SOIR"),
        ("CANTINE-PINS", "REPAS"),
        ("EMS", "NATATION"),
        ("EMS", "MULTISPORTS"),
    ]
    journee = published[0].tariff
    assert journee.valid_from == date(2025, 9, 1)
    assert journee.bracket_for(650).resident == Money.from_euros("7,20")
    assert journee.sibling_reductions == (Decimal(0), Decimal(10), Decimal(20))


def test_no_tariff_is_published_before_the_first_one_applies(loaded: InMemoryStore) -> None:
    assert published_tariffs(reading(loaded), date(2025, 8, 31)) == []


def test_published_tariffs_follow_the_date(
    store: InMemoryStore, details: CommuneDetails, demo: Catalogue
) -> None:
    repas = establishment_of(demo, "CANTINE-PINS").units[0]
    old = attrs.evolve(repas.tariffs[0], valid_until=date(2026, 8, 31))
    new = Tariff(
        date(2026, 9, 1),
        None,
        (QuotientBracket(0, None, Money.from_euros("3,00"), Money.from_euros("5,00")),),
    )
    catalogue = replaced(demo, "CANTINE-PINS", units=(attrs.evolve(repas, tariffs=(old, new)),))
    load_catalogue(InMemoryUnitOfWork(store), details, catalogue, actor=ACTOR, clock=CLOCK)

    def lunch_on(day: date) -> Tariff:
        (found,) = [
            p.tariff
            for p in published_tariffs(reading(store), day)
            if p.establishment.code == "CANTINE-PINS"
        ]
        return found

    assert lunch_on(date(2026, 8, 31)) == old
    assert lunch_on(date(2026, 9, 1)) == new


# ---------------------------------------------------------------- establishment_calendar


@pytest.fixture
def sources() -> CalendarSources:
    return CalendarSources(shipped_school_calendar(), FrenchPublicHolidays())


def test_an_establishment_calendar_gives_every_day_and_unit_in_order(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    calendar = establishment_calendar(
        reading(loaded), sources, "ALSH", date(2027, 2, 26), date(2027, 3, 1)
    )
    assert calendar.establishment.code == "ALSH"
    assert (calendar.first, calendar.last) == (date(2027, 2, 26), date(2027, 3, 1))
    assert [(o.day, o.unit_code, o.reason) for o in calendar.openings] == [
        (date(2027, 2, 26), "JOURNEE", R.SCHOOL_HOLIDAYS),
        (date(2027, 2, 26), "MATIN", R.SCHOOL_HOLIDAYS),
        (date(2027, 2, 26), "APRES-MIDI", R.SCHOOL_HOLIDAYS),
        (date(2027, 2, 27), "JOURNEE", R.WEEKEND),
        (date(2027, 2, 27), "MATIN", R.WEEKEND),
        (date(2027, 2, 27), "APRES-MIDI", R.WEEKEND),
        (date(2027, 2, 28), "JOURNEE", R.WEEKEND),
        (date(2027, 2, 28), "MATIN", R.WEEKEND),
        (date(2027, 2, 28), "APRES-MIDI", R.WEEKEND),
        (date(2027, 3, 1), "JOURNEE", R.SCHOOL_DAY_NOT_SERVED),
        (date(2027, 3, 1), "MATIN", R.SCHOOL_DAY_NOT_SERVED),
        (date(2027, 3, 1), "APRES-MIDI", R.SCHOOL_DAY_NOT_SERVED),
    ]


def test_an_establishment_calendar_uses_the_commune_s_public_holidays(
    loaded: InMemoryStore,
) -> None:
    local = CalendarSources(
        shipped_school_calendar(), FixedPublicHolidays({date(2027, 3, 4): "Fête de la ville"})
    )
    calendar = establishment_calendar(
        reading(loaded), local, "APS-PINS", date(2027, 3, 4), date(2027, 3, 5)
    )
    assert [(o.day, o.unit_code, o.open, o.detail) for o in calendar.openings] == [
        (date(2027, 3, 4), "MATIN", False, "Fête de la ville"),
        (date(2027, 3, 4), "SOIR", False, "Fête de la ville"),
        (date(2027, 3, 5), "MATIN", True, ""),
        (date(2027, 3, 5), "SOIR", True, ""),
    ]


def test_a_one_day_establishment_calendar_is_allowed(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    day = date(2027, 3, 3)
    calendar = establishment_calendar(reading(loaded), sources, "EMS", day, day)
    assert [(o.unit_code, o.open, o.reason) for o in calendar.openings] == [
        ("NATATION", True, R.WEDNESDAY),
        ("MULTISPORTS", True, R.WEDNESDAY),
    ]


def test_an_sma_has_no_booking_calendar(loaded: InMemoryStore, sources: CalendarSources) -> None:
    with pytest.raises(NotFound, match="ne prend que des pré-inscriptions"):
        establishment_calendar(reading(loaded), sources, "SMA", date(2027, 3, 1), date(2027, 3, 5))


def test_a_calendar_of_400_days_is_the_longest_allowed(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    first = date(2026, 9, 1)
    calendar = establishment_calendar(
        reading(loaded), sources, "APS-PLAGE", first, first + timedelta(days=399)
    )
    assert len(calendar.openings) == 400 * 2


def test_a_calendar_of_more_than_400_days_is_refused(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    first = date(2026, 9, 1)
    with pytest.raises(InvalidInput, match=r"^Période trop longue : 400 jours au plus\.$"):
        establishment_calendar(
            reading(loaded), sources, "APS-PLAGE", first, first + timedelta(days=400)
        )


def test_a_calendar_ending_before_it_starts_is_refused(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    with pytest.raises(InvalidInput, match=r"^La date de fin précède la date de début\.$"):
        establishment_calendar(reading(loaded), sources, "ALSH", date(2027, 3, 2), date(2027, 3, 1))


def test_the_calendar_of_an_unknown_establishment_is_not_found(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    with pytest.raises(NotFound, match=r"^Aucune structure « PISCINE » au catalogue\.$"):
        establishment_calendar(
            reading(loaded), sources, "PISCINE", date(2027, 3, 1), date(2027, 3, 5)
        )


def test_no_calendar_is_found_before_a_commune_is_loaded(
    store: InMemoryStore, sources: CalendarSources
) -> None:
    with pytest.raises(NotFound, match="ALSH"):
        establishment_calendar(reading(store), sources, "ALSH", date(2027, 3, 1), date(2027, 3, 5))


# ---------------------------------------------------------------- importing a school calendar


def holiday(name: str, first_day: date, resume_day: date, year: str = "2026-2027") -> SchoolHoliday:
    return SchoolHoliday(A, year, name, first_day, resume_day)


MOVED_WINTER = holiday("Vacances d'hiver", date(2027, 2, 20), date(2027, 3, 8))


def test_an_empty_school_calendar_is_refused(loaded: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(loaded)
    with pytest.raises(
        InvalidInput,
        match=r"^Le fichier ne contient aucune période de vacances des zones A, B ou C\.$",
    ):
        import_school_calendar(
            uow, SchoolCalendar(), shipped=shipped_school_calendar(), actor=ACTOR, clock=CLOCK
        )
    assert uow.commits == 0


def test_importing_a_school_calendar_reports_its_years_in_one_commit(
    loaded: InMemoryStore,
) -> None:
    calendar = SchoolCalendar(
        (
            SchoolHoliday(SchoolZone.B, "2026-2027", "Noël", date(2026, 12, 19), date(2027, 1, 4)),
            holiday("Toussaint", date(2027, 10, 23), date(2027, 11, 8), "2027-2028"),
            MOVED_WINTER,
            holiday("Printemps", date(2027, 4, 10), date(2027, 4, 26)),
        )
    )
    uow = InMemoryUnitOfWork(loaded)
    report = import_school_calendar(
        uow, calendar, shipped=shipped_school_calendar(), actor=ACTOR, clock=CLOCK
    )
    assert uow.commits == 1
    assert report == ImportReport(
        ((A, "2026-2027", 2), (A, "2027-2028", 1), (SchoolZone.B, "2026-2027", 1))
    )
    with reading(loaded) as stored:
        assert stored.school_calendars.imported() == calendar


def test_an_imported_school_year_replaces_the_shipped_one(
    loaded: InMemoryStore, sources: CalendarSources
) -> None:
    import_school_calendar(
        InMemoryUnitOfWork(loaded),
        SchoolCalendar((MOVED_WINTER,)),
        shipped=shipped_school_calendar(),
        actor=ACTOR,
        clock=CLOCK,
    )

    def aps_on(day: date) -> OpeningReason:
        (opening, _) = establishment_calendar(
            reading(loaded), sources, "APS-PLAGE", day, day
        ).openings
        return opening.reason

    assert aps_on(date(2027, 2, 15)) is R.SCHOOL_DAY  # the shipped winter holidays are gone
    assert aps_on(date(2027, 3, 5)) is R.HOLIDAYS_NOT_SERVED  # the imported ones apply
    assert aps_on(date(2026, 10, 19)) is R.SCHOOL_DAY  # the whole year 2026-2027 is replaced
    assert aps_on(date(2027, 10, 25)) is R.HOLIDAYS_NOT_SERVED  # 2027-2028 stays as shipped
    assert aps_on(date(2026, 2, 9)) is R.HOLIDAYS_NOT_SERVED  # 2025-2026 stays as shipped


def test_a_later_import_keeps_the_years_it_does_not_bring(loaded: InMemoryStore) -> None:
    next_year = holiday("Vacances d'hiver", date(2028, 2, 19), date(2028, 3, 6), "2027-2028")
    import_school_calendar(
        InMemoryUnitOfWork(loaded),
        SchoolCalendar((MOVED_WINTER,)),
        shipped=shipped_school_calendar(),
        actor=ACTOR,
        clock=CLOCK,
    )
    import_school_calendar(
        InMemoryUnitOfWork(loaded),
        SchoolCalendar((next_year,)),
        shipped=shipped_school_calendar(),
        actor=ACTOR,
        clock=CLOCK,
    )
    replacing = holiday("Vacances d'hiver", date(2027, 2, 13), date(2027, 3, 1))
    import_school_calendar(
        InMemoryUnitOfWork(loaded),
        SchoolCalendar((replacing,)),
        shipped=shipped_school_calendar(),
        actor=ACTOR,
        clock=CLOCK,
    )
    with reading(loaded) as stored:
        assert stored.school_calendars.imported().holidays == (replacing, next_year)
