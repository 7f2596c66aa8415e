"""The communes of one deployment: each one's settings and services, built on first use.

Without ``PORTAIL_COMMUNES_FILE`` the portal serves one commune from the environment, as it
always did. With it, each commune listed there gets its own ``Settings`` (the environment, with
its database, instance folder, public address, e-mail sender... from the file) and its own
``Services`` (an engine whose connections work in its schema, a small pool), built by
``Communes.services`` the first time the commune is asked for, once per process even when
threads ask together. Each commune's secret key is derived from ``PORTAIL_SECRET_KEY`` and its
code, so that a cookie or CSRF token signed for one commune is worthless in another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from collections.abc import Mapping
from pathlib import Path

from adapters.deployment_file import OPTIONAL_KEYS, CommuneSite, Deployment, read_deployment_file
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from portail_core.errors import ConfigurationError

__all__ = [
    "COMMUNE_VARIABLE",
    "DEPLOYMENT_VARIABLE",
    "CommuneSite",
    "Communes",
    "Deployment",
    "chosen_site",
    "command_commune",
    "command_services",
    "commune_environment",
    "commune_secret_key",
    "commune_settings",
    "configured_deployment",
    "prepare_database",
]

DEPLOYMENT_VARIABLE = "PORTAIL_COMMUNES_FILE"
COMMUNE_VARIABLE = "PORTAIL_COMMUNE"
# Each commune's pool: its share of the database's connections (several communes per process).
COMMUNE_POOL = {"pool_size": 2, "max_overflow": 6}


def configured_deployment(environ: Mapping[str, str] | None = None) -> Deployment | None:
    """The deployment file's communes, or None when ``PORTAIL_COMMUNES_FILE`` is not set."""
    env = os.environ if environ is None else environ
    path = env.get(DEPLOYMENT_VARIABLE, "").strip()
    return read_deployment_file(Path(path)) if path else None


def chosen_site(deployment: Deployment, code: str | None) -> CommuneSite:
    """The commune named (``--commune`` or ``PORTAIL_COMMUNE``), or the only one listed."""
    codes = ", ".join(deployment.codes)
    if code:
        site = deployment.site(code.strip().lower())
        if site is None:
            raise ConfigurationError(
                f"Commune inconnue « {code} » : le fichier des communes liste {codes}."
            )
        return site
    if len(deployment.communes) == 1:
        return deployment.communes[0]
    raise ConfigurationError(
        f"Plusieurs communes sont servies ({codes}) : choisissez-en une avec "
        f"`portail --commune CODE ...` (ou {COMMUNE_VARIABLE}=CODE)."
    )


def commune_secret_key(master: str, code: str) -> str:
    """The commune's own key: HMAC-SHA256 of the deployment's key and the commune's code."""
    digest = hmac.new(master.encode(), f"portail-commune:{code}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def commune_environment(site: CommuneSite, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment as the commune's settings read it: the deployment's, with the
    commune's own values from the file."""
    env = {k: v for k, v in environ.items() if k.startswith("PORTAIL_")}
    env["PORTAIL_INSTANCE_PATH"] = str(site.instance_path)
    env["PORTAIL_PUBLIC_URL"] = site.public_url
    env["PORTAIL_DATABASE_URL"] = _database_url(site, environ)
    master = environ.get("PORTAIL_SECRET_KEY")
    if master:  # without it, each SQLite commune keeps a random key in its instance folder
        env["PORTAIL_SECRET_KEY"] = commune_secret_key(master, site.code)
    for key, value in site.options.items():
        env[OPTIONAL_KEYS[key]] = value
    return env


def commune_settings(
    site: CommuneSite, environ: Mapping[str, str] | None = None, *, require_database: bool = True
) -> Settings:
    env = os.environ if environ is None else environ
    try:
        return Settings.from_env(commune_environment(site, env), require_database=require_database)
    except ConfigurationError as error:
        raise ConfigurationError(f"Commune « {site.code} » : {error.message}") from error


def prepare_database(site: CommuneSite, environ: Mapping[str, str] | None = None) -> bool:
    """Create the commune's schema if it is missing (``portail db upgrade``); True if created."""
    if site.schema is None:
        return False
    from adapters.persistence.schemas import create_schema

    env = os.environ if environ is None else environ
    return create_schema(_shared_database_url(site, env), site.schema)


def _shared_database_url(site: CommuneSite, environ: Mapping[str, str]) -> str:
    base = environ.get("PORTAIL_DATABASE_URL", "").strip()
    if not base.startswith(("postgresql", "postgres")):
        raise ConfigurationError(
            f"Commune « {site.code} » : « schema » demande PORTAIL_DATABASE_URL sur PostgreSQL "
            "(la base partagée par les communes) ; avec SQLite, donnez à chaque commune son "
            "fichier par « database_url »."
        )
    return base


def _database_url(site: CommuneSite, environ: Mapping[str, str]) -> str:
    if site.schema is None:
        return site.database_url or ""
    from adapters.persistence.schemas import schema_url

    return schema_url(_shared_database_url(site, environ), site.schema)


class Communes:
    """Each commune's services, built on first use and kept for the process's life."""

    def __init__(
        self,
        deployment: Deployment,
        environ: Mapping[str, str] | None = None,
        *,
        lazy: bool = False,
        create_database: bool = False,
    ) -> None:
        self.deployment = deployment
        self._environ = dict(os.environ if environ is None else environ)
        self._lazy, self._create_database = lazy, create_database
        self._built: dict[str, Services] = {}
        self._building = threading.Lock()

    @property
    def environ(self) -> Mapping[str, str]:
        """The deployment's environment, which every commune's settings start from."""
        return self._environ

    def services(self, code: str) -> Services:
        built = self._built.get(code)
        if built is not None:
            return built
        with self._building:  # one commune's services once, whichever thread asks first
            built = self._built.get(code)
            if built is None:
                site = self.deployment.site(code)
                if site is None:
                    raise ConfigurationError(f"Commune inconnue « {code} ».")
                settings = commune_settings(
                    site, self._environ, require_database=not self._create_database
                )
                built = bootstrap(
                    settings,
                    create_database=self._create_database,
                    lazy=self._lazy,
                    engine_options=COMMUNE_POOL if not settings.uses_sqlite else None,
                )
                self._built[code] = built
        return built

    def close(self) -> None:
        with self._building:
            for services in self._built.values():
                services.close()
            self._built.clear()


def command_commune(code: str | None) -> str | None:
    """The code of the commune a staff command acts on (as ``command_services`` chooses it),
    for its logs; None without a deployment file."""
    deployment = configured_deployment()
    return None if deployment is None else chosen_site(deployment, code).code


def command_services(code: str | None, *, create_database: bool, lazy: bool) -> Services:
    """A staff command's services: the environment's commune, or the deployment's commune
    ``code`` (``portail --commune CODE``), the only one when the deployment lists one."""
    deployment = configured_deployment()
    if deployment is None:
        if code:
            raise ConfigurationError(
                f"--commune {code} (ou {COMMUNE_VARIABLE}) demande un fichier des communes : "
                f"{DEPLOYMENT_VARIABLE} n'est pas défini, ce portail sert une seule commune."
            )
        return bootstrap(create_database=create_database, lazy=lazy)
    site = chosen_site(deployment, code)
    if create_database:
        prepare_database(site)
    settings = commune_settings(site, require_database=not create_database)
    return bootstrap(settings, create_database=create_database, lazy=lazy)
