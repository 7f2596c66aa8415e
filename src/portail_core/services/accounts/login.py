"""Logging in: identifier and password, throttled per account, per identifier and per address."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.accounts.account import Account
from portail_core.domain.accounts.throttle import LoginThrottle, identifier_key, ip_key
from portail_core.domain.shared.text import has_control_characters
from portail_core.errors import NotAllowed
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices
from portail_core.services.accounts.links import send_unlock_link

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "LoginFailed",
    "authenticate",
    "record_lockout",
    "throttle_of",
    "typed_identifier",
]


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
    answer, after the same work (a password is always hashed). Every outcome is audited; an
    identifier that names no account is neither written nor hashed without a key anywhere (it
    may be a password typed in the wrong field).
    """
    now = clock.now()
    wanted = typed_identifier(identifier)
    with uow:
        _check_address(uow, actor_ip, now)
        account = _account_named(uow, wanted)
        if account is None or account.password_hash is None:
            _fail_without_password(uow, wanted, account, password, hasher, actor_ip, now)
            uow.commit()
            raise LoginFailed()
        account.check_can_attempt(now)
        if not hasher.verify(account.password_hash, password):
            _fail_with_account(uow, account, actor_ip, now, public_url)
            uow.commit()
            raise LoginFailed()
        _succeed(account, now)
        if hasher.needs_rehash(account.password_hash):
            account.password_hash = hasher.hash(password)
        uow.accounts.update(account)
        uow.audit.record(notices.login_succeeded(account, actor_ip, now))
        uow.commit()
        return account


def typed_identifier(identifier: str) -> str:
    """An identifier as the family typed it, made comparable (trimmed, lower case, bounded)."""
    return identifier.strip().lower()[:100]


def throttle_of(uow: UnitOfWork, key: str) -> LoginThrottle:
    """The throttle row of ``key``, locked, or a new one."""
    return uow.throttles.get(key, for_update=True) or LoginThrottle(key)


def record_lockout(
    uow: UnitOfWork,
    account: Account,
    ip: str,
    now: pendulum.DateTime,
    public_url: str | None,
    *,
    where: str | None = None,
) -> None:
    """The account has just locked: audited, and with ``public_url`` its holder is e-mailed a
    link to unlock it."""
    uow.audit.record(notices.account_locked(account, ip, now, where=where))
    if public_url is not None:
        send_unlock_link(uow, account, public_url, now)


def _check_address(uow: UnitOfWork, actor_ip: str, now: pendulum.DateTime) -> None:
    """TooManyAttempts when the client address is throttled; its row is not locked, since
    hashing must not hold it."""
    seen = uow.throttles.get(ip_key(actor_ip))
    if seen is not None:
        seen.check_as_address(now)


def _account_named(uow: UnitOfWork, wanted: str) -> Account | None:
    """The account's row is locked: concurrent attempts on one account queue and all count."""
    if has_control_characters(wanted):
        return None
    return uow.accounts.by_identifier(wanted, for_update=True)


def _fail_without_password(
    uow: UnitOfWork,
    wanted: str,
    account: Account | None,
    password: str,
    hasher: PasswordHasher,
    actor_ip: str,
    now: pendulum.DateTime,
) -> None:
    """No account (or not activated): the same rules and the same work as a wrong password, so
    that the answers never tell which identifiers exist. The stand-in throttle is named by the
    keyed digest of what was typed; the audit trail names the account, or nobody."""
    stand_in = throttle_of(uow, identifier_key(hasher.digest(wanted)))
    stand_in.check_as_identifier(now)
    hasher.hash(password)
    stand_in.fail_as_identifier(now)
    uow.throttles.save(stand_in)
    _count_address_failure(uow, actor_ip, now)
    if account is None:
        uow.audit.record(notices.login_failed_unknown(actor_ip, now))
    else:
        uow.audit.record(notices.login_failed(account, actor_ip, now))


def _fail_with_account(
    uow: UnitOfWork,
    account: Account,
    actor_ip: str,
    now: pendulum.DateTime,
    public_url: str | None,
) -> None:
    account.record_failure(now)
    uow.accounts.update(account)
    _count_address_failure(uow, actor_ip, now)
    uow.audit.record(notices.login_failed(account, actor_ip, now))
    if account.locked:
        record_lockout(uow, account, actor_ip, now, public_url)


def _succeed(account: Account, now: pendulum.DateTime) -> None:
    """The password is right: unless the temporary password has expired, the failures are
    forgotten."""
    if account.temporary_password_expired(now):
        raise NotAllowed(
            "Votre mot de passe provisoire a expiré : demandez-en un nouveau au guichet unique."
        )
    account.record_success()
    if account.must_change_password:
        # A temporary password opens one session only: the one that changes it.
        account.password_expires_at = now


def _count_address_failure(uow: UnitOfWork, actor_ip: str, now: pendulum.DateTime) -> None:
    """Count a failure against the client address (its row is locked only now, after hashing)."""
    address = throttle_of(uow, ip_key(actor_ip))
    address.fail_as_address(now)
    uow.throttles.save(address)
