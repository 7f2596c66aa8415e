"""Use cases about the commune that runs the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from portail_core.domain.allocation.campaign import CampaignSettings
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.communes import Commune
from portail_core.domain.look import CommuneLook, LogoImage
from portail_core.domain.payments.online import OnlinePaymentSettings
from portail_core.domain.sma.settings import SmaSettings
from portail_core.errors import Conflict
from portail_core.ports.clock import Clock

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "CommuneDetails",
    "PayfipDetails",
    "SetUpResult",
    "apply_commune",
    "commune_event",
    "commune_from",
    "commune_logo",
    "current_commune",
    "set_up_commune",
]


@frozen
class CommuneDetails:
    """Raw input describing the commune (from the town's file or the command line)."""

    insee_code: str
    name: str
    school_zone: str
    contact_email: str
    school_weekdays: tuple[str, ...] | None = None
    payfip: PayfipDetails | None = None  # None: online payment off
    contact_address: str = ""  # the guichet unique's postal address, on one line
    contact_phone: str = ""  # its phone, as typed ("05 58 09 12 34")
    sma: SmaSettings | None = None  # the [sma] table; None: the defaults
    allocations: tuple[CampaignSettings, ...] = ()  # the [[allocations]] tables
    colour: str | None = None  # the [look] table: "#RRGGBB"; None: the portal's own
    logo: LogoImage | None = None  # its logo, read and checked (domain/look.py)


@frozen
class PayfipDetails:
    """The commune file's ``[payfip]`` table, as typed: off until ``enabled = true``."""

    enabled: bool = False
    numcli: str = ""
    saisie: str = "T"
    days_after_due: int = 0


@frozen
class SetUpResult:
    commune: Commune
    created: bool
    changed: bool
    differences: dict[str, list[str]] = field(factory=dict)  # field -> [old, new]


def current_commune(uow: UnitOfWork) -> Commune | None:
    """The commune of this installation, or None if nothing is loaded yet (give a read-only
    unit of work)."""
    with uow:
        return uow.communes.get()


def commune_logo(uow: UnitOfWork) -> LogoImage | None:
    """The commune's logo, to be served (give a read-only unit of work)."""
    with uow:
        return uow.communes.logo()


def set_up_commune(
    uow: UnitOfWork,
    details: CommuneDetails,
    *,
    actor: Actor,
    clock: Clock,
    only_if_empty: bool = False,
) -> SetUpResult:
    """Create the commune, or update it when its INSEE code matches; one commune per portal.

    With ``only_if_empty`` an existing commune is left untouched (the demo loader uses this so
    that it never overwrites a town's data).
    """
    wanted = commune_from(details)
    with uow:
        result = apply_commune(uow, wanted, only_if_empty=only_if_empty, logo=details.logo)
        if result.changed:
            uow.audit.record(commune_event(result, actor, clock))
            uow.commit()
        return result


def commune_event(result: SetUpResult, actor: Actor, clock: Clock) -> AuditEvent:
    verb = "créée" if result.created else "modifiée"
    return AuditEvent(
        at=clock.now(),
        actor=actor,
        action="commune.create" if result.created else "commune.update",
        summary=f"Commune {verb} : {result.commune.name}",
        details={"changes": result.differences},
    )


def _shown(value: Any) -> str:
    if isinstance(value, OnlinePaymentSettings):
        if not value.enabled:
            return "paiement en ligne fermé"
        return (
            f"PayFiP {value.numcli} ({value.mode.label}), jusqu'à {value.days_after_due} "
            "jour(s) après l'échéance"
        )
    if isinstance(value, SmaSettings):
        return (
            f"SMA : critères {', '.join(value.criteria)} ; confirmation tous les "
            f"{value.confirm_months} mois ; radiation {value.grace_days} jours après le rappel"
        )
    if isinstance(value, CommuneLook):
        return value.describe()
    if isinstance(value, frozenset):
        return ", ".join(day.french for day in sorted(value, key=lambda day: day.value))
    return str(getattr(value, "value", value))


def commune_from(details: CommuneDetails) -> Commune:
    payfip = details.payfip
    online = None
    if payfip is not None:
        online = OnlinePaymentSettings.create(
            enabled=payfip.enabled,
            numcli=payfip.numcli,
            mode=payfip.saisie,
            days_after_due=payfip.days_after_due,
        )
    commune = Commune.create(
        insee_code=details.insee_code,
        name=details.name,
        school_zone=details.school_zone,
        contact_email=details.contact_email,
        school_weekdays=details.school_weekdays,
        online_payment=online,
        contact_address=details.contact_address,
        contact_phone=details.contact_phone,
        colour=details.colour,
        logo=None if details.logo is None else details.logo.logo,
    )
    commune.sma = details.sma or SmaSettings()
    return commune


def apply_commune(
    uow: UnitOfWork, wanted: Commune, *, only_if_empty: bool, logo: LogoImage | None = None
) -> SetUpResult:
    """Create or update the commune inside the caller's unit of work (which commits); ``logo``
    is the image of ``wanted.look.logo``, written with it."""
    fields = (
        "insee_code",
        "name",
        "school_zone",
        "contact_email",
        "school_weekdays",
        "online_payment",
        "contact_address",
        "contact_phone",
        "sma",
        "look",
    )
    existing = uow.communes.get()
    if existing is None:
        uow.communes.add(wanted)
        if logo is not None:
            uow.communes.save_logo(logo)
        created = {name: ["", _shown(getattr(wanted, name))] for name in fields}
        return SetUpResult(wanted, created=True, changed=True, differences=created)
    if only_if_empty:
        return SetUpResult(existing, created=False, changed=False)
    if existing.insee_code != wanted.insee_code:
        raise Conflict(
            f"Ce portail est déjà celui de {existing.name} ({existing.insee_code}) : "
            f"il ne peut pas servir une autre commune."
        )
    differences = {
        name: [_shown(getattr(existing, name)), _shown(getattr(wanted, name))]
        for name in fields
        if getattr(existing, name) != getattr(wanted, name)
    }
    if not differences:
        return SetUpResult(existing, created=False, changed=False)
    logo_changed = existing.look.logo != wanted.look.logo
    for name in differences:
        setattr(existing, name, getattr(wanted, name))
    uow.communes.update(existing)
    if logo_changed:
        uow.communes.save_logo(logo)
    return SetUpResult(existing, created=False, changed=True, differences=differences)
