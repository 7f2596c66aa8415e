"""The ``[look]`` table: the commune's main colour, and its logo, an image file named from the
commune file's folder (a text read from elsewhere cannot name a logo)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from attrs import evolve

from adapters.commune_file.locations import Segment
from adapters.commune_file.model import FileLook
from portail_core.domain.look import MAX_LOGO_BYTES, LogoImage, read_logo
from portail_core.services.catalogue.commune_file import CommuneFile

__all__ = ["FileLook", "logo_of", "with_look"]


def with_look(
    read: CommuneFile,
    look: FileLook | None,
    directory: Path | None,
    problem: Callable[[list[Segment], str], None],
) -> CommuneFile:
    """``read`` with the colour and the logo of ``look``; a logo that cannot be read is a
    ``problem`` at ``[look] logo`` (the colour is checked with the commune)."""
    if look is None:
        return read
    logo = None
    if look.logo is not None:
        logo, refused = logo_of(look.logo, directory)
        if refused is not None:
            problem([("look", None), ("logo", None)], refused)
    return evolve(read, details=evolve(read.details, colour=look.colour, logo=logo))


def logo_of(name: str, directory: Path | None) -> tuple[LogoImage | None, str | None]:
    """The logo ``name`` (a path relative to ``directory``), read and checked, or why not (in
    French, for the place ``[look] logo``)."""
    if directory is None:
        return None, (
            "le logo se lit à côté du fichier de la commune : chargez ce fichier depuis le disque "
            "(portail catalogue load FICHIER)"
        )
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute():
        return None, (
            f"« {name} » : indiquez le chemin du logo à partir du dossier du fichier de la "
            'commune (ex. : logo = "logo-mairie.png"), pas un chemin absolu'
        )
    path = directory / name
    if not path.resolve().is_relative_to(directory.resolve()):
        return None, (
            f"« {name} » est hors du dossier du fichier de la commune : posez le logo dans ce "
            "dossier ou l'un de ses sous-dossiers"
        )
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_LOGO_BYTES + 1)  # more than that is refused anyway
    except FileNotFoundError:
        return None, f"« {name} » est introuvable à côté du fichier de la commune ({directory})"
    except IsADirectoryError:
        return None, f"« {name} » est un dossier, pas une image"
    except OSError as error:
        return None, f"« {name} » n'a pas pu être lu ({error.strerror or error})"
    try:
        return read_logo(content), None
    except ValueError as error:
        if len(content) > MAX_LOGO_BYTES:
            return None, f"« {name} » pèse plus de 200 Ko : réduisez l'image"
        return None, f"« {name} » : {error}"
