"""Sending the outbox: claim due messages, render, send, record the outcome with backoff.

Unlike other use cases this one takes the unit-of-work factory: each message is claimed, then
its outcome recorded, in short transactions of their own, never holding one open while talking
to the mail server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.messaging import EmailStatus, OutboxBacklog, OutgoingEmail
from portail_core.errors import MailerError
from portail_core.ports.clock import Clock
from portail_core.ports.messaging import EmailRenderer, Mailer

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWorkFactory

__all__ = ["DispatchReport", "dispatch_outbox", "outbox_backlog", "outbox_listing"]


@frozen
class DispatchReport:
    sent: int
    retrying: int
    failed: int


def dispatch_outbox(
    uow: UnitOfWorkFactory,
    renderer: EmailRenderer,
    mailer: Mailer,
    clock: Clock,
    *,
    limit: int = 100,
) -> DispatchReport:
    """Send the messages that are due; each is sent by one dispatcher only.

    Messages are claimed one at a time, so that a claim never outlives its send (a batch
    claimed at once could expire mid-batch and be claimed again by another dispatcher).
    """
    outcomes = []
    for _ in range(limit):
        with uow() as claiming:
            claimed = claiming.outbox.claim_due(clock.now(), 1)
            claiming.commit()
        if not claimed:
            break
        message = claimed[0]
        outcomes.append(_attempt(message, renderer, mailer, clock))
        with uow() as recording:  # once sent or given up, the message keeps no context
            recording.outbox.save(message)
            recording.commit()
    return DispatchReport(
        sent=outcomes.count(EmailStatus.SENT),
        retrying=outcomes.count(EmailStatus.PENDING),
        failed=outcomes.count(EmailStatus.FAILED),
    )


def _attempt(
    message: OutgoingEmail, renderer: EmailRenderer, mailer: Mailer, clock: Clock
) -> EmailStatus:
    message.attempts += 1
    try:
        rendered = renderer.render(message.template, message.context)
    except Exception as error:  # a broken template does not get better by retrying
        failure = MailerError(f"modèle « {message.template} » : {error}", permanent=True)
        return _record_failure(message, failure, clock)
    try:
        mailer.send(message.to, rendered, message.message_id)
    except MailerError as error:
        return _record_failure(message, error, clock)
    message.record_sent(clock.now())
    return message.status


def _record_failure(message: OutgoingEmail, error: MailerError, clock: Clock) -> EmailStatus:
    message.record_failure(str(error), clock.now(), permanent=error.permanent)
    return message.status


def outbox_listing(uow: UnitOfWorkFactory, limit: int) -> list[OutgoingEmail]:
    """The most recent messages first."""
    with uow(read_only=True) as reading:
        return reading.outbox.listing(limit)


def outbox_backlog(uow: UnitOfWorkFactory) -> OutboxBacklog:
    """The messages waiting to be sent: how many, and the oldest one's queuing date."""
    with uow(read_only=True) as reading:
        return reading.outbox.backlog()
