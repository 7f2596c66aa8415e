"""Renders ``templates/<name>.txt`` and ``<name>.html``; the .txt's first line is the subject.

Undefined variables are errors (a message never goes out with a blank where a link should be);
the HTML part is autoescaped. Jinja2 is imported when the first message is rendered.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from portail_core.domain.messaging import RenderedEmail

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["JinjaEmailRenderer"]

SUBJECT_PREFIX = "Objet : "


class JinjaEmailRenderer:
    @functools.cached_property
    def _environment(self) -> Environment:
        from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

        return Environment(
            loader=PackageLoader("adapters.mail", "templates"),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            keep_trailing_newline=True,
        )

    def render(self, template: str, context: dict[str, str]) -> RenderedEmail:
        text = self._environment.get_template(f"{template}.txt").render(context)
        first_line, _, body = text.partition("\n")
        if not first_line.startswith(SUBJECT_PREFIX):
            raise ValueError(f"{template}.txt must start with '{SUBJECT_PREFIX}...'")
        html = self._environment.get_template(f"{template}.html").render(context)
        return RenderedEmail(
            subject=first_line.removeprefix(SUBJECT_PREFIX).strip(),
            text=body.lstrip("\n"),
            html=html,
        )
