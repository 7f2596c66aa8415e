"""The guichet unique's reservation commands through click's CliRunner on SQLite: the attendance
sheet, booking and cancelling for a family (forced past a deadline only with a reason), the
waiting list and the month's occupancy; bad input answers in French and writes nothing."""

import csv
import io
import json
import re
from datetime import date

import attrs
import pendulum
import pytest
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.bookings.selection import PlanningDraft, Selection
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.services.bookings.desk_booking import book_at_desk
from portail_core.services.dossiers.creation import create_family
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import with_places

STAFF = Actor.staff("agent")
WEDNESDAY = "2026-09-09"
NEXT_WEDNESDAY = "2026-09-16"


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services, catch_exceptions=False)


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


def booked(services: Services, child: int) -> list[tuple[date, str]]:
    with services.ports.uow(read_only=True) as uow:
        found = uow.reservations.of_child(child, "ALSH", date(2026, 9, 1), date(2026, 9, 30))
    return [(r.day, r.unit_code) for r in found]


def audit_count(services: Services) -> int:
    with services.ports.uow(read_only=True) as uow:
        return len(uow.audit.latest(10_000))


def book(services: Services, family: int, child: int, *extra: str) -> Result:
    return run(
        services,
        "reservations",
        "book",
        str(family),
        str(child),
        "--establishment",
        "ALSH",
        "--unit",
        "JOURNEE",
        *extra,
    )


def replace_alsh(services: Services, *, places: int | None = None, offers: bool = False) -> None:
    """The ALSH with ``places`` per age group in its "Journée", offering freed places."""
    with services.ports.uow() as uow:
        catalogue = uow.catalogue.get()
        if places is not None:
            catalogue = with_places(catalogue, "ALSH", "JOURNEE", places)
        if offers:
            alsh = catalogue.establishment("ALSH")
            assert alsh is not None
            policy = WaitingListPolicy(PromotionMode.OFFER, 48)
            units = tuple(
                attrs.evolve(u, rules=attrs.evolve(u.rules, waiting_list=policy))
                for u in alsh.units
            )
            changed = attrs.evolve(alsh, units=units)
            catalogue = Catalogue(
                catalogue.schools,
                tuple(changed if e.code == "ALSH" else e for e in catalogue.establishments),
            )
        uow.catalogue.replace(catalogue)
        uow.commit()


def test_the_commands_explain_themselves_in_french(services: Services) -> None:
    top = run(services, "--help").output
    for name in ("reservations", "waitlist", "occupancy"):
        assert name in top
    assert "Fiche de présence" in run(services, "reservations", "--help").output
    book_help = run(services, "reservations", "book", "--help").output
    assert "exige --reason" in book_help
    assert "Code de sortie 4 si tout est refusé" in book_help
    process_help = run(services, "waitlist", "process", "--help").output
    assert "cron" in process_help
    assert "*/15 * * * *  portail waitlist process" in process_help


