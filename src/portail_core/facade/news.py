"""The news' use cases, ports bound."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.facade.ports import Ports
from portail_core.services.news.desk import NewsLine, add_news, list_news, publish_news
from portail_core.services.news.reading import ShownNews, shown_news

__all__ = ["NewsUseCases"]


@frozen
class NewsUseCases:
    """The town's news, written by the desk and read by families (``portail.news``)."""

    _ports: Ports

    def add(
        self,
        *,
        title: str,
        text: str,
        actor: Actor,
        first_day: date | str | None = None,
        last_day: date | str | None = None,
        establishment_code: str | None = None,
    ) -> NewsLine:
        """Record a draft (published with ``publish``)."""
        ports = self._ports
        return add_news(
            ports.uow(),
            ports.clock,
            title=title,
            text=text,
            first_day=first_day,
            last_day=last_day,
            establishment_code=establishment_code,
            actor=actor,
        )

    def publish(self, news_id: int, *, actor: Actor) -> NewsLine:
        """Families see it from its first day to its last."""
        return publish_news(
            self._ports.uow(), self._ports.clock, news_id=news_id, published=True, actor=actor
        )

    def unpublish(self, news_id: int, *, actor: Actor) -> NewsLine:
        """Take it back from the portal (it stays listed for the desk)."""
        return publish_news(
            self._ports.uow(), self._ports.clock, news_id=news_id, published=False, actor=actor
        )

    def listing(self) -> list[NewsLine]:
        """Every item, the newest first, with its status today."""
        return list_news(self._ports.uow(read_only=True), self._ports.clock)

    def shown(self, *, family_id: int | None = None, limit: int | None = None) -> list[ShownNews]:
        """What a family (or, without ``family_id``, anyone) reads today, rendered safely."""
        ports = self._ports
        return shown_news(
            ports.uow(read_only=True),
            ports.news_markup,
            ports.clock,
            family_id=family_id,
            limit=limit,
        )
