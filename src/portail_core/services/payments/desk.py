"""Payments at the desk (cheque, cash, CESU, ANCV, transfer) and a family's credit used for an
invoice: allocated to the invoice up to its balance, the rest a credit of the family; audited and
acknowledged by a receipt e-mail in the same transaction.

A credit used for an invoice is two payments of mode "avoir" that cancel out: the amount paid on
the invoice and the same amount taken from the family's unallocated money. The sum of all
payments is always the money the town received.
"""

from __future__ import annotations

from datetime import date, timedelta

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.payment import (
    DESK_MODES,
    MAX_DESK_PAYMENT,
    Payment,
    PaymentMode,
    allocate,
)
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.raw_input import InputReader
from portail_core.domain.shared.text import printable
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.billing.invoices import (
    FamilyAccount,
    InvoiceStatus,
    InvoiceView,
    account_from,
)
from portail_core.services.payments import notices

__all__ = [
    "PaymentLine",
    "PaymentReceipt",
    "list_payments",
    "record_payment",
    "use_credit",
]

MAX_REFERENCE = 60
MAX_AGE = timedelta(days=366)  # a payment received more than a year ago is a typing mistake


@frozen
class PaymentReceipt:
    """What the desk and the family are told once a payment is recorded."""

    family_id: int
    family_name: str
    invoice_number: str
    mode: PaymentMode
    reference: str
    received_on: date
    amount: Money  # what the family handed over (or the credit used)
    allocated: Money  # paid on the invoice
    credit: Money  # left over: a credit of the family
    invoice_balance: Money  # still due on the invoice afterwards
    family_credit: Money  # the family's credit afterwards
    emailed_to: str | None  # None: the family has no e-mail address


@frozen
class PaymentLine:
    payment: Payment
    family_name: str


@frozen
class _DeskInput:
    amount: Money
    mode: PaymentMode
    reference: str
    received_on: date


def _read(
    amount: str, mode: str, reference: str, received_on: date | None, today: date
) -> _DeskInput:
    """What the desk typed, checked: every mistake reported at once, in French."""
    reader = InputReader()
    money = _read_amount(reader, amount)
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
    return _DeskInput(money, chosen, ref, day)


def _read_amount(reader: InputReader, amount: str) -> Money:
    money = Money.zero()
    try:
        money = Money.from_euros(amount.strip())
    except InvalidInput as error:
        reader.refuse("amount", error.message)
    else:
        if money.cents <= 0:
            reader.refuse("amount", "Le montant doit être positif (ex. : 12,50).")
        elif money > MAX_DESK_PAYMENT:
            reader.refuse("amount", f"Un règlement ne dépasse pas {MAX_DESK_PAYMENT.format_fr()}.")
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


def _payable(uow: UnitOfWork, number: str) -> tuple[Invoice, InvoiceView]:
    """The invoice, under its family's lock, if it can be paid."""
    wanted = number.strip().upper()
    invoice = uow.invoices.by_number(wanted) if 0 < len(wanted) <= 20 else None
    if invoice is None:
        raise NotFound(f"Aucune facture n° « {printable(number, 30)} ».")
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        raise RuleViolation(
            f"{invoice.number} est un avoir, pas une facture : il n'y a rien à régler."
        )
    uow.payments.lock_families([invoice.family_id])
    view = _view(_account(uow, invoice.family_id), invoice.number)
    if view.status is InvoiceStatus.CANCELLED:
        raise RuleViolation(
            f"La facture {invoice.number} est annulée par un avoir : réglez la facture qui la "
            "remplace (voir `portail payments list --family "
            f"{invoice.family_id}`)."
        )
    return invoice, view


def _account(uow: UnitOfWork, family_id: int) -> FamilyAccount:
    return account_from(uow.invoices.of_family(family_id), uow.payments.of_family(family_id))


