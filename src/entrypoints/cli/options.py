"""Options several command groups share: the establishment, codes in capitals, number ranges
said in French."""

from __future__ import annotations

from typing import Any

import click

__all__ = ["ESTABLISHMENT_OPTION", "FrenchIntRange", "as_code", "french_ranges"]


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


def _number(value: float) -> str:
    return f"{value:,}".replace(",", " ")  # 10 000


class FrenchIntRange(click.IntRange):
    """An integer range that help and errors describe in French (« au moins 1 », « de 1 à
    10 000 ») where click writes ``x>=1`` and ``1<=x<=10000``."""

    def _describe_range(self) -> str:
        low = None if self.min is None else self.min + (1 if self.min_open else 0)
        high = None if self.max is None else self.max - (1 if self.max_open else 0)
        if low is not None and high is not None:
            return f"de {_number(low)} à {_number(high)}"
        if low is not None:
            return f"au moins {_number(low)}"
        return f"au plus {_number(high or 0)}"


def french_ranges(command: click.Command) -> None:
    """Give every integer range of ``command`` and its subcommands the French description."""
    for param in command.params:
        kind = param.type
        if isinstance(kind, click.IntRange) and not isinstance(kind, FrenchIntRange):
            param.type = FrenchIntRange(
                kind.min, kind.max, min_open=kind.min_open, max_open=kind.max_open, clamp=kind.clamp
            )
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            french_ranges(subcommand)
