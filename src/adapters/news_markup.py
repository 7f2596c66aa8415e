"""News texts as safe HTML: a Markdown subset rendered by markdown-it-py with raw HTML off,
then cleaned by nh3 (ammonia) with an allow-list, so that nothing the desk (or someone who
got hold of its terminal) types reaches a family's page as markup of its own."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a text is rendered: not at the command line's start-up
    from markdown_it import MarkdownIt

__all__ = ["MarkdownNewsMarkup"]

TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a"}
ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}  # no title, lang, style...
SCHEMES = {"http", "https", "mailto"}


@functools.cache
def _parser() -> MarkdownIt:
    # "zero" knows nothing; enable only what the news need. html=False: "<script>" is text.
    # breaks=True: a line break of the text is a line break on the page, as the desk expects.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("zero", {"html": False, "breaks": True, "typographer": False})
    return parser.enable(["emphasis", "list", "link", "newline", "escape"])


class MarkdownNewsMarkup:
    """Implements ``portail_core.ports.news.NewsMarkup``."""

    def to_html(self, text: str) -> str:
        import nh3

        rendered = _parser().render(text)
        return nh3.clean(
            rendered,
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes=SCHEMES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        ).strip()
