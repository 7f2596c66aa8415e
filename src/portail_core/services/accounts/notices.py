"""What the accounts' use cases write in French: their audit entries and their e-mails.

Audit entries name the account by its identifier; a family's own actions on the portal keep the
connection's address (``ip``). E-mails are built for the outbox; their templates live with the
mail adapter and receive the commune's name, the identifier and, for a link, when it expires.
"""

from __future__ import annotations

import pendulum

from portail_core.domain.accounts.account import Account, TokenPurpose, portal_event
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import moment_fr

__all__ = [
    "account_activated",
    "account_locked",
    "account_opened",
    "activation_email",
    "email_change_confirm_email",
    "email_change_notice_email",
    "email_change_requested",
    "email_changed",
    "link_email",
    "login_failed",
    "login_failed_unknown",
    "login_succeeded",
    "password_changed",
    "password_reset",
    "password_reset_email",
    "reset_link_sent",
    "temporary_password_email",
    "unlocked_by_desk",
    "unlocked_with_link",
]


# --- audit entries ---------------------------------------------------------------------------


def account_opened(
    family: Family,
    account: Account,
    with_temporary_password: bool,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="account.create",
        summary=f"Compte ouvert pour la famille {family.name} ({account.identifier})",
        details={"temporary_password": with_temporary_password},
        family_id=account.family_id,
    )


def account_activated(account: Account, ip: str, now: pendulum.DateTime) -> AuditEvent:
    return portal_event(
        account,
        "account.activate",
        f"Compte {account.identifier} activé : mot de passe choisi",
        at=now,
        ip=ip,
    )


UNKNOWN_IDENTIFIER = "identifiant inconnu"


def login_failed(account: Account, ip: str, now: pendulum.DateTime) -> AuditEvent:
    """A failed login on the account's identifier (a wrong password, or not activated yet)."""
    return _login_event(
        account.identifier, "login.failure", "Échec de connexion", ip, now, account.family_id
    )


def login_failed_unknown(ip: str, now: pendulum.DateTime) -> AuditEvent:
    """A failed login on an identifier that names no account: what was typed is never written
    (it may be a password typed in the wrong field, and the trail cannot be erased)."""
    return _login_event(UNKNOWN_IDENTIFIER, "login.failure", "Échec de connexion", ip, now, None)


def login_succeeded(account: Account, ip: str, now: pendulum.DateTime) -> AuditEvent:
    return _login_event(
        account.identifier, "login.success", "Connexion", ip, now, account.family_id
    )


def account_locked(
    account: Account, ip: str, now: pendulum.DateTime, *, where: str | None = None
) -> AuditEvent:
    """The account has just locked; ``where`` names the page when it is not the login's."""
    details = {} if where is None else {"where": where}
    return portal_event(
        account,
        "account.lock",
        f"Compte bloqué après trop d'essais : {account.identifier}",
        at=now,
        ip=ip,
        **details,
    )


def password_changed(account: Account, ip: str, now: pendulum.DateTime) -> AuditEvent:
    return portal_event(
        account,
        "account.password_change",
        f"Mot de passe changé : {account.identifier}",
        at=now,
        ip=ip,
    )


def unlocked_by_desk(
    account: Account, was_locked: bool, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="account.unlock",
        summary=f"Compte {account.identifier} débloqué",
        details={"locked": [str(was_locked), "False"]},
        family_id=account.family_id,
    )


def unlocked_with_link(account: Account, ip: str, now: pendulum.DateTime) -> AuditEvent:
    return portal_event(
        account,
        "account.unlock",
        f"Compte {account.identifier} débloqué par le lien reçu",
        at=now,
        ip=ip,
    )


