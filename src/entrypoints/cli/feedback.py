"""How commands report domain errors: the French message on stderr and the mapped exit code."""

from __future__ import annotations

from typing import NoReturn

import click

from entrypoints.bootstrap import Services
from entrypoints.errors import present
from portail_core.errors import ConfigurationError, PortailError

__all__ = ["fail_with", "require_current_schema"]


def fail_with(error: PortailError) -> NoReturn:
    click.echo(f"Erreur : {error.message}", err=True)
    for field_name, problem in getattr(error, "problems", {}).items():
        click.echo(f"  - {field_name} : {problem}", err=True)
    raise SystemExit(present(error).exit_code)


def require_current_schema(services: Services) -> None:
    """Stop with a clear message when the database is behind the code's migrations."""
    if not services.schema_is_current():
        fail_with(
            ConfigurationError(
                "La base de données n'est pas à jour : lancez d'abord `portail db upgrade`."
            )
        )
