"""« Informations utiles »: the hub, « Actualités » (public, and a family's own) and
« Contacts et informations pratiques », on SQLite through Flask's test client."""

import pytest
from flask.testing import FlaskClient

from entrypoints.bootstrap import Services
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STAFF,
    activate,
    client,
    clock,
    log_in,
    open_family_account,
    services,
    text,
)
from tests.unit.test_news import HOSTILE, elements

ENTRIES = '<ul class="entries information-entries">'


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return text(response)


def publish(services: Services, title: str, body: str = "Texte.", code: str | None = None) -> int:
    news = services.portail.news
    line = news.add(title=title, text=body, establishment_code=code, actor=STAFF)
    assert line.item.id is not None
    news.publish(line.item.id, actor=STAFF)
    return line.item.id


@pytest.fixture
def logged_in(services: Services, client: FlaskClient) -> FlaskClient:
    account = open_family_account(services)  # the Martins: Léa and Tom at the École de la Plage
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return client


def test_the_hub_lists_the_pages_and_no_news_entry_while_there_is_none(
    client: FlaskClient,
) -> None:
    html = page(client, "/informations")
    assert html.count("<h1") == 1
    assert "<h1>Informations utiles</h1>" in html
    entries = html.split(ENTRIES, 1)[1].split("</ul>", 1)[0]
    assert '<a href="/structures">Structures et calendriers</a>' in entries
    assert '<a href="/tarifs">Tarifs</a>' in entries
    assert '<a href="/contacts">Contacts et informations pratiques</a>' in entries
    assert "Actualités" not in entries


def test_the_family_home_leads_to_the_hub_and_shows_the_latest_news(
    services: Services, logged_in: FlaskClient
) -> None:
    home = page(logged_in, "/espace")
    assert '<a href="/informations">Informations utiles</a>' in home
    assert "Actualités" not in home  # nothing published: nothing promised
    for number in range(1, 5):
        publish(services, f"Nouvelle {number}")
    home = page(logged_in, "/espace")
    assert home.count('class="news-item"') == 3
    assert '<h2 id="dernieres-actualites">Actualités</h2>' in home
    assert '<a href="/actualites">Toutes les actualités</a>' in home
    assert page(logged_in, "/actualites").count('class="news-item"') == 4
    assert '<a href="/actualites">Actualités</a>' in page(logged_in, "/informations")


def test_news_for_a_structure_are_for_its_families_only(
    services: Services, client: FlaskClient
) -> None:
    publish(services, "Sortie à la plage", code="APS-PLAGE")
    publish(services, "Travaux aux Pins", code="APS-PINS")
    assert "Sortie à la plage" not in page(client, "/actualites")  # the public page
    assert "Aucune actualité en ce moment." in page(client, "/actualites")
    assert "Actualités" not in page(client, "/informations").split(ENTRIES, 1)[1]
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    html = page(client, "/actualites")
    assert "Sortie à la plage" in html
    assert "Pour les familles de Accueil périscolaire" in html
    assert "Travaux aux Pins" not in html


def test_hostile_markup_reaches_the_page_as_text_only(
    services: Services, client: FlaskClient
) -> None:
    publish(services, "<b>Titre</b> <script>alert(0)</script>", HOSTILE)
    html = client.get("/actualites").get_data(as_text=True)
    article = html.split('<article class="news-item"', 1)[1].split("</article>", 1)[0]
    found = elements("<article" + article)
    assert {tag for tag, _ in found} <= {"article", "h2", "p", "div", "br", "a"}
    for tag, attributes in found:
        assert not [name for name, _ in attributes if name.startswith("on")], tag
        href = dict(attributes).get("href")
        assert href is None or href.startswith(("https://", "http://", "mailto:"))
    assert "&lt;b&gt;Titre&lt;/b&gt; &lt;script&gt;alert(0)&lt;/script&gt;" in html


def test_the_contacts_page_gives_the_desk_and_each_structure(client: FlaskClient) -> None:
    html = page(client, "/contacts")
    assert html.count("<h1") == 1
    assert "<h2>Guichet unique</h2>" in html
    assert "Hôtel de ville, 1 place de la Mairie" in html
    assert '<a href="tel:+33558001234">05 58 00 12 34</a>' in html
    assert "<h3>Accueil de loisirs Les Dunes</h3>" in html
    assert '<a href="tel:+33558001240">05 58 00 12 40</a>' in html
    assert "<dt>Horaires</dt><dd>Mercredis et vacances scolaires, 7h30-18h30</dd>" in html
    assert '<a href="mailto:alsh@demo-sur-mer.example">' in html


def test_the_structures_page_gives_their_contacts_too(client: FlaskClient) -> None:
    html = page(client, "/structures")
    assert "<dt>Adresse</dt><dd>1 chemin des Dunes, 99100 Démo-sur-Mer</dd>" in html
    assert '<a href="tel:+33558001245">05 58 00 12 45</a>' in html
