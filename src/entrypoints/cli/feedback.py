"""How commands report domain errors: the French message on stderr and the mapped exit code."""

from __future__ import annotations

from typing import NoReturn

import click

from entrypoints.errors import present
from portail_core.errors import PortailError

__all__ = ["fail_with"]


def fail_with(error: PortailError) -> NoReturn:
    click.echo(f"Erreur : {error.message}", err=True)
    for field_name, problem in getattr(error, "problems", {}).items():
        click.echo(f"  - {field_name} : {problem}", err=True)
    raise SystemExit(present(error).exit_code)
