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

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.bookings.planning import french_moment
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail
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
    reader = InputReader()
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
    labels = ", ".join(m.value for m in DESK_MODES)
    chosen = reader.choice("mode", mode, PaymentMode, f"Mode de règlement au guichet : {labels}.")
    if chosen not in DESK_MODES:
        reader.refuse("mode", f"Mode de règlement au guichet : {labels}.")
    ref = reader.line(
        "reference",
        reference,
        f"La référence est obligatoire ({MAX_REFERENCE} caractères au plus : n° de chèque, "
        "de quittance, de virement...).",
        max_length=MAX_REFERENCE,
    )
    day = received_on or today
    if day > today:
        reader.refuse("received_on", "La date de réception ne peut pas être dans le futur.")
    elif day < today - MAX_AGE:
        reader.refuse("received_on", "La date de réception remonte à plus d'un an.")
    reader.raise_if_any("Le règlement n'a pas été enregistré.")
    return _DeskInput(money, chosen, ref, day)


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
        parts = [(to_invoice, invoice.number), (left, None)]
        for part, number in parts:
            if not part.is_zero:
                uow.payments.add(
                    Payment(
                        invoice.family_id,
                        part,
                        given.mode,
                        given.reference,
                        given.received_on,
                        now,
                        actor.identifier,
                        number,
                    )
                )
        receipt = _receipt(uow, invoice, given, to_invoice, left)
        _audit(uow, receipt, actor, now, "payment.record")
        uow.commit()
    return receipt


def use_credit(
    uow: UnitOfWork, clock: Clock, *, invoice_number: str, actor: Actor
) -> PaymentReceipt:
    """The family's credit (overpayments, cancelled invoices it had paid) pays the invoice, up to
    its balance; recorded as mode "avoir"."""
    with uow:
        invoice, view = _payable(uow, invoice_number)
        if view.balance.is_zero:
            raise RuleViolation(f"La facture {invoice.number} est déjà réglée.")
        credit = _account(uow, invoice.family_id).credit
        if credit.cents <= 0:
            raise RuleViolation(
                f"La famille n'a pas d'avoir à utiliser pour la facture {invoice.number}."
            )
        used = min(credit, view.balance)
        now, today = clock.now(), clock.today()
        day = date(today.year, today.month, today.day)
        for part, number, reference in (
            (used, invoice.number, "avoir de la famille"),
            (-used, None, f"utilisé pour {invoice.number}"),
        ):
            uow.payments.add(
                Payment(
                    invoice.family_id,
                    part,
                    PaymentMode.CREDIT,
                    reference,
                    day,
                    now,
                    actor.identifier,
                    number,
                )
            )
        given = _DeskInput(used, PaymentMode.CREDIT, "avoir de la famille", day)
        receipt = _receipt(uow, invoice, given, used, Money.zero())
        _audit(uow, receipt, actor, now, "payment.use_credit")
        uow.commit()
    return receipt


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
            family = uow.families.get(family_id)
            if family is None:
                raise NotFound(f"Aucune famille n° {family_id}.")
            found = [
                p
                for p in uow.payments.of_family(family_id)
                if (first is None or p.received_on >= first)
                and (last is None or p.received_on <= last)
            ]
            names = {family_id: family.name}
        else:
            if first is None or last is None:
                raise InvalidInput("Donnez la période (début et fin) ou la famille.")
            found = uow.payments.listing(first, last)
            names = {}
            for fid in sorted({p.family_id for p in found}):
                known = uow.families.get(fid)
                names[fid] = known.name if known else f"famille n° {fid}"
    ordered = sorted(found, key=lambda p: (p.received_on, p.id or 0))
    return [PaymentLine(p, names[p.family_id]) for p in ordered]


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


def _french_day(day: date) -> str:
    return pendulum.date(day.year, day.month, day.day).format("D MMMM YYYY", locale="fr")


def _audit(
    uow: UnitOfWork, receipt: PaymentReceipt, actor: Actor, now: pendulum.DateTime, action: str
) -> None:
    what = (
        f"Avoir de {receipt.amount.format_fr()} utilisé"
        if receipt.mode is PaymentMode.CREDIT
        else f"Règlement de {receipt.amount.format_fr()} ({receipt.mode.label}, "
        f"réf. {receipt.reference})"
    )
    summary = f"{what} pour la facture {receipt.invoice_number}"
    if not receipt.credit.is_zero:
        summary += f" ; {receipt.credit.format_fr()} en avoir"
    uow.audit.record(
        AuditEvent(
            at=now,
            actor=actor,
            action=action,
            summary=summary,
            details={
                "invoice": receipt.invoice_number,
                "amount_cents": receipt.amount.cents,
                "mode": receipt.mode.value,
                "reference": receipt.reference,
                "received_on": receipt.received_on.isoformat(),
                "allocated_cents": receipt.allocated.cents,
                "credit_cents": receipt.credit.cents,
                "receipt_to": receipt.emailed_to or "",
            },
            family_id=receipt.family_id,
        )
    )
    if receipt.emailed_to:
        _send_receipt(uow, receipt, now)


def _send_receipt(uow: UnitOfWork, receipt: PaymentReceipt, now: pendulum.DateTime) -> None:
    assert receipt.emailed_to is not None  # noqa: S101  (checked by the caller)
    commune = uow.communes.get()
    uow.outbox.add(
        OutgoingEmail(
            receipt.emailed_to,
            "payment_receipt",
            {
                "commune": commune.name if commune else "la commune",
                "family": receipt.family_name,
                "invoice": receipt.invoice_number,
                "amount": receipt.amount.format_fr(),
                "mode": receipt.mode.label,
                "from_credit": "oui" if receipt.mode is PaymentMode.CREDIT else "",
                "reference": receipt.reference,
                "received_on": _french_day(receipt.received_on),
                "recorded_at": french_moment(now),
                "allocated": receipt.allocated.format_fr(),
                "credit": "" if receipt.credit.is_zero else receipt.credit.format_fr(),
                "invoice_balance": (
                    "" if receipt.invoice_balance.is_zero else receipt.invoice_balance.format_fr()
                ),
                "family_credit": (
                    "" if receipt.family_credit.cents <= 0 else receipt.family_credit.format_fr()
                ),
            },
            created_at=now,
        )
    )
