"""The commune file's ``[look]`` table: the main colour and the logo, each mistake refused in
French at its place, nothing loaded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from adapters.commune_file import read_commune_file
from portail_core.domain.look import CommuneLook, LogoFormat
from portail_core.errors import InvalidInput
from portail_core.services.communes import commune_from
from tests.integration.test_commune_file import MINIMAL


def png(size: tuple[int, int] = (160, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def with_look(look: str) -> str:
    return MINIMAL.replace("[[schools]]", f"[look]\n{look}\n\n[[schools]]", 1)


def errors_of(text: str, directory: Path | None) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        read_commune_file(text, directory)
    assert "rien n'est chargé" in caught.value.message
    return caught.value.problems


def test_a_file_without_look_keeps_the_portal_s_own() -> None:
    details = read_commune_file(MINIMAL).details
    assert details.colour is None
    assert details.logo is None
    assert commune_from(details).look == CommuneLook()


def test_colour_and_logo_are_read_the_logo_from_the_file_s_folder(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    content = png()
    (tmp_path / "images" / "logo.png").write_bytes(content)
    text = with_look('colour = "#1D4E2C"\nlogo = "images/logo.png"')
    details = read_commune_file(text, tmp_path).details
    assert details.colour == "#1D4E2C"
    assert details.logo is not None
    assert details.logo.content == content
    look = commune_from(details).look
    assert look.colour == "#1d4e2c"
    assert look.logo == details.logo.logo
    assert look.logo.format is LogoFormat.PNG


def test_an_empty_look_table_is_the_portal_s_own_look() -> None:
    assert commune_from(read_commune_file(with_look("")).details).look == CommuneLook()


def test_a_pale_colour_is_refused_at_its_place_with_the_ratio() -> None:
    problems = errors_of(with_look('colour = "#3399ff"'), None)
    (where,) = problems
    assert where.startswith("look > colour (ligne ")
    message = problems[where]
    assert "contraste de 2,94:1" in message
    assert "il faut au moins 4,5:1" in message


def test_a_colour_not_written_rrggbb_is_refused() -> None:
    problems = errors_of(with_look('colour = "vert"'), None)
    assert '"#RRGGBB"' in problems[next(iter(problems))]
    assert next(iter(problems)).startswith("look > colour")


def test_an_unknown_key_of_look_is_refused() -> None:
    problems = errors_of(with_look('color = "#1d4e2c"'), None)
    assert problems == {"look (ligne 7)": "clé(s) inconnue(s) : color"}


def test_a_missing_logo_is_refused_naming_it(tmp_path: Path) -> None:
    problems = errors_of(with_look('logo = "absent.png"'), tmp_path)
    assert problems == {
        "look > logo (ligne 8)": (
            f"« absent.png » est introuvable à côté du fichier de la commune ({tmp_path})"
        )
    }


def test_an_svg_logo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "utf-8"
    )
    problems = errors_of(with_look('logo = "logo.svg"'), tmp_path)
    message = problems["look > logo (ligne 8)"]
    assert message.startswith("« logo.svg » : le logo doit être une image PNG, JPEG ou WebP")
    assert "le SVG n'est pas accepté" in message


def test_a_png_renamed_svg_is_read_as_the_png_it_is(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_bytes(png())
    details = read_commune_file(with_look('logo = "logo.svg"'), tmp_path).details
    assert details.logo is not None
    assert details.logo.format is LogoFormat.PNG


def test_a_heavy_logo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(png() + b"\0" * (200 * 1024))
    problems = errors_of(with_look('logo = "logo.png"'), tmp_path)
    assert problems == {
        "look > logo (ligne 8)": "« logo.png » pèse plus de 200 Ko : réduisez l'image"
    }


def test_a_folder_or_an_absolute_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    assert errors_of(with_look('logo = "images"'), tmp_path) == {
        "look > logo (ligne 8)": "« images » est un dossier, pas une image"
    }
    absolute = str(tmp_path / "logo.png")
    problems = errors_of(with_look(f'logo = "{absolute}"'), tmp_path)
    assert "pas un chemin absolu" in problems["look > logo (ligne 8)"]


def test_a_logo_outside_the_file_s_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "commune"
    (folder / "images").mkdir(parents=True)
    (tmp_path / "logo.png").write_bytes(png())
    (folder / "images" / "logo.png").write_bytes(png())
    problems = errors_of(with_look('logo = "images/../../logo.png"'), folder)
    assert problems == {
        "look > logo (ligne 8)": "« images/../../logo.png » est hors du dossier du fichier de "
        "la commune : posez le logo dans ce dossier ou l'un de ses sous-dossiers"
    }
    details = read_commune_file(with_look('logo = "images/../images/logo.png"'), folder).details
    assert details.logo is not None


def test_a_text_read_from_nowhere_cannot_name_a_logo() -> None:
    problems = errors_of(with_look('logo = "logo.png"'), None)
    assert "chargez ce fichier depuis le disque" in problems["look > logo (ligne 8)"]


def test_every_problem_of_look_is_listed_with_the_others(tmp_path: Path) -> None:
    text = with_look('colour = "#ffff00"\nlogo = "absent.png"').replace(
        'school_zone = "A"', 'school_zone = "Z"'
    )
    problems = errors_of(text, tmp_path)
    assert {where.partition(" (")[0] for where in problems} == {
        "commune > school_zone",
        "look > colour",
        "look > logo",
    }
