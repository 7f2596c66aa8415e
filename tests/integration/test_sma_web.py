"""« Pré-inscription à la SMA » through Flask's client on SQLite: reached from the family space,
a request filed (POST-redirect-GET) and listed with its state and rank; bad input refused in
French with the error summary, the values kept and nothing stored; an offer accepted (the child
is enrolled) or declined; an answer after the deadline shows a fixed message (never text from
the URL); another family's request never shown nor answered; CSRF required; a commune without
an SMA shows nothing (404)."""

from __future__ import annotations

import re

import attrs
import pendulum
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import ServiceKind
from portail_core.domain.sma import SmaRequest, SmaState
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    NOW,
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
from tests.integration.test_billing_repository import add_family

FORM = {
    "child": "a-naitre",
    "last_name": "Martin",
    "expected_birth_date": "10/10/2026",
    "start_date": "04/01/2027",
    "day_monday": "1",
    "start_monday": "8:30",
    "end_monday": "17:00",
    "day_thursday": "1",
    "start_thursday": "9h",
    "end_thursday": "16h30",
    "wish_1": "SMA",
}


@pytest.fixture
def identifier(services: Services, client: FlaskClient) -> str:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return account["identifier"]


@pytest.fixture
def family_id(identifier: str) -> int:
    return int(identifier.rsplit(".", 1)[1])


def post(client: FlaskClient, path: str, data: dict[str, str]) -> TestResponse:
    token = csrf(client, "/sma/demande")
    return client.post(path, data={"csrf_token": token, **data})


def stored(services: Services) -> list[SmaRequest]:
    with services.ports.uow(read_only=True) as uow:
        return uow.sma_requests.open_requests()


def offer(services: Services, request_id: int, deadline: str = "30/06/2026") -> None:
    day, month, year = (int(part) for part in deadline.split("/"))
    services.portail.sma.offer(
        request_id,
        establishment_code="SMA",
        start=pendulum.date(2027, 1, 4),
        deadline=pendulum.date(year, month, day),
        actor=STAFF,
    )


