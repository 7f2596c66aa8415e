"""Getting an account back: password reset and unlocking, by e-mailed link or by the desk."""

from __future__ import annotations

from portail_core.domain.accounts.account import (
    Account,
    AccountStatus,
    TokenPurpose,
    portal_event,
)
from portail_core.domain.accounts.throttle import identifier_key, ip_key
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.domain.shared.text import has_control_characters
from portail_core.errors import NotFound
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.accounts.links import email_link, usable_token
from portail_core.services.accounts.login import throttle_of
from portail_core.services.accounts.passwords import require_strong_password

__all__ = [
    "RESET_LINKS_PER_HOUR",
    "RESET_REQUESTS_PER_ADDRESS",
    "request_password_reset",
    "reset_password",
    "send_reset_link",
    "unlock_account",
    "unlock_with_link",
]


def unlock_account(uow: UnitOfWork, family_id: int, *, actor: Actor, clock: Clock) -> Account:
    """The guichet unique unlocks a family's account (after checking who is asking)."""
    now = clock.now()
    with uow:
        account = uow.accounts.of_family(family_id)
        if account is None:
            raise NotFound(f"La famille n° {family_id} n'a pas de compte.")
        was_locked = account.locked
        account.unlock()
        uow.accounts.update(account)
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="account.unlock",
                summary=f"Compte {account.identifier} débloqué",
                details={"locked": [str(was_locked), "False"]},
                family_id=family_id,
            )
        )
        uow.commit()
        return account


def request_password_reset(
    uow: UnitOfWork,
    identifier: str,
    *,
    public_url: str,
    actor_ip: str,
    clock: Clock,
) -> None:
    """E-mail a one-hour reset link if the identifier names an account; the caller answers the
    same whatever happened, so that nobody learns which identifiers exist."""
    wanted = identifier.strip().lower()[:100]
    now = clock.now()
    with uow:
        by_address = throttle_of(uow, ip_key(actor_ip, "reset"))
        by_address.check_as_address(now, RESET_REQUESTS_PER_ADDRESS)
        by_address.fail_as_address(now)
        uow.throttles.save(by_address)
        by_identifier = throttle_of(uow, "reset-" + identifier_key(wanted))
        flooded = by_identifier.hourly_count(now) >= RESET_LINKS_PER_HOUR
        by_identifier.fail_as_address(now)
        uow.throttles.save(by_identifier)
        account = None
        if not flooded and not has_control_characters(wanted):
            account = uow.accounts.by_identifier(wanted)
        if account is None or account.id is None:
            uow.commit()  # the same writes as for a real account: the same answer, same time
            return
        _send_reset_link(
            uow, account, public_url, Actor(account.identifier, Channel.PORTAL), actor_ip, clock
        )
        uow.commit()


RESET_REQUESTS_PER_ADDRESS = 20  # an hour


RESET_LINKS_PER_HOUR = 3  # for one identifier: more would let anyone spam a family


def send_reset_link(
    uow: UnitOfWork, family_id: int, *, public_url: str, actor: Actor, clock: Clock
) -> Account:
    """The guichet unique sends a family a new link to choose its password."""
    with uow:
        account = uow.accounts.of_family(family_id)
        if account is None:
            raise NotFound(f"La famille n° {family_id} n'a pas de compte.")
        _send_reset_link(uow, account, public_url, actor, "guichet", clock)
        uow.commit()
        return account


def _send_reset_link(
    uow: UnitOfWork, account: Account, public_url: str, actor: Actor, ip: str, clock: Clock
) -> None:
    now = clock.now()
    email_link(uow, account, TokenPurpose.PASSWORD_RESET, f"{public_url}/reinitialisation", now)
    uow.audit.record(
        AuditEvent(
            at=now,
            actor=actor,
            action="account.reset_request",
            summary=f"Lien de réinitialisation envoyé : {account.identifier}",
            details={"ip": ip},
            family_id=account.family_id,
        )
    )


def reset_password(
    uow: UnitOfWork,
    secret: str,
    password: str,
    *,
    hasher: PasswordHasher,
    actor_ip: str,
    clock: Clock,
) -> Account:
    """Consume the reset link: new password, account unlocked, every session ended, and a
    notification e-mail. The family then logs in (no automatic login)."""
    now = clock.now()
    with uow:
        token = usable_token(uow, secret, TokenPurpose.PASSWORD_RESET, now)
        account = uow.accounts.get(token.account_id)
        if account is None or account.id is None:
            raise NotFound("Compte introuvable.")
        family = uow.families.get(account.family_id)
        commune = uow.communes.get()
        require_strong_password(password, family, account, commune.name if commune else "")
        account.password_hash = hasher.hash(password)
        account.status = AccountStatus.ACTIVE
        account.must_change_password, account.password_expires_at = False, None
        account.unlock()
        uow.accounts.update(account)
        token.use(now)
        uow.tokens.update(token)
        uow.tokens.revoke_all(account.id, TokenPurpose.PASSWORD_RESET)
        uow.sessions.delete_all(account.id)
        uow.outbox.add(
            OutgoingEmail(
                account.email,
                "password_changed",
                {
                    "commune": commune.name if commune else "la commune",
                    "identifier": account.identifier,
                    "when": moment_fr(now),
                },
                created_at=now,
            )
        )
        uow.audit.record(
            portal_event(
                account,
                "account.password_reset",
                f"Mot de passe réinitialisé : {account.identifier}",
                at=now,
                ip=actor_ip,
            )
        )
        uow.commit()
        return account


def unlock_with_link(uow: UnitOfWork, secret: str, *, actor_ip: str, clock: Clock) -> Account:
    """The holder of a locked account unlocks it with the e-mailed link (consumed on POST)."""
    now = clock.now()
    with uow:
        token = usable_token(uow, secret, TokenPurpose.UNLOCK, now)
        account = uow.accounts.get(token.account_id, for_update=True)
        if account is None:
            raise NotFound("Compte introuvable.")
        account.unlock()
        uow.accounts.update(account)
        token.use(now)
        uow.tokens.update(token)
        uow.audit.record(
            portal_event(
                account,
                "account.unlock",
                f"Compte {account.identifier} débloqué par le lien reçu",
                at=now,
                ip=actor_ip,
            )
        )
        uow.commit()
        return account
