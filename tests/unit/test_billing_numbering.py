"""A property of the monthly billing run: whatever happens between runs (bookings, late
pointage, absences justified or not), whichever months are billed, in which year, again and
again, and even when a run breaks down after drawing numbers, invoice and credit-note numbers
have no gaps and no repeats per kind and year, every number drawn is on a document, a family
has at most one invoice in force per month, and re-running a month creates nothing."""

from __future__ import annotations

import copy
import functools
import re
from collections import defaultdict
from datetime import date, timedelta
from typing import cast

import pendulum
import pytest
from attrs import frozen
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.memory.billing import InMemoryInvoiceRepository, InvoiceState
from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.bookings.reservation import Reservation
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.run import month_bounds, run_billing
from tests.unit.reservation_world import DESK, NOW, World, make_world

MONTHS = ("2026-11", "2026-12")
RUN_DAYS = (date(2026, 12, 1), date(2027, 1, 5))  # November's invoices in 2026 or 2027
UNITS = ("JOURNEE", "MATIN", "APRES-MIDI")
FAMILIES = 3
NUMBER = re.compile(r"^(FA|AV)-(\d{4})-(\d{6})$")


def wednesdays(month: str) -> list[date]:
    first, last = month_bounds(month)
    day = first + timedelta(days=(2 - first.weekday()) % 7)
    found = []
    while day <= last:
        found.append(day)
        day += timedelta(weeks=1)
    return found


@frozen
class Book:
    family: int
    month: str
    week: int
    unit: str


@frozen
class Mark:
    family: int
    month: str
    week: int
    unit: str
    present: bool


@frozen
class Ill:
    family: int
    month: str
    week: int
    justified: bool


@frozen
class Run:
    month: str
    on: date
    breaks_after: int | None = None  # the run breaks down after that many documents


def a_day(month: str, week: int) -> date:
    days = wednesdays(month)
    return days[week % len(days)]


def runs() -> st.SearchStrategy[Run]:
    pairs = [(m, d) for m in MONTHS for d in RUN_DAYS if d > month_bounds(m)[1]]
    return st.builds(
        lambda pair, breaks: Run(pair[0], pair[1], breaks),
        st.sampled_from(pairs),
        st.one_of(st.none(), st.none(), st.integers(0, 3)),
    )


families = st.integers(0, FAMILIES - 1)
months = st.sampled_from(MONTHS)
weeks = st.integers(0, 3)
units = st.sampled_from(UNITS)
changes = st.one_of(
    st.builds(Book, families, months, weeks, units),
    st.builds(Mark, families, months, weeks, units, st.booleans()),
    st.builds(Ill, families, months, weeks, st.booleans()),
)
# rounds of a few changes followed by a run
plans = st.lists(
    st.tuples(st.lists(changes, min_size=1, max_size=3), runs()), min_size=2, max_size=5
)


class Breakdown(RuntimeError):
    pass


class BreakingInvoices(InMemoryInvoiceRepository):
    """Adds ``left`` documents, then breaks down (their numbers were drawn)."""

    def __init__(self, uow: BreakingUnitOfWork) -> None:
        super().__init__(uow.state(InvoiceState))
        self._uow = uow

    def add(self, invoice: Invoice) -> Invoice:
        if self._uow.left <= 0:
            raise Breakdown("panne au milieu de la facturation")
        self._uow.left -= 1
        return super().add(invoice)


class BreakingUnitOfWork(InMemoryUnitOfWork):
    def __init__(self, store: InMemoryStore, left: int) -> None:
        super().__init__(store)
        self.left = left

    @property
    def invoices(self) -> InMemoryInvoiceRepository:
        return BreakingInvoices(self)


@functools.cache
def template() -> tuple[World, list[int]]:
    """The demo commune and its families, built once; each example works on a copy."""
    world = make_world()
    return world, [world.martin] + [world.add_family() for _ in range(FAMILIES - 1)]


