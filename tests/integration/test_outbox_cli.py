"""`portail outbox send|list` on SQLite; without SMTP the message is written to the log; with a
real SMTP server (aiosmtpd) refusing or down, the command fails (code 8)."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from adapters.persistence import upgrade
from entrypoints.bootstrap import bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.domain.messaging import OutgoingEmail
from tests.integration.test_outbox_smtp import Inbox, free_port

CONTEXT = {
    "commune": "Ville de Démo-sur-Mer",
    "identifier": "famille.martin",
    "activation_url": "http://127.0.0.1:5000/activation/abc",
    "expires": "samedi 13 février 2027 à 9h00",
}


def run(args: list[str], instance: Path) -> Result:
    env = {"PORTAIL_INSTANCE_PATH": str(instance)}
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


@pytest.fixture
def queued(instance_path: Path) -> Path:
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path)}))
    assert services.engine is not None
    upgrade(services.engine)
    with services.ports.uow() as uow:
        created = pendulum.now("UTC")
        uow.outbox.add(OutgoingEmail("martin@example.fr", "account_activation", CONTEXT, created))
        uow.commit()
    services.close()
    return instance_path


def test_without_smtp_the_message_is_shown_in_the_log_with_its_link(
    queued: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="portail.mail"):
        result = run(["outbox", "send"], queued)
    assert result.exit_code == 0, result.output
    assert "1 envoyé(s), 0 à réessayer, 0 en échec définitif." in result.output
    assert "http://127.0.0.1:5000/activation/abc" in caplog.text
    assert "To: martin@example.fr" in caplog.text
    again = run(["outbox", "send"], queued)
    assert "0 envoyé(s)" in again.output


def test_list_shows_each_message_and_its_state(queued: Path) -> None:
    run(["outbox", "send"], queued)
    listed = json.loads(run(["outbox", "list", "--format", "json"], queued).output)
    assert [(m["to"], m["template"], m["status"], m["attempts"]) for m in listed] == [
        ("martin@example.fr", "account_activation", "sent", 1)
    ]
    table = run(["outbox", "list"], queued).output
    assert "martin@example.fr" in table
    assert "sent" in table


def test_a_bad_smtp_url_is_a_configuration_error(queued: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["outbox", "send"],
        env={"PORTAIL_INSTANCE_PATH": str(queued), "PORTAIL_SMTP_URL": "http://mail"},
    )
    assert result.exit_code == 7
    assert "PORTAIL_SMTP_URL invalide" in result.output


def test_an_https_portal_without_smtp_refuses_to_write_links_to_the_log(queued: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["outbox", "send"],
        env={
            "PORTAIL_INSTANCE_PATH": str(queued),
            "PORTAIL_PUBLIC_URL": "https://famille.ville.example",
            "PORTAIL_SMTP_URL": "",
        },
    )
    assert result.exit_code == 7
    assert "PORTAIL_SMTP_URL est obligatoire pour un portail en HTTPS" in result.output


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def send_through(queued: Path, port: int) -> Result:
    return CliRunner().invoke(
        main,
        ["outbox", "send"],
        env={"PORTAIL_INSTANCE_PATH": str(queued), "PORTAIL_SMTP_URL": f"smtp://127.0.0.1:{port}"},
    )


def test_a_message_the_server_accepts_is_a_success(
    queued: Path, smtp_server: tuple[Inbox, int]
) -> None:
    handler, port = smtp_server
    result = send_through(queued, port)
    assert result.exit_code == 0, result.output
    assert "1 envoyé(s), 0 à réessayer, 0 en échec définitif." in result.output
    assert [m["To"] for m in handler.messages] == ["martin@example.fr"]


def test_a_refusing_server_makes_the_command_fail_with_code_8(
    queued: Path, smtp_server: tuple[Inbox, int]
) -> None:
    handler, port = smtp_server
    handler.refuse = "554 Rejected"
    result = send_through(queued, port)
    assert result.exit_code == 8
    assert "0 envoyé(s), 0 à réessayer, 1 en échec définitif." in result.output
    assert "Erreur : 1 courriel(s) sur 1 n'ont pas pu être envoyés" in result.output
    assert "`portail outbox list`" in result.output


def test_a_server_that_is_down_makes_the_command_fail_with_code_8(queued: Path) -> None:
    result = send_through(queued, free_port())  # nothing listens there
    assert result.exit_code == 8
    assert "0 envoyé(s), 1 à réessayer, 0 en échec définitif." in result.output
    assert "vérifiez le serveur de courriel (PORTAIL_SMTP_URL)" in result.output
