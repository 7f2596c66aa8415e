"""What the billing run decides for each family, and its report: kept small, since a run holds
one bill per family of the town."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import attrs
from attrs import frozen

from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine, lines_equal
from portail_core.domain.billing.month import PricedMonth, quotient_label
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.money import Money

__all__ = ["Addressee", "BillingReport", "FamilyBill", "standing_invoice"]


def standing_invoice(documents: list[Invoice]) -> Invoice | None:
    """The family's invoice of the month still in force (not cancelled by a credit note)."""
    cancelled = {d.corrects for d in documents if d.kind is DocumentKind.CREDIT_NOTE}
    standing = [
        d for d in documents if d.kind is DocumentKind.INVOICE and d.number not in cancelled
    ]
    return standing[-1] if standing else None


_NO_CREDIT = Money.zero()  # Money is immutable: one default shared by every instance


@frozen
class Addressee:
    """What an invoice prints of the dossier, and where it is e-mailed when the family has no
    account (the main guardian's address), kept instead of the dossier itself: a run reads the
    families a batch at a time and does not hold a whole town's dossiers."""

    address: tuple[str, ...]
    quotient: str
    direct_debit: bool
    email: str | None = None

    @classmethod
    def of(cls, family: Family) -> Addressee:
        return cls(
            _address(family),
            quotient_label(family),
            family.pays_by_direct_debit,
            family.main_guardian.email,
        )


def _address(family: Family) -> tuple[str, ...]:
    guardian = family.main_guardian
    address = guardian.address
    lines = [f"{guardian.first_name} {guardian.last_name}"]
    if address is not None:
        lines += [address.street, f"{address.postcode} {address.city}"]
    return tuple(lines)


@frozen
class FamilyBill:
    family_id: int
    family_name: str
    priced: PricedMonth
    action: str  # "new", "unchanged", "corrected", "nothing"
    addressee: Addressee
    issued: tuple[str, ...] = ()  # numbers of the documents written
    credit_used: Money = _NO_CREDIT  # the family's credit deducted from its new invoice

    @classmethod
    def decide(cls, family: Family, priced: PricedMonth, documents: list[Invoice]) -> FamilyBill:
        """The family's bill: a new invoice, none, the standing one unchanged, or a correction
        (a credit note and a new invoice) when its lines changed."""
        assert family.id is not None  # noqa: S101
        standing = standing_invoice(documents)
        wanted = [line for line in priced.lines if line.quantity]
        if standing is None:
            action = "new" if wanted and not priced.total.is_zero else "nothing"
        elif lines_equal(standing.lines, wanted):
            action = "unchanged"
        else:
            action = "corrected"
        return cls(family.id, family.name, priced, action, Addressee.of(family))

    def with_credit(self, credits: Mapping[str, Money]) -> FamilyBill:
        """The bill with the credit deducted from its new invoice (``credits``: by number)."""
        used = Money.total(credits[number] for number in self.issued if number in credits)
        return attrs.evolve(self, credit_used=used) if used.cents else self

    def invoice_lines(self) -> tuple[InvoiceLine, ...]:
        """The lines of the invoice to issue; none when there is nothing to bill."""
        if self.priced.total.is_zero:
            return ()
        return tuple(line for line in self.priced.lines if line.quantity)

    def per_service(self) -> dict[str, Money]:
        totals: dict[str, Money] = defaultdict(Money.zero)
        for line in self.priced.lines:
            totals[line.establishment_name] += line.total
        return dict(totals)


@frozen
class BillingReport:
    month: str
    dry_run: bool
    bills: tuple[FamilyBill, ...]
    emailed: int = 0  # e-mails queued to families about their new invoices

    @property
    def problems(self) -> list[str]:
        return [f"{b.family_name} : {p}" for b in self.bills for p in b.priced.problems]

    @property
    def total(self) -> Money:
        return Money.total(b.priced.total for b in self.bills)

    @property
    def credits(self) -> Money:
        """The families' credit deducted from their new invoices."""
        return Money.total(b.credit_used for b in self.bills)

    def per_service(self) -> dict[str, Money]:
        totals: dict[str, Money] = defaultdict(Money.zero)
        for bill in self.bills:
            for service, amount in bill.per_service().items():
                totals[service] += amount
        return dict(sorted(totals.items()))

    def count(self, action: str) -> int:
        return sum(1 for b in self.bills if b.action == action)
