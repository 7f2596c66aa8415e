"""A new e-mail for the main guardian reaches the account once confirmed with a link sent to it."""

from __future__ import annotations

import pendulum

from portail_core.domain.accounts.account import (
    Account,
    OneTimeToken,
    TokenPurpose,
    portal_event,
)
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.errors import NotAllowed, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.accounts.links import usable_token

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
    context = {
        "commune": commune.name if commune else "la commune",
        "identifier": account.identifier,
        "new_email": address,
    }
    link = {
        "confirm_url": f"{public_url}/confirmation-courriel/{secret}",
        "expires": moment_fr(token.expires_at),
    }
    uow.outbox.add(OutgoingEmail(address, "email_change_confirm", context | link, created_at=now))
    notice = context | {"when": moment_fr(now)}
    uow.outbox.add(OutgoingEmail(account.email, "email_change_notice", notice, created_at=now))
    uow.audit.record(
        AuditEvent(
            at=now,
            actor=actor,
            action="account.email_change_request",
            summary=f"Lien de confirmation de la nouvelle adresse envoyé : {account.identifier}",
            details={"email": [account.email, address]},
            family_id=family_id,
        )
    )
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
        account = uow.accounts.get(token.account_id, for_update=True)
        if account is None or account.id is None or not token.new_email:
            raise NotFound("Compte introuvable.")
        old, account.email = account.email, token.new_email
        uow.accounts.update(account)
        token.use(now)
        uow.tokens.update(token)
        uow.tokens.revoke_all(account.id, TokenPurpose.EMAIL_CHANGE)
        uow.audit.record(
            portal_event(
                account,
                "account.email_change",
                f"Adresse e-mail du compte {account.identifier} changée : {old} -> {account.email}",
                at=now,
                ip=actor_ip,
                email=[old, account.email],
            )
        )
        uow.commit()
        return account
