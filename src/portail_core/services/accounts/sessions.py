"""Portal sessions: log in, recognise a returning browser, change password, log out."""

from __future__ import annotations

import pendulum
from attrs import frozen

from portail_core.domain.accounts.account import AccountLocked, hash_token, portal_event
from portail_core.domain.accounts.session import PortalSession
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from portail_core.services.accounts.links import send_unlock_link
from portail_core.services.accounts.login import authenticate
from portail_core.services.accounts.passwords import require_strong_password

__all__ = [
    "SessionView",
    "change_password",
    "current_session",
    "end_session",
    "log_in",
]

MAX_SECRET_LENGTH = 100


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


def current_session(uow: UnitOfWork, secret: str | None, clock: Clock) -> SessionView | None:
    """The session a cookie names, if it is still valid; refreshes its idle timer."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    now = clock.now()
    with uow:
        session = uow.sessions.by_hash(hash_token(secret))
        if session is None:
            return None
        account = uow.accounts.get(session.account_id)
        if session.expired(now) or account is None or account.locked:
            uow.sessions.delete(session.token_hash)
            uow.commit()
            return None
        family = uow.families.get(account.family_id)
        if session.needs_touch(now):
            session.last_seen_at = now
            uow.sessions.touch(session)
            uow.commit()
        return SessionView(
            account_id=session.account_id,
            family_id=account.family_id,
            identifier=account.identifier,
            family_name=family.name if family else "",
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
            account.record_failure(now)
            uow.accounts.update(account)
            if account.locked:
                uow.audit.record(
                    portal_event(
                        account,
                        "account.lock",
                        f"Compte bloqué après trop d'essais : {account.identifier}",
                        at=now,
                        ip=actor_ip,
                        where="changement de mot de passe",
                    )
                )
                if public_url is not None:
                    send_unlock_link(uow, account, public_url, now)
            uow.commit()
            if account.locked:
                raise AccountLocked()
            raise InvalidInput(
                "Le mot de passe actuel n'est pas le bon.",
                {"current": "Le mot de passe actuel n'est pas le bon."},
            )
        if new == current:
            raise InvalidInput(
                "Choisissez un mot de passe différent de l'actuel.",
                {"password": "Choisissez un mot de passe différent de l'actuel."},
            )
        family = uow.families.get(account.family_id)
        commune = uow.communes.get()
        require_strong_password(new, family, account, commune.name if commune else "")
        account.password_hash = hasher.hash(new)
        account.must_change_password, account.password_expires_at = False, None
        uow.accounts.update(account)
        uow.sessions.delete_all(account_id)
        secret, session = PortalSession.start(account_id, now)
        uow.sessions.add(session)
        uow.audit.record(
            portal_event(
                account,
                "account.password_change",
                f"Mot de passe changé : {account.identifier}",
                at=now,
                ip=actor_ip,
            )
        )
        uow.commit()
        return secret
