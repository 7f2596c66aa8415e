"""Planning summaries (« Valider le planning »), kept to be confirmed."""

from __future__ import annotations

from typing import Any

import pendulum
from sqlalchemy import (
    Connection,
    Row,
    delete,
    insert,
    select,
    update,
)

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import (
    planning_drafts,
)
from portail_core.domain.bookings.selection import PlanningDraft, Selection, Summary

__all__ = ["SqlPlanningDraftRepository"]


def _draft(row: Row[Any]) -> PlanningDraft:
    codec = domain_codec()
    return PlanningDraft(
        token=row.token,
        family_id=row.family_id,
        child_id=row.child_id,
        establishment_code=row.establishment_code,
        selection=codec.structure(row.selection, Selection),
        created_at=row.created_at,
        summary=None if row.summary is None else codec.structure(row.summary, Summary),
        confirmation=row.confirmation,
        confirmed_at=row.confirmed_at,
        outcome=None if row.outcome is None else codec.structure(row.outcome, Summary),
    )


class SqlPlanningDraftRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, draft: PlanningDraft) -> None:
        codec = domain_codec()
        self._connection.execute(
            insert(planning_drafts).values(
                token=draft.token,
                family_id=draft.family_id,
                child_id=draft.child_id,
                establishment_code=draft.establishment_code,
                selection=codec.unstructure(draft.selection),
                created_at=draft.created_at,
                summary=None if draft.summary is None else codec.unstructure(draft.summary),
            )
        )

    def get(self, token: str, *, for_update: bool = False) -> PlanningDraft | None:
        query = select(planning_drafts).where(planning_drafts.c.token == token)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _draft(row)

    def purge(self, created_before: pendulum.DateTime) -> int:
        statement = delete(planning_drafts).where(planning_drafts.c.created_at < created_before)
        return self._connection.execute(statement).rowcount

    def delete_of_family(self, family_id: int) -> int:
        statement = delete(planning_drafts).where(planning_drafts.c.family_id == family_id)
        return self._connection.execute(statement).rowcount

    def update(self, draft: PlanningDraft) -> None:
        outcome = None if draft.outcome is None else domain_codec().unstructure(draft.outcome)
        self._connection.execute(
            update(planning_drafts)
            .where(planning_drafts.c.token == draft.token)
            .values(
                confirmation=draft.confirmation,
                confirmed_at=draft.confirmed_at,
                outcome=outcome,
            )
        )
