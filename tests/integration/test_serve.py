"""`make run`'s three commands as real processes: migrate, load the demo, serve on a port."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PORTAIL = str(Path(sys.executable).with_name("portail"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def portail(args: list[str], environment: dict[str, str]) -> str:
    done = subprocess.run(
        [PORTAIL, *args], env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def fetch_when_up(url: str, process: "subprocess.Popen[str]") -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def environment(instance_path: Path) -> dict[str, str]:
    return {**os.environ, "PORTAIL_INSTANCE_PATH": str(instance_path)}


def test_a_fresh_instance_is_migrated_loaded_and_served(
    environment: dict[str, str], instance_path: Path
) -> None:
    assert "migrée de la révision vide" in portail(["db", "upgrade"], environment)
    assert "Ville de Démo-sur-Mer" in portail(["demo", "load"], environment)
    assert (instance_path / "portail.sqlite3").exists()
    port = free_port()
    process = subprocess.Popen(
        [PORTAIL, "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = fetch_when_up(f"http://127.0.0.1:{port}/", process)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "Bienvenue sur le Portail Famille de Ville de Démo-sur-Mer" in page
    assert f"http://127.0.0.1:{port}/" in output
