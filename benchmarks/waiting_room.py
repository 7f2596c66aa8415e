"""Benchmark: opening day through the waiting room, on gunicorn and PostgreSQL.

The rush of ``benchmarks.rush`` (N families, two children each, the same four Wednesdays, every
family at once through the seven steps), with the waiting room on: a family sent to « File
d'attente des réservations » reads that page, asks ``/file-d-attente/etat`` as often as it is
told, and goes on once its turn has come, as the page's script does. Then, in the same run and
on a second database, the same rush with the room switched off (``--compare``): the ratio of the
two is what the room changes on this machine.

    python -m benchmarks.waiting_room [--families 500] [--capacity 16] [--workers 4]
        [--threads 1] [--places N] [--compare]

Reported: per step, the latency of the families inside (the request that went through, not
the redirects to the queue); the queue (families that waited, their total wait, the pages and
the polls, their latency); every status (5xx counted, the final « Se déconnecter » of each
family included); the SQL checks of the rush (no
overbooking) and the room's own, sampled from the database all along: never more than the
capacity inside, nobody let in while a smaller number waited.

The portal's clock starts on 15 June 2026 at 10:00 and then runs with the machine's (leases,
polls and the admission rate need time to pass); ``benchmarks.rush`` fixes its clock, so this
module serves its own ``wsgi()``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs
import pendulum
from sqlalchemy import Engine, text

from benchmarks import rush
from benchmarks.http_client import Browser, Response

QUEUE = "/file-d-attente"
NEWS = "/file-d-attente/etat"
ORIGIN = "PORTAIL_BENCH_CLOCK_ORIGIN"  # the machine's time when the portal's clock shows NOW
NEXT = re.compile(r'data-prochaine="(\d+)"')
LONGEST_WAIT = 1800.0  # a family waiting longer stops: the run is broken


class RunningClock:
    """15 June 2026 10:00 at ``origin`` (the machine's time, in seconds), then running."""

    def __init__(self, start: pendulum.DateTime, origin: float) -> None:
        self._start, self._origin = start, origin

    def now(self) -> pendulum.DateTime:
        return self._start.add(microseconds=int((time.time() - self._origin) * 1e6))

    def today(self) -> pendulum.Date:
        return self.now().date()


def wsgi() -> Callable[..., Any]:
    """The app gunicorn serves (``benchmarks.waiting_room:wsgi()``): as ``rush.wsgi`` (the
    fast test hasher, each response's worker CPU time), on the running clock."""
    from tests.unit.reservation_world import NOW

    from adapters.passwords import PlainTestHasher
    from entrypoints.bootstrap import bootstrap
    from entrypoints.web import create_app

    clock = RunningClock(NOW, float(os.environ[ORIGIN]))
    services = bootstrap(clock=clock, hasher=PlainTestHasher())
    return rush.cpu_timed(create_app({}, services=services).wsgi_app)


# --- The families, waiting their turn --------------------------------------------------------


@attrs.define
class Queue:
    """What the families saw of the queue."""

    sent: list[float] = attrs.field(factory=list)  # the redirects to the queue (seconds)
    pages: list[tuple[float, int]] = attrs.field(factory=list)  # the queue page (s, status)
    polls: list[tuple[float, int]] = attrs.field(factory=list)  # /etat (s, status)
    waits: dict[int, list[float]] = attrs.field(factory=dict)  # family -> each wait (s)
    logouts: list[tuple[float, int]] = attrs.field(factory=list)  # (s, status)
    broken: int = 0


class QueuedBrowser(Browser):
    """A family's browser that waits its turn when a booking page sends it to the queue, as the
    page and its script do, then asks for the page again."""

    def __init__(self, port: int, session: str, family: int, queue: Queue) -> None:
        super().__init__("127.0.0.1", port, {"portail_session": session})
        self.family, self.queue = family, queue

    async def request(
        self, method: str, path: str, fields: list[tuple[str, str]] | None = None
    ) -> Response:
        response = await super().request(method, path, fields)
        while response.status == 303 and (response.header("location") or "").startswith(QUEUE):
            self.queue.sent.append(response.seconds)
            if not await self._wait_turn(response.header("location") or QUEUE):
                break
            response = await super().request(method, path, fields)
        return response

    async def _wait_turn(self, page: str) -> bool:
        began = time.perf_counter()
        shown = await super().request("GET", page)
        self.queue.pages.append((shown.seconds, shown.status))
        if shown.status != 200:
            return shown.status == 303  # its turn came meanwhile
        found = NEXT.search(shown.text)
        pause = int(found[1]) if found else 5
        while time.perf_counter() - began < LONGEST_WAIT:
            await asyncio.sleep(pause)
            news = await super().request("GET", NEWS)
            self.queue.polls.append((news.seconds, news.status))
            if news.status != 200:
                pause = 5
                continue
            state = json.loads(news.body)
            if state["entree"]:
                self.queue.waits.setdefault(self.family, []).append(time.perf_counter() - began)
                return True
            pause = int(state["prochaine"])
        self.queue.broken += 1
        return False


async def family_then_logout(browser: QueuedBrowser, outcome: rush.Outcome) -> None:
    """The rush's flow, then « Se déconnecter » (which gives the family's place to the next,
    as a confirmation does: a child whose days are full ends without one)."""
    await rush.family_flow(browser, outcome)
    logout = await browser.post("/deconnexion", [])
    browser.queue.logouts.append((logout.seconds, logout.status))
    browser.close()


async def rush_through_the_room(
    port: int, sessions: list[str], outcome: rush.Outcome, queue: Queue
) -> float:
    browsers = [QueuedBrowser(port, s, n, queue) for n, s in enumerate(sessions)]
    began = time.perf_counter()
    await asyncio.gather(*(family_then_logout(b, outcome) for b in browsers))
    return time.perf_counter() - began


# --- The room's checks, sampled from the database --------------------------------------------


@attrs.define
class RoomWatch:
    """Samples the tickets every quarter second from its own connection: the most inside and
    waiting, and the admissions of a family while one with a smaller number waited."""

    engine: Engine
    most_inside: int = 0
    most_waiting: int = 0
    unfair: int = 0
    samples: int = 0
    _stop: threading.Event = attrs.field(factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _watch(self) -> None:
        counts = text(
            "SELECT count(*) FILTER (WHERE state = 'admitted'), "
            "count(*) FILTER (WHERE state = 'waiting') FROM waiting_room_tickets"
        )
        unfair = text(
            "SELECT count(*) FROM waiting_room_tickets inside JOIN waiting_room_tickets ahead "
            "ON inside.state = 'admitted' AND ahead.state = 'waiting' "
            "AND ahead.id < inside.id AND ahead.queued_at < inside.admitted_at "
            "AND ahead.expires_at > inside.admitted_at"
        )
        with self.engine.connect() as connection:
            while not self._stop.wait(0.25):
                inside, waiting = connection.execute(counts).one()
                self.most_inside = max(self.most_inside, inside)
                self.most_waiting = max(self.most_waiting, waiting)
                self.unfair = max(self.unfair, int(connection.execute(unfair).scalar_one()))
                connection.rollback()
                self.samples += 1


# --- Setting up and running ------------------------------------------------------------------


def set_room(url: str, capacity: int | None) -> None:
    """The room automatic for ``capacity`` families (None: switched off), as the desk does."""
    from entrypoints.bootstrap import bootstrap
    from entrypoints.settings import Settings
    from portail_core.domain.audit import Actor

    services = bootstrap(Settings.from_env({**os.environ, "PORTAIL_DATABASE_URL": url}))
    room, desk = services.portail.waiting_room, Actor.staff("banc")
    if capacity is None:
        room.switch_off(actor=desk)
    else:
        room.automatic(actor=desk, capacity=capacity)
    services.close()


@attrs.define
class Run:
    label: str
    seconds: float
    cpu: dict[str, float]
    outcome: rush.Outcome
    queue: Queue
    watch: RoomWatch
    checks: list[tuple[str, bool, str]]


def one_run(url: str, arguments: argparse.Namespace, capacity: int | None) -> Run:
    """Create the families, set the room, serve, rush; the figures."""
    from sqlalchemy.engine import make_url

    places = arguments.places or max(1, arguments.families * 3 // 4)
    label = "room off" if capacity is None else f"room, capacity {capacity}"
    with tempfile.TemporaryDirectory(prefix="portail-room-") as instance:
        environment = {
            **os.environ,
            "PORTAIL_INSTANCE_PATH": instance,
            "PORTAIL_SECRET_KEY": secrets.token_hex(32),
            "PORTAIL_DATABASE_URL": make_url(url)
            .update_query_dict({"application_name": rush.APPLICATION_NAME})
            .render_as_string(hide_password=False),
        }
        os.environ.update(environment)
        began = time.perf_counter()
        engine, sessions = rush.create_families(url, arguments.families, places)
        set_room(url, None)  # while the workers warm up (their first pages are slow)
        environment[ORIGIN] = os.environ[ORIGIN] = str(time.time())
        server, port = rush.start_gunicorn(
            environment, arguments.workers, arguments.threads, app="benchmarks.waiting_room:wsgi()"
        )
        try:
            warm, few = rush.Outcome(), sessions[: arguments.workers * 4]
            asyncio.run(rush.trivial(port, few, arguments.workers * 8, warm))
            set_room(url, capacity)
            ready = time.perf_counter() - began
            print(f"[{label}] {len(sessions)} families ready in {ready:.0f} s")
            meters = {
                "portal": rush.CpuMeter(lambda: [server.pid, *rush.children_of(server.pid)]),
                "postgresql": rush.CpuMeter(lambda: rush.postgres_backends(engine)),
            }
            outcome, queue, watch = rush.Outcome(), Queue(), RoomWatch(engine)
            watch.start()
            try:
                seconds, cpu = rush.measured(
                    lambda: asyncio.run(rush_through_the_room(port, sessions, outcome, queue)),
                    meters,
                )
            finally:
                watch.stop()
            found = rush.checks(engine, places, outcome.shown)
            return Run(label, seconds, cpu, outcome, queue, watch, found)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            engine.dispose()


# --- Report ----------------------------------------------------------------------------------


def spread(values: list[float], unit: float = 1.0) -> str:
    if not values:
        return "-"
    ordered = sorted(v * unit for v in values)
    return (
        f"p50 {rush.percentile(ordered, 0.5):.1f}, p95 {rush.percentile(ordered, 0.95):.1f}, "
        f"max {ordered[-1]:.1f}"
    )


def report(run: Run, capacity: int | None, families: int) -> bool:
    """Print the run; whether every check passed."""
    print(f"\n== {run.label}: {families} families, {run.seconds:.1f} s ==")
    lines, _ = rush.step_table(run.outcome)
    print("\n".join(lines))
    print("ends per child: " + ", ".join(f"{k}: {v}" for k, v in sorted(run.outcome.ends.items())))
    queue, watch = run.queue, run.watch
    waits = [sum(w) for w in queue.waits.values()]
    print(
        f"queue: {len(queue.waits)} families waited ({sum(len(w) for w in queue.waits.values())}"
        f" waits), total wait per family s: {spread(waits)}; redirects {len(queue.sent)} "
        f"(ms: {spread(queue.sent, 1000)}), "
        f"pages {len(queue.pages)} (ms: {spread([p[0] for p in queue.pages], 1000)}), polls "
        f"{len(queue.polls)} (ms: {spread([p[0] for p in queue.polls], 1000)}), "
        f"{len(queue.polls) / max(run.seconds, 1):.0f} polls/s; broken waits {queue.broken}"
    )
    per = (run.cpu["portal"] + run.cpu["postgresql"]) / families * 1000
    print(
        f"CPU s: portal {run.cpu['portal']:.1f}, postgresql {run.cpu['postgresql']:.1f}, "
        f"client {run.cpu['client']:.1f}; {per:.0f} ms portal+pg per family"
    )
    statuses = Counter(s[1] for v in run.outcome.samples.values() for s in v)
    statuses.update(p[1] for p in (*queue.pages, *queue.polls, *queue.logouts))
    errors = sum(n for status, n in statuses.items() if status >= 500)
    print(f"statuses: {dict(sorted(statuses.items()))}; 5xx: {errors}")
    found = list(run.checks)
    if capacity is not None:
        found += [
            (
                f"never more than {capacity} families inside",
                watch.most_inside <= capacity,
                f"most seen {watch.most_inside} ({watch.samples} samples), "
                f"most waiting {watch.most_waiting}",
            ),
            ("nobody let in while a smaller number waited", watch.unfair == 0, f"{watch.unfair}"),
        ]
    found.append(("no family gave up waiting", queue.broken == 0, f"{queue.broken}"))
    passed = errors == 0
    for what, ok, detail in found:
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {detail}")
        passed = passed and ok
    return passed


def p95_by_step(run: Run) -> dict[str, float]:
    return {
        step: rush.percentile(sorted(s[0] for s in samples), 0.95)
        for step, samples in run.outcome.samples.items()
    }


def main() -> int:
    from benchmarks.common import database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=16, help="families inside at once")
    parser.add_argument("--places", type=int, default=0, help="per age group (3/4 of families)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--compare", action="store_true", help="then the same, room off")
    arguments = parser.parse_args()
    runs: list[tuple[Run, int | None]] = []
    for capacity in (arguments.capacity, None) if arguments.compare else (arguments.capacity,):
        with database("postgresql") as url:
            if url is None:
                return 2
            runs.append((one_run(url, arguments, capacity), capacity))
    results = [report(run, capacity, arguments.families) for run, capacity in runs]  # each one
    passed = all(results)
    if len(runs) == 2:
        room, off = (p95_by_step(run) for run, _ in runs)
        ratios = ", ".join(
            f"{step} {room[step] / off[step]:.2f}"
            for step in rush.STEPS
            if step in room and step in off
        )
        print(f"\np95 with the room / without, per step (families inside): {ratios}")
        print(f"wall time with the room / without: {runs[0][0].seconds / runs[1][0].seconds:.2f}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
