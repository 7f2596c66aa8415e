"""Family accounts: login throttling and lockout, one-time tokens (SECURITY.md).

- After 5 consecutive failures, each attempt waits 1 minute, then 2, 4... (doubling).
- After 10 consecutive failures, or 25 within 24 hours, the account is locked; its holder is
  e-mailed an unlock link at once (sent before other e-mails), and that link, a password reset
  or the guichet unique unlocks it. Anyone who knows an identifier can lock it: the unlock
  paths are what keep this from shutting a family out (docs/operator-guide.md, « Lockouts »).
- Tokens (activation, password reset, unlock, e-mail change) are 256-bit random secrets sent by
  e-mail; only their SHA-256 is stored; each is single use and expires. An e-mail change token
  carries the new address it confirms.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets

import pendulum
from attrs import define, field

from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.shared.instants import as_utc
from portail_core.errors import NotAllowed

__all__ = [
    "Account",
    "AccountLocked",
    "AccountStatus",
    "OneTimeToken",
    "TokenPurpose",
    "TooManyAttempts",
    "hash_token",
]

DELAY_AFTER = 5
LOCK_AFTER = 10
MAX_FAILURES_PER_DAY = 25
FIRST_DELAY = pendulum.duration(minutes=1)


class AccountStatus(enum.Enum):
    AWAITING_ACTIVATION = "awaiting_activation"  # created by staff, password not chosen yet
    ACTIVE = "active"


class TooManyAttempts(NotAllowed):
    """Temporisation: the next attempt must wait."""

    def __init__(self, wait: pendulum.Duration) -> None:
        minutes = max(1, int(wait.total_seconds() + 59) // 60)
        super().__init__(
            f"Trop d'essais : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
        )
        self.wait = wait


class AccountLocked(NotAllowed):
    default_message = (
        "Ce compte est bloqué après trop d'essais. Débloquez-le avec le lien envoyé par courriel "
        "à son adresse, ou choisissez un nouveau mot de passe (« Mot de passe oublié ? ») : cela "
        "le débloque aussi. Le guichet unique peut également le débloquer."
    )


@define(slots=False, eq=False)
class Account:
    family_id: int
    identifier: str  # what the family types to log in
    email: str
    created_at: pendulum.DateTime = field(converter=as_utc)
    status: AccountStatus = AccountStatus.AWAITING_ACTIVATION
    password_hash: str | None = None
    must_change_password: bool = False  # the seed's temporary-password variant
    password_expires_at: pendulum.DateTime | None = None  # for a temporary password
    consecutive_failures: int = 0
    recent_failures: list[pendulum.DateTime] = field(factory=list)
    blocked_until: pendulum.DateTime | None = None
    locked: bool = False
    id: int | None = field(default=None, kw_only=True)

    def check_can_attempt(self, now: pendulum.DateTime) -> None:
        """Raise AccountLocked or TooManyAttempts before even looking at the password."""
        if self.locked:
            raise AccountLocked()
        if self.blocked_until is not None and now.timestamp() < self.blocked_until.timestamp():
            raise TooManyAttempts(self.blocked_until - now)

    def record_failure(self, now: pendulum.DateTime) -> None:
        day_ago = now.subtract(hours=24).timestamp()
        self.recent_failures = [t for t in self.recent_failures if t.timestamp() > day_ago]
        self.recent_failures.append(as_utc(now))
        self.consecutive_failures += 1
        if (
            self.consecutive_failures >= LOCK_AFTER
            or len(self.recent_failures) >= MAX_FAILURES_PER_DAY
        ):
            self.locked, self.blocked_until = True, None
        elif self.consecutive_failures >= DELAY_AFTER:
            doublings = self.consecutive_failures - DELAY_AFTER
            self.blocked_until = as_utc(now) + FIRST_DELAY * (2**doublings)

    def record_success(self) -> None:
        self.consecutive_failures, self.blocked_until = 0, None

    def unlock(self) -> None:
        self.locked, self.consecutive_failures, self.blocked_until = False, 0, None
        self.recent_failures = []

    def temporary_password_expired(self, now: pendulum.DateTime) -> bool:
        return (
            self.must_change_password
            and self.password_expires_at is not None
            and now.timestamp() >= self.password_expires_at.timestamp()
        )


class TokenPurpose(enum.Enum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"  # noqa: S105  (names a purpose, holds no password)
    UNLOCK = "unlock"
    EMAIL_CHANGE = "email_change"  # confirms the main guardian's new address for the account

    @property
    def lifetime(self) -> pendulum.Duration:
        return {
            TokenPurpose.ACTIVATION: pendulum.duration(hours=72),
            TokenPurpose.PASSWORD_RESET: pendulum.duration(hours=1),
            TokenPurpose.UNLOCK: pendulum.duration(hours=24),
            TokenPurpose.EMAIL_CHANGE: pendulum.duration(hours=72),
        }[self]


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@define(slots=False, eq=False)
class OneTimeToken:
    account_id: int
    purpose: TokenPurpose
    token_hash: str
    expires_at: pendulum.DateTime = field(converter=as_utc)
    used_at: pendulum.DateTime | None = None
    revoked: bool = False
    new_email: str | None = None  # for EMAIL_CHANGE: the address the link confirms
    id: int | None = field(default=None, kw_only=True)

    @classmethod
    def issue(
        cls,
        account_id: int,
        purpose: TokenPurpose,
        now: pendulum.DateTime,
        *,
        new_email: str | None = None,
    ) -> tuple[str, OneTimeToken]:
        """A new token and its secret (to e-mail; it is never stored)."""
        secret = secrets.token_urlsafe(32)
        token = cls(
            account_id, purpose, hash_token(secret), now + purpose.lifetime, new_email=new_email
        )
        return secret, token

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_token(secret))

    def usable(self, now: pendulum.DateTime) -> bool:
        return (
            self.used_at is None
            and not self.revoked
            and now.timestamp() < self.expires_at.timestamp()
        )

    def use(self, now: pendulum.DateTime) -> None:
        self.used_at = as_utc(now)


def portal_event(
    account: Account,
    action: str,
    summary: str,
    *,
    at: pendulum.DateTime,
    ip: str,
    **details: object,
) -> AuditEvent:
    """What the family did itself on the portal (activation, password change, unlock...): the
    account is the actor, the connection's address is kept with the other ``details``."""
    return AuditEvent(
        at=at,
        actor=Actor(account.identifier, Channel.PORTAL),
        action=action,
        summary=summary,
        details={"ip": ip, **details},
        family_id=account.family_id,
    )
