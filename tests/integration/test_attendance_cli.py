"""``portail attendance record|show`` through click's CliRunner on SQLite: the pointage at the
prompt and from a CSV file, all or nothing with each refused row named; a day to come and a
closed day refused; the day's record shown as a table, CSV and JSON."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import attrs
import pendulum
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.attendance import Presence
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Reservation
from portail_core.services.dossiers.creation import create_family
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.unit.dossier_builders import complete_family

STAFF = Actor.staff("agent")
WEDNESDAY = date(2026, 9, 9)
EVENING = pendulum.datetime(2026, 9, 9, 18, 0, tz="Europe/Paris")
RECORD = ["attendance", "record", "--establishment", "alsh", "--date", "2026-09-09"]
SHOW = ["attendance", "show", "--establishment", "ALSH", "--date", "2026-09-09"]


def run(services: Services, *args: str, answers: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), obj=services, input=answers)


def add_family(services: Services, name: str = "Martin") -> int:
    family = complete_family()
    family.name = name
    family.children = [attrs.evolve(c, last_name=name) for c in family.children]
    return create_family(services.ports.uow(), family, actor=STAFF, clock=services.ports.clock)


def child_id(services: Services, family_id: int, first_name: str = "Léa") -> int:
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id)
    assert family is not None
    found = next(c.id for c in family.children if c.first_name == first_name)
    assert found is not None
    return found


def book(services: Services, family_id: int, child: int, group: str, day: date = WEDNESDAY) -> None:
    with services.ports.uow() as uow:
        uow.reservations.add(
            Reservation(
                family_id,
                child,
                "ALSH",
                "JOURNEE",
                day,
                group,
                services.ports.clock.now(),
                "R1",
            )
        )
        uow.commit()


def marks(services: Services) -> dict[tuple[int, str], Presence]:
    with services.ports.uow(read_only=True) as uow:
        found = uow.attendance.between(WEDNESDAY, WEDNESDAY)
    return {(m.child_id, m.unit_code): m.presence for m in found}


def martins(services: Services, clock: FixedClock) -> tuple[int, int, int]:
    """The Martins with Léa and Tom booked on Wednesday 9 September, that evening."""
    family = add_family(services)
    lea, tom = child_id(services, family), child_id(services, family, "Tom")
    book(services, family, lea, "ELEM")
    book(services, family, tom, "MAT")
    clock.set(EVENING)
    return family, lea, tom


def test_the_commands_explain_themselves_in_french(services: Services) -> None:
    assert "attendance" in run(services, "--help").output
    help_text = run(services, "attendance", "record", "--help").output
    assert "child_id,unit,presence" in help_text
    assert "Tout est enregistré ou rien" in help_text
    assert "Pointage" in run(services, "attendance", "--help").output


def test_at_the_prompt_each_booked_child_then_one_without_reservation(
    services: Services, clock: FixedClock
) -> None:
    _, lea, tom = martins(services, clock)
    other = add_family(services, "Durand")
    zoe = child_id(services, other)
    # Léa: Enter (présent); Tom: a; then a wrong number, Zoé in the morning, and Enter to finish
    answers = f"\na\n99999\n\n{zoe}\nsoir\nmatin\n\n"
    result = run(services, *RECORD, answers=answers)
    assert result.exit_code == 0, result.output
    assert "Pointage – Accueil de loisirs Les Dunes – mercredi 9 septembre 2026" in result.output
    assert "Léa Martin (Journée avec repas) : présent ou absent [p]:" in result.output
    assert "Refusé : aucun enfant n° 99999 dans les dossiers" in result.stderr
    assert "répondez par le code d'une unité ouverte : JOURNEE, MATIN, APRES-MIDI." in result.output
    assert "3 nouveau(x), 0 corrigé(s), 0 inchangé(s)." in result.output
    assert (
        "Léa Durand – Matin sans repas : non pointé -> présent (sans réservation)" in result.output
    )
    assert marks(services) == {
        (lea, "JOURNEE"): Presence.PRESENT,
        (tom, "JOURNEE"): Presence.ABSENT,
        (zoe, "MATIN"): Presence.PRESENT,
    }
    # again: the prompt proposes what is recorded; Tom came after all
    again = run(services, *RECORD, answers="\np\n\n")
    assert "Tom Martin (Journée avec repas) : présent ou absent [a]:" in again.output
    assert "1 nouveau(x)" not in again.output
    assert "0 nouveau(x), 1 corrigé(s), 1 inchangé(s)." in again.output
    assert "Tom Martin – Journée avec repas : absent -> présent" in again.output
    with services.ports.uow(read_only=True) as uow:
        events = [e for e in uow.audit.latest(50) if e.action == "attendance.mark"]
    assert len(events) == 4
    assert events[0].details["presence"] == ["absent", "present"]
    assert events[0].actor.channel.value == "guichet"


def test_a_wrong_answer_is_asked_again(services: Services, clock: FixedClock) -> None:
    _, lea, tom = martins(services, clock)
    result = run(services, *RECORD, answers="peut-être\np\np\n\n")
    assert result.exit_code == 0, result.output
    assert "répondez p (présent) ou a (absent)" in result.output
    assert marks(services) == {
        (lea, "JOURNEE"): Presence.PRESENT,
        (tom, "JOURNEE"): Presence.PRESENT,
    }


def write(tmp_path: Path, text: str, name: str = "pointage.csv") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def test_a_csv_file_is_recorded_whole_or_not_at_all(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    _, lea, tom = martins(services, clock)
    wrong = write(
        tmp_path,
        "child_id;unit;presence\n"
        f"{lea};JOURNEE;present\n"
        f"99999;JOURNEE;present\n"
        f"{tom};GOUTER;absent\n"
        f"{tom};JOURNEE;malade\n"
        "\n"
        f"{lea};journee;A\n",
    )
    refused = run(services, *RECORD, "--file", wrong)
    assert refused.exit_code == 2
    assert "Erreur : 4 pointage(s) refusé(s) : rien n'est enregistré." in refused.stderr
    assert "  - ligne 3 : aucun enfant n° 99999" in refused.stderr
    assert "  - ligne 4 : unité inconnue à « Accueil de loisirs Les Dunes » : « GOUTER »" in (
        refused.stderr
    )
    assert "  - ligne 5 : présence invalide : « malade » (présent ou absent)." in refused.stderr
    assert f"  - ligne 7 : enfant n° {lea} pointé deux fois" in refused.stderr
    assert marks(services) == {}

    good = write(
        tmp_path, f"child_id,unit,presence\n{lea},JOURNEE,présent\n{tom},JOURNEE,absent\n", "ok.csv"
    )
    checked = run(services, *RECORD, "--file", good, "--dry-run")
    assert checked.exit_code == 0, checked.output
    assert "Simulation, rien n'est enregistré" in checked.output
    assert marks(services) == {}
    recorded = run(services, *RECORD, "--file", good)
    assert recorded.exit_code == 0, recorded.output
    assert "2 nouveau(x), 0 corrigé(s), 0 inchangé(s)." in recorded.output
    assert marks(services) == {
        (lea, "JOURNEE"): Presence.PRESENT,
        (tom, "JOURNEE"): Presence.ABSENT,
    }
    assert (
        "0 nouveau(x), 0 corrigé(s), 2 inchangé(s)."
        in run(services, *RECORD, "--file", good).output
    )


def test_malformed_files_answer_in_french(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    _, lea, _ = martins(services, clock)
    cases = {
        "vide.csv": ("", "Le fichier est vide."),
        "colonnes.csv": ("enfant,unite\n1,JOURNEE\n", "Colonnes manquantes"),
        "court.csv": (f"child_id,unit,presence\n{lea},JOURNEE\n", "1 ligne(s) illisible(s)"),
        "entete.csv": ("child_id,unit,presence\n", "aucun pointage"),
    }
    for name, (text, message) in cases.items():
        result = run(services, *RECORD, "--file", write(tmp_path, text, name))
        assert result.exit_code == 2, name
        assert message in result.stderr, (name, result.stderr)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("child_id,unit,presence\n1,JOURNEE,présent\n".encode("latin-1"))
    result = run(services, *RECORD, "--file", str(latin))
    assert result.exit_code == 2
    assert "n'est pas en UTF-8" in result.stderr
    missing = run(services, *RECORD, "--file", str(tmp_path / "absent.csv"))
    assert missing.exit_code == 2
    assert "Impossible de lire" in missing.stderr
    assert marks(services) == {}


def test_a_day_to_come_and_a_closed_day_are_refused(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    _, lea, _ = martins(services, clock)
    clock.set(pendulum.datetime(2026, 9, 8, 18, 0, tz="Europe/Paris"))
    early = run(services, *RECORD, answers="\n\n\n")
    assert early.exit_code == 4
    assert "Le 09/09/2026 n'est pas encore arrivé" in early.stderr
    clock.set(EVENING)
    monday = ["attendance", "record", "--establishment", "ALSH", "--date", "2026-09-07"]
    closed = run(
        services, *monday, "--file", write(tmp_path, f"child_id,unit,presence\n{lea},JOURNEE,p\n")
    )
    assert closed.exit_code == 4
    assert "« Accueil de loisirs Les Dunes » est fermée le 07/09/2026" in closed.stderr
    unknown = run(
        services, "attendance", "record", "--establishment", "PISCINE", "--date", "2026-09-09"
    )
    assert unknown.exit_code == 3
    assert "Aucune structure « PISCINE »" in unknown.stderr
    bad_date = run(
        services, "attendance", "show", "--establishment", "ALSH", "--date", "31/09/2026"
    )
    assert bad_date.exit_code == 2
    assert "n'est pas une date : JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 15/02/2027)" in bad_date.output
    assert marks(services) == {}


def test_the_day_s_record_as_a_table_csv_and_json(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    _, lea, tom = martins(services, clock)
    empty = run(services, *SHOW)
    assert f"Léa Martin (n° {lea})" in empty.output
    assert "non pointé" in empty.output
    assert "2 réservé(s) : 0 présent(s), 0 absent(s), 2 non pointé(s)" in empty.output
    run(
        services,
        *RECORD,
        "--file",
        write(tmp_path, f"child_id,unit,presence\n{tom},JOURNEE,absent\n"),
    )
    table = run(services, *SHOW)
    assert table.exit_code == 0, table.output
    assert "Accueil de loisirs Les Dunes – mercredi 9 septembre 2026" in table.output
    assert "absence non justifiée" in table.output  # what billing will see for Tom
    assert "1 absent(s), 1 non pointé(s)" in table.output
    rows = list(csv.DictReader(io.StringIO(run(services, *SHOW, "--format", "csv").output)))
    assert [(r["enfant_n"], r["pointage"], r["etat"]) for r in rows] == [
        (str(lea), "", "present"),
        (str(tom), "absent", "absent_unjustified"),
    ]
    data = json.loads(run(services, *SHOW, "--format", "json").output)
    assert data["children"][1]["presence"] == "absent"
    assert data["children"][1]["recorded_by"]
    closed = run(services, "attendance", "show", "--establishment", "ALSH", "--date", "2026-09-07")
    assert "Journée avec repas : fermé : jour d'école" in closed.output
    assert "Aucun enfant réservé ni pointé ce jour-là." in closed.output
