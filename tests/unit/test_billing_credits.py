"""The family's credit deducted by the billing run (issue 15, item 16): counted exactly as the
family's account counts it, deducted up to the new invoice's total, and told truthfully in the
invoice's e-mail, on its sheet and on the credit note."""

from __future__ import annotations

import re
from datetime import date

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from adapters.mail import JinjaEmailRenderer
from adapters.memory.messaging import MessagingState
from portail_core.domain.attendance import Presence
from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.billing.invoice import DocumentKind, Invoice, InvoiceLine, InvoiceTotal
from portail_core.domain.payments.payment import Payment, PaymentMode
from portail_core.domain.shared.money import Money
from portail_core.services.billing.credits import unallocated_credit
from portail_core.services.billing.documents import invoice_sheet
from portail_core.services.billing.invoices import account_from
from portail_core.services.billing.run import run_billing
from portail_core.services.payments.desk import record_payment
from portail_core.services.payments.mandates import sign_mandate
from tests.unit.reservation_world import DESK, World, make_world
from tests.unit.test_billing import (
    AFTER_SEPTEMBER,
    SEPTEMBER_WEDNESDAYS,
    booked,
    euros,
    invoices,
    mark,
)

PUBLIC_URL = "https://famille.demo-sur-mer.example"
PAID_ON = pendulum.datetime(2026, 10, 5, 10, 0, tz="Europe/Paris")
NBSP = "\u00a0"


def document(number: str, cents: int, corrects: str | None = None) -> Invoice:
    kind = DocumentKind.CREDIT_NOTE if corrects else DocumentKind.INVOICE
    line = InvoiceLine(
        "Léa", "ALSH", "Journée", ConsumptionState.PRESENT, Pricing.NORMAL, Money(cents), 1
    )
    return Invoice(
        number=number,
        kind=kind,
        family_id=1,
        family_name="Martin",
        address=(),
        month="2026-09",
        issued_on=date(2026, 10, 2),
        due_on=date(2026, 11, 1),
        pay_online_until=date(2026, 11, 1),
        lines=(line.negated(),) if corrects else (line,),
        created_at=PAID_ON,
        corrects=corrects,
    )


@given(
    totals=st.lists(st.integers(1, 20_000), min_size=1, max_size=5),
    cancelled=st.sets(st.integers(0, 4)),
    paid=st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 4)), st.integers(-5_000, 30_000)),
        max_size=12,
    ),
)
def test_the_runs_credit_is_the_accounts_credit(
    totals: list[int], cancelled: set[int], paid: list[tuple[int | None, int]]
) -> None:
    invoices_ = [document(f"FA-2026-{n:06d}", cents) for n, cents in enumerate(totals)]
    notes = [
        document(f"AV-2026-{n:06d}", totals[n], corrects=invoices_[n].number)
        for n in sorted(cancelled)
        if n < len(totals)
    ]
    payments = [
        Payment(
            1,
            Money(cents),
            PaymentMode.CHEQUE,
            "CHQ",
            date(2026, 10, 5),
            PAID_ON,
            "agent",
            None if n is None else f"FA-2026-{n:06d}",
        )
        for n, cents in paid
    ]
    sums: dict[str | None, Money] = {}
    for payment in payments:
        sums[payment.invoice_number] = sums.get(payment.invoice_number, Money.zero()) + (
            payment.amount
        )
    documents = [*invoices_, *notes]
    expected = account_from(documents, payments).credit
    assert unallocated_credit([InvoiceTotal.of(d) for d in documents], sums) == expected


def pay(world: World, number: str, amount: str) -> None:
    record_payment(
        world.uow(),
        world.clock,
        invoice_number=number,
        amount=amount,
        mode="cheque",
        reference="CHQ 1",
        actor=DESK,
    )


