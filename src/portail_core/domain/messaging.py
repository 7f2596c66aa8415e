"""The transactional outbox: e-mails written in the same transaction as the change they announce.

A message names a template and its context (plain strings: never health data); the dispatcher
renders and sends it later, retrying with backoff. A crash never loses a message, nor sends one
for a change that was rolled back. A message is claimed by one dispatcher at a time; its
Message-ID is derived from its id, so that a resend after a crash mid-send is recognisable.

Once a message is sent (or given up), its context is forgotten, every value of it whatever its
key: the links (activation, reset, unlock, e-mail change) and temporary passwords it carried
cannot be read back from the outbox, and a new template's cannot either, since there is no list
of secret keys to keep up to date. The recipient, template, status and dates stay for the
staff's listing. Urgent messages (a family's account: links, security notices) are sent before
the others, so that an unlock link never waits behind a month's invoices.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import pendulum
from attrs import define, field, frozen

from portail_core.domain.shared.instants import as_utc

__all__ = [
    "CLAIM_TIMEOUT",
    "FORGOTTEN",
    "MAX_ATTEMPTS",
    "EmailStatus",
    "OutboxBacklog",
    "OutgoingEmail",
    "RenderedEmail",
    "retry_delay",
]

MAX_ATTEMPTS = 8
FORGOTTEN = "[effacé après envoi]"  # what is left of each context value once a message is sent
MAX_ERROR = 500
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
    # The family the message is about (erasing its dossier erases the message); None: nobody's.
    family_id: int | None = field(default=None, kw_only=True)

    # Sent before the others that are due (a family's account: links, security notices).
    urgent: bool = field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.status is EmailStatus.PENDING and self.next_attempt_at is None:
            self.next_attempt_at = self.created_at
        if self.status in {EmailStatus.SENT, EmailStatus.FAILED}:
            self._forget_context()  # whatever it was built from, a finished message keeps none

    def claim(self, now: pendulum.DateTime) -> None:
        """Taken by a dispatcher; if it dies mid-send, the message is due again after a while."""
        self.status, self.next_attempt_at = EmailStatus.SENDING, as_utc(now) + CLAIM_TIMEOUT

    def is_due(self, now: pendulum.DateTime) -> bool:
        return (
            self.status in {EmailStatus.PENDING, EmailStatus.SENDING}
            and self.next_attempt_at is not None
            and self.next_attempt_at.timestamp() <= now.timestamp()
        )

    def record_sent(self, now: pendulum.DateTime) -> None:
        """The mail server took it: done, and its context forgotten."""
        self.status, self.sent_at = EmailStatus.SENT, as_utc(now)
        self.next_attempt_at, self.last_error = None, ""
        self._forget_context()

    def record_failure(self, error: str, now: pendulum.DateTime, *, permanent: bool) -> None:
        """A failed attempt: retried later with backoff, or given up (its context forgotten)
        when the failure is permanent or after MAX_ATTEMPTS."""
        self.last_error = error[:MAX_ERROR]
        if permanent or self.attempts >= MAX_ATTEMPTS:
            self.status, self.next_attempt_at = EmailStatus.FAILED, None
            self._forget_context()
        else:
            self.status = EmailStatus.PENDING
            self.next_attempt_at = as_utc(now) + retry_delay(self.attempts)

    def _forget_context(self) -> None:
        """Blank every value: nothing it was sent with (a link, a password) stays readable."""
        self.context = dict.fromkeys(self.context, FORGOTTEN)

    @property
    def message_id(self) -> str:
        return f"<outbox-{self.id}@portail-famille>"


@frozen
class RenderedEmail:
    subject: str
    text: str
    html: str


@frozen
class OutboxBacklog:
    """The messages not yet sent nor given up (pending or being sent): how many, and when the
    oldest was queued (None: none waits)."""

    count: int
    oldest_created_at: pendulum.DateTime | None = None

    def oldest_age_seconds(self, now: pendulum.DateTime) -> int | None:
        if self.oldest_created_at is None:
            return None
        return max(0, int((now - self.oldest_created_at).total_seconds()))
