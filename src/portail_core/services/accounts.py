"""Family accounts: opening by the guichet unique, activation, login, unlocking.

Opening an account requires a dossier complete for the school year. The default e-mail carries
the identifier and a one-time activation link (72 h); the seed's variant carries a temporary
password (7 days) to change at first login. Both e-mails are written to the outbox in the same
transaction as the account.

When the main guardian's e-mail changes in the dossier, the account keeps its address until the
family confirms the new one with a link (72 h) sent there; the old address is told of the request.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence

import pendulum
from attrs import frozen

from portail_core.domain.accounts.account import (
    Account,
    AccountStatus,
    OneTimeToken,
    TokenPurpose,
    hash_token,
    portal_event,
)
from portail_core.domain.accounts.passwords import PasswordContext, check_password
from portail_core.domain.accounts.throttle import LoginThrottle, identifier_key, ip_key
from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.dossiers.completeness import SchoolYear, completeness
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.instants import as_paris
from portail_core.domain.shared.text import has_control_characters, printable
from portail_core.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleViolation
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "AccountOpening",
    "IncompleteDossier",
    "LoginFailed",
    "activate_account",
    "authenticate",
    "confirm_email_change",
    "link_is_valid",
    "open_account",
    "pending_email_change",
    "propose_email_change",
    "request_password_reset",
    "require_strong_password",
    "reset_password",
    "send_reset_link",
    "send_unlock_link",
    "temporary_password",
    "unlock_account",
    "unlock_with_link",
]

TEMPORARY_PASSWORD_LIFETIME = pendulum.duration(days=7)
_UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class IncompleteDossier(RuleViolation):
    """The dossier lacks something for the school year; ``missing`` says what, in French."""

    def __init__(self, school_year: SchoolYear, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        listed = "\n".join(f"  - {item}" for item in self.missing)
        super().__init__(f"Le dossier n'est pas complet pour {school_year} :\n{listed}")


class LoginFailed(NotAllowed):
    default_message = "Identifiant ou mot de passe incorrect."


@frozen
class AccountOpening:
    identifier: str
    email: str
    with_temporary_password: bool


def temporary_password() -> str:
    """Four groups of four unambiguous characters (about 79 bits), easy to copy from an e-mail."""
    return "-".join("".join(secrets.choice(_UNAMBIGUOUS) for _ in range(4)) for _ in range(4))


def _identifier(family: Family) -> str:
    plain = unicodedata.normalize("NFKD", family.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40] or "famille"
    return f"{slug}.{family.id}"


def _paris(moment: pendulum.DateTime) -> str:
    return as_paris(moment).format("dddd D MMMM YYYY [à] H[h]mm", locale="fr")


def open_account(
    uow: UnitOfWork,
    family_id: int,
    *,
    school_year: SchoolYear,
    public_url: str,
    hasher: PasswordHasher,
    actor: Actor,
    clock: Clock,
    with_temporary_password: bool = False,
) -> AccountOpening:
    """Open the family's account and e-mail its main guardian; refused (with the list of what is
    missing) while the dossier is incomplete for ``school_year``."""
    now = clock.now()
    with uow:
        family = uow.families.get(family_id)
        commune = uow.communes.get()
        if family is None:
            raise NotFound(f"Aucune famille n° {family_id}.")
        regulations = uow.catalogue.get().regulations()
        check = completeness(family, school_year, regulations, clock.today())
        if not check.complete:
            raise IncompleteDossier(school_year, check.missing)
        existing = uow.accounts.of_family(family_id)
        if existing is not None:
            raise Conflict(f"Cette famille a déjà un compte (identifiant {existing.identifier}).")
        email = family.main_guardian.email
        if email is None:  # completeness requires it; kept for the type checker
            raise IncompleteDossier(school_year, ["Responsable légal : adresse e-mail"])
        account = Account(family_id, _identifier(family), email, created_at=now)
        town = commune.name if commune else "la commune"
        context = {"commune": town, "identifier": account.identifier}
        if with_temporary_password:
            password = temporary_password()
            account.status = AccountStatus.ACTIVE
            account.password_hash = hasher.hash(password)
            account.must_change_password = True
            account.password_expires_at = now + TEMPORARY_PASSWORD_LIFETIME
            uow.accounts.add(account)
            template = "account_temporary_password"
            context |= {
                "temporary_password": password,
                "login_url": f"{public_url}/connexion",
                "expires": _paris(account.password_expires_at),
            }
        else:
            uow.accounts.add(account)
            assert account.id is not None  # noqa: S101  (set by add)
            secret, token = OneTimeToken.issue(account.id, TokenPurpose.ACTIVATION, now)
            uow.tokens.add(token)
            template = "account_activation"
            context |= {
                "activation_url": f"{public_url}/activation/{secret}",
                "expires": _paris(token.expires_at),
            }
        uow.outbox.add(OutgoingEmail(email, template, context, created_at=now))
        uow.audit.record(
            AuditEvent(
                at=now,
                actor=actor,
                action="account.create",
                summary=f"Compte ouvert pour la famille {family.name} ({account.identifier})",
                details={"temporary_password": with_temporary_password},
                family_id=family_id,
            )
        )
        uow.commit()
        return AccountOpening(account.identifier, email, with_temporary_password)


def _usable_token(
    uow: UnitOfWork, secret: str, purpose: TokenPurpose, now: pendulum.DateTime
) -> OneTimeToken:
    token = uow.tokens.by_hash(hash_token(secret), for_update=True) if len(secret) <= 100 else None
    if token is None or token.purpose is not purpose or not token.usable(now):
        raise NotAllowed(
            "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau au "
            "guichet unique."
        )
    return token


def link_is_valid(uow: UnitOfWork, secret: str, purpose: TokenPurpose, clock: Clock) -> bool:
    """Whether an e-mailed link (activation, reset, unlock) still works: the page then shows its
    form, or explains that the link is spent (give a read-only unit of work)."""
    with uow:
        try:
            _usable_token(uow, secret, purpose, clock.now())
        except NotAllowed:
            return False
        return True


def activate_account(
    uow: UnitOfWork,
    secret: str,
    password: str,
    *,
    hasher: PasswordHasher,
    actor_ip: str,
    clock: Clock,
) -> Account:
    """Consume the activation link and set the chosen password (checked against the policy)."""
    now = clock.now()
    with uow:
        token = _usable_token(uow, secret, TokenPurpose.ACTIVATION, now)
        account = uow.accounts.get(token.account_id)
        family = uow.families.get(account.family_id) if account else None
        commune = uow.communes.get()
        if account is None or family is None:
            raise NotFound("Compte introuvable.")
        require_strong_password(password, family, account, commune.name if commune else "")
        account.password_hash = hasher.hash(password)
        account.status, account.must_change_password = AccountStatus.ACTIVE, False
        account.unlock()
        token.use(now)
        uow.tokens.update(token)
        uow.tokens.revoke_all(token.account_id, TokenPurpose.ACTIVATION)
        uow.accounts.update(account)
        uow.audit.record(
            portal_event(
                account,
                "account.activate",
                f"Compte {account.identifier} activé : mot de passe choisi",
                at=now,
                ip=actor_ip,
            )
        )
        uow.commit()
        return account


def _context_words(family: Family | None, account: Account, commune: str) -> tuple[str, ...]:
    """What an attacker knowing the family would try: names, e-mail, identifier, children's
    first names and birth years, address, phone numbers."""
    local, _, domain = account.email.partition("@")
    words = [commune, account.identifier, account.email, local, domain.split(".")[0]]
    if family is not None:
        words.append(family.name)
        for guardian in family.guardians:
            words += [guardian.first_name, guardian.last_name, *guardian.phones]
            words += [phone.replace("+33", "0") for phone in guardian.phones]
            if guardian.address is not None:
                words += [guardian.address.street, guardian.address.postcode, guardian.address.city]
        for child in family.children:
            words += [child.first_name, child.last_name, str(child.birth_date.year)]
    return tuple(word for word in words if word)


def require_strong_password(
    password: str, family: Family | None, account: Account, commune: str
) -> None:
    """InvalidInput (on the field ``password``) unless the policy accepts the password.

    The children's birth dates are context too, however they are written (14/03/2018,
    14032018, 2018-03-14...)."""
    births = tuple(child.birth_date for child in family.children) if family else ()
    context = PasswordContext(_context_words(family, account, commune), births)
    verdict = check_password(password, context)
    if not verdict.accepted:
        raise InvalidInput(
            "Ce mot de passe ne convient pas.", {"password": " ".join(verdict.problems)}
        )


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
        by_address = _throttle(uow, ip_key(actor_ip, "reset"))
        by_address.check_as_address(now, RESET_REQUESTS_PER_ADDRESS)
        by_address.fail_as_address(now)
        uow.throttles.save(by_address)
        by_identifier = _throttle(uow, "reset-" + identifier_key(wanted))
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


def _throttle(uow: UnitOfWork, key: str) -> LoginThrottle:
    return uow.throttles.get(key, for_update=True) or LoginThrottle(key)


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
    _email_link(uow, account, TokenPurpose.PASSWORD_RESET, f"{public_url}/reinitialisation", now)
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
        token = _usable_token(uow, secret, TokenPurpose.PASSWORD_RESET, now)
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
                    "when": _paris(now),
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


def send_unlock_link(
    uow: UnitOfWork, account: Account, public_url: str, now: pendulum.DateTime
) -> None:
    """When an account locks (wrong passwords at login or when changing it), its holder
    receives a link (24 h) to unlock it, written to the outbox in the caller's unit of work."""
    _email_link(uow, account, TokenPurpose.UNLOCK, f"{public_url}/deblocage", now)


