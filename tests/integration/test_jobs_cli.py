"""``portail jobs run --once``: every periodic job in one pass on a real SQLite instance, each
isolated (one failing, the others still run, exit code non-zero), each logged."""

import logging
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import main
from entrypoints.cli.jobs import JOBS, Job, run_jobs

NAMES = [job.name for job in JOBS]


def run(args: list[str], instance: Path) -> Result:
    environment = {"PORTAIL_INSTANCE_PATH": str(instance)}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


@pytest.fixture
def demo(instance_path: Path) -> Path:
    assert run(["db", "upgrade"], instance_path).exit_code == 0
    assert run(["demo", "load"], instance_path).exit_code == 0
    return instance_path


def test_one_pass_runs_every_job_and_logs_each(
    demo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="portail.jobs")
    result = run(["jobs", "run", "--once"], demo)
    assert result.exit_code == 0, result.output
    logged = [r.getMessage() for r in caplog.records if r.name == "portail.jobs"]
    assert [line.split(" : ")[0] for line in logged] == [f"tâche {name}" for name in NAMES]
    assert "tâche waitlist process : 0 proposition(s) expirée(s), 0 place(s) passée(s)" in logged
    assert "tâche sma expire : 0 offre(s) expirée(s)" in logged
    assert (
        "tâche account purge : 0 session(s) expirée(s), 0 lien(s) périmé(s), "
        "0 compteur(s) anti-essais supprimé(s)"
    ) in logged
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "portail.jobs")


def test_a_failing_job_does_not_stop_the_others_and_the_pass_fails(
    demo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with sqlite3.connect(demo / "portail.sqlite3") as database:  # the planning drafts gone
        database.execute("DROP TABLE planning_drafts")
    caplog.set_level(logging.INFO, logger="portail.jobs")
    result = run(["jobs", "run", "--once"], demo)
    assert result.exit_code == 1
    assert "1 tâche(s) en échec : reservations purge-drafts." in result.output
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage().split(" : ")[0] for r in failed] == ["tâche reservations purge-drafts"]
    later = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any(line.startswith("tâche sma purge : ") for line in later)  # ran after it


def test_run_jobs_returns_each_failure_by_name() -> None:
    ran: list[str] = []

    def failing(_: object) -> str:
        raise RuntimeError("en panne")

    def working(_: object) -> str:
        ran.append("ok")
        return "fait"

    jobs = (Job("première", failing), Job("seconde", working))
    failures = run_jobs(None, jobs)  # type: ignore[arg-type]  # no job here reads the services
    assert [(name, str(error)) for name, error in failures] == [("première", "en panne")]
    assert ran == ["ok"]


def test_the_jobs_need_a_current_schema(instance_path: Path) -> None:
    assert run(["jobs", "run", "--once"], instance_path).exit_code == 7
