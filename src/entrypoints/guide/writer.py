"""The guide as Markdown (``docs/guide-familles.md``, its pictures beside it) and as a tagged
PDF (PDF/UA-1: headings, pictures with their text alternative, French, titled), the Markdown
rendered by markdown-it-py and laid out by WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from entrypoints.guide.script import Section, Shot

__all__ = ["TITLE", "markdown", "pdf"]

TITLE = "Guide des familles"
INTRODUCTION = """\
Le Portail Famille est l'espace en ligne de la commune pour les services municipaux de vos
enfants. Ce guide suit pas à pas les démarches du portail ; ses captures d'écran sont prises sur
le portail lui-même, dans la ville de démonstration (Ville de Démo-sur-Mer, famille Martin, au
{day}) : dans votre commune, les noms, les structures, les tarifs et les dates sont les vôtres.
Sur chaque capture, un cadre rouge montre l'endroit où agir.
"""
GENERATED = (
    "<!-- Écrit par `make guide` (src/entrypoints/guide) à partir du portail : "
    "ne pas modifier à la main, modifier le script du guide. -->"
)
STYLESHEET = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 20pt; }
h2 { font-size: 15pt; break-before: page; }
h3 { font-size: 12pt; break-after: avoid; }
img { width: 100%; border: 1px solid #888; }
p:has(img) { break-inside: avoid; }
"""


def markdown(
    chapters: tuple[Section, ...], shots: list[list[Shot]], *, day: str, folder: str
) -> str:
    """The guide's text: ``folder`` is the pictures' folder, relative to the Markdown file."""
    parts = [f"# {TITLE}", GENERATED, INTRODUCTION.format(day=day).strip()]
    for index, (chapter, taken) in enumerate(zip(chapters, shots, strict=True), start=1):
        parts.append(f"## {index}. {chapter.title}")
        if chapter.prose:
            parts.append(chapter.prose.strip())
        for order, shot in enumerate(taken, start=1):
            parts.append(f"### {index}.{order}. {shot.step.title}")
            if shot.step.prose:
                parts.append(shot.step.prose.strip())
            parts.append(f"![{_escaped(shot.alt)}]({folder}/{shot.filename})")
            parts.append(f"*Capture {shot.number} : page « {_escaped(shot.heading)} ».*")
        if chapter.after:
            parts.append(chapter.after.strip())
    return "\n\n".join(parts) + "\n"


def pdf(text: str, base: Path) -> bytes:
    """The Markdown as a tagged PDF; ``base`` is the folder the pictures' paths start from."""
    from weasyprint import CSS, HTML  # heavy: imported on first use

    body = MarkdownIt("commonmark").render(text)
    page = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{TITLE}</title>'
        f"</head><body>{body}</body></html>"
    )
    document = HTML(string=page, base_url=f"{base.resolve().as_uri()}/")
    written: Any = document.write_pdf(
        stylesheets=[CSS(string=STYLESHEET)],
        pdf_variant="pdf/ua-1",
        pdf_identifier=b"guide-familles",
        uncompressed_pdf=False,
    )
    return bytes(written)


def _escaped(text: str) -> str:
    """Text safe inside Markdown's brackets and emphasis."""
    for special in "\\[]*_`":
        text = text.replace(special, "\\" + special)
    return text
