"""The billing's use cases, ports bound."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.billing.invoice_sheet import InvoiceSheet
from portail_core.facade.ports import Ports
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.documents import (
    InvoicePdf,
    invoice_pdf,
    invoice_sheet,
    list_invoices,
)
from portail_core.services.billing.invoices import FamilyAccount, InvoiceView, family_account
from portail_core.services.billing.run import DUE_DAYS, Progress, run_billing

__all__ = ["BillingUseCases"]


@frozen
class BillingUseCases:
    """The month's billing run, and the invoices and balances families and the desk read
    (``portail.billing``). ``_public_url``: the portal's address, for the links e-mailed with
    the new invoices."""

    _ports: Ports
    _public_url: str

    def run_month(
        self,
        *,
        month: str,
        actor: Actor,
        dry_run: bool = False,
        due_days: int = DUE_DAYS,
        progress: Progress | None = None,
        started: Progress | None = None,
    ) -> BillingReport:
        """Invoice every family for ``month`` (« 2026-09 ») in one transaction; a run again
        corrects with credit notes and new invoices only what changed, and e-mails each family
        its new invoice with the link to its page. ``dry_run`` writes and sends nothing;
        ``started(total)`` then ``progress(done)`` follow the families."""
        return run_billing(
            self._ports.uow(read_only=dry_run),
            self._ports.clock,
            month=month,
            actor=actor,
            dry_run=dry_run,
            progress=progress,
            started=started,
            due_days=due_days,
            public_url=self._public_url,
        )

    def account(self, family_id: int) -> FamilyAccount:
        """The family's invoices, payments and balance."""
        return family_account(self._ports.uow(read_only=True), family_id)

    def sheet(self, number: str, *, family_id: int | None = None) -> InvoiceSheet:
        """An invoice as its page and PDF print it (``family_id``: only that family's)."""
        return invoice_sheet(self._ports.uow(read_only=True), number, family_id=family_id)

    def pdf(self, number: str, *, family_id: int | None = None) -> InvoicePdf:
        """An invoice's PDF (tagged, PDF/UA)."""
        return invoice_pdf(
            self._ports.uow(read_only=True),
            self._ports.invoice_renderer,
            number,
            family_id=family_id,
        )

    def listing(
        self, *, family_id: int | None = None, month: str | None = None
    ) -> list[InvoiceView]:
        return list_invoices(self._ports.uow(read_only=True), family_id=family_id, month=month)
