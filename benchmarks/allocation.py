"""Benchmark: fair allocation's draw of a summer, against reading the same requests.

2,500 families of the demo town (1 or 2 children each) ask for days of a summer (10 weeks) at
three ALSH structures (the demo's and two copies), a campaign each: every child asks one
structure for 5 to 20 days, in order of preference ("Journée" mostly, some "Matin"), far more
than the places. Families, children and requests are written with plain bulk inserts (not
timed); the campaigns come from the commune file through the catalogue's use case.

Timed, per campaign and in the same run: the draw (``services.allocation.desk.draw_campaign``
with the real SqlUnitOfWork, as ``portail allocation draw`` calls it: every request checked
against the booking rules, the classes, the lottery, the decisions written in one
transaction), its ``--dry-run`` recomputation after the draw, the publication (reservations,
waiting-list entries and e-mails written), and the reference: reading the same campaign's
requests in one read-only transaction. The ratio draw/read says what the rules and the lottery
cost on top of the data.

    python -m benchmarks.allocation [--database postgresql|sqlite|both] [--families 2500]
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

import attrs
import pendulum
from sqlalchemy import Engine, insert, select, text
from tests.unit.dossier_builders import complete_family, lea, tom
from tests.unit.reservation_world import DESK, demo_catalogue, sources

from adapters.clock import FixedClock
from adapters.persistence import SqlUnitOfWork
from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import (
    allocation_campaigns,
    allocation_requests,
    children,
    families,
)
from benchmarks.common import DATABASES, QueryCounter, database, migrated_engine
from portail_core.domain.allocation import CampaignSettings
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.services.allocation.desk import draw_campaign
from portail_core.services.allocation.publish import publish_campaign
from portail_core.services.catalogue.offer import load_catalogue

PARIS = "Europe/Paris"
FIRST, LAST = date(2027, 6, 28), date(2027, 9, 5)  # 10 weeks
HOLIDAYS = (date(2027, 7, 5), date(2027, 8, 31))  # the days the ALSH opens: asked for
STRUCTURES = ("ALSH", "ALSH-PINS", "ALSH-PORT")
REQUESTS_FROM = pendulum.datetime(2026, 5, 1, 8, tz=PARIS)
REQUESTS_UNTIL = pendulum.datetime(2026, 6, 10, 18, tz=PARIS)
DRAWN_AT = pendulum.datetime(2026, 6, 15, 10, tz=PARIS)  # the families' dossiers are complete
SEEDED_AT = pendulum.datetime(2026, 5, 20, 18, tz=PARIS)
BATCH = 5000


def town() -> tuple[Any, Catalogue]:
    """The demo commune with three ALSH structures, a summer campaign each."""
    details, catalogue = demo_catalogue()
    alsh = catalogue.establishment("ALSH")
    assert alsh is not None
    alsh = attrs.evolve(alsh, closures=())  # open all summer
    copies = tuple(
        attrs.evolve(alsh, code=code, name=f"Accueil de loisirs {code}", regulation=None)
        for code in STRUCTURES[1:]
    )
    others = tuple(e for e in catalogue.establishments if e.code != "ALSH")
    catalogue = Catalogue(catalogue.schools, (*others, alsh, *copies))
    campaigns = tuple(
        CampaignSettings.create(
            code=f"ETE-{code}",
            label=f"Été 2027 ({code})",
            establishment_code=code,
            first_day=FIRST,
            last_day=LAST,
            requests_from=REQUESTS_FROM,
            requests_until=REQUESTS_UNTIL,
            priorities=("residence", "siblings_placed", "both_parents_working"),
            max_days_per_child=15,
        )
        for code in STRUCTURES
    )
    return attrs.evolve(details, allocations=campaigns), catalogue


def seed(engine: Engine, family_count: int, rng: random.Random) -> dict[str, int]:
    """The town through its use case, then families, children and requests in bulk; returns
    the requests per campaign."""
    details, catalogue = town()
    clock = FixedClock(SEEDED_AT)
    load_catalogue(SqlUnitOfWork(engine), details, catalogue, actor=DESK, clock=clock)
    codec = domain_codec()
    family_data = codec.unstructure(complete_family(), Family)
    del family_data["children"], family_data["id"]
    child_data = [codec.unstructure(child, Child) for child in (lea(), tom())]
    for data in child_data:
        del data["id"]
    first, last = HOLIDAYS
    weekdays = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weekdays = [day for day in weekdays if day.weekday() < 5 and day != date(2027, 7, 14)]
    with engine.begin() as connection:
        ids = dict(
            connection.execute(select(allocation_campaigns.c.code, allocation_campaigns.c.id)).all()
        )
    rows: dict[str, list[dict[str, Any]]] = {"families": [], "children": [], "requests": []}
    counts = dict.fromkeys(ids, 0)
    child_id = 0
    for family_id in range(1, family_count + 1):
        data = copy.deepcopy(family_data)
        data["name"] = f"Famille {family_id:05d}"
        data["resident"] = rng.random() < 0.7
        rows["families"].append(
            {
                "id": family_id,
                "name": data["name"],
                "data": data,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
        )
        for position in range(1 + (rng.random() < 0.5)):
            child_id += 1
            kid = copy.deepcopy(child_data[position % 2])
            kid["first_name"] = f"Enfant{position + 1}"
            kid["birth_date"] = date(
                2017 + rng.randrange(6), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ).isoformat()
            rows["children"].append(
                {"id": child_id, "family_id": family_id, "position": position, "data": kid}
            )
            code = f"ETE-{rng.choice(STRUCTURES)}"
            days = rng.sample(weekdays, rng.randrange(5, 21))
            for preference, day in enumerate(days, 1):
                unit = "JOURNEE" if rng.random() < 0.85 else "MATIN"
                rows["requests"].append(
                    {
                        "campaign_id": ids[code],
                        "family_id": family_id,
                        "child_id": child_id,
                        "unit_code": unit,
                        "day": day,
                        "preference": preference,
                        "requested_at": SEEDED_AT,
                    }
                )
                counts[code] += 1
    with engine.begin() as connection:
        for table, name in (
            (families, "families"),
            (children, "children"),
            (allocation_requests, "requests"),
        ):
            found = rows[name]
            for start in range(0, len(found), BATCH):
                connection.execute(insert(table), found[start : start + BATCH])
        if connection.dialect.name == "postgresql":  # ids were given: move the sequences on
            for name in ("families", "children"):
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, max(id)) FROM {name}"))  # noqa: S608
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return counts


def timed(action: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def measure(kind: str, family_count: int) -> list[dict[str, Any]]:
    with database(kind) as url:
        if url is None:
            return []
        engine = migrated_engine(url)
        try:
            counts = seed(engine, family_count, random.Random(2027))  # noqa: S311  (test data)
            counter = QueryCounter(engine)
            clock = FixedClock(DRAWN_AT)
            results = []
            for code, requests in sorted(counts.items()):
                read, _ = timed(lambda c=code: _read(engine, c))
                with counter.counting() as statements:
                    drawn, report = timed(
                        lambda c=code: draw_campaign(
                            SqlUnitOfWork(engine),
                            sources(),
                            clock,
                            code=c,
                            dry_run=False,
                            actor=DESK,
                        )
                    )
                verified, again = timed(
                    lambda c=code: draw_campaign(
                        SqlUnitOfWork(engine, read_only=True),
                        sources(),
                        clock,
                        code=c,
                        dry_run=True,
                        actor=DESK,
                    )
                )
                assert again.matches, "the dry run must find the stored draw"
                published, _ = timed(
                    lambda c=code: publish_campaign(
                        SqlUnitOfWork(engine), clock, code=c, actor=DESK
                    )
                )
                results.append(
                    {
                        "database": kind,
                        "campaign": code,
                        "requests": requests,
                        "granted": report.granted,
                        "waiting": report.waiting,
                        "refused": report.refused,
                        "read": read,
                        "draw": drawn,
                        "statements": statements[0],
                        "verify": verified,
                        "publish": published,
                    }
                )
            return results
        finally:
            engine.dispose()


def _read(engine: Engine, code: str) -> int:
    with SqlUnitOfWork(engine, read_only=True) as uow:
        return len(uow.allocations.requests(code))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--families", type=int, default=2500)
    arguments = parser.parse_args()
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    print(
        f"draw of {len(STRUCTURES)} summer campaigns (10 weeks each), {arguments.families} "
        "families, against reading the same requests; seconds"
    )
    header = (
        f"{'database':<11}{'campaign':<15}{'requests':>9}{'granted':>8}{'waiting':>8}"
        f"{'refused':>8}{'read s':>8}{'draw s':>8}{'draw/read':>10}{'SQL':>6}{'dry-run s':>10}"
        f"{'publish s':>10}"
    )
    print(header)
    print("-" * len(header))
    for kind in kinds:
        rows = measure(kind, arguments.families)
        for r in rows:
            print(
                f"{r['database']:<11}{r['campaign']:<15}{r['requests']:>9}{r['granted']:>8}"
                f"{r['waiting']:>8}{r['refused']:>8}{r['read']:>8.3f}{r['draw']:>8.2f}"
                f"{r['draw'] / r['read']:>10.1f}{r['statements']:>6}{r['verify']:>10.2f}"
                f"{r['publish']:>10.2f}",
                flush=True,
            )
        if rows:
            total = sum(r["draw"] for r in rows)
            read = sum(r["read"] for r in rows)
            print(
                f"{kind}: the three draws {total:.2f} s, reading their requests {read:.3f} s, "
                f"ratio {total / read:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
