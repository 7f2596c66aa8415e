"""One-time links (activation, reset, unlock, e-mail change): only their hash is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.accounts.account import (
    Account,
    OneTimeToken,
    TokenPurpose,
    hash_token,
)
from portail_core.errors import NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "email_link",
    "link_is_valid",
    "linked_account",
    "send_unlock_link",
    "spend_link",
    "usable_token",
]

MAX_SECRET_LENGTH = 100


def usable_token(
    uow: UnitOfWork, secret: str, purpose: TokenPurpose, now: pendulum.DateTime
) -> OneTimeToken:
    token = (
        uow.tokens.by_hash(hash_token(secret), for_update=True)
        if len(secret) <= MAX_SECRET_LENGTH
        else None
    )
    if token is None or token.purpose is not purpose or not token.usable(now):
        raise NotAllowed(
            "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau au "
            "guichet unique."
        )
    return token


def linked_account(uow: UnitOfWork, token: OneTimeToken, *, for_update: bool = False) -> Account:
    """The account a usable link was issued for (NotFound if it has gone since)."""
    account = uow.accounts.get(token.account_id, for_update=for_update)
    if account is None or account.id is None:
        raise NotFound("Compte introuvable.")
    return account


def spend_link(
    uow: UnitOfWork, token: OneTimeToken, now: pendulum.DateTime, *, revoke_others: bool = True
) -> None:
    """Mark the link used; by default the account's other links of that purpose die with it."""
    token.use(now)
    uow.tokens.update(token)
    if revoke_others:
        uow.tokens.revoke_all(token.account_id, token.purpose)


def link_is_valid(uow: UnitOfWork, secret: str, purpose: TokenPurpose, clock: Clock) -> bool:
    """Whether an e-mailed link (activation, reset, unlock) still works: the page then shows its
    form, or explains that the link is spent (give a read-only unit of work)."""
    with uow:
        try:
            usable_token(uow, secret, purpose, clock.now())
        except NotAllowed:
            return False
        return True


def email_link(
    uow: UnitOfWork, account: Account, purpose: TokenPurpose, base: str, now: pendulum.DateTime
) -> None:
    """A new one-time link (older ones of that purpose revoked), e-mailed through the outbox."""
    assert account.id is not None  # noqa: S101  (read from the repository)
    uow.tokens.revoke_all(account.id, purpose)
    secret, token = OneTimeToken.issue(account.id, purpose, now)
    uow.tokens.add(token)
    commune = uow.communes.get()
    url = f"{base}/{secret}"
    uow.outbox.add(notices.link_email(account, commune, purpose, url, token.expires_at, now))


def send_unlock_link(
    uow: UnitOfWork, account: Account, public_url: str, now: pendulum.DateTime
) -> None:
    """When an account locks (wrong passwords at login or when changing it), its holder
    receives a link (24 h) to unlock it, written to the outbox in the caller's unit of work."""
    email_link(uow, account, TokenPurpose.UNLOCK, f"{public_url}/deblocage", now)
