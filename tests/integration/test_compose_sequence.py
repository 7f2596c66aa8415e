"""What `docker compose up` runs, run here without containers on PostgreSQL: the commands are
read from compose.yaml and run as they are (the `migrate` script through /bin/sh), with the
environment compose gives them; only what containers isolate is changed: the database (a schema
of the test PostgreSQL instead of the `postgres` service), the instance folder, and the ports
(free ones instead of 8000 and 5001, which this machine may be using).

The image itself is not built here (no Docker engine on the test machines).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from entrypoints.cli.demo import DEMO_PASSWORD
from tests.integration.conftest import empty_database_url
from tests.integration.deploy_files import compose, path_with_virtualenv, service_argv
from tests.integration.http_browser import Browser, free_port, stop, wait_until_up

pytestmark = pytest.mark.postgresql


def replaced(argv: list[str], option: str, value: str) -> list[str]:
    """The argv with ``option``'s value replaced (a port: the container's is taken here)."""
    assert option in argv, (option, argv)
    position = argv.index(option) + 1
    return [*argv[:position], value, *argv[position + 1 :]]


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """compose.yaml's services, and the environment each container would get, on this machine."""
    services = compose()["services"]
    portal_port, payfip_port = free_port(), free_port()
    for url in empty_database_url("postgresql", tmp_path):
        environment = {
            **os.environ,
            **services["portal"]["environment"],
            "PORTAIL_DATABASE_URL": url,
            "PORTAIL_INSTANCE_PATH": str(tmp_path / "instance"),
            "PORTAIL_PUBLIC_URL": f"http://127.0.0.1:{portal_port}",
            "PORTAIL_PAYFIP_URL": f"http://127.0.0.1:{payfip_port}",
            "PATH": path_with_virtualenv(),
        }
        yield {
            "services": services,
            "environment": environment,
            "portal_port": portal_port,
            "payfip_port": payfip_port,
        }


def run(argv: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def start(argv: list[str], environment: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_the_compose_files_commands_migrate_load_the_demo_and_serve_it(
    machine: dict[str, Any],
) -> None:
    services, environment = machine["services"], machine["environment"]
    port = machine["portal_port"]
    migrate = service_argv(services["migrate"], ["portail"])
    assert migrate[:2] == ["/bin/sh", "-c"]

    first = run(migrate, environment)
    assert first.returncode == 0, first.stderr
    assert "Commune de démonstration chargée" in first.stdout
    again = run(migrate, environment)  # `docker compose up` once more: nothing changes
    assert again.returncode == 0, again.stderr
    assert "rien n'est changé" in again.stdout

    portal = replaced(service_argv(services["portal"], ["portail"]), "--bind", f"127.0.0.1:{port}")
    simulator = replaced(
        service_argv(services["payfip"], ["portail"]), "--port", str(machine["payfip_port"])
    )
    worker = service_argv(services["worker"], ["portail"])
    processes = [start(argv, environment) for argv in (portal, simulator, worker)]
    try:
        health = wait_until_up(port, processes[0])
        assert health.status == 200, health.text
        assert json.loads(health.text)["statut"] == "ok"
        browser = Browser()
        login = browser.get(port, "/connexion")
        assert login.status == 200
        assert 'name="identifier"' in login.text
        logged_in = browser.post(
            port,
            "/connexion",
            [("identifier", demo_identifier(first.stdout)), ("password", DEMO_PASSWORD)],
        )
        assert logged_in.status == 302, logged_in.text
        assert "Martin" in browser.get(port, logged_in.location).text
        wait_for_empty_outbox(port)  # the worker sent the demo account's e-mail (to its log)

        jobs = run([*service_argv(services["jobs"], ["portail"]), "--once"], environment)
        assert jobs.returncode == 0, jobs.stdout + jobs.stderr
    finally:
        outputs = [stop(process) for process in processes]
    assert processes[0].returncode == 0, outputs[0]  # gunicorn stops cleanly on SIGTERM
    assert "Using worker: gthread" in outputs[0]
    assert "Listening at: http://127.0.0.1" in outputs[0]


def test_the_migrate_service_leaves_a_towns_database_without_the_demo_and_succeeds(
    machine: dict[str, Any], tmp_path: Path
) -> None:
    services, environment = machine["services"], machine["environment"]
    assert run(["portail", "db", "upgrade"], environment).returncode == 0
    town = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    town_file = tmp_path / "commune.toml"
    town_file.write_text(
        town.replace('insee_code = "99001"', 'insee_code = "35238"').replace(
            'name = "Ville de Démo-sur-Mer"', 'name = "Ville de Rennes"', 1
        )
    )
    loaded = run(["portail", "catalogue", "load", str(town_file)], environment)
    assert loaded.returncode == 0, loaded.stderr

    migrated = run(service_argv(services["migrate"], ["portail"]), environment)

    assert migrated.returncode == 0, migrated.stderr  # the portal may start on the town's data
    assert "la démonstration ne se charge que dans une base vide" in migrated.stderr
    assert "Ville de Rennes" in migrated.stderr


def demo_identifier(output: str) -> str:
    """The demo family's identifier, as `portail demo load` prints it."""
    for line in output.splitlines():
        if "identifiant" in line:
            return line.split("identifiant ", 1)[1].split(",", 1)[0]
    raise AssertionError(f"no identifier printed: {output}")


def wait_for_empty_outbox(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        report = json.loads(Browser().get(port, "/sante").text)
        if report["courriels_en_attente"] == 0:
            return
        assert time.monotonic() < deadline, report
        time.sleep(0.5)
