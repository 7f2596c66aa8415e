"""The secrets of the links e-mailed to families, on the real adapters: once an e-mail is sent,
the outbox table holds nothing of what it carried (every template, SQLite and PostgreSQL), and
a link's secret is in one request line only, masked in the access logs of the servers that run
the portal (werkzeug's, gunicorn's)."""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from jinja2 import Environment, PackageLoader, meta
from sqlalchemy import Engine, select, text

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.mail import JinjaEmailRenderer, RecordingMailer
from adapters.persistence import SqlUnitOfWork, downgrade, upgrade
from adapters.persistence.tables import outbox
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.domain.messaging import FORGOTTEN, EmailStatus, OutgoingEmail
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.messaging import dispatch_outbox
from tests.integration.loopback import Served, free_port, wait_for
from tests.integration.test_auth_web import (
    NOW,
    STRONG,
    activate,
    log_in,
    open_family_account,
    post,
)
from tests.integration.test_auth_web import text as page_text

STAFF = Actor.staff("agent")
NEW = "claire@nouveau.example"
LINK = re.compile(
    r"https?://[^/\s]+(/(?:activation|reinitialisation|deblocage|confirmation-courriel)/[A-Za-z0-9_-]{43})"
)


def template_variables() -> dict[str, set[str]]:
    """Every e-mail template of the mail adapter and the variables its two parts use."""
    environment = Environment(loader=PackageLoader("adapters.mail", "templates"), autoescape=True)
    found: dict[str, set[str]] = {}
    for name in environment.list_templates(extensions=["txt"]):
        template = name.removesuffix(".txt")
        used: set[str] = set()
        for part in (f"{template}.txt", f"{template}.html"):
            source = environment.loader.get_source(environment, part)[0]  # type: ignore[union-attr]
            used |= meta.find_undeclared_variables(environment.parse(source))
        found[template] = used
    return found


def test_once_sent_no_template_leaves_anything_it_carried_in_the_outbox_table(
    engine: Engine,
) -> None:
    """Every template, today's and tomorrow's: no list of secret keys to remember."""
    clock = FixedClock(NOW)
    values: dict[str, list[str]] = {}
    with SqlUnitOfWork(engine) as uow:
        for template, variables in sorted(template_variables().items()):
            context = {name: f"{name}-{secrets.token_urlsafe(16)}" for name in variables}
            values[template] = list(context.values())
            uow.outbox.add(OutgoingEmail("famille@example.fr", template, context, NOW))
        uow.commit()
    assert {"email_change_confirm", "account_unlock", "password_reset"} <= set(values)
    mailer = RecordingMailer()
    report = dispatch_outbox(partial(SqlUnitOfWork, engine), JinjaEmailRenderer(), mailer, clock)
    assert report.sent == len(values)
    delivered = " ".join(sent.email.text + sent.email.html for sent in mailer.sent)
    with engine.connect() as connection:
        rows = connection.execute(select(outbox.c.template, outbox.c.status, outbox.c.context))
        stored = {row.template: (row.status, json.dumps(row.context)) for row in rows}
    for template, carried in values.items():
        assert any(value in delivered for value in carried), template  # they were in the e-mail
        status, context = stored[template]
        assert status == EmailStatus.SENT.value
        for value in carried:
            assert value not in context, (template, value)


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


