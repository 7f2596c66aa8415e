"""What the catalogue's use cases write in French: their audit entries."""

from __future__ import annotations

from collections.abc import Sequence

import pendulum

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.catalogue.establishments import CatalogueChanges
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import SchoolZone

__all__ = ["catalogue_loaded", "school_calendar_imported"]


def catalogue_loaded(changes: CatalogueChanges, actor: Actor, now: pendulum.DateTime) -> AuditEvent:
    counts = f"{len(changes.added)} ajoutée(s), {len(changes.updated)} modifiée(s), " + (
        f"{len(changes.archived)} archivée(s)"
    )
    return AuditEvent(
        at=now,
        actor=actor,
        action="catalogue.load",
        summary=f"Catalogue chargé : structures {counts}",
        details={
            "added": list(changes.added),
            "updated": list(changes.updated),
            "archived": list(changes.archived),
            "schools_changed": changes.schools_changed,
            "reordered": changes.reordered,
            "school_map_changed": changes.school_map_changed,
            "differences": changes.differences,
        },
    )


def school_calendar_imported(
    years: Sequence[tuple[SchoolZone, str]],
    before: SchoolCalendar,
    after: SchoolCalendar,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEvent:
    """The school ``years`` (zone, year) that ``after`` replaces, with their holidays in
    ``before`` (the calendar in force) and in ``after``."""
    described = [f"zone {zone.value} {year}" for zone, year in years]
    replaced = {
        f"zone {zone.value} {year}": {
            "before": _periods(before, zone, year),
            "after": _periods(after, zone, year),
        }
        for zone, year in years
    }
    return AuditEvent(
        at=now,
        actor=actor,
        action="calendar.import",
        summary=f"Calendrier scolaire importé : {', '.join(described)}",
        details={"years": described, "replaced": replaced},
    )


def _periods(calendar: SchoolCalendar, zone: SchoolZone, year: str) -> list[str]:
    return [
        f"{h.name} : du {h.first_day.isoformat()} à la reprise du {h.resume_day.isoformat()}"
        for h in calendar.of_zone(zone)
        if h.school_year == year
    ]
