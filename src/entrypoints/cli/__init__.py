"""The staff's command line: ``portail <group> <command>``.

The root group bootstraps the services into ``ctx.obj`` only when none were given, so tests pass
their own with ``CliRunner().invoke(main, args, obj=services)``.
"""

from __future__ import annotations

import click

from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import db, demo, serve
from entrypoints.cli.feedback import fail_with
from portail_core.errors import PortailError

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portail-famille", message="portail %(version)s")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Portail Famille : les commandes du guichet unique.

    La configuration vient des variables d'environnement PORTAIL_* (voir docs/operator-guide.md).
    """
    if ctx.obj is None:
        try:
            services: Services = bootstrap()
        except PortailError as error:
            fail_with(error)
        ctx.obj = services
        ctx.call_on_close(services.close)


main.add_command(db.group)
main.add_command(demo.group)
main.add_command(serve.command)