@pytest.fixture
def services(sqlite_settings: Settings, mailer: RecordingMailer) -> Iterator[Services]:
    clock = FixedClock(NOW)
    services = bootstrap(sqlite_settings, clock=clock, mailer=mailer)
    assert services.engine is not None
    upgrade(services.engine)
    demo = read_commune_file((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    load_catalogue(services.ports.uow(), demo.details, demo.catalogue, actor=STAFF, clock=clock)
    yield services
    services.close()


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app({"TESTING": True}, services=services).test_client()


def test_the_email_change_link_taken_from_the_table_no_longer_works_the_emailed_one_does(
    services: Services, client: FlaskClient, mailer: RecordingMailer
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    changed = post(
        client, "/famille/responsables/1", {"phone1": "06 12 34 56 78", "phone2": "", "email": NEW}
    )
    assert changed.status_code == 302
    services.portail.messaging.dispatch()
    assert services.engine is not None
    with services.engine.connect() as connection:
        table = connection.execute(select(outbox.c.template, outbox.c.context)).all()
    (taken,) = [
        row.context["confirm_url"] for row in table if row.template == "email_change_confirm"
    ]
    assert taken == FORGOTTEN
    assert not LINK.search(json.dumps([row.context for row in table], ensure_ascii=False))
    assert client.get(urlsplit(taken).path).status_code == 404  # what the table holds opens nothing
    (confirm,) = [sent for sent in mailer.sent if sent.to == NEW]
    emailed = LINK.search(confirm.email.text)
    assert emailed is not None
    done = post(client, emailed[1], {})  # the family, from its mailbox: it works
    assert done.status_code == 302
    assert "/connexion?courriel=1" in done.headers["Location"]
    with services.ports.uow(read_only=True) as uow:
        confirmed = uow.accounts.by_identifier(account["identifier"])
    assert confirmed is not None
    assert confirmed.email == NEW


def test_an_emailed_link_is_the_only_request_that_holds_its_secret(
    services: Services, client: FlaskClient
) -> None:
    account = open_family_account(services)
    link = urlsplit(account["activation_url"]).path
    secret = link.rsplit("/", 1)[1]
    first = client.get(link)
    assert (first.status_code, first.headers["Location"]) == (303, "/activation")
    page = client.get("/activation", headers={"Referer": "http://localhost/activation"})
    assert page.status_code == 200
    assert "<h1>Activer mon compte</h1>" in page_text(page)
    assert secret not in page.get_data(as_text=True)
    assert client.post(link, data={}).status_code == 405  # the form never posts the secret
    done = post(client, "/activation", {"password": STRONG, "confirmation": STRONG})
    assert done.status_code == 302
    assert client.get("/activation").status_code == 404  # used: forgotten by the browser too
    assert client.get(link).status_code == 404


def test_a_page_of_a_link_opened_without_it_explains_what_to_do(client: FlaskClient) -> None:
    for path in ("/activation", "/reinitialisation", "/deblocage", "/confirmation-courriel"):
        page = client.get(path)
        assert page.status_code == 404
        assert "Ouvrez le lien reçu par courriel" in page_text(page)


def test_the_demo_servers_access_log_masks_the_secret(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    account = open_family_account(services)
    link = urlsplit(account["activation_url"]).path
    secret = link.rsplit("/", 1)[1]
    served = Served(create_app(services=services))
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request("GET", link)
        assert connection.getresponse().status == 303
        connection.close()
        wait_for(lambda: "/activation/[masqué]" in caplog.text)
    finally:
        served.close()
    assert secret not in caplog.text


def test_gunicorns_access_log_masks_the_secret(instance_path: Path) -> None:
    """The operator guide's production command (`portail serve`, gunicorn), for real, with
    its access log on stdout."""
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path)}))
    assert services.engine is not None
    upgrade(services.engine)
    services.close()
    link = f"/deblocage/{secrets.token_urlsafe(32)}"  # spent or not, its line is logged
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("portail")),
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env={**os.environ, "PORTAIL_INSTANCE_PATH": str(instance_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: _answers(port), timeout=30)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", link, headers={"Referer": f"http://x{link}"})
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert '"GET /deblocage/[masqué] HTTP/1.1" 404' in output, output
    assert link.rsplit("/", 1)[1] not in output


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_0015_forgets_what_the_database_kept(empty_engine: Engine) -> None:
    """Sent messages lose their context, failed logins on unknown identifiers their text,
    unkeyed identifier throttles go; pending messages, known accounts and addresses stay."""
    upgrade(empty_engine, "0014")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO families (id, name, data, created_at, updated_at) VALUES "
                "(1, 'Martin', '{}', '2026-09-13 08:00:00', '2026-09-13 08:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO accounts (family_id, identifier, email, created_at, status, "
                "must_change_password, consecutive_failures, recent_failures, locked) VALUES "
                "(1, 'martin.1', 'a@b.fr', '2026-09-13 08:00:00', 'active', false, 0, '[]', false)"
            )
        )
        for status, url in (("sent", "https://x/confirmation-courriel/s1"), ("pending", "p")):
            connection.execute(
                text(
                    "INSERT INTO outbox (recipient, template, context, created_at, status, "
                    "attempts, last_error) VALUES ('a@b.fr', 'email_change_confirm', :context, "
                    "'2026-09-13 08:00:00', :status, 0, '')"
                ),
                {"context": json.dumps({"confirm_url": url, "commune": "Ville"}), "status": status},
            )
        for actor in ("Tulipe orange sous la pluie", "martin.1"):
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, actor, channel, action, summary, details) "
                    "VALUES ('2026-09-13 08:00:00', :actor, 'portail', 'login.failure', "
                    ":summary, '{}')"
                ),
                {"actor": actor, "summary": f"Échec de connexion : {actor}"},
            )
        for key in ("id:abc", "reset-id:abc", "login-ip:def"):
            connection.execute(
                text(
                    "INSERT INTO login_throttles (key, consecutive_failures, recent_failures, "
                    "locked) VALUES (:key, 1, '[]', false)"
                ),
                {"key": key},
            )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        contexts = connection.execute(
            select(outbox.c.status, outbox.c.context, outbox.c.urgent).order_by(outbox.c.id)
        ).all()
        actors = connection.execute(text("SELECT actor, summary FROM audit_events ORDER BY id"))
        keys = connection.execute(text("SELECT key FROM login_throttles")).scalars().all()
        assert [tuple(row) for row in contexts] == [
            ("sent", {"confirm_url": FORGOTTEN, "commune": FORGOTTEN}, False),
            ("pending", {"confirm_url": "p", "commune": "Ville"}, False),
        ]
        assert [tuple(row) for row in actors] == [
            ("identifiant inconnu", "Échec de connexion : identifiant inconnu"),
            ("martin.1", "Échec de connexion : martin.1"),
        ]
        assert keys == ["login-ip:def"]
    downgrade(empty_engine, "0014")
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 2
