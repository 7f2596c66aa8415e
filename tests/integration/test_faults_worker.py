"""Fault: a gunicorn worker killed (SIGKILL) in the middle of a family's confirmation, on
PostgreSQL.

The request is held inside its transaction by a lock the test takes (``LOCK TABLE outbox``: the
confirmation has locked its places and written the reservations and their history, and waits to
write its e-mail), seen waiting in ``pg_stat_activity``; then its worker is killed. Nothing it
wrote is kept, its place lock is released (at once with ``client_connection_check_interval``,
otherwise once its backend gets the lock it waited for and finds its client gone), gunicorn's
master starts another worker, and the family confirms again, once.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from benchmarks.http_client import Browser, Response
from benchmarks.rush import children_of
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.passwords import PlainTestHasher
from adapters.persistence import SqlUnitOfWork
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from portail_core.domain.bookings.reservation import PlaceKey
from portail_core.services.catalogue.offer import load_catalogue
from tests.integration.conftest import empty_database_url
from tests.integration.event_loop import run_apart
from tests.integration.test_auth_web import NOW, STAFF, STRONG, open_family_account
from tests.integration.test_serve import free_port

pytestmark = pytest.mark.postgresql

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKER = f"portail-worker-{uuid.uuid4().hex[:8]}"  # the application_name of its connections


def until(condition: Callable[[], Any], what: str, seconds: float = 60) -> Any:
    """Wait for a state another process reaches (``condition()`` true), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"still waiting: {what}"
        time.sleep(0.05)
    return found


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    for url in empty_database_url("postgresql", tmp_path):
        yield {
            **os.environ,
            "PORTAIL_DATABASE_URL": url,
            "PORTAIL_INSTANCE_PATH": str(tmp_path),
            "PORTAIL_SECRET_KEY": "s" * 40,
        }


@pytest.fixture
def services(environment: dict[str, str]) -> Iterator[Services]:
    services = bootstrap(
        Settings.from_env(environment), clock=FixedClock(NOW), hasher=PlainTestHasher()
    )
    services.upgrade_database()
    town = read_commune_file((ROOT / "src/entrypoints/demo/commune-demo.toml").read_text("utf-8"))
    load_catalogue(
        services.ports.uow(), town.details, town.catalogue, actor=STAFF, clock=services.ports.clock
    )
    yield services
    services.close()


CHECKING = "client_connection_check_interval=200"  # milliseconds


@pytest.fixture(params=[False, True], ids=["default", "client-check"])
def gunicorn(
    request: pytest.FixtureRequest, environment: dict[str, str], services: Services
) -> Iterator[tuple[int, int, bool]]:
    """One worker, one thread; its connections named WORKER, and, the second time, with
    PostgreSQL's ``client_connection_check_interval`` (the operator guide's advice). The
    master's pid, the port, and whether the check is on."""
    url = make_url(environment["PORTAIL_DATABASE_URL"])
    options = url.query["options"]
    assert isinstance(options, str)
    checking: bool = request.param
    url = url.update_query_dict(
        {"application_name": WORKER, "options": f"{options} -c{CHECKING}" if checking else options}
    )
    port = free_port()
    command = [
        GUNICORN,
        *("--workers", "1", "--threads", "1", "--bind", f"127.0.0.1:{port}"),
        *("--timeout", "120", "--no-control-socket", "tests.integration.fault_server:wsgi()"),
    ]
    master = subprocess.Popen(
        command,
        env={**environment, "PORTAIL_DATABASE_URL": url.render_as_string(hide_password=False)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        until(lambda: answers(port) or master.poll() is not None, "gunicorn answers")
        assert master.poll() is None, master.communicate()[0]
        yield master.pid, port, checking
    finally:
        master.send_signal(signal.SIGTERM)
        output = master.communicate(timeout=60)[0]
    assert master.returncode == 0, output
    assert "Shutting down: Master" in output, output


def answers(port: int) -> bool:
    return browse(Browser("127.0.0.1", port), ("GET", "/sante", None), quiet=True).status == 200


Step = tuple[str, str, list[tuple[str, str]] | None]


def browse(browser: Browser, *steps: Step, quiet: bool = False) -> Response:
    """Requests in turn on one connection (GET without fields, POST with them), closed after;
    the last response. ``quiet``: a refused connection answers 0."""

    async def run() -> Response:
        response = Response(0, [], b"")
        try:
            for method, path, fields in steps:
                if method == "GET":
                    response = await browser.get(path)
                else:
                    response = await browser.post(path, fields or [])
        except ConnectionRefusedError:
            if not quiet:
                raise
        finally:
            browser.close()
        return response

    return run_apart(run())


def path_of(response: Response, port: int) -> str:
    return (response.header("location") or "").removeprefix(f"http://127.0.0.1:{port}")


def summary_of_a_family(services: Services, port: int) -> tuple[Browser, str]:
    """A family logged in with a planning validated for Léa; its browser and the summary's
    path (the confirmation form's page, its CSRF token in the browser)."""
    account = open_family_account(services)
    secret = account["activation_url"].rsplit("/", 1)[1]
    services.portail.accounts.activate(secret, STRONG, actor_ip="127.0.0.1")
    session = services.portail.accounts.log_in(account["identifier"], STRONG, actor_ip="127.0.0.1")
    browser = Browser("127.0.0.1", port, {"portail_session": session})
    home = browse(browser, ("GET", "/reservations", None))
    child = re.findall(r'name="enfant" value="(\d+)"', home.text)[0]
    grid = f"/reservations/{child}/ALSH"
    validated = browse(
        browser,
        ("POST", "/reservations", [("enfant", child), ("structure", "ALSH")]),
        ("GET", f"{grid}?mois=2026-09", None),
        ("POST", grid, [("mois", "2026-09"), ("creneau", "2026-09-09|JOURNEE")]),
    )
    assert validated.status == 302, validated.text
    summary = path_of(validated, port)
    assert "Confirmer la réservation" in browse(browser, ("GET", summary, None)).text
    return browser, summary.split("?")[0]


COUNTS = {
    "reservations": "SELECT count(*) FROM reservations",
    "history": "SELECT count(*) FROM reservation_events",
    "e-mails": "SELECT count(*) FROM outbox WHERE template = 'reservation_confirmation'",
    "confirmed summaries": "SELECT count(*) FROM planning_drafts WHERE confirmation IS NOT NULL",
}


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(text(sql)).scalar_one() for name, sql in COUNTS.items()}


def waiting_backend(engine: Engine) -> int | None:
    """The worker's backend waiting for the outbox's lock, if it is."""
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO outbox%'"
            ),
            {"name": WORKER},
        ).scalar()


