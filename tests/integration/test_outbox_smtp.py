"""The outbox against a real SMTP conversation (aiosmtpd on loopback) and real databases."""

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pendulum
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer, SmtpMailer
from portail_core.domain.messaging import EmailStatus, OutgoingEmail
from portail_core.services.messaging import dispatch_outbox, outbox_listing
from tests.integration.conftest import UowFactory

NOW = pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris")
CONTEXT = {
    "commune": "Ville de Démo-sur-Mer",
    "identifier": "famille.martin",
    "activation_url": "https://famille.demo.example/activation/abc",
    "expires": "samedi 13 février 2027 à 9h00",
}


class Inbox:
    """An aiosmtpd handler keeping what it receives; ``refuse`` makes it answer an error."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802  (aiosmtpd's hook name)
        if self.refuse:
            return self.refuse
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def queue(new_uow: UowFactory, count: int = 1) -> None:
    with new_uow() as uow:
        for n in range(count):
            message = OutgoingEmail(
                f"famille{n}@example.fr", "account_activation", CONTEXT, created_at=NOW
            )
            uow.outbox.add(message)
        uow.commit()


def smtp(port: int) -> SmtpMailer:
    return SmtpMailer(f"smtp://127.0.0.1:{port}", "Portail Famille <ne-pas-repondre@demo.example>")


def test_the_activation_email_reaches_a_real_smtp_server_with_both_parts(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    queue(new_uow)
    report = dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), FixedClock(NOW))
    assert report.sent == 1
    (received,) = handler.messages
    assert received["To"] == "famille0@example.fr"
    assert received["From"] == "Portail Famille <ne-pas-repondre@demo.example>"
    assert received["Subject"] == "Votre compte sur le Portail Famille de Ville de Démo-sur-Mer"
    assert received["Message-ID"] == "<outbox-1@portail-famille>"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "Votre identifiant : famille.martin" in text.get_content()
    assert "https://famille.demo.example/activation/abc" in text.get_content()
    assert '<html lang="fr">' in html.get_content()
    assert outbox_listing(new_uow, 1)[0].status is EmailStatus.SENT


def test_a_refusing_server_means_a_retry_or_a_final_failure(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    queue(new_uow)
    clock = FixedClock(NOW)
    handler.refuse = "451 Try again later"
    assert dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), clock).retrying == 1
    clock.advance(pendulum.duration(minutes=1))
    handler.refuse = "554 Rejected"
    assert dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), clock).failed == 1
    message = outbox_listing(new_uow, 1)[0]
    assert (message.status, message.attempts) == (EmailStatus.FAILED, 2)
    assert "554" in message.last_error
    assert handler.messages == []


def test_an_unreachable_server_is_retried_later(new_uow: UowFactory) -> None:
    queue(new_uow)
    report = dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(free_port()), FixedClock(NOW))
    assert report.retrying == 1
    message = outbox_listing(new_uow, 1)[0]
    assert message.status is EmailStatus.PENDING
    assert "injoignable" in message.last_error


def test_concurrent_dispatchers_send_each_message_exactly_once(
    new_uow: UowFactory, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    queue(new_uow, count=30)
    errors: list[BaseException] = []

    def run_dispatcher() -> None:
        try:
            dispatch_outbox(new_uow, JinjaEmailRenderer(), smtp(port), FixedClock(NOW), limit=7)
        except BaseException as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)

    for _ in range(3):  # three rounds of four dispatchers racing for the same messages
        threads = [threading.Thread(target=run_dispatcher) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    recipients = [m["To"] for m in handler.messages]
    assert len(recipients) == 30
    assert len(set(recipients)) == 30
    assert {m.status for m in outbox_listing(new_uow, 50)} == {EmailStatus.SENT}
