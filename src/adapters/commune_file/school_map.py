"""The ``[school_map]`` table of the commune file, read into the domain's school map."""

from __future__ import annotations

from adapters.commune_file.model import FileSchoolMap
from portail_core.domain.catalogue.school_map import SchoolMap, Sector

__all__ = ["school_map_of"]


def school_map_of(table: FileSchoolMap | None) -> SchoolMap:
    """The map the table describes (empty without the table); checked with the catalogue."""
    if table is None:
        return SchoolMap()
    return SchoolMap(
        sectors=tuple(Sector(s.school, s.street, s.from_, s.to, s.side) for s in table.sectors),
        postcodes=tuple(code.strip() for code in table.postcodes),
    )
