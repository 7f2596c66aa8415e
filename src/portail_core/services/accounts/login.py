"""Logging in: identifier and password, throttled per account, per identifier and per address."""

from __future__ import annotations

import pendulum

from portail_core.domain.accounts.account import (
    Account,
)
from portail_core.domain.accounts.throttle import LoginThrottle, identifier_key, ip_key
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.shared.text import has_control_characters, printable
from portail_core.errors import NotAllowed
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.accounts.links import send_unlock_link

__all__ = ["LoginFailed", "authenticate"]


class LoginFailed(NotAllowed):
    default_message = "Identifiant ou mot de passe incorrect."


def authenticate(
    uow: UnitOfWork,
    identifier: str,
    password: str,
    *,
    hasher: PasswordHasher,
    actor_ip: str,
    clock: Clock,
    public_url: str | None = None,
) -> Account:
    """Check the identifier and password under the throttling rules (SECURITY.md): per account
    (an unknown identifier is throttled exactly alike) and per client address.

    An unknown identifier, an account not yet activated and a wrong password get the same
    answer, after the same work (a password is always hashed). Every outcome is audited.
    """
    now = clock.now()
    wanted = identifier.strip().lower()[:100]
    with uow:
        seen = uow.throttles.get(ip_key(actor_ip))  # not locked: hashing must not hold it
        if seen is not None:
            seen.check_as_address(now)
        account = None
        if not has_control_characters(wanted):
            # The row is locked: concurrent attempts on one account queue and all count.
            account = uow.accounts.by_identifier(wanted, for_update=True)
        if account is None or account.password_hash is None:
            # No account (or not activated): the same rules and the same work, so that the
            # answers never tell which identifiers exist.
            stand_in = uow.throttles.get(identifier_key(wanted), for_update=True) or LoginThrottle(
                identifier_key(wanted)
            )
            stand_in.check_as_identifier(now)
            hasher.hash(password)
            stand_in.fail_as_identifier(now)
            uow.throttles.save(stand_in)
            _count_address_failure(uow, actor_ip, now)
            _audit_login(
                uow, printable(wanted), "login.failure", "Échec de connexion", actor_ip, now
            )
            uow.commit()
            raise LoginFailed()
        account.check_can_attempt(now)
        if not hasher.verify(account.password_hash, password):
            account.record_failure(now)
            uow.accounts.update(account)
            _count_address_failure(uow, actor_ip, now)
            family = account.family_id
            _audit_login(
                uow,
                account.identifier,
                "login.failure",
                "Échec de connexion",
                actor_ip,
                now,
                family,
            )
            if account.locked:
                _audit_login(
                    uow,
                    account.identifier,
                    "account.lock",
                    "Compte bloqué après trop d'essais",
                    actor_ip,
                    now,
                    family,
                )
                if public_url is not None:
                    send_unlock_link(uow, account, public_url, now)
            uow.commit()
            raise LoginFailed()
        if account.temporary_password_expired(now):
            raise NotAllowed(
                "Votre mot de passe provisoire a expiré : demandez-en un nouveau au guichet unique."
            )
        account.record_success()
        if account.must_change_password:
            # A temporary password opens one session only: the one that changes it.
            account.password_expires_at = now
        if hasher.needs_rehash(account.password_hash):
            account.password_hash = hasher.hash(password)
        uow.accounts.update(account)
        _audit_login(
            uow, account.identifier, "login.success", "Connexion", actor_ip, now, account.family_id
        )
        uow.commit()
        return account


def _count_address_failure(uow: UnitOfWork, actor_ip: str, now: pendulum.DateTime) -> None:
    """Count a failure against the client address (its row is locked only now, after hashing)."""
    key = ip_key(actor_ip)
    address = uow.throttles.get(key, for_update=True) or LoginThrottle(key)
    address.fail_as_address(now)
    uow.throttles.save(address)


def _audit_login(
    uow: UnitOfWork,
    who: str,
    action: str,
    summary: str,
    ip: str,
    now: pendulum.DateTime,
    family_id: int | None = None,
) -> None:
    uow.audit.record(
        AuditEvent(
            at=now,
            actor=Actor(who, Channel.PORTAL),
            action=action,
            summary=f"{summary} : {who}",
            details={"ip": ip},
            family_id=family_id,
        )
    )


def throttle_of(uow: UnitOfWork, key: str) -> LoginThrottle:
    return uow.throttles.get(key, for_update=True) or LoginThrottle(key)
