"""Benchmark (c): the monthly billing run of a synthetic commune, against a floor.

2,000 families and 3,500 children (then 4,000 and 7,000) of the demo town, with a month of
consumptions: about 70,000 booked slots (school restaurant, morning and evening APS, ALSH
Wednesdays), the ALSH's pointage (a few absent), some presences without reservation at the
evening APS, and illnesses (most of them with a certificate). The data is written with plain
bulk inserts (not timed).

The run is ``services.billing.run_billing`` for November 2026 with the real SqlUnitOfWork, as
``portail billing run`` calls it. The floor, in the same run and on the same data, is what
plain bulk SQL needs for the same work: one transaction that reads the month's consumptions
(booked slots, marks, absences) and inserts the same number of invoice rows (their lines as
JSON: child, unit and quantity) and of e-mails announcing them (the outbox), then commits.
Both sizes are seeded in databases of their own and measured in turns, floor then run,
``--repeat`` times (the run's invoices and e-mails deleted in between, untimed); the best time
of each is kept.

    python -m benchmarks.billing [--database sqlite|postgresql|both] [--families 2000]
                                 [--repeat 5] [--profile] [--strict]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import pstats
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

import attrs
import pendulum
from sqlalchemy import Engine, delete, insert, select, text
from tests.unit.dossier_builders import complete_family, lea, tom
from tests.unit.reservation_world import DESK, demo_catalogue

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork
from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import (
    absences,
    attendance_marks,
    children,
    document_sequences,
    families,
    invoices,
    outbox,
    reservations,
)
from benchmarks.common import DATABASES, QueryCounter, database, migrated_engine
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.services.billing.bills import BillingReport
from portail_core.services.billing.run import run_billing
from portail_core.services.catalogue.offer import load_catalogue

MONTH = "2026-11"
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)
HOLIDAYS = {date(2026, 11, 11)}  # Armistice
RUN_AT = pendulum.datetime(2026, 12, 2, 9, 0, tz="Europe/Paris")
PUBLIC_URL = "https://famille.example"  # the run e-mails each family the link to its invoice
SEEDED_AT = pendulum.datetime(2026, 10, 15, 18, 0, tz="Europe/Paris")
CHILDREN_PER_FAMILY = 1.75  # 3,500 children for 2,000 families
TARGET_FLOOR_RATIO = 3.0
TARGET_SCALING = 2.2
BATCH = 5000


def school_days() -> list[date]:
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    return [d for d in days if d.weekday() in (0, 1, 3, 4) and d not in HOLIDAYS]


def wednesdays() -> list[date]:
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    return [d for d in days if d.weekday() == 2 and d not in HOLIDAYS]


@attrs.frozen
class Commune:
    """The rows to write, in the tables' column names."""

    families: list[dict[str, Any]]
    children: list[dict[str, Any]]
    reservations: list[dict[str, Any]]
    marks: list[dict[str, Any]]
    absences: list[dict[str, Any]]


