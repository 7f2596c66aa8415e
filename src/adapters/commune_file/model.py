"""The shape of the commune file, key for key (see the demo file for an example).

Field names ending in ``_`` are written without it in the file (``from``, ``to``).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import NewType

import pendulum
from attrs import Factory, define

from portail_core.domain.bookings.rules import Deadline, PromotionMode
from portail_core.domain.catalogue.establishments import DayKind, ServiceKind
from portail_core.domain.catalogue.school_map import MAX_HOUSE_NUMBER, Side
from portail_core.domain.shared.money import Money
from portail_core.domain.shared.weekdays import Weekday

OfferHours = NewType("OfferHours", int)
"""Hours a family has to accept a place offered from the waiting list (1 to 720)."""

CarenceDays = NewType("CarenceDays", int)
"""Days of a justified absence that are billed all the same (jours de carence, 0 to 31)."""

Phone = NewType("Phone", str)
"""A phone number as typed ("05 58 09 12 34"), read into its E.164 form."""


@define
class FileCommune:
    insee_code: str
    name: str
    school_zone: str
    contact_email: str
    school_weekdays: list[str] | None = None
    contact_address: str = ""  # the guichet unique's postal address, printed on invoices
    contact_phone: str = ""


@define
class FilePayfip:
    """``[payfip]``: the commune's PayFiP contract (online payment of invoices)."""

    numcli: str
    saisie: str = "T"
    enabled: bool = False  # offered to the families only once the town says so
    days_after_due: int = 0


@define
class FileLook:
    """``[look]``: the commune's main colour ("#RRGGBB") and logo (a path from the file)."""

    colour: str | None = None
    logo: str | None = None


@define
class FileSchool:
    code: str
    name: str
    address: str


@define
class FileClosure:
    from_: date
    to: date
    label: str


@define
class FileDeadlineOverride:
    from_: date
    to: date
    deadline: Deadline


@define
class FileWindow:
    from_: date
    to: date
    residents_from: pendulum.DateTime
    non_residents_from: pendulum.DateTime


@define
class FileBooking:
    booking_deadline: Deadline
    cancellation_deadline: Deadline
    booking_overrides: list[FileDeadlineOverride] = Factory(list)
    cancellation_overrides: list[FileDeadlineOverride] = Factory(list)
    windows: list[FileWindow] = Factory(list)
    waiting_list: PromotionMode = PromotionMode.AUTOMATIC
    offer_hours: OfferHours | None = None  # only with waiting_list = "offer"; 48 when absent
    unpaid_balance_limit: Money | None = None  # bookings refused while a family owes more


@define
class FileBilling:
    """What each consumption state costs (``domain.consumption.BillingRules``)."""

    justified_absence_billed_days: CarenceDays = CarenceDays(1)
    unjustified_absence_billed: bool = True
    unbooked_presence_surcharge: bool = True


@define
class FileBracket:
    resident: Money
    non_resident: Money
    qf_min: int = 0
    qf_max: int | None = None


@define
class FileTariff:
    valid_from: date
    brackets: list[FileBracket]
    valid_until: date | None = None
    pai_price: Money | None = None
    unbooked_surcharge: Money | None = None
    sibling_reductions: list[Decimal] = Factory(list)


@define
class FileAgeGroup:
    code: str
    label: str
    min_age: int
    max_age: int
    places: int


@define
class FileCapacityOverride:
    from_: date
    to: date
    places: int
    age_group: str | None = None


@define
class FileUnit:
    code: str
    label: str
    days: list[DayKind]
    start: time
    end: time
    weekdays: list[Weekday] | None = None
    meal: bool = False
    incompatible_with: list[str] = Factory(list)
    age_groups: list[FileAgeGroup] = Factory(list)
    places: int | None = None
    capacity_overrides: list[FileCapacityOverride] = Factory(list)
    requires_enrolment: bool = False
    tariffs: list[FileTariff] = Factory(list)
    booking: FileBooking | None = None
    billing: FileBilling | None = None


@define
class FileEstablishment:
    code: str
    name: str
    kind: ServiceKind
    address: str
    contact_email: str
    contact_phone: Phone | None = None  # shown on « Contacts et informations pratiques »
    opening_hours: str | None = None  # one line: "lundi-vendredi, 7h30-18h30"
    school: str | None = None
    closures: list[FileClosure] = Factory(list)
    regulation_version: str | None = None
    booking: FileBooking | None = None
    billing: FileBilling | None = None
    units: list[FileUnit] = Factory(list)


@define
class FileSector:
    """``[[school_map.sectors]]``: the numbers ``from`` to ``to`` of ``street``, on ``side``."""

    school: str
    street: str
    from_: int = 1
    to: int = MAX_HOUSE_NUMBER  # absent: every number from ``from`` on
    side: Side = Side.ALL


@define
class FileSchoolMap:
    """``[school_map]``: the carte scolaire (``postcodes``: the commune's, optional)."""

    postcodes: list[str] = Factory(list)
    sectors: list[FileSector] = Factory(list)


@define
class FileSma:
    """``[sma]``: the SMA commission's priority criteria, in order, and the waiting list's
    confirmation (every ``confirm_months`` months; dropped ``grace_days`` after the reminder)."""

    criteria: list[str] | None = None
    confirm_months: int = 6
    grace_days: int = 30


@define
class FileAllocation:
    """``[[allocations]]``: a period of a structure allocated by a draw (fair allocation)."""

    code: str
    label: str
    establishment: str
    first_day: date
    last_day: date
    requests_from: pendulum.DateTime  # Paris time
    requests_until: pendulum.DateTime
    priorities: list[str] = Factory(lambda: ["residence"])
    max_days_per_child: int | None = None


@define
class FileContent:
    commune: FileCommune | None
    payfip: FilePayfip | None = None
    look: FileLook | None = None
    schools: list[FileSchool] = Factory(list)
    establishments: list[FileEstablishment] = Factory(list)
    school_map: FileSchoolMap | None = None
    sma: FileSma | None = None
    allocations: list[FileAllocation] = Factory(list)
