"""What the allocation use cases return: plain frozen views for pages and commands.

The façade is ``portail.allocation`` (``AllocationUseCases``). Names follow the contract with
the families' pages; the one addition: ``FamilyCampaign.requested`` (how many days the family
asked for) and ``RequestForm.cells`` (each day x unit the child may ask for, or why not).
A slot asked for is a ``Slot`` (day, unit code) of ``portail_core.domain.bookings``.

Staff: ``open(code)`` returns the ``Campaign`` (domain), ``status(code)`` a ``CampaignStatus``,
``draw(code, dry_run=...)`` a ``DrawReport``, ``publish(code)`` a ``PublishReport``; each takes
an optional ``actor``. ``campaigns()`` lists every campaign. The draw stores the decisions only;
publishing writes the reservations and waiting-list entries (so that nothing shows to families
before), reveals the seed and e-mails each family.
"""

from __future__ import annotations

from datetime import date

import pendulum
from attrs import frozen

from portail_core.domain.allocation import CampaignState, Outcome
from portail_core.domain.bookings.reservation import Slot

__all__ = [
    "CampaignState",
    "CampaignStatus",
    "ChildChoice",
    "ClassCount",
    "DayDemand",
    "DrawReport",
    "FamilyCampaign",
    "FormCell",
    "Outcome",
    "PublishReport",
    "RequestForm",
    "RequestOutcome",
]


@frozen
class ChildChoice:
    child_id: int
    first_name: str
    full_name: str


@frozen
class FamilyCampaign:
    code: str
    label: str
    establishment_code: str
    establishment_name: str
    first_day: date
    last_day: date
    requests_from: pendulum.DateTime  # Paris time
    requests_until: pendulum.DateTime  # Paris time
    state: CampaignState
    seed_hash: str  # SHA-256 of the seed, hex: public from the start
    seed: str | None  # hex, None until published
    children: tuple[ChildChoice, ...]  # the family's children who may ask
    requested: int = 0  # days the family asked for, all children together
    max_days_per_child: int | None = None
    # the commune's classes of priority in order, in French: « 1 : habite la commune »...
    priorities: tuple[str, ...] = ()


@frozen
class FormCell:
    """One day x unit of the request form: may it be asked for, and if not why."""

    slot: Slot
    unit_label: str
    available: bool
    reason: str  # "" when available


@frozen
class RequestForm:
    campaign: FamilyCampaign
    child: ChildChoice
    days: tuple[date, ...]  # the days with at least one cell available, in order
    units: tuple[tuple[str, str], ...]  # (code, label) of the establishment's units
    cells: tuple[FormCell, ...]  # by day then unit
    requests: tuple[Slot, ...]  # the child's current requests, the preferred first
    editable: bool  # only while the window is open


@frozen
class RequestOutcome:
    child_id: int
    child_name: str
    slot: Slot
    unit_label: str
    preference: int  # 1 = the family's first choice for this child
    outcome: Outcome
    priority_class: int  # 1 = the first class of the commune's rules
    draw_rank: int  # the family's rank in its class's lottery (1 = first drawn)
    waiting_rank: int | None  # its place on the waiting list when it waits
    explanation: str  # « priorité 2, rang 37 au tirage : place attribuée »


@frozen
class ClassCount:
    priority_class: int
    label: str  # « 1 : habite la commune »
    families: int
    requests: int


@frozen
class DayDemand:
    slot: Slot
    unit_label: str
    demand: int  # requests for it
    capacity: int | None  # places left before the draw; None: unlimited


@frozen
class CampaignStatus:
    campaign: FamilyCampaign  # children is empty here
    families: int
    children: int
    requests: int
    classes: tuple[ClassCount, ...]
    days: tuple[DayDemand, ...]
    drawn_at: pendulum.DateTime | None
    published_at: pendulum.DateTime | None


@frozen
class DrawReport:
    code: str
    dry_run: bool
    granted: int
    waiting: int
    refused: int
    outcomes: tuple[RequestOutcome, ...]
    # dry run after a draw: does the recomputation match what is stored? None before a draw
    matches: bool | None = None
    families_erased: int = 0  # dry run after a draw: families erased since, left out


@frozen
class PublishReport:
    code: str
    seed: str
    families_emailed: int
