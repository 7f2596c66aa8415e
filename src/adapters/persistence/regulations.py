"""Published versions of the règlements intérieurs (never changed)."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import Connection, Row, insert, select

from adapters.persistence.tables import regulation_versions
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.dossiers.documents import DocumentFormat, StoredDocument
from portail_core.domain.regulations import RegulationVersion

__all__ = ["SqlRegulationRepositories", "SqlRegulationRepository"]


def regulation_from_row(row: Row[Any]) -> RegulationVersion:
    return RegulationVersion(
        row.establishment_code,
        row.version,
        row.title,
        row.effective_from,
        row.deadline,
        StoredDocument(
            file_id=row.file_id,
            format=DocumentFormat(row.format),
            size=row.size,
            sha256=row.sha256,
            original_name=row.original_name,
        ),
        row.published_at,
        row.published_by,
        id=row.id,
    )


def regulation_to_row(version: RegulationVersion) -> dict[str, object]:
    document = version.document
    return {
        "establishment_code": version.establishment_code,
        "version": version.version,
        "title": version.title,
        "effective_from": version.effective_from,
        "deadline": version.deadline,
        "file_id": document.file_id,
        "format": document.format.value,
        "size": document.size,
        "sha256": document.sha256,
        "original_name": document.original_name,
        "published_at": version.published_at,
        "published_by": version.published_by,
    }


class SqlRegulationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, version: RegulationVersion) -> RegulationVersion:
        statement = insert(regulation_versions).values(**regulation_to_row(version))
        new_id = self._connection.execute(
            statement.returning(regulation_versions.c.id)
        ).scalar_one()
        return attrs.evolve(version, id=new_id)

    def listing(self, establishment_code: str | None = None) -> list[RegulationVersion]:
        r = regulation_versions.c
        query = select(regulation_versions).order_by(r.establishment_code, r.effective_from, r.id)
        if establishment_code is not None:
            query = query.where(r.establishment_code == establishment_code)
        return [regulation_from_row(row) for row in self._connection.execute(query)]

    def get(self, establishment_code: str, version: str) -> RegulationVersion | None:
        r = regulation_versions.c
        query = select(regulation_versions).where(
            r.establishment_code == establishment_code, r.version == version
        )
        row = self._connection.execute(query).first()
        return None if row is None else regulation_from_row(row)


class SqlRegulationRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def regulations(self) -> SqlRegulationRepository:
        return SqlRegulationRepository(self.connection())
