import pytest

from portail_core.domain.communes import Commune, SchoolZone
from portail_core.errors import InvalidInput


def test_a_commune_is_created_from_tidied_input() -> None:
    commune = Commune.create(
        insee_code=" 40184 ",
        name="  Mimizan   Plage ",
        school_zone="a",
        contact_email=" guichet@mimizan.example ",
    )
    assert (commune.insee_code, commune.name) == ("40184", "Mimizan Plage")
    assert commune.school_zone is SchoolZone.A
    assert commune.contact_email == "guichet@mimizan.example"
    assert commune.id is None


def test_corsican_insee_codes_are_accepted() -> None:
    commune = Commune.create(
        insee_code="2a004", name="Ajaccio", school_zone="C", contact_email="a@b.fr"
    )
    assert commune.insee_code == "2A004"


def test_every_problem_is_listed_at_once_in_french() -> None:
    with pytest.raises(InvalidInput) as caught:
        Commune.create(insee_code="4018", name=" ", school_zone="D", contact_email="pas-un-mail")
    assert set(caught.value.problems) == {"insee_code", "name", "school_zone", "contact_email"}
    assert "code INSEE" in caught.value.problems["insee_code"]
    assert "A, B ou C" in caught.value.problems["school_zone"]


def test_a_huge_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Commune.create(insee_code="40184", name="x" * 121, school_zone="A", contact_email="a@b.fr")
    assert set(caught.value.problems) == {"name"}


def test_communes_are_entities_compared_by_identity() -> None:
    one = Commune.create(insee_code="40184", name="M", school_zone="A", contact_email="a@b.fr")
    other = Commune.create(insee_code="40184", name="M", school_zone="A", contact_email="a@b.fr")
    assert one != other
    assert one == one


@pytest.mark.parametrize("name", ["Mimizan\x00", "Mimi\nzan", "\x1b[31mRouge"])
def test_control_characters_in_a_name_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Commune.create(insee_code="40184", name=name, school_zone="A", contact_email="a@b.fr")
    assert set(caught.value.problems) == {"name"}


def test_non_ascii_digits_are_not_an_insee_code() -> None:
    with pytest.raises(InvalidInput):
        Commune.create(insee_code="٤٠١٨٤", name="M", school_zone="A", contact_email="a@b.fr")
