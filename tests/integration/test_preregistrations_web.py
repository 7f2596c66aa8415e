"""« Pré-inscription scolaire » through Flask's client on SQLite: reached from the family space,
a new child asked for at the sector school with its documents (POST-redirect-GET), listed with
its state; bad input refused in French with the values kept and nothing stored; the same child
twice refused with an explanation; a commune without a school map shows nothing (404)."""

from __future__ import annotations

import attrs
import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from entrypoints.bootstrap import Services
from portail_core.domain.catalogue.school_map import SchoolMap
from portail_core.ports.preregistrations import PreregistrationFilter
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    NOW,
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    services,
    text,
)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NEW_CHILD = {
    "child": "nouveau",
    "first_name": "Jules",
    "last_name": "Martin",
    "birth_date": "01/05/2020",
    "school_year": "2026-2027",
}


def move(services: Services, family: int, street: str) -> None:
    with services.ports.uow() as uow:
        found = uow.families.get(family)
        assert found is not None
        address = attrs.evolve(found.main_guardian.address, street=street, postcode="99100")
        found.guardians[0] = attrs.evolve(found.main_guardian, address=address)
        uow.families.update(found, NOW)
        uow.commit()


@pytest.fixture
def family_id(services: Services, client: FlaskClient) -> int:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    number = int(account["identifier"].rsplit(".", 1)[1])
    move(services, number, "3 allée des Mouettes")
    return number


def post(client: FlaskClient, documents: bool = True, **fields: object) -> TestResponse:
    token = csrf(client, "/preinscription-scolaire/demande")
    values = MultiDict[str, object]({"csrf_token": token})
    for name, value in {**NEW_CHILD, **fields}.items():
        values.add(name, value)
    if documents:
        for name in ("document_livret_famille", "document_justificatif_domicile"):
            values.add(name, FileStorage(__import__("io").BytesIO(PDF), "piece.pdf"))
    boundary, body = encode_multipart(values)
    return client.post(
        "/preinscription-scolaire/demande",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def requests(services: Services) -> int:
    with services.ports.uow(read_only=True) as uow:
        return len(uow.preregistrations.matching(PreregistrationFilter()))


def test_a_new_child_is_asked_for_and_listed_with_its_state(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    space = text(client.get("/espace"))
    assert "Pré-inscription scolaire" in space
    page = text(client.get("/preinscription-scolaire"))
    assert "votre école de secteur est <strong>École de la Plage</strong>" in page
    assert "Aucune demande" in page
    answer = post(client)
    assert answer.status_code == 303
    listed = text(client.get(answer.headers["Location"]))
    assert "Votre demande est déposée" in listed
    assert "Jules Martin" in listed
    assert "Déposée" in listed
    assert "CP" in listed
    assert requests(services) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"birth_date": "01/05/2031"}, "La date de naissance ne peut pas être dans le futur."),
        ({"level": "CP9"}, "iveau"),
        ({"school": "PINS"}, "dérogation"),
    ],
)
def test_bad_input_is_refused_in_french_with_the_values_kept(
    client: FlaskClient, family_id: int, services: Services, fields: dict[str, str], message: str
) -> None:
    answer = post(client, **fields)
    assert answer.status_code == 400
    page = text(answer)
    assert "Le formulaire contient" in page
    assert message in page
    assert 'value="Jules"' in answer.get_data(as_text=True)
    assert requests(services) == 0


def test_missing_documents_and_the_same_child_twice_are_refused(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    answer = post(client, documents=False)
    assert answer.status_code == 400
    assert "Joignez le livret de famille" in text(answer)
    assert post(client).status_code == 303
    again = post(client)
    assert again.status_code == 409
    assert "déjà une pré-inscription pour 2026-2027" in text(again)
    assert requests(services) == 1


def test_a_commune_without_a_school_map_shows_nothing(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    with services.ports.uow() as uow:
        catalogue = uow.catalogue.get()
        uow.catalogue.replace(attrs.evolve(catalogue, school_map=SchoolMap()))
        uow.commit()
    assert "Pré-inscription scolaire" not in text(client.get("/espace"))
    assert client.get("/preinscription-scolaire").status_code == 404
    assert client.get("/preinscription-scolaire/demande").status_code == 404