def _view(account: FamilyAccount, number: str) -> InvoiceView:
    return next(v for v in account.invoices if v.invoice.number == number)


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
        invoice, view = _payable(uow, invoice_number)
        to_invoice, left = allocate(given.amount, view.balance)
        now = clock.now()
        for part, number in ((to_invoice, invoice.number), (left, None)):
            if not part.is_zero:
                uow.payments.add(_payment(invoice, part, given, number, actor, now))
        receipt = _receipt(uow, invoice, given, to_invoice, left)
        _acknowledge(uow, receipt, "payment.record", actor, now)
        uow.commit()
    return receipt


def use_credit(
    uow: UnitOfWork, clock: Clock, *, invoice_number: str, actor: Actor
) -> PaymentReceipt:
    """The family's credit (overpayments, cancelled invoices it had paid) pays the invoice, up to
    its balance; recorded as mode "avoir"."""
    with uow:
        invoice, view = _payable(uow, invoice_number)
        used = _credit_to_use(uow, invoice, view)
        now, today = clock.now(), clock.today()
        day = date(today.year, today.month, today.day)
        given = _DeskInput(used, PaymentMode.CREDIT, "avoir de la famille", day)
        uow.payments.add(_payment(invoice, used, given, invoice.number, actor, now))
        taken = _DeskInput(-used, PaymentMode.CREDIT, f"utilisé pour {invoice.number}", day)
        uow.payments.add(_payment(invoice, -used, taken, None, actor, now))
        receipt = _receipt(uow, invoice, given, used, Money.zero())
        _acknowledge(uow, receipt, "payment.use_credit", actor, now)
        uow.commit()
    return receipt


def _credit_to_use(uow: UnitOfWork, invoice: Invoice, view: InvoiceView) -> Money:
    """What the family's credit pays of the invoice: all of its balance, or all the credit."""
    if view.balance.is_zero:
        raise RuleViolation(f"La facture {invoice.number} est déjà réglée.")
    credit = _account(uow, invoice.family_id).credit
    if credit.cents <= 0:
        raise RuleViolation(
            f"La famille n'a pas d'avoir à utiliser pour la facture {invoice.number}."
        )
    return min(credit, view.balance)


def _payment(
    invoice: Invoice,
    part: Money,
    given: _DeskInput,
    number: str | None,
    actor: Actor,
    now: pendulum.DateTime,
) -> Payment:
    """``part`` of the money ``given``, on invoice ``number`` (None: the family's credit)."""
    return Payment(
        invoice.family_id,
        part,
        given.mode,
        given.reference,
        given.received_on,
        now,
        actor.identifier,
        number,
    )


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


def _receipt(
    uow: UnitOfWork, invoice: Invoice, given: _DeskInput, allocated: Money, left: Money
) -> PaymentReceipt:
    account = _account(uow, invoice.family_id)
    family = uow.families.get(invoice.family_id)
    recipient = _recipient(uow, family, invoice.family_id)
    return PaymentReceipt(
        family_id=invoice.family_id,
        family_name=family.name if family else invoice.family_name,
        invoice_number=invoice.number,
        mode=given.mode,
        reference=given.reference,
        received_on=given.received_on,
        amount=given.amount,
        allocated=allocated,
        credit=left,
        invoice_balance=_view(account, invoice.number).balance,
        family_credit=account.credit,
        emailed_to=recipient,
    )


def _recipient(uow: UnitOfWork, family: Family | None, family_id: int) -> str | None:
    account = uow.accounts.of_family(family_id)
    if account is not None:
        return account.email
    return family.main_guardian.email if family else None


def _acknowledge(
    uow: UnitOfWork, receipt: PaymentReceipt, action: str, actor: Actor, now: pendulum.DateTime
) -> None:
    """The payment audited and, when the family has an address, its receipt e-mailed."""
    uow.audit.record(notices.payment_recorded(receipt, action, actor=actor, now=now))
    if receipt.emailed_to:
        commune = uow.communes.get()
        commune_name = commune.name if commune else "la commune"
        uow.outbox.add(notices.payment_receipt(receipt, receipt.emailed_to, commune_name, now))
