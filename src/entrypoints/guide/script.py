"""The guide's script: sections of French prose, each with the steps a family takes on the
portal. A step names the element the family acts on (a Playwright locator, found by its label as
a screen reader would find it); the runner frames that element, takes the numbered screenshot,
then acts (a click by default). A label changed on the portal makes the step fail, and the page
headings and framed labels written into the guide are read from the live pages.

Adding a step is adding one ``Step`` to a section's ``steps`` (see ``chapters``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from attrs import field, frozen
from playwright.sync_api import Locator, Page

if TYPE_CHECKING:
    from entrypoints.guide.town import Town

__all__ = ["Section", "Shot", "Step", "Tour", "click", "no_action"]


@frozen
class Tour:
    """What a step works with: the browser's page and the served town."""

    page: Page
    town: Town

    def go(self, path: str) -> None:
        self.page.goto(self.town.url + path)


def click(tour: Tour, target: Locator) -> None:
    target.click()


def no_action(tour: Tour, target: Locator) -> None:
    """A step that only shows something."""


@frozen
class Step:
    """One numbered screenshot: ``prepare`` brings the page to the state to show (fields
    filled...), ``target`` is the element framed on it, ``act`` what the family then does with
    it. ``title`` and ``prose`` (Markdown) are the guide's text; ``alt`` starts the picture's
    text alternative, completed with the page's heading and the framed element's label."""

    title: str
    prose: str
    target: Callable[[Page], Locator]
    alt: str
    act: Callable[[Tour, Locator], None] = click
    prepare: Callable[[Tour], None] | None = None
    slug: str = ""


@frozen
class Section:
    """A chapter of the guide: its title, prose before its steps, the steps, prose after."""

    title: str
    prose: str = ""
    steps: tuple[Step, ...] = ()
    after: str = ""


@frozen
class Shot:
    """A step as taken: its picture's number and file, the heading and framed label read."""

    number: int
    step: Step
    filename: str
    heading: str
    framed: str
    alt: str = field(init=False)

    def __attrs_post_init__(self) -> None:
        alt = f"{self.step.alt} Page « {self.heading} »"
        if self.framed:
            alt += f", encadré : « {self.framed} »"
        object.__setattr__(self, "alt", alt + ".")


_LABEL = """element => {
  const aria = element.getAttribute('aria-label');
  if (aria) return aria;
  if (element.labels && element.labels.length) return element.labels[0].innerText;
  if (element.tagName === 'FIELDSET') return element.querySelector('legend')?.innerText ?? '';
  if (['A', 'BUTTON', 'H2', 'H3'].includes(element.tagName)) return element.innerText;
  return '';
}"""
# The frame, as the town's paper guide circles what to click: set through the CSS object model,
# which the portal's Content-Security-Policy allows (it refuses style attributes and elements).
_FRAME = """element => {
  element.style.outline = '4px solid #d4351c';
  element.style.outlineOffset = '3px';
}"""
_UNFRAME = "element => { element.style.outline = ''; element.style.outlineOffset = ''; }"


def heading(page: Page) -> str:
    return _collapsed(page.locator("h1").first.inner_text())


def framed_label(target: Locator) -> str:
    return _collapsed(str(target.evaluate(_LABEL)))


def frame(target: Locator, *, on: bool) -> None:
    target.evaluate(_FRAME if on else _UNFRAME)


def slug(text: str) -> str:
    plain = text.lower()
    for accented, letter in (("àâä", "a"), ("éèêë", "e"), ("îï", "i"), ("ôö", "o"), ("ùûü", "u")):
        plain = re.sub(f"[{accented}]", letter, plain)
    plain = plain.replace("ç", "c").replace("œ", "oe")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].rstrip("-")


def _collapsed(text: str) -> str:
    return " ".join(text.split())
