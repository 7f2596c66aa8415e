"""The transactional outbox: e-mails written in the same transaction as the change they announce.

A message names a template and its context (plain strings: never health data); the dispatcher
renders and sends it later, retrying with backoff. A crash never loses a message, nor sends one
for a change that was rolled back. A message is claimed by one dispatcher at a time; its
Message-ID is derived from its id, so that a resend after a crash mid-send is recognisable.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import pendulum
from attrs import define, field, frozen

from portail_core.domain.shared.instants import as_utc

__all__ = [
    "CLAIM_TIMEOUT",
    "MAX_ATTEMPTS",
    "SECRET_KEYS",
    "EmailStatus",
    "OutgoingEmail",
    "RenderedEmail",
    "retry_delay",
]

MAX_ATTEMPTS = 8
# Context entries that open an account: kept only until the message is sent (or given up).
SECRET_KEYS = frozenset({"activation_url", "reset_url", "unlock_url", "temporary_password"})
FORGOTTEN = "[effacé après envoi]"
CLAIM_TIMEOUT = pendulum.duration(minutes=15)


class EmailStatus(enum.Enum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; staff can see and retry it


def retry_delay(attempts: int) -> pendulum.Duration:
    """1, 2, 4, 8... minutes after each failed attempt, at most 6 hours."""
    return pendulum.duration(minutes=min(2 ** max(attempts - 1, 0), 360))


def _strings(context: Mapping[str, str]) -> dict[str, str]:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in context.items()):
        raise TypeError("an e-mail's context holds strings only")
    return dict(context)


@define(slots=False, eq=False)
class OutgoingEmail:
    to: str
    template: str  # e.g. "account_activation": templates live with the mail adapter
    context: dict[str, str] = field(converter=_strings)
    created_at: pendulum.DateTime = field(converter=as_utc)
    status: EmailStatus = EmailStatus.PENDING
    attempts: int = 0
    next_attempt_at: pendulum.DateTime | None = None  # None once sent or failed for good
    sent_at: pendulum.DateTime | None = None
    last_error: str = ""
    id: int | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.status is EmailStatus.PENDING and self.next_attempt_at is None:
            self.next_attempt_at = self.created_at

    def claim(self, now: pendulum.DateTime) -> None:
        """Taken by a dispatcher; if it dies mid-send, the message is due again after a while."""
        self.status, self.next_attempt_at = EmailStatus.SENDING, as_utc(now) + CLAIM_TIMEOUT

    def is_due(self, now: pendulum.DateTime) -> bool:
        return (
            self.status in {EmailStatus.PENDING, EmailStatus.SENDING}
            and self.next_attempt_at is not None
            and self.next_attempt_at.timestamp() <= now.timestamp()
        )

    def forget_secrets(self) -> None:
        """Blank the links and passwords once they are no longer needed in the database."""
        self.context = {
            key: FORGOTTEN if key in SECRET_KEYS else value for key, value in self.context.items()
        }

    @property
    def message_id(self) -> str:
        return f"<outbox-{self.id}@portail-famille>"


@frozen
class RenderedEmail:
    subject: str
    text: str
    html: str
