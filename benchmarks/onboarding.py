"""Benchmark (issue 18): onboarding a town of N families (10,000 by default), against a plain
bulk insert of the same rows, in the same run.

The measured path is what `portail family onboard export.csv` then `portail account create
--all-complete` do, in one process: read and check the CSV export (one line per child, every
column of docs/import-familles.md), build the dossiers, record them (families, children, the
history), then open every complete dossier's account (identifier, activation token, e-mail in
the outbox with its paced ``next_attempt_at``, history). No password is hashed: accounts are
opened awaiting activation by link, so Argon2 is not involved.

The floor is SQLAlchemy Core executemany of exactly the rows the import stored in ``families``
and ``children`` (same JSON), into a fresh database of the same kind: what the database and the
driver cost without any rule, parsing or history. The ratio is (import + accounts) / floor.

Then the same file is imported again: the benchmark checks that no row of any table changed.

    python -m benchmarks.onboarding [--families 10000] [--database postgresql|sqlite|both]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import time
from datetime import date, timedelta

import pendulum
from sqlalchemy import Engine, Table, insert, select
from tests.unit.reservation_world import DESK, demo_catalogue

from adapters.clock import FixedClock
from adapters.onboarding_csv import CHILD_COLUMNS, FAMILY_COLUMNS, read_onboarding_csv
from adapters.persistence import SqlUnitOfWork
from adapters.persistence.tables import (
    accounts,
    audit_events,
    children,
    families,
    metadata,
    one_time_tokens,
    outbox,
)
from benchmarks.common import DATABASES, database, migrated_engine
from entrypoints.cli.bulk_work import cyclic_gc_paused
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.services.accounts.batch_opening import Pacing, open_complete_accounts
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.onboarding import OnboardingOutcome, onboard_families

NOW = pendulum.datetime(2026, 10, 5, 9, 0, tz="Europe/Paris")
COLUMNS = FAMILY_COLUMNS + CHILD_COLUMNS
FIRST_NAMES = ("Jules", "Lou", "Hugo", "Léa", "Emma", "Noé", "Inès", "Louis", "Zoé", "Adam")
LAST_NAMES = ("Durand", "Petit", "Roux", "Martin", "Bernard", "Moreau", "Lefèvre", "Garnier")
REGULATIONS = ("ALSH:2026-1", "APS-PLAGE:2025-2", "CANTINE-PLAGE:2025-3", "EMS:2026-1")
PACE = Pacing(SchoolYear.containing(NOW.date()), "https://portail.example.fr", per_minute=30)


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def town_export(count: int, seed: int = 18) -> bytes:
    """``count`` complete families of 1 to 3 children, a third on direct debit, as the
    previous software would export them (UTF-8 with a byte-order mark, ``;``)."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    today = NOW.date()
    year = SchoolYear.containing(today)
    accepted = _fr(today - timedelta(days=20))
    out = io.StringIO()
    out.write(";".join(COLUMNS) + "\r\n")
    for n in range(1, count + 1):
        last = f"{rng.choice(LAST_NAMES)}-{n}"
        family = dict.fromkeys(COLUMNS, "")
        family |= {
            "famille": f"ANC-{n:06d}",
            "nom_foyer": last,
            "habitant": rng.choice(("oui", "oui", "non")),
            "resp1_prenom": rng.choice(("Anne", "Marc", "Sofia", "Karim")),
            "resp1_nom": last,
            "resp1_lien": rng.choice(("mère", "père")),
            "resp1_adresse": f"{n} rue des Écoles",
            "resp1_cp": "99100",
            "resp1_ville": "Démo-sur-Mer",
            "resp1_tel": f"06 {n % 100:02d} {n // 100 % 100:02d} 11 22",
            "resp1_email": f"famille{n}@example.fr",
            "resp2_prenom": "Paul",
            "resp2_nom": last,
            "resp2_lien": "autre",
            "resp2_tel": "07 12 34 56 78",
            "qf": str(rng.randint(300, 2500)),
            "qf_source": "CAF",
            "qf_date": _fr(today - timedelta(days=40)),
            "assurance_valable_jusquau": _fr(year.last_day),
            "domicile_fourni_le": _fr(today - timedelta(days=10)),
            "domicile_valable_jusquau": _fr(today + timedelta(days=80)),
            "reglements": " | ".join(f"{code}:{accepted}" for code in REGULATIONS),
        }
        if n % 3 == 0:
            family |= {
                "mandat_rum": f"ANC-RUM-{n:06d}",
                "mandat_titulaire": f"Anne {last}",
                "mandat_iban": "FR7630006000011234567890189",
                "mandat_signe_le": "15/03/2019",
            }
        for k in range(rng.randint(1, 3)):
            child = {
                "enfant_prenom": FIRST_NAMES[(n + k) % len(FIRST_NAMES)],
                "enfant_nom": last,
                "enfant_naissance": _fr(date(2016 + k * 2, 1 + n % 12, 1 + n % 28)),
                "enfant_sexe": rng.choice(("F", "M")),
                "enfant_ecole": "PLAGE",
                "enfant_classe": ("CM1", "CE1", "MS")[k],
                "enfant_vaccins_a_jour": "oui",
                "enfant_pai": "non",
                "enfant_allergies": "",
                "enfant_regime": rng.choice(("aucun", "sans porc", "végétarien")),
                "enfant_photos": "oui",
                "enfant_inscriptions": "EMS:NATATION" if k == 0 and n % 5 == 0 else "",
            }
            out.write(";".join((family | child)[c] for c in COLUMNS) + "\r\n")
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


