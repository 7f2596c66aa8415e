"""`make run`'s three commands as real processes: migrate, load the demo, serve on a port; and
`portail serve` in production (gunicorn), started, asked for a page and stopped by SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
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
        [PORTAIL, "serve", "--development", "--port", str(port)],
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


def test_serve_runs_gunicorn_and_stops_cleanly_on_sigterm(
    environment: dict[str, str], tmp_path: Path
) -> None:
    portail(["db", "upgrade"], environment)
    port = free_port()
    home = tmp_path / "home"  # where gunicorn 27 would put its control socket
    home.mkdir()
    process = subprocess.Popen(
        [PORTAIL, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env={**environment, "HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = fetch_when_up(f"http://127.0.0.1:{port}/informations", process)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert "Informations utiles" in page
    assert process.returncode == 0, output
    assert "Using worker: gthread" in output, output
    assert "Shutting down: Master" in output, output
    assert '"GET /informations HTTP/1.1" 200' in output, output  # the access log, on stdout
    # no control socket: two servers of one user on one host would share its one path
    assert list(home.iterdir()) == []


def test_serve_without_a_current_schema_starts_no_server(environment: dict[str, str]) -> None:
    done = subprocess.run(
        [PORTAIL, "serve", "--port", str(free_port())],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 7
    assert "portail db upgrade" in done.stderr


def test_gunicorns_logs_are_json_lines_on_request(environment: dict[str, str]) -> None:
    portail(["db", "upgrade"], environment)
    port = free_port()
    process = subprocess.Popen(
        [PORTAIL, "serve", "--port", str(port), "--workers", "1"],
        env={**environment, "PORTAIL_LOG_FORMAT": "json"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        fetch_when_up(f"http://127.0.0.1:{port}/sante", process)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/deblocage/s3cr3t-t0ken", timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    entries = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    messages = [entry["message"] for entry in entries]
    assert any('"GET /sante HTTP/1.1" 200' in message for message in messages), output
    assert any("/deblocage/[masqué]" in message for message in messages), output
    assert "s3cr3t" not in output
    assert {"gunicorn.error", "gunicorn.access"} <= {entry["logger"] for entry in entries}
