"""Opening an account, by the guichet unique, for a dossier complete for the school year; its
activation by the family."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.accounts.account import Account, AccountStatus, OneTimeToken, TokenPurpose
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.completeness import SchoolYear, completeness
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.errors import Conflict, NotFound, RuleViolation
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.services.accounts import notices
from portail_core.services.accounts.links import linked_account, spend_link, usable_token
from portail_core.services.accounts.passwords import check_new_password
from portail_core.services.regulations.standing import regulations_required

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "TEMPORARY_PASSWORD_LIFETIME",
    "AccountOpening",
    "IncompleteDossier",
    "account_identifier",
    "activate_account",
    "open_account",
    "temporary_password",
]


TEMPORARY_PASSWORD_LIFETIME = pendulum.duration(days=7)


_UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class IncompleteDossier(RuleViolation):
    """The dossier lacks something for the school year; ``missing`` says what, in French."""

    def __init__(self, school_year: SchoolYear, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        listed = "\n".join(f"  - {item}" for item in self.missing)
        super().__init__(f"Le dossier n'est pas complet pour {school_year} :\n{listed}")


@frozen
class AccountOpening:
    identifier: str
    email: str
    with_temporary_password: bool


def temporary_password() -> str:
    """Four groups of four unambiguous characters (about 79 bits), easy to copy from an e-mail."""
    return "-".join("".join(secrets.choice(_UNAMBIGUOUS) for _ in range(4)) for _ in range(4))


def account_identifier(family: Family) -> str:
    """The identifier a family's account gets: its name without accents, and its number."""
    plain = unicodedata.normalize("NFKD", family.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40] or "famille"
    return f"{slug}.{family.id}"


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
        family, email = _family_to_open(uow, family_id, school_year, clock.today())
        account = Account(family_id, account_identifier(family), email, created_at=now)
        if with_temporary_password:
            welcome = _open_with_temporary_password(uow, account, hasher, public_url, now)
        else:
            welcome = _open_awaiting_activation(uow, account, public_url, now)
        uow.outbox.add(welcome)
        uow.audit.record(
            notices.account_opened(family, account, with_temporary_password, actor, now)
        )
        uow.commit()
        return AccountOpening(account.identifier, email, with_temporary_password)


def _family_to_open(
    uow: UnitOfWork, family_id: int, school_year: SchoolYear, today: date
) -> tuple[Family, str]:
    """The family and its main guardian's e-mail, once its dossier is complete for the school
    year and it has no account yet."""
    family = uow.families.get(family_id)
    if family is None:
        raise NotFound(f"Aucune famille n° {family_id}.")
    regulations = regulations_required(uow, family, today)  # its children's establishments only
    check = completeness(family, school_year, regulations, today)
    if not check.complete:
        raise IncompleteDossier(school_year, check.missing)
    existing = uow.accounts.of_family(family_id)
    if existing is not None:
        raise Conflict(f"Cette famille a déjà un compte (identifiant {existing.identifier}).")
    email = family.main_guardian.email
    if email is None:  # completeness requires it; kept for the type checker
        raise IncompleteDossier(school_year, ["Responsable légal : adresse e-mail"])
    return family, email


def _open_with_temporary_password(
    uow: UnitOfWork,
    account: Account,
    hasher: PasswordHasher,
    public_url: str,
    now: pendulum.DateTime,
) -> OutgoingEmail:
    """The seed's variant: the account is active with a temporary password (7 days), to change
    at first login; returns the e-mail that carries it."""
    password = temporary_password()
    account.status = AccountStatus.ACTIVE
    account.password_hash = hasher.hash(password)
    account.must_change_password = True
    expires_at = now + TEMPORARY_PASSWORD_LIFETIME
    account.password_expires_at = expires_at
    uow.accounts.add(account)
    login_url = f"{public_url}/connexion"
    return notices.temporary_password_email(
        account, uow.communes.get(), password, login_url, expires_at, now
    )


def _open_awaiting_activation(
    uow: UnitOfWork, account: Account, public_url: str, now: pendulum.DateTime
) -> OutgoingEmail:
    """The account awaits its password, chosen through a one-time link (72 h); returns the
    e-mail that carries the link."""
    uow.accounts.add(account)
    assert account.id is not None  # noqa: S101  (set by add)
    secret, token = OneTimeToken.issue(account.id, TokenPurpose.ACTIVATION, now)
    uow.tokens.add(token)
    url = f"{public_url}/activation/{secret}"
    return notices.activation_email(account, uow.communes.get(), url, token.expires_at, now)


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
        token = usable_token(uow, secret, TokenPurpose.ACTIVATION, now)
        account = linked_account(uow, token)
        family = uow.families.get(account.family_id)
        if family is None:
            raise NotFound("Compte introuvable.")
        check_new_password(uow, password, account, family)
        account.password_hash = hasher.hash(password)
        account.status, account.must_change_password = AccountStatus.ACTIVE, False
        account.unlock()
        spend_link(uow, token, now)
        uow.accounts.update(account)
        uow.audit.record(notices.account_activated(account, actor_ip, now))
        uow.commit()
        return account
