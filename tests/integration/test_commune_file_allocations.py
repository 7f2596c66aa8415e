"""The commune file's ``[[allocations]]`` tables: read into campaigns, each mistake named by its
table and key, in French, nothing loaded."""

from __future__ import annotations

from importlib.resources import files

import pytest

from adapters.commune_file import read_commune_file
from portail_core.errors import InvalidInput

DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
CAMPAIGN = """
[[allocations]]
code = "TOUSSAINT"
label = "Toussaint 2027"
establishment = "ALSH"
first_day = 2027-10-25
last_day = 2027-11-05
requests_from = 2027-09-01T08:00:00
requests_until = 2027-09-15T18:00:00
"""


def test_the_demo_campaign_is_read_with_its_classes() -> None:
    (summer,) = read_commune_file(DEMO).details.allocations
    assert (summer.code, summer.establishment_code, summer.max_days_per_child) == (
        "ETE2027",
        "ALSH",
        30,
    )
    assert summer.priorities == ("residence", "siblings_placed", "both_parents_working")


def test_a_second_campaign_takes_the_residents_first_by_default() -> None:
    campaigns = read_commune_file(DEMO + CAMPAIGN).details.allocations
    assert [c.priorities for c in campaigns][1] == ("residence",)


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (('establishment = "ALSH"', 'establishment = "PISCINE"'), "establishment", "inconnue"),
        (("last_day = 2027-11-05", "last_day = 2027-10-01"), "last_day", "précède"),
        (("requests_until = 2027-09-15", "requests_until = 2027-08-15"), "requests_until", "suit"),
        (('code = "TOUSSAINT"', 'code = "ETE2027"'), "code", "déjà pris"),
        (('code = "TOUSSAINT"', 'code = "TOUSSAINT"\npriorities = ["age"]'), "priorities", "parmi"),
        (('label = "Toussaint 2027"', 'label = "Toussaint"\ncolour = "red"'), "", "inconnue"),
    ],
)
def test_a_wrong_campaign_is_named_with_its_key(
    change: tuple[str, str], where: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        read_commune_file(DEMO + CAMPAIGN.replace(*change))
    places = [k for k, v in error.value.problems.items() if message in v]
    assert places, error.value.problems
    assert "allocations" in places[0]
    assert where in places[0]


def test_two_campaigns_of_one_structure_may_not_overlap() -> None:
    overlapping = CAMPAIGN.replace("2027-10-25", "2027-08-30").replace("2027-11-05", "2027-09-03")
    overlapping = overlapping.replace("2027-09-01T08", "2027-06-01T08").replace(
        "2027-09-15T18", "2027-06-15T18"
    )
    with pytest.raises(InvalidInput) as error:
        read_commune_file(DEMO + overlapping)
    assert any("chevauche la campagne ETE2027" in v for v in error.value.problems.values())
