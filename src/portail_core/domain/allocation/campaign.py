"""A campaign: one period of one structure allocated by a draw rather than first come.

Its settings come from the commune file (``[[allocations]]``); its seed, draw and publication
are what the staff did. States: à venir -> ouverte (the window) -> close -> tirée -> publiée.
While it is not published, its days cannot be booked in the ordinary grid.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import pendulum
from attrs import define, field, frozen

from portail_core.domain.allocation.draw import DrawInputs
from portail_core.domain.allocation.lottery import new_seed, seed_hash
from portail_core.domain.allocation.priorities import CRITERIA
from portail_core.domain.shared.french_dates import day_fr, moment_fr
from portail_core.domain.shared.instants import as_paris, as_utc

__all__ = ["MAX_CAMPAIGN_DAYS", "Campaign", "CampaignSettings", "CampaignState"]

MAX_CAMPAIGN_DAYS = 93  # a planning's longest period: a summer fits
_CODE_CHARACTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class CampaignState(enum.Enum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    DRAWN = "drawn"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {
            CampaignState.UPCOMING: "à venir",
            CampaignState.OPEN: "ouverte",
            CampaignState.CLOSED: "close",
            CampaignState.DRAWN: "tirée",
            CampaignState.PUBLISHED: "publiée",
        }[self]


@frozen
class CampaignSettings:
    """The commune file's ``[[allocations]]`` table, checked."""

    code: str
    label: str
    establishment_code: str
    first_day: date
    last_day: date
    requests_from: pendulum.DateTime = field(converter=as_utc)
    requests_until: pendulum.DateTime = field(converter=as_utc)
    priorities: tuple[str, ...] = ("residence",)
    max_days_per_child: int | None = None

    @classmethod
    def create(
        cls,
        *,
        code: str,
        label: str,
        establishment_code: str,
        first_day: date,
        last_day: date,
        requests_from: pendulum.DateTime,
        requests_until: pendulum.DateTime,
        priorities: Iterable[str] = ("residence",),
        max_days_per_child: int | None = None,
    ) -> CampaignSettings:
        """Raises ValueError naming the key at fault, in French ("key: message")."""
        chosen = tuple(priorities)
        if not code or len(code) > 30 or not set(code) <= _CODE_CHARACTERS:
            raise ValueError("code: de 1 à 30 majuscules, chiffres, - ou _ (ex. : ETE2027)")
        if not label.strip() or len(label) > 80:
            raise ValueError("label: un libellé de 1 à 80 caractères (ex. : Été 2027)")
        if last_day < first_day:
            raise ValueError("last_day: le dernier jour précède le premier (first_day)")
        if (last_day - first_day).days >= MAX_CAMPAIGN_DAYS:
            raise ValueError(f"last_day: une campagne couvre {MAX_CAMPAIGN_DAYS} jours au plus")
        if requests_until <= requests_from:
            raise ValueError("requests_until: la fin des demandes suit leur début (requests_from)")
        if as_paris(requests_until).date() >= first_day:
            raise ValueError("requests_until: les demandes se terminent avant le premier jour")
        unknown = [c for c in chosen if c not in CRITERIA]
        if unknown or len(set(chosen)) != len(chosen):
            raise ValueError("priorities: des critères distincts parmi : " + ", ".join(CRITERIA))
        if max_days_per_child is not None and not 1 <= max_days_per_child <= MAX_CAMPAIGN_DAYS:
            raise ValueError(f"max_days_per_child: de 1 à {MAX_CAMPAIGN_DAYS} jours")
        return cls(
            code,
            label.strip(),
            establishment_code,
            first_day,
            last_day,
            requests_from,
            requests_until,
            chosen,
            max_days_per_child,
        )

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def window_fr(self) -> str:
        """« du 1 mai 2027 à 8 h 00 au 15 mai 2027 à 18 h 00 »"""
        return f"du {moment_fr(self.requests_from)} au {moment_fr(self.requests_until)}"

    @property
    def period_fr(self) -> str:
        return f"du {day_fr(self.first_day)} au {day_fr(self.last_day)}"


@define(slots=False, eq=False)
class Campaign:
    """An entity named by its code; the seed is 32 random bytes in hex, shown once published."""

    settings: CampaignSettings
    seed: str = field(factory=new_seed)
    opened_at: pendulum.DateTime | None = None
    drawn_at: pendulum.DateTime | None = None
    published_at: pendulum.DateTime | None = None
    draw_inputs: DrawInputs | None = None
    id: int | None = field(default=None, kw_only=True)

    @property
    def code(self) -> str:
        return self.settings.code

    @property
    def seed_hash(self) -> str:
        return seed_hash(self.seed)

    def state(self, now: pendulum.DateTime) -> CampaignState:
        if self.published_at is not None:
            return CampaignState.PUBLISHED
        if self.drawn_at is not None:
            return CampaignState.DRAWN
        if now < self.settings.requests_from:
            return CampaignState.UPCOMING
        if now <= self.settings.requests_until:
            return CampaignState.OPEN
        return CampaignState.CLOSED

    def holds_day(self, day: date) -> bool:
        """Its days are kept out of the ordinary grid until published."""
        return self.published_at is None and self.settings.covers(day)

    @property
    def hold_reason(self) -> str:
        s = self.settings
        return (
            f"Attribué par tirage au sort (« {s.label} ») : demandes {s.window_fr} ; "
            "réservation ouverte à tous après la publication des résultats"
        )