def synthetic_commune(family_count: int, seed: int = 2026) -> Commune:
    """``family_count`` families and 1.75 times as many children (one, two or three each),
    their dossiers as the application stores them, and a month of consumptions."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    codec = domain_codec()
    family_data = codec.unstructure(complete_family(), Family)
    del family_data["children"], family_data["id"]
    child_data = [codec.unstructure(child, Child) for child in (lea(), tom())]
    for data in child_data:
        del data["id"]
    sizes = [1] * (family_count * 3 // 8) + [2] * (family_count // 2)
    sizes += [3] * (family_count - len(sizes))  # 3/8 x 1 + 4/8 x 2 + 1/8 x 3 = 1.75
    rng.shuffle(sizes)
    school = school_days()
    alsh_days = wednesdays()
    rows = Commune([], [], [], [], [])
    child_id = 0
    for family_id, size in enumerate(sizes, start=1):
        data = copy.deepcopy(family_data)
        name = f"Famille {family_id:05d}"
        data["name"] = name
        data["resident"] = rng.random() < 0.85
        if rng.random() < 0.1:  # no quotient: the highest tariff
            data["quotient"], data["highest_tariff_chosen"] = None, True
        else:
            data["quotient"]["value"] = rng.randrange(250, 2200, 10)
        rows.families.append(
            {
                "id": family_id,
                "name": name,
                "data": data,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
        )
        school_code = rng.choice(["PLAGE", "PINS"])
        for position in range(size):
            child_id += 1
            kid = copy.deepcopy(child_data[position % 2])
            kid["first_name"] = f"Enfant{position + 1}"
            kid["birth_date"] = date(
                2015 + position * 2 + rng.randrange(2), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ).isoformat()
            kid["school_code"] = school_code
            kid["pai"]["has_pai"] = rng.random() < 0.05
            rows.children.append(
                {"id": child_id, "family_id": family_id, "position": position, "data": kid}
            )
            booked = _month_of(rng, school_code, school, alsh_days)
            confirmed: dict[tuple[str, str], pendulum.DateTime] = {}  # one confirmation per unit
            for establishment, unit, day in booked:
                booked_at = confirmed.setdefault(
                    (establishment, unit), SEEDED_AT.add(minutes=child_id, seconds=len(confirmed))
                )
                rows.reservations.append(
                    {
                        "family_id": family_id,
                        "child_id": child_id,
                        "establishment_code": establishment,
                        "unit_code": unit,
                        "day": day,
                        "age_group": "ELEM" if establishment == "ALSH" else "",
                        "status": "booked",
                        "booked_at": booked_at,
                        "confirmation": f"R-{child_id:06d}-{len(confirmed)}",
                        "cancelled_at": None,
                    }
                )
            _pointage(rng, rows, child_id, school_code, booked, school)
            _illness(rng, rows, family_id, child_id, school)
    return rows


def _month_of(
    rng: random.Random, school_code: str, school: list[date], alsh_days: list[date]
) -> list[tuple[str, str, date]]:
    """About 20 slots: lunch on most school days, the APS for some children, the ALSH's
    Wednesdays for others."""
    booked = [(f"CANTINE-{school_code}", "REPAS", d) for d in school if rng.random() < 0.8]
    if rng.random() < 0.25:
        booked += [(f"APS-{school_code}", "SOIR", d) for d in school if rng.random() < 0.9]
    if rng.random() < 0.1:
        booked += [(f"APS-{school_code}", "MATIN", d) for d in school]
    if rng.random() < 0.3:
        booked += [("ALSH", "JOURNEE", d) for d in alsh_days]
    return booked


def _pointage(
    rng: random.Random,
    rows: Commune,
    child_id: int,
    school_code: str,
    booked: list[tuple[str, str, date]],
    school: list[date],
) -> None:
    """The ALSH marks every booked child (5 % absent); 3 % of the children come to the
    evening APS once without a reservation."""
    for establishment, unit, day in booked:
        if establishment == "ALSH":
            presence = "absent" if rng.random() < 0.05 else "present"
            rows.marks.append(_mark(child_id, establishment, unit, day, presence))
    aps = f"APS-{school_code}"
    if rng.random() < 0.03:
        day = rng.choice(school)
        if (aps, "SOIR", day) not in booked:
            rows.marks.append(_mark(child_id, aps, "SOIR", day, "present"))


def _mark(child_id: int, establishment: str, unit: str, day: date, presence: str) -> dict[str, Any]:
    return {
        "child_id": child_id,
        "establishment_code": establishment,
        "unit_code": unit,
        "day": day,
        "presence": presence,
        "recorded_at": SEEDED_AT,
        "recorded_by": "animateur",
    }


def _illness(
    rng: random.Random, rows: Commune, family_id: int, child_id: int, school: list[date]
) -> None:
    """4 % of the children are ill for 2 to 5 days; 60 % of them bring a certificate."""
    if rng.random() >= 0.04:
        return
    start = rng.randrange(len(school) - 5)
    first, last = school[start], school[start + rng.randrange(1, 5)]
    justified = rng.random() < 0.6
    rows.absences.append(
        {
            "family_id": family_id,
            "child_id": child_id,
            "first_day": first,
            "last_day": last,
            "reason": "maladie",
            "declared_at": SEEDED_AT,
            "declared_by": "famille",
            "channel": "portail",
            "certificate_file": "certificat.pdf" if justified else None,
            "justified": justified,
        }
    )


def seed(engine: Engine, commune: Commune) -> None:
    """The demo catalogue through its use case; the rest with plain bulk inserts."""
    details, catalogue = demo_catalogue()
    clock = FixedClock(SEEDED_AT)
    load_catalogue(SqlUnitOfWork(engine), details, catalogue, actor=DESK, clock=clock)
    with engine.begin() as connection:
        for table, rows in (
            (families, commune.families),
            (children, commune.children),
            (reservations, commune.reservations),
            (attendance_marks, commune.marks),
            (absences, commune.absences),
        ):
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[start : start + BATCH])
        if connection.dialect.name == "postgresql":  # ids were given: move the sequences on
            for name in ("families", "children"):
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, max(id)) FROM {name}"))  # noqa: S608
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def floor(engine: Engine) -> tuple[float, int]:
    """Plain bulk SQL: read the month's consumptions, insert one invoice row per family that
    consumed something (its lines: child, unit, quantity) and the e-mail announcing it, commit.
    Seconds and rows."""
    began = time.perf_counter()
    with engine.begin() as connection:
        r = reservations.c
        booked = connection.execute(
            select(r.family_id, r.child_id, r.establishment_code, r.unit_code, r.day).where(
                r.status == "booked", r.day.between(FIRST, LAST)
            )
        ).all()
        m = attendance_marks.c
        marks = connection.execute(
            select(attendance_marks, children.c.family_id)
            .join(children, children.c.id == m.child_id)
            .where(m.day.between(FIRST, LAST))
        ).all()
        a = absences.c
        connection.execute(select(absences).where(a.first_day <= LAST, a.last_day >= FIRST)).all()
        per_family: dict[int, Counter[tuple[int, str, str]]] = {}
        for family_id, child_id, establishment, unit, _ in booked:
            per_family.setdefault(family_id, Counter())[(child_id, establishment, unit)] += 1
        for mark in marks:
            key = (mark.child_id, mark.establishment_code, mark.unit_code)
            per_family.setdefault(mark.family_id, Counter())[key] += 0
        rows = [
            _floor_row(n, family_id, lines)
            for n, (family_id, lines) in enumerate(sorted(per_family.items()), start=1)
        ]
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(invoices), rows[start : start + BATCH])
        emails = [_floor_email(row) for row in rows]
        for start in range(0, len(emails), BATCH):
            connection.execute(insert(outbox), emails[start : start + BATCH])
    seconds = time.perf_counter() - began
    with engine.begin() as connection:  # untimed: the run starts from the same state
        connection.execute(delete(invoices).where(invoices.c.number.like("FL-%")))
        connection.execute(delete(outbox))
    return seconds, len(rows)


def _floor_email(row: dict[str, Any]) -> dict[str, Any]:
    """The e-mail telling the family about its invoice, as the outbox stores it."""
    return {
        "recipient": "claire.martin@example.fr",
        "template": "invoice_issued",
        "context": {"invoice": row["number"], "family": row["family_name"], "month": MONTH},
        "created_at": RUN_AT,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": RUN_AT,
        "sent_at": None,
        "last_error": "",
    }


def _floor_row(n: int, family_id: int, lines: Counter[tuple[int, str, str]]) -> dict[str, Any]:
    return {
        "number": f"FL-2026-{n:06d}",
        "kind": "invoice",
        "family_id": family_id,
        "family_name": f"Famille {family_id:05d}",
        "address": ["Claire Martin", "12 rue des Pins", "40200 Mimizan"],
        "month": MONTH,
        "issued_on": RUN_AT.date(),
        "due_on": RUN_AT.date() + timedelta(days=30),
        "pay_online_until": RUN_AT.date() + timedelta(days=30),
        "total_cents": 0,
        "lines": [
            {"child_id": child, "establishment_code": e, "unit_code": u, "quantity": q}
            for (child, e, u), q in lines.items()
        ],
        "created_at": RUN_AT,
        "quotient": "",
        "corrects": None,
        "direct_debit_on": None,
    }


def billing_run(engine: Engine) -> tuple[float, BillingReport]:
    began = time.perf_counter()
    report = run_billing(
        SqlUnitOfWork(engine), FixedClock(RUN_AT), month=MONTH, actor=DESK, public_url=PUBLIC_URL
    )
    return time.perf_counter() - began, report


def forget_the_run(engine: Engine) -> None:
    """Untimed: delete the run's invoices and numbers, so that the next run bills again."""
    with engine.begin() as connection:
        connection.execute(delete(invoices).where(invoices.c.month == MONTH))
        connection.execute(delete(document_sequences))
        connection.execute(text("DELETE FROM audit_events WHERE action = 'billing.run'"))
        connection.execute(delete(outbox))


