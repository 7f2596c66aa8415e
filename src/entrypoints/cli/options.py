"""Options several command groups share: the establishment, codes in capitals."""

from __future__ import annotations

from typing import Any

import click

__all__ = ["ESTABLISHMENT_OPTION", "as_code"]


def as_code(_: click.Context, __: click.Parameter, value: Any) -> Any:
    """Codes are capitals in the catalogue: « alsh » is ALSH."""
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, tuple):
        return tuple(v.strip().upper() for v in value)
    return value


ESTABLISHMENT_OPTION = click.option(
    "--establishment",
    "code",
    required=True,
    metavar="CODE",
    callback=as_code,
    help="Code de la structure (ex. : ALSH ; voir `portail catalogue show`).",
)
