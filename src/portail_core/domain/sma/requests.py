"""A family's SMA pre-registration request and its life: déposée → proposée (an offer with a
deadline) → acceptée / refusée par la famille / expirée; a request on the waiting list is
confirmed every few months, or radiée when the family does not answer the reminder."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import date, time

import pendulum
from attrs import define, field, frozen

from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.instants import PARIS, as_utc
from portail_core.domain.shared.raw_input import InputReader
from portail_core.domain.shared.weekdays import Weekday
from portail_core.errors import Conflict, InvalidInput

__all__ = ["OfferExpired", "SmaOffer", "SmaRequest", "SmaState", "WeekSlot"]


class OfferExpired(Conflict):
    """The family answers an offer after its deadline."""


EXPECTED_MONTHS = 10  # an expected child is born within ten months
LATEST_START_YEARS = 3
OPENS, CLOSES = time(6, 0), time(20, 0)
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?\s*$", re.IGNORECASE)
_DAY = "La {} n'est pas une date (ex. : 01/09/2027 ou 2027-09-01)."


class SmaState(enum.Enum):
    FILED = "déposée"  # on the waiting list
    OFFERED = "proposée"  # an offer waits for the family's answer
    ACCEPTED = "acceptée"
    DECLINED = "refusée par la famille"
    EXPIRED = "expirée"  # the offer's deadline passed without an answer
    DROPPED = "radiée"  # not confirmed after the reminder

    @property
    def label(self) -> str:
        return self.value

    @property
    def open(self) -> bool:
        return self in {SmaState.FILED, SmaState.OFFERED}


@frozen
class WeekSlot:
    """One day of the week the child would come, from ``start`` to ``end``."""

    weekday: Weekday
    start: time
    end: time

    def text(self) -> str:
        return f"{self.weekday.french} {_hour(self.start)}-{_hour(self.end)}"


@frozen
class SmaOffer:
    """A place offered by the desk after the commission: the family answers by ``deadline``."""

    establishment_code: str
    start: date
    deadline: date
    offered_at: pendulum.DateTime = field(converter=as_utc)


@define(slots=False, eq=False)
class SmaRequest:
    """An entity. ``child_id``: a child of the dossier; otherwise an expected child
    (``expected_birth_date``, ``last_name``). ``wishes``: establishment codes, in order."""

    family_id: int
    child_id: int | None
    child_name: str  # as the family and the desk read it: "Léa Martin", "enfant à naître (Martin)"
    expected_birth_date: date | None
    start_date: date
    slots: tuple[WeekSlot, ...]
    wishes: tuple[str, ...]
    requested_at: pendulum.DateTime = field(converter=as_utc)
    confirmed_at: pendulum.DateTime = field(converter=as_utc)
    state: SmaState = SmaState.FILED
    reminded_at: pendulum.DateTime | None = None
    offer: SmaOffer | None = None
    closed_at: pendulum.DateTime | None = None
    last_name: str = ""  # an expected child's
    id: int | None = field(default=None, kw_only=True)

    @property
    def expected(self) -> bool:
        return self.child_id is None

    @classmethod
    def create(
        cls,
        *,
        family_id: int,
        child: tuple[int, str] | None,
        last_name: str = "",
        expected_birth_date: date | str | None = None,
        start_date: date | str | None,
        hours: Mapping[str, tuple[str, str]],
        wishes: Iterable[str],
        now: pendulum.DateTime,
    ) -> SmaRequest:
        """``child``: (id, full name) of a child of the dossier, or None for an expected one.
        ``hours``: weekday name -> (start, end) as typed ("8:30", "8h30"); every problem is
        listed in French at once (InvalidInput), nothing is built."""
        today = now.in_timezone(PARIS).date()
        reader = InputReader()
        name, expected = _child(reader, child, last_name, expected_birth_date, today)
        start = reader.day("start_date", start_date or "", _DAY.format("date d'entrée souhaitée"))
        if start != date.min:
            _check_start(reader, start, today, expected)
        slots = _slots(reader, hours)
        chosen = tuple(w.strip().upper() for w in wishes if w and w.strip())
        if not chosen:
            reader.refuse("wishes", "Choisissez au moins une structure souhaitée.")
        elif len(set(chosen)) != len(chosen):
            reader.refuse("wishes", "Chaque structure n'est choisie qu'une fois.")
        reader.raise_if_any("La demande de pré-inscription n'est pas enregistrée.")
        child_id = None if child is None else child[0]
        clean_last = "" if child is not None else name
        shown = child[1] if child is not None else f"enfant à naître ({name})"
        return cls(
            family_id, child_id, shown, expected, start, slots, chosen, now, now,
            last_name=clean_last,
        )  # fmt: skip

    # ---------------------------------------------------------------- the life of a request
    def offer_place(
        self, establishment_code: str, start: date, deadline: date, now: pendulum.DateTime
    ) -> None:
        today = now.in_timezone(PARIS).date()
        self._require(SmaState.FILED, "ne peut pas recevoir d'offre")
        problems: dict[str, str] = {}
        if establishment_code not in self.wishes:
            problems["establishment"] = (
                f"La famille n'a pas demandé « {establishment_code} » "
                f"(structures souhaitées : {', '.join(self.wishes)})."
            )
        if start < today:
            problems["start"] = f"La date d'entrée ({numeric_day_fr(start)}) est passée."
        if deadline < today:
            problems["deadline"] = f"La date limite ({numeric_day_fr(deadline)}) est passée."
        elif deadline > start and start >= today:
            problems["deadline"] = "La date limite de réponse vient au plus tard le jour d'entrée."
        if problems:
            raise InvalidInput("L'offre n'est pas enregistrée.", problems)
        self.offer = SmaOffer(establishment_code, start, deadline, now)
        self.state = SmaState.OFFERED

    def answer(self, accepted: bool, now: pendulum.DateTime) -> None:
        """The family's answer to the offer, before its deadline (included)."""
        self._require(SmaState.OFFERED, "n'a pas d'offre en attente de réponse")
        assert self.offer is not None  # noqa: S101  (an offered request has its offer)
        if now.in_timezone(PARIS).date() > self.offer.deadline:
            raise OfferExpired(
                f"Le délai de réponse est passé (le {numeric_day_fr(self.offer.deadline)}) : "
                "l'offre a expiré. Contactez le guichet unique."
            )
        self._close(SmaState.ACCEPTED if accepted else SmaState.DECLINED, now)

    def expire_if_late(self, now: pendulum.DateTime) -> bool:
        late = (
            self.state is SmaState.OFFERED
            and self.offer is not None
            and self.offer.deadline < now.in_timezone(PARIS).date()
        )
        if late:
            self._close(SmaState.EXPIRED, now)
        return late

    def confirmation_due(self, confirm_months: int) -> date:
        """The day the family is asked to confirm its request on the waiting list."""
        return (
            pendulum.instance(self.confirmed_at)
            .in_timezone(PARIS)
            .date()
            .add(months=confirm_months)
        )

    def confirm(self, now: pendulum.DateTime) -> None:
        """The family still wants a place: the request keeps its date and rank."""
        self._require(SmaState.FILED, "n'est pas sur la liste d'attente")
        self.confirmed_at = now
        self.reminded_at = None

    def remind(self, now: pendulum.DateTime) -> None:
        self.reminded_at = now

    def drop(self, now: pendulum.DateTime) -> None:
        self._require(SmaState.FILED, "n'est pas sur la liste d'attente")
        self._close(SmaState.DROPPED, now)

    def _close(self, state: SmaState, now: pendulum.DateTime) -> None:
        self.state, self.closed_at = state, now

    def _require(self, state: SmaState, refusal: str) -> None:
        if self.state is not state:
            raise Conflict(f"La demande n° {self.id} est {self.state.label} : elle {refusal}.")