class Town:
    def __init__(self) -> None:
        world, self.families = template()
        store = InMemoryStore(copy.deepcopy(world.store.states))
        self.world = World(store, FixedClock(NOW), world.sources, world.martin)
        self.lea = [self.world.child_id("Léa", family) for family in self.families]

    @property
    def documents(self) -> list[Invoice]:
        return list(self.world.store.committed(InvoiceState).invoices)

    @property
    def sequences(self) -> dict[tuple[str, int], int]:
        return dict(self.world.store.committed(InvoiceState).sequences)

    def apply(self, step: Book | Mark | Ill) -> None:
        now = self.world.clock.now()
        with self.world.uow() as uow:
            if isinstance(step, Book):
                day = a_day(step.month, step.week)
                child = self.lea[step.family]
                if any(
                    r.child_id == child and r.unit_code == step.unit
                    for r in uow.reservations.booked_between(day, day)
                ):
                    return
                uow.reservations.add(
                    Reservation(
                        self.families[step.family],
                        child,
                        "ALSH",
                        step.unit,
                        day,
                        "ELEM",
                        now,
                        "R-PROP",
                    )
                )
            elif isinstance(step, Mark):
                presence = Presence.PRESENT if step.present else Presence.ABSENT
                uow.attendance.record(
                    AttendanceMark(
                        self.lea[step.family],
                        "ALSH",
                        step.unit,
                        a_day(step.month, step.week),
                        presence,
                        now,
                        "agent",
                    )
                )
            else:
                day = a_day(step.month, step.week)
                uow.absences.add(
                    Absence(
                        self.families[step.family],
                        self.lea[step.family],
                        day,
                        day,
                        AbsenceReason.ILLNESS,
                        now,
                        Actor("famille", Channel.PORTAL),
                        "cert.pdf" if step.justified else None,
                        justified=step.justified,
                    )
                )
            uow.commit()

    def run(self, step: Run) -> BillingReport:
        self.world.clock.set(pendulum.datetime(step.on.year, step.on.month, step.on.day, 9))
        uow: UnitOfWork = self.world.uow()
        if step.breaks_after is not None:
            uow = cast(UnitOfWork, BreakingUnitOfWork(self.world.store, step.breaks_after))
        return run_billing(uow, self.world.clock, month=step.month, actor=DESK)


def check_numbering(documents: list[Invoice], sequences: dict[tuple[str, int], int]) -> None:
    drawn: dict[tuple[str, int], list[int]] = defaultdict(list)
    for document in sorted(documents, key=lambda d: d.id or 0):
        match = NUMBER.match(document.number)
        assert match is not None, document.number
        assert match[1] == document.kind.prefix
        assert int(match[2]) == document.issued_on.year
        drawn[(document.kind.value, int(match[2]))].append(int(match[3]))
    for (kind, year), numbers in drawn.items():
        # in the order issued: 1, 2, 3... no gap, no repeat
        assert numbers == list(range(1, len(numbers) + 1)), (kind, year, numbers)
        assert sequences[(kind, year)] == len(numbers)  # every number drawn is on a document
    assert all(last == 0 for key, last in sequences.items() if key not in drawn)


def check_documents(documents: list[Invoice]) -> None:
    by_number = {d.number: d for d in documents}
    cancelled = [d.corrects for d in documents if d.kind is DocumentKind.CREDIT_NOTE]
    assert len(cancelled) == len(set(cancelled))  # an invoice is cancelled once at most
    for credit in documents:
        if credit.kind is DocumentKind.CREDIT_NOTE:
            assert credit.corrects is not None
            invoice = by_number[credit.corrects]
            assert invoice.kind is DocumentKind.INVOICE
            assert (invoice.family_id, invoice.month) == (credit.family_id, credit.month)
            assert credit.total == -invoice.total
    standing: dict[tuple[int, str], int] = defaultdict(int)
    for d in documents:
        if d.kind is DocumentKind.INVOICE and d.number not in cancelled:
            standing[(d.family_id, d.month)] += 1
    assert set(standing.values()) <= {1}  # one invoice in force per family and month


@settings(max_examples=50)
@given(plans)
def test_numbering_has_no_gaps_or_repeats_whatever_the_runs_and_corrections(
    plan: list[tuple[list[Book | Mark | Ill], Run]],
) -> None:
    town = Town()
    for before_run, step in plan:
        for change in before_run:
            town.apply(change)
        before = (town.documents, town.sequences)
        if step.breaks_after is not None:
            try:
                town.run(step)
            except Breakdown:
                assert (town.documents, town.sequences) == before  # nothing kept
                continue
            # nothing to write, or fewer documents than the breakdown's threshold
        else:
            report = town.run(step)
            assert not report.problems
        check_numbering(town.documents, town.sequences)
        check_documents(town.documents)
        settled = town.documents
        again = town.run(Run(step.month, step.on))
        assert again.count("new") == again.count("corrected") == 0
        assert town.documents == settled
    check_numbering(town.documents, town.sequences)
    check_documents(town.documents)


def test_a_breakdown_after_numbers_were_drawn_gives_them_back() -> None:
    town = Town()
    for family in range(FAMILIES):
        town.apply(Book(family, "2026-09", family, "JOURNEE"))
    with pytest.raises(Breakdown):
        town.run(Run("2026-09", date(2026, 10, 2), breaks_after=2))
    assert town.documents == []
    assert town.sequences == {}
    town.run(Run("2026-09", date(2026, 10, 2)))
    assert [d.number for d in town.documents] == [
        f"FA-2026-{n:06d}" for n in range(1, FAMILIES + 1)
    ]
