"""Read a commune file into the commune's details and its catalogue, or list all its errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from cattrs import transform_error
from cattrs.errors import BaseValidationError, ForbiddenExtraKeysError

from adapters.commune_file.allocations import campaigns_of
from adapters.commune_file.converter import file_converter
from adapters.commune_file.locations import Segment, describe, line_of, parse_cattrs_path
from adapters.commune_file.look import FileLook, with_look
from adapters.commune_file.model import (
    FileAllocation,
    FileBilling,
    FileBooking,
    FileCommune,
    FileContent,
    FileEstablishment,
    FilePayfip,
    FileSchool,
    FileSchoolMap,
    FileSma,
    FileTariff,
    FileUnit,
)
from adapters.commune_file.school_map import school_map_of
from adapters.commune_file.sma import sma_settings_of
from portail_core.domain.billing.consumption import BillingRules
from portail_core.domain.bookings.rules import (
    BookingRules,
    BookingWindow,
    DeadlineOverride,
    DeadlineSchedule,
    NoDeadline,
    PromotionMode,
    WaitingListPolicy,
)
from portail_core.domain.catalogue.checks import Problem, catalogue_problems
from portail_core.domain.catalogue.establishments import (
    AgeGroup,
    CapacityOverride,
    Catalogue,
    Closure,
    Establishment,
    School,
    ServiceKind,
    Unit,
)
from portail_core.domain.catalogue.tariffs import QuotientBracket, Tariff
from portail_core.domain.shared.text import check_file_text
from portail_core.errors import InvalidInput
from portail_core.services.catalogue.commune_file import CommuneFile
from portail_core.services.communes import CommuneDetails, PayfipDetails, commune_from

__all__ = ["read_commune_file"]

MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_OFFER_HOURS = WaitingListPolicy().offer_hours
T = TypeVar("T")


class _Problems:
    """Collects located problems in file order, as French text keyed by their place."""

    def __init__(self, text: str, data: dict[str, Any]) -> None:
        self.text, self.data = text, data
        self.found: dict[str, str] = {}

    def add(self, segments: list[Segment], message: str) -> None:
        where = describe(segments, self.data, line_of(self.text, segments))
        self.found[where] = f"{self.found[where]} ; {message}" if where in self.found else message

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidInput(
                f"Le fichier compte {len(self.found)} erreur(s) ; rien n'est chargé.", self.found
            )


def read_commune_file(text: str, directory: Path | None = None) -> CommuneFile:
    """Parse, structure and check a commune file; InvalidInput lists every error with its place."""
    if len(text) > MAX_FILE_SIZE:
        raise InvalidInput("Le fichier est trop gros (2 Mo au plus).")
    check_file_text(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(
            "Le fichier n'est pas du TOML valide.", {"syntaxe": str(error)}
        ) from error
    problems = _Problems(text, data)
    content = _structure(data, problems)
    result = with_look(_to_domain(content, problems), content.look, directory, problems.add)
    _check(result, content, problems)
    problems.raise_if_any()
    return result


def _structure(data: dict[str, Any], problems: _Problems) -> FileContent:
    """Structure each table on its own, so that one bad table does not hide the others' errors.

    Tables that fail are left out of the returned content (their errors are recorded).
    """
    converter = file_converter()
    tables = {"commune", "payfip", "look", "schools", "establishments", "school_map", "sma"}
    tables.add("allocations")
    unknown = sorted(set(data) - tables)
    if unknown:
        problems.add([], f"table(s) inconnue(s) : {', '.join(unknown)}")

    def one(value: Any, kind: type[T], path: str) -> T | None:
        if not isinstance(value, dict):
            problems.add(
                parse_cattrs_path(path), "une table est attendue (un en-tête [...] suivi de clés)"
            )
            return None
        try:
            return converter.structure(value, kind)
        except Exception as error:
            if not isinstance(error, BaseValidationError | ValueError | KeyError):
                raise
            if isinstance(error, BaseValidationError):
                lines = transform_error(error, path=path, format_exception=_french)
            else:
                lines = [f"{_french(error, kind)} @ {path}"]
            for line in lines:
                message, _, where = line.rpartition(" @ ")
                problems.add(parse_cattrs_path(where), message)
            return None

    def many(name: str, kind: type[T]) -> list[T]:
        values = data.get(name, [])
        if not isinstance(values, list):
            problems.add([(name, None)], f"écrivez chaque élément sous un en-tête [[{name}]]")
            return []
        found = (one(value, kind, f"$.{name}[{index}]") for index, value in enumerate(values))
        return [item for item in found if item is not None]

    commune = None
    if "commune" not in data:
        problems.add([("commune", None)], "table [commune] manquante")
    else:
        commune = one(data["commune"], FileCommune, "$.commune")
    payfip = one(data["payfip"], FilePayfip, "$.payfip") if "payfip" in data else None
    look = one(data["look"], FileLook, "$.look") if "look" in data else None
    school_map = (
        one(data["school_map"], FileSchoolMap, "$.school_map") if "school_map" in data else None
    )
    sma = one(data["sma"], FileSma, "$.sma") if "sma" in data else None
    return FileContent(
        commune=commune,
        payfip=payfip,
        look=look,
        schools=many("schools", FileSchool),
        establishments=many("establishments", FileEstablishment),
        school_map=school_map,
        sma=sma,
        allocations=many("allocations", FileAllocation),
    )


def _french(error: BaseException, _: Any) -> str:
    if isinstance(error, ForbiddenExtraKeysError):
        return f"clé(s) inconnue(s) : {', '.join(sorted(error.extra_fields))}"
    if isinstance(error, KeyError):
        return "clé obligatoire manquante"
    if isinstance(error, ValueError):  # ours and the domain's validators speak French
        return str(error)
    return f"valeur invalide ({error})"


def _to_domain(content: FileContent, problems: _Problems) -> CommuneFile:
    commune = content.commune or FileCommune("", "", "", "")  # its errors are already recorded
    sma, sma_problem = sma_settings_of(content.sma)
    if sma_problem is not None:
        problems.add([("sma", None), (sma_problem[0], None)], sma_problem[1])
    campaigns, campaign_problems = campaigns_of(content.allocations, content.establishments)
    for code, key, message in campaign_problems:
        index = _raw_index(problems.data.get("allocations"), code)
        problems.add([("allocations", index), (key, None)], message)
    details = CommuneDetails(
        insee_code=commune.insee_code,
        name=commune.name,
        school_zone=commune.school_zone,
        contact_email=commune.contact_email,
        school_weekdays=None if commune.school_weekdays is None else tuple(commune.school_weekdays),
        payfip=_payfip(content.payfip),
        contact_address=commune.contact_address,
        contact_phone=commune.contact_phone,
        sma=sma,
        allocations=tuple(campaigns),
    )
    schools = tuple(School(s.code, s.name, s.address) for s in content.schools)
    establishments = []
    for establishment in content.establishments:
        if establishment.kind is not ServiceKind.SMA and not _has_booking(establishment):
            index = _raw_index(problems.data.get("establishments"), establishment.code)
            problems.add(
                [("establishments", index), ("booking", None)],
                "délais de réservation et d'annulation manquants : ajoutez une table "
                "[establishments.booking] (ou booking dans chaque unité)",
            )
        _check_waiting_lists(establishment, problems)
        establishments.append(_establishment(establishment))
    school_map = school_map_of(content.school_map)
    return CommuneFile(details, Catalogue(schools, tuple(establishments), school_map))


def _payfip(section: FilePayfip | None) -> PayfipDetails | None:
    if section is None:
        return None
    return PayfipDetails(
        enabled=section.enabled,
        numcli=section.numcli,
        saisie=section.saisie,
        days_after_due=section.days_after_due,
    )


def _check_waiting_lists(establishment: FileEstablishment, problems: _Problems) -> None:
    """``offer_hours`` without ``waiting_list = "offer"`` is a mistake, not a silent default."""
    raw = problems.data.get("establishments")
    index = _raw_index(raw, establishment.code)
    raw_units = raw[index].get("units") if isinstance(raw, list) and index is not None else None
    tables: list[tuple[list[Segment], FileBooking | None]] = [
        ([("establishments", index)], establishment.booking)
    ]
    tables += [
        ([("establishments", index), ("units", _raw_index(raw_units, u.code))], u.booking)
        for u in establishment.units
    ]
    for place, booking in tables:
        if (
            booking is not None
            and booking.offer_hours is not None
            and booking.waiting_list is not PromotionMode.OFFER
        ):
            problems.add(
                [*place, ("booking", None), ("offer_hours", None)],
                "ne s'emploie qu'avec waiting_list = \"offer\" (une place libérée est alors "
                "proposée, à accepter dans ce délai)",
            )


def _has_booking(establishment: FileEstablishment) -> bool:
    return establishment.booking is not None or all(u.booking for u in establishment.units)


def _establishment(source: FileEstablishment) -> Establishment:
    return Establishment(
        code=source.code,
        name=source.name,
        kind=source.kind,
        address=source.address,
        contact_email=source.contact_email,
        contact_phone=source.contact_phone or "",
        opening_hours=source.opening_hours or "",
        school_code=source.school,
        closures=tuple(Closure(c.from_, c.to, c.label) for c in source.closures),
        regulation=source.regulation_version,
        units=tuple(
            _unit(u, u.booking or source.booking, u.billing or source.billing) for u in source.units
        ),
    )


def _rules(booking: FileBooking | None) -> BookingRules:
    if booking is None:  # reported as a problem; a placeholder keeps the other checks going
        return BookingRules(DeadlineSchedule(NoDeadline()), DeadlineSchedule(NoDeadline()))
    return BookingRules(
        booking=DeadlineSchedule(
            booking.booking_deadline,
            tuple(DeadlineOverride(o.from_, o.to, o.deadline) for o in booking.booking_overrides),
        ),
        cancellation=DeadlineSchedule(
            booking.cancellation_deadline,
            tuple(
                DeadlineOverride(o.from_, o.to, o.deadline) for o in booking.cancellation_overrides
            ),
        ),
        windows=tuple(
            BookingWindow(w.from_, w.to, w.residents_from, w.non_residents_from)
            for w in booking.windows
        ),
        waiting_list=WaitingListPolicy(
            booking.waiting_list,
            DEFAULT_OFFER_HOURS if booking.offer_hours is None else booking.offer_hours,
        ),
        unpaid_balance_limit=booking.unpaid_balance_limit,
    )


def _billing(billing: FileBilling | None) -> BillingRules:
    """The unit's own table, else its establishment's, else the common regulation."""
    if billing is None:
        return BillingRules()
    return BillingRules(
        justified_absence_billed_days=billing.justified_absence_billed_days,
        unjustified_absence_billed=billing.unjustified_absence_billed,
        unbooked_presence_surcharge=billing.unbooked_presence_surcharge,
    )


def _unit(source: FileUnit, booking: FileBooking | None, billing: FileBilling | None) -> Unit:
    optional: dict[str, Any] = {}
    if source.weekdays is not None:
        optional["weekdays"] = frozenset(source.weekdays)
    return Unit(
        code=source.code,
        label=source.label,
        days=frozenset(source.days),
        start=source.start,
        end=source.end,
        rules=_rules(booking),
        with_meal=source.meal,
        incompatible_with=frozenset(source.incompatible_with),
        age_groups=tuple(
            AgeGroup(g.code, g.label, g.min_age, g.max_age, g.places) for g in source.age_groups
        ),
        places=source.places,
        capacity_overrides=tuple(
            CapacityOverride(o.from_, o.to, o.places, o.age_group)
            for o in source.capacity_overrides
        ),
        requires_enrolment=source.requires_enrolment,
        tariffs=tuple(_tariff(t) for t in source.tariffs),
        billing=_billing(billing),
        **optional,
    )


def _tariff(source: FileTariff) -> Tariff:
    return Tariff(
        valid_from=source.valid_from,
        valid_until=source.valid_until,
        brackets=tuple(
            QuotientBracket(b.qf_min, b.qf_max, b.resident, b.non_resident) for b in source.brackets
        ),
        pai_price=source.pai_price,
        unbooked_surcharge=source.unbooked_surcharge,
        sibling_reductions=tuple(source.sibling_reductions),
    )


_PAYFIP_KEYS = {"numcli", "saisie", "days_after_due"}


def _check(result: CommuneFile, content: FileContent, problems: _Problems) -> None:
    try:
        if content.commune is not None:
            commune_from(result.details)
    except InvalidInput as error:
        for key, message in error.problems.items():
            table = "payfip" if key in _PAYFIP_KEYS else "look" if key == "colour" else "commune"
            problems.add([(table, None), (key, None)], message)
    for problem in catalogue_problems(result.catalogue):
        problems.add(_segments(problem, problems.data), problem.message)


def _raw_index(items: Any, code: str) -> int | None:
    """The position of the table with that code in the file (the raw TOML), if any."""
    if not isinstance(items, list):
        return None
    return next(
        (i for i, item in enumerate(items) if isinstance(item, dict) and item.get("code") == code),
        None,
    )


def _segments(problem: Problem, data: dict[str, Any]) -> list[Segment]:
    """Turn a problem's path of codes into file segments (indexes of the tables in the file).

    Indexes come from the raw file, not from the structured content (where tables that failed
    to structure are missing), so that places and lines stay right.
    """
    segments: list[Segment] = []
    parts = list(problem.where)
    node: Any = data
    while parts:
        name = str(parts.pop(0))
        key = parts.pop(0) if parts else None
        items = node.get(name) if isinstance(node, dict) else None
        if isinstance(key, str) and isinstance(items, dict):  # a table: [school_map]
            segments.append((name, None))
            parts.insert(0, key)
            node = items
        elif isinstance(key, str) and isinstance(items, list):
            index = _raw_index(items, key)
            segments.append((name, index))
            node = items[index] if index is not None else None
        else:
            segments.append((name, key if isinstance(key, int) else None))
            node = None
    return segments
