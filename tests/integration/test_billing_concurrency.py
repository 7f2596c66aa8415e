"""Invoice numbers never skip nor repeat, even when billing runs race (the issue's "even if two
runs race"), with the real SqlUnitOfWork: several runs of the same month at once issue one
invoice per family numbered FA-YYYY-000001..N; runs of two months at once share the year's
sequence; a run held after drawing its first number makes the others wait; a run that fails
after drawing numbers gives them back to the next one. PostgreSQL holds the year's sequence
rows FOR UPDATE; SQLite serialises writers with BEGIN IMMEDIATE: both are checked."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial

import attrs
import pendulum
import pytest
from sqlalchemy import Engine, text

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from adapters.persistence.billing import SqlInvoiceRepository
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.bookings.reservation import Reservation
from portail_core.ports.unit_of_work import UnitOfWorkFactory
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.run import run_billing
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.integration.test_reservation_concurrency import Pause, in_threads, race
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, NOW, demo_catalogue

FAMILIES = 12
RUNS = 4
BILLING_DAY = pendulum.datetime(2026, 11, 2, 9, 0, tz="Europe/Paris")
WEDNESDAYS = {
    "2026-09": [date(2026, 9, d) for d in (2, 9, 16, 23, 30)],
    "2026-10": [date(2026, 10, d) for d in (7, 14, 21, 28)],
}


@pytest.fixture
def busy_engine(database_url: str) -> Iterator[Engine]:
    """An engine with a connection for every run, so that all of them really race."""
    engine = create_database_engine(database_url, pool_size=2 * RUNS + 2, max_overflow=0)
    upgrade(engine)
    yield engine
    engine.dispose()


@attrs.frozen
class Town:
    uow: UnitOfWorkFactory
    families: dict[int, int]  # family id -> Léa's id


def make_town(engine: Engine, *, year_started: bool = True) -> Town:
    """The demo commune and FAMILIES families, each with Léa booked at the ALSH on a few
    Wednesdays of September and October (from one to all of them). ``year_started``: the
    year's sequences exist already (as after the year's first run), so that runs queue on
    their rows' locks rather than on the insertion of the rows."""
    uow = partial(SqlUnitOfWork, engine)
    clock = FixedClock(NOW)
    details, catalogue = demo_catalogue()
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    families = {}
    for n in range(FAMILIES):
        family = attrs.evolve(complete_family(), name=f"Famille {n:02d}")
        family_id = create_family(uow(), family, actor=DESK, clock=clock)
        lea = family.children[0].id
        assert lea is not None
        families[family_id] = lea
    with uow() as unit:
        for n, (family_id, lea) in enumerate(families.items()):
            for days in WEDNESDAYS.values():
                for day in days[: 1 + n % len(days)]:
                    unit.reservations.add(
                        Reservation(family_id, lea, "ALSH", "JOURNEE", day, "ELEM", NOW, "R-1")
                    )
        if year_started:
            unit.invoices.lock_numbering(BILLING_DAY.year)
        unit.commit()
    return Town(uow, families)


def bill(town: Town, month: str = "2026-09") -> BillingReport:
    return run_billing(town.uow(), FixedClock(BILLING_DAY), month=month, actor=DESK)


def numbers_in_sql(engine: Engine, kind: str = "invoice") -> list[str]:
    with engine.connect() as connection:
        query = text("SELECT number FROM invoices WHERE kind = :kind ORDER BY id")
        return list(connection.execute(query, {"kind": kind}).scalars())


