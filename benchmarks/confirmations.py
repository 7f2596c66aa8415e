"""Benchmark (b): confirmations per second with N concurrent clients, against a trivial write.

Each confirmation is ``services.reservations.confirm_planning`` with the real SqlUnitOfWork, of a
summary validated beforehand (not timed): one child's four Wednesdays of "Journée" at the ALSH,
every client booking the same four days, so that all of them queue on the same place locks (the
worst case: a rush on one month). The reference, in the same run and with the same N, is one
transaction per row inserted into a one-table schema: what the database and the driver cost
without any rule. The ratio says how much of a write transaction's throughput a confirmation
keeps.

Clients are threads by default (one process, like one gunicorn worker with threads); with
``--processes`` each client is a process of its own (like gunicorn's worker processes), which
frees them from sharing one interpreter lock.

    python -m benchmarks.confirmations [--database postgresql|sqlite|both] [--processes]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select
from tests.integration.reservation_town import Town
from tests.unit.reservation_world import DESK, NOW, sources

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork
from benchmarks.common import DATABASES, database, four_unit_catalogue, migrated_engine
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.services.catalogue.offer import load_catalogue

CLIENTS = (1, 4, 16)
CONFIRMATIONS = 160  # per run, shared among the clients
REFERENCE_WRITES = 1600
# One month of Wednesdays per run, so that the same children book again in the next run.
MONTHS = {
    1: (date(2026, 9, 9), date(2026, 9, 16), date(2026, 9, 23), date(2026, 9, 30)),
    4: (date(2026, 10, 7), date(2026, 10, 14), date(2026, 10, 21), date(2026, 10, 28)),
    16: (date(2026, 11, 4), date(2026, 11, 18), date(2026, 11, 25), date(2026, 12, 2)),
}
reference = Table(
    "bench_reference",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("client", Integer, nullable=False),
    Column("note", String(40), nullable=False),
)


def in_parallel(jobs: Sequence[Callable[[], None]], processes: bool) -> float:
    """Run the jobs at once (threads, or forked processes); the seconds from the first start to
    the last end."""
    if processes:
        context = multiprocessing.get_context("fork")
        start = context.Barrier(len(jobs) + 1)
        workers = [context.Process(target=_released, args=(start, job)) for job in jobs]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.perf_counter()
        for worker in workers:
            worker.join()
        if any(worker.exitcode != 0 for worker in workers):
            raise RuntimeError("a client failed")
        return time.perf_counter() - began
    gate = threading.Barrier(len(jobs) + 1)
    failures: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        gate.wait()
        try:
            job()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return time.perf_counter() - began


def _released(start: threading.Barrier, job: Callable[[], None]) -> None:
    start.wait()
    job()


def shares(items: list[tuple[int, str]], clients: int) -> list[list[tuple[int, str]]]:
    return [items[n::clients] for n in range(clients)]


def confirmations_per_second(
    town: Town, engine: Engine, families: list[int], clients: int, processes: bool
) -> float:
    days = MONTHS[clients]
    selection = Selection(book=frozenset(Slot(day, "JOURNEE") for day in days))
    drafts = [(family, town.draft(family, selection)) for family in families]
    engine.dispose()  # forked clients must not share the parent's connections

    def confirm_all(mine: list[tuple[int, str]]) -> None:
        if processes:
            engine.dispose(close=False)
        for family, token in mine:
            confirmation = town.confirm(family, token)
            if len(confirmation.summary.additions) != len(days):
                raise AssertionError(confirmation.summary.refused)

    jobs = [partial(confirm_all, mine) for mine in shares(drafts, clients)]
    seconds = in_parallel(jobs, processes)
    with town.uow(read_only=True) as uow:
        booked = sum(len(uow.reservations.on_day("ALSH", day)) for day in days)
    assert booked == len(days) * len(families), booked
    return len(drafts) / seconds


def writes_per_second(engine: Engine, clients: int, processes: bool) -> float:
    engine.dispose()

    def write(client: int, count: int) -> None:
        if processes:
            engine.dispose(close=False)
        for _ in range(count):
            with engine.begin() as connection:
                connection.execute(insert(reference).values(client=client, note="une ligne"))

    each = REFERENCE_WRITES // clients
    with engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(reference)).scalar_one()
    seconds = in_parallel([partial(write, n, each) for n in range(clients)], processes)
    with engine.connect() as connection:
        after = connection.execute(select(func.count()).select_from(reference)).scalar_one()
    assert after - before == each * clients
    return each * clients / seconds


def run(kind: str, url: str, processes: bool) -> list[tuple[str, int, float, float]]:
    engine = migrated_engine(url, pool_size=max(CLIENTS) + 2, max_overflow=0)
    reference.create(engine)
    clock = FixedClock(NOW)
    details, catalogue = four_unit_catalogue(places=CONFIRMATIONS * 2)
    uow = partial(SqlUnitOfWork, engine)
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    town = Town(uow, clock, sources())
    families = [town.add_family() for _ in range(CONFIRMATIONS)]
    warm = town.add_family()  # a first confirmation and write, untimed
    town.run(warm, Selection(book=frozenset({Slot(date(2026, 12, 9), "JOURNEE")})))
    writes_per_second(engine, 1, processes=False)
    rows = []
    for clients in CLIENTS:
        confirmed = confirmations_per_second(town, engine, families, clients, processes)
        written = writes_per_second(engine, clients, processes)
        rows.append((kind, clients, confirmed, written))
    engine.dispose()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--processes", action="store_true", help="one process per client")
    arguments = parser.parse_args()
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    mode = "processes" if arguments.processes else "threads"
    print(
        f"{CONFIRMATIONS} confirmations of 4 Wednesdays each (the same days for every client) "
        f"and {REFERENCE_WRITES} one-row transactions per line; clients are {mode}"
    )
    header = (
        f"{'database':<11}{'clients':>8}{'confirmations/s':>17}{'one-row writes/s':>18}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for kind in kinds:
        with database(kind) as url:
            if url is None:
                continue
            for name, clients, confirmed, written in run(kind, url, arguments.processes):
                ratio = confirmed / written
                print(f"{name:<11}{clients:>8}{confirmed:>17.1f}{written:>18.1f}{ratio:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