def _child(
    reader: InputReader,
    child: tuple[int, str] | None,
    last_name: str,
    expected_birth_date: date | str | None,
    today: date,
) -> tuple[str, date | None]:
    if child is not None:
        return child[1], None
    name = reader.name("last_name", last_name, "Le nom de l'enfant à naître est obligatoire.")
    expected = reader.day(
        "expected_birth_date",
        expected_birth_date or "",
        _DAY.format("date de naissance prévue"),
    )
    if expected != date.min:
        if expected < today:
            reader.refuse(
                "expected_birth_date",
                "La date de naissance prévue est passée : l'enfant est né, ajoutez-le au "
                "dossier auprès du guichet unique puis choisissez-le.",
            )
        elif expected > pendulum.Date(today.year, today.month, today.day).add(
            months=EXPECTED_MONTHS
        ):
            reader.refuse(
                "expected_birth_date",
                f"La date de naissance prévue est à plus de {EXPECTED_MONTHS} mois.",
            )
    return name, (None if expected == date.min else expected)


def _check_start(reader: InputReader, start: date, today: date, expected: date | None) -> None:
    if start < today:
        reader.refuse("start_date", "La date d'entrée souhaitée est passée.")
    elif start.year - today.year > LATEST_START_YEARS:
        reader.refuse(
            "start_date",
            f"La date d'entrée souhaitée est à plus de {LATEST_START_YEARS} ans.",
        )
    elif expected is not None and start < expected:
        reader.refuse(
            "start_date", "La date d'entrée souhaitée précède la date de naissance prévue."
        )


def _slots(reader: InputReader, hours: Mapping[str, tuple[str, str]]) -> tuple[WeekSlot, ...]:
    slots = []
    for name, (start_text, end_text) in hours.items():
        try:
            weekday = Weekday.from_name(name)
        except KeyError:
            reader.refuse("hours", f"« {name} » n'est pas un jour de la semaine.")
            continue
        if weekday.is_weekend:
            reader.refuse("hours", "La SMA accueille les enfants du lundi au vendredi.")
            continue
        start, end = _time(start_text), _time(end_text)
        if start is None or end is None:
            reader.refuse(
                f"hours_{weekday.name.lower()}",
                f"Donnez l'heure d'arrivée et l'heure de départ du {weekday.french} "
                "(ex. : 8:30 et 17:00).",
            )
        elif not OPENS <= start < end <= CLOSES:
            reader.refuse(
                f"hours_{weekday.name.lower()}",
                f"Le {weekday.french}, l'arrivée précède le départ, entre {_hour(OPENS)} et "
                f"{_hour(CLOSES)}.",
            )
        else:
            slots.append(WeekSlot(weekday, start, end))
    if not hours:
        reader.refuse("hours", "Choisissez au moins un jour d'accueil et ses horaires.")
    return tuple(sorted(slots, key=lambda s: s.weekday.value))


def _time(raw: str | None) -> time | None:
    match = _TIME.match(raw or "")
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _hour(moment: time) -> str:
    return f"{moment.hour}h{moment.minute:02d}"