# Random by design, different in each database: the activation links' secrets (their hashes,
# the e-mails holding them), the allocation campaign's seed, the reference cache's token.
SECRETS = {
    "one_time_tokens": ("token_hash",),
    "outbox": ("context",),
    "allocation_campaigns": ("seed",),
    "reference_version": ("token",),
}


def fingerprint(
    engine: Engine, leave_out: dict[str, tuple[str, ...]] | None = None
) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows (without the ``leave_out`` columns)."""
    found = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            hidden = (leave_out or {}).get(table.name, ())
            columns = [column for column in table.columns if column.name not in hidden]
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(*columns)))
            found[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def floor(url: str, engine: Engine, tables: tuple[Table, ...]) -> float:
    """Seconds to bulk-insert (Core executemany, one transaction) the rows the run stored in
    ``tables`` into the fresh database ``url``."""
    with engine.connect() as connection:
        rows = [[dict(r._mapping) for r in connection.execute(select(t))] for t in tables]
    target = migrated_engine(url)
    try:
        started = time.perf_counter()
        with target.begin() as connection:
            for table, table_rows in zip(tables, rows, strict=True):
                connection.execute(insert(table), table_rows)
        return time.perf_counter() - started
    finally:
        target.dispose()


def _prepared(url: str, clock: FixedClock) -> Engine:
    engine = migrated_engine(url)
    details, catalogue = demo_catalogue()
    load_catalogue(SqlUnitOfWork(engine), details, catalogue, actor=DESK, clock=clock)
    return engine


def two_commands(engine: Engine, data: bytes, clock: FixedClock) -> tuple[float, float, float]:
    """`family onboard` then `account create --all-complete`, each as the CLI runs it (the
    cyclic garbage collector paused): seconds to read and check the file, to import, and in
    all."""
    started = time.perf_counter()
    with cyclic_gc_paused():
        parsed = read_onboarding_csv(data, clock.today())
        parsing = time.perf_counter() - started
        report = onboard_families(
            SqlUnitOfWork(engine), parsed.dossiers, source="export.csv", actor=DESK, clock=clock
        )
    imported = time.perf_counter() - started
    with cyclic_gc_paused():
        opening = open_complete_accounts(
            SqlUnitOfWork(engine),
            school_year=PACE.school_year,
            public_url=PACE.public_url,
            actor=DESK,
            clock=clock,
            per_minute=PACE.per_minute,
        )
    total = time.perf_counter() - started
    count = len(parsed.dossiers)
    assert report.count(OnboardingOutcome.ADDED) == count, (parsed.problems[:3], report.refusals)
    assert len(opening.opened) == count, opening.incomplete[:3]
    return parsing, imported, total


def one_pass(engine: Engine, data: bytes, clock: FixedClock) -> float:
    """`family onboard --open-accounts`: seconds to import and open every account at once."""
    started = time.perf_counter()
    with cyclic_gc_paused():
        parsed = read_onboarding_csv(data, clock.today())
        report = onboard_families(
            SqlUnitOfWork(engine),
            parsed.dossiers,
            source="export.csv",
            actor=DESK,
            clock=clock,
            open_accounts=PACE,
        )
    total = time.perf_counter() - started
    assert report.opening is not None
    assert len(report.opening.opened) == len(parsed.dossiers), report.opening.incomplete[:3]
    return total


def run(kind: str, count: int) -> float | None:
    data = town_export(count)
    clock = FixedClock(NOW)
    with (
        database(kind) as url,
        database(kind) as pass_url,
        database(kind) as floor_url,
        database(kind) as all_url,
    ):
        if url is None or pass_url is None or floor_url is None or all_url is None:
            return None
        engine, pass_engine = _prepared(url, clock), _prepared(pass_url, clock)
        parsing, imported, total = two_commands(engine, data, clock)
        single = one_pass(pass_engine, data, clock)
        same_as_two = fingerprint(pass_engine, leave_out=SECRETS) == fingerprint(
            engine, leave_out=SECRETS
        )
        pass_engine.dispose()

        before = fingerprint(engine)
        started = time.perf_counter()
        with cyclic_gc_paused():
            again = onboard_families(
                SqlUnitOfWork(engine),
                read_onboarding_csv(data, clock.today()).dossiers,
                source="export.csv",
                actor=DESK,
                clock=clock,
            )
        reimport = time.perf_counter() - started
        unchanged = again.count(OnboardingOutcome.UNCHANGED) == count
        same = fingerprint(engine) == before
        bulk = floor(floor_url, engine, (families, children))
        written = (families, children, accounts, one_time_tokens, outbox, audit_events)
        bulk_all = floor(all_url, engine, written)
        engine.dispose()

    lines = data.count(b"\r\n") - 1
    print(
        f"{kind}: {count} families ({lines} lines, {len(data) / 1e6:.1f} MB)\n"
        f"  read and checked the CSV     {parsing:7.2f} s\n"
        f"  import (read + record)       {imported:7.2f} s\n"
        f"  accounts opened              {total - imported:7.2f} s (--all-complete: every "
        "dossier read back)\n"
        f"  two commands in all          {total:7.2f} s = {count / total * 60:,.0f} families/min\n"
        f"  one pass (--open-accounts)   {single:7.2f} s = {count / single * 60:,.0f} families/min;"
        f" same rows as the two commands: {same_as_two}\n"
        f"  floor: every row written     {bulk_all:7.2f} s (families, children, accounts, tokens, "
        "outbox, history; Core executemany)\n"
        f"    ratio, two commands        {total / bulk_all:7.1f} x (target: at most 5 x)\n"
        f"    ratio, one pass            {single / bulk_all:7.1f} x\n"
        f"  floor: families + children   {bulk:7.2f} s\n"
        f"    ratio, two commands        {total / bulk:7.1f} x\n"
        f"    ratio, one pass            {single / bulk:7.1f} x\n"
        f"  re-import                    {reimport:7.2f} s: {count} unchanged: {unchanged}; "
        f"every table's rows identical: {same}"
    )
    return total / bulk_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="both")
    arguments = parser.parse_args(argv)
    kinds = DATABASES if arguments.database == "both" else (arguments.database,)
    for kind in kinds:
        run(kind, arguments.families)
    return 0


if __name__ == "__main__":
    sys.exit(main())
