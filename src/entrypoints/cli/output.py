"""Output helpers shared by the commands: tables for people, JSON and CSV for programs."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import click

__all__ = ["FORMAT_OPTION", "DateParam", "echo_json", "echo_rows"]

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table pour lire, json ou csv pour un autre programme.",
)


class DateParam(click.ParamType[date]):
    """A date written AAAA-MM-JJ, refused in French otherwise."""

    name = "AAAA-MM-JJ"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"« {value} » n'est pas une date au format AAAA-MM-JJ (ex. : 2027-02-15).")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], output_format: str) -> None:
    """Rows as an aligned table (for people) or CSV; JSON callers build their own objects."""
    cells = [[str(cell) for cell in row] for row in rows]
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(cells)
        click.echo(buffer.getvalue(), nl=False)
        return
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
