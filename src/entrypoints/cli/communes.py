"""``portail communes``: the communes one deployment serves (``PORTAIL_COMMUNES_FILE``)."""

from __future__ import annotations

import click

from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.errors import ConfigurationError

__all__ = ["group"]


@click.group("communes")
def group() -> None:
    """Communes servies par ce déploiement (fichier PORTAIL_COMMUNES_FILE) : codes, hôtes,
    bases, révisions."""


@group.command("list")
@FORMAT_OPTION
def list_command(output_format: str) -> None:
    """Liste les communes du fichier PORTAIL_COMMUNES_FILE : code, hôtes, base (schéma
    PostgreSQL ou fichier) et révision de son schéma (« à jour » ou « en retard »)."""
    from entrypoints.communes import DEPLOYMENT_VARIABLE, command_services, configured_deployment

    deployment = configured_deployment()
    if deployment is None:
        raise ConfigurationError(
            f"{DEPLOYMENT_VARIABLE} n'est pas défini : ce portail sert une seule commune, "
            "celle de PORTAIL_DATABASE_URL."
        )
    rows = []
    for site in deployment.communes:
        try:
            services = command_services(site.code, create_database=False, lazy=True)
        except ConfigurationError as error:
            revision = f"inaccessible : {error.message}"
        else:
            try:
                current, head = services.revisions()
            except ConfigurationError as error:
                revision = f"inaccessible : {error.message}"
            else:
                state = "à jour" if current == head else "en retard : portail db upgrade"
                revision = f"{current or 'vide'} ({state})"
            finally:
                services.close()
        rows.append((site.code, " ".join(site.hosts), site.database, revision))
    if output_format == "json":
        keys = ("code", "hosts", "database", "revision")
        echo_json([dict(zip(keys, (c, h.split(), d, r), strict=True)) for c, h, d, r in rows])
        return
    echo_rows(["Code", "Hôtes", "Base", "Révision"], rows, output_format)
