"""The commune's look on its portal: a stylesheet that sets its colour and its logo, each at a URL
naming what it serves (kept a year by browsers), and the header showing the logo; a commune
without a look gets pages without either, and 404 at those URLs."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pendulum
import pytest
from flask.testing import FlaskClient
from PIL import Image

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
DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
COLOUR = "#1d4e2c"
A_YEAR = "public, max-age=31536000, immutable"


def logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 64), (29, 78, 44)).save(buffer, format="PNG")
    return buffer.getvalue()


def with_look(folder: Path, logo: bytes) -> Path:
    """The demo file with a ``[look]`` table, next to its logo, in ``folder``."""
    (folder / "logo-mairie.png").write_bytes(logo)
    path = folder / "commune.toml"
    look = f'[look]\ncolour = "{COLOUR.upper()}"\nlogo = "logo-mairie.png"\n\n[commune]'
    path.write_text(DEMO.replace("[commune]", look, 1), "utf-8")
    return path


def load(services: Services, text: str, folder: Path | None = None) -> None:
    commune_file = read_commune_file(text, folder)
    load_catalogue(
        services.ports.uow(), commune_file.details, commune_file.catalogue, actor=ACTOR, clock=CLOCK
    )


@pytest.fixture
def services(sqlite_settings: Settings) -> Iterator[Services]:
    services = bootstrap(sqlite_settings, clock=CLOCK)
    assert services.engine is not None
    upgrade(services.engine)
    yield services
    services.close()


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app({"TESTING": True}, services=services).test_client()


def home(client: FlaskClient) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_header_shows_the_logo_and_the_page_links_the_colour(
    services: Services, client: FlaskClient, tmp_path: Path
) -> None:
    logo = logo_png()
    path = with_look(tmp_path, logo)
    load(services, path.read_text("utf-8"), path.parent)
    html = home(client)
    digest = hashlib.sha256(logo).hexdigest()
    stylesheet = hashlib.sha256(COLOUR.encode()).hexdigest()[:16]
    assert f'<link rel="stylesheet" href="/apparence-{stylesheet}.css">' in html
    # alt="": the link's text names the portal and the town right after the image
    assert (
        f'<a href="/"><img class="site-logo" src="/logo-{digest}" alt="">Portail Famille '
        '<span class="site-town">Ville de Démo-sur-Mer</span></a>'
    ) in html
    # the colour's stylesheet comes after portail.css, which it overrides
    assert html.index("portail.css") < html.index("/apparence-")
    assert "style=" not in html  # the content security policy forbids inline styles


def test_the_stylesheet_sets_the_colour_and_is_kept_a_year(
    services: Services, client: FlaskClient, tmp_path: Path
) -> None:
    path = with_look(tmp_path, logo_png())
    load(services, path.read_text("utf-8"), path.parent)
    href = re.search(r'href="(/apparence-[0-9a-f]{16}\.css)"', home(client))
    assert href is not None
    response = client.get(href.group(1))
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.get_data(as_text=True) == f":root {{ --brand: {COLOUR}; }}\n"
    assert response.headers["Cache-Control"] == A_YEAR
    assert client.get("/apparence-0123456789abcdef.css").status_code == 404


def test_the_logo_is_served_as_the_image_it_is_kept_a_year(
    services: Services, client: FlaskClient, tmp_path: Path
) -> None:
    logo = logo_png()
    path = with_look(tmp_path, logo)
    load(services, path.read_text("utf-8"), path.parent)
    response = client.get(f"/logo-{hashlib.sha256(logo).hexdigest()}")
    assert response.status_code == 200
    assert response.data == logo
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == A_YEAR
    assert client.get(f"/logo-{'0' * 64}").status_code == 404


def test_a_new_logo_and_colour_are_new_urls_and_the_old_ones_are_gone(
    services: Services, client: FlaskClient, tmp_path: Path
) -> None:
    first = logo_png()
    path = with_look(tmp_path, first)
    load(services, path.read_text("utf-8"), path.parent)
    old_page = home(client)
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100), (0, 0, 0)).save(buffer, format="WEBP")
    second = buffer.getvalue()
    (tmp_path / "logo-mairie.png").write_bytes(second)  # a WebP under a .png name: read as WebP
    load(services, path.read_text("utf-8").replace(COLOUR.upper(), "#5A2D0C"), path.parent)
    new_page = home(client)
    assert f"/logo-{hashlib.sha256(second).hexdigest()}" in new_page
    assert client.get(f"/logo-{hashlib.sha256(second).hexdigest()}").mimetype == "image/webp"
    assert client.get(f"/logo-{hashlib.sha256(first).hexdigest()}").status_code == 404
    old_css = re.search(r"/apparence-[0-9a-f]{16}\.css", old_page)
    new_css = re.search(r"/apparence-[0-9a-f]{16}\.css", new_page)
    assert old_css is not None
    assert new_css is not None
    assert old_css.group() != new_css.group()
    assert client.get(old_css.group()).status_code == 404
    assert "#5a2d0c" in client.get(new_css.group()).get_data(as_text=True)


def test_a_commune_without_look_has_neither_and_404s_at_their_urls(
    services: Services, client: FlaskClient
) -> None:
    load(services, DEMO)
    html = home(client)
    assert "apparence-" not in html
    assert "site-logo" not in html
    assert (
        '<link rel="stylesheet" href="/static/portail.css">\n</head>' in html
    )  # the line as it was
    assert client.get(f"/logo-{'0' * 64}").status_code == 404
    assert client.get("/apparence-0123456789abcdef.css").status_code == 404


def test_before_any_commune_the_routes_are_404(client: FlaskClient) -> None:
    assert client.get(f"/logo-{'0' * 64}").status_code == 404
    assert client.get("/apparence-0123456789abcdef.css").status_code == 404


def test_the_password_change_page_has_the_commune_s_look_too(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """A family that must change its temporary password is sent to that page from any other;
    the page's stylesheet and logo are not."""
    from tests.integration.test_auth_web import NOW, log_in, open_family_account

    services = bootstrap(sqlite_settings, clock=FixedClock(NOW))  # the family's dossier's day
    assert services.engine is not None
    upgrade(services.engine)
    path = with_look(tmp_path, logo_png())
    load(services, path.read_text("utf-8"), path.parent)
    client = create_app({"TESTING": True}, services=services).test_client()
    account = open_family_account(services, temporary=True)
    assert log_in(client, account["identifier"], account["temporary_password"]).status_code == 302
    page = client.get("/mot-de-passe").get_data(as_text=True)
    urls = re.findall(r'"(/apparence-[0-9a-f]{16}\.css|/logo-[0-9a-f]{64})"', page)
    assert len(urls) == 2, page
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == A_YEAR, url
    assert client.get("/espace").headers["Location"] == "/mot-de-passe"  # the rest still waits
    services.close()
