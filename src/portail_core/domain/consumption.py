"""What a child consumed in a month, from the reservations, the staff's attendance record
(pointage) and the absences the family or the desk declared, and what each state costs.

The states (``ConsumptionState``) and the per-unit billing rule (``BillingRules``) are the whole
of "what is billed": billing only multiplies what this module decides by the tariff.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date

import pendulum
from attrs import field, frozen

from portail_core.domain.audit import Actor
from portail_core.domain.instants import as_utc

__all__ = [
    "Absence",
    "AbsenceReason",
    "AttendanceMark",
    "BillingRules",
    "Consumption",
    "ConsumptionState",
    "Presence",
    "Pricing",
    "consumptions_of",
]


class Presence(enum.Enum):
    """What staff record on the day (pointage)."""

    PRESENT = "present"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {Presence.PRESENT: "présent", Presence.ABSENT: "absent"}[self]


@frozen
class AttendanceMark:
    child_id: int
    establishment_code: str
    unit_code: str
    day: date
    presence: Presence
    recorded_at: pendulum.DateTime = field(converter=as_utc)
    recorded_by: str = ""


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


class ConsumptionState(enum.Enum):
    PRESENT = "present"  # booked and present (or booked and not recorded)
    ABSENT_JUSTIFIED = "absent_justified"
    ABSENT_UNJUSTIFIED = "absent_unjustified"
    PRESENT_UNBOOKED = "present_unbooked"
    CANCELLED_IN_TIME = "cancelled_in_time"

    @property
    def label(self) -> str:
        return {
            ConsumptionState.PRESENT: "présent",
            ConsumptionState.ABSENT_JUSTIFIED: "absence justifiée",
            ConsumptionState.ABSENT_UNJUSTIFIED: "absence non justifiée",
            ConsumptionState.PRESENT_UNBOOKED: "présent sans réservation",
            ConsumptionState.CANCELLED_IN_TIME: "annulé dans les délais",
        }[self]


class Pricing(enum.Enum):
    """How one consumption is priced."""

    NORMAL = "normal"  # the tariff's price for the family's bracket
    SURCHARGE = "surcharge"  # the tariff's price for presence without reservation
    FREE = "free"


@frozen
class BillingRules:
    """What each state costs for one unit (the commune file's ``billing`` table).

    Defaults are the common regulation: a justified absence (illness with a certificate) is
    billed for its first day only (jour de carence); an unjustified absence is billed; a
    presence without reservation is billed at the surcharge price; a cancellation in time is free.
    """

    justified_absence_billed_days: int = field(default=1)
    unjustified_absence_billed: bool = True
    unbooked_presence_surcharge: bool = True

    @justified_absence_billed_days.validator
    def _check_days(self, _: object, value: int) -> None:
        if not 0 <= value <= 31:
            raise ValueError("les jours de carence vont de 0 à 31")

    def describe(self) -> list[str]:
        days = self.justified_absence_billed_days
        justified = (
            "absence justifiée (maladie avec certificat) : non facturée"
            if days == 0
            else f"absence justifiée : {days} premier{'s' if days > 1 else ''} "
            f"jour{'s' if days > 1 else ''} facturé{'s' if days > 1 else ''}, puis gratuite"
        )
        unjustified = (
            "absence non justifiée : facturée"
            if self.unjustified_absence_billed
            else ("absence non justifiée : non facturée")
        )
        unbooked = (
            "présence sans réservation : tarif majoré"
            if self.unbooked_presence_surcharge
            else "présence sans réservation : tarif normal"
        )
        return [justified, unjustified, unbooked, "annulation dans les délais : gratuite"]


@frozen(order=True)
class Consumption:
    """One child, one unit, one day, in one state, priced as ``pricing``."""

    child_id: int
    establishment_code: str
    unit_code: str
    day: date
    state: ConsumptionState
    pricing: Pricing


_COMMON_RULES = BillingRules()  # for a unit the commune file gives no rule


def _key(child_id: int, establishment: str, unit: str, day: date) -> tuple[int, str, str, date]:
    return (child_id, establishment, unit, day)


def consumptions_of(
    booked: Iterable[tuple[int, str, str, date]],
    marks: Iterable[AttendanceMark],
    absences: Sequence[Absence],
    rules: dict[tuple[str, str], BillingRules],
) -> list[Consumption]:
    """The consumptions of one family's children from their booked slots (child, establishment,
    unit, day), the attendance marks and the absences, each priced by its unit's rule.

    A booked slot without a mark counts as attended (towns bill reservations), unless an
    absence covers it. The days of one justified absence are counted in order per unit: the
    first ``justified_absence_billed_days`` are billed, the next ones are free.
    """
    marked = {_key(m.child_id, m.establishment_code, m.unit_code, m.day): m for m in marks}
    found: list[Consumption] = []
    carence_used: dict[tuple[int | None, str, str], int] = {}
    attended = ConsumptionState.PRESENT, Pricing.NORMAL
    # Most slots have no mark and no absence: they are attended, with nothing to look up.
    for slot in sorted(set(booked)):
        mark = marked.pop(slot, None) if marked else None
        absence = _covering(absences, slot[0], slot[3]) if absences else None
        if mark is None and absence is None:
            found.append(Consumption(*slot, *attended))
            continue
        if mark is not None and mark.presence is Presence.PRESENT:
            found.append(Consumption(*slot, *attended))
            continue
        _, establishment, unit, _ = slot
        rule = rules.get((establishment, unit), _COMMON_RULES)
        if absence is not None and absence.justified:
            counter = (absence.id, establishment, unit)
            used = carence_used.get(counter, 0)
            carence_used[counter] = used + 1
            billed = used < rule.justified_absence_billed_days
            pricing = Pricing.NORMAL if billed else Pricing.FREE
            found.append(Consumption(*slot, ConsumptionState.ABSENT_JUSTIFIED, pricing))
        else:
            pricing = Pricing.NORMAL if rule.unjustified_absence_billed else Pricing.FREE
            found.append(Consumption(*slot, ConsumptionState.ABSENT_UNJUSTIFIED, pricing))
    unbooked = [(key, m) for key, m in marked.items() if m.presence is Presence.PRESENT]
    if not unbooked:  # the booked slots were taken in order: nothing to sort again
        return found
    for key, _ in unbooked:
        rule = rules.get((key[1], key[2]), _COMMON_RULES)
        pricing = Pricing.SURCHARGE if rule.unbooked_presence_surcharge else Pricing.NORMAL
        found.append(Consumption(*key, ConsumptionState.PRESENT_UNBOOKED, pricing))
    return sorted(found, key=_slot_of)


def _covering(absences: Sequence[Absence], child_id: int, day: date) -> Absence | None:
    """The first absence of the child covering that day."""
    return next((a for a in absences if a.child_id == child_id and a.covers(day)), None)


def _slot_of(consumption: Consumption) -> tuple[int, str, str, date]:
    """The slot, the order of a month's consumptions (cheaper than comparing whole objects)."""
    return (
        consumption.child_id,
        consumption.establishment_code,
        consumption.unit_code,
        consumption.day,
    )
