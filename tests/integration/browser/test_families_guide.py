"""``make guide``: the families' guide made from the demo portal in Chromium. Every journey of
the guide runs (a changed label makes its step fail), every screenshot the Markdown names exists,
is at most 1280 pixels wide and has its text alternative, and the PDF is tagged (PDF/UA), in
French, with the same text alternatives on its pictures. The guide runs as ``make guide`` runs
it, in a process of its own: its Playwright cannot share a thread with the other browser tests'
(whose event loop is running)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from entrypoints.guide import GUIDE_NAME
from entrypoints.guide.chapters import CHAPTERS
from entrypoints.guide.script import slug
from tests.integration.browser.conftest import chromium_or_skip

pytestmark = pytest.mark.browser

PICTURE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<path>[^)]+)\)$", re.MULTILINE)


def figures_alt(node: Any, found: list[str]) -> list[str]:
    """The /Alt of every Figure in the PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, dict):
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        children = node.get("/K")
        for child in children if isinstance(children, list) else [children]:
            if child is not None:
                figures_alt(child, found)
    return found


def test_every_journey_runs_and_every_screenshot_is_there_with_its_alt(tmp_path: Path) -> None:
    chromium_or_skip()
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.guide", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / f"{GUIDE_NAME}.md").read_text("utf-8")

    pictures = PICTURE.findall(text)
    steps = [step for chapter in CHAPTERS for step in chapter.steps]
    assert len(pictures) == len(steps)
    for number, (alt, path) in enumerate(pictures, start=1):
        assert path.startswith(f"{GUIDE_NAME}/{number:02d}-"), path
        assert len(alt) > 40, f"capture {number}: « {alt} » says too little"
        with Image.open(tmp_path / path) as image:
            assert image.format == "PNG"
            assert image.width <= 1280
        assert f"*Capture {number} : page « " in text
    assert sorted(p.name for p in (tmp_path / GUIDE_NAME).iterdir()) == sorted(
        Path(path).name for _, path in pictures
    )
    for chapter in CHAPTERS:
        assert f". {chapter.title}\n" in text
    assert "Réservation confirmée" in text  # a heading read from the live page

    reader = PdfReader(tmp_path / f"{GUIDE_NAME}.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata is not None
    assert reader.metadata.title == "Guide des familles"
    assert figures_alt(root["/StructTreeRoot"], []) == [
        re.sub(r"\\(.)", r"\1", alt) for alt, _ in pictures
    ]


def test_the_steps_have_distinct_pictures() -> None:
    names = [step.slug or slug(step.title) for chapter in CHAPTERS for step in chapter.steps]
    assert all(names)
    assert slug("Sélectionnez l’établissement") == "selectionnez-l-etablissement"
