"""The password policy applied to a family's new password, with the words of its context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portail_core.domain.accounts.account import Account
from portail_core.domain.accounts.passwords import PasswordContext, check_password
from portail_core.domain.dossiers.family import Family
from portail_core.errors import InvalidInput

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["check_new_password", "require_strong_password"]


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


def check_new_password(
    uow: UnitOfWork, password: str, account: Account, family: Family | None
) -> None:
    """``require_strong_password`` for the account's family, with the commune's name among the
    words of context (read in the caller's unit of work)."""
    commune = uow.communes.get()
    require_strong_password(password, family, account, commune.name if commune else "")
