"""What every command shares: the services, and how errors are reported.

Domain errors print their French message on stderr and exit with the code mapped in
``entrypoints.errors``; anything unexpected prints a short French message and exits 1 (set
PORTAIL_DEBUG=1 to see the traceback). click's own usage errors are in French too
(``entrypoints.cli.french``).
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click

from entrypoints.cli.french import french_quotes, speaking_french
from entrypoints.errors import present
from portail_core.domain.audit import Actor
from portail_core.domain.shared.text import LINES, printable, refusal, refused_character
from portail_core.errors import ConfigurationError, InvalidInput, PortailError

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services

__all__ = [
    "PortailGroup",
    "fail_with",
    "named_as_options",
    "pass_services",
    "pass_services_creating_database",
    "require_current_schema",
    "staff_actor",
]

log = logging.getLogger("portail.cli")
P = ParamSpec("P")
R = TypeVar("R")


def fail_with(error: PortailError) -> NoReturn:
    click.echo(f"Erreur : {error.message}", err=True)
    for field_name, problem in (getattr(error, "problems", None) or {}).items():
        if problem != error.message:  # said once, not again as the field's problem
            click.echo(f"  - {field_name} : {problem}", err=True)
    raise SystemExit(present(error).exit_code)


class PortailGroup(click.Group):
    """A group whose commands speak French and report every failure in French with a meaningful
    exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with speaking_french():
            return super().main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The text rule on every argument typed, before any is read (exit 2)."""
        for arg in args:
            char = refused_character(arg, allow=LINES)
            if char is not None:
                with french_quotes():
                    raise click.UsageError(f"« {printable(arg, 60)} » : {refusal(char)}", ctx)
        return super().parse_args(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with french_quotes():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with french_quotes():
                return super().invoke(ctx)
        except PortailError as error:
            fail_with(error)
        except (
            click.exceptions.Exit,
            click.ClickException,
            click.Abort,  # a refused confirmation: click prints "Abandon." and exits 1
            SystemExit,
            KeyboardInterrupt,
            # The reader of the output went away (`portail outbox send | head`): click's main
            # stops quietly, as Unix tools do (exit code 1, nothing printed).
            BrokenPipeError,
        ):
            raise
        except Exception as error:
            if os.environ.get("PORTAIL_DEBUG") == "1":
                raise
            log.debug("unexpected error", exc_info=error)
            click.echo(
                f"Erreur inattendue ({type(error).__name__}) : rien n'a été enregistré. "
                "Relancez avec PORTAIL_DEBUG=1 pour le détail technique.",
                err=True,
            )
            raise SystemExit(1) from error


def pass_services(command: Callable[Concatenate[Services, P], R]) -> Callable[P, R]:
    """Give the command the services, bootstrapping them on first use: a missing SQLite
    database stops the command (exit code 7), it is never created here."""
    return _passing_services(command, create_database=False)


def pass_services_creating_database(
    command: Callable[Concatenate[Services, P], R],
) -> Callable[P, R]:
    """As ``pass_services``, creating the SQLite database if missing (``portail db upgrade``)."""
    return _passing_services(command, create_database=True)


def _passing_services(
    command: Callable[Concatenate[Services, P], R], *, create_database: bool
) -> Callable[P, R]:
    @functools.wraps(command)
    def with_services(*args: P.args, **kwargs: P.kwargs) -> R:
        root = click.get_current_context().find_root()
        if root.obj is None:
            from entrypoints.communes import command_commune, command_services  # when it runs
            from entrypoints.logs import logging_as_commune

            # its logs name the commune it acts on (with a deployment file), until it ends
            root.with_resource(logging_as_commune(command_commune(root.params.get("commune"))))
            # lazy: a command imports the capabilities it uses, and zeep only if it pays.
            services = command_services(
                root.params.get("commune"), create_database=create_database, lazy=True
            )
            root.obj = services
            root.call_on_close(services.close)
        return command(root.obj, *args, **kwargs)

    return with_services


def require_current_schema(services: Services) -> None:
    """Stop with a clear message when the database is behind the code's migrations."""
    if not services.schema_is_current():
        fail_with(
            ConfigurationError(
                "La base de données n'est pas à jour : lancez d'abord `portail db upgrade`."
            )
        )


def staff_actor() -> Actor:
    """The member of staff running the command, as the audit trail names them (their login)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "inconnu"
    return Actor.staff(login)


@contextlib.contextmanager
def named_as_options(options: Mapping[str, str]) -> Iterator[None]:
    """Each refused field named by the option that gave it (« --to : ... »): ``options`` maps
    the core's field names to the command's options."""
    try:
        yield
    except InvalidInput as error:
        problems = {options.get(k, k): v for k, v in error.problems.items()}
        raise InvalidInput(error.message, problems) from error
