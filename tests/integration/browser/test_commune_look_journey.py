"""A commune with its own look in Chromium: its colour and logo load under the content security
policy, and axe-core finds nothing on its home page and an inner page, wide and at 320 px."""

from __future__ import annotations

import io
from collections.abc import Iterator
from importlib.resources import files

import pytest
from click.testing import CliRunner
from PIL import Image
from playwright.sync_api import Page

from entrypoints.cli import main
from tests.integration.browser.conftest import (
    assert_no_accessibility_violations,
    demo_services,
    serving,
)

pytestmark = pytest.mark.browser

DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
GREEN = (29, 78, 44)  # "#1d4e2c": 9.6:1 with white


@pytest.fixture(scope="module")
def coloured_town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo town, then its commune file loaded again with a ``[look]`` table."""
    folder = tmp_path_factory.mktemp("look")
    services = demo_services(folder / "instance")
    buffer = io.BytesIO()
    Image.new("RGB", (240, 96), GREEN).save(buffer, format="PNG")
    (folder / "blason.png").write_bytes(buffer.getvalue())
    look = '[look]\ncolour = "#1d4e2c"\nlogo = "blason.png"\n\n[commune]'
    path = folder / "commune.toml"
    path.write_text(DEMO.replace("[commune]", look, 1), "utf-8")
    loaded = CliRunner().invoke(main, ["catalogue", "load", str(path)], obj=services)
    assert loaded.exit_code == 0, loaded.output
    assert "Commune mise à jour" in loaded.output
    with serving(services) as address:
        yield address


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("path", ["/", "/tarifs"])
def test_a_coloured_commune_s_pages_have_no_accessibility_violation(
    page: Page, coloured_town: str, path: str, width: int
) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(coloured_town + path)
    assert response is not None
    assert response.status == 200
    page.wait_for_load_state("load")
    assert [text for text in refused if "Content Security Policy" in text] == []
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header == "rgb(29, 78, 44)"
    logo = page.locator("img.site-logo")
    assert logo.get_attribute("alt") == ""
    assert page.evaluate("document.querySelector('img.site-logo').naturalWidth") == 240
    assert logo.is_visible()
    assert page.get_by_role("link", name="Portail Famille Ville de Démo-sur-Mer").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_accessibility_violations(page)
