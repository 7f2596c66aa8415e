"""``portail preregistrations list|show|examine|accept|refuse|wait`` through click's CliRunner,
on SQLite and PostgreSQL: requests submitted by the example family (12 rue des Pins: sector
school « Les Pins »), filtered by school, level and state, examined, put on hold, accepted (the
new child joins the dossier with its school and class) or refused with a reason; each change
e-mailed and audited; bad input explained in French, nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.services.absences.common import Upload
from tests.integration.test_account_opening_cli import family_file
from tests.integration.test_family_edit_cli import COMMUNE, Desk

PDF = Upload(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "piece.pdf")
FAMILY = Actor("famille", Channel.PORTAL)


@pytest.fixture
def world(
    database_url: str, instance_path: Path, tmp_path: Path
) -> Iterator[tuple[Desk, Services]]:
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
    services = bootstrap(Settings.from_env(env))
    yield run, services
    services.close()


def next_year() -> str:
    start = SchoolYear.containing(pendulum.now("Europe/Paris").date()).start + 1
    return f"{start}-{start + 1}"


def submit(services: Services, first_name: str, birth_year: int, **fields: str) -> int:
    start = int(next_year()[:4])
    line = services.portail.preregistrations.submit(
        family_id=1,
        child="nouveau",
        first_name=first_name,
        last_name="Martin",
        birth_date=f"01/03/{start - birth_year}",
        school_year=next_year(),
        documents={"livret_famille": PDF, "justificatif_domicile": PDF},
        actor=FAMILY,
        **fields,
    )
    assert line.request.id is not None
    return line.request.id


def test_the_desk_lists_examines_and_accepts_the_child_joins_the_dossier(
    world: tuple[Desk, Services],
) -> None:
    desk, services = world
    jules = submit(services, "Jules", 6)  # CP at Les Pins
    zoe = submit(services, "Zoé", 3, school="PLAGE", derogation_reason="Travail près de la plage")
    listed = desk("preregistrations", "list")
    assert listed.exit_code == 0, listed.output
    assert "Jules Martin (nouvel enfant)" in listed.output
    assert "dérogation" in listed.output
    cp = json.loads(desk("preregistrations", "list", "--level", "cp", "--format", "json").output)
    assert [r["id"] for r in cp] == [jules]
    plage = json.loads(
        desk("preregistrations", "list", "--school", "PLAGE", "--format", "json").output
    )
    assert [(r["id"], r["level"], r["sector_school"]) for r in plage] == [(zoe, "PS", "PINS")]
    shown = desk("preregistrations", "show", str(zoe))
    assert "Travail près de la plage" in shown.output
    assert "École de la Plage" in shown.output
    examined = desk("preregistrations", "examine", str(jules))
    assert examined.output.endswith(": en cours d'instruction.\n"), examined.output
    accepted = desk("preregistrations", "accept", str(jules))
    assert accepted.exit_code == 0, accepted.output
    assert "acceptée à École des Pins" in accepted.output
    dossier = json.loads(desk("family", "export", "1").output)["family"]
    [child] = [c for c in dossier["children"] if c["first_name"] == "Jules"]
    assert (child["school_code"], child["school_class"]) == ("PINS", "CP")
    refused = desk("preregistrations", "refuse", str(zoe), "--reason", "École complète")
    assert refused.exit_code == 0
    assert "refusée (École complète)" in refused.output
    assert desk("preregistrations", "accept", str(zoe)).exit_code == 5
    waiting = json.loads(
        desk("preregistrations", "list", "--state", "refusee", "--format", "json").output
    )
    assert [r["id"] for r in waiting] == [zoe]
    events = json.loads(desk("audit", "list", "--format", "json").output)
    actions = [e["action"] for e in events if e["action"].startswith("preregistration.")]
    assert actions.count("preregistration.decide") == 3
    with services.ports.uow(read_only=True) as uow:
        mails = [m for m in uow.outbox.listing(50) if m.template == "preregistration_state"]
    assert len(mails) == 5  # two submitted, examined, accepted, refused


def test_wait_and_refuse_need_a_reason_and_unknown_ones_are_explained(
    world: tuple[Desk, Services],
) -> None:
    desk, services = world
    number = submit(services, "Jules", 6)
    blank = desk("preregistrations", "wait", str(number), "--reason", " ")
    assert blank.exit_code == 2
    assert "motif" in blank.output
    held = desk("preregistrations", "wait", str(number), "--reason", "Places à confirmer")
    assert held.exit_code == 0
    assert "en attente (Places à confirmer)" in held.output
    assert desk("preregistrations", "show", "99").exit_code == 3
    other = desk("preregistrations", "accept", str(number), "--school", "LUNE")
    assert other.exit_code == 2
    assert "Aucune école « LUNE »" in other.output
    assert desk("preregistrations", "list", "--year", "2026").exit_code == 2
