"""Fair allocation's campaigns, requests and decisions."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from adapters.persistence.reference import ReferenceVersion, SharedReferenceVersion, kept
from adapters.persistence.tables import (
    allocation_campaigns,
    allocation_decisions,
    allocation_requests,
    waiting_entries,
)
from portail_core.domain.allocation import (
    RULES_REFUSAL,
    AllocationRequest,
    Campaign,
    CampaignSettings,
    Decision,
    DrawInputs,
    Outcome,
    Wish,
)
from portail_core.domain.bookings.reservation import PlaceKey, Slot, WaitingEntry

__all__ = ["SqlAllocationRepositories", "SqlAllocationRepository"]


def _campaign(row: Row[Any]) -> Campaign:
    settings = CampaignSettings(
        row.code,
        row.label,
        row.establishment_code,
        row.first_day,
        row.last_day,
        row.requests_from,
        row.requests_until,
        tuple(p for p in row.priorities.split(",") if p),
        row.max_days_per_child,
    )
    return Campaign(
        settings,
        row.seed,
        row.opened_at,
        row.drawn_at,
        row.published_at,
        _inputs(row.draw_inputs) if "draw_inputs" in row._fields else None,
        id=row.id,
    )


def _inputs(stored: Any) -> DrawInputs | None:
    if stored is None:
        return None
    capacity = {
        PlaceKey(code, unit, date.fromisoformat(day), group): places
        for code, unit, day, group, places in stored["capacity"]
    }
    booked: dict[int, set[Slot]] = {}
    for child_id, day, unit in stored["booked"]:
        booked.setdefault(child_id, set()).add(Slot(date.fromisoformat(day), unit))
    wishes = tuple(
        Wish(
            family_id,
            child_id,
            PlaceKey(code, unit, date.fromisoformat(day), group),
            preference,
            RULES_REFUSAL if refused else "",
        )
        for family_id, child_id, code, unit, day, group, preference, refused in stored.get(
            "wishes", []
        )
    )
    return DrawInputs(
        capacity,
        {c: frozenset(s) for c, s in booked.items()},
        wishes,
        {int(family_id): int(rank) for family_id, rank in stored.get("classes", [])},
        {unit: frozenset(others) for unit, others in stored.get("incompatible", [])},
        stored.get("max_days_per_child"),
    )


def _stored_inputs(inputs: DrawInputs | None) -> dict[str, Any] | None:
    if inputs is None:
        return None
    return {
        "capacity": [
            [p.establishment_code, p.unit_code, p.day.isoformat(), p.age_group, places]
            for p, places in sorted(inputs.capacity.items())
        ],
        "booked": [
            [child_id, s.day.isoformat(), s.unit_code]
            for child_id, slots in sorted(inputs.booked.items())
            for s in sorted(slots)
        ],
        "wishes": [
            [
                w.family_id,
                w.child_id,
                w.place.establishment_code,
                w.place.unit_code,
                w.place.day.isoformat(),
                w.place.age_group,
                w.preference,
                bool(w.refusal),
            ]
            for w in inputs.wishes
        ],
        "classes": sorted([f, rank] for f, rank in inputs.classes.items()),
        "incompatible": [[u, sorted(others)] for u, others in sorted(inputs.incompatible.items())],
        "max_days_per_child": inputs.max_days_per_child,
    }


_WITHOUT_INPUTS = [c for c in allocation_campaigns.c if c.name != "draw_inputs"]


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    """Its columns; the draw's snapshot only when the campaign carries one (a campaign read
    without it keeps the one stored)."""
    s = campaign.settings
    snapshot = (
        {}
        if campaign.draw_inputs is None
        else {"draw_inputs": _stored_inputs(campaign.draw_inputs)}
    )
    return {
        "code": s.code,
        "label": s.label,
        "establishment_code": s.establishment_code,
        "first_day": s.first_day,
        "last_day": s.last_day,
        "requests_from": s.requests_from,
        "requests_until": s.requests_until,
        "priorities": ",".join(s.priorities),
        "max_days_per_child": s.max_days_per_child,
        "seed": campaign.seed,
        "opened_at": campaign.opened_at,
        "drawn_at": campaign.drawn_at,
        "published_at": campaign.published_at,
        **snapshot,
    }


class SqlAllocationRepository:
    """The campaigns are reference data (every booking grid asks whether a campaign holds its
    days): each process keeps them with the catalogue, under the same token (``reference.py``);
    every change to a campaign writes a new token."""

    def __init__(self, connection: Connection, version: ReferenceVersion | None = None) -> None:
        self._connection = connection
        self._version = version or ReferenceVersion(connection)

    def campaign(
        self,
        code: str,
        *,
        for_update: bool = False,
        for_share: bool = False,
        with_inputs: bool = False,
    ) -> Campaign | None:
        columns = allocation_campaigns.c if with_inputs else _WITHOUT_INPUTS
        query = select(*columns).where(allocation_campaigns.c.code == code)
        if for_update or for_share:  # FOR UPDATE / FOR SHARE; SQLite writers are serialised
            query = query.with_for_update(read=not for_update)
        row = self._connection.execute(query).first()
        return None if row is None else _campaign(row)

    def campaigns(self) -> list[Campaign]:
        token = self._version.current()
        found: tuple[Campaign, ...] | None = kept(token, "campaigns")
        if found is None:
            c = allocation_campaigns.c
            query = select(*_WITHOUT_INPUTS).order_by(c.first_day, c.code)
            read = tuple(_campaign(row) for row in self._connection.execute(query))
            found = self._version.read_under(token, "campaigns", read)
        return [copy.copy(campaign) for campaign in found]

    def add_campaign(self, campaign: Campaign) -> None:
        self._version.renew()
        statement = insert(allocation_campaigns).values(**_campaign_row(campaign))
        campaign.id = self._connection.execute(
            statement.returning(allocation_campaigns.c.id)
        ).scalar_one()

    def update_campaign(self, campaign: Campaign) -> None:
        self._version.renew()
        self._connection.execute(
            update(allocation_campaigns)
            .where(allocation_campaigns.c.code == campaign.code)
            .values(**_campaign_row(campaign))
        )

    def remove_campaign(self, code: str) -> None:
        found = self._id(code)
        if found is None:
            return
        self._version.renew()
        for table in (allocation_decisions, allocation_requests):
            self._connection.execute(delete(table).where(table.c.campaign_id == found))
        self._connection.execute(
            delete(allocation_campaigns).where(allocation_campaigns.c.id == found)
        )

    def requests(self, code: str) -> list[AllocationRequest]:
        return self._requests(code, None)

    def requests_of_family(self, code: str, family_id: int) -> list[AllocationRequest]:
        return self._requests(code, family_id)

    def replace_requests(
        self, code: str, child_id: int, requests: Sequence[AllocationRequest]
    ) -> None:
        found = self._required_id(code)
        r = allocation_requests.c
        self._connection.execute(
            delete(allocation_requests).where(r.campaign_id == found, r.child_id == child_id)
        )
        if requests:
            self._connection.execute(
                insert(allocation_requests),
                [
                    {
                        "campaign_id": found,
                        "family_id": q.family_id,
                        "child_id": q.child_id,
                        "unit_code": q.slot.unit_code,
                        "day": q.slot.day,
                        "preference": q.preference,
                        "requested_at": q.requested_at,
                    }
                    for q in requests
                ],
            )

    def save_decisions(self, code: str, decisions: Sequence[Decision]) -> None:
        found = self._required_id(code)
        rows = [
            {
                "campaign_id": found,
                "position": position,
                "family_id": d.wish.family_id,
                "child_id": d.wish.child_id,
                "establishment_code": d.wish.place.establishment_code,
                "unit_code": d.wish.place.unit_code,
                "day": d.wish.place.day,
                "age_group": d.wish.place.age_group,
                "preference": d.wish.preference,
                "outcome": d.outcome.value,
                "priority_class": d.priority_class,
                "draw_rank": d.draw_rank,
                "waiting_rank": d.waiting_rank,
                "rule_refusal": d.wish.refusal,
                "reason": d.reason,
            }
            for position, d in enumerate(decisions, 1)
        ]
        if rows:
            self._connection.execute(insert(allocation_decisions), rows)

    def decisions(self, code: str, family_id: int | None = None) -> list[Decision]:
        found = self._id(code)
        if found is None:
            return []
        d = allocation_decisions.c
        query = select(allocation_decisions).where(d.campaign_id == found)
        if family_id is not None:
            query = query.where(d.family_id == family_id)
        return [_decision(row) for row in self._connection.execute(query.order_by(d.position))]

    def add_waiting_entries(self, entries: Sequence[WaitingEntry]) -> None:
        if not entries:
            return
        self._connection.execute(
            insert(waiting_entries),
            [
                {
                    "family_id": e.family_id,
                    "child_id": e.child_id,
                    "establishment_code": e.establishment_code,
                    "unit_code": e.unit_code,
                    "day": e.day,
                    "age_group": e.age_group,
                    "joined_at": e.joined_at,
                    "status": e.status.value,
                    "offer_expires_at": e.offer_expires_at,
                }
                for e in entries
            ],
        )

    def delete_of_family(self, family_id: int) -> None:
        for table in (allocation_decisions, allocation_requests):
            self._connection.execute(delete(table).where(table.c.family_id == family_id))

    def _requests(self, code: str, family_id: int | None) -> list[AllocationRequest]:
        found = self._id(code)
        if found is None:
            return []
        r = allocation_requests.c
        query = select(allocation_requests).where(r.campaign_id == found)
        if family_id is not None:
            query = query.where(r.family_id == family_id)
        query = query.order_by(r.family_id, r.child_id, r.preference)
        return [
            AllocationRequest(
                code,
                row.family_id,
                row.child_id,
                Slot(row.day, row.unit_code),
                row.preference,
                row.requested_at,
            )
            for row in self._connection.execute(query)
        ]

    def _id(self, code: str) -> int | None:
        query = select(allocation_campaigns.c.id).where(allocation_campaigns.c.code == code)
        found: int | None = self._connection.execute(query).scalar_one_or_none()
        return found

    def _required_id(self, code: str) -> int:
        found = self._id(code)
        if found is None:
            raise LookupError(code)
        return found


def _decision(row: Row[Any]) -> Decision:
    wish = Wish(
        row.family_id,
        row.child_id,
        PlaceKey(row.establishment_code, row.unit_code, row.day, row.age_group),
        row.preference,
        row.rule_refusal,
    )
    return Decision(
        wish, Outcome(row.outcome), row.priority_class, row.draw_rank, row.waiting_rank, row.reason
    )


class SqlAllocationRepositories(SharedReferenceVersion):
    """The repositories a unit of work gives on its transaction."""

    @property
    def allocations(self) -> SqlAllocationRepository:
        return SqlAllocationRepository(self.connection(), self.reference_version())
