"""The long-running workers as systemd and containers stop them: SIGTERM lets the pass under way
finish, then the process exits with status 0; nothing is sent twice."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.integration.test_outbox_smtp import Inbox, free_port

PORTAIL = str(Path(sys.executable).with_name("portail"))


def portail(args: list[str], environment: dict[str, str]) -> str:
    done = subprocess.run(
        [PORTAIL, *args], env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


class Lines:
    """The lines a process writes on stdout and stderr, read as they come."""

    def __init__(self, process: "subprocess.Popen[str]") -> None:
        self.seen: list[str] = []
        self.streams = [process.stdout, process.stderr]
        self.readers = [
            threading.Thread(target=self._read, args=(stream,), daemon=True)
            for stream in self.streams
        ]
        for reader in self.readers:
            reader.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.seen.append(line)

    def close(self) -> None:
        """Once the process has ended: the rest of its lines, and the pipes closed."""
        for reader in self.readers:
            reader.join(timeout=10)
        for stream in self.streams:
            if stream is not None:
                stream.close()

    def wait_for(self, text: str, process: "subprocess.Popen[str]") -> None:
        deadline = time.monotonic() + 30
        while not any(text in line for line in self.seen):
            assert process.poll() is None, "".join(self.seen)
            assert time.monotonic() < deadline, "".join(self.seen)
            time.sleep(0.1)


@pytest.fixture
def environment(instance_path: Path) -> dict[str, str]:
    environment = {**os.environ, "PORTAIL_INSTANCE_PATH": str(instance_path)}
    environment.pop("PORTAIL_DATABASE_URL", None)
    portail(["db", "upgrade"], environment)
    portail(["demo", "load"], environment)  # queues two e-mails to the demo family
    return environment


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def start(args: list[str], environment: dict[str, str]) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        [PORTAIL, *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: "subprocess.Popen[str]", lines: Lines) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        lines.close()


def test_the_outbox_watcher_stops_on_sigterm_after_its_pass(
    environment: dict[str, str], inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    environment["PORTAIL_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    watcher = start(["outbox", "send", "--watch", "--every", "1"], environment)
    lines = Lines(watcher)
    lines.wait_for("2 envoyé(s)", watcher)

    assert stop(watcher, lines) == 0, "".join(lines.seen)
    listed = json.loads(portail(["outbox", "list", "--format", "json"], environment))
    assert sorted(message["status"] for message in listed) == ["sent", "sent"]
    assert "0 envoyé(s)" in portail(["outbox", "send"], environment)
    assert len(handler.messages) == 2


def test_the_jobs_scheduler_stops_on_sigterm_after_its_pass(environment: dict[str, str]) -> None:
    scheduler = start(["jobs", "run", "--every", "600"], environment)
    lines = Lines(scheduler)
    lines.wait_for("tâche account purge", scheduler)  # a job of the pass has run

    began = time.monotonic()
    assert stop(scheduler, lines) == 0, "".join(lines.seen)
    assert time.monotonic() - began < 10  # not the 600 s of --every
