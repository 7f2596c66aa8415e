"""The bank's return file of a direct debit batch, read into the debits it rejects or returns.

Two ISO 20022 messages, whatever their version (the namespace names the message):

- pain.002 (CustomerPaymentStatusReport): the bank's status of the pain.008 file, before
  settlement. A transaction whose status (``TxSts``, or its block's ``PmtInfSts``, or the
  group's ``GrpSts``) is RJCT is a rejected debit; its reason is ``StsRsnInf/Rsn/Cd`` (the
  transaction's, or its block's, or the group's). Its date is the report's (``CreDtTm``).
- camt.054 (BankToCustomerDebitCreditNotification): the bookings of the creditor's account. A
  transaction with a return (``RtrInf``) is a debit returned after settlement (reject, return,
  refund); its reason is ``RtrInf/Rsn/Cd`` and its date the entry's booking date.

The debit is found by its end-to-end identifier: the invoice number the export wrote. A bank file
is UTF-8 and never has a document type declaration: the text is decoded first (whatever
encoding it declares) and one is refused before parsing, so no entity can expand.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # no DTD reaches the parser: see _root
from datetime import date
from decimal import Decimal, InvalidOperation

from portail_core.domain.payments.debit_returns import DebitReturnFile, ReturnedDebit
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput

__all__ = ["MAX_RETURN_FILE_SIZE", "read_debit_returns"]

MAX_RETURN_FILE_SIZE = 5 * 1024 * 1024
_NAMESPACE = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:(pain\.002|camt\.054)\.[0-9.]+\}")
_EXPECTED = (
    "un fichier de retour de la banque est attendu : un rapport de statut pain.002 "
    "(rejets avant règlement) ou un avis camt.054 (retours après règlement), en XML ISO 20022"
)


def read_debit_returns(document: bytes) -> DebitReturnFile:
    """The debits the file rejects or returns; InvalidInput (French) if it is not such a file."""
    root, kind = _root(document)
    if kind == "pain.002":
        return _status_report(root)
    return _notification(root)


def _root(document: bytes) -> tuple[ET.Element, str]:
    if len(document) > MAX_RETURN_FILE_SIZE:
        raise InvalidInput("Le fichier de retour est trop gros (5 Mo au plus).")
    try:
        text = document.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InvalidInput(f"Le fichier n'est pas en UTF-8 : {_EXPECTED}.") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise InvalidInput(
            f"Le fichier contient une déclaration de type de document : {_EXPECTED}."
        )
    try:
        root = ET.fromstring(text)  # noqa: S314  (text: read as UTF-8 whatever it declares; no DTD)
    except ET.ParseError as error:
        line, column = error.position
        raise InvalidInput(
            f"Le fichier n'est pas du XML lisible (ligne {line}, colonne {column + 1}) : "
            f"{_EXPECTED}."
        ) from None
    found = _NAMESPACE.match(root.tag)
    if found is None or not root.tag.endswith("}Document"):
        raise InvalidInput(f"Ce fichier n'est pas un fichier de retour SEPA : {_EXPECTED}.")
    return root, found[1]


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _find(element: ET.Element | None, path: str) -> ET.Element | None:
    """The first element along ``path`` ("A/B/C", local names, any namespace)."""
    for name in path.split("/"):
        if element is None:
            return None
        element = next((child for child in element if _local(child) == name), None)
    return element


def _all(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child) == name] if element is not None else []


def _text(element: ET.Element | None, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidInput(
            f"{where} : date illisible « {text[:25]} » (AAAA-MM-JJ attendu)."
        ) from None


def _amount(element: ET.Element | None, where: str) -> Money | None:
    if element is None:
        return None
    currency = element.get("Ccy", "EUR")
    try:
        amount = Decimal((element.text or "").strip())
    except InvalidOperation:
        raise InvalidInput(
            f"{where} : montant illisible « {(element.text or '')[:20]} »."
        ) from None
    if currency != "EUR" or not amount.is_finite() or amount <= 0:
        raise InvalidInput(f"{where} : montant « {amount} {currency[:5]} » inattendu (EUR).")
    return Money.from_euros(amount)


def _reason(*places: ET.Element | None) -> str:
    """The first reason code found: ``Rsn/Cd`` (or ``Rsn/Prtry``) of these elements."""
    for place in places:
        code = _text(place, "Rsn/Cd") or _text(place, "Rsn/Prtry")
        if code:
            return code
    return ""


def _status_report(root: ET.Element) -> DebitReturnFile:
    report = _find(root, "CstmrPmtStsRpt")
    group = _find(report, "OrgnlGrpInfAndSts")
    day = _day(_text(report, "GrpHdr/CreDtTm"), "GrpHdr > CreDtTm")
    operations = [
        (block, transaction)
        for block in _all(report, "OrgnlPmtInfAndSts")
        for transaction in _all(block, "TxInfAndSts")
    ]
    if not operations and _text(group, "GrpSts") == "RJCT":
        raise InvalidInput(
            f"La banque a rejeté le fichier {_text(group, 'OrgnlMsgId')[:35]} en entier (motif "
            f"{_reason(_find(group, 'StsRsnInf')) or 'non précisé'}) : aucun prélèvement n'a eu "
            "lieu. Corrigez-le avec la banque ; ce rapport ne nomme aucune facture."
        )
    returns: list[ReturnedDebit] = []
    for number, (block, transaction) in enumerate(operations, 1):
        status = _text(transaction, "TxSts") or _text(block, "PmtInfSts") or _text(group, "GrpSts")
        if status != "RJCT":
            continue
        where = f"opération n° {number}"
        returns.append(
            ReturnedDebit(
                _text(transaction, "OrgnlEndToEndId"),
                _reason(*(_find(e, "StsRsnInf") for e in (transaction, block, group))),
                _amount(_find(transaction, "OrgnlTxRef/Amt/InstdAmt"), where),
                day,
                where,
            )
        )
    return DebitReturnFile("pain.002", tuple(returns), len(operations) - len(returns))


def _notification(root: ET.Element) -> DebitReturnFile:
    notice = _find(root, "BkToCstmrDbtCdtNtfctn")
    sent = _text(notice, "GrpHdr/CreDtTm")
    operations = [
        (entry, transaction)
        for account in _all(notice, "Ntfctn")
        for entry in _all(account, "Ntry")
        for details in _all(entry, "NtryDtls")
        for transaction in _all(details, "TxDtls")
    ]
    returns: list[ReturnedDebit] = []
    for number, (entry, transaction) in enumerate(operations, 1):
        returned = _find(transaction, "RtrInf")
        if returned is None:
            continue
        where = f"opération n° {number}"
        amount = _find(transaction, "AmtDtls/TxAmt/Amt")
        booked = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")
        returns.append(
            ReturnedDebit(
                _text(transaction, "Refs/EndToEndId"),
                _reason(returned),
                _amount(amount if amount is not None else _find(transaction, "Amt"), where),
                _day(booked or _text(entry, "ValDt/Dt") or sent, f"{where} > BookgDt"),
                where,
            )
        )
    return DebitReturnFile("camt.054", tuple(returns), len(operations) - len(returns))