@attrs.frozen
class Measure:
    database: str
    families: int
    children: int
    slots: int
    marks: int
    absences: int
    invoices: int
    run: float
    floor: float
    statements: int
    rerun: float

    @property
    def ratio(self) -> float:
        return self.run / self.floor


class Town:
    """One seeded database of a benchmark round: its engine, what was written, the timings."""

    def __init__(self, kind: str, url: str, family_count: int) -> None:
        commune = synthetic_commune(family_count)
        self.kind, self.families = kind, family_count
        self.sizes = {
            "children": len(commune.children),
            "slots": len(commune.reservations),
            "marks": len(commune.marks),
            "absences": len(commune.absences),
        }
        self.engine = migrated_engine(url)
        seed(self.engine, commune)
        # The rows written are garbage now: alive, their 100,000 dicts would be walked by every
        # full collection of the garbage collector during the run, which a real run never has.
        del commune
        self.counter = QueryCounter(self.engine)
        self.runs: list[float] = []
        self.floors: list[float] = []
        self.statements = 0
        self.report: BillingReport | None = None
        floor(self.engine)  # warm-up, untimed: the same pages in the caches for both

    def round(self, profile: bool) -> None:
        """The floor, then the run (the previous run forgotten first), timed."""
        seconds, rows = floor(self.engine)
        self.floors.append(seconds)
        if self.report is not None:
            forget_the_run(self.engine)
        with self.counter.counting() as sent:
            if profile:
                profiler = cProfile.Profile()
                seconds, report = profiler.runcall(billing_run, self.engine)
                print(f"\n{self.kind}, {self.families} families: cProfile of the run")
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            else:
                seconds, report = billing_run(self.engine)
        self.runs.append(seconds)
        self.statements = sent[0]
        assert not report.problems, report.problems[:5]
        assert report.count("new") == rows, (report.count("new"), rows)
        self.report = report

    def result(self) -> Measure:
        """Best of the rounds, and a re-run checked to change nothing."""
        assert self.report is not None
        rerun, again = billing_run(self.engine)
        assert again.count("unchanged") == self.report.count("new")
        return Measure(
            self.kind,
            self.families,
            self.sizes["children"],
            self.sizes["slots"],
            self.sizes["marks"],
            self.sizes["absences"],
            self.report.count("new"),
            min(self.runs),
            min(self.floors),
            self.statements,
            rerun,
        )


