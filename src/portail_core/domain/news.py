"""The town's news (« Actualités »): a title, a text in a small markup, the days it is shown,
and who it is for (every family, or the families of one structure).

The text is kept as the desk typed it; the ``NewsMarkup`` port turns it into safe HTML when it is
shown (a Markdown subset, no raw HTML: see ``adapters.news_markup``).
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date

import pendulum
from attrs import define, field

from portail_core.domain.audit import Actor
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.instants import PARIS, as_utc
from portail_core.domain.shared.raw_input import InputReader

__all__ = ["MAX_TEXT", "MAX_TITLE", "NewsItem", "NewsStatus"]

MAX_TITLE = 150
MAX_TEXT = 5000
_DAY = "La date de {} n'est pas une date (ex. : 01/03/2027 ou 2027-03-01)."


class NewsStatus(enum.Enum):
    DRAFT = "brouillon"  # not published by the desk
    SCHEDULED = "programmée"  # published, its first day is to come
    SHOWN = "en ligne"
    EXPIRED = "expirée"  # published, its last day is past

    @property
    def label(self) -> str:
        return self.value


@define(slots=False, eq=False)
class NewsItem:
    """An entity: the desk writes it, publishes it (or takes it back); families see it from
    ``first_day`` to ``last_day`` (None: until it is taken back) while it is published.

    ``establishment_code`` None: every family (and the public pages); otherwise only the
    families with a child who may use that structure.
    """

    title: str
    text: str
    first_day: date
    last_day: date | None
    establishment_code: str | None
    created_at: pendulum.DateTime = field(converter=as_utc)
    created_by: Actor
    published: bool = False
    id: int | None = field(default=None, kw_only=True)

    @classmethod
    def create(
        cls,
        *,
        title: str,
        text: str,
        first_day: date | str | None,
        last_day: date | str | None,
        establishment_code: str | None,
        actor: Actor,
        now: pendulum.DateTime,
    ) -> NewsItem:
        """A draft, every problem listed in French at once (InvalidInput); ``first_day`` None:
        from today (Paris); ``last_day`` None: until the desk takes it back."""
        reader = InputReader()
        first = (
            now.in_timezone(PARIS).date()
            if first_day is None or first_day == ""
            else reader.day("from", first_day, _DAY.format("début"))
        )
        last = (
            None
            if last_day is None or last_day == ""
            else reader.day("until", last_day, _DAY.format("fin"))
        )
        clean_title = reader.line(
            "title",
            title,
            f"Le titre est obligatoire et tient sur une ligne de {MAX_TITLE} caractères au plus.",
            max_length=MAX_TITLE,
        )
        clean_text = reader.text(
            "text", text, f"Le texte compte {MAX_TEXT} caractères au plus.", max_length=MAX_TEXT
        )
        if not clean_text and "text" not in reader.problems:
            reader.refuse("text", "Le texte de l'actualité est obligatoire.")
        code = reader.code(
            "establishment",
            establishment_code,
            "Le code de structure compte des lettres, chiffres, « _ . - » (ex. : ALSH-DUNES).",
            required=False,
        )
        if not reader.problems.keys() & {"from", "until"} and last is not None and last < first:
            reader.refuse(
                "until",
                f"La date de fin ({numeric_day_fr(last)}) précède la date de début "
                f"({numeric_day_fr(first)}).",
            )
        reader.raise_if_any("L'actualité n'est pas enregistrée.")
        return cls(clean_title, clean_text, first, last, code or None, now, actor, published=False)

    def status(self, today: date) -> NewsStatus:
        if not self.published:
            return NewsStatus.DRAFT
        if today < self.first_day:
            return NewsStatus.SCHEDULED
        if self.last_day is not None and self.last_day < today:
            return NewsStatus.EXPIRED
        return NewsStatus.SHOWN

    def shown_on(self, today: date) -> bool:
        return self.status(today) is NewsStatus.SHOWN

    def is_for(self, establishments: Collection[str] | None) -> bool:
        """Whether a reader who may use ``establishments`` sees it (None: not a family, e.g.
        the public pages: only the news for everyone)."""
        if self.establishment_code is None:
            return True
        return establishments is not None and self.establishment_code in establishments

    def period(self) -> str:
        """« à partir du 01/03/2027 », « du 01/03/2027 au 15/03/2027 »."""
        if self.last_day is None:
            return f"à partir du {numeric_day_fr(self.first_day)}"
        return f"du {numeric_day_fr(self.first_day)} au {numeric_day_fr(self.last_day)}"
