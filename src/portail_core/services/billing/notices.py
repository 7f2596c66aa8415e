"""What the billing use cases write in French: the billing run's audit entry."""

from __future__ import annotations

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.shared.money import Money

__all__ = ["billing_run"]


def billing_run(
    month: str,
    *,
    new: int,
    corrected: int,
    unchanged: int,
    total: Money,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """The month's run: how many invoices it issued, corrected and left as they were."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="billing.run",
        summary=(
            f"Facturation de {month} : {new} facture(s), "
            f"{corrected} correction(s), "
            f"{unchanged} inchangée(s)"
        ),
        details={
            "month": month,
            "new": new,
            "corrected": corrected,
            "total_cents": total.cents,
        },
    )
