"""The families' guide, made from the real portal (``make guide``).

The demo town is served on a fixed clock (``town``), Chromium goes through each journey of the
town's paper guide (``chapters``: French prose and the steps, ``script``: what a step is), a
numbered screenshot is taken of each step (``tour``), and the guide is written as Markdown and as
a tagged PDF (``writer``). The same portal gives the same Markdown on every run, so CI compares
it with the committed one: a label changed on a page shows in the guide's diff (or makes its step
fail), never silently.

A development tool: it needs the ``dev`` extra (Playwright, markdown-it-py) and Chromium.
"""

from __future__ import annotations

from pathlib import Path

from attrs import frozen

from entrypoints.guide.chapters import CHAPTERS
from entrypoints.guide.script import Section, Shot
from entrypoints.guide.tour import GuideError, chromium, take_shots
from entrypoints.guide.town import GUIDE_NOW, served_town
from entrypoints.guide.writer import markdown, pdf
from portail_core.domain.shared.french_dates import day_fr

__all__ = ["GUIDE_NAME", "Guide", "GuideError", "generate"]

GUIDE_NAME = "guide-familles"


@frozen
class Guide:
    """What ``generate`` wrote."""

    markdown: Path
    pdf: Path | None
    shots: tuple[Shot, ...]


def generate(
    folder: Path, *, chapters: tuple[Section, ...] = CHAPTERS, with_pdf: bool = True
) -> Guide:
    """Write ``<folder>/guide-familles.md``, its pictures in ``<folder>/guide-familles/`` and
    ``<folder>/guide-familles.pdf``. Raises GuideError when a step cannot be taken."""
    folder.mkdir(parents=True, exist_ok=True)
    with served_town() as town, chromium() as browser:
        shots = take_shots(browser, town, chapters, folder / GUIDE_NAME)
    day = day_fr(GUIDE_NOW.date())
    text = markdown(chapters, shots, day=day, folder=GUIDE_NAME)
    written = folder / f"{GUIDE_NAME}.md"
    written.write_text(text, "utf-8")
    document = None
    if with_pdf:
        document = folder / f"{GUIDE_NAME}.pdf"
        document.write_bytes(pdf(text, folder))
    return Guide(written, document, tuple(shot for taken in shots for shot in taken))
