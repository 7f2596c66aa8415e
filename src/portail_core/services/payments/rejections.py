"""Rejected direct debits (SEPA R-transactions): the family's bank returned or refused a debit.

The desk records the rejection with the bank's reason code (by hand, from the bank's return
notice). In one transaction: the payment the export recorded is reversed by a negative line
(« prélèvement rejeté », its reference starting with the reason code), so the invoice is « à
payer » again and plans no debit any more; the family's mandate is suspended, so that the next
exports leave the family out until the desk resumes it (or revokes it); the family is e-mailed;
everything is audited. The rejected invoice is then paid at the desk or online: it is never
debited again by itself.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.dossiers.family import Family
from portail_core.domain.payments.direct_debit import (
    SepaMandate,
    reason_text,
    rejection_code,
    rejection_reason,
    rejection_reference,
)
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.money import Money
from portail_core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.billing.emails import invoice_url
from portail_core.services.billing.invoices import InvoiceView
from portail_core.services.payments import rejection_notices as notices
from portail_core.services.payments.receiving import locked_invoice, recipient_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["AlreadyRejected", "DebitRejection", "reject_direct_debit", "resume_mandate"]


class AlreadyRejected(Conflict):
    """The rejection of this debit is recorded already: nothing is changed."""


@frozen
class DebitRejection:
    """A rejection recorded: the invoice, what was reversed, why, what became of the mandate."""

    family_id: int
    family_name: str
    invoice_number: str
    amount: Money  # the debit reversed
    reason: str  # the SEPA code: "AM04"
    rejected_on: date
    invoice_balance: Money  # due on the invoice afterwards
    mandate: SepaMandate | None  # the family's mandate afterwards (suspended)
    emailed_to: str | None  # None: the family has no e-mail address

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)


def reject_direct_debit(
    uow: UnitOfWork,
    clock: Clock,
    *,
    invoice_number: str,
    reason: str,
    actor: Actor,
    public_url: str,
    rejected_on: date | None = None,
    amount: Money | None = None,
) -> DebitRejection:
    """Record that the bank rejected the direct debit of ``invoice_number`` for ``reason`` (a
    SEPA reason code: AM04, AC04, MD01, MS02...) on ``rejected_on`` (today by default);
    ``amount``, when the bank's file gives it, must be the debit's."""
    code = rejection_reason(reason)
    now, today = clock.now(), clock.today()
    on = _rejection_day(rejected_on, date(today.year, today.month, today.day))
    with uow:
        invoice, view = locked_invoice(uow, invoice_number)
        debit = _debit_to_reverse(invoice, view, amount)
        reference = rejection_reference(code, debit.reference)
        uow.payments.add(
            Payment(
                invoice.family_id,
                -debit.amount,
                PaymentMode.DIRECT_DEBIT_REJECTED,
                reference,
                on,
                now,
                actor.identifier,
                invoice.number,
            )
        )
        family = _family(uow, invoice.family_id)
        mandate = _suspended(uow, family, invoice, code, on, now)
        rejection = DebitRejection(
            family.id or invoice.family_id,
            family.name,
            invoice.number,
            debit.amount,
            code,
            on,
            view.balance + debit.amount,
            mandate,
            recipient_of(uow, family, invoice.family_id),
        )
        _tell(uow, rejection, public_url, actor, now)
        uow.commit()
    return rejection


def _tell(
    uow: UnitOfWork,
    rejection: DebitRejection,
    public_url: str,
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """The rejection audited and, when the family has an address, e-mailed to it."""
    uow.audit.record(notices.debit_rejected(rejection, actor=actor, now=now))
    if rejection.emailed_to:
        link = invoice_url(public_url, rejection.invoice_number)
        uow.outbox.add(notices.rejection_email(rejection, uow.communes.get(), link, now))


def resume_mandate(uow: UnitOfWork, clock: Clock, family_id: int, *, actor: Actor) -> SepaMandate:
    """The desk decided, after a rejection, that the family's invoices are debited again."""
    now = clock.now()
    with uow:
        family = _family(uow, family_id)
        previous = family.mandate
        if previous is None or not previous.active or previous.suspended_on is None:
            raise Conflict(
                f"La famille {family.name} n'a pas de mandat de prélèvement suspendu : rien à "
                "reprendre (voir `portail directdebit list --all`)."
            )
        family.mandate = previous.resumed()
        uow.families.update(family, now)
        uow.audit.record(
            notices.mandate_resumed(family_id, family.name, previous, actor=actor, now=now)
        )
        uow.commit()
    return family.mandate


def _rejection_day(given: date | None, today: date) -> date:
    if given is not None and given > today:
        raise InvalidInput(
            "La date du rejet ne peut pas être dans le futur.",
            {"rejected_on": "Date du rejet dans le futur."},
        )
    return given or today


def _debit_to_reverse(invoice: Invoice, view: InvoiceView, amount: Money | None) -> Payment:
    """The invoice's direct debit that no rejection reverses yet (of ``amount``, if given)."""
    debits = [p for p in view.payments if p.mode is PaymentMode.DIRECT_DEBIT]
    rejected = [p for p in view.payments if p.mode is PaymentMode.DIRECT_DEBIT_REJECTED]
    if not debits:
        raise RuleViolation(
            f"La facture {invoice.number} n'a pas été prélevée (aucun prélèvement enregistré par "
            "`portail directdebit export`) : il n'y a pas de rejet à enregistrer."
        )
    if len(rejected) >= len(debits):
        last = rejected[-1]
        raise AlreadyRejected(
            f"Le rejet du prélèvement de la facture {invoice.number} est déjà enregistré "
            f"(le {numeric_day_fr(last.received_on)}, motif "
            f"{reason_text(rejection_code(last.reference))}) : rien n'est changé."
        )
    debit = debits[len(rejected)]
    if amount is not None and amount != debit.amount:
        raise RuleViolation(
            f"Le rejet porte sur {amount.format_fr()} mais le prélèvement de la facture "
            f"{invoice.number} était de {debit.amount.format_fr()} : rien n'est changé."
        )
    return debit


def _family(uow: UnitOfWork, family_id: int) -> Family:
    family = uow.families.get(family_id, for_update=True)
    if family is None:
        raise NotFound(f"Aucune famille n° {family_id}.")
    return family


def _suspended(
    uow: UnitOfWork,
    family: Family,
    invoice: Invoice,
    code: str,
    on: date,
    now: pendulum.DateTime,
) -> SepaMandate | None:
    """The family's mandate, suspended (still in use, or already suspended: kept so)."""
    mandate = family.mandate
    if mandate is None or not mandate.active or mandate.suspended_on is not None:
        return mandate
    why = f"prélèvement de la facture {invoice.number} rejeté, motif {reason_text(code)}"
    family.mandate = mandate.suspended(on, why)
    uow.families.update(family, now)
    return family.mandate
