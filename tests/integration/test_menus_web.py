"""« Menus de la restauration scolaire » through Flask's client on SQLite: nothing about menus
while none is published (no link, 404); the allergens ticked in « Santé et autorisations »
(kept with the free text) highlight the dishes to avoid, in words, and that display is an
audited health read; another school's menu is not shown; bad input answers in French."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from entrypoints.bootstrap import Services
from portail_core.domain.audit import Actor
from portail_core.services.dossiers.reading import family_history
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

CSV = (
    "structure;date;composante;intitule;allergenes\n"
    "CANTINE-PLAGE;07/09/2026;entrée;Carottes râpées;moutarde\n"
    "CANTINE-PLAGE;07/09/2026;plat;Poulet rôti;\n"
    "CANTINE-PLAGE;08/09/2026;dessert;Brownie aux cacahuètes;gluten, œufs, lait, arachides\n"
    "CANTINE-PLAGE;14/09/2026;plat;Poisson pané;poisson, gluten\n"
    "CANTINE-PINS;07/09/2026;plat;Couscous des Pins;gluten\n"
)


@pytest.fixture
def family_id(services: Services, client: FlaskClient) -> int:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return int(account["identifier"].rsplit(".", 1)[1])


def import_menus(services: Services) -> None:
    lines = services.formats.menus_csv(CSV)
    services.portail.menus.import_lines(lines, actor=Actor.staff("agent"))


def child_ids(services: Services, family: int) -> dict[str, int]:
    found = services.portail.dossiers.family(family)
    return {c.first_name: c.id or 0 for c in found.children}


def tick(client: FlaskClient, child: int, *allergens: str) -> TestResponse:
    token = csrf(client, f"/famille/enfants/{child}")
    response = client.post(
        f"/famille/enfants/{child}",
        data={
            "csrf_token": token,
            "allergies": "Arachide",
            "allergens": list(allergens),
            "diet": "aucun",
            "has_pai": "oui",
            "pai_valid_until": "2027-07-04",
            "pai_instructions": "Trousse d'urgence dans le sac de l'animateur.",
            "vaccinations": "oui",
        },
    )
    return response


def test_no_menu_published_shows_nothing_about_menus(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    assert "Menus" not in text(client.get("/informations"))
    assert client.get("/menus").status_code == 404


def test_the_week_shows_allergens_in_words_and_the_child_s_own(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    import_menus(services)
    tom = child_ids(services, family_id)["Tom"]
    assert tick(client, tom, "arachides", "moutarde").status_code == 302
    form = text(client.get(f"/famille/enfants/{tom}"))
    assert 'value="arachides" checked' in form
    assert 'value="gluten" checked' not in form
    assert "Arachide</textarea>" in form  # the free text kept
    hub = text(client.get("/informations"))
    assert 'href="/menus">Menus de la restauration scolaire</a>' in hub
    page = text(client.get("/menus?semaine=2026-09-09"))
    assert "<h1>Menus de la restauration scolaire</h1>" in page
    assert "Semaine du lundi 7 septembre 2026 au dimanche 13 septembre 2026" in page
    assert "Restaurant scolaire de l’école de la Plage" in page or "école de la Plage" in page
    assert "Allergènes : gluten, œufs, arachides, lait" in page
    assert "Allergènes : aucun" in page
    assert "À éviter pour Tom : arachides" in page
    assert "À éviter pour Tom : moutarde" in page
    assert "Couscous des Pins" not in page
    assert 'href="/menus?semaine=2026-09-14">Semaine suivante' in page
    assert "Semaine précédente" not in page
    events = family_history(services.ports.uow(read_only=True), family_id)
    read = [e for e in events if e.summary == "Allergies consultées avec les menus : Tom"]
    assert len(read) == 1
    assert "arachides" not in str(read[0].details)


def test_a_week_without_menu_and_a_bad_week(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    import_menus(services)
    empty = text(client.get("/menus?semaine=2026-09-21"))
    assert "Aucun menu n’est publié pour cette semaine." in empty
    assert 'href="/menus?semaine=2026-09-14">Semaine précédente' in empty
    bad = client.get("/menus?semaine=demain")
    assert bad.status_code == 404
    assert "Semaine introuvable" in text(bad)


def test_an_unknown_allergen_is_refused_with_the_form_kept(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    tom = child_ids(services, family_id)["Tom"]
    refused = tick(client, tom, "arachides", "kiwi")
    assert refused.status_code == 400
    assert "Les allergènes sont ceux du règlement européen" in text(refused)
    assert 'href="#champ-allergens"' in text(refused)
    page = text(client.get(f"/famille/enfants/{tom}"))
    assert 'value="arachides" checked' not in page  # nothing saved


def test_the_page_needs_a_logged_in_family(services: Services, client: FlaskClient) -> None:
    import_menus(services)
    response = client.get("/menus")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert "Menus" not in text(client.get("/informations"))
