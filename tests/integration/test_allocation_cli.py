"""``portail allocation open|status|draw|publish`` through click's CliRunner, on SQLite and
PostgreSQL: two families ask for summer days of the demo's ALSH (one place a day), the window
closes, the draw gives each day to the class of priority first (the residents), recomputes the
same result with --dry-run, refuses a second draw; publishing reveals the seed, books the
places, puts the rest on the waiting list in draw order and e-mails each family. The ordinary
grid refuses the campaign's days until then, and books what is left after."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from importlib.resources import files
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from adapters.mail.renderer import JinjaEmailRenderer
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.domain.allocation import CampaignState, Outcome
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.services.allocation.views import RequestOutcome
from portail_core.services.messaging import dispatch_outbox
from tests.integration.test_account_opening_cli import PDF, family_file
from tests.integration.test_outbox_smtp import Inbox, inbox, smtp  # noqa: F401  (the fixture)

FAMILY = Actor("famille", Channel.PORTAL)
# Fixed instants around the demo's window (1 June 2026 - 15 May 2027), never the real date.
ASKED_AT = pendulum.datetime(2027, 5, 13, 10, tz="Europe/Paris")  # inside the window
NOW = pendulum.datetime(2027, 5, 20, 10, tz="Europe/Paris")  # the window closed on 15 May
JULY_5, JULY_6 = date(2027, 7, 5), date(2027, 7, 6)
Env = dict[str, str]
Run = Callable[..., Result]


def commune(folder: Path) -> Path:
    """The demo town, one place a day at the ALSH (its window closed at ``NOW``)."""
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    text = re.sub(r"places = (24|36|48) }", "places = 1 }", text)
    path = folder / "commune.toml"
    path.write_text(text, "utf-8")
    return path


def second_family(folder: Path) -> Path:
    """Another family, not resident: a lower class of priority."""
    text = family_file(folder).read_text("utf-8")
    text = text.replace("Martin", "Durand").replace("resident = true", "resident = false")
    text = text.replace("claire.martin@example.fr", "claire.durand@example.fr")
    path = folder / "durand.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def world(database_url: str, instance_path: Path, tmp_path: Path) -> tuple[Run, Env]:
    env = {
        "PORTAIL_INSTANCE_PATH": str(instance_path),
        "PORTAIL_DATABASE_URL": database_url,
        "PORTAIL_SECRET_KEY": "k" * 40,
    }

    def run(*args: str) -> Result:
        """The command at ``NOW`` (a portal on a fixed clock, as the desk would run it)."""
        services = at(env, NOW)
        try:
            return CliRunner().invoke(main, list(args), obj=services, catch_exceptions=False)
        finally:
            services.close()

    assert run("db", "upgrade").exit_code == 0
    loaded = run("catalogue", "load", str(commune(tmp_path)))
    assert loaded.exit_code == 0, loaded.output
    assert run("family", "create", str(family_file(tmp_path))).exit_code == 0
    assert run("family", "create", str(second_family(tmp_path))).exit_code == 0
    proof = tmp_path / "quittance.pdf"
    proof.write_bytes(PDF)
    for family_id in ("1", "2"):
        added = run(
            "document", "add", family_id, "--type", "justificatif_domicile", "--file", str(proof)
        )
        assert added.exit_code == 0, added.output
    return run, env


def at(env: Env, instant: pendulum.DateTime) -> Services:
    return bootstrap(Settings.from_env(env), clock=FixedClock(instant))


def children_of(services: Services, family_id: int) -> list[int]:
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id)
        assert family is not None
        return [c.id for c in family.children if c.id is not None]


def ask(env: Env) -> dict[int, list[int]]:
    """Each family asks for its children: 5 July (first choice), then 6 July."""
    services = at(env, ASKED_AT)
    try:
        kids = {f: children_of(services, f) for f in (1, 2)}
        for family_id, children in kids.items():
            for child_id in children:
                services.portail.allocation.submit(
                    family_id,
                    "ETE2027",
                    child_id,
                    [Slot(JULY_5, "JOURNEE"), Slot(JULY_6, "JOURNEE")],
                    FAMILY,
                )
    finally:
        services.close()
    return kids


def test_the_campaign_is_drawn_verified_and_published(world: tuple[Run, Env]) -> None:
    run, env = world
    kids = ask(env)
    opened = run("allocation", "open", "ETE2027")
    assert opened.exit_code == 0, opened.output
    seed_hash = re.search(r"[0-9a-f]{64}", opened.output)
    assert seed_hash is not None

    status = run("allocation", "status", "--period", "ETE2027", "--format", "json")
    assert status.exit_code == 0, status.output
    shown = json.loads(status.output)
    assert shown["state"] == "closed"
    assert shown["seed"] is None
    assert shown["seed_hash"] == seed_hash.group()
    assert (shown["families"], shown["requests"]) == (2, 8)
    assert [k["families"] for k in shown["classes"]] == [1, 0, 0, 1]

    before = run("allocation", "draw", "--period", "ETE2027", "--dry-run")
    assert "Simulation" in before.output
    drawn = run("allocation", "draw", "--period", "ETE2027", "--details")
    assert drawn.exit_code == 0, drawn.output
    assert "priorité 1, rang 1 au tirage : place attribuée" in drawn.output
    again = run("allocation", "draw", "--period", "ETE2027", "--dry-run")
    assert again.exit_code == 0
    assert "identique au résultat enregistré" in again.output
    refused = run("allocation", "draw", "ETE2027")
    assert refused.exit_code != 0
    assert "second tirage est refusé" in refused.output

    services = at(env, NOW)
    try:
        assert services.portail.allocation.results_for(1, "ETE2027") == []  # not published
        _the_grid_refuses(services, kids[1][0], "tirage au sort")
        published = run("allocation", "publish", "ETE2027")
        assert published.exit_code == 0, published.output
        assert "2 famille(s) prévenue(s)" in published.output
        results = services.portail.allocation.results_for(1, "ETE2027")
        _check_results(services, results, kids)
    finally:
        services.close()
    june = at(env, pendulum.datetime(2027, 6, 16, 10, tz="Europe/Paris"))
    try:
        # first come for what is left: 7 July was never drawn, and is free
        validation = june.portail.bookings.validate(
            family_id=2,
            child_id=kids[2][0],
            establishment_code="ALSH",
            selection=Selection(book=frozenset({Slot(date(2027, 7, 7), "JOURNEE")})),
        )
        assert validation.summary.refused == ()
    finally:
        june.close()


def _the_grid_refuses(services: Services, child_id: int, why: str) -> None:
    validation = services.portail.bookings.validate(
        family_id=1,
        child_id=child_id,
        establishment_code="ALSH",
        selection=Selection(book=frozenset({Slot(date(2027, 7, 7), "JOURNEE")})),
    )
    assert validation.draft_token is None
    assert why in validation.summary.refused[0].reason


def _check_results(
    services: Services, results: list[RequestOutcome], kids: dict[int, list[int]]
) -> None:
    outcomes = {(r.child_id, r.slot.day): r for r in results}
    # one place a day per age group: the residents' two children (different groups or not)
    # are served before the other family
    granted = [r for r in outcomes.values() if r.outcome is Outcome.GRANTED]
    assert granted
    assert all(r.priority_class == 1 for r in granted)
    with services.ports.uow(read_only=True) as uow:
        booked = uow.reservations.of_family(1)
        assert {(r.child_id, r.day) for r in booked} == {(r.child_id, r.slot.day) for r in granted}
        assert len({r.confirmation for r in booked}) == len({r.child_id for r in booked})
        waiting = uow.waiting_list.of_family(2)
        assert waiting
        assert all(e.day in (JULY_5, JULY_6) for e in waiting)
        mails = [m for m in uow.outbox.listing(50) if m.template == "allocation_results"]
        assert sorted(m.to for m in mails) == [
            "claire.durand@example.fr",
            "claire.martin@example.fr",
        ]
        assert all(len(m.context["seed"]) == 64 for m in mails)
        public_url = services.settings.public_url.rstrip("/")
        link = f"{public_url}/demandes-de-places/ETE2027/resultats"  # the families' results page
        assert all(m.context["results_url"] == link for m in mails)
        rendered = JinjaEmailRenderer().render(mails[0].template, mails[0].context)
        assert link in rendered.text
        assert f'href="{link}"' in rendered.html
        assert rendered.subject == "Résultats de l'attribution « Été 2027 »"
        assert "priorité 1, rang 1 au tirage" in rendered.text + rendered.html + str(
            [m.context["lines"] for m in mails]
        )
    campaigns = services.portail.allocation.campaigns_for(2)
    assert [c.state for c in campaigns] == [CampaignState.PUBLISHED]
    assert campaigns[0].seed is not None
    with pytest.raises(RuleViolation, match="closes"):
        services.portail.allocation.submit(2, "ETE2027", kids[2][0], [], FAMILY)


def test_bad_commands_are_explained_in_french_and_change_nothing(world: tuple[Run, Env]) -> None:
    run, env = world
    unknown = run("allocation", "status", "--period", "HIVER")
    assert unknown.exit_code != 0
    assert "Aucune campagne d'attribution « HIVER »" in unknown.output
    nameless = run("allocation", "draw")
    assert nameless.exit_code != 0
    assert "Nommez une campagne" in nameless.output
    early = run("allocation", "publish", "ETE2027")
    assert early.exit_code != 0
    assert "n'a pas encore été tirée" in early.output
    services = at(env, ASKED_AT)
    try:
        child = children_of(services, 1)[0]
        with pytest.raises(InvalidInput) as outside:
            services.portail.allocation.submit(
                1, "ETE2027", child, [Slot(date(2027, 9, 20), "JOURNEE")], FAMILY
            )
        assert "n'est pas dans la période" in outside.value.message
        with pytest.raises(InvalidInput) as closed_day:
            services.portail.allocation.submit(
                1, "ETE2027", child, [Slot(date(2027, 7, 10), "JOURNEE")], FAMILY
            )
        assert "Fermé" in " ".join(closed_day.value.problems.values())
        with pytest.raises(NotFound):
            services.portail.allocation.submit(2, "ETE2027", child, [], FAMILY)  # not its child
        assert services.portail.allocation.request_form(1, "ETE2027", child).requests == ()
    finally:
        services.close()
    help_text = run("allocation", "draw", "--help")
    assert "--dry-run" in help_text.output
    assert "--period" in help_text.output


def test_the_results_reach_each_family_through_a_real_smtp_server(
    world: tuple[Run, Env], inbox: tuple[Inbox, int]
) -> None:
    run, env = world
    ask(env)
    assert run("allocation", "draw", "ETE2027").exit_code == 0
    assert run("allocation", "publish", "ETE2027").exit_code == 0
    handler, port = inbox
    services = at(env, NOW)
    try:
        report = dispatch_outbox(
            services.ports.uow, JinjaEmailRenderer(), smtp(port), FixedClock(NOW)
        )
    finally:
        services.close()
    assert report.sent >= 2
    results = [m for m in handler.messages if "attribution" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in results) == [
        "claire.durand@example.fr",
        "claire.martin@example.fr",
    ]
    for message in results:
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None
        assert html is not None
        assert "rang" in text.get_content()
        assert "au tirage" in html.get_content()
