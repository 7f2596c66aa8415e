"""The catalogue repository (schools, establishments and units, matched by code) and the imported
official school calendars. Each process keeps the last ones it read (see ``reference.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from adapters.persistence.codec import domain_codec
from adapters.persistence.reference import (
    ReferenceVersion,
    SharedReferenceVersion,
    kept,
    own_copy,
)
from adapters.persistence.tables import (
    establishments,
    school_holidays,
    school_map,
    schools,
    units,
)
from portail_core.domain.catalogue.establishments import (
    Catalogue,
    Closure,
    Establishment,
    School,
    ServiceKind,
    Unit,
)
from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.catalogue.school_map import SchoolMap
from portail_core.domain.communes import SchoolZone

__all__ = ["SqlCatalogueRepositories", "SqlCatalogueRepository", "SqlSchoolCalendarRepository"]


class SqlCatalogueRepository:
    def __init__(self, connection: Connection, version: ReferenceVersion | None = None) -> None:
        self._connection = connection
        self._version = version or ReferenceVersion(connection)

    def get(self) -> Catalogue:
        token = self._version.current()
        found: Catalogue | None = kept(token, "catalogue")
        if found is not None:
            return own_copy(found)
        return self._version.read_under(token, "catalogue", self._read())

    def _read(self) -> Catalogue:
        codec = domain_codec()
        school_rows = self._connection.execute(
            select(schools).where(schools.c.active).order_by(schools.c.position)
        ).all()
        codes = {row.id: row.code for row in school_rows}
        unit_rows = self._connection.execute(
            select(units.c.establishment_id, units.c.definition)
            .where(units.c.active)
            .order_by(units.c.establishment_id, units.c.position)
        ).all()
        units_of: dict[int, list[Unit]] = {}
        for row in unit_rows:
            units_of.setdefault(row.establishment_id, []).append(
                codec.structure(row.definition, Unit)
            )
        establishment_rows = self._connection.execute(
            select(establishments)
            .where(establishments.c.active)
            .order_by(establishments.c.position)
        ).all()
        return Catalogue(
            schools=tuple(School(row.code, row.name, row.address) for row in school_rows),
            establishments=tuple(
                Establishment(
                    code=row.code,
                    name=row.name,
                    kind=ServiceKind(row.kind),
                    address=row.address,
                    contact_email=row.contact_email,
                    units=tuple(units_of.get(row.id, ())),
                    school_code=codes.get(row.school_id) if row.school_id else None,
                    closures=codec.structure(row.closures, tuple[Closure, ...]),
                    regulation=row.regulation,
                    contact_phone=row.contact_phone,
                    opening_hours=row.opening_hours,
                    id=row.id,
                )
                for row in establishment_rows
            ),
            school_map=self._school_map(),
        )

    def _school_map(self) -> SchoolMap:
        stored = self._connection.execute(select(school_map.c.definition)).scalar_one_or_none()
        return SchoolMap() if stored is None else domain_codec().structure(stored, SchoolMap)

    def replace(self, catalogue: Catalogue) -> None:
        self._version.renew()
        school_ids = self._upsert(
            schools,
            {
                s.code: {"name": s.name, "address": s.address, "position": position}
                for position, s in enumerate(catalogue.schools)
            },
        )
        codec = domain_codec()
        establishment_ids = self._upsert(
            establishments,
            {
                e.code: {
                    "name": e.name,
                    "kind": e.kind.value,
                    "address": e.address,
                    "contact_email": e.contact_email,
                    "school_id": school_ids.get(e.school_code) if e.school_code else None,
                    "closures": codec.unstructure(e.closures, tuple[Closure, ...]),
                    "regulation": e.regulation,
                    "contact_phone": e.contact_phone,
                    "opening_hours": e.opening_hours,
                    "position": position,
                }
                for position, e in enumerate(catalogue.establishments)
            },
        )
        for establishment in catalogue.establishments:
            establishment_id = establishment_ids[establishment.code]
            self._upsert(
                units,
                {
                    u.code: {
                        "label": u.label,
                        "position": position,
                        "definition": codec.unstructure(u, Unit),
                    }
                    for position, u in enumerate(establishment.units)
                },
                scope={"establishment_id": establishment_id},
            )
        self._connection.execute(delete(school_map))
        if catalogue.school_map != SchoolMap():
            definition = codec.unstructure(catalogue.school_map, SchoolMap)
            self._connection.execute(insert(school_map).values(id=1, definition=definition))
        for establishment_id in self._ids_of_archived_establishments(establishment_ids):
            self._connection.execute(
                update(units)
                .where(units.c.establishment_id == establishment_id)
                .values(active=False)
            )

    def _upsert(
        self, table: Any, wanted: dict[str, dict[str, Any]], scope: dict[str, Any] | None = None
    ) -> dict[str, int]:
        """Insert, update or archive the rows of ``table`` (within ``scope``) by code."""
        scope = scope or {}
        conditions = [table.c[name] == value for name, value in scope.items()]
        existing = {
            row.code: row.id
            for row in self._connection.execute(select(table.c.id, table.c.code).where(*conditions))
        }
        ids: dict[str, int] = {}
        for code, values in wanted.items():
            if code in existing:
                ids[code] = existing[code]
                self._connection.execute(
                    update(table).where(table.c.id == existing[code]).values(active=True, **values)
                )
            else:
                statement = insert(table).values(code=code, active=True, **scope, **values)
                ids[code] = self._connection.execute(statement.returning(table.c.id)).scalar_one()
        gone = [row_id for code, row_id in existing.items() if code not in wanted]
        if gone:
            self._connection.execute(update(table).where(table.c.id.in_(gone)).values(active=False))
        return ids

    def _ids_of_archived_establishments(self, kept: dict[str, int]) -> list[int]:
        rows = self._connection.execute(select(establishments.c.id).where(~establishments.c.active))
        return [row.id for row in rows if row.id not in kept.values()]


class SqlSchoolCalendarRepository:
    def __init__(self, connection: Connection, version: ReferenceVersion | None = None) -> None:
        self._connection = connection
        self._version = version or ReferenceVersion(connection)

    def imported(self) -> SchoolCalendar:
        token = self._version.current()
        found: SchoolCalendar | None = kept(token, "imported")
        if found is not None:
            return found  # frozen, all the way down
        return self._version.read_under(token, "imported", self._read())

    def _read(self) -> SchoolCalendar:
        rows = self._connection.execute(select(school_holidays))
        return SchoolCalendar(
            tuple(
                SchoolHoliday(
                    zone=SchoolZone(row.zone),
                    school_year=row.school_year,
                    name=row.name,
                    first_day=row.first_day,
                    resume_day=row.resume_day,
                )
                for row in rows
            )
        )

    def replace_years(self, calendar: SchoolCalendar) -> None:
        self._version.renew()
        years = {(h.zone.value, h.school_year) for h in calendar.holidays}
        self._connection.execute(
            delete(school_holidays).where(
                or_(
                    *(
                        and_(school_holidays.c.zone == zone, school_holidays.c.school_year == year)
                        for zone, year in years
                    )
                )
            )
        )
        self._connection.execute(
            insert(school_holidays),
            [
                {
                    "zone": h.zone.value,
                    "school_year": h.school_year,
                    "name": h.name,
                    "first_day": h.first_day,
                    "resume_day": h.resume_day,
                }
                for h in calendar.holidays
            ],
        )


class SqlCatalogueRepositories(SharedReferenceVersion):
    """The repositories a unit of work gives on its transaction."""

    @property
    def catalogue(self) -> SqlCatalogueRepository:
        return SqlCatalogueRepository(self.connection(), self.reference_version())

    @property
    def school_calendars(self) -> SqlSchoolCalendarRepository:
        return SqlSchoolCalendarRepository(self.connection(), self.reference_version())
