"""Bank details typed at the desk or set by the operator, checked before they reach the core.

schwifty knows each country's IBAN length and structure, checks the check digits (and the French
RIB key), and finds the BIC of many banks from the IBAN. Every refusal is a French message.
schwifty (its bank registry: 0.07 s) is imported when a bank detail is first checked, not when a
command that checks none starts.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING

from portail_core.domain.payments.direct_debit import BankAccount, Creditor, compact, sepa_text
from portail_core.errors import InvalidInput

if TYPE_CHECKING:
    from schwifty.exceptions import SchwiftyException

__all__ = [
    "SchwiftyBankDetails",
    "check_bic",
    "check_creditor",
    "check_creditor_identifier",
    "check_iban",
]

MAX_INPUT = 60  # an IBAN is 34 characters at most, spaces included it stays well below
_CREDITOR_ID = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$", re.ASCII)


def _reason(error: SchwiftyException) -> str:
    from schwifty.exceptions import (
        InvalidBBANChecksum,
        InvalidChecksumDigits,
        InvalidCountryCode,
        InvalidLength,
    )

    if isinstance(error, InvalidChecksumDigits | InvalidBBANChecksum):
        return "les chiffres de contrôle ne correspondent pas (une faute de frappe ?)"
    if isinstance(error, InvalidCountryCode):
        return "le code pays (les deux premières lettres) est inconnu"
    if isinstance(error, InvalidLength):
        return "sa longueur n'est pas celle des IBAN de ce pays"
    return "ses caractères ne forment pas un IBAN de ce pays"


def check_iban(text: str, bic: str | None = None, *, field: str = "iban") -> BankAccount:
    """The account, checked; InvalidInput in French naming ``field`` otherwise. The IBAN must
    belong to the SEPA zone (direct debit works there only)."""
    from schwifty import IBAN
    from schwifty.exceptions import NationalChecksumNotVerified, SchwiftyException

    raw = (text or "").strip()
    if not raw or len(raw) > MAX_INPUT:
        raise InvalidInput(
            "L'IBAN n'est pas valide.", {field: "L'IBAN est obligatoire (34 caractères au plus)."}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NationalChecksumNotVerified)
            iban = IBAN(raw, validate_bban=True)
    except SchwiftyException as error:
        raise InvalidInput(
            "L'IBAN n'est pas valide.", {field: f"IBAN refusé : {_reason(error)}."}
        ) from error
    if not iban.in_sepa_zone:
        raise InvalidInput(
            "L'IBAN n'est pas valide.",
            {field: "Ce compte n'est pas dans la zone SEPA : il ne peut pas être prélevé."},
        )
    given = check_bic(bic, field="bic") if bic and bic.strip() else None
    found = iban.bic
    return BankAccount(iban.compact, given or (str(found.compact) if found else None))


def check_bic(text: str, *, field: str = "bic") -> str:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    raw = compact(text or "")
    try:
        return str(BIC(raw).compact)
    except SchwiftyException as error:
        raise InvalidInput(
            "Le BIC n'est pas valide.",
            {field: "Le BIC compte 8 ou 11 lettres et chiffres (ex. : AGRIFRPP)."},
        ) from error


def check_creditor_identifier(text: str, *, field: str = "creditor_id") -> str:
    """The identifiant créancier SEPA (ICS), e.g. FR72ZZZ123456: its check digits are computed
    like an IBAN's, on the national identifier followed by the country code."""
    raw = compact(text or "")
    if _CREDITOR_ID.match(raw):
        rearranged = raw[7:] + raw[:2] + "00"
        number = int("".join(str(int(char, 36)) for char in rearranged))
        if 98 - number % 97 == int(raw[2:4]):
            return raw
    raise InvalidInput(
        "L'identifiant créancier SEPA n'est pas valide.",
        {field: "Identifiant créancier SEPA (ICS) invalide (ex. : FR72ZZZ123456)."},
    )


def check_creditor(
    *, name: str | None, identifier: str | None, iban: str | None, bic: str | None = None
) -> Creditor:
    """The town as a creditor, every setting checked; all the problems listed at once."""
    problems: dict[str, str] = {}
    clean_name = sepa_text(name or "", 70)
    if not clean_name:
        problems["creditor_name"] = "Le nom du créancier est obligatoire (70 caractères au plus)."
    creditor_id = ""
    try:
        creditor_id = check_creditor_identifier(identifier or "", field="creditor_id")
    except InvalidInput as error:
        problems.update(error.problems)
    account = None
    try:
        account = check_iban(iban or "", bic, field="creditor_iban")
    except InvalidInput as error:
        problems.update({"creditor_bic" if k == "bic" else k: v for k, v in error.problems.items()})
    if account is not None and account.bic is None:
        problems["creditor_bic"] = "Le BIC du compte du créancier est obligatoire pour ce compte."
    if problems or account is None or account.bic is None:
        raise InvalidInput("Les paramètres du créancier ne sont pas valides.", problems)
    return Creditor(clean_name, creditor_id, account.iban, account.bic)


class SchwiftyBankDetails:
    """Implements ``portail_core.ports.payments.BankDetails`` with schwifty (no I/O: it serves
    tests and demos as well)."""

    def account(self, iban: str, bic: str | None = None) -> BankAccount:
        return check_iban(iban, bic)

    def creditor(
        self, *, name: str | None, identifier: str | None, iban: str | None, bic: str | None
    ) -> Creditor:
        return check_creditor(name=name, identifier=identifier, iban=iban, bic=bic)
