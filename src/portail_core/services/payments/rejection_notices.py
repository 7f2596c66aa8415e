"""What the rejected direct debits' use cases write in French: the audit entries and the
e-mail to the family (template ``direct_debit_rejected``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.communes import Commune
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.payments.direct_debit import REJECTION_REASONS, SepaMandate
from portail_core.domain.shared.french_dates import day_fr, numeric_day_fr

if TYPE_CHECKING:
    from portail_core.services.payments.rejections import DebitRejection

__all__ = ["debit_rejected", "mandate_resumed", "rejection_email"]


def debit_rejected(
    rejection: DebitRejection, *, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """The bank's rejection of a debit, the payment reversed, the mandate suspended."""
    mandate = rejection.mandate
    suspended = f" ; mandat {mandate.rum} suspendu" if mandate and mandate.suspended_on else ""
    return AuditEvent(
        at=now,
        actor=actor,
        action="payment.direct_debit_rejected",
        summary=(
            f"Prélèvement de la facture {rejection.invoice_number} rejeté le "
            f"{numeric_day_fr(rejection.rejected_on)}, motif {rejection.reason_text} : "
            f"{rejection.amount.format_fr()} de nouveau à payer{suspended}"
        ),
        details={
            "invoice": rejection.invoice_number,
            "reason": rejection.reason,
            "rejected_on": rejection.rejected_on.isoformat(),
            "amount_cents": rejection.amount.cents,
            "mandate": mandate.rum if mandate else None,
            "emailed": rejection.emailed_to is not None,
        },
        family_id=rejection.family_id,
    )


def rejection_email(
    rejection: DebitRejection, commune: Commune | None, invoice_url: str, now: pendulum.DateTime
) -> OutgoingEmail:
    """The family is told the debit failed, why, what is due, and how to pay it now."""
    assert rejection.emailed_to is not None  # noqa: S101  (the caller checked)
    return OutgoingEmail(
        rejection.emailed_to,
        "direct_debit_rejected",
        {
            "commune": commune.name if commune else "la commune",
            "family": rejection.family_name,
            "invoice": rejection.invoice_number,
            "amount": rejection.amount.format_fr(),
            "due": rejection.invoice_balance.format_fr(),
            "reason_code": rejection.reason,
            "reason": REJECTION_REASONS.get(rejection.reason, "motif non précisé"),
            "rejected_on": day_fr(rejection.rejected_on),
            "invoice_url": invoice_url,
            "online": "oui" if commune and commune.online_payment.enabled else "",
            "contact_email": commune.contact_email if commune else "",
            "contact_phone": commune.contact_phone_text if commune else "",
        },
        created_at=now,
        family_id=rejection.family_id,
    )


def mandate_resumed(
    family_id: int,
    family_name: str,
    previous: SepaMandate,
    *,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """The desk decided the family's invoices are debited again after a rejection."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="family.mandate_resume",
        summary=(
            f"Mandat de prélèvement {previous.rum} repris pour {family_name} (suspendu le "
            f"{numeric_day_fr(previous.suspended_on or now.date())} : {previous.suspension})"
        ),
        details={
            "changes": {
                "mandate.suspended_on": [
                    previous.suspended_on.isoformat() if previous.suspended_on else None,
                    None,
                ]
            }
        },
        family_id=family_id,
    )
