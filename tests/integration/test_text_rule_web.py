"""The text rule at the web's entries, on SQLite and PostgreSQL (which refuses a NUL in a
query: the 500 of the security review): a NUL, a control or an invisible format character in a
URL path answers the French 404 page, in a query or a form the French 400 page, and a name typed
with a right-to-left override is refused by the core with nothing saved."""

from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from portail_core.services.catalogue.offer import load_catalogue
from tests.integration.conftest import DATABASES, empty_database_url
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STAFF,
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    text,
)

PATHS = [
    "/reservations/recapitulatif/abc%00def",
    "/reservations/recapitulatif/abc%E2%80%AEdef",  # U+202E right-to-left override
    "/reservations/recapitulatif/%1B%5B2J",
    "/activation/abc%00def",
    "/factures/12%00",
]


@pytest.fixture(params=DATABASES)
def services(
    request: pytest.FixtureRequest, instance_path: Path, tmp_path: Path, clock: FixedClock
) -> Iterator[Services]:
    for url in empty_database_url(request.param, tmp_path):
        settings = Settings.from_env(
            {
                "PORTAIL_INSTANCE_PATH": str(instance_path),
                "PORTAIL_DATABASE_URL": url,
                "PORTAIL_SECRET_KEY": "test-secret-key-" + "x" * 40,
            }
        )
        services = bootstrap(settings, clock=clock)
        assert services.engine is not None
        upgrade(services.engine)
        demo = files("entrypoints.demo") / "commune-demo.toml"
        commune = read_commune_file(demo.read_text("utf-8"))
        load_catalogue(
            services.ports.uow(), commune.details, commune.catalogue, actor=STAFF, clock=clock
        )
        yield services
        services.close()


@pytest.fixture
def logged_in(services: Services, client: FlaskClient) -> dict[str, str]:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return account


@pytest.mark.parametrize("path", PATHS)
def test_a_control_character_in_a_path_answers_the_french_404_page(
    client: FlaskClient, logged_in: dict[str, str], path: str
) -> None:
    response = client.get(path)
    assert response.status_code in {400, 404}
    page = text(response)
    assert '<html lang="fr">' in page
    assert "Traceback" not in page
    posted = client.post(path, data={"csrf_token": csrf(client, "/famille")})
    assert posted.status_code in {400, 404, 405}


def test_a_control_character_in_a_query_answers_the_french_400_page(
    client: FlaskClient, logged_in: dict[str, str]
) -> None:
    response = client.get("/reservations?enfant=1%00")
    assert response.status_code == 400
    assert "U+0000 (caractère nul)" in text(response)


def test_a_name_with_a_right_to_left_override_is_refused_and_nothing_is_saved(
    client: FlaskClient, logged_in: dict[str, str]
) -> None:
    token = csrf(client, "/famille/personnes-autorisees")
    refused = client.post(
        "/famille/personnes-autorisees",
        data={
            "csrf_token": token,
            "first_name": "Pa\u202eul",
            "last_name": "Voi\u200bsin",
            "phone": "06 22 33 44 55",
            "relationship": "voisin",
            "can_pick_up": "on",
        },
    )
    assert refused.status_code == 400
    page = text(refused)
    assert "U+202E (caractère invisible de mise en forme)" in page
    assert "U+200B" in page
    assert "Voisin" not in text(client.get("/famille/personnes-autorisees"))
