"""``portail sma commission|offer|expire|remind|purge`` through click's CliRunner, on SQLite and
PostgreSQL: the example family's requests (filed through the façade, some at a past instant so
that the scheduled commands have something to do) are ranked, offered, expired, reminded and
dropped; each offer e-mailed and audited; bad input explained in French, nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.sma import SmaState
from tests.integration.test_account_opening_cli import family_file
from tests.integration.test_family_edit_cli import COMMUNE, Desk

FAMILY = Actor("famille", Channel.PORTAL)
Env = dict[str, str]


@pytest.fixture
def world(database_url: str, instance_path: Path, tmp_path: Path) -> Iterator[tuple[Desk, Env]]:
    env = {
        "PORTAIL_INSTANCE_PATH": str(instance_path),
        "PORTAIL_DATABASE_URL": database_url,
        "PORTAIL_SECRET_KEY": "k" * 40,
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    assert run("catalogue", "load", str(COMMUNE)).exit_code == 0
    assert run("family", "create", str(family_file(tmp_path))).exit_code == 0
    return run, env


def at(env: Env, instant: pendulum.DateTime) -> Services:
    return bootstrap(Settings.from_env(env), clock=FixedClock(instant))


def file_request(env: Env, instant: pendulum.DateTime, child_id: int | None = None) -> int:
    """A request filed at ``instant`` for a child of the dossier, or an expected child."""
    services = at(env, instant)
    try:
        request = services.portail.sma.request(
            family_id=1,
            child_id=child_id,
            last_name="Martin" if child_id is None else "",
            expected_birth_date=None if child_id else numeric_day_fr(instant.date().add(months=3)),
            start_date=numeric_day_fr(instant.date().add(months=6)),
            hours={"lundi": ("8:30", "17:00"), "jeudi": ("9h", "16h30")},
            wishes=["SMA"],
            actor=FAMILY,
        )
    finally:
        services.close()
    assert request.id is not None
    return request.id


def today() -> pendulum.Date:
    return pendulum.now("Europe/Paris").date()


def test_the_commission_ranks_the_candidates_and_an_offer_is_mailed_and_audited(
    world: tuple[Desk, Env],
) -> None:
    desk, env = world
    now = pendulum.now("Europe/Paris")
    older = file_request(env, now.subtract(days=10), child_id=2)
    newer = file_request(env, now.subtract(days=2))
    day = numeric_day_fr(today())
    listed = desk("sma", "commission", "--date", day)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("Critères, dans l'ordre : la famille habite la commune")
    ranked = json.loads(desk("sma", "commission", "--date", day, "--format", "json").output)
    assert [c["id"] for c in ranked["candidates"]] == [older, newer]
    assert [c["rank"] for c in ranked["candidates"]] == [1, 2]
    assert ranked["criteria"] == ["residence", "siblings_placed", "request_date"]
    before = numeric_day_fr(today().subtract(days=5))
    early = json.loads(desk("sma", "commission", "--date", before, "--format", "json").output)
    assert [c["id"] for c in early["candidates"]] == [older]
    start, deadline = today().add(months=2), today().add(days=10)
    offered = desk(
        "sma", "offer", str(older), "--establishment", "sma",
        "--start", numeric_day_fr(start), "--deadline", numeric_day_fr(deadline),
    )  # fmt: skip
    assert offered.exit_code == 0, offered.output
    assert f"(demande n° {older})" in offered.output
    assert "Courriel envoyé" in offered.output
    after = desk("sma", "commission", "--date", day)
    assert f"Offre en attente : n° {older}" in after.output
    ranked = json.loads(desk("sma", "commission", "--date", day, "--format", "json").output)
    assert [c["id"] for c in ranked["candidates"]] == [newer]
    assert ranked["pending_offers"] == [older]
    events = json.loads(desk("audit", "list", "--format", "json").output)
    assert [e["action"] for e in events if e["action"] == "sma.offer"] == ["sma.offer"]
    services = at(env, now)
    try:
        with services.ports.uow(read_only=True) as uow:
            mails = [m for m in uow.outbox.listing(50) if m.template == "sma_offer"]
    finally:
        services.close()
    assert len(mails) == 1
    csv = desk("sma", "commission", "--date", day, "--format", "csv")
    assert csv.exit_code == 0
    assert csv.output.splitlines()[0].startswith("rank,id,child")


def test_late_offers_expire_and_unconfirmed_requests_are_reminded_then_dropped(
    world: tuple[Desk, Env],
) -> None:
    desk, env = world
    now = pendulum.now("Europe/Paris")
    late = file_request(env, now.subtract(days=20), child_id=2)
    services = at(env, now.subtract(days=20))
    try:
        services.portail.sma.offer(
            late, establishment_code="SMA", start=today().add(months=1),
            deadline=today().subtract(days=1), actor=Actor("guichet", Channel.DESK),
        )  # fmt: skip
    finally:
        services.close()
    expired = desk("sma", "expire")
    assert expired.exit_code == 0, expired.output
    assert f"Offre expirée : demande n° {late}" in expired.output
    assert expired.output.endswith("1 offre(s) expirée(s).\n")
    assert desk("sma", "expire").output == "0 offre(s) expirée(s).\n"
    old = file_request(env, now.subtract(months=7))
    reminded = desk("sma", "remind")
    assert reminded.output == "1 famille(s) invitée(s) à confirmer leur demande.\n"
    assert desk("sma", "remind").output.startswith("0 famille(s)")  # once only
    assert desk("sma", "purge").output == "0 demande(s) radiée(s).\n"  # within the grace days
    services = at(env, now.add(days=31))
    try:
        dropped = services.portail.sma.purge(actor=Actor.system("portail sma"))
        with services.ports.uow(read_only=True) as uow:
            states = {r.id: r.state for r in uow.sma_requests.of_family(1)}
            mails = [m for m in uow.outbox.listing(50) if m.template == "sma_reminder"]
    finally:
        services.close()
    assert [r.id for r in dropped] == [old]
    assert states == {late: SmaState.EXPIRED, old: SmaState.DROPPED}
    assert len(mails) == 1
    events = json.loads(desk("audit", "list", "--format", "json").output)
    actions = [e["action"] for e in events if e["action"].startswith("sma.")]
    assert {"sma.expire", "sma.remind"} <= set(actions)


def test_bad_input_is_explained_in_french_and_nothing_changes(world: tuple[Desk, Env]) -> None:
    desk, env = world
    number = file_request(env, pendulum.now("Europe/Paris").subtract(days=1), child_id=2)
    day = numeric_day_fr(today())
    unknown = desk("sma", "commission", "--date", day, "--establishment", "LUNE")
    assert unknown.exit_code == 3
    assert "Aucune structure « LUNE »" in unknown.output
    school = desk("sma", "commission", "--date", day, "--establishment", "alsh")
    assert school.exit_code == 2
    assert "n'est pas une SMA" in school.output
    bad_date = desk("sma", "commission", "--date", "31/02/2027")
    assert bad_date.exit_code == 2
    start = numeric_day_fr(today().add(months=1))
    missing = desk("sma", "offer", "99", "--establishment", "SMA", "--start", start,
                   "--deadline", day)  # fmt: skip
    assert missing.exit_code == 3
    assert "Aucune demande de pré-inscription à la SMA n° 99" in (missing.output)
    past = numeric_day_fr(today().subtract(days=3))
    late = desk("sma", "offer", str(number), "--establishment", "SMA", "--start", start,
                "--deadline", past)  # fmt: skip
    assert late.exit_code == 2
    assert "--deadline" in late.output
    assert "est passée" in late.output
    after = desk("sma", "offer", str(number), "--establishment", "SMA", "--start", start,
                 "--deadline", numeric_day_fr(today().add(months=2)))  # fmt: skip
    assert after.exit_code == 2
    assert "au plus tard le jour d'entrée" in after.output
    ranked = json.loads(desk("sma", "commission", "--date", day, "--format", "json").output)
    assert [c["id"] for c in ranked["candidates"]] == [number]  # still a candidate
    assert ranked["pending_offers"] == []
    ok = desk("sma", "offer", str(number), "--establishment", "SMA", "--start", start,
              "--deadline", day)  # fmt: skip
    assert ok.exit_code == 0, ok.output
    again = desk("sma", "offer", str(number), "--establishment", "SMA", "--start", start,
                 "--deadline", day)  # fmt: skip
    assert again.exit_code == 5
    assert "ne peut pas recevoir d'offre" in again.output