def reset_link_sent(account: Account, actor: Actor, ip: str, now: pendulum.DateTime) -> AuditEvent:
    """``ip`` is the requester's address, or « guichet » when the desk sent the link."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="account.reset_request",
        summary=f"Lien de réinitialisation envoyé : {account.identifier}",
        details={"ip": ip},
        family_id=account.family_id,
    )


def password_reset(account: Account, ip: str, now: pendulum.DateTime) -> AuditEvent:
    return portal_event(
        account,
        "account.password_reset",
        f"Mot de passe réinitialisé : {account.identifier}",
        at=now,
        ip=ip,
    )


def email_change_requested(
    account: Account, new_email: str, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="account.email_change_request",
        summary=f"Lien de confirmation de la nouvelle adresse envoyé : {account.identifier}",
        details={"email": [account.email, new_email]},
        family_id=account.family_id,
    )


def email_changed(account: Account, old: str, ip: str, now: pendulum.DateTime) -> AuditEvent:
    """The account's e-mail is already the new one; ``old`` is the address it replaced."""
    return portal_event(
        account,
        "account.email_change",
        f"Adresse e-mail du compte {account.identifier} changée : {old} -> {account.email}",
        at=now,
        ip=ip,
        email=[old, account.email],
    )


def _login_event(
    who: str,
    action: str,
    summary: str,
    ip: str,
    now: pendulum.DateTime,
    family_id: int | None,
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=Actor(who, Channel.PORTAL),
        action=action,
        summary=f"{summary} : {who}",
        details={"ip": ip},
        family_id=family_id,
    )


# --- e-mails ---------------------------------------------------------------------------------


def activation_email(
    account: Account,
    commune: Commune | None,
    url: str,
    expires_at: pendulum.DateTime,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    context = _about(account, commune) | {"activation_url": url, "expires": moment_fr(expires_at)}
    return _account_email(account, account.email, "account_activation", context, now)


def temporary_password_email(
    account: Account,
    commune: Commune | None,
    password: str,
    login_url: str,
    expires_at: pendulum.DateTime,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    context = _about(account, commune) | {
        "temporary_password": password,
        "login_url": login_url,
        "expires": moment_fr(expires_at),
    }
    return _account_email(account, account.email, "account_temporary_password", context, now)


_LINK_EMAILS = {  # purpose -> (template, context key of the link)
    TokenPurpose.PASSWORD_RESET: ("password_reset", "reset_url"),
    TokenPurpose.UNLOCK: ("account_unlock", "unlock_url"),
}


def link_email(
    account: Account,
    commune: Commune | None,
    purpose: TokenPurpose,
    url: str,
    expires_at: pendulum.DateTime,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    """The e-mail carrying a password reset or unlock link."""
    template, link_key = _LINK_EMAILS[purpose]
    context = _about(account, commune) | {link_key: url, "expires": moment_fr(expires_at)}
    return _account_email(account, account.email, template, context, now)


def password_reset_email(
    account: Account, commune: Commune | None, now: pendulum.DateTime
) -> OutgoingEmail:
    """Tells the holder that the password was just reset (no link)."""
    context = _about(account, commune) | {"when": moment_fr(now)}
    return _account_email(account, account.email, "password_changed", context, now)


def email_change_confirm_email(
    account: Account,
    commune: Commune | None,
    new_email: str,
    url: str,
    expires_at: pendulum.DateTime,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    """Sent to the new address: the link that confirms it for the account."""
    context = _about(account, commune) | {
        "new_email": new_email,
        "confirm_url": url,
        "expires": moment_fr(expires_at),
    }
    return _account_email(account, new_email, "email_change_confirm", context, now)


def email_change_notice_email(
    account: Account, commune: Commune | None, new_email: str, now: pendulum.DateTime
) -> OutgoingEmail:
    """Sent to the account's current address: a change was asked for (no link)."""
    context = _about(account, commune) | {"new_email": new_email, "when": moment_fr(now)}
    return _account_email(account, account.email, "email_change_notice", context, now)


def _account_email(
    account: Account, to: str, template: str, context: dict[str, str], now: pendulum.DateTime
) -> OutgoingEmail:
    """An e-mail about the family's account: urgent (sent before invoices and other notices),
    since a link or a security notice is awaited now."""
    return OutgoingEmail(
        to, template, context, created_at=now, family_id=account.family_id, urgent=True
    )


def _about(account: Account, commune: Commune | None) -> dict[str, str]:
    """What every account e-mail names: the commune and the identifier."""
    return {"commune": commune.name if commune else "la commune", "identifier": account.identifier}
