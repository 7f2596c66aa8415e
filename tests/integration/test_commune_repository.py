"""One contract for the commune repository, run on memory, SQLite and PostgreSQL alike."""

from portail_core.domain.communes import Commune, SchoolZone
from tests.integration.conftest import UowFactory


def test_an_empty_portal_has_no_commune(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        assert uow.communes.get() is None


def test_an_added_commune_gets_an_id_and_reads_back_equal_field_by_field(
    new_uow: UowFactory,
) -> None:
    added = Commune.create(
        insee_code="2B033", name="Bastia", school_zone="C", contact_email="guichet@bastia.example"
    )
    with new_uow() as uow:
        uow.communes.add(added)
        uow.commit()
    assert added.id is not None
    with new_uow() as uow:
        found = uow.communes.get()
    assert found is not None
    assert (found.id, found.insee_code, found.name, found.school_zone, found.contact_email) == (
        added.id,
        "2B033",
        "Bastia",
        SchoolZone.C,
        "guichet@bastia.example",
    )


def test_an_updated_commune_keeps_its_id_and_new_values(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.communes.add(
            Commune.create(insee_code="40184", name="M", school_zone="A", contact_email="a@b.fr")
        )
        uow.commit()
    with new_uow() as uow:
        commune = uow.communes.get()
        assert commune is not None
        commune.name, commune.school_zone = "Mimizan", SchoolZone.B
        uow.communes.update(commune)
        uow.commit()
        expected_id = commune.id
    with new_uow() as uow:
        found = uow.communes.get()
    assert found is not None
    assert (found.id, found.name, found.school_zone) == (expected_id, "Mimizan", SchoolZone.B)


def test_non_ascii_names_survive_the_round_trip(new_uow: UowFactory) -> None:
    name = "Saint-Étienne-du-Grès « Œuvre » 😀"
    with new_uow() as uow:
        uow.communes.add(
            Commune.create(insee_code="13096", name=name, school_zone="B", contact_email="a@b.fr")
        )
        uow.commit()
    with new_uow() as uow:
        found = uow.communes.get()
    assert found is not None
    assert found.name == name


def test_the_guichets_address_and_phone_read_back_and_default_to_empty(
    new_uow: UowFactory,
) -> None:
    with new_uow() as uow:
        uow.communes.add(
            Commune.create(
                insee_code="40184",
                name="Mimizan",
                school_zone="A",
                contact_email="a@b.fr",
                contact_address="Mairie, 2 avenue de la Gare, 40200 Mimizan",
                contact_phone="05 58 09 12 34",
            )
        )
        uow.commit()
    with new_uow() as uow:
        found = uow.communes.get()
        assert found is not None
        assert (found.contact_address, found.contact_phone, found.contact_phone_text) == (
            "Mairie, 2 avenue de la Gare, 40200 Mimizan",
            "+33558091234",
            "05 58 09 12 34",
        )
        found.contact_address, found.contact_phone = "", ""
        uow.communes.update(found)
        uow.commit()
    with new_uow() as uow:
        found = uow.communes.get()
    assert found is not None
    assert (found.contact_address, found.contact_phone) == ("", "")
