"""The bank's return file of a direct debit batch, as the core sees it: the debits the families'
banks rejected (pain.002, before settlement) or returned (camt.054, after it), each with the
SEPA reason code, read by ``adapters.direct_debit.returns``."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.shared.money import Money

__all__ = ["DebitReturnFile", "ReturnedDebit"]


@frozen
class ReturnedDebit:
    """One debit of the file that the bank rejected or returned."""

    invoice_number: str  # the end-to-end identifier the export gave the debit
    reason: str  # the SEPA reason code as the bank wrote it: "AM04"
    amount: Money | None  # the amount of the debit, when the file gives it
    rejected_on: date  # the bank's date (booking date of the return, or of the report)
    where: str  # where it is in the file, in French: "opération n° 2"


@frozen
class DebitReturnFile:
    """What the file says: its kind (« pain.002 », « camt.054 »), the debits rejected or
    returned, and how many of its operations were not rejections (accepted debits, other
    bookings), which the portal leaves alone."""

    kind: str
    returns: tuple[ReturnedDebit, ...]
    others: int = 0
