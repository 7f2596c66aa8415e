"""The families' information pages derived from the catalogue: tariffs, opening calendars."""

from collections.abc import Iterator
from html import unescape
from importlib.resources import files

import pendulum
import pytest
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.services.catalogue.offer import load_catalogue

ACTOR = Actor.staff("agent")
CLOCK = FixedClock(pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris"))


TODAY = pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris")


@pytest.fixture
def services(sqlite_settings: Settings) -> Iterator[Services]:
    services = bootstrap(sqlite_settings, clock=FixedClock(TODAY))
    assert services.engine is not None
    upgrade(services.engine)
    demo = read_commune_file((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    load_catalogue(services.ports.uow(), demo.details, demo.catalogue, actor=ACTOR, clock=CLOCK)
    yield services
    services.close()


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app({"TESTING": True}, services=services).test_client()


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status
    return unescape(response.get_data(as_text=True))


def test_the_tariffs_page_shows_each_bracket_in_euros_the_french_way(client: FlaskClient) -> None:
    html = page(client, "/tarifs")
    assert html.count("<h1") == 1
    assert '<h2 id="tarifs-CANTINE-PLAGE">Restaurant scolaire de l\'école de la Plage</h2>' in html
    assert '<th scope="row">QF à partir de 900</th>' in html
    assert "<td>4,15\u00a0€</td>" in html
    assert "<td>13,00\u00a0€</td>" in html
    assert "Avec panier-repas (PAI) : 1,20\u00a0€" in html
    assert "Réduction fratrie, 2e enfant : 10\u00a0%" in html
    assert "tarif en vigueur depuis le lundi 1er septembre 2025" in html
    # what an absence or a presence without reservation costs, per unit (the commune file)
    assert "<p>Absences et présences (Journée avec repas) :</p>" in html
    assert "<li>Absence justifiée : 1 premier jour facturé, puis gratuite</li>" in html
    assert "<li>Présence sans réservation : tarif majoré</li>" in html
    assert "<li>Annulation dans les délais : gratuite</li>" in html


def test_the_establishments_page_links_each_calendar(client: FlaskClient) -> None:
    html = page(client, "/structures")
    assert 'href="/structures/ALSH/calendrier"' in html
    # the SMA takes pre-registrations: its page says where to make one
    assert 'Accueil sur pré-inscription : <a href="/sma">Pré-inscription à la SMA</a>' in html


def test_the_calendar_shows_the_current_month_with_reasons_in_words(client: FlaskClient) -> None:
    html = page(client, "/structures/APS-PLAGE/calendrier")
    assert "<caption>Accueil périscolaire de l'école de la Plage – février 2027</caption>" in html
    assert '<th scope="row">lundi 15 février 2027</th>' in html
    assert 'Fermé<br><span class="reason">vacances scolaires (Vacances d\'hiver)</span>' in html
    assert html.count('<th scope="row">') == 28
    assert 'href="/structures/APS-PLAGE/calendrier?mois=2027-01"' in html
    assert 'href="/structures/APS-PLAGE/calendrier?mois=2027-03"' in html


def test_the_calendar_of_another_month(client: FlaskClient) -> None:
    html = page(client, "/structures/ALSH/calendrier?mois=2026-12")
    assert "décembre 2026" in html
    assert "fermeture de la structure (Fermeture de fin d'année)" in html
    assert "jour férié (Noël)" in html  # on 25 December the public holiday is the reason given
    assert html.count('<th scope="row">') == 31


@pytest.mark.parametrize(
    "month",
    [
        "2027-13",
        "février",
        "2027",
        "9999999-01",
        "<script>",
        "9999-12",
        "0001-01",
        "99999999999999999999-1",
        "2027-02-01",
        "-1-01",
    ],
)
def test_a_bad_month_answers_400_in_french(client: FlaskClient, month: str) -> None:
    html = page(client, f"/structures/ALSH/calendrier?mois={month}", status=400)
    assert "Mois invalide" in html
    assert "<script>" not in html.replace("« <script> »", "")


def test_an_unknown_establishment_answers_404(client: FlaskClient) -> None:
    html = page(client, "/structures/INCONNUE/calendrier", status=404)
    assert "Aucune structure « INCONNUE » au catalogue." in html


def test_pages_before_any_catalogue_say_nothing_is_published(sqlite_settings: Settings) -> None:
    services = bootstrap(sqlite_settings)
    assert services.engine is not None
    upgrade(services.engine)
    client = create_app({"TESTING": True}, services=services).test_client()
    try:
        assert "Aucun tarif n’est publié" in page(client, "/tarifs")
        assert "Aucune structure n’est publiée" in page(client, "/structures")
    finally:
        services.close()


def test_an_establishment_without_units_has_no_calendar(client: FlaskClient) -> None:
    html = page(client, "/structures/SMA/calendrier", status=404)
    assert "ne prend que des pré-inscriptions" in html