def backend_alive(engine: Engine, pid: int) -> bool:
    with engine.connect() as connection:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        return bool(connection.execute(query, {"pid": pid}).scalar_one())


def place_free(engine: Engine) -> bool:
    """Whether the place the family books can be locked now, as a confirmation locks it (the
    repository's ``lock_places``), without waiting more than a moment for whoever holds it."""
    with SqlUnitOfWork(engine) as uow:
        uow.connection().execute(text("SET LOCAL lock_timeout = '200ms'"))
        try:
            uow.reservations.lock_places([PlaceKey("ALSH", "JOURNEE", date(2026, 9, 9))])
        except OperationalError:  # LockNotAvailable: held by another transaction
            return False
        return True  # rolled back: the place stays as it was


def test_a_worker_killed_mid_confirmation_leaves_nothing_and_the_family_confirms_again(
    services: Services, gunicorn: tuple[int, int, bool]
) -> None:
    master, port, checking = gunicorn
    engine = services.engine
    assert engine is not None
    browser, summary = summary_of_a_family(services, port)
    (worker,) = children_of(master)
    before = counts(engine)

    with engine.connect() as holder:  # the test's lock: no e-mail can be written meanwhile
        holder.execute(text("LOCK TABLE outbox IN SHARE MODE"))
        outcome: list[object] = []

        def confirm() -> None:
            try:
                outcome.append(browse(browser, ("POST", summary, [])))
            except (OSError, asyncio.IncompleteReadError) as error:
                outcome.append(error)

        request = threading.Thread(target=confirm)
        request.start()
        backend = until(lambda: waiting_backend(engine), "the confirmation waits for the outbox")
        assert not place_free(engine)  # its transaction holds the place lock
        os.kill(worker, signal.SIGKILL)
        request.join(timeout=60)
        if checking:  # PostgreSQL notices the dead client while it waits: the place is free
            until(lambda: not backend_alive(engine, backend), "the orphaned backend ends")
            assert place_free(engine)
        holder.rollback()  # otherwise the orphaned backend ends once it gets the lock
    assert len(outcome) == 1
    assert not isinstance(outcome[0], Response)  # the browser got no answer at all

    until(lambda: not backend_alive(engine, backend), "the killed worker's backend ends")
    assert counts(engine) == before  # nothing partial: no reservation, history nor e-mail
    assert place_free(engine)
    respawned = until(lambda: [p for p in children_of(master) if p != worker], "a new worker")
    assert worker not in children_of(master)
    assert len(respawned) == 1

    again = browse(browser, ("POST", summary, []))
    assert again.status == 302, again.text
    page = browse(browser, ("GET", path_of(again, port), None))
    assert re.search(r"Numéro de confirmation : <strong>R-[A-Z0-9-]+</strong>", page.text)
    assert counts(engine) == {
        "reservations": 1,
        "history": 1,
        "e-mails": 1,
        "confirmed summaries": 1,
    }
