"""Getting an account back: password reset and unlocking, by e-mailed link or by the desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.accounts.account import Account, AccountStatus, TokenPurpose
from portail_core.domain.accounts.throttle import identifier_key, ip_key
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.shared.text import has_control_characters
from portail_core.errors import NotFound
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices
from portail_core.services.accounts.links import (
    email_link,
    linked_account,
    spend_link,
    usable_token,
)
from portail_core.services.accounts.login import throttle_of, typed_identifier
from portail_core.services.accounts.passwords import check_new_password

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "RESET_LINKS_PER_HOUR",
    "RESET_REQUESTS_PER_ADDRESS",
    "request_password_reset",
    "reset_password",
    "send_reset_link",
    "unlock_account",
    "unlock_with_link",
]

RESET_REQUESTS_PER_ADDRESS = 20  # an hour

RESET_LINKS_PER_HOUR = 3  # for one identifier: more would let anyone spam a family


def unlock_account(uow: UnitOfWork, family_id: int, *, actor: Actor, clock: Clock) -> Account:
    """The guichet unique unlocks a family's account (after checking who is asking)."""
    now = clock.now()
    with uow:
        account = _account_of_family(uow, family_id)
        was_locked = account.locked
        account.unlock()
        uow.accounts.update(account)
        uow.audit.record(notices.unlocked_by_desk(account, was_locked, actor, now))
        uow.commit()
        return account


def request_password_reset(
    uow: UnitOfWork,
    identifier: str,
    *,
    public_url: str,
    hasher: PasswordHasher,
    actor_ip: str,
    clock: Clock,
) -> None:
    """E-mail a one-hour reset link if the identifier names an account; the caller answers the
    same whatever happened, so that nobody learns which identifiers exist. The link also
    unlocks a locked account."""
    wanted = typed_identifier(identifier)
    now = clock.now()
    with uow:
        flooded = _count_reset_request(uow, hasher.digest(wanted), actor_ip, now)
        account = None
        if not flooded and not has_control_characters(wanted):
            account = uow.accounts.by_identifier(wanted)
        if account is not None and account.id is not None:
            requester = Actor(account.identifier, Channel.PORTAL)
            _send_reset_link(uow, account, public_url, requester, actor_ip, now)
        uow.commit()  # the same writes for a real account or not: the same answer, same time


def send_reset_link(
    uow: UnitOfWork, family_id: int, *, public_url: str, actor: Actor, clock: Clock
) -> Account:
    """The guichet unique sends a family a new link to choose its password."""
    with uow:
        account = _account_of_family(uow, family_id)
        _send_reset_link(uow, account, public_url, actor, "guichet", clock.now())
        uow.commit()
        return account


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
        account = linked_account(uow, token)
        check_new_password(uow, password, account, uow.families.get(account.family_id))
        account.password_hash = hasher.hash(password)
        account.status = AccountStatus.ACTIVE
        account.must_change_password, account.password_expires_at = False, None
        account.unlock()
        uow.accounts.update(account)
        spend_link(uow, token, now)
        uow.sessions.delete_all(token.account_id)
        uow.outbox.add(notices.password_reset_email(account, uow.communes.get(), now))
        uow.audit.record(notices.password_reset(account, actor_ip, now))
        uow.commit()
        return account


def unlock_with_link(uow: UnitOfWork, secret: str, *, actor_ip: str, clock: Clock) -> Account:
    """The holder of a locked account unlocks it with the e-mailed link (consumed on POST)."""
    now = clock.now()
    with uow:
        token = usable_token(uow, secret, TokenPurpose.UNLOCK, now)
        account = linked_account(uow, token, for_update=True)
        account.unlock()
        uow.accounts.update(account)
        spend_link(uow, token, now, revoke_others=False)
        uow.audit.record(notices.unlocked_with_link(account, actor_ip, now))
        uow.commit()
        return account


def _account_of_family(uow: UnitOfWork, family_id: int) -> Account:
    account = uow.accounts.of_family(family_id)
    if account is None:
        raise NotFound(f"La famille n° {family_id} n'a pas de compte.")
    return account


def _count_reset_request(
    uow: UnitOfWork, digest: str, actor_ip: str, now: pendulum.DateTime
) -> bool:
    """Count the request against the client address (TooManyAttempts past
    RESET_REQUESTS_PER_ADDRESS an hour) and the identifier typed (by its keyed ``digest``);
    whether the identifier has had RESET_LINKS_PER_HOUR links already."""
    by_address = throttle_of(uow, ip_key(actor_ip, "reset"))
    by_address.check_as_address(now, RESET_REQUESTS_PER_ADDRESS)
    by_address.fail_as_address(now)
    uow.throttles.save(by_address)
    by_identifier = throttle_of(uow, "reset-" + identifier_key(digest))
    flooded = by_identifier.hourly_count(now) >= RESET_LINKS_PER_HOUR
    by_identifier.fail_as_address(now)
    uow.throttles.save(by_identifier)
    return flooded


def _send_reset_link(
    uow: UnitOfWork,
    account: Account,
    public_url: str,
    actor: Actor,
    ip: str,
    now: pendulum.DateTime,
) -> None:
    email_link(uow, account, TokenPurpose.PASSWORD_RESET, f"{public_url}/reinitialisation", now)
    uow.audit.record(notices.reset_link_sent(account, actor, ip, now))
