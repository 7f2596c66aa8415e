"""What the payments' use cases write in French: their audit entries and the receipt e-mail.

IBANs appear masked only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.direct_debit import Debit, DebitBatch, SepaMandate, masked_iban
from portail_core.domain.payments.payment import PaymentMode
from portail_core.domain.shared.french_dates import day_fr, hour_fr, moment_fr, numeric_day_fr
from portail_core.domain.shared.instants import as_paris
from portail_core.domain.shared.money import Money

if TYPE_CHECKING:
    from portail_core.services.payments.receiving import PaymentReceipt

__all__ = [
    "AGAIN",
    "debit_recorded",
    "debits_exported",
    "mandate_revoked",
    "mandate_signed",
    "online_payment_opened",
    "online_payment_settled",
    "online_payment_to_check",
    "payment_receipt",
    "payment_recorded",
    "payment_waiting",
]

AGAIN = " (fichier refait à l'identique)"


def payment_recorded(
    receipt: PaymentReceipt, action: str, *, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """Money received at the desk, or the family's credit used, for an invoice."""
    what = (
        f"Avoir de {receipt.amount.format_fr()} utilisé"
        if receipt.mode is PaymentMode.CREDIT
        else f"Règlement de {receipt.amount.format_fr()} ({receipt.mode.label}, "
        f"réf. {receipt.reference})"
    )
    summary = f"{what} pour la facture {receipt.invoice_number}"
    if not receipt.credit.is_zero:
        summary += f" ; {receipt.credit.format_fr()} en avoir"
    return AuditEvent(
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


def payment_receipt(
    receipt: PaymentReceipt, to: str, commune_name: str, now: pendulum.DateTime
) -> OutgoingEmail:
    """The family's receipt: what was received, how it was allocated, what is left."""
    return OutgoingEmail(
        to,
        "payment_receipt",
        {
            "commune": commune_name,
            "family": receipt.family_name,
            "invoice": receipt.invoice_number,
            "amount": receipt.amount.format_fr(),
            "mode": receipt.mode.label,
            "from_credit": "oui" if receipt.mode is PaymentMode.CREDIT else "",
            "reference": receipt.reference,
            "received_on": day_fr(receipt.received_on),
            "recorded_at": moment_fr(now),
            "allocated": receipt.allocated.format_fr(),
            "credit": _unless_zero(receipt.credit),
            "invoice_balance": _unless_zero(receipt.invoice_balance),
            "family_credit": (
                "" if receipt.family_credit.cents <= 0 else receipt.family_credit.format_fr()
            ),
        },
        created_at=now,
        family_id=receipt.family_id,
    )


def _unless_zero(amount: Money) -> str:
    return "" if amount.is_zero else amount.format_fr()


def debits_exported(
    month: str, batch: DebitBatch, *, again: bool, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """The month's direct-debit file, first made or made again."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="directdebit.export",
        summary=(
            f"Prélèvements de {month}{AGAIN if again else ''} : "
            f"{len(batch.debits)} facture(s), {batch.control_sum.format_fr()}"
        ),
        details={
            "month": month,
            "message_id": batch.message_id,
            "debits": len(batch.debits),
            "total_cents": batch.control_sum.cents,
            "again": again,
        },
    )


def debit_recorded(
    debit: Debit, message_id: str, *, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """An invoice recorded as paid by the direct debit of the month's file."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="payment.direct_debit",
        summary=(
            f"Facture {debit.invoice_number} prélevée : {debit.amount.format_fr()} le "
            f"{numeric_day_fr(debit.collection_date)} (mandat {debit.mandate.rum}, IBAN "
            f"{debit.mandate.masked_iban})"
        ),
        details={
            "invoice": debit.invoice_number,
            "amount_cents": debit.amount.cents,
            "collection_date": debit.collection_date.isoformat(),
            "rum": debit.mandate.rum,
            "iban": debit.mandate.masked_iban,
            "message_id": message_id,
        },
        family_id=debit.family_id,
    )


def mandate_signed(
    family_id: int,
    family_name: str,
    mandate: SepaMandate,
    previous: SepaMandate | None,
    *,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """A mandate signed, replacing ``previous``; the IBANs masked."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.mandate",
        summary=(
            f"Mandat de prélèvement SEPA enregistré pour {family_name} : RUM "
            f"{mandate.rum}, IBAN {mandate.masked_iban}, signé le "
            f"{numeric_day_fr(mandate.signed_on)}"
        ),
        details={"changes": _changes(previous, mandate)},
        family_id=family_id,
    )


def mandate_revoked(
    family_id: int,
    family_name: str,
    previous: SepaMandate,
    revoked: SepaMandate,
    *,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.mandate_revoke",
        summary=f"Mandat de prélèvement {previous.rum} révoqué pour {family_name}",
        details={"changes": _changes(previous, revoked)},
        family_id=family_id,
    )


def _changes(old: SepaMandate | None, new: SepaMandate) -> dict[str, list[object]]:
    """old -> new for each field that changed, the IBANs masked."""
    changes: dict[str, list[object]] = {}
    for name in ("holder", "iban", "bic", "rum", "signed_on", "active"):
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name)
        if before == after:
            continue
        if name == "iban":
            before, after = (masked_iban(before) if before else None), masked_iban(after)
        elif name == "signed_on":
            before, after = (before.isoformat() if before else None), after.isoformat()
        changes[f"mandate.{name}"] = [before, after]
    return changes


def online_payment_opened(attempt: PaymentAttempt, actor: Actor) -> AuditEvent:
    """A family leaves for PayFiP to pay an invoice."""
    return AuditEvent(
        at=attempt.created_at,
        actor=actor,
        action="payment.online_open",
        summary=(
            f"Paiement en ligne ouvert pour la facture {attempt.invoice_number} : "
            f"{attempt.amount.format_fr()} (réf. {attempt.refdet})"
        ),
        details={
            "invoice": attempt.invoice_number,
            "amount_cents": attempt.amount.cents,
            "refdet": attempt.refdet,
            "id_op": attempt.id_op,
        },
        family_id=attempt.family_id,
    )


def online_payment_to_check(attempt: PaymentAttempt, now: pendulum.DateTime) -> AuditEvent:
    """PayFiP reported something the portal cannot take as it is: for the desk to look at."""
    return AuditEvent(
        at=now,
        actor=Actor.system("PayFiP"),
        action="payment.online_to_check",
        summary=(
            f"Paiement en ligne {attempt.state.label}, facture {attempt.invoice_number} "
            f"(réf. {attempt.refdet}) : {attempt.problem}"
        ),
        details={
            "invoice": attempt.invoice_number,
            "id_op": attempt.id_op,
            "result": attempt.result,
            "problem": attempt.problem,
        },
        family_id=attempt.family_id,
    )


def payment_waiting(attempt: PaymentAttempt, now: pendulum.DateTime) -> str:
    """Why a new online payment must wait for an earlier one (the family's words)."""
    opened = hour_fr(attempt.created_at)
    where = f"Un paiement en ligne de la facture {attempt.invoice_number}, ouvert à {opened}"
    if attempt.state.for_the_desk:
        return (
            f"{where} le {numeric_day_fr(as_paris(attempt.created_at).date())}, est vérifié par "
            "le guichet unique : ne payez pas à nouveau ; le guichet vous contactera si besoin."
        )
    if now < attempt.retry_after:
        return (
            f"{where}, attend encore la réponse des Finances Publiques : s'il n'aboutit pas, "
            f"vous pourrez payer à nouveau à partir de {hour_fr(attempt.retry_after)}."
        )
    return (
        f"{where}, attend encore la réponse des Finances Publiques, qui ne répondent pas pour "
        "l'instant : réessayez dans quelques minutes."
    )


def online_payment_settled(
    attempt: PaymentAttempt, amount: Money | None, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """The desk's decision on an online payment it had to check."""
    outcome = f"payé {amount.format_fr()}" if amount is not None else "classé sans paiement"
    return AuditEvent(
        at=now,
        actor=actor,
        action="payment.online_settle",
        summary=(
            f"Paiement en ligne de la facture {attempt.invoice_number} (réf. {attempt.refdet}) "
            f"{outcome} par le guichet"
        ),
        details={
            "invoice": attempt.invoice_number,
            "id_op": attempt.id_op,
            "paid_cents": amount.cents if amount is not None else None,
            "note": attempt.problem,
        },
        family_id=attempt.family_id,
    )
