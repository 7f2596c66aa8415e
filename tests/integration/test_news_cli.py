"""``portail news add|publish|unpublish|list`` through click's CliRunner, on SQLite and
PostgreSQL: a draft from a text file, published, listed, taken back, each action audited; bad
input answers in French (the option named) and keeps nothing."""

import json
from pathlib import Path

import pytest

from tests.integration.test_family_edit_cli import Desk, desk  # noqa: F401  (fixture reused)


def audit_actions(desk: Desk) -> list[str]:
    events = json.loads(desk("audit", "list", "--format", "json").output)
    return [e["action"] for e in events if e["action"].startswith("news.")]


def test_a_news_item_from_a_file_is_published_listed_and_taken_back(
    desk: Desk, tmp_path: Path
) -> None:
    text = tmp_path / "fete.md"
    text.write_text("Rendez-vous **samedi**.\n\n- jeux\n- goûter\n", "utf-8")
    added = desk(
        "news", "add", "--title", "Fête de l'école", "--text-file", str(text),
        "--from", "01/06/2026", "--until", "2036-06-30", "--establishment", "aps-plage",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output == (
        "Actualité n° 1 « Fête de l'école » (brouillon), pour les familles de « Accueil "
        "périscolaire de l'école de la Plage », du 01/06/2026 au 30/06/2036 enregistrée.\n"
        "Pour la mettre en ligne : portail news publish 1\n"
    )
    published = desk("news", "publish", "1")
    assert published.exit_code == 0, published.output
    assert "(en ligne)" in published.output
    assert published.output.endswith(": publiée.\n")
    listed = json.loads(desk("news", "list", "--format", "json").output)
    assert [(n["id"], n["status"], n["establishment"]) for n in listed] == [
        (1, "en ligne", "APS-PLAGE")
    ]
    assert listed[0]["text"] == "Rendez-vous **samedi**.\n\n- jeux\n- goûter"
    table = desk("news", "list").output
    assert "en ligne" in table
    assert "Fête de l'école" in table
    assert desk("news", "publish", "1").exit_code == 5  # already published
    taken_back = desk("news", "unpublish", "1")
    assert taken_back.exit_code == 0, taken_back.output
    assert "(brouillon)" in taken_back.output
    assert audit_actions(desk) == ["news.unpublish", "news.publish", "news.add"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--title", "T"), 2, "Donnez le texte avec --text ou --text-file"),
        (("--title", "", "--text", "x"), 2, "--title : Le titre est obligatoire"),
        (("--title", "T", "--text", "x", "--from", "2026-07-01", "--until", "2026-06-01"), 2,
         "--until : La date de fin (01/06/2026) précède la date de début (01/07/2026)."),
        (("--title", "T", "--text", "x", "--until", "31/02/2026"), 2, "31/02/2026"),
        (("--title", "T", "--text", "x", "--establishment", "NULLEPART"), 3,
         "Aucune structure « NULLEPART »"),
        (("--title", "T", "--text", "x", "--establishment", "SMA"), 4,
         "ne prend pas de réservations sur le portail"),
        (("--title", "T", "--text-file", "/nulle/part.md"), 2, "Impossible de lire"),
    ],
)  # fmt: skip
def test_bad_input_is_explained_in_french_and_nothing_is_written(
    desk: Desk, args: tuple[str, ...], code: int, message: str
) -> None:
    result = desk("news", "add", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert desk("news", "list").output == "Aucune actualité.\n"
    assert audit_actions(desk) == []


def test_an_unknown_number_answers_3(desk: Desk) -> None:
    result = desk("news", "publish", "9")
    assert result.exit_code == 3
    assert "Aucune actualité n° 9." in result.output
