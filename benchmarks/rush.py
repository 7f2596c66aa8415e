"""Benchmark (d): opening day through HTTP, on gunicorn and PostgreSQL, with a lean client.

N families (two children each: Léa, élémentaire; Tom, maternelle) are created in a schema of
their own and logged in beforehand (not timed; the portal here uses the test suite's fast
password hasher, so that setting up costs no Argon2). Then all of them, at once, book the same
four Wednesdays of "Journée" at the ALSH for each child, capped at ``--places`` per age group so
that some are refused, through the seven steps a browser takes; then the reference, in the
same run: ``--trivial`` « Prolonger la session » posts (the session's idle timer: one row).

    python -m benchmarks.rush [--families 200] [--places N] [--workers 4] [--threads 1]
        [--trivial 1000] [--waiting-room auto|off]

The server is gunicorn with this module's ``wsgi()`` app: the portal as ``create_app`` builds
it, wrapped to add the request's worker CPU time (``X-Worker-CPU-us``, the thread's CPU from the
request's start to its last byte built), and a clock fixed on 15 June 2026.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine, text

from benchmarks.http_client import Browser, Response

DAYS = ("2026-09-09", "2026-09-16", "2026-09-23", "2026-09-30")
MONTH = "2026-09"
PASSWORD = "cheval agrafe pile correct"  # noqa: S105  (the test families')
STEPS = (
    "choice GET",
    "choice POST",
    "grid GET",
    "grid POST",
    "summary GET",
    "confirm POST",
    "confirmation GET",
)
TRIVIAL = "prolong POST"
CPU_HEADER = "x-worker-cpu-us"
NUMBER = re.compile(r"Numéro de confirmation : <strong>(R-[A-Z0-9-]+)</strong>")
APPLICATION_NAME = "portail-rush"


def wsgi() -> Callable[..., Any]:
    """The app gunicorn serves (``benchmarks.rush:wsgi()``): the portal on the database of the
    environment, its clock on 15 June 2026, the fast test hasher, each response carrying its
    worker CPU time."""
    from tests.unit.reservation_world import NOW

    from adapters.clock import FixedClock
    from adapters.passwords import PlainTestHasher
    from entrypoints.bootstrap import bootstrap
    from entrypoints.web import create_app

    services = bootstrap(clock=FixedClock(NOW), hasher=PlainTestHasher())
    return cpu_timed(create_app({}, services=services).wsgi_app)


def cpu_timed(app: Callable[..., Any]) -> Callable[..., Any]:
    """The WSGI app with the thread's CPU time of each request in a response header (the body
    is built before the headers are sent, as Flask's buffered responses are anyway)."""

    def timed(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        began = time.thread_time()
        seen: list[tuple[str, list[tuple[str, str]], Any]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            seen.append((status, headers, exc_info))

        result = app(environ, capture)
        try:
            chunks = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        used = round((time.thread_time() - began) * 1e6)
        status, headers, exc_info = seen[-1]
        start_response(status, [*headers, ("X-Worker-CPU-us", str(used))], exc_info)
        return chunks

    return timed


# --- CPU of processes, from /proc -------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """utime + stime of a process, in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@attrs.define
class CpuMeter:
    """CPU seconds of a set of processes between two snapshots (processes may appear)."""

    pids: Callable[[], Iterable[int]]
    before: dict[int, float] = attrs.field(factory=dict)

    def start(self) -> None:
        self.before = {pid: process_cpu(pid) for pid in self.pids()}

    def seconds(self) -> float:
        now = {pid: process_cpu(pid) for pid in {*self.pids(), *self.before}}
        return sum(max(0.0, cpu - self.before.get(pid, 0.0)) for pid, cpu in now.items())


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- The families ----------------------------------------------------------------------------


@attrs.define
class Outcome:
    samples: dict[str, list[tuple[float, int, int]]] = attrs.field(
        factory=lambda: defaultdict(list)
    )  # step -> (seconds, status, worker CPU µs)
    shown: dict[str, int] = attrs.field(factory=dict)  # confirmation number -> child
    ends: Counter[str] = attrs.field(factory=Counter)

    def record(self, step: str, response: Response) -> Response:
        cpu = int(response.header(CPU_HEADER) or 0)
        self.samples[step].append((response.seconds, response.status, cpu))
        return response


async def book_child(browser: Browser, child: str, outcome: Outcome, first: bool) -> None:
    """Steps 1 to 7 for one child, as a browser: the choice page (already loaded for the first
    child) and its POST, the month's grid and « Valider le planning », the summary and
    « Confirmer la réservation », the confirmation."""
    if not first:  # « Terminer » leads back to the choice page
        outcome.record(STEPS[0], await browser.get("/reservations"))
    chosen = await browser.post("/reservations", [("enfant", child), ("structure", "ALSH")])
    outcome.record(STEPS[1], chosen)
    grid = outcome.record(STEPS[2], await browser.get(f"/reservations/{child}/ALSH?mois={MONTH}"))
    cells = [
        f"{day}|JOURNEE"
        for day in DAYS
        if f'name="creneau" value="{day}|JOURNEE"' in grid.body.decode("utf-8", "replace")
    ]
    if not cells:
        outcome.ends["full on the grid"] += 1
        return
    fields = [("mois", MONTH), *(("creneau", cell) for cell in cells)]
    validated = await browser.post(f"/reservations/{child}/ALSH", fields)
    outcome.record(STEPS[3], validated)
    location = validated.header("location")
    if validated.status != 302 or location is None:
        outcome.ends[f"grid POST {validated.status}"] += 1
        return
    summary_path = location.removeprefix(f"http://{browser.host}:{browser.port}")
    outcome.record(STEPS[4], await browser.get(summary_path))
    confirmed = await browser.post(summary_path.split("?")[0], [])
    outcome.record(STEPS[5], confirmed)
    target = (confirmed.header("location") or "").removeprefix(
        f"http://{browser.host}:{browser.port}"
    )
    page = outcome.record(STEPS[6], await browser.get(target))
    if number := NUMBER.search(page.text):
        outcome.shown[number[1]] = int(child)
        if "<h2>Réservé</h2>" not in page.text:
            outcome.ends["confirmed, every day refused"] += 1
        elif "Refusé au moment de confirmer" in page.text:
            outcome.ends["confirmed, some days refused"] += 1
        else:
            outcome.ends["confirmed"] += 1
    else:
        outcome.ends[f"confirmation page {page.status}"] += 1


async def family_flow(browser: Browser, outcome: Outcome) -> None:
    home = outcome.record(STEPS[0], await browser.get("/reservations"))
    children = re.findall(r'name="enfant" value="(\d+)"', home.text)
    for n, child in enumerate(children):
        await book_child(browser, child, outcome, first=n == 0)
    browser.close()


async def prolong(browser: Browser, times: int, outcome: Outcome) -> None:
    await browser.get("/reservations")  # a page with the session bar's form and its token
    for _ in range(times):
        outcome.record(TRIVIAL, await browser.post("/prolonger", [("retour", "/reservations")]))
    browser.close()


# --- Setting up ------------------------------------------------------------------------------


def create_families(
    url: str, count: int, places: int, *, room_off: bool = False
) -> tuple[Engine, list[str]]:
    """Migrate, load the demo town with ``places`` per age group of "Journée", create the
    families, activate and log them in; their session secrets. ``room_off``: the waiting room
    switched off (every family goes in, no ticket), to measure the booking flow alone."""
    from tests.unit.dossier_builders import YEAR, complete_family
    from tests.unit.reservation_world import NOW, demo_catalogue, with_places

    from adapters.clock import FixedClock
    from adapters.passwords import PlainTestHasher
    from entrypoints.bootstrap import bootstrap
    from entrypoints.settings import Settings
    from portail_core.domain.audit import Actor
    from portail_core.domain.dossiers.family import RegulationConsent
    from portail_core.services.accounts.opening import open_account
    from portail_core.services.catalogue.offer import load_catalogue
    from portail_core.services.dossiers.creation import create_family

    settings = Settings.from_env({**os.environ, "PORTAIL_DATABASE_URL": url})  # not measured
    services = bootstrap(settings, clock=FixedClock(NOW), hasher=PlainTestHasher())
    assert services.engine is not None
    services.upgrade_database()
    ports, staff = services.ports, Actor.staff("banc")
    details, catalogue = demo_catalogue()
    catalogue = with_places(catalogue, "ALSH", "JOURNEE", places)
    load_catalogue(ports.uow(), details, catalogue, actor=staff, clock=ports.clock)
    with ports.uow(read_only=True) as uow:
        regulations = uow.catalogue.get().regulations()
    if room_off:
        services.portail.waiting_room.switch_off(actor=staff)
    secrets_ = []
    for n in range(count):
        family = complete_family()
        family.guardians[0] = attrs.evolve(family.guardians[0], email=f"famille{n}@example.fr")
        family.consents = [
            RegulationConsent.create(establishment_code=code, version=version, accepted_at=NOW)
            for code, version in regulations.items()
        ]
        family_id = create_family(ports.uow(), family, actor=staff, clock=ports.clock)
        opening = open_account(
            ports.uow(),
            family_id,
            school_year=YEAR,
            public_url="http://localhost",
            hasher=ports.hasher,
            actor=staff,
            clock=ports.clock,
        )
        address = f"10.{n // 250}.{n % 250}.1"
        with ports.uow(read_only=True) as uow:
            link = uow.outbox.listing(1)[0].context["activation_url"]
        services.portail.accounts.activate(link.rsplit("/", 1)[1], PASSWORD, actor_ip=address)
        secrets_.append(
            services.portail.accounts.log_in(opening.identifier, PASSWORD, actor_ip=address)
        )
    return services.engine, secrets_


def start_gunicorn(
    environment: dict[str, str], workers: int, threads: int, app: str = "benchmarks.rush:wsgi()"
) -> tuple[Any, int]:
    """gunicorn serving ``app`` on a free local port, once it answers; the process and the
    port."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        *("--workers", str(workers), "--threads", str(threads)),
        *("--bind", f"127.0.0.1:{port}", "--backlog", "4096", "--timeout", "120"),
        *("--log-level", "warning", app),
    ]
    server = subprocess.Popen(command, env=environment)  # noqa: S603  (our own command)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def postgres_backends(engine: Engine) -> list[int]:
    """The PostgreSQL backends serving the portal's workers (by their application_name)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
            {"name": APPLICATION_NAME},
        )
        return [row[0] for row in rows]


# --- Checks and report -----------------------------------------------------------------------


def checks(engine: Engine, places: int, shown: dict[str, int]) -> list[tuple[str, bool, str]]:
    """The SQL checks after the run: (what, passed, detail)."""
    with engine.connect() as connection:
        per_day = connection.execute(
            text(
                "SELECT day, age_group, count(*) FROM reservations WHERE status = 'booked' "
                "AND establishment_code = 'ALSH' AND unit_code = 'JOURNEE' "
                "GROUP BY day, age_group ORDER BY day, age_group"
            )
        ).all()
        twice = connection.execute(
            text(
                "SELECT child_id, unit_code, day FROM reservations WHERE status = 'booked' "
                "GROUP BY child_id, establishment_code, unit_code, day HAVING count(*) > 1"
            )
        ).all()
        booked = connection.execute(
            text("SELECT confirmation, child_id FROM reservations WHERE status = 'booked'")
        ).all()
        drafts: dict[str, int] = dict(
            connection.execute(
                text(
                    "SELECT confirmation, child_id FROM planning_drafts "
                    "WHERE confirmation IS NOT NULL"
                )
            ).all()
        )
    fullest = max((count for *_, count in per_day), default=0)
    wrong_draft = [n for n, child in shown.items() if drafts.get(n) != child]
    unshown = {n for n, child in booked if shown.get(n) != child}
    return [
        (
            f"places per day and age group <= {places}",
            fullest <= places,
            f"{len(per_day)} day x group counts, fullest {fullest}, {len(booked)} booked",
        ),
        ("no child booked twice the same day and unit", not twice, f"{len(twice)} doubles"),
        (
            "every number shown is the child's confirmation in the database",
            not wrong_draft and len(drafts) == len(shown),
            f"{len(shown)} shown, {len(drafts)} in the database, {len(wrong_draft)} wrong",
        ),
        (
            "every booked reservation's number was shown for its child",
            not unshown,
            f"{len(unshown)} not shown",
        ),
    ]


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def step_table(outcome: Outcome) -> tuple[list[str], dict[str, float]]:
    """One line per step: count, latency p50/p95/p99 (ms), worker CPU median (ms), statuses;
    and each step's median worker CPU in seconds."""
    lines = [
        f"{'step':<18}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'cpu ms':>8}  statuses",
    ]
    medians = {}
    for step in (*STEPS, TRIVIAL):
        samples = outcome.samples.get(step, [])
        if not samples:
            continue
        latency = sorted(s[0] * 1000 for s in samples)
        cpu = statistics.median(s[2] for s in samples) / 1e6
        medians[step] = cpu
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(Counter(s[1] for s in samples).items()))
        lines.append(
            f"{step:<18}{len(samples):>6}{percentile(latency, 0.5):>9.0f}"
            f"{percentile(latency, 0.95):>9.0f}{percentile(latency, 0.99):>9.0f}"
            f"{cpu * 1000:>8.1f}  {statuses}"
        )
    return lines, medians


