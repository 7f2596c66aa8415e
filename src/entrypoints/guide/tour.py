"""The tour: one Chromium, one browser page, the chapters' steps one after the other on the
served demo town, each framed and shot to a numbered PNG (1024 pixels wide, 256 colours)."""

from __future__ import annotations

import io
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, ViewportSize, sync_playwright

from entrypoints.guide.script import (
    Section,
    Shot,
    Step,
    Tour,
    frame,
    framed_label,
    heading,
    slug,
)
from entrypoints.guide.town import Town

__all__ = ["CHROMIUM_ARGS", "VIEWPORT", "GuideError", "chromium", "take_shots"]

# No sandbox as root, no calls home on a closed network (as tests/integration/browser).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
)
STEP_TIMEOUT_MS = 10_000  # a missing label fails its step after this long
VIEWPORT: ViewportSize = {"width": 1024, "height": 720}


class GuideError(Exception):
    """A step could not be taken: the portal changed under the guide (a label, a page)."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's chromium (or PORTAIL_CHROMIUM), never a downloaded browser."""
    executable = os.environ.get("PORTAIL_CHROMIUM") or shutil.which("chromium")
    if not executable:
        raise GuideError(
            "Chromium est introuvable : installez le paquet Debian chromium "
            "(ou indiquez son chemin dans PORTAIL_CHROMIUM)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def take_shots(
    browser: Browser, town: Town, chapters: tuple[Section, ...], pictures: Path
) -> list[list[Shot]]:
    """Every step of every chapter, in order; the shots of each chapter. ``pictures`` is
    emptied of its PNG files first (a step renamed leaves no stale picture behind)."""
    pictures.mkdir(parents=True, exist_ok=True)
    for old in pictures.glob("*.png"):
        old.unlink()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT, device_scale_factor=1
    )
    try:
        context.set_default_timeout(STEP_TIMEOUT_MS)
        tour = Tour(context.new_page(), town)
        number = 0
        taken: list[list[Shot]] = []
        for chapter in chapters:
            shots: list[Shot] = []
            for step in chapter.steps:
                number += 1
                try:
                    shots.append(_take(tour, step, number, pictures))
                except Exception as error:
                    raise GuideError(
                        f"Étape {number} « {step.title} » ({chapter.title}), sur "
                        f"{tour.page.url} : {error}"
                    ) from error
            taken.append(shots)
        return taken
    finally:
        context.close()


def _take(tour: Tour, step: Step, number: int, pictures: Path) -> Shot:
    if step.prepare is not None:
        step.prepare(tour)
    page = tour.page
    target = step.target(page)
    target.scroll_into_view_if_needed()
    filename = f"{number:02d}-{step.slug or slug(step.title)}.png"
    frame(target, on=True)
    _save_png(page.screenshot(), pictures / filename)
    frame(target, on=False)
    shot = Shot(number, step, filename, heading(page), framed_label(target))
    step.act(tour, target)
    page.wait_for_load_state()
    return shot


def _save_png(screenshot: bytes, path: Path) -> None:
    """The screenshot in 256 colours, optimised: a few dozen kilobytes a page."""
    with Image.open(io.BytesIO(screenshot)) as image:
        reduced = image.convert("RGB").quantize(colors=256)
        reduced.save(path, format="PNG", optimize=True)
