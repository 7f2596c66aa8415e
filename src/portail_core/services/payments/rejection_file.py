"""The bank's return file (pain.002 or camt.054): every debit it rejects or returns is recorded as
the desk would by hand (``rejections.reject_direct_debit``), each in its own transaction, so
that one line the portal cannot match leaves the others recorded. Reading the same file again
changes nothing: the rejections already recorded are reported as such."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.payments.debit_returns import ReturnedDebit
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.payments.rejections import (
    AlreadyRejected,
    DebitRejection,
    reject_direct_debit,
)

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWorkFactory

__all__ = ["ReturnLine", "ReturnOutcome", "reject_returned_debits"]


class ReturnOutcome(enum.Enum):
    RECORDED = "enregistré"
    ALREADY_RECORDED = "déjà enregistré"
    REFUSED = "non enregistré"


@frozen
class ReturnLine:
    """What became of one rejected debit of the file."""

    returned: ReturnedDebit
    outcome: ReturnOutcome
    rejection: DebitRejection | None = None  # when recorded now
    message: str = ""  # why not (French), when not recorded now


def reject_returned_debits(
    uow: UnitOfWorkFactory,
    clock: Clock,
    returns: Sequence[ReturnedDebit],
    *,
    actor: Actor,
    public_url: str,
) -> list[ReturnLine]:
    """Record each rejection of the bank's file; what became of each, in the file's order."""
    lines = []
    for returned in returns:
        try:
            rejection = reject_direct_debit(
                uow(),
                clock,
                invoice_number=returned.invoice_number,
                reason=returned.reason,
                actor=actor,
                public_url=public_url,
                rejected_on=returned.rejected_on,
                amount=returned.amount,
            )
        except AlreadyRejected as error:
            lines.append(
                ReturnLine(returned, ReturnOutcome.ALREADY_RECORDED, message=error.message)
            )
        except (InvalidInput, NotFound, RuleViolation) as error:
            lines.append(ReturnLine(returned, ReturnOutcome.REFUSED, message=error.message))
        else:
            lines.append(ReturnLine(returned, ReturnOutcome.RECORDED, rejection))
    return lines