def measure(kind: str, family_counts: tuple[int, ...], repeat: int, profile: bool) -> list[Measure]:
    """Each size in a database of its own, measured in turns (floor and run of the first size,
    then of the second, and again): a slower moment of a shared machine falls on both sizes
    and both sides of each ratio, not on one."""
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(database(kind)) for _ in family_counts]
        if None in urls:
            return []
        towns = [Town(kind, url, count) for url, count in zip(urls, family_counts, strict=True)]
        for town in towns:
            stack.callback(town.engine.dispose)
        for attempt in range(repeat):
            for town in towns:
                town.round(profile and attempt == repeat - 1)
        return [town.result() for town in towns]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--families", type=int, default=2000, help="then twice as many")
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs and floors")
    parser.add_argument("--profile", action="store_true", help="cProfile the last run")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    arguments = parser.parse_args()
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    sizes = (arguments.families, 2 * arguments.families)
    print(
        f"billing run of {MONTH} (run_billing, SqlUnitOfWork) against the floor (plain bulk "
        "SQL: read the consumptions, insert as many invoice rows and e-mails); "
        f"best of {arguments.repeat}"
    )
    header = (
        f"{'database':<11}{'families':>9}{'children':>9}{'slots':>8}{'marks':>7}{'absences':>9}"
        f"{'invoices':>9}{'run s':>8}{'floor s':>9}{'run/floor':>10}{'SQL':>6}{'re-run s':>9}"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, list[Measure]] = {}
    for kind in kinds:
        for m in measure(kind, sizes, arguments.repeat, arguments.profile):
            results.setdefault(kind, []).append(m)
            print(
                f"{m.database:<11}{m.families:>9}{m.children:>9}{m.slots:>8}{m.marks:>7}"
                f"{m.absences:>9}{m.invoices:>9}{m.run:>8.2f}{m.floor:>9.2f}"
                f"{m.ratio:>10.2f}{m.statements:>6}{m.rerun:>9.2f}",
                flush=True,
            )
    print()
    met = True
    for kind, (small, large, *_) in ((k, v) for k, v in results.items() if len(v) == 2):
        scaling = large.run / small.run
        worst = max(small.ratio, large.ratio)
        ok = worst <= TARGET_FLOOR_RATIO and scaling <= TARGET_SCALING
        met = met and ok
        print(
            f"{kind}: run/floor {small.ratio:.2f} and {large.ratio:.2f} (target <= "
            f"{TARGET_FLOOR_RATIO:g}); time({large.families})/time({small.families}) = "
            f"{scaling:.2f} (target <= {TARGET_SCALING:g}): {'met' if ok else 'MISSED'}"
        )
    return 0 if met or not arguments.strict else 1


if __name__ == "__main__":
    sys.exit(main())
