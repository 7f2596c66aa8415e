"""What a child consumed in a month, from the reservations, the staff's attendance record
(pointage) and the absences the family or the desk declared, and what each state costs.

The states (``ConsumptionState``) and the per-unit billing rule (``BillingRules``) are the whole
of "what is billed": billing only multiplies what this module decides by the tariff.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date

from attrs import field, frozen

from portail_core.domain.absences import Absence
from portail_core.domain.attendance import AttendanceMark, Presence

__all__ = ["BillingRules", "Consumption", "ConsumptionState", "Pricing", "consumptions_of"]


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
