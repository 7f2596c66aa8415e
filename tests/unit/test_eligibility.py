from datetime import date
from importlib.resources import files

import pytest

from adapters.commune_file import read_commune_file
from portail_core.domain.catalogue.eligibility import ChildFacts, eligibility_of
from portail_core.domain.catalogue.establishments import Catalogue, Establishment, Unit


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    return read_commune_file(text).catalogue


def unit_of(catalogue: Catalogue, establishment: str, unit: str) -> tuple[Establishment, Unit]:
    found = catalogue.establishment(establishment)
    assert found is not None
    chosen = found.unit(unit)
    assert chosen is not None
    return found, chosen


LEA = ChildFacts("Léa", date(2019, 3, 14), school_code="PLAGE")


def test_a_pupil_of_the_school_may_use_its_aps_and_canteen(demo: Catalogue) -> None:
    for establishment, unit in (("APS-PLAGE", "MATIN"), ("CANTINE-PLAGE", "REPAS")):
        result = eligibility_of(LEA, *unit_of(demo, establishment, unit), date(2027, 2, 11))
        assert result.eligible
        assert result.refusals == ()


def test_the_aps_of_another_school_is_refused_with_the_reason(demo: Catalogue) -> None:
    result = eligibility_of(LEA, *unit_of(demo, "APS-PINS", "SOIR"), date(2027, 2, 11))
    assert not result.eligible
    assert result.refusals == ("Léa n'est pas élève de l'école que dessert cette structure.",)


def test_the_age_group_is_chosen_by_age_on_the_day(demo: Catalogue) -> None:
    journee = unit_of(demo, "ALSH", "JOURNEE")
    # Léa turns 8 on 14 March 2027: still "ELEM" either side; a 5-year-old is "MAT".
    assert eligibility_of(LEA, *journee, date(2027, 3, 13)).age_group is not None
    younger = ChildFacts("Tom", date(2021, 6, 1))
    group = eligibility_of(younger, *journee, date(2027, 2, 10)).age_group
    assert group is not None
    assert group.code == "MAT"
    turns_six = eligibility_of(younger, *journee, date(2027, 6, 2)).age_group
    assert turns_six is not None
    assert turns_six.code == "ELEM"


def test_a_child_outside_every_age_group_is_refused(demo: Catalogue) -> None:
    toddler = ChildFacts("Zoé", date(2025, 1, 10))
    result = eligibility_of(toddler, *unit_of(demo, "ALSH", "JOURNEE"), date(2027, 2, 10))
    assert result.age_group is None
    assert result.refusals == (
        "Zoé aura 2 ans ce jour-là ; « Journée avec repas » accueille les 3-5 ans, 6-11 ans.",
    )


def test_ems_activities_need_an_enrolment(demo: Catalogue) -> None:
    natation = unit_of(demo, "EMS", "NATATION")
    refused = eligibility_of(LEA, *natation, date(2027, 2, 10))
    assert refused.refusals == (
        "« Natation (séance) » demande une inscription préalable auprès du guichet unique.",
    )
    enrolled = ChildFacts(
        "Léa", date(2019, 3, 14), "PLAGE", enrolments=frozenset({("EMS", "NATATION")})
    )
    result = eligibility_of(enrolled, *natation, date(2027, 2, 10))
    assert result.eligible
    assert result.age_group is not None
    assert result.age_group.code == "6-8"


def test_every_reason_is_given_at_once(demo: Catalogue) -> None:
    other = ChildFacts("Noé", date(2010, 1, 1), school_code="PINS")
    result = eligibility_of(other, *unit_of(demo, "EMS", "NATATION"), date(2027, 2, 10))
    assert len(result.refusals) == 2
