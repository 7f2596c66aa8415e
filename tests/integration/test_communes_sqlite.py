"""Several communes on SQLite, one file each (``database_url``): one process serves them by
host; without the deployment file nothing changes. And the reference data a process keeps
(adapters/persistence/reference.py) is kept per commune, not taken from one by the other."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from werkzeug.test import Client

from adapters.commune_file import read_commune_file
from adapters.persistence import create_database_engine, upgrade
from entrypoints.cli import main
from entrypoints.communes import Communes, configured_deployment
from entrypoints.web import HostDispatcher, create_app
from portail_core.errors import ConfigurationError
from tests.integration.test_reference_cache import load, read, renamed, statements_sent
from tests.integration.test_serve import PORTAIL, free_port

TOML = """
[[commune]]
code = "nord"
hosts = ["nord.test"]
database_url = "sqlite:///{folder}/nord/portail.sqlite3"
instance_path = "nord"
public_url = "http://nord.test"

[[commune]]
code = "sud"
hosts = ["sud.test"]
database_url = "sqlite:///{folder}/sud/portail.sqlite3"
instance_path = "sud"
public_url = "http://sud.test"
"""


def portail(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("PORTAIL_COMMUNE", "PORTAIL_SECRET_KEY", "PORTAIL_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "communes.toml"
    path.write_text(TOML.format(folder=tmp_path), "utf-8")
    monkeypatch.setenv("PORTAIL_COMMUNES_FILE", str(path))
    monkeypatch.setenv("PORTAIL_INSTANCE_PATH", str(tmp_path / "ignored"))
    return tmp_path


def test_two_sqlite_communes_are_served_by_one_process(two_files: Path) -> None:
    assert portail("db", "upgrade")[0] == 0
    code, output = portail("--commune", "sud", "demo", "load")
    assert code == 0, output
    deployment = configured_deployment()
    assert deployment is not None
    dispatcher = HostDispatcher(Communes(deployment))
    try:
        client = Client(dispatcher)
        north = client.get("/", base_url="http://nord.test")
        south = client.get("/", base_url="http://sud.test")
        assert north.status_code == south.status_code == 200
        assert "Démo-sur-Mer" in south.get_data(as_text=True)
        assert "Démo-sur-Mer" not in north.get_data(as_text=True)  # no commune loaded there
        communes = dispatcher.communes
        keys = {communes.services(c).settings.secret_key for c in ("nord", "sud")}
        assert len(keys) == 2  # each its own random key, in its instance folder
    finally:
        dispatcher.close()
    assert (two_files / "nord" / "secret_key").is_file()
    assert not (two_files / "ignored").exists()
    code, listing = portail("communes", "list", "--format", "csv")
    assert code == 0, listing
    assert listing.splitlines()[1].startswith("nord,nord.test,sqlite:///")


def test_without_the_deployment_file_one_commune_is_served_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PORTAIL_COMMUNES_FILE", "PORTAIL_COMMUNE", "PORTAIL_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAIL_INSTANCE_PATH", str(tmp_path))
    code, output = portail("db", "upgrade")
    assert code == 0, output
    assert output.startswith("Base migrée de la révision vide")  # no « Commune ... : »
    assert (tmp_path / "portail.sqlite3").is_file()
    code, output = portail("--commune", "nord", "family", "list")
    assert code == 7
    assert "PORTAIL_COMMUNES_FILE n'est pas défini" in output
    code, output = portail("communes", "list")
    assert code == 7


@pytest.fixture
def two_engines(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    engines = tuple(
        create_database_engine(f"sqlite:///{tmp_path / name}.sqlite3") for name in ("a", "b")
    )
    for engine in engines:
        upgrade(engine)
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def test_two_communes_keep_their_catalogues_side_by_side(
    two_engines: tuple[Engine, Engine],
) -> None:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    demo = read_commune_file(text).catalogue
    a, b = two_engines
    load(a, demo)
    load(b, renamed(demo, "ALSH", "Centre de loisirs de B"))
    alsh = demo.establishment("ALSH")
    assert alsh is not None
    read(a), read(b)
    for _ in range(3):  # a process serving both, request after request
        for engine, name in ((a, alsh.name), (b, "Centre de loisirs de B")):
            with statements_sent(engine) as sent:
                found = read(engine).establishment("ALSH")
            assert len(sent) == 1  # the token only: the other commune did not evict it
            assert found is not None
            assert found.name == name


def test_db_upgrade_with_a_commune_migrates_that_one_and_serve_waits_for_all(
    two_files: Path,
) -> None:
    code, output = portail("--commune", "nord", "db", "upgrade")
    assert code == 0, output
    assert (two_files / "nord" / "portail.sqlite3").is_file()
    assert not (two_files / "sud" / "portail.sqlite3").exists()
    code, output = portail("serve", "--development", "--port", "1")
    assert code == 7
    assert "sud" in output
    code, listing = portail("communes", "list")
    assert code == 0, listing
    assert "sud" in listing
    assert "inaccessible" in listing  # its database does not exist yet


def test_a_portal_built_from_the_environment_refuses_a_deployment_file(two_files: Path) -> None:
    """Without a commune chosen, the shared settings are no commune's: nothing is served."""
    with pytest.raises(ConfigurationError, match="PORTAIL_COMMUNES_FILE est défini"):
        create_app()


def fetch(port: int, host: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_gunicorn_serves_each_commune_on_its_hosts(two_files: Path, tmp_path: Path) -> None:
    assert portail("db", "upgrade")[0] == 0
    assert portail("--commune", "sud", "demo", "load")[0] == 0
    port = free_port()
    process = subprocess.Popen(
        [PORTAIL, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env={**os.environ, "HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                south = fetch(port, "sud.test")
                break
            except OSError:
                assert process.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.2)
        north = fetch(port, f"NORD.test:{port}")
        unknown = fetch(port, "127.0.0.1")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert south[0] == 200
    assert "Bienvenue sur le Portail Famille de Ville de Démo-sur-Mer" in south[1]
    assert north[0] == 200
    assert "Démo-sur-Mer" not in north[1]
    assert unknown[0] == 404
    assert "Aucun portail des familles" in unknown[1]
    assert process.returncode == 0, output
    assert "Portail Famille (nord, sud ; gunicorn, 2 processus" in output
