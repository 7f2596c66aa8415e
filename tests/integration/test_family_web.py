"""The family's dossier pages: a phone change with its history, a document sent and fetched,
"Mes données"; another family's ids answer 404."""

import io
import json
import re

import pytest
from flask.testing import FlaskClient

from entrypoints.bootstrap import Services
from portail_core.services.dossiers.reading import family_history
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
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


@pytest.fixture
def logged_in(services: Services, client: FlaskClient) -> dict[str, str]:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return account


def family_id_of(identifier: str) -> int:
    return int(identifier.rsplit(".", 1)[1])


def test_a_phone_change_is_saved_and_the_history_shows_old_and_new(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    token = csrf(client, "/famille/responsables/1")
    response = client.post(
        "/famille/responsables/1",
        data={
            "csrf_token": token,
            "phone1": "06 11 22 33 44",
            "phone2": "",
            "email": "claire.martin@example.fr",
        },
    )
    assert response.status_code == 302
    assert "06 11 22 33 44" in text(client.get("/famille?enregistre=1"))
    events = family_history(
        services.ports.uow(read_only=True), family_id_of(logged_in["identifier"])
    )
    change = next(e for e in events if e.action == "family.contact_update")
    assert change.details["changes"] == {"guardians.1.phones": ["+33612345678", "+33611223344"]}
    assert change.actor.identifier == logged_in["identifier"]
    assert change.actor.channel.value == "portail"


def test_a_bad_phone_is_refused_in_french_and_nothing_changes(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    token = csrf(client, "/famille/responsables/1")
    response = client.post(
        "/famille/responsables/1",
        data={"csrf_token": token, "phone1": "pas un numéro", "phone2": "", "email": "x@y.fr"},
    )
    assert response.status_code == 400
    assert "<title>Erreur :" in text(response)
    assert "+33612345678" not in text(client.get("/famille"))  # shown the French way
    assert "06 12 34 56 78" in text(client.get("/famille"))


def test_a_document_is_sent_listed_and_downloaded_by_its_family_only(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    token = csrf(client, "/famille/pieces")
    response = client.post(
        "/famille/pieces",
        data={
            "csrf_token": token,
            "type": "attestation_caf",
            "fichier": (io.BytesIO(PDF), "caf.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = text(client.get("/famille/pieces"))
    links = re.findall(r'href="(/famille/pieces/[0-9a-f]{32})"', page)
    assert links
    download = client.get(links[-1])
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    other = FlaskClient(client.application, use_cookies=True)
    second = open_family_account(services)
    activate(other, second["activation_url"])
    log_in(other, second["identifier"])
    assert other.get(links[-1]).status_code == 404  # another family's document
    assert other.get("/famille/pieces/" + "0" * 32).status_code == 404
    assert other.get("/famille/pieces/../../etc/passwd").status_code == 404
    assert other.get("/famille/responsables/3").status_code == 404


def test_a_file_that_is_not_a_document_is_refused(
    client: FlaskClient, logged_in: dict[str, str]
) -> None:
    token = csrf(client, "/famille/pieces")
    response = client.post(
        "/famille/pieces",
        data={
            "csrf_token": token,
            "type": "assurance",
            "fichier": (io.BytesIO(b"#!/bin/sh\necho hi\n"), "assurance.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés" in text(response)


def test_mes_donnees_is_the_whole_dossier_as_json(
    client: FlaskClient, logged_in: dict[str, str]
) -> None:
    response = client.get("/famille/mes-donnees")
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["format"] == "portail-famille/donnees-famille"
    assert data["account"]["identifier"] == logged_in["identifier"]
    assert data["family"]["name"] == "Martin"
    assert [c["first_name"] for c in data["family"]["children"]] == ["Léa", "Tom"]
    assert any(event["action"] == "login.success" for event in data["history"])


def test_these_pages_need_a_session(client: FlaskClient) -> None:
    for path in ("/famille/pieces", "/famille/mes-donnees", "/famille/responsables/1"):
        assert client.get(path).status_code == 302


def child_ids(client: FlaskClient) -> list[str]:
    return re.findall(r'href="/famille/enfants/(\d+)"', text(client.get("/famille")))


def test_health_and_authorisations_are_saved_and_kept_out_of_the_history(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    lea = child_ids(client)[0]
    token = csrf(client, f"/famille/enfants/{lea}")
    response = client.post(
        f"/famille/enfants/{lea}",
        data={
            "csrf_token": token,
            "allergies": "arachide, kiwi",
            "diet": "sans_porc",
            "diet_details": "",
            "has_pai": "non",
            "vaccinations": "oui",
            "photos": "on",
            "transport": "on",
        },
    )
    assert response.status_code == 302
    form = text(client.get(f"/famille/enfants/{lea}"))
    assert "arachide, kiwi" in form
    assert 'value="sans_porc" selected' in form
    events = family_history(
        services.ports.uow(read_only=True), family_id_of(logged_in["identifier"])
    )
    update = next(e for e in events if e.action == "child.health_update")
    assert "allergies" in update.details["health_fields_changed"]
    assert "kiwi" not in json.dumps(dict(update.details), ensure_ascii=False)
    assert update.details["changes"]["authorizations.emergency_care"] == ["True", "False"]


def test_another_familys_child_answers_404(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    mine = child_ids(client)[0]
    other = FlaskClient(client.application, use_cookies=True)
    second = open_family_account(services)
    activate(other, second["activation_url"])
    log_in(other, second["identifier"])
    assert other.get(f"/famille/enfants/{mine}").status_code == 404
    token = csrf(other, "/famille")
    attempt = other.post(f"/famille/enfants/{mine}", data={"csrf_token": token, "allergies": "x"})
    assert attempt.status_code == 404
    assert other.get("/famille/enfants/999999").status_code == 404


def test_viewing_a_childs_health_is_recorded_without_the_values(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    family_id = family_id_of(logged_in["identifier"])

    def reads() -> list[dict[str, object]]:
        events = family_history(services.ports.uow(read_only=True), family_id)
        return [dict(e.details) for e in events if e.action == "child.health_read"]

    assert reads() == []
    client.get("/famille")  # the family page shows no health information
    assert reads() == []
    lea = child_ids(client)[0]
    assert client.get(f"/famille/enfants/{lea}").status_code == 200
    assert reads() == [{"children": [int(lea)]}]
    read = next(
        e
        for e in family_history(services.ports.uow(read_only=True), family_id)
        if e.action == "child.health_read"
    )
    assert read.actor.identifier == logged_in["identifier"]
    assert read.actor.channel.value == "portail"
    client.get("/famille/mes-donnees")  # "Mes données" holds every child's health information
    assert reads()[0] == {"children": [int(i) for i in child_ids(client)]}

    other = FlaskClient(client.application, use_cookies=True)
    second = open_family_account(services)
    activate(other, second["activation_url"])
    log_in(other, second["identifier"])
    assert other.get(f"/famille/enfants/{lea}").status_code == 404
    assert len(reads()) == 2  # nothing recorded for another family's child
    history = json.dumps(
        [dict(e.details) for e in family_history(services.ports.uow(read_only=True), family_id)]
    )
    assert "Arachide" not in history


def test_a_bad_pai_date_is_refused_in_french(
    client: FlaskClient, logged_in: dict[str, str]
) -> None:
    lea = child_ids(client)[0]
    token = csrf(client, f"/famille/enfants/{lea}")
    response = client.post(
        f"/famille/enfants/{lea}",
        data={
            "csrf_token": token,
            "has_pai": "oui",
            "pai_valid_until": "demain",
            "vaccinations": "oui",
        },
    )
    assert response.status_code == 400
    assert "Date invalide" in text(response)


def test_authorised_persons_are_added_and_removed_with_history(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    token = csrf(client, "/famille/personnes-autorisees")
    added = client.post(
        "/famille/personnes-autorisees",
        data={
            "csrf_token": token,
            "first_name": "Paul",
            "last_name": "Voisin",
            "phone": "06 22 33 44 55",
            "relationship": "voisin",
            "can_pick_up": "on",
        },
    )
    assert added.status_code == 302
    page = text(client.get("/famille/personnes-autorisees"))
    assert "Paul Voisin (voisin), 06 22 33 44 55" in page
    refused = client.post(
        "/famille/personnes-autorisees",
        data={
            "csrf_token": token,
            "first_name": "",
            "last_name": "X",
            "phone": "abc",
            "relationship": "",
        },
    )
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in text(refused)
    people = re.findall(r'action="(/famille/personnes-autorisees/\d+/retirer)"', page)
    removed = client.post(people[-1], data={"csrf_token": token})
    assert removed.status_code == 302
    assert "Paul Voisin" not in text(client.get("/famille/personnes-autorisees"))
    assert (
        client.post(
            "/famille/personnes-autorisees/99/retirer", data={"csrf_token": token}
        ).status_code
        == 404
    )
    events = family_history(
        services.ports.uow(read_only=True), family_id_of(logged_in["identifier"])
    )
    kinds = [e.action for e in events]
    assert kinds.count("family.authorized_persons") == 2
