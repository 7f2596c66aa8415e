"""Fault: the mail server down, then refusing, then back, under two dispatchers at once.

E-mails wait in the outbox of a real database (SQLite, PostgreSQL with its ``FOR UPDATE SKIP
LOCKED`` claim); two dispatchers, each with its own engine as two ``portail outbox send``
processes would have, run the real claim and the real SMTP client against a real SMTP server
(aiosmtpd on loopback). Each pass, each message is tried once by one dispatcher; retries are
counted and spaced; nothing is given up while the server is the problem; once the server takes
mail, each message arrives exactly once, and only an address the server refuses for good fails.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pendulum
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine

from adapters.clock import FixedClock
from adapters.mail import JinjaEmailRenderer, SmtpMailer
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from portail_core.domain.messaging import EmailStatus, OutgoingEmail, retry_delay
from portail_core.services.messaging import DispatchReport, dispatch_outbox, outbox_backlog
from tests.integration.test_outbox_smtp import CONTEXT, free_port

NOW = pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris")
FAMILIES = 11
UNKNOWN = "inconnu@example.fr"  # an address the server refuses for good (550)
SENDER = "Portail Famille <ne-pas-repondre@demo.example>"


class MailServer:
    """An aiosmtpd handler: ``mode`` is « closed » (421 to EHLO and HELO), « greylisting »
    (450 to every recipient) or « open ». When open, a message is held until a second one is
    being sent at the same time (the other dispatcher's), so that both are seen sending."""

    def __init__(self) -> None:
        self.mode = "closed"
        self.received: list[EmailMessage] = []
        self.sending = 0
        self.both_sending: asyncio.Event | None = None

    async def handle_EHLO(  # noqa: N802  (aiosmtpd's hook names)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        if self.mode == "closed":
            return ["421 4.3.2 Service momentanément indisponible"]
        session.host_name = hostname
        return responses

    async def handle_HELO(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        return "421 4.3.2 Service momentanément indisponible"

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.mode == "greylisting":
            return "450 4.7.1 Greylisted, please try again later"
        if address == UNKNOWN:
            return "550 5.1.1 Unknown user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.both_sending is None:
            self.both_sending = asyncio.Event()
        self.sending += 1
        if self.sending == 2:
            self.both_sending.set()
        await asyncio.wait_for(self.both_sending.wait(), timeout=60)
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted for delivery"


@pytest.fixture
def engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one migrated database: one per dispatcher, as two processes have."""
    first, second = create_database_engine(database_url), create_database_engine(database_url)
    upgrade(first)
    yield first, second
    first.dispose()
    second.dispose()


def queue(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        for n in range(FAMILIES):
            to = f"famille{n}@example.fr"
            uow.outbox.add(OutgoingEmail(to, "account_activation", CONTEXT, NOW, urgent=n < 3))
        uow.outbox.add(OutgoingEmail(UNKNOWN, "account_activation", CONTEXT, NOW))
        uow.commit()


def both_dispatch(
    engines: tuple[Engine, Engine], port: int, clock: FixedClock
) -> list[DispatchReport]:
    """One pass of each dispatcher, started together; their reports."""
    start = threading.Barrier(2)
    reports: dict[int, DispatchReport] = {}
    errors: list[BaseException] = []

    def dispatcher(n: int) -> None:
        try:
            start.wait(timeout=30)
            mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", SENDER)
            uow = lambda **options: SqlUnitOfWork(engines[n], **options)  # noqa: E731
            reports[n] = dispatch_outbox(uow, JinjaEmailRenderer(), mailer, clock, limit=50)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=dispatcher, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return [reports[0], reports[1]]


def outbox_rows(engine: Engine) -> list[OutgoingEmail]:
    with SqlUnitOfWork(engine, read_only=True) as uow:
        return uow.outbox.listing(100)


def test_mail_down_then_refusing_then_up_each_email_once_none_given_up_early(
    engines: tuple[Engine, Engine],
) -> None:
    queue(engines[0])
    total = FAMILIES + 1
    clock = FixedClock(NOW)
    port = free_port()  # nothing listens there yet: connections are refused
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    failures = {
        1: "injoignable",  # down
        2: "421 (refus du serveur, pas du courriel)",  # up, refusing every connection
        3: "adresse à réessayer",  # up, greylisting every recipient
    }
    try:
        for attempt, error in failures.items():
            if attempt == 2:
                controller.start()
            server.mode = {2: "closed", 3: "greylisting"}.get(attempt, server.mode)
            reports = both_dispatch(engines, port, clock)
            assert sum(r.retrying for r in reports) == total  # each tried once, by one of them
            assert sum(r.sent + r.failed for r in reports) == 0
            for message in outbox_rows(engines[0]):
                assert (message.status, message.attempts) == (EmailStatus.PENDING, attempt)
                assert error in message.last_error
                assert message.next_attempt_at == clock.now() + retry_delay(attempt)
            assert both_dispatch(engines, port, clock) == [DispatchReport(0, 0, 0)] * 2  # not due
            clock.advance(retry_delay(attempt))
        server.mode = "open"
        reports = both_dispatch(engines, port, clock)
    finally:
        controller.stop()

    assert all(r.sent > 0 for r in reports)  # both dispatchers were sending at once
    assert sum(r.sent for r in reports) == FAMILIES
    assert sum(r.failed for r in reports) == 1
    recipients = sorted(str(m["To"]) for m in server.received)
    assert recipients == sorted(f"famille{n}@example.fr" for n in range(FAMILIES))
    assert len({m["Message-ID"] for m in server.received}) == FAMILIES
    rows = {m.to: m for m in outbox_rows(engines[0])}
    assert {m.attempts for m in rows.values()} == {4}
    assert {m.status for to, m in rows.items() if to != UNKNOWN} == {EmailStatus.SENT}
    assert rows[UNKNOWN].status is EmailStatus.FAILED
    assert "adresse refusée" in rows[UNKNOWN].last_error
    uow = lambda **options: SqlUnitOfWork(engines[0], **options)  # noqa: E731
    assert outbox_backlog(uow).count == 0


class RefusingSender:
    """A server that refuses the portal's sender address (its settings, not any message)."""

    async def handle_MAIL(  # noqa: N802  (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return "550 5.7.1 Sender address rejected: not owned by this client"


def test_a_server_refusing_the_portals_sender_gives_up_no_message(
    engines: tuple[Engine, Engine],
) -> None:
    queue(engines[0])
    port = free_port()
    controller = Controller(RefusingSender(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        reports = both_dispatch(engines, port, FixedClock(NOW))
    finally:
        controller.stop()
    assert sum(r.retrying for r in reports) == FAMILIES + 1
    assert sum(r.failed for r in reports) == 0
    for message in outbox_rows(engines[0]):
        assert (message.status, message.attempts) == (EmailStatus.PENDING, 1)
        assert message.last_error == "serveur SMTP : 550 (refus du serveur, pas du courriel)"
