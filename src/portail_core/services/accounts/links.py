"""One-time links (activation, reset, unlock, e-mail change): only their hash is stored."""

from __future__ import annotations

import pendulum

from portail_core.domain.accounts.account import (
    Account,
    OneTimeToken,
    TokenPurpose,
    hash_token,
)
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.errors import NotAllowed
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["email_link", "link_is_valid", "send_unlock_link", "usable_token"]


def usable_token(
    uow: UnitOfWork, secret: str, purpose: TokenPurpose, now: pendulum.DateTime
) -> OneTimeToken:
    token = uow.tokens.by_hash(hash_token(secret), for_update=True) if len(secret) <= 100 else None
    if token is None or token.purpose is not purpose or not token.usable(now):
        raise NotAllowed(
            "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau au "
            "guichet unique."
        )
    return token


def link_is_valid(uow: UnitOfWork, secret: str, purpose: TokenPurpose, clock: Clock) -> bool:
    """Whether an e-mailed link (activation, reset, unlock) still works: the page then shows its
    form, or explains that the link is spent (give a read-only unit of work)."""
    with uow:
        try:
            usable_token(uow, secret, purpose, clock.now())
        except NotAllowed:
            return False
        return True


_LINK_EMAILS = {  # purpose -> (template, context key of the link)
    TokenPurpose.PASSWORD_RESET: ("password_reset", "reset_url"),
    TokenPurpose.UNLOCK: ("account_unlock", "unlock_url"),
}


def email_link(
    uow: UnitOfWork, account: Account, purpose: TokenPurpose, base: str, now: pendulum.DateTime
) -> None:
    """A new one-time link (older ones of that purpose revoked), e-mailed through the outbox."""
    assert account.id is not None  # noqa: S101  (read from the repository)
    uow.tokens.revoke_all(account.id, purpose)
    secret, token = OneTimeToken.issue(account.id, purpose, now)
    uow.tokens.add(token)
    commune = uow.communes.get()
    template, link_key = _LINK_EMAILS[purpose]
    uow.outbox.add(
        OutgoingEmail(
            account.email,
            template,
            {
                "commune": commune.name if commune else "la commune",
                "identifier": account.identifier,
                link_key: f"{base}/{secret}",
                "expires": moment_fr(token.expires_at),
            },
            created_at=now,
        )
    )


def send_unlock_link(
    uow: UnitOfWork, account: Account, public_url: str, now: pendulum.DateTime
) -> None:
    """When an account locks (wrong passwords at login or when changing it), its holder
    receives a link (24 h) to unlock it, written to the outbox in the caller's unit of work."""
    email_link(uow, account, TokenPurpose.UNLOCK, f"{public_url}/deblocage", now)