def test_a_request_is_filed_and_listed_with_its_state_and_rank(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    assert "Pré-inscription à la SMA" in text(client.get("/espace"))
    assert "Vous n’avez pas de demande" in text(client.get("/sma"))
    other, _ = add_family(services.ports.uow, "Dupont")
    services.portail.sma.request(
        family_id=other, child_id=None, last_name="Dupont", expected_birth_date="01/09/2026",
        start_date="01/12/2026", hours={"mardi": ("8:00", "18:00")}, wishes=["SMA"],
        actor=Actor.system("test"),
    )  # fmt: skip
    answer = post(client, "/sma/demande", FORM)
    assert answer.status_code == 303, text(answer)
    page = text(client.get(answer.headers["Location"]))
    assert "Votre demande est déposée" in page
    assert "Demande n° 2 : enfant à naître (Martin)" in page
    assert "Déposée" in page
    assert "04/01/2027" in page or "4 janvier 2027" in page
    assert "Multi-accueil Les Petits Crabes : rang 2 sur la liste d’attente" in page
    assert "Dupont" not in page
    assert "Demande n° 1" not in page
    again = post(client, "/sma/demande", FORM)
    assert again.status_code == 409
    assert "a déjà une demande en cours (n° 2" in text(again)
    assert len(stored(services)) == 2


def test_bad_input_is_listed_in_the_summary_the_values_kept_nothing_stored(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    page = text(client.get("/sma/demande"))
    assert page.count("<h1>") == 1
    assert "Un enfant à naître" in page
    wrong = {**FORM, "start_date": "31/02/2027", "start_thursday": "25:00", "wish_1": ""}
    answer = post(client, "/sma/demande", wrong)
    assert answer.status_code == 400
    html = text(answer)
    assert "<title>Erreur – " in html
    assert 'class="error-summary"' in html
    assert 'href="#champ-start_date"' in html
    assert 'href="#champ-wishes"' in html
    assert "Choisissez au moins une structure souhaitée." in html
    assert 'href="#champ-hours_thursday"' in html
    assert 'value="31/02/2027"' in html
    assert 'value="25:00"' in html
    assert 'value="Martin"' in html
    assert re.search(r'value="a-naitre" checked', html)
    nobody = post(client, "/sma/demande", {**FORM, "child": "9999", "start_date": ""})
    assert nobody.status_code == 400
    html = text(nobody)  # the missing child listed with every other problem
    assert 'href="#champ-child"' in html
    assert 'href="#champ-start_date"' in html
    assert "Choisissez un enfant du dossier, ou un enfant à naître." in html
    unknown = post(client, "/sma/demande", {**FORM, "child": "9999"})
    assert unknown.status_code == 400
    assert 'href="#champ-child"' in text(unknown)
    assert stored(services) == []


def test_an_offer_is_accepted_the_child_is_enrolled_a_declined_one_closes_the_request(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    family = services.portail.dossiers.family(family_id)
    lea, tom = (c.id for c in family.children[:2])
    assert lea is not None
    assert tom is not None
    for child in (lea, tom):
        filed = post(client, "/sma/demande", {**FORM, "child": str(child), "last_name": ""})
        assert filed.status_code == 303, text(filed)
    first, second = (r.id for r in stored(services))
    assert first is not None
    assert second is not None
    offer(services, first)
    offer(services, second)
    page = text(client.get("/sma"))
    assert page.count("Une place vous est proposée") == 2
    assert "Répondez avant le" in page
    accepted = post(client, f"/sma/{first}/reponse", {"reponse": "accepter"})
    assert accepted.headers["Location"].endswith("/sma?reponse=accepter")
    assert "Vous avez accepté la place" in text(client.get("/sma?reponse=accepter"))
    declined = post(client, f"/sma/{second}/reponse", {"reponse": "refuser"})
    assert declined.status_code == 303
    page = text(client.get("/sma?reponse=refuser"))
    assert "Vous avez refusé la place" in page
    assert "Acceptée" in page
    assert "Refusée" in page
    enrolled = services.portail.dossiers.family(family_id).child(lea)
    assert enrolled is not None
    assert ("SMA", "PLACE") in enrolled.enrolments
    again = post(client, f"/sma/{first}/reponse", {"reponse": "refuser"})
    assert again.headers["Location"].endswith("/sma?refus=etat")
    shown = text(client.get("/sma?refus=etat"))
    assert "Cette demande a changé entre-temps" in shown
    odd = post(client, f"/sma/{first}/reponse", {"reponse": "peut-être"})
    assert odd.status_code == 400


def test_an_answer_after_the_deadline_shows_a_fixed_message_never_the_urls_text(
    client: FlaskClient, identifier: str, services: Services, clock: FixedClock
) -> None:
    assert post(client, "/sma/demande", FORM).status_code == 303
    [request] = stored(services)
    offer(services, request.id, deadline="20/06/2026")
    clock.advance(pendulum.duration(days=6))
    log_in(client, identifier)  # the session ended meanwhile
    late = post(client, f"/sma/{request.id}/reponse", {"reponse": "accepter"})
    assert late.headers["Location"].endswith("/sma?refus=delai")
    page = text(client.get("/sma?refus=delai"))
    assert "Le délai de réponse à cette offre est passé" in page
    forged = text(client.get("/sma?refus=Votre+compte+est+bloqué,+appelez+le+0899"))
    assert "0899" not in forged
    assert 'role="alert"' not in forged
    [still] = stored(services)
    assert still.state is SmaState.OFFERED


def test_another_familys_request_is_never_answered_and_csrf_is_required(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    other, _ = add_family(services.ports.uow, "Dupont")
    request = services.portail.sma.request(
        family_id=other, child_id=None, last_name="Dupont", expected_birth_date="01/09/2026",
        start_date="01/12/2026", hours={"mardi": ("8:00", "18:00")}, wishes=["SMA"],
        actor=Actor.system("test"),
    )  # fmt: skip
    assert request.id is not None
    offer(services, request.id)
    theirs = post(client, f"/sma/{request.id}/reponse", {"reponse": "accepter"})
    assert theirs.status_code == 404
    assert post(client, f"/sma/{request.id}/confirmation", {}).status_code == 404
    forged = client.post("/sma/demande", data=FORM)
    assert forged.status_code == 400
    no_token = client.post(f"/sma/{request.id}/reponse", data={"reponse": "refuser"})
    assert no_token.status_code == 400
    [still] = stored(services)
    assert still.state is SmaState.OFFERED


def test_a_commune_without_an_sma_shows_nothing(
    client: FlaskClient, family_id: int, services: Services
) -> None:
    with services.ports.uow() as uow:
        catalogue = uow.catalogue.get()
        kept = [e for e in catalogue.establishments if e.kind is not ServiceKind.SMA]
        uow.catalogue.replace(attrs.evolve(catalogue, establishments=kept))
        uow.commit()
    assert "Pré-inscription à la SMA" not in text(client.get("/espace"))
    assert client.get("/sma").status_code == 404
    assert client.get("/sma/demande").status_code == 404
    assert client.post("/sma/demande", data={"csrf_token": "x", **FORM}).status_code in {400, 404}
