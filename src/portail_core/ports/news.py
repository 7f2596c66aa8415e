"""The town's news: its repository, and the markup that turns a text into safe HTML."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.news import NewsItem

__all__ = ["NewsMarkup", "NewsRepositories", "NewsRepository"]


class NewsRepository(Protocol):
    def add(self, item: NewsItem) -> NewsItem:
        """Record it; returns it with its number."""
        ...

    def get(self, news_id: int, *, for_update: bool = False) -> NewsItem | None: ...

    def update(self, item: NewsItem) -> None: ...

    def listing(self) -> list[NewsItem]:
        """Every item, the newest first (by first day shown, then number)."""
        ...


class NewsRepositories(Protocol):
    """The news' repository, as a unit of work gives it."""

    @property
    def news(self) -> NewsRepository: ...


class NewsMarkup(Protocol):
    """The small markup of news texts (paragraphs, emphasis, lists, links) as HTML that is safe
    to put in a page as it is: no raw HTML of the text, no script, no event attribute, links
    to http(s) and mailto only."""

    def to_html(self, text: str) -> str: ...
