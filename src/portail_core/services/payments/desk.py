"""Payments at the desk (cheque, cash, CESU, ANCV, transfer) and a family's credit used for an
invoice: allocated to the invoice up to its balance, the rest a credit of the family; audited and
acknowledged by a receipt e-mail in the same transaction.

A credit used for an invoice is two payments of mode "avoir" that cancel out: the amount paid on
the invoice and the same amount taken from the family's unallocated money. The sum of all
payments is always the money the town received.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.payments.payment import (
    DESK_MODES,
    MAX_DESK_PAYMENT,
    Payment,
    PaymentMode,
)
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.billing.invoices import (
    InvoiceView,
)
from portail_core.services.payments.receiving import (
    PaymentReceipt,
    Received,
    acknowledge,
    family_account_now,
    new_payment,
    payable_invoice,
    receipt_of,
    receive,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "PaymentLine",
    "list_payments",
    "read_amount",
    "record_payment",
    "use_credit",
]

MAX_REFERENCE = 60
MAX_AGE = timedelta(days=366)  # a payment received more than a year ago is a typing mistake


@frozen
class PaymentLine:
    payment: Payment
    family_name: str


def _read(
    amount: str, mode: str, reference: str, received_on: date | None, today: date
) -> Received:
    """What the desk typed, checked: every mistake reported at once, in French."""
    reader = InputReader()
    money = read_amount(reader, amount)
    chosen = _read_mode(reader, mode)
    ref = reader.line(
        "reference",
        reference,
        f"La référence est obligatoire ({MAX_REFERENCE} caractères au plus : n° de chèque, "
        "de quittance, de virement...).",
        max_length=MAX_REFERENCE,
    )
    day = _read_day(reader, received_on, today)
    reader.raise_if_any("Le règlement n'a pas été enregistré.")
    return Received(money, chosen, ref, day)


def read_amount(reader: InputReader, amount: str, name: str = "amount") -> Money:
    """An amount the desk typed (« 12,50 »), from 0,01 € to the desk's maximum; a mistake is
    reported under ``name``."""
    money = Money.zero()
    try:
        money = Money.from_euros(amount.strip())
    except InvalidInput as error:
        reader.refuse(name, error.message)
    else:
        if money.cents <= 0:
            reader.refuse(name, "Le montant doit être positif (ex. : 12,50).")
        elif money > MAX_DESK_PAYMENT:
            reader.refuse(name, f"Un règlement ne dépasse pas {MAX_DESK_PAYMENT.format_fr()}.")
    return money


def _read_mode(reader: InputReader, mode: str) -> PaymentMode:
    labels = ", ".join(m.value for m in DESK_MODES)
    chosen = reader.choice("mode", mode, PaymentMode, f"Mode de règlement au guichet : {labels}.")
    if chosen not in DESK_MODES:
        reader.refuse("mode", f"Mode de règlement au guichet : {labels}.")
    return chosen


def _read_day(reader: InputReader, received_on: date | None, today: date) -> date:
    day = received_on or today
    if day > today:
        reader.refuse("received_on", "La date de réception ne peut pas être dans le futur.")
    elif day < today - MAX_AGE:
        reader.refuse("received_on", "La date de réception remonte à plus d'un an.")
    return day


def record_payment(
    uow: UnitOfWork,
    clock: Clock,
    *,
    invoice_number: str,
    amount: str,
    mode: str,
    reference: str,
    actor: Actor,
    received_on: date | None = None,
) -> PaymentReceipt:
    """Money handed to the desk for an invoice: what exceeds the invoice's balance becomes a
    credit of the family. Refused for a credit note or a cancelled invoice."""
    given = _read(amount, mode, reference, received_on, clock.today())
    with uow:
        invoice, view = payable_invoice(uow, invoice_number)
        receipt = receive(
            uow, invoice, view, given, action="payment.record", actor=actor, now=clock.now()
        )
        uow.commit()
    return receipt


def use_credit(
    uow: UnitOfWork, clock: Clock, *, invoice_number: str, actor: Actor
) -> PaymentReceipt:
    """The family's credit (overpayments, cancelled invoices it had paid) pays the invoice, up to
    its balance; recorded as mode "avoir"."""
    with uow:
        invoice, view = payable_invoice(uow, invoice_number)
        used = _credit_to_use(uow, invoice, view)
        now, today = clock.now(), clock.today()
        day = date(today.year, today.month, today.day)
        given = Received(used, PaymentMode.CREDIT, "avoir de la famille", day)
        uow.payments.add(new_payment(invoice, used, given, invoice.number, actor, now))
        taken = Received(-used, PaymentMode.CREDIT, f"utilisé pour {invoice.number}", day)
        uow.payments.add(new_payment(invoice, -used, taken, None, actor, now))
        receipt = receipt_of(uow, invoice, given, used, Money.zero())
        acknowledge(uow, receipt, "payment.use_credit", actor, now)
        uow.commit()
    return receipt


def _credit_to_use(uow: UnitOfWork, invoice: Invoice, view: InvoiceView) -> Money:
    """What the family's credit pays of the invoice: all of its balance, or all the credit."""
    if view.balance.is_zero:
        raise RuleViolation(f"La facture {invoice.number} est déjà réglée.")
    credit = family_account_now(uow, invoice.family_id).credit
    if credit.cents <= 0:
        raise RuleViolation(
            f"La famille n'a pas d'avoir à utiliser pour la facture {invoice.number}."
        )
    return min(credit, view.balance)


def list_payments(
    uow: UnitOfWork,
    *,
    family_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
) -> list[PaymentLine]:
    """Payments by date received: a family's (all, or between the dates given), or everyone's
    between two dates."""
    if first is not None and last is not None and first > last:
        raise InvalidInput("La date de début est après la date de fin.")
    with uow:
        if family_id is not None:
            found, names = _family_payments(uow, family_id, first, last)
        else:
            found, names = _payments_between(uow, first, last)
    ordered = sorted(found, key=lambda p: (p.received_on, p.id or 0))
    return [PaymentLine(p, names[p.family_id]) for p in ordered]


def _family_payments(
    uow: UnitOfWork, family_id: int, first: date | None, last: date | None
) -> tuple[list[Payment], dict[int, str]]:
    family = uow.families.get(family_id)
    if family is None:
        raise NotFound(f"Aucune famille n° {family_id}.")
    found = [
        p
        for p in uow.payments.of_family(family_id)
        if (first is None or p.received_on >= first) and (last is None or p.received_on <= last)
    ]
    return found, {family_id: family.name}


def _payments_between(
    uow: UnitOfWork, first: date | None, last: date | None
) -> tuple[list[Payment], dict[int, str]]:
    if first is None or last is None:
        raise InvalidInput("Donnez la période (début et fin) ou la famille.")
    found = uow.payments.listing(first, last)
    names = {}
    for fid in sorted({p.family_id for p in found}):
        known = uow.families.get(fid)
        names[fid] = known.name if known else f"famille n° {fid}"
    return found, names