def corrected_after_paying(world: World, amount: str) -> None:
    """Léa's 2 September days billed (20,80 €), ``amount`` paid for them, then a late pointage
    re-runs September: a credit note and a new invoice of 36,20 €, e-mailed."""
    booked(world, "Léa", SEPTEMBER_WEDNESDAYS[:2])
    world.clock.set(AFTER_SEPTEMBER)
    run_billing(world.uow(), world.clock, month="2026-09", actor=DESK)
    world.clock.set(PAID_ON)
    pay(world, invoices(world)[0].number, amount)
    mark(world, "Léa", SEPTEMBER_WEDNESDAYS[2], Presence.PRESENT)
    world.clock.set(AFTER_SEPTEMBER.add(days=5))
    run_billing(world.uow(), world.clock, month="2026-09", actor=DESK, public_url=PUBLIC_URL)


def invoice_emails(world: World):
    return [
        m for m in world.store.committed(MessagingState).outbox if m.template == "invoice_issued"
    ]


def test_the_email_says_the_credit_was_deducted_and_what_is_left_to_pay() -> None:
    world = make_world()
    corrected_after_paying(world, "20,80")
    [email] = invoice_emails(world)
    assert (email.context["amount"], email.context["credit"], email.context["amount_due"]) == (
        f"36,20{NBSP}€",
        f"20,80{NBSP}€",
        f"15,40{NBSP}€",
    )
    assert email.context["payment_way"] == "online"
    assert email.context["payment"].startswith(f"Le reste, 15,40{NBSP}€, est payable en ligne")
    rendered = JinjaEmailRenderer().render(email.template, email.context)
    for part in (rendered.text, rendered.html):
        flat = " ".join(re.sub(r"<[^>]+>", "", part).replace(NBSP, " ").split())
        assert "avoir déduit : 20,80 €" in flat, flat
        assert "reste à payer : 15,40 €" in flat, flat
    sheet = invoice_sheet(world.uow(), invoices(world)[-1].number)
    assert (sheet.paid, sheet.credit_used, sheet.amount_due) == (
        euros("20,80"),
        euros("20,80"),
        euros("15,40"),
    )


def test_a_credit_covering_the_invoice_leaves_nothing_to_pay_and_says_so() -> None:
    world = make_world()
    corrected_after_paying(world, "50")  # 20,80 € on FA-1, 29,20 € of credit: 50 € in all
    [email] = invoice_emails(world)
    assert (email.context["credit"], email.context["amount_due"]) == (
        f"36,20{NBSP}€",
        f"0,00{NBSP}€",
    )
    assert email.context["payment_way"] == "credit"
    assert email.context["payment"] == (
        "Votre avoir la règle entièrement : vous n'avez rien à payer."
    )
    text = JinjaEmailRenderer().render(email.template, email.context).text
    assert "payer en ligne" not in text.lower()
    sheet = invoice_sheet(world.uow(), invoices(world)[-1].number)
    assert (sheet.amount_due, sheet.payment_note) == (
        Money.zero(),
        "Cette facture est réglée. Merci.",
    )
    assert sheet.credit_used == euros("36,20")


def test_a_family_on_direct_debit_is_told_only_the_rest_will_be_debited() -> None:
    world = make_world()
    sign_mandate(
        world.uow(),
        world.clock,
        world.martin,
        actor=DESK,
        holder="Claire Martin",
        iban="FR7630006000011234567890189",
        signed_on=date(2026, 6, 1),
    )
    corrected_after_paying(world, "20,80")
    [email] = invoice_emails(world)
    assert email.context["payment_way"] == "direct_debit"
    assert email.context["payment"].startswith(f"Le reste, 15,40{NBSP}€, sera prélevé le ")


def test_the_credit_note_says_what_happens_to_what_was_paid() -> None:
    world = make_world()
    corrected_after_paying(world, "20,80")
    note = next(i for i in invoices(world) if i.kind is DocumentKind.CREDIT_NOTE)
    sheet = invoice_sheet(world.uow(), note.number)
    assert "déduit de la nouvelle facture" in sheet.payment_note
    assert "factures suivantes" not in sheet.payment_note
