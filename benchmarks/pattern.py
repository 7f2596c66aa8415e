"""Benchmark: a « semaine type » of a school year (canteen four days a week, about 140 days)
validated and confirmed in one request each, against a one-day validation and confirmation in
the same run.

For each repetition a new family of the demo town books Léa's canteen at the Plage school on
Mondays, Tuesdays, Thursdays and Fridays from 1 September 2026 to the end of the school year
(``validate_pattern``, then ``confirm_planning`` on its draft: what the web page's two POSTs
run), and another family books one day the same way (``validate_planning`` then
``confirm_planning``). It reports the SQL statements and the server time of each step, on
SQLite (a temporary file) and PostgreSQL (a schema of its own). A confirmation must run the same
number of statements whatever the number of days: the script exits with status 1 if it does
not.

    python -m benchmarks.pattern [--repeat 10] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TypeVar

from tests.integration.reservation_town import Town
from tests.unit.reservation_world import DESK, FAMILY, NOW, demo_catalogue, sources

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork
from benchmarks.common import DATABASES, QueryCounter, database, migrated_engine, milliseconds
from portail_core.domain.bookings.pattern import PeriodEnd
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.shared.weekdays import Weekday
from portail_core.services.bookings.confirmation import confirm_planning
from portail_core.services.bookings.pattern import PatternRequest, validate_pattern
from portail_core.services.bookings.validation import Validation, validate_planning
from portail_core.services.catalogue.offer import load_catalogue

CANTEEN, MEAL = "CANTINE-PLAGE", "REPAS"
FOUR_DAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
SCHOOL_YEAR = PatternRequest(
    {day: frozenset({MEAL}) for day in FOUR_DAYS}, PeriodEnd.SCHOOL_YEAR, date(2026, 9, 1)
)
ONE_DAY = Selection(book=frozenset({Slot(date(2026, 9, 1), MEAL)}))
T = TypeVar("T")


class Sample:
    """The statements and seconds of each step, one value per repetition."""

    def __init__(self) -> None:
        self.statements: dict[str, list[int]] = {}
        self.seconds: dict[str, list[float]] = {}
        self.days: dict[str, int] = {}

    def timed(self, counter: QueryCounter, step: str, action: Callable[[], T]) -> T:
        with counter.counting() as statements:
            start = time.perf_counter()
            result = action()
            elapsed = time.perf_counter() - start
        self.statements.setdefault(step, []).append(statements[0])
        self.seconds.setdefault(step, []).append(elapsed)
        return result


def book(town: Town, sample: Sample, counter: QueryCounter, kind: str) -> None:
    """One family books, by pattern or one day: validated, then confirmed."""
    family = town.add_family()
    child = town.child_id(family)
    uow, sources_, clock = town.uow(), town.sources, town.clock

    def validate() -> Validation:
        if kind == "pattern":
            return validate_pattern(
                uow,
                sources_,
                clock,
                family_id=family,
                child_id=child,
                establishment_code=CANTEEN,
                asked=SCHOOL_YEAR,
            )
        return validate_planning(
            uow,
            sources_,
            clock,
            family_id=family,
            child_id=child,
            establishment_code=CANTEEN,
            selection=ONE_DAY,
        )

    validation = sample.timed(counter, f"{kind}: validate", validate)
    assert validation.draft_token is not None, validation.summary.refused
    token = validation.draft_token
    done = sample.timed(
        counter,
        f"{kind}: confirm",
        lambda: confirm_planning(
            town.uow(), sources_, clock, family_id=family, token=token, actor=FAMILY
        ),
    )
    if done.summary.refused:
        raise AssertionError(done.summary.refused)
    sample.days[kind] = len(done.summary.additions)


def run(url: str, repeat: int) -> Sample:
    engine = migrated_engine(url)
    clock = FixedClock(NOW)
    details, catalogue = demo_catalogue()
    uow = partial(SqlUnitOfWork, engine)
    load_catalogue(uow(), details, catalogue, actor=DESK, clock=clock)
    town = Town(uow, clock, sources())
    counter = QueryCounter(engine)
    warm = Sample()  # caches, prepared statements, the connection pool
    for kind in ("pattern", "one day"):
        book(town, warm, counter, kind)
    sample = Sample()
    for _ in range(repeat):
        for kind in ("pattern", "one day"):  # side by side, in turn
            book(town, sample, counter, kind)
    engine.dispose()
    return sample


def report(kind: str, sample: Sample) -> bool:
    """Print the lines of one database; False if a confirmation's statements grew with days."""
    reference = {
        "validate": milliseconds(sample.seconds["one day: validate"])[0],
        "confirm": milliseconds(sample.seconds["one day: confirm"])[0],
    }
    for step, seconds in sample.seconds.items():
        what, action = step.split(": ")
        median, p95 = milliseconds(seconds)
        statements = sorted(set(sample.statements[step]))
        shown = "/".join(str(n) for n in statements)
        ratio = median / reference[action]
        print(
            f"{kind:<11}{step:<19}{sample.days[what]:>5}{shown:>12}{median:>10.1f}{p95:>10.1f}"
            f"{ratio:>8.1f}"
        )
    pattern, one = sample.statements["pattern: confirm"], sample.statements["one day: confirm"]
    return max(pattern) <= max(one)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    arguments = parser.parse_args()
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    print(
        f"A school year of canteen 4 days a week vs one day, {arguments.repeat} families each; "
        "time in ms (median, p95); ratio: median / the one-day step's median"
    )
    header = (
        f"{'database':<11}{'step':<19}{'days':>5}{'statements':>12}{'median':>10}{'p95':>10}"
        f"{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    fixed = True
    for kind in kinds:
        with database(kind) as url:
            if url is None:
                continue
            fixed = report(kind, run(url, arguments.repeat)) and fixed
    if not fixed:
        print("A confirmation's statements grew with the number of days.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
