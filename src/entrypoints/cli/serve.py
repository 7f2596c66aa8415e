"""``portail serve``: serve the families' portal with gunicorn, or werkzeug for a local trial.

In production (the default) gunicorn's arbiter forks ``--workers`` processes (the CPUs this
process may use), each serving ``--threads`` requests at once; each worker builds its own
portal (``create_app()`` from the environment), so no database connection crosses a fork.
gunicorn reloads gracefully on SIGHUP and stops gracefully on SIGTERM. The client's address and
scheme come from ``PORTAIL_TRUSTED_PROXIES`` only (werkzeug's ProxyFix in ``create_app``):
gunicorn's own trust of ``X-Forwarded-Proto`` is switched off. ``--development`` runs werkzeug's
server, one process (``make run``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema
from entrypoints.logs import JsonFormatter, configure_logging, json_requested
from portail_core.errors import ConfigurationError

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["command", "gunicorn_options", "usable_cpus"]


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, e.g. a container's cpuset)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def gunicorn_options(bind: str, workers: int, threads: int, access_log: bool) -> dict[str, Any]:
    """gunicorn's settings for ``portail serve``."""
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "proc_name": "portail",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "secure_scheme_headers": {},  # the scheme is ProxyFix's, under PORTAIL_TRUSTED_PROXIES
        "preload_app": False,  # each worker opens its own database connections
        "graceful_timeout": 30,
        # gunicorn 27's control socket is one path per user (~/.gunicorn/gunicorn.ctl): two
        # servers of one user on one host would take it from each other. Nothing here uses it.
        "control_socket_disable": True,
    }


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d'écoute."
)
@click.option("--port", default=5000, show_default=True, metavar="N", type=click.IntRange(1, 65535))
@click.option(
    "--bind",
    metavar="ADRESSE",
    help="Adresse d'écoute de gunicorn, au lieu de --host et --port : HÔTE:PORT ou unix:CHEMIN.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    metavar="N",
    help="Processus de gunicorn (par défaut : un par processeur).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    metavar="N",
    help="Requêtes servies en même temps par chaque processus.",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Journal des requêtes sur la sortie standard (secrets des liens masqués).",
)
@click.option(
    "--development",
    is_flag=True,
    help="Serveur de développement (werkzeug, un processus) pour un essai local, "
    "jamais en production.",
)
def command(
    host: str,
    port: int,
    bind: str | None,
    workers: int | None,
    threads: int,
    access_log: bool,
    development: bool,
) -> None:
    """Sert le portail des familles avec gunicorn (production).

    SIGHUP recharge le portail sans couper les requêtes en cours ; SIGTERM l'arrête
    proprement. Refuse de démarrer sur une base qui n'est pas à jour. Avec un fichier des
    communes (PORTAIL_COMMUNES_FILE), sert toutes ses communes, chacune sur ses noms d'hôte.
    """
    root = click.get_current_context().find_root()
    if root.obj is None:
        from entrypoints.communes import configured_deployment

        if configured_deployment() is not None:
            _serve_deployment(host, port, bind, workers, threads, access_log, development)
            return
    _serve_one(host, port, bind, workers, threads, access_log, development)


@pass_services
def _serve_one(
    services: Services,
    host: str,
    port: int,
    bind: str | None,
    workers: int | None,
    threads: int,
    access_log: bool,
    development: bool,
) -> None:
    require_current_schema(services)
    json_requested()  # a wrong PORTAIL_LOG_FORMAT stops here, not in every worker
    if development:
        _serve_for_development(services, host, port)
        return
    services.close()  # the workers open their own; nothing inherited across the fork
    _launch_gunicorn("", bind or f"{host}:{port}", workers, threads, access_log, _one_portal)


def _one_portal() -> Any:
    from entrypoints.web import create_app

    return create_app()


def _serve_deployment(
    host: str,
    port: int,
    bind: str | None,
    workers: int | None,
    threads: int,
    access_log: bool,
    development: bool,
) -> None:
    """Every commune of the deployment file, each on its hosts; each commune's schema is
    checked before serving."""
    from entrypoints.communes import Communes, configured_deployment

    deployment = configured_deployment()
    assert deployment is not None  # noqa: S101  (checked by the caller)
    communes = Communes(deployment, lazy=True)
    try:
        for code in deployment.codes:
            services = communes.services(code)
            if not services.schema_is_current():
                raise ConfigurationError(
                    f"La base de la commune « {code} » n'est pas à jour : lancez d'abord "
                    "`portail db upgrade`."
                )
    finally:
        communes.close()
    json_requested()
    names = ", ".join(deployment.codes)
    if development:
        from werkzeug.serving import run_simple

        from entrypoints.web import dispatcher_from_environment

        if json_requested():
            configure_logging(logging.INFO)
        app = dispatcher_from_environment(Communes(deployment))
        click.echo(f"Portail Famille ({names}) : http://{host}:{port}/  (Ctrl+C pour arrêter)")
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
        return
    address = bind or f"{host}:{port}"
    _launch_gunicorn(f"{names} ; ", address, workers, threads, access_log, _deployment_portal)


def _launch_gunicorn(
    label: str,
    address: str,
    workers: int | None,
    threads: int,
    access_log: bool,
    load: Callable[[], Any],
) -> None:
    """Say what is served (``label``: the communes, or nothing for one), then run gunicorn."""
    options = gunicorn_options(address, workers or usable_cpus(), threads, access_log)
    click.echo(
        f"Portail Famille ({label}gunicorn, {options['workers']} processus × {threads} fils) : "
        f"{options['bind'][0]}"
    )
    _run_gunicorn(options, load)


def _deployment_portal() -> Any:
    from entrypoints.communes import Communes, configured_deployment
    from entrypoints.web import dispatcher_from_environment

    deployment = configured_deployment()
    assert deployment is not None  # noqa: S101  (read by the arbiter before the fork)
    return dispatcher_from_environment(Communes(deployment))


def _serve_for_development(services: Services, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from entrypoints.web import create_app

    if json_requested():  # werkzeug's request lines through the JSON handler
        configure_logging(logging.INFO)
    app = create_app(services=services)
    click.echo(f"Portail Famille : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def _run_gunicorn(options: dict[str, Any], build: Callable[[], Any]) -> None:
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
    from gunicorn.glogging import Logger  # type: ignore[import-untyped]

    class PortalLogger(Logger):  # type: ignore[misc]  # gunicorn is untyped
        """gunicorn's error and access logs, formatted as PORTAIL_LOG_FORMAT asks."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            if json_requested():
                for logger in (self.error_log, self.access_log):
                    for handler in logger.handlers:
                        handler.setFormatter(JsonFormatter())

    class Portal(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
        """gunicorn's application API: our settings, and a portal built in each worker."""

        def load_config(self) -> None:
            for key, value in {**options, "logger_class": PortalLogger}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            configure_logging(logging.WARNING, "%(levelname)s %(name)s: %(message)s")
            return build()

    Portal().run()
