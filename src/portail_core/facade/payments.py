"""The payments' use cases, ports bound."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.debit_returns import ReturnedDebit
from portail_core.domain.payments.direct_debit import Creditor, SepaMandate
from portail_core.domain.payments.online import ClientDetails
from portail_core.facade.ports import Ports
from portail_core.services.payments.desk import (
    PaymentLine,
    list_payments,
    record_payment,
    use_credit,
)
from portail_core.services.payments.direct_debit import DebitExport, Save, export_direct_debits
from portail_core.services.payments.mandates import (
    MandateLine,
    list_mandates,
    revoke_mandate,
    sign_mandate,
)
from portail_core.services.payments.online import (
    OnlineCheckout,
    open_online_payment,
    why_not_online,
)
from portail_core.services.payments.online_desk import (
    check_payfip_client,
    online_attempts,
    settle_online_attempt,
)
from portail_core.services.payments.online_results import (
    ReconcileReport,
    check_online_payment,
    reconcile_online_payments,
    take_notification,
)
from portail_core.services.payments.receiving import PaymentReceipt
from portail_core.services.payments.rejection_file import ReturnLine, reject_returned_debits
from portail_core.services.payments.rejections import (
    DebitRejection,
    reject_direct_debit,
    resume_mandate,
)

__all__ = ["PaymentUseCases"]


@frozen
class PaymentUseCases:
    """Payments at the desk and the family's credit, online through PayFiP; SEPA direct debit
    (``portail.payments``)."""

    _ports: Ports
    _public_url: str

    def record(
        self,
        *,
        invoice_number: str,
        amount: str,
        mode: str,
        reference: str,
        actor: Actor,
        received_on: date | None = None,
    ) -> PaymentReceipt:
        """A payment received at the desk (cheque, cash, CESU...), with its receipt e-mailed."""
        return record_payment(
            self._ports.uow(),
            self._ports.clock,
            invoice_number=invoice_number,
            amount=amount,
            mode=mode,
            reference=reference,
            actor=actor,
            received_on=received_on,
        )

    def use_credit(self, *, invoice_number: str, actor: Actor) -> PaymentReceipt:
        """Pay an invoice with the family's credit."""
        return use_credit(
            self._ports.uow(), self._ports.clock, invoice_number=invoice_number, actor=actor
        )

    def listing(
        self,
        *,
        family_id: int | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> list[PaymentLine]:
        return list_payments(
            self._ports.uow(read_only=True), family_id=family_id, first=first, last=last
        )

    def sign_mandate(
        self,
        family_id: int,
        *,
        holder: str,
        iban: str,
        signed_on: date,
        actor: Actor,
        bic: str | None = None,
        rum: str | None = None,
    ) -> SepaMandate:
        """Record a family's SEPA mandate; the IBAN's check digits and the BIC are checked
        first (the BIC is found from the IBAN when not given)."""
        account = self._ports.bank_details.account(iban, bic)
        return sign_mandate(
            self._ports.uow(),
            self._ports.clock,
            family_id,
            holder=holder,
            iban=account.iban,
            bic=account.bic,
            rum=rum,
            signed_on=signed_on,
            actor=actor,
        )

    def revoke_mandate(self, family_id: int, *, actor: Actor) -> SepaMandate:
        return revoke_mandate(self._ports.uow(), self._ports.clock, family_id, actor=actor)

    def reject_direct_debit(
        self,
        *,
        invoice_number: str,
        reason: str,
        actor: Actor,
        rejected_on: date | None = None,
    ) -> DebitRejection:
        """The bank rejected the invoice's direct debit (SEPA reason code: AM04, AC04...): the
        payment reversed, the invoice to pay again, the mandate suspended, the family
        e-mailed."""
        return reject_direct_debit(
            self._ports.uow(),
            self._ports.clock,
            invoice_number=invoice_number,
            reason=reason,
            actor=actor,
            public_url=self._public_url,
            rejected_on=rejected_on,
        )

    def resume_mandate(self, family_id: int, *, actor: Actor) -> SepaMandate:
        """After a rejection, the family's invoices are debited again."""
        return resume_mandate(self._ports.uow(), self._ports.clock, family_id, actor=actor)

    def reject_returned_debits(
        self, returns: list[ReturnedDebit], *, actor: Actor
    ) -> list[ReturnLine]:
        """The debits the bank's return file (pain.002, camt.054) rejects, each recorded as
        ``reject_direct_debit`` does, in its own transaction; again, nothing changes."""
        return reject_returned_debits(
            self._ports.uow, self._ports.clock, returns, actor=actor, public_url=self._public_url
        )

    def mandates(self, *, active_only: bool = False) -> list[MandateLine]:
        return list_mandates(self._ports.uow(read_only=True), active_only=active_only)

    def creditor(
        self, *, name: str | None, identifier: str | None, iban: str | None, bic: str | None
    ) -> Creditor:
        """The town as a SEPA creditor, every setting checked, every problem listed."""
        return self._ports.bank_details.creditor(
            name=name, identifier=identifier, iban=iban, bic=bic
        )

    def export_direct_debits(
        self,
        *,
        month: str,
        creditor: Creditor,
        save: Save,
        actor: Actor,
        collection_date: date | None = None,
    ) -> DebitExport:
        """The month's unpaid invoices of families with a mandate, as a pain.008 document
        handed to ``save`` and recorded as paid by direct debit, in one transaction."""
        return export_direct_debits(
            self._ports.uow(),
            self._ports.clock,
            month=month,
            creditor=creditor,
            writer=self._ports.debit_writer,
            save=save,
            actor=actor,
            collection_date=collection_date,
        )

    def online_refusal(self, family_id: int, invoice_number: str) -> str | None:
        """Why the family may not pay this invoice online now (French); None when it may."""
        return why_not_online(
            self._ports.uow(read_only=True),
            self._ports.clock,
            family_id=family_id,
            invoice_number=invoice_number,
        )

    def open_online(
        self,
        family_id: int,
        invoice_number: str,
        *,
        notify_url: str,
        return_url: str,
        actor: Actor,
    ) -> OnlineCheckout:
        """« Payer en ligne »: the attempt stored, the PayFiP page to send the family to;
        PayFiP calls ``notify_url`` and sends the browser back to ``return_url`` (both with
        ``?idop=``)."""
        ports = self._ports
        return open_online_payment(
            ports.uow,
            ports.payfip,
            ports.clock,
            family_id=family_id,
            invoice_number=invoice_number,
            notify_url=notify_url,
            return_url=return_url,
            actor=actor,
        )

    def check_online(self, id_op: str) -> PaymentAttempt | None:
        """Ask PayFiP what became of an operation and record it (the notification, the
        browser's return); None for an operation the portal never opened."""
        ports = self._ports
        return check_online_payment(ports.uow, ports.payfip, ports.clock, id_op=id_op)

    def take_notification(self, id_op: str, *, actor_ip: str) -> PaymentAttempt | None:
        """PayFiP's notification (unsigned, counted per address): check the operation now."""
        ports = self._ports
        return take_notification(
            ports.uow, ports.payfip, ports.clock, id_op=id_op, actor_ip=actor_ip
        )

    def reconcile_online(self, *, days: int = 3) -> ReconcileReport:
        """Ask PayFiP again about the attempts it may still say something new about, opened
        between ``days`` days and five minutes ago."""
        ports = self._ports
        return reconcile_online_payments(ports.uow, ports.payfip, ports.clock, days=days)

    def online_attempts(self, *, first: date, last: date) -> list[PaymentAttempt]:
        return online_attempts(self._ports.uow(read_only=True), first=first, last=last)

    def check_payfip_client(self) -> ClientDetails:
        """What PayFiP knows of the commune's client number (checks the configuration)."""
        return check_payfip_client(self._ports.uow(read_only=True), self._ports.payfip)

    def settle_online(
        self, id_op: str, *, paid_amount: str | None, note: str, actor: Actor
    ) -> PaymentAttempt:
        """The desk's decision on a rejected or failed online payment: ``paid_amount`` (what
        PayFiP collected, « 52,00 ») records it paid; None closes it without payment."""
        return settle_online_attempt(
            self._ports.uow(),
            self._ports.clock,
            id_op=id_op,
            paid_amount=paid_amount,
            note=note,
            actor=actor,
        )
