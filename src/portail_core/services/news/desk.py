"""The desk's use cases: add a news item (a draft), publish it, take it back, list them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Catalogue, ServiceKind
from portail_core.domain.news import NewsItem, NewsStatus
from portail_core.errors import Conflict, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.services.news import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["NewsLine", "add_news", "list_news", "publish_news"]


@frozen
class NewsLine:
    """An item as the desk lists it: its status today and who it is for, in French."""

    item: NewsItem
    status: NewsStatus
    audience: str


def add_news(
    uow: UnitOfWork,
    clock: Clock,
    *,
    title: str,
    text: str,
    first_day: date | str | None,
    last_day: date | str | None,
    establishment_code: str | None,
    actor: Actor,
) -> NewsLine:
    """Record a draft (``news.add``); a structure must be one of the catalogue's and take
    reservations (its families are known to the portal only through them)."""
    now = clock.now()
    item = NewsItem.create(
        title=title,
        text=text,
        first_day=first_day,
        last_day=last_day,
        establishment_code=establishment_code,
        actor=actor,
        now=now,
    )
    with uow:
        catalogue = uow.catalogue.get()
        item.establishment_code = _audience_code(catalogue, item.establishment_code)
        item = uow.news.add(item)
        uow.audit.record(notices.news_event("news.add", item, actor, now))
        uow.commit()
    return _line(item, catalogue, clock.today())


def publish_news(
    uow: UnitOfWork, clock: Clock, *, news_id: int, published: bool, actor: Actor
) -> NewsLine:
    """Publish an item (shown from its first day) or take it back (``published=False``);
    audited (``news.publish``, ``news.unpublish``)."""
    now = clock.now()
    with uow:
        item = uow.news.get(news_id, for_update=True)
        if item is None:
            raise NotFound(f"Aucune actualité n° {news_id}.")
        if item.published == published:
            state = "déjà publiée" if published else "n'est pas publiée"
            raise Conflict(f"L'actualité n° {news_id} {state} : rien n'est changé.")
        item.published = published
        uow.news.update(item)
        action = "news.publish" if published else "news.unpublish"
        uow.audit.record(notices.news_event(action, item, actor, now))
        catalogue = uow.catalogue.get()
        uow.commit()
    return _line(item, catalogue, clock.today())


def list_news(uow: UnitOfWork, clock: Clock) -> list[NewsLine]:
    """Every item, the newest first, with its status today (give a read-only unit of work)."""
    with uow:
        catalogue = uow.catalogue.get()
        items = uow.news.listing()
    today = clock.today()
    return [_line(item, catalogue, today) for item in items]


def _line(item: NewsItem, catalogue: Catalogue, today: date) -> NewsLine:
    establishment = (
        catalogue.establishment(item.establishment_code) if item.establishment_code else None
    )
    name = establishment.name if establishment is not None else None
    return NewsLine(item, item.status(today), notices.audience(item, name))


def _audience_code(catalogue: Catalogue, code: str | None) -> str | None:
    """The catalogue's code of the structure typed (« aps-plage »: APS-PLAGE), if one."""
    if code is None:
        return None
    establishment = next(
        (e for e in catalogue.establishments if e.code.casefold() == code.casefold()), None
    )
    if establishment is None:
        known = ", ".join(e.code for e in catalogue.establishments) or "aucune"
        raise NotFound(f"Aucune structure « {code} » (structures : {known}).")
    if not establishment.units or establishment.kind is ServiceKind.SMA:
        raise RuleViolation(
            f"« {establishment.name} » ne prend pas de réservations sur le portail : ses familles "
            "n'y sont pas connues. Publiez l'actualité pour toutes les familles."
        )
    return establishment.code
