"""`make run` as a person runs it, on another port: the demo's login address, the e-mails'
links and the portal all use that port, and the e-mails appear on the console without running
`portail outbox send` by hand."""

import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.test_outbox_smtp import free_port

CHECKOUT = Path(__file__).resolve().parents[2]
STAMP = ".venv/.installed"  # make's record of the installed virtualenv, never remade here


class Console:
    """What a process prints, read as it comes."""

    def __init__(self, process: "subprocess.Popen[str]") -> None:
        self.text = ""
        self._lock = threading.Lock()
        self._process = process
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()

    def _read(self, process: "subprocess.Popen[str]") -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._lock:
                self.text += line

    def close(self) -> None:
        self._reader.join(timeout=30)
        assert self._process.stdout is not None
        self._process.stdout.close()

    def wait_for(self, *parts: str, seconds: float = 90) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if all(part in self.text for part in parts):
                    return self.text
            time.sleep(0.2)
        pytest.fail(f"not printed within {seconds} s: {parts}\n--- console ---\n{self.text}")


def home_page(url: str, seconds: float = 60) -> str:
    """The page once the server listens: the dispatcher may print the e-mails before the
    server has opened its port."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return str(response.read().decode())
        except (ConnectionRefusedError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_make_run_on_another_port_serves_and_prints_the_emails(tmp_path: Path) -> None:
    # `make test` (the README's test command) installs the virtualenv and its stamp first
    assert (CHECKOUT / STAMP).exists(), "run the tests with make test"
    port, payfip_port = free_port(), free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PORTAIL_") and key not in {"MAKEFLAGS", "MAKELEVEL"}
    }
    environment["PORTAIL_INSTANCE_PATH"] = str(tmp_path / "instance")
    process = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "-o",
            STAMP,
            "run",
            f"PORT={port}",
            f"PAYFIP_PORT={payfip_port}",
        ],
        cwd=CHECKOUT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the simulator and the dispatcher too
    )
    console = Console(process)
    try:
        console.wait_for(f"Comptes de démonstration (http://127.0.0.1:{port}/connexion)")
        printed = console.wait_for(
            "E-mail not sent (no PORTAIL_SMTP_URL), shown here instead",
            f"Connectez-vous ici : http://127.0.0.1:{port}/",
        )
        assert "Ville de Démo-sur-Mer" in home_page(f"http://127.0.0.1:{port}/")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        console.close()
    assert ":5000" not in printed
