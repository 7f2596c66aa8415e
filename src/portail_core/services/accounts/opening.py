"""Opening an account, by the guichet unique, for a dossier complete for the school year; its
activation by the family."""

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
    portal_event,
)
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.completeness import SchoolYear, completeness
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.errors import Conflict, NotFound, RuleViolation
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.accounts.links import usable_token
from portail_core.services.accounts.passwords import require_strong_password

__all__ = [
    "TEMPORARY_PASSWORD_LIFETIME",
    "AccountOpening",
    "IncompleteDossier",
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


def _identifier(family: Family) -> str:
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
                "expires": moment_fr(account.password_expires_at),
            }
        else:
            uow.accounts.add(account)
            assert account.id is not None  # noqa: S101  (set by add)
            secret, token = OneTimeToken.issue(account.id, TokenPurpose.ACTIVATION, now)
            uow.tokens.add(token)
            template = "account_activation"
            context |= {
                "activation_url": f"{public_url}/activation/{secret}",
                "expires": moment_fr(token.expires_at),
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