def test_the_desk_books_for_a_family_and_the_day_s_sheet_lists_the_child(
    services: Services,
) -> None:
    family = add_family(services)
    lea, tom = child_id(services, family), child_id(services, family, "Tom")
    result = book(services, family, lea, "--date", WEDNESDAY, "--date", NEXT_WEDNESDAY)
    assert result.exit_code == 0, result.output
    assert "Léa Martin (famille Martin, n° 1) – Accueil de loisirs Les Dunes" in result.output
    assert "Réservé : mercredi 9 septembre 2026, Journée avec repas (10,40\u00a0€)" in result.output
    assert "Confirmation n° R-" in result.output
    assert booked(services, lea) == [(date(2026, 9, 9), "JOURNEE"), (date(2026, 9, 16), "JOURNEE")]
    assert book(services, family, tom, "--date", WEDNESDAY).exit_code == 0

    sheet = run(services, "reservations", "list", "--establishment", "alsh", "--date", WEDNESDAY)
    assert sheet.exit_code == 0, sheet.output
    assert "Accueil de loisirs Les Dunes – mercredi 9 septembre 2026" in sheet.output
    assert "Léa Martin" in sheet.output
    assert "Josette Dubois (grand-mère) 05 58 09 12 34" in sheet.output
    assert "Tom Martin (PAI valable jusqu'au 04/07/2027)" in sheet.output
    assert "Trousse d'urgence dans le sac de l'animateur." in sheet.output
    assert "Arachide" not in sheet.output  # a flag only: the allergies stay in the dossier
    assert "Total : Journée avec repas 2." in sheet.output

    as_json = json.loads(
        run(
            services, "reservations", "list", "--establishment", "ALSH", "--date", WEDNESDAY,
            "--format", "json",
        ).output
    )  # fmt: skip
    assert as_json["day"] == WEDNESDAY
    assert [(c["first_name"], c["allergies"], c["pai"]) for c in as_json["children"]] == [
        ("Léa", False, False),
        ("Tom", True, True),
    ]
    as_csv = run(
        services, "reservations", "list", "--establishment", "ALSH", "--date", WEDNESDAY,
        "--format", "csv",
    ).output  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert rows[1]["pai_consignes"] == "Trousse d'urgence dans le sac de l'animateur."

    audit = run(services, "audit", "list", "--format", "json").output
    readings = [e for e in json.loads(audit) if e["action"] == "attendance.sheet"]
    assert len(readings) == 3
    assert readings[0]["details"] == {"establishment": "ALSH", "day": WEDNESDAY}
    assert "Trousse" not in audit


def test_an_empty_day_says_so(services: Services) -> None:
    result = run(services, "reservations", "list", "--establishment", "ALSH", "--date", WEDNESDAY)
    assert result.exit_code == 0
    assert "Aucun enfant réservé ce jour-là." in result.output


def test_past_the_deadline_only_a_forced_change_with_a_reason_goes_through(
    services: Services, clock: FixedClock
) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    assert book(services, family, lea, "--date", WEDNESDAY).exit_code == 0
    clock.set(pendulum.datetime(2026, 9, 7, 9, 0, tz="Europe/Paris"))
    cancel = ["reservations", "cancel", str(family), str(lea), "--establishment", "ALSH"]
    cancel += ["--unit", "JOURNEE", "--date", WEDNESDAY]

    refused = run(services, *cancel)
    assert refused.exit_code == 4
    assert "Refusé : mercredi 9 septembre 2026, Journée avec repas" in refused.output
    assert "Délai d'annulation dépassé" in refused.output
    assert "Rien n'est enregistré" in refused.output
    assert booked(services, lea) == [(date(2026, 9, 9), "JOURNEE")]

    no_reason = run(services, *cancel, "--force")
    assert no_reason.exit_code == 2
    assert "--force exige --reason" in no_reason.output
    no_force = run(services, *cancel, "--reason", "Enfant hospitalisé")
    assert no_force.exit_code == 2
    assert "--reason ne sert qu'avec --force" in no_force.output
    assert booked(services, lea) == [(date(2026, 9, 9), "JOURNEE")]

    forced = run(services, *cancel, "--force", "--reason", "Enfant hospitalisé, appel de la mère")
    assert forced.exit_code == 0, forced.output
    assert "Annulé : mercredi 9 septembre 2026, Journée avec repas" in forced.output
    assert "délais passés outre : « Enfant hospitalisé, appel de la mère »" in forced.output
    assert booked(services, lea) == []
    with services.ports.uow(read_only=True) as uow:
        event = uow.audit.latest(1)[0]
        history = uow.reservations.history(lea, 1)
    assert event.action == "reservation.forced"
    assert history[0].reason == "Enfant hospitalisé, appel de la mère"


