"""Refusals on the dossier's forms through Flask's client on SQLite: a health text over its limit
is refused with the limit named and nothing stored or lost (never cut and « enregistré »); a
refused document shows its error alone, with the form as it was."""

import io
import re

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from entrypoints.bootstrap import Services
from portail_core.domain.dossiers.child import Child
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    client,
    clock,
    csrf,
    services,
    text,
)
from tests.integration.test_family_web import child_ids, family_id_of, logged_in  # noqa: F401


def stored_child(services: Services, identifier: str, child_id: str) -> Child:
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id_of(identifier))
    assert family is not None
    child = family.child(int(child_id))
    assert child is not None
    return child


def send_health(client: FlaskClient, child_id: str, **fields: str) -> TestResponse:
    token = csrf(client, f"/famille/enfants/{child_id}")
    form = {"csrf_token": token, "diet": "aucun", "vaccinations": "oui", **fields}
    return client.post(f"/famille/enfants/{child_id}", data=form)


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea id="champ-{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, page
    return match[1]


def test_allergies_over_1000_characters_are_refused_whole_and_kept_in_the_form(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    lea = child_ids(client)[0]
    typed = "Arachide, noix de cajou et pistache. " * 27 + "Fin."  # 1003 characters
    assert len(typed.strip()) > 1000
    response = send_health(client, lea, allergies=typed, diet="sans_porc", photos="on")
    page = text(response)
    assert response.status_code == 400
    assert "<title>Erreur : " in page
    assert "Les allergies tiennent en 1 000 caractères au plus." in page
    assert textarea(page, "allergies") == typed  # what was typed, whole
    assert 'value="sans_porc" selected' in page  # and the rest of the form too
    assert 'name="photos" checked' in page
    assert 'aria-invalid="true"' in page
    assert 'maxlength="1000"' in page
    assert stored_child(services, logged_in["identifier"], lea).allergies == ""  # nothing stored


def test_allergies_of_1000_characters_are_stored_whole(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    lea = child_ids(client)[0]
    typed = ("Kiwi. " * 167)[:999] + "X"
    assert len(typed) == 1000
    assert send_health(client, lea, allergies=typed).status_code == 302
    assert stored_child(services, logged_in["identifier"], lea).allergies == typed


def test_pai_instructions_over_2000_characters_are_refused_and_kept_in_the_form(
    services: Services, client: FlaskClient, logged_in: dict[str, str]
) -> None:
    lea = child_ids(client)[0]
    typed = "Trousse d'urgence dans le sac de l'animateur.\r\n" * 45  # 2069 once lines are joined
    response = send_health(
        client, lea, has_pai="oui", pai_valid_until="2027-07-04", pai_instructions=typed
    )
    page = text(response)
    assert response.status_code == 400
    assert "Les consignes du PAI tiennent en 2 000 caractères au plus." in page
    assert textarea(page, "pai_instructions").replace("\r\n", "\n") == typed.replace("\r\n", "\n")
    assert 'value="2027-07-04"' in page
    assert 'maxlength="2000"' in page
    pai = stored_child(services, logged_in["identifier"], lea).pai
    assert pai is not None
    assert pai.has_pai is False


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(client: FlaskClient, path: str, kind: str, content: bytes, name: str) -> TestResponse:
    token = csrf(client, "/famille/pieces")
    return client.post(
        path,
        data={"csrf_token": token, "type": kind, "fichier": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("path", ["/famille/pieces", "/famille/pieces?envoye=1"])
def test_a_refused_document_after_a_sent_one_shows_only_its_error(
    client: FlaskClient, logged_in: dict[str, str], path: str
) -> None:
    sent = upload(client, "/famille/pieces", "attestation_caf", PDF, "caf.pdf")
    assert sent.headers["Location"].endswith("/famille/pieces?envoye=1")
    after = text(client.get(sent.headers["Location"]))
    assert "Votre pièce est envoyée." in after
    assert '<form method="post" action="/famille/pieces"' in after  # not back to « envoyé »
    refused = upload(client, path, "assurance", b"#!/bin/sh\necho hi\n", "assurance.pdf")
    page = text(refused)
    assert refused.status_code == 400
    assert "Seuls les fichiers PDF, JPEG et PNG sont acceptés" in page
    assert "Votre pièce est envoyée." not in page
    assert '<option value="assurance" selected>' in page  # the form as it was
