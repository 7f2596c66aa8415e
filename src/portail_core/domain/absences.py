"""Absences signalled by a family or the desk, justified or not."""

from __future__ import annotations

import enum
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.audit import Actor
from portail_core.domain.shared.instants import as_utc

__all__ = ["Absence", "AbsenceReason"]


class AbsenceReason(enum.Enum):
    ILLNESS = "maladie"
    FAMILY = "familiale"  # a family event: never justifies on its own
    OTHER = "autre"

    @property
    def label(self) -> str:
        return {
            AbsenceReason.ILLNESS: "maladie",
            AbsenceReason.FAMILY: "raison familiale",
            AbsenceReason.OTHER: "autre raison",
        }[self]


@frozen
class Absence:
    """An absence signalled by the family or the desk, from ``first_day`` to ``last_day``.

    It is justified (billed by the unit's rule for justified absences) when staff accepted it as
    such: an illness with a medical certificate, typically.
    """

    family_id: int
    child_id: int
    first_day: date
    last_day: date
    reason: AbsenceReason
    declared_at: pendulum.DateTime = field(converter=as_utc)
    declared_by: Actor
    certificate_file: str | None = None  # the medical certificate in the document store
    justified: bool = False
    id: int | None = field(default=None, kw_only=True, eq=False)

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def months(self) -> tuple[str, ...]:
        """The months its days fall in, named as invoices name them ("2026-09"), in order."""
        year, month = self.first_day.year, self.first_day.month
        found = []
        while (year, month) <= (self.last_day.year, self.last_day.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(found)

    def family_withdrawal_refusal(self, today: date) -> str | None:
        """Why the family may no longer withdraw it, or None when it may.

        A family withdraws an absence signalled by mistake while its first day is still to come
        (after ``today``) and the desk has not justified it; afterwards only the desk does.
        """
        if self.justified:
            return (
                "Cette absence est justifiée par le guichet unique : seul le guichet peut "
                "retirer ce signalement."
            )
        if self.first_day <= today:
            started = "a commencé" if self.last_day >= today else "est passée"
            return (
                f"Cette absence {started} : un signalement ne se retire en ligne qu'avant son "
                "premier jour. Adressez-vous au guichet unique."
            )
        return None

    def family_may_withdraw(self, today: date) -> bool:
        """True while the family may still withdraw it (see ``family_withdrawal_refusal``)."""
        return self.family_withdrawal_refusal(today) is None