def test_some_days_refused_others_booked_exits_zero_and_names_the_refusals(
    services: Services,
) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    result = book(services, family, lea, "--date", WEDNESDAY, "--date", "2026-09-07")
    assert result.exit_code == 0, result.output
    assert "Refusé : lundi 7 septembre 2026, Journée avec repas" in result.output
    assert "jour d'école" in result.output
    assert "1 demande(s) refusée(s)" in result.output


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"--establishment": "PISCINE"}, 3, "Aucune structure « PISCINE »"),
        ({"--establishment": "SMA"}, 3, "pré-inscriptions"),
        ({"--establishment": "ALSH\x00"}, 2, "U+0000 (caractère nul)"),
        ({"--unit": "SOIR"}, 2, "Unité inconnue à « Accueil de loisirs Les Dunes » : « SOIR »"),
        ({"--date": "9 septembre"}, 2, "n'est pas une date : JJ/MM/AAAA ou AAAA-MM-JJ"),
        ({"--date": "2026-02-30"}, 2, "n'est pas une date"),
        ({"FAMILLE": "99"}, 3, "Aucune famille n° 99"),
        ({"ENFANT": "99"}, 3, "n'a pas d'enfant n° 99"),
        ({"FAMILLE": "0"}, 2, "FAMILLE"),
        ({"FAMILLE": "un"}, 2, "FAMILLE"),
        ({"--force": "", "--reason": "abc"}, 2, "5 à 300 caractères"),
        ({"--force": "", "--reason": "x" * 5000}, 2, "5 à 300 caractères"),
        ({"--force": "", "--reason": "appel\x1b[2J de la mère"}, 2, "U+001B (échappement)"),
        ({"--force": "", "--reason": "appel\u202e de la mère"}, 2, "U+202E"),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(
    services: Services, change: dict[str, str], code: int, message: str
) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    given = {"--establishment": "ALSH", "--unit": "JOURNEE", "--date": WEDNESDAY, **change}
    argv = ["reservations", "book", given.pop("FAMILLE", str(family))]
    argv.append(given.pop("ENFANT", str(lea)))
    for option, value in given.items():
        argv += [option, value] if value else [option]
    before = audit_count(services)
    result = run(services, *argv)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert booked(services, lea) == []
    assert audit_count(services) == before


def wait(services: Services, family: int, child: int) -> None:
    book_at_desk(
        services.ports.uow(),
        services.ports.calendars,
        services.ports.clock,
        family_id=family,
        child_id=child,
        establishment_code="ALSH",
        selection=Selection(wait=frozenset({Slot(date(2026, 9, 9), "JOURNEE")})),
        actor=STAFF,
    )


def test_a_full_day_refuses_the_booking_and_the_waiting_list_moves_on(
    services: Services, clock: FixedClock
) -> None:
    replace_alsh(services, places=1, offers=True)
    martin = add_family(services)
    lea = child_id(services, martin)
    assert book(services, martin, lea, "--date", WEDNESDAY).exit_code == 0
    bernard, petit = add_family(services, "Bernard"), add_family(services, "Petit")
    full = book(services, bernard, child_id(services, bernard), "--date", WEDNESDAY)
    assert full.exit_code == 4
    assert "Complet" in full.output
    wait(services, bernard, child_id(services, bernard))
    wait(services, petit, child_id(services, petit))

    shown = run(services, "waitlist", "show", "--establishment", "ALSH")
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.output.splitlines() if "mercredi 9 septembre" in line]
    assert re.search(r"ELEM +1 +Léa Bernard +Bernard \(n° 2\) +en attente$", lines[0])
    assert re.search(r"ELEM +2 +Léa Petit +Petit \(n° 3\) +en attente$", lines[1])

    cancel = ["reservations", "cancel", str(martin), str(lea), "--establishment", "ALSH"]
    assert run(services, *cancel, "--unit", "JOURNEE", "--date", WEDNESDAY).exit_code == 0
    offered = json.loads(run(services, "waitlist", "show", "--format", "json").output)
    assert [(e["family"], e["position"], e["status"]) for e in offered] == [
        ("Bernard", 1, "offered"),
        ("Petit", 2, "waiting"),
    ]
    occupancy = json.loads(
        run(
            services, "occupancy", "--establishment", "ALSH", "--month", "2026-09",
            "--format", "json",
        ).output
    )  # fmt: skip
    elem = next(o for o in occupancy if o["day"] == WEDNESDAY and o["age_group"] == "ELEM")
    assert (elem["places"], elem["booked"], elem["offered"], elem["free"], elem["waiting"]) == (
        1,
        0,
        1,
        0,
        1,
    )

    assert "0 proposition(s) expirée(s)" in run(services, "waitlist", "process").output
    clock.advance(pendulum.duration(hours=49))
    processed = run(services, "waitlist", "process")
    assert processed.exit_code == 0, processed.output
    assert "1 proposition(s) expirée(s), 1 place(s) réservée(s) ou proposée(s)" in processed.output
    after = json.loads(run(services, "waitlist", "show", "--format", "json").output)
    assert [(e["family"], e["position"], e["status"]) for e in after] == [("Petit", 1, "offered")]


