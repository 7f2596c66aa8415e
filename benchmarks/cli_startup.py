"""(e) The command line's start-up: CPU seconds of a ``portail`` process, variant by variant.

Each variant is a fresh process, run ``--repeat`` times (after one untimed warm-up, so the files
are in the page cache and the bytecode is compiled, as an installed package has it: the
processes write and read theirs under a temporary ``PYTHONPYCACHEPREFIX``); the CPU (user +
system) comes from ``os.wait4``. The variants run interleaved, round after round, so that the
machine's load weighs on all of them alike:

- ``python -c pass``: the interpreter alone, the floor;
- ``import sqlalchemy``: the floor of a command on the database (the portal uses SQLAlchemy's
  Core only), and ``import sqlalchemy.orm`` beside it, which the portal does not import;
- ``portail --help``: the list of commands, none of them imported;
- ``portail audit --help``: one command group's help (its module imported, not the adapters);
- the desk's commands on the database: ``db current`` (the schema's revision, the check every
  command makes first), ``family list``, ``outbox list`` and ``reservations list`` (the day's
  attendance sheet, audited), on a SQLite database in a temporary folder, migrated and loaded
  with the demonstration town beforehand (untimed);
- ``(before)``: the same command as ``portail`` ran it before issue 17: every command, the
  composition root and the libraries its adapters imported at their top imported at the start,
  every adapter and every capability of the façade built, and the schema checked by Alembic
  (which imports every migration script). The former start-up, reproduced in the same run;
- ``(whole domain)``: the same command with every capability's domain and repositories imported
  first, as issue 17's first round had it (the services imported the unit of work's port, the
  union of every capability's repositories, and the database unit of work every capability's
  repositories module).

    .venv/bin/python -m benchmarks.cli_startup [--repeat 10]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["main"]

PORTAIL = str(Path(sys.executable).with_name("portail"))
# What ``portail`` imported at each start before issue 17: the composition root's adapters and
# the libraries they imported at their top (each is now imported where it is used).
FORMERLY_IMPORTED = (
    "adapters.attendance_csv",
    "adapters.calendars",
    "adapters.clock",
    "adapters.commune_file",
    "adapters.direct_debit.accounts",
    "adapters.direct_debit.pain008",
    "adapters.direct_debit.returns",
    "adapters.documents",
    "adapters.dossier_file",
    "adapters.family_csv",
    "adapters.icalendar_feed",
    "adapters.mail",
    "adapters.menus_csv",
    "adapters.news_markup",
    "adapters.passwords",
    "adapters.payfip.client",
    "adapters.payfip.fake",
    "adapters.payfip.simulator",
    "adapters.pdf",
    "adapters.persistence.migrate",
    "adapters.persistence.unit_of_work",
    "adapters.public_holidays",
    "adapters.regulation_files",
    "portail_core.domain.regulations",
    "argon2",
    "holidays",
    "icalendar",
    "jinja2",
    "markdown_it",
    "nh3",
    "schwifty",
    "sepaxml",
    "sqlalchemy.dialects.postgresql",
    "xmlschema",
)
BEFORE = (
    "import importlib, sys\n"
    f"for name in {FORMERLY_IMPORTED!r}:\n"
    "    importlib.import_module(name)\n"
    "import adapters.persistence.migrate as alembic, adapters.persistence.revisions as revisions\n"
    "revisions.current_revision = alembic.current_revision  # the schema checked by Alembic\n"
    "revisions.head_revision = alembic.head_revision\n"
    "import entrypoints.bootstrap as root\n"
    "lazy_bootstrap = root.bootstrap\n"
    "root.bootstrap = lambda *args, **kw: lazy_bootstrap(*args, **{**kw, 'lazy': False})\n"
    "from entrypoints.cli import main\n"
    "from entrypoints.cli.lazy import subcommands\n"
    "subcommands(main)\n"
    "main(sys.argv[1:], prog_name='portail')\n"
)
# Issue 17's first round: the services imported the unit of work's port, and through it every
# capability's domain, and the database unit of work every capability's repositories.
WHOLE_DOMAIN = (
    "import importlib, sys\n"
    "import portail_core.ports.unit_of_work\n"
    "from adapters.persistence.unit_of_work import REPOSITORIES\n"
    "for place in REPOSITORIES.values():\n"
    "    importlib.import_module(place.partition(':')[0])\n"
    "from entrypoints.cli import main\n"
    "main(sys.argv[1:], prog_name='portail')\n"
)
TODAY = datetime.datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
COMMANDS = {
    "db current": ["db", "current"],
    "family list": ["family", "list"],
    "outbox list": ["outbox", "list"],
    "reservations list": ["reservations", "list", "--establishment", "ALSH", "--date", TODAY],
}
VARIANTS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import sqlalchemy": [sys.executable, "-c", "import sqlalchemy"],
    "import sqlalchemy.orm": [sys.executable, "-c", "import sqlalchemy.orm"],
    "portail --help": [PORTAIL, "--help"],
    "--help (before)": [sys.executable, "-c", BEFORE, "--help"],
    "portail audit --help": [PORTAIL, "audit", "--help"],
}
for _name, _args in COMMANDS.items():
    VARIANTS[f"portail {_name}"] = [PORTAIL, *_args]
    VARIANTS[f"{_name} (before)"] = [sys.executable, "-c", BEFORE, *_args]
    if _name != "db current":  # which opened no unit of work already
        VARIANTS[f"{_name} (whole domain)"] = [sys.executable, "-c", WHOLE_DOMAIN, *_args]


def cpu_seconds(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU (user + system) and wall seconds of one process running ``argv``."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)  # noqa: S603  (ours)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode})")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as instance, tempfile.TemporaryDirectory() as bytecode:
        env = {
            **os.environ,
            "PORTAIL_INSTANCE_PATH": instance,
            "PORTAIL_SECRET_KEY": "benchmark-" + "0" * 40,
            "PYTHONPYCACHEPREFIX": bytecode,
        }
        for name in ("PORTAIL_DATABASE_URL", "PORTAIL_PUBLIC_URL", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        for setup in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run(  # noqa: S603  (our own command)
                [PORTAIL, *setup], env=env, check=True, capture_output=True
            )
        cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
        wall: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for argv in VARIANTS.values():
            cpu_seconds(argv, env)  # warm-up (and the bytecode written)
        for _ in range(repeat):
            for name, argv in VARIANTS.items():
                used, elapsed = cpu_seconds(argv, env)
                cpu[name].append(used)
                wall[name].append(elapsed)
    print(f"{'variant':34} {'CPU min s':>10} {'CPU median s':>13} {'wall median s':>14}")
    for name in VARIANTS:
        print(
            f"{name:34} {min(cpu[name]):10.3f} {statistics.median(cpu[name]):13.3f} "
            f"{statistics.median(wall[name]):14.3f}"
        )
    print("\nCPU median, before issue 17 / with the whole domain / now:")
    for name in ("--help", *COMMANDS):
        now = statistics.median(cpu[f"portail {name}"])
        before = statistics.median(cpu[f"{name} (before)"])
        whole = cpu.get(f"{name} (whole domain)")
        middle = f"{statistics.median(whole):6.3f} s" if whole else "      -  "
        print(
            f"  portail {name:20} {before:6.3f} s / {middle} / {now:6.3f} s = {before / now:5.1f} x"
        )


if __name__ == "__main__":
    main()
