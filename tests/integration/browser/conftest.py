"""The browser harness: Playwright drives Debian's chromium (never a downloaded browser) against
the portal served for real on loopback, and axe-core checks each page.

Without chromium the browser tests are skipped with the reason shown by ``-ra``; with
PORTAIL_REQUIRE_BROWSER=1 (as in CI) a missing chromium fails instead. PORTAIL_CHROMIUM names
another binary.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.web import create_app

# The flags this machine needs: no sandbox as root, and no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    found = os.environ.get("PORTAIL_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    reason = (
        "Chromium absent: install Debian's package (apt-get install chromium) "
        "to run the browser tests"
    )
    if os.environ.get("PORTAIL_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def demo_services(instance: Path) -> Services:
    """A migrated SQLite database in ``instance`` with the demo town loaded."""
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}))
    assert services.engine is not None
    upgrade(services.engine)
    loaded = CliRunner().invoke(main, ["demo", "load"], obj=services)
    assert loaded.exit_code == 0, loaded.output
    return services


@contextmanager
def serving(services: Services) -> Iterator[str]:
    """The portal on ``services``, served on a free loopback port while the block runs; its
    address. The services are closed afterwards."""
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        services.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal on a migrated SQLite database with the demo town, served on a free port."""
    with serving(demo_services(tmp_path_factory.mktemp("browser-instance"))) as address:
        yield address


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    opened = context.new_page()
    yield opened
    context.close()


def assert_no_accessibility_violations(page: Page) -> None:
    """axe-core on the page as shown: every rule (WCAG 2.x A/AA and best practices) must pass."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
