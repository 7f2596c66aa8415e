"""The menus' audit entries, in French; never a health value."""

from __future__ import annotations

from collections.abc import Sequence

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.dossiers.child import Child
from portail_core.domain.menus import WeekMenu
from portail_core.domain.shared.french_dates import day_fr

__all__ = ["allergens_read", "menus_imported"]


def menus_imported(
    weeks: Sequence[WeekMenu], replaced: int, actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    restaurants = sorted({w.establishment_code for w in weeks})
    first, last = min(w.monday for w in weeks), max(w.monday for w in weeks)
    return AuditEvent(
        at=now,
        actor=actor,
        action="menus.import",
        summary=f"Menus importés : {len(weeks)} semaine(s) de {', '.join(restaurants)}, "
        f"du {day_fr(first)} à la semaine du {day_fr(last)} ({replaced} remplacée(s))",
        details={
            "weeks": [[w.establishment_code, w.monday.isoformat()] for w in weeks],
            "dishes": sum(w.dish_count for w in weeks),
            "replaced": replaced,
        },
    )


def allergens_read(
    family_id: int, children: Sequence[Child], actor: Actor, now: pendulum.DateTime
) -> AuditEvent:
    """The menus page highlighted these children's allergens: a health read."""
    return AuditEvent(
        at=now,
        actor=actor,
        action="child.health_read",
        summary="Allergies consultées avec les menus : "
        + ", ".join(child.first_name for child in children),
        details={"children": [child.id for child in children], "page": "menus"},
        family_id=family_id,
    )