# --- The run ---------------------------------------------------------------------------------


async def rush(port: int, sessions: list[str], outcome: Outcome) -> float:
    browsers = [Browser("127.0.0.1", port, {"portail_session": s}) for s in sessions]
    began = time.perf_counter()
    await asyncio.gather(*(family_flow(b, outcome) for b in browsers))
    return time.perf_counter() - began


async def trivial(port: int, sessions: list[str], total: int, outcome: Outcome) -> float:
    clients = sessions[: min(len(sessions), 50)]
    share = max(1, total // len(clients))
    browsers = [Browser("127.0.0.1", port, {"portail_session": s}) for s in clients]
    began = time.perf_counter()
    await asyncio.gather(*(prolong(b, share, outcome) for b in browsers))
    return time.perf_counter() - began


def measured(
    phase: Callable[[], float], meters: dict[str, CpuMeter]
) -> tuple[float, dict[str, float]]:
    """Run a phase; its wall time and the CPU seconds of each meter and of the client."""
    for meter in meters.values():
        meter.start()
    client = client_cpu()
    seconds = phase()
    cpu = {name: meter.seconds() for name, meter in meters.items()}
    cpu["client"] = client_cpu() - client
    return seconds, cpu


def run(url: str, arguments: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    places = arguments.places or max(1, arguments.families * 3 // 4)
    with tempfile.TemporaryDirectory(prefix="portail-rush-") as instance:
        environment = {
            **os.environ,
            "PORTAIL_INSTANCE_PATH": instance,
            "PORTAIL_SECRET_KEY": secrets.token_hex(32),
            "PORTAIL_DATABASE_URL": make_url(url)
            .update_query_dict({"application_name": APPLICATION_NAME})
            .render_as_string(hide_password=False),
        }
        os.environ.update(environment)
        began = time.perf_counter()
        room_off = arguments.waiting_room == "off"
        engine, sessions = create_families(url, arguments.families, places, room_off=room_off)
        setup = time.perf_counter() - began
        print(f"{arguments.families} families created and logged in in {setup:.1f} s")
        server, port = start_gunicorn(environment, arguments.workers, arguments.threads)
        try:
            return measure(engine, server.pid, port, sessions, places, arguments)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            engine.dispose()


def measure(
    engine: Engine,
    master: int,
    port: int,
    sessions: list[str],
    places: int,
    arguments: argparse.Namespace,
) -> int:
    warm = Outcome()
    asyncio.run(trivial(port, sessions[: arguments.workers * 4], arguments.workers * 8, warm))
    meters = {
        "portal": CpuMeter(lambda: [master, *children_of(master)]),
        "postgresql": CpuMeter(lambda: postgres_backends(engine)),
    }
    outcome, reference = Outcome(), Outcome()
    rush_s, rush_cpu = measured(lambda: asyncio.run(rush(port, sessions, outcome)), meters)
    total = arguments.trivial
    trivial_s, trivial_cpu = measured(
        lambda: asyncio.run(trivial(port, sessions, total, reference)), meters
    )
    outcome.samples[TRIVIAL] = reference.samples[TRIVIAL]
    lines, medians = step_table(outcome)
    families = len(sessions)
    print(
        f"\nRush: {families} families x 2 children, the same {len(DAYS)} Wednesdays, "
        f"{places} places per day and age group; gunicorn {arguments.workers} workers x "
        f"{arguments.threads} threads; waiting room {arguments.waiting_room}; {rush_s:.1f} s"
    )
    print("\n".join(lines))
    print("ends per child: " + ", ".join(f"{k}: {v}" for k, v in sorted(outcome.ends.items())))
    print(f"\n{'phase':<10}{'wall s':>8}{'portal s':>10}{'pg s':>8}{'client s':>10}  per unit")
    count = sum(len(v) for k, v in reference.samples.items())
    for name, seconds, cpu, units, unit in (
        ("rush", rush_s, rush_cpu, families, "family"),
        ("trivial", trivial_s, trivial_cpu, count, "post"),
    ):
        per = (cpu["portal"] + cpu["postgresql"]) / units * 1000
        print(
            f"{name:<10}{seconds:>8.1f}{cpu['portal']:>10.1f}{cpu['postgresql']:>8.1f}"
            f"{cpu['client']:>10.1f}  {per:.1f} ms portal+pg per {unit}"
        )
    ratio = (
        medians.get(TRIVIAL, 0) / medians.get("confirm POST", 1) if "confirm POST" in medians else 0
    )
    print(
        f"\nworker CPU (median): confirmation {medians.get('confirm POST', 0) * 1000:.1f} ms, "
        f"trivial write {medians.get(TRIVIAL, 0) * 1000:.1f} ms, ratio trivial/confirmation "
        f"{ratio:.3f}"
    )
    all_statuses = Counter(s[1] for v in outcome.samples.values() for s in v)
    errors = sum(v for k, v in all_statuses.items() if k >= 500)
    print(f"\nstatuses: {dict(sorted(all_statuses.items()))}; 5xx: {errors}")
    failed = errors > 0
    for what, passed, detail in checks(engine, places, outcome.shown):
        print(f"{'ok  ' if passed else 'FAIL'} {what}: {detail}")
        failed = failed or not passed
    return 1 if failed else 0


def main() -> int:
    from benchmarks.common import database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--places", type=int, default=0, help="per age group (3/4 of families)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--trivial", type=int, default=1000, help="« Prolonger » posts")
    parser.add_argument(
        "--waiting-room",
        choices=("auto", "off"),
        default="auto",
        help="as the portal ships (auto), or off: the booking flow alone",
    )
    arguments = parser.parse_args()
    with database("postgresql") as url:
        if url is None:
            return 2
        return run(url, arguments)


if __name__ == "__main__":
    sys.exit(main())