def last_in_sql(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(text('SELECT kind, "last" FROM document_sequences'))
        return {row[0]: row[1] for row in rows}


def invoice_numbers(count: int, start: int = 1, prefix: str = "FA") -> list[str]:
    return [f"{prefix}-2026-{n:06d}" for n in range(start, start + count)]


def reports(outcomes: list[BillingReport | BaseException]) -> list[BillingReport]:
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    return [o for o in outcomes if isinstance(o, BillingReport)]


@pytest.mark.parametrize("year_started", [True, False], ids=["year-started", "new-year"])
def test_runs_of_the_same_month_at_once_issue_one_invoice_per_family_numbered_without_gaps(
    busy_engine: Engine, year_started: bool
) -> None:
    town = make_town(busy_engine, year_started=year_started)

    done = reports(race([partial(bill, town)] * RUNS))

    assert len(done) == RUNS
    winners = [r for r in done if r.count("new")]
    assert len(winners) == 1
    assert winners[0].count("new") == FAMILIES
    for report in done:
        if report is not winners[0]:
            assert report.count("unchanged") == FAMILIES
            assert all(b.issued == () for b in report.bills)
    issued = sorted(number for b in winners[0].bills for number in b.issued)
    assert issued == invoice_numbers(FAMILIES)
    assert sorted(numbers_in_sql(busy_engine)) == invoice_numbers(FAMILIES)
    with busy_engine.connect() as connection:
        per_family = connection.execute(
            text("SELECT family_id, count(*) FROM invoices GROUP BY family_id")
        ).all()
    assert sorted(f for f, _ in per_family) == sorted(town.families)
    assert {count for _, count in per_family} == {1}
    assert last_in_sql(busy_engine) == {"invoice": FAMILIES, "credit_note": 0}


def test_runs_of_two_months_at_once_share_the_years_sequence(busy_engine: Engine) -> None:
    town = make_town(busy_engine)

    done = reports(race([partial(bill, town, month) for month in WEDNESDAYS for _ in range(2)]))

    assert sum(r.count("new") for r in done) == 2 * FAMILIES
    assert sorted(numbers_in_sql(busy_engine)) == invoice_numbers(2 * FAMILIES)
    with town.uow(read_only=True) as uow:
        for month in WEDNESDAYS:
            of_month = uow.invoices.of_month(month)
            assert sorted(i.family_id for i in of_month) == sorted(town.families)
            # a run draws its numbers one after the other: a month's invoices follow each other
            sequence = sorted(int(i.number[-6:]) for i in of_month)
            assert sequence == list(range(sequence[0], sequence[0] + FAMILIES))


def test_corrections_racing_are_issued_once(busy_engine: Engine) -> None:
    town = make_town(busy_engine)
    bill(town)
    late = list(town.families.items())[::3]
    with town.uow() as uow:  # late pointage: present on the 30th without a reservation
        for _, lea in late:
            uow.attendance.record(
                AttendanceMark(
                    lea, "ALSH", "MATIN", date(2026, 9, 30), Presence.PRESENT, NOW, "agent"
                )
            )
        uow.commit()

    done = reports(race([partial(bill, town)] * RUNS))

    assert sorted(r.count("corrected") for r in done) == [0] * (RUNS - 1) + [len(late)]
    assert sorted(numbers_in_sql(busy_engine)) == invoice_numbers(FAMILIES + len(late))
    assert sorted(numbers_in_sql(busy_engine, "credit_note")) == invoice_numbers(
        len(late), prefix="AV"
    )
    assert last_in_sql(busy_engine) == {"invoice": FAMILIES + len(late), "credit_note": len(late)}


@pytest.mark.parametrize("held_after", ["of_month", "next_numbers"])
def test_a_run_held_after_reading_or_drawing_makes_the_other_wait(
    busy_engine: Engine, monkeypatch: pytest.MonkeyPatch, held_after: str
) -> None:
    """The first run is held after reading the month's invoices (before drawing anything), or
    after drawing its first numbers; the second starts meanwhile."""
    town = make_town(busy_engine)
    pause = Pause("first")
    monkeypatch.setattr(
        SqlInvoiceRepository, held_after, pause.wrap(getattr(SqlInvoiceRepository, held_after))
    )

    results = in_threads(first=partial(bill, town), second=pause.after(partial(bill, town)))

    first, second = results["first"], results["second"]
    assert isinstance(first, BillingReport), results
    assert isinstance(second, BillingReport), results
    assert first.count("new") == FAMILIES  # the second waited for the first's commit...
    assert second.count("unchanged") == FAMILIES  # ... then saw its invoices
    assert sorted(numbers_in_sql(busy_engine)) == invoice_numbers(FAMILIES)


class Breakdown(RuntimeError):
    pass


def failing_after(adds: int, thread_name: str, pause: Pause | None = None) -> Callable[..., None]:
    """SqlInvoiceRepository.add_all that fails in that thread after ``adds`` invoices (numbers
    drawn and rows written), once the other thread has started when ``pause`` is given."""
    original = SqlInvoiceRepository.add_all

    def add_all(self: SqlInvoiceRepository, documents: list[Invoice]) -> None:
        if threading.current_thread().name != thread_name:
            return original(self, documents)
        original(self, documents[:adds])
        if pause is not None:
            pause.reached.set()
            pause.done.wait(timeout=3)
        raise Breakdown(f"panne après {adds} factures")

    return add_all


def test_a_run_failing_after_drawing_numbers_leaves_no_gap_for_the_next(
    busy_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    town = make_town(busy_engine, year_started=False)
    monkeypatch.setattr(SqlInvoiceRepository, "add_all", failing_after(5, "failing"))

    results = in_threads(failing=partial(bill, town))

    assert isinstance(results["failing"], Breakdown), results
    assert numbers_in_sql(busy_engine) == []
    assert last_in_sql(busy_engine) == {}  # even the year's sequence rows were rolled back
    report = bill(town)
    assert report.count("new") == FAMILIES
    assert numbers_in_sql(busy_engine) == invoice_numbers(FAMILIES)


def test_a_run_failing_while_another_waits_leaves_it_the_numbers(
    busy_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    town = make_town(busy_engine)
    bill(town, "2026-10")  # numbers 1..FAMILIES are taken already
    pause = Pause("failing")
    monkeypatch.setattr(SqlInvoiceRepository, "add_all", failing_after(7, "failing", pause))

    results = in_threads(
        failing=partial(bill, town), other=pause.after(partial(bill, town, "2026-09"))
    )

    assert isinstance(results["failing"], Breakdown), results
    other = results["other"]
    assert isinstance(other, BillingReport), results
    assert other.count("new") == FAMILIES
    assert sorted(numbers_in_sql(busy_engine)) == invoice_numbers(2 * FAMILIES)
    assert last_in_sql(busy_engine) == {"invoice": 2 * FAMILIES, "credit_note": 0}