_LINK_EMAILS = {  # purpose -> (template, context key of the link)
    TokenPurpose.PASSWORD_RESET: ("password_reset", "reset_url"),
    TokenPurpose.UNLOCK: ("account_unlock", "unlock_url"),
}


def _email_link(
    uow: UnitOfWork, account: Account, purpose: TokenPurpose, base: str, now: pendulum.DateTime
) -> None:
    """A new one-time link (older ones of that purpose revoked), e-mailed through the outbox."""
    assert account.id is not None  # noqa: S101  (read from the repository)
    uow.tokens.revoke_all(account.id, purpose)
    secret, token = OneTimeToken.issue(account.id, purpose, now)
    uow.tokens.add(token)
    commune = uow.communes.get()
    template, link_key = _LINK_EMAILS[purpose]
    uow.outbox.add(
        OutgoingEmail(
            account.email,
            template,
            {
                "commune": commune.name if commune else "la commune",
                "identifier": account.identifier,
                link_key: f"{base}/{secret}",
                "expires": _paris(token.expires_at),
            },
            created_at=now,
        )
    )


def unlock_with_link(uow: UnitOfWork, secret: str, *, actor_ip: str, clock: Clock) -> Account:
    """The holder of a locked account unlocks it with the e-mailed link (consumed on POST)."""
    now = clock.now()
    with uow:
        token = _usable_token(uow, secret, TokenPurpose.UNLOCK, now)
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
        "expires": _paris(token.expires_at),
    }
    uow.outbox.add(OutgoingEmail(address, "email_change_confirm", context | link, created_at=now))
    notice = context | {"when": _paris(now)}
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
            return _usable_token(uow, secret, TokenPurpose.EMAIL_CHANGE, clock.now()).new_email
        except NotAllowed:
            return None


def confirm_email_change(uow: UnitOfWork, secret: str, *, actor_ip: str, clock: Clock) -> Account:
    """The family follows the link sent to its new address (consumed on POST): the account's
    e-mail becomes that address, audited old -> new."""
    now = clock.now()
    with uow:
        token = _usable_token(uow, secret, TokenPurpose.EMAIL_CHANGE, now)
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
