"""(e) The command line's start-up: CPU seconds of a ``portail`` process, variant by variant.

Each variant is a fresh process, run ``--repeat`` times (after one untimed warm-up, so the files
are in the page cache); the CPU (user + system) comes from ``os.wait4``. The variants run
interleaved, round after round, so that the machine's load weighs on all of them alike:

- ``python -c pass``: the interpreter alone, the floor;
- ``portail --help``: the list of commands, none of them imported;
- ``portail audit --help``: one command group's help (its module imported, not the adapters);
- ``portail db current``: a simple command that runs (the adapters built, a SQLite database
  in a temporary folder, migrated beforehand, untimed);
- ``(before)``: the same command after importing what ``portail`` imported at each start before
  issue 17 (every command, the composition root, the libraries its adapters imported at their
  top), the former start-up reproduced in the same run.

    .venv/bin/python -m benchmarks.cli_startup [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

PORTAIL = str(Path(sys.executable).with_name("portail"))
# What ``portail`` imported at each start before issue 17: every command, the composition root
# and the libraries its adapters imported at their top (now imported when they are used).
BEFORE = (
    "import importlib, sys\n"
    "for name in ('entrypoints.bootstrap', 'adapters.payfip.simulator', 'xmlschema', 'sepaxml',\n"
    "             'icalendar', 'markdown_it', 'nh3'):\n"
    "    importlib.import_module(name)\n"
    "from entrypoints.cli import main\n"
    "from entrypoints.cli.lazy import subcommands\n"
    "subcommands(main)\n"
    "main(sys.argv[1:], prog_name='portail')\n"
)
VARIANTS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "portail --help": [PORTAIL, "--help"],
    "portail --help (before)": [sys.executable, "-c", BEFORE, "--help"],
    "portail audit --help": [PORTAIL, "audit", "--help"],
    "portail db current": [PORTAIL, "db", "current"],
    "db current (before)": [sys.executable, "-c", BEFORE, "db", "current"],
}


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
    with tempfile.TemporaryDirectory() as instance:
        env = {
            **os.environ,
            "PORTAIL_INSTANCE_PATH": instance,
            "PORTAIL_SECRET_KEY": "benchmark-" + "0" * 40,
        }
        env.pop("PORTAIL_DATABASE_URL", None)
        subprocess.run(  # noqa: S603  (our own command)
            [PORTAIL, "db", "upgrade"], env=env, check=True, capture_output=True
        )
        cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
        wall: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for argv in VARIANTS.values():
            cpu_seconds(argv, env)  # warm-up
        for _ in range(repeat):
            for name, argv in VARIANTS.items():
                used, elapsed = cpu_seconds(argv, env)
                cpu[name].append(used)
                wall[name].append(elapsed)
    print(f"{'variant':24} {'CPU min s':>10} {'CPU median s':>13} {'wall median s':>14}")
    for name in VARIANTS:
        print(
            f"{name:24} {min(cpu[name]):10.3f} {statistics.median(cpu[name]):13.3f} "
            f"{statistics.median(wall[name]):14.3f}"
        )


if __name__ == "__main__":
    main()
