"""`portail outbox send|list` on SQLite; without SMTP the message is written to the log."""

import json
import logging
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from adapters.persistence import upgrade
from entrypoints.bootstrap import bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.domain.messaging import OutgoingEmail

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
