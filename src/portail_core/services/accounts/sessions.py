"""Portal sessions: log in, recognise a returning browser, change password, log out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.accounts.account import Account, AccountLocked, hash_token
from portail_core.domain.accounts.session import PortalSession
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices
from portail_core.services.accounts.links import MAX_SECRET_LENGTH
from portail_core.services.accounts.login import authenticate, record_lockout
from portail_core.services.accounts.passwords import check_new_password

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "SessionView",
    "change_password",
    "current_session",
    "end_session",
    "extend_session",
    "log_in",
]


@frozen
class SessionView:
    """Who is logged in, as the web pages need it."""

    account_id: int
    family_id: int
    identifier: str
    family_name: str
    must_change_password: bool
    expires_at: pendulum.DateTime


def log_in(
    uow: UnitOfWorkFactory,
    identifier: str,
    password: str,
    *,
    hasher: PasswordHasher,
    actor_ip: str,
    clock: Clock,
    public_url: str | None = None,
) -> str:
    """Check the credentials (throttled, audited), then open a new session; returns its secret.

    With ``public_url``, an account that locks now is sent a link to unlock it."""
    account = authenticate(
        uow(),
        identifier,
        password,
        hasher=hasher,
        actor_ip=actor_ip,
        clock=clock,
        public_url=public_url,
    )
    assert account.id is not None  # noqa: S101  (read from the repository)
    secret, session = PortalSession.start(account.id, clock.now())
    with uow() as opening:
        opening.sessions.add(session)
        opening.commit()
    return secret


def extend_session(uow: UnitOfWork, secret: str | None, clock: Clock) -> SessionView | None:
    """« Prolonger la session » (RGAA 13.1): a valid session's idle timer restarts now, written
    whatever its age (the page then shows the new end); None when the session has ended."""
    return current_session(uow, secret, clock, touch=True)


def current_session(
    uow: UnitOfWork,
    secret: str | None,
    clock: Clock,
    *,
    reading: UnitOfWork | None = None,
    touch: bool = False,
) -> SessionView | None:
    """The session a cookie names, if it is still valid; refreshes its idle timer (written at
    most once a minute: the idle timeout still counts from the last request, give or take that
    minute). Every page a family opens pays for it: with ``reading`` (a read-only unit of work),
    a session with nothing to write is recognised in one query, without a transaction; ``uow``
    is opened only to touch or end it."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    now = clock.now()
    token_hash = hash_token(secret)
    if reading is not None and not touch:
        with reading:
            found = reading.sessions.holder(token_hash)
        if found is None:
            return None
        session, account, _ = found
        if not (session.expired(now) or account.locked or session.needs_touch(now)):
            return _view(*found)
    with uow:
        found = uow.sessions.holder(token_hash)
        if found is None:
            return None
        session, account, family_name = found
        if session.expired(now) or account.locked:
            uow.sessions.delete(session.token_hash)
            uow.commit()
            return None
        if touch or session.needs_touch(now):
            session.last_seen_at = now
            uow.sessions.touch(session)
            uow.commit()
        return _view(session, account, family_name)


def _view(session: PortalSession, account: Account, family_name: str) -> SessionView:
    return SessionView(
        account_id=session.account_id,
        family_id=account.family_id,
        identifier=account.identifier,
        family_name=family_name,
        must_change_password=account.must_change_password,
        expires_at=session.expires_at(),
    )


def end_session(uow: UnitOfWork, secret: str | None) -> None:
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return
    with uow:
        uow.sessions.delete(hash_token(secret))
        uow.commit()


def change_password(
    uow: UnitOfWork,
    account_id: int,
    current: str,
    new: str,
    *,
    hasher: PasswordHasher,
    actor_ip: str,
    clock: Clock,
    public_url: str | None = None,
) -> str:
    """Change the password (the current one is required); ends every session of the account and
    opens a new one, whose secret is returned.

    Wrong current passwords count as failed logins: when they lock the account, AccountLocked
    is raised and, with ``public_url``, the holder is e-mailed the same unlock link as after a
    login lockout."""
    now = clock.now()
    with uow:
        account = uow.accounts.get(account_id, for_update=True)
        if account is None or account.password_hash is None:
            raise NotFound("Compte introuvable.")
        account.check_can_attempt(now)  # guessing the current password is throttled too
        if not hasher.verify(account.password_hash, current):
            _count_wrong_current_password(uow, account, actor_ip, now, public_url)
            uow.commit()
            raise AccountLocked() if account.locked else _wrong_current_password()
        _check_replacement(uow, account, current, new)
        account.password_hash = hasher.hash(new)
        account.must_change_password, account.password_expires_at = False, None
        uow.accounts.update(account)
        secret = _start_only_session(uow, account_id, now)
        uow.audit.record(notices.password_changed(account, actor_ip, now))
        uow.commit()
        return secret


def _start_only_session(uow: UnitOfWork, account_id: int, now: pendulum.DateTime) -> str:
    """End every session of the account (others may know the old password) and open a new
    one; returns its secret."""
    uow.sessions.delete_all(account_id)
    secret, session = PortalSession.start(account_id, now)
    uow.sessions.add(session)
    return secret


def _count_wrong_current_password(
    uow: UnitOfWork,
    account: Account,
    actor_ip: str,
    now: pendulum.DateTime,
    public_url: str | None,
) -> None:
    account.record_failure(now)
    uow.accounts.update(account)
    if account.locked:
        record_lockout(uow, account, actor_ip, now, public_url, where="changement de mot de passe")


def _wrong_current_password() -> InvalidInput:
    message = "Le mot de passe actuel n'est pas le bon."
    return InvalidInput(message, {"current": message})


def _check_replacement(uow: UnitOfWork, account: Account, current: str, new: str) -> None:
    """InvalidInput unless the new password differs from the current one and meets the policy."""
    if new == current:
        message = "Choisissez un mot de passe différent de l'actuel."
        raise InvalidInput(message, {"password": message})
    check_new_password(uow, new, account, uow.families.get(account.family_id))
