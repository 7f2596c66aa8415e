"""The e-mails' use cases, ports bound."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.messaging import OutboxBacklog, OutgoingEmail
from portail_core.facade.ports import Ports
from portail_core.services.messaging import (
    DispatchReport,
    dispatch_outbox,
    outbox_backlog,
    outbox_listing,
)

__all__ = ["MessagingUseCases"]


@frozen
class MessagingUseCases:
    """The outbox: e-mails written with the changes they announce, sent later
    (``portail.messaging``)."""

    _ports: Ports

    def dispatch(self, *, limit: int = 100) -> DispatchReport:
        """Send the messages due (retries included), at most ``limit``."""
        ports = self._ports
        return dispatch_outbox(
            ports.uow, ports.email_renderer, ports.mailer, ports.clock, limit=limit
        )

    def listing(self, limit: int) -> list[OutgoingEmail]:
        """The most recent messages first."""
        return outbox_listing(self._ports.uow, limit)

    def backlog(self) -> OutboxBacklog:
        """The messages waiting to be sent (the health endpoint's figure)."""
        return outbox_backlog(self._ports.uow)
