"""The news as families read them: on their home page (the latest few) and on « Actualités »."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.dossiers.child import Child
from portail_core.domain.news import NewsItem
from portail_core.ports.clock import Clock
from portail_core.ports.news import NewsMarkup

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["ShownNews", "shown_news"]


@frozen
class ShownNews:
    """An item on a page: ``html`` is the text rendered by the ``NewsMarkup`` port (safe as
    it is); ``establishment`` the structure's name when it is for one structure's families."""

    item: NewsItem
    html: str
    establishment: str | None


def shown_news(
    uow: UnitOfWork,
    markup: NewsMarkup,
    clock: Clock,
    *,
    family_id: int | None = None,
    limit: int | None = None,
) -> list[ShownNews]:
    """The published items shown today, the newest first: for everyone, and (``family_id``)
    for the structures the family's children may use (give a read-only unit of work)."""
    today = clock.today()
    with uow:
        items = [item for item in uow.news.listing() if item.shown_on(today)]
        if not items:
            return []
        catalogue = uow.catalogue.get()
        family = uow.families.get(family_id) if family_id is not None else None
    usable = None if family is None else _usable(catalogue, family.children)
    chosen = [item for item in items if item.is_for(usable)][:limit]
    return [_shown(item, catalogue, markup) for item in chosen]


def _usable(catalogue: Catalogue, children: Sequence[Child]) -> set[str]:
    """The structures one of the children may use."""
    return {
        establishment.code
        for establishment in catalogue.establishments
        if any(establishment_refusal(child.facts(), establishment) is None for child in children)
    }


def _shown(item: NewsItem, catalogue: Catalogue, markup: NewsMarkup) -> ShownNews:
    code = item.establishment_code
    establishment = catalogue.establishment(code) if code else None
    name = establishment.name if establishment is not None else None
    return ShownNews(item, markup.to_html(item.text), name)
