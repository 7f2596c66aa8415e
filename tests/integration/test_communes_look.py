"""Two communes served by one process on PostgreSQL: B has a look (loaded with
``portail --commune beta catalogue load``), A has none. A's pages never show B's colour or
logo, B's URLs are 404 on A's host, and B's look is kept a year even for a logged-in family."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Iterator
from importlib.resources import files

import pytest
from PIL import Image
from sqlalchemy import create_engine, text
from werkzeug.test import Client

from entrypoints.communes import Communes, configured_deployment
from entrypoints.web import HostDispatcher
from tests.integration.conftest import postgres_url_or_skip
from tests.integration.test_communes_isolation import (
    HOST_A,
    HOST_B,
    Town,
    body,
    deployment_file,
    logged_in,
    portail,
)

pytestmark = pytest.mark.postgresql

DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
B_COLOUR = "#5a2d0c"
A_YEAR = "public, max-age=31536000, immutable"


def b_logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), (90, 45, 12)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Town]:
    base_url = postgres_url_or_skip()
    suffix = uuid.uuid4().hex[:10]
    schemas = (f"test_alpha_{suffix}", f"test_beta_{suffix}")
    folder = tmp_path_factory.mktemp("deployment")
    path = deployment_file(folder, *schemas)
    (folder / "logo-beta.jpg").write_bytes(b_logo())
    look = f'[look]\ncolour = "{B_COLOUR}"\nlogo = "logo-beta.jpg"\n\n[commune]'
    (folder / "commune-beta.toml").write_text(DEMO.replace("[commune]", look, 1), "utf-8")
    with pytest.MonkeyPatch.context() as env:
        for name in ("PORTAIL_COMMUNE", "PORTAIL_INSTANCE_PATH", "PORTAIL_SMTP_URL"):
            env.delenv(name, raising=False)
        env.setenv("PORTAIL_COMMUNES_FILE", str(path))
        env.setenv("PORTAIL_DATABASE_URL", base_url)
        env.setenv("PORTAIL_SECRET_KEY", "la clé du déploiement, longue et tout à fait secrète")
        env.setenv("PORTAIL_PAYFIP_URL", "http://127.0.0.1:5001")
        try:
            code, output = portail("db", "upgrade")
            assert code == 0, output
            for commune in ("alpha", "beta"):
                code, output = portail("--commune", commune, "demo", "load")
                assert code == 0, output
            code, output = portail(
                "--commune", "beta", "catalogue", "load", str(folder / "commune-beta.toml")
            )
            assert code == 0, output
            assert "Commune mise à jour" in output
            deployment = configured_deployment()
            assert deployment is not None
            dispatcher = HostDispatcher(Communes(deployment))
            try:
                yield Town(folder, dispatcher, {})
            finally:
                dispatcher.close()
        finally:
            admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                for schema in schemas:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def b_urls(town: Town) -> tuple[str, str]:
    page = body(Client(town.dispatcher).get("/", base_url=f"http://{HOST_B}"))
    stylesheet = re.search(r"/apparence-[0-9a-f]{16}\.css", page)
    assert stylesheet is not None, page
    return stylesheet.group(), f"/logo-{hashlib.sha256(b_logo()).hexdigest()}"


def test_b_shows_its_look(town: Town) -> None:
    client = Client(town.dispatcher)
    stylesheet, logo = b_urls(town)
    page = body(client.get("/", base_url=f"http://{HOST_B}"))
    assert f'<img class="site-logo" src="{logo}" alt="">' in page
    css = client.get(stylesheet, base_url=f"http://{HOST_B}")
    assert css.status_code == 200
    assert B_COLOUR in css.get_data(as_text=True)
    image = client.get(logo, base_url=f"http://{HOST_B}")
    assert (image.status_code, image.mimetype, image.data) == (200, "image/jpeg", b_logo())


def test_a_s_pages_never_show_b_s_look(town: Town) -> None:
    stylesheet, logo = b_urls(town)
    client, _ = logged_in(town, HOST_A)
    for path in ("/", "/tarifs", "/connexion", "/accessibilite", "/espace", "/famille"):
        page = body(client.get(path, base_url=f"http://{HOST_A}", follow_redirects=True))
        assert "Portail Famille" in page, path
        for trace in (stylesheet, logo, "apparence-", "site-logo", B_COLOUR):
            assert trace not in page, (path, trace)


def test_b_s_look_urls_are_404_on_a_s_host(town: Town) -> None:
    stylesheet, logo = b_urls(town)
    client = Client(town.dispatcher)
    for path in (stylesheet, logo):
        response = client.get(path, base_url=f"http://{HOST_A}")
        assert response.status_code == 404, path
        assert B_COLOUR not in body(response)
        assert response.data != b_logo()


def test_b_s_look_is_kept_a_year_even_for_a_logged_in_family(town: Town) -> None:
    stylesheet, logo = b_urls(town)
    client, _ = logged_in(town, HOST_B)
    assert client.get("/espace", base_url=f"http://{HOST_B}").headers["Cache-Control"] == (
        "no-store"
    )  # the family's own pages are still never kept
    for path in (stylesheet, logo):
        response = client.get(path, base_url=f"http://{HOST_B}")
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == A_YEAR, path
        assert "Set-Cookie" not in response.headers, path  # nothing of hers in a shared cache
