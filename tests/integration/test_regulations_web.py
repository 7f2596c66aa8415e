"""« Règlements intérieurs » through Flask's client on SQLite: nothing shown while the town
publishes none; a published version readable by anyone (its PDF), accepted online by a family
of the children concerned with its button (once, audited), the notice on the family's pages until
then; a stale version refused with its reason; no CSRF token or no session, nothing done."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from entrypoints.bootstrap import Services
from portail_core.services.dossiers.reading import family_history
from portail_core.services.regulations.publishing import RegulationUpload
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STAFF,
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
PAGE = "/informations/reglements"


def publish(services: Services, number: str = "2026-2", **options: object) -> None:
    services.portail.regulations.publish(
        establishment_code=str(options.pop("code", "ALSH")),
        upload=RegulationUpload(PDF, "reglement.pdf"),
        version=number,
        effective_from=date(2026, 6, 1),
        deadline=options.pop("deadline", date(2026, 9, 30)),  # type: ignore[arg-type]
        title="Règlement intérieur de l'accueil de loisirs",
        actor=STAFF,
    )


@pytest.fixture
def family(services: Services, client: FlaskClient) -> int:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return int(account["identifier"].rsplit(".", 1)[1])


def accepted_versions(services: Services, family: int) -> list[str]:
    with services.ports.uow(read_only=True) as uow:
        found = uow.families.get(family)
    assert found is not None
    return [c.version for c in found.consents if c.establishment_code == "ALSH"]


def test_a_town_that_publishes_nothing_shows_nothing(client: FlaskClient, family: int) -> None:
    assert "Règlements intérieurs" not in text(client.get("/informations"))
    assert "Règlement intérieur à accepter" not in text(client.get("/espace"))
    page = text(client.get(PAGE))
    assert "La commune ne publie pas de règlement intérieur sur le portail" in page
    assert "J’ai lu et j’accepte" not in page


def test_anyone_reads_a_published_version_and_its_pdf(
    services: Services, client: FlaskClient
) -> None:
    publish(services)
    assert 'href="/informations/reglements"' in text(client.get("/informations"))
    page = text(client.get(PAGE))
    assert "Accueil de loisirs Les Dunes" in page
    assert "Règlement intérieur de l'accueil de loisirs" in page
    assert "lundi 1er juin 2026" in page
    assert "Connectez-vous" in page
    assert "J’ai lu et j’accepte" not in page
    document = client.get(f"{PAGE}/ALSH/2026-2.pdf")
    assert document.status_code == 200
    assert document.mimetype == "application/pdf"
    assert document.data == PDF
    assert "reglement-ALSH-2026-2.pdf" in document.headers["Content-Disposition"]
    assert client.get(f"{PAGE}/ALSH/2099-1.pdf").status_code == 404
    assert client.get(f"{PAGE}/..%2F..%2Fetc/passwd.pdf").status_code == 404


def test_a_family_accepts_the_new_version_once_and_the_notice_goes(
    services: Services, client: FlaskClient, family: int
) -> None:
    publish(services)
    space = text(client.get("/espace"))
    assert "Règlement intérieur à accepter" in space
    assert "au plus tard le mercredi 30 septembre 2026" in space
    assert "Règlement intérieur à accepter" in text(client.get("/reservations"))
    page = text(client.get(PAGE))
    assert "À accepter : version 2026-2." in page
    assert (
        "Vos enfants ne fréquentent pas cette structure"
        not in page.split("Accueil de loisirs Les Dunes")[1]
    )
    token = csrf(client, PAGE)
    done = client.post(f"{PAGE}/ALSH/acceptation", data={"csrf_token": token, "version": "2026-2"})
    assert done.status_code == 302
    after = text(client.get(done.headers["Location"]))
    assert (
        "Votre acceptation du règlement intérieur de Accueil de loisirs Les Dunes est enregistrée."
        in after
    )
    assert "Vous avez accepté ce règlement intérieur." in after
    assert "Règlement intérieur à accepter" not in text(client.get("/espace"))
    again = client.post(f"{PAGE}/ALSH/acceptation", data={"csrf_token": token, "version": "2026-2"})
    assert again.status_code == 302
    assert accepted_versions(services, family) == ["2026-1", "2026-2"]
    history = family_history(services.ports.uow(read_only=True), family)
    [event] = [e for e in history if e.action == "regulation.accept"]
    assert event.actor.channel.value == "portail"
    assert event.details == {"establishment": "ALSH", "version": ["2026-1", "2026-2"]}


def test_a_stale_version_a_missing_token_or_session_records_nothing(
    services: Services, client: FlaskClient, family: int
) -> None:
    publish(services)
    token = csrf(client, PAGE)
    stale = client.post(f"{PAGE}/ALSH/acceptation", data={"csrf_token": token, "version": "2026-1"})
    assert stale.status_code == 409
    assert "la version en vigueur est la 2026-2 (et non la 2026-1)" in text(stale)
    unknown = client.post(f"{PAGE}/NOPE/acceptation", data={"csrf_token": token, "version": "1"})
    assert unknown.status_code == 404
    no_token = client.post(f"{PAGE}/ALSH/acceptation", data={"version": "2026-2"})
    assert no_token.status_code == 400
    client.post("/deconnexion", data={"csrf_token": token})
    anonymous = client.post(
        f"{PAGE}/ALSH/acceptation", data={"csrf_token": token, "version": "2026-2"}
    )
    assert anonymous.status_code in {302, 400}
    assert accepted_versions(services, family) == ["2026-1"]


def test_a_structure_of_another_school_asks_nothing(
    services: Services, client: FlaskClient, family: int
) -> None:
    publish(services, "2026-1", code="APS-PINS", deadline=None)
    page = text(client.get(PAGE))
    assert "Vos enfants ne fréquentent pas cette structure : vous n’avez rien à accepter." in page
    assert "Règlement intérieur à accepter" not in text(client.get("/espace"))
