"""The commune repository and its row <-> domain mappers."""

from __future__ import annotations

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.reference import (
    ReferenceVersion,
    SharedReferenceVersion,
    kept,
    own_copy,
)
from adapters.persistence.tables import communes
from portail_core.domain.communes import Commune, SchoolZone
from portail_core.domain.look import CommuneLook, Logo, LogoFormat, LogoImage
from portail_core.domain.payments.online import OnlinePaymentSettings, PayfipMode
from portail_core.domain.shared.weekdays import Weekday
from portail_core.domain.sma.settings import SmaSettings
from portail_core.errors import Conflict

THE_COMMUNE_ID = 1
# Every column but the logo's bytes: the commune is read on every page and kept by each process.
_COMMUNE_COLUMNS = tuple(column for column in communes.c if column.name != "logo_content")

__all__ = ["SqlCommuneRepositories", "SqlCommuneRepository"]


def commune_from_row(row: Row[tuple[object, ...]]) -> Commune:
    values = row._mapping
    return Commune(
        insee_code=values["insee_code"],
        name=values["name"],
        school_zone=SchoolZone(values["school_zone"]),
        contact_email=values["contact_email"],
        school_weekdays=frozenset(Weekday(int(n)) for n in values["school_weekdays"].split(",")),
        online_payment=OnlinePaymentSettings(
            enabled=values["payfip_enabled"],
            numcli=values["payfip_numcli"],
            mode=PayfipMode(values["payfip_mode"]),
            days_after_due=values["payfip_days_after_due"],
        ),
        contact_address=values["contact_address"],
        contact_phone=values["contact_phone"],
        sma=SmaSettings(
            tuple(values["sma_criteria"].split(",")),
            values["sma_confirm_months"],
            values["sma_grace_days"],
        ),
        look=_look_from(values["look_colour"], values["logo_media_type"], values["logo_digest"]),
        id=values["id"],
    )


def _look_from(colour: str | None, media_type: str | None, digest: str | None) -> CommuneLook:
    logo = None if media_type is None or digest is None else Logo(LogoFormat(media_type), digest)
    return CommuneLook(colour, logo)


def commune_to_row(commune: Commune) -> dict[str, object]:
    return {
        "insee_code": commune.insee_code,
        "name": commune.name,
        "school_zone": commune.school_zone.value,
        "contact_email": commune.contact_email,
        "school_weekdays": ",".join(
            str(day.value) for day in sorted(commune.school_weekdays, key=lambda day: day.value)
        ),
        "payfip_enabled": commune.online_payment.enabled,
        "payfip_numcli": commune.online_payment.numcli,
        "payfip_mode": commune.online_payment.mode.value,
        "payfip_days_after_due": commune.online_payment.days_after_due,
        "contact_address": commune.contact_address,
        "contact_phone": commune.contact_phone,
        "sma_criteria": ",".join(commune.sma.criteria),
        "sma_confirm_months": commune.sma.confirm_months,
        "sma_grace_days": commune.sma.grace_days,
        "look_colour": commune.look.colour,
        "logo_media_type": commune.look.logo.format.media_type if commune.look.logo else None,
        "logo_digest": commune.look.logo.digest if commune.look.logo else None,
    }


class SqlCommuneRepository:
    """Each process keeps the commune it last read (see ``reference.py``)."""

    def __init__(self, connection: Connection, version: ReferenceVersion | None = None) -> None:
        self._connection = connection
        self._version = version or ReferenceVersion(connection)

    def get(self) -> Commune | None:
        token = self._version.current()
        found: Commune | None = kept(token, "commune")
        if found is not None:
            return own_copy(found)
        row = self._connection.execute(
            select(*_COMMUNE_COLUMNS).where(communes.c.id == THE_COMMUNE_ID)
        ).first()
        if row is None:
            return None
        return self._version.read_under(token, "commune", commune_from_row(row))

    def add(self, commune: Commune) -> None:
        statement = insert(communes).values(id=THE_COMMUNE_ID, **commune_to_row(commune))
        self._version.renew()
        try:
            with self._connection.begin_nested():
                self._connection.execute(statement)
        except IntegrityError as error:
            raise Conflict("Ce portail a déjà une commune.") from error
        commune.id = THE_COMMUNE_ID

    def update(self, commune: Commune) -> None:
        statement = (
            update(communes).where(communes.c.id == commune.id).values(commune_to_row(commune))
        )
        self._version.renew()
        if self._connection.execute(statement).rowcount != 1:
            raise LookupError(f"commune {commune.id} is not in the database")

    def save_logo(self, logo: LogoImage | None) -> None:
        content = None if logo is None else logo.content
        statement = (
            update(communes).where(communes.c.id == THE_COMMUNE_ID).values(logo_content=content)
        )
        if self._connection.execute(statement).rowcount != 1:
            raise LookupError("the commune is not in the database")

    def logo(self) -> LogoImage | None:
        row = self._connection.execute(
            select(communes.c.logo_media_type, communes.c.logo_content).where(
                communes.c.id == THE_COMMUNE_ID
            )
        ).first()
        if row is None or row.logo_media_type is None or row.logo_content is None:
            return None
        return LogoImage(bytes(row.logo_content), LogoFormat(row.logo_media_type))


class SqlCommuneRepositories(SharedReferenceVersion):
    """The repositories a unit of work gives on its transaction."""

    @property
    def communes(self) -> SqlCommuneRepository:
        return SqlCommuneRepository(self.connection(), self.reference_version())
