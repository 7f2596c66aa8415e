"""A new e-mail for the main guardian reaches the account once confirmed with a link sent to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.audit import Actor
from portail_core.errors import NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices
from portail_core.services.accounts.links import linked_account, spend_link, usable_token

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["confirm_email_change", "pending_email_change", "propose_email_change"]


def propose_email_change(
    uow: UnitOfWork,
    family_id: int,
    new_email: str | None,
    *,
    public_url: str,
    actor: Actor,
    now: pendulum.DateTime,
) -> bool:
    """The main guardian's e-mail has changed in the dossier (in the caller's unit of work): a
    link (72 h) to the new address confirms it for the account, and the old address is told of
    the request (no link). Earlier links are revoked; nothing is sent when the family has no
    account, or when the new address is empty or already the account's. Whether a link left."""
    account = uow.accounts.of_family(family_id)
    if account is None or account.id is None:
        return False
    uow.tokens.revoke_all(account.id, TokenPurpose.EMAIL_CHANGE)
    address = (new_email or "").strip()
    if not address or address.casefold() == account.email.casefold():
        return False
    secret, token = OneTimeToken.issue(
        account.id, TokenPurpose.EMAIL_CHANGE, now, new_email=address
    )
    uow.tokens.add(token)
    commune = uow.communes.get()
    url = f"{public_url}/confirmation-courriel/{secret}"
    uow.outbox.add(
        notices.email_change_confirm_email(account, commune, address, url, token.expires_at, now)
    )
    uow.outbox.add(notices.email_change_notice_email(account, commune, address, now))
    uow.audit.record(notices.email_change_requested(account, address, actor, now))
    return True


def pending_email_change(uow: UnitOfWork, secret: str, clock: Clock) -> str | None:
    """The new address an e-mail change link would confirm, or None when the link is spent
    (give a read-only unit of work)."""
    with uow:
        try:
            return usable_token(uow, secret, TokenPurpose.EMAIL_CHANGE, clock.now()).new_email
        except NotAllowed:
            return None


def confirm_email_change(uow: UnitOfWork, secret: str, *, actor_ip: str, clock: Clock) -> Account:
    """The family follows the link sent to its new address (consumed on POST): the account's
    e-mail becomes that address, audited old -> new."""
    now = clock.now()
    with uow:
        token = usable_token(uow, secret, TokenPurpose.EMAIL_CHANGE, now)
        account = linked_account(uow, token, for_update=True)
        if not token.new_email:
            raise NotFound("Compte introuvable.")
        old, account.email = account.email, token.new_email
        uow.accounts.update(account)
        spend_link(uow, token, now)
        uow.audit.record(notices.email_changed(account, old, actor_ip, now))
        uow.commit()
        return account