def test_the_waiting_list_is_empty_and_says_so(services: Services) -> None:
    result = run(services, "waitlist", "show")
    assert result.exit_code == 0
    assert "Personne en liste d'attente du 2026-06-15 au 2027-06-14." in result.output
    wrong = run(services, "waitlist", "show", "--from", "2026-09-10", "--to", "2026-09-01")
    assert wrong.exit_code == 2
    assert "précède" in wrong.output
    unknown = run(services, "waitlist", "show", "--establishment", "NULLE")
    assert unknown.exit_code == 3
    assert "Aucune structure « NULLE »" in unknown.output


def test_occupancy_shows_each_open_day_of_the_month(services: Services) -> None:
    family = add_family(services)
    assert book(services, family, child_id(services, family), "--date", WEDNESDAY).exit_code == 0
    result = run(services, "occupancy", "--establishment", "ALSH", "--month", "2026-09")
    assert result.exit_code == 0, result.output
    assert "Accueil de loisirs Les Dunes (ALSH), du 2026-09-01 au 2026-09-30" in result.output
    row = next(
        line.split()
        for line in result.output.splitlines()
        if line.startswith("mer. 2026-09-09") and " JOURNEE " in line and " ELEM " in line
    )
    assert row[-5:] == ["36", "1", "0", "35", "0"]
    assert "lun. 2026-09-07" not in result.output  # a school day: the ALSH is closed
    as_csv = list(
        csv.reader(
            io.StringIO(
                run(
                    services, "occupancy", "--establishment", "ALSH", "--month", "2026-09",
                    "--format", "csv",
                ).output
            )
        )
    )  # fmt: skip
    assert as_csv[0][:4] == ["jour", "unité", "groupe", "places"]
    assert len(as_csv) == 1 + 5 * 3 * 2  # 5 Wednesdays x 3 units x 2 age groups


@pytest.mark.parametrize("month", ["2026-13", "2026-9", "septembre", "2026-09-01", ""])
def test_a_malformed_month_is_refused_in_french(services: Services, month: str) -> None:
    result = run(services, "occupancy", "--establishment", "ALSH", "--month", month)
    assert result.exit_code == 2
    assert "n'est pas un mois au format AAAA-MM" in result.output


def test_occupancy_of_an_unknown_establishment_is_not_found(services: Services) -> None:
    result = run(services, "occupancy", "--establishment", "NULLE", "--month", "2026-09")
    assert result.exit_code == 3
    assert "Aucune structure « NULLE »" in result.output


def test_old_planning_summaries_are_purged_by_the_nightly_command(services: Services) -> None:
    family_id = add_family(services)
    lea = child_id(services, family_id)
    selection = Selection(book=frozenset({Slot(date(2026, 9, 9), "JOURNEE")}))
    now = services.ports.clock.now()
    with services.ports.uow() as uow:
        for token, age in (("a" * 32, 10), ("b" * 32, 3)):
            uow.drafts.add(
                PlanningDraft(token, family_id, lea, "ALSH", selection, now.subtract(days=age))
            )
        uow.commit()
    assert (
        "30 3 * * *  portail reservations purge-drafts"
        in run(services, "reservations", "purge-drafts", "--help").output
    )
    purged = run(services, "reservations", "purge-drafts")
    assert purged.exit_code == 0, purged.output
    assert purged.output == "1 récapitulatif(s) de planning de plus de 7 jour(s) supprimé(s).\n"
    assert run(services, "reservations", "purge-drafts", "--days", "2").output.startswith("1 ")
    refused = run(services, "reservations", "purge-drafts", "--days", "0")
    assert refused.exit_code == 2
    assert "La durée de conservation va de 1 à 365 jours." in refused.output
