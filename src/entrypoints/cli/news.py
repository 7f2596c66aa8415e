"""``portail news``: the town's news, written and published by the desk."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, file_error
from portail_core.domain.news import MAX_TEXT
from portail_core.errors import InvalidInput
from portail_core.services.news.desk import NewsLine

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_OPTIONS = {
    "title": "--title",
    "text": "--text / --text-file",
    "from": "--from",
    "until": "--until",
    "establishment": "--establishment",
}


def _read_text(text: str | None, path: Path | None) -> str:
    if (text is None) == (path is None):
        raise InvalidInput("Donnez le texte avec --text ou --text-file (l'un des deux).")
    if path is None:
        return text or ""
    try:
        with path.open("r", encoding="utf-8") as handle:
            return handle.read(MAX_TEXT * 4 + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise file_error("lire", path, error) from error


def _described(line: NewsLine) -> str:
    item = line.item
    return (
        f"Actualité n° {item.id} « {item.title} » ({line.status.label}), pour {line.audience}, "
        f"{item.period()}"
    )


@click.group("news")
def group() -> None:
    """Actualités de la commune : écrire (brouillon), publier, retirer, lister.

    Une actualité s'adresse à toutes les familles ou aux familles d'une structure (celles dont
    un enfant peut la fréquenter). Elle paraît sur la page d'accueil des familles et dans
    « Informations utiles », du premier au dernier jour choisis, tant qu'elle est publiée.
    """


@group.command("add")
@click.option(
    "--title", required=True, metavar="TITRE", help="Titre (une ligne, 150 caractères au plus)."
)
@click.option("--text", metavar="TEXTE", help="Texte (voir la mise en forme ci-dessous).")
@click.option(
    "--text-file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier texte UTF-8 contenant le texte.",
)
@click.option("--from", "first", type=DateParam(), help="Premier jour affiché (défaut : ce jour).")
@click.option("--until", "last", type=DateParam(), help="Dernier jour affiché (défaut : sans fin).")
@click.option(
    "--establishment",
    "code",
    metavar="CODE",
    help="Seulement pour les familles de cette structure (code du fichier de la commune).",
)
@pass_services
def add_command(
    services: Services,
    title: str,
    text: str | None,
    path: Path | None,
    first: date | None,
    last: date | None,
    code: str | None,
) -> None:
    """Écrit une actualité, en brouillon : `portail news publish N°` la met en ligne.

    Mise en forme du texte (5 000 caractères au plus) : une ligne vide sépare deux
    paragraphes ; *italique*, **gras** ; listes avec « - » ou « 1. » en début de ligne ;
    liens [texte](https://...) ou [texte](mailto:...). Tout autre balisage (HTML, script)
    s'affiche tel quel, comme du texte. Inscrit au journal (news.add).
    """
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        line = services.portail.news.add(
            title=title,
            text=_read_text(text, path),
            first_day=first,
            last_day=last,
            establishment_code=code,
            actor=staff_actor(),
        )
    click.echo(f"{_described(line)} enregistrée.")
    click.echo(f"Pour la mettre en ligne : portail news publish {line.item.id}")


@group.command("publish")
@click.argument("news_id", metavar="N°", type=click.IntRange(1))
@pass_services
def publish_command(services: Services, news_id: int) -> None:
    """Met une actualité en ligne : les familles la voient de son premier à son dernier jour.
    Inscrit au journal (news.publish)."""
    require_current_schema(services)
    line = services.portail.news.publish(news_id, actor=staff_actor())
    click.echo(f"{_described(line)} : publiée.")


@group.command("unpublish")
@click.argument("news_id", metavar="N°", type=click.IntRange(1))
@pass_services
def unpublish_command(services: Services, news_id: int) -> None:
    """Retire une actualité du portail (elle reste listée ici, en brouillon, et peut être
    publiée de nouveau). Inscrit au journal (news.unpublish)."""
    require_current_schema(services)
    line = services.portail.news.unpublish(news_id, actor=staff_actor())
    click.echo(f"{_described(line)} : retirée du portail.")


@group.command("list")
@FORMAT_OPTION
@pass_services
def list_command(services: Services, output_format: str) -> None:
    """Les actualités, la plus récente d'abord : état du jour (brouillon, programmée, en
    ligne, expirée), public, dates, titre."""
    require_current_schema(services)
    lines = services.portail.news.listing()
    if output_format == "json":
        echo_json([_json(line) for line in lines])
        return
    rows = [
        (
            line.item.id,
            line.status.label,
            line.audience,
            line.item.period(),
            line.item.title,
        )
        for line in lines
    ]
    if output_format == "csv":
        echo_rows(("n", "etat", "public", "dates", "titre"), rows, "csv")
        return
    if not rows:
        click.echo("Aucune actualité.")
        return
    echo_rows(("n°", "état", "public", "dates", "titre"), rows, "table")


def _json(line: NewsLine) -> dict[str, Any]:
    item = line.item
    return {
        "id": item.id,
        "title": item.title,
        "text": item.text,
        "status": line.status.value,
        "published": item.published,
        "first_day": item.first_day.isoformat(),
        "last_day": None if item.last_day is None else item.last_day.isoformat(),
        "establishment": item.establishment_code,
        "created_at": item.created_at.isoformat(),
        "created_by": item.created_by.identifier,
    }
