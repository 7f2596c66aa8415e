"""The demo town the guide is made on: a fresh SQLite instance in a temporary folder, migrated,
``portail demo load`` on a fixed clock (so that every page shows the same dates on every run),
the portal and the PayFiP simulator served on loopback, each in a thread of this process."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen
from click.testing import CliRunner
from werkzeug.serving import BaseWSGIServer, make_server

from adapters.clock import FixedClock
from adapters.payfip.simulator import DEMO_CLIENTS, make_simulator
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.web import create_app

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["GUIDE_NOW", "Town", "served_town"]

# The guide's « today »: a Monday of term, after the demo family's quotient took effect, so that
# the demo bills September (school days at the canteen) and books Wednesdays of November.
GUIDE_NOW = pendulum.datetime(2026, 10, 5, 9, 30, tz="Europe/Paris")


@frozen
class Town:
    """The portal's address, its services (same database and clock) and the PayFiP's."""

    url: str
    payfip_url: str
    services: Services
    clock: FixedClock

    def cli(self, *args: str) -> str:
        """``portail <args>`` on the town's database and clock; its output."""
        result = CliRunner().invoke(main, list(args), obj=self.services)
        if result.exit_code != 0:
            raise RuntimeError(f"portail {' '.join(args)} : {result.output}")
        return result.output


class _Later:
    """A WSGI application given after its server is bound (the portal needs the port first:
    its public address is in PayFiP's return and notification URLs)."""

    application: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.application is None:
            raise RuntimeError("the portal is not built yet")
        return self.application(environ, start_response)


@contextmanager
def _serving(server: BaseWSGIServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def served_town(now: pendulum.DateTime = GUIDE_NOW) -> Iterator[Town]:
    """The demo town loaded at ``now`` (the clock then stands still), served until the end."""
    clock = FixedClock(now)
    simulator = make_simulator(DEMO_CLIENTS, clock=clock, late_seconds=0.5)
    portal = _Later()
    with (
        tempfile.TemporaryDirectory(prefix="guide-familles-") as folder,
        _serving(make_server("127.0.0.1", 0, simulator, threaded=True)) as payfip_url,
        _serving(make_server("127.0.0.1", 0, portal, threaded=True)) as url,
    ):
        settings = Settings.from_env(
            {
                "PORTAIL_INSTANCE_PATH": str(Path(folder) / "instance"),
                "PORTAIL_PUBLIC_URL": url,
                "PORTAIL_PAYFIP_URL": payfip_url,
            }
        )
        services = bootstrap(settings, clock=clock, create_database=True)
        try:
            services.upgrade_database()
            town = Town(url, payfip_url, services, clock)
            town.cli("demo", "load")
            portal.application = create_app(services=services)
            yield town
        finally:
            services.close()
