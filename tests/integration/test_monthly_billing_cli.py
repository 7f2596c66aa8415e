"""``portail billing run`` through click's CliRunner on SQLite, and the worked example of an
illness with a medical certificate, end to end through the staff's commands only: book, declare,
justify, pointage, dry run, billing run, amounts checked by hand from the demo tariffs."""

import csv
import io
import json
from pathlib import Path

import attrs
import pendulum
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from entrypoints.cli import main
from portail_core.domain.billing.consumption import ConsumptionState, Pricing
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.shared.money import Money
from tests.integration.test_attendance_cli import add_family, child_id
from tests.integration.test_auth_web import clock, services  # noqa: F401  (fixtures reused)

PDF = b"%PDF-1.7\n" + b"0" * 300
SEPTEMBER_WEDNESDAYS = ["2026-09-02", "2026-09-09", "2026-09-16", "2026-09-23", "2026-09-30"]
OCTOBER_2 = pendulum.datetime(2026, 10, 2, 9, 0, tz="Europe/Paris")


def run(services: Services, *args: str, answers: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), obj=services, input=answers)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def invoices(services: Services) -> list[Invoice]:
    with services.ports.uow(read_only=True) as uow:
        return uow.invoices.of_month("2026-09")


def euros(text: str) -> Money:
    return Money.from_euros(text)


def book_september(services: Services, family: int, child: int) -> None:
    dates = [option for day in SEPTEMBER_WEDNESDAYS for option in ("--date", day)]
    ok(
        run(
            services, "reservations", "book", str(family), str(child), "--establishment", "ALSH",
            "--unit", "JOURNEE", *dates,
        )
    )  # fmt: skip


def point(services: Services, day: str, csv_text: str, tmp_path: Path) -> Result:
    path = tmp_path / f"pointage-{day}.csv"
    path.write_text("child_id,unit,presence\n" + csv_text, "utf-8")
    return ok(
        run(services, "attendance", "record", "--establishment", "ALSH", "--date", day,
            "--file", str(path))
    )  # fmt: skip


def test_the_command_explains_itself_in_french(services: Services) -> None:
    assert "billing" in run(services, "--help").output
    text = run(services, "billing", "run", "--help").output
    assert "--dry-run" in text
    assert "Code de sortie 4" in text
    assert "avoir" in text


def test_illness_with_a_certificate_first_day_billed_then_free(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    """The Martins (QF 1 250 from the CAF, residents) book Léa, their eldest, for the five
    Wednesdays of September 2026 at the ALSH: « Journée avec repas », bracket 900-1 299,
    10,40 € a day. Léa is ill from Monday 14 to Friday 25 September with a medical
    certificate; the ALSH bills a justified absence's first day only (jour de carence).

    By hand: 2, 9 and 30 September present, 3 x 10,40 = 31,20 €; 16 September, first day of
    the illness, 1 x 10,40 = 10,40 €; 23 September free, 1 x 0,00 = 0,00 €. Total 41,60 €.
    """
    family = add_family(services)
    lea = child_id(services, family)
    book_september(services, family, lea)  # on 15 June, well before the deadlines

    clock.set(pendulum.datetime(2026, 9, 14, 8, 30, tz="Europe/Paris"))
    certificate = tmp_path / "certificat.pdf"
    certificate.write_bytes(PDF)
    declared = ok(
        run(services, "absences", "declare", str(family), str(lea), "--from", "2026-09-14",
            "--to", "2026-09-25", "--reason", "maladie", "--certificate", str(certificate))
    )  # fmt: skip
    assert "Absence n° 1 enregistrée" in declared.output
    ok(run(services, "absences", "justify", "1"))

    for day in (2, 9):  # on the evening of the day
        clock.set(pendulum.datetime(2026, 9, day, 18, 0, tz="Europe/Paris"))
        point(services, f"2026-09-0{day}", f"{lea},JOURNEE,present\n", tmp_path)
    clock.set(pendulum.datetime(2026, 9, 16, 18, 0, tz="Europe/Paris"))  # at the prompt: absent
    prompted = ok(
        run(services, "attendance", "record", "--establishment", "ALSH", "--date", "2026-09-16",
            answers="\n\n")
    )  # fmt: skip
    assert (
        "Léa Martin (Journée avec repas) – absence signalée (maladie) : présent ou absent [a]"
        in (prompted.output)
    )
    clock.set(OCTOBER_2)  # a late pointage is fine: the 23rd absent, the 30th present
    point(services, "2026-09-23", f"{lea},JOURNEE,absent\n", tmp_path)
    point(services, "2026-09-30", f"{lea},JOURNEE,present\n", tmp_path)
    show = ok(
        run(services, "attendance", "show", "--establishment", "ALSH", "--date", "2026-09-23")
    )
    assert "n° 1 maladie, justifiée" in show.output
    assert "absence justifiée" in show.output

    dry = ok(run(services, "billing", "run", "--month", "2026-09", "--dry-run"))
    assert "Facturation de 2026-09 – simulation : rien n'est écrit." in dry.output
    assert "Accueil de loisirs Les Dunes  41,60\u00a0€" in dry.output
    assert "Total du mois                 41,60\u00a0€" in dry.output
    assert "nouvelle facture" in dry.output
    assert invoices(services) == []

    real = ok(run(services, "billing", "run", "--month", "2026-09"))
    assert "Facturation de 2026-09 : 1 nouvelle(s) facture(s), 0 correction(s)" in real.output
    assert "FA-2026-000001" in real.output
    [invoice] = invoices(services)
    lines = {(line.state, line.pricing): line for line in invoice.lines}
    present = lines[(ConsumptionState.PRESENT, Pricing.NORMAL)]
    carence = lines[(ConsumptionState.ABSENT_JUSTIFIED, Pricing.NORMAL)]
    free = lines[(ConsumptionState.ABSENT_JUSTIFIED, Pricing.FREE)]
    assert (present.quantity, present.unit_price, present.total) == (
        3,
        euros("10,40"),
        euros("31,20"),
    )
    assert (carence.quantity, carence.unit_price, carence.total) == (
        1,
        euros("10,40"),
        euros("10,40"),
    )
    assert (free.quantity, free.unit_price, free.total) == (1, Money.zero(), Money.zero())
    assert present.bracket == "QF de 900 à 1299"
    assert invoice.total == euros("41,60")
    assert len(invoice.lines) == 3

    again = ok(run(services, "billing", "run", "--month", "2026-09"))
    assert "0 nouvelle(s) facture(s), 0 correction(s), 1 inchangée(s)" in again.output
    assert len(invoices(services)) == 1

    # the desk withdraws the justification: the next run corrects by a credit note
    ok(run(services, "absences", "justify", "1", "--undo"))
    corrected = ok(run(services, "billing", "run", "--month", "2026-09"))
    assert "0 nouvelle(s) facture(s), 1 correction(s)" in corrected.output
    assert "AV-2026-000001, FA-2026-000002" in corrected.output
    documents = [(d.kind, d.number, d.total) for d in invoices(services)]
    assert documents == [
        (DocumentKind.CREDIT_NOTE, "AV-2026-000001", euros("-41,60")),
        (DocumentKind.INVOICE, "FA-2026-000001", euros("41,60")),
        (DocumentKind.INVOICE, "FA-2026-000002", euros("52,00")),  # 5 x 10,40 €
    ]


def test_a_presence_without_reservation_and_an_unjustified_absence(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    """Léa booked on 9 September and absent without justification: billed 10,40 €; Tom, not
    booked, came on the 16th: his price (the PAI price 8,20 € less 10 % for the second child,
    7,38 €) plus the majoration without reservation, 5,00 €: 12,38 €. Total 22,78 €."""
    family = add_family(services)
    lea, tom = child_id(services, family), child_id(services, family, "Tom")
    ok(
        run(services, "reservations", "book", str(family), str(lea), "--establishment", "ALSH",
            "--unit", "JOURNEE", "--date", "2026-09-09")
    )  # fmt: skip
    clock.set(OCTOBER_2)
    point(services, "2026-09-09", f"{lea},JOURNEE,absent\n", tmp_path)
    point(services, "2026-09-16", f"{tom},JOURNEE,present\n", tmp_path)
    as_csv = ok(
        run(services, "billing", "run", "--month", "2026-09", "--dry-run", "--format", "csv")
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows == [
        {
            "famille_n": str(family),
            "famille": "Martin",
            "structure": "Accueil de loisirs Les Dunes",
            "montant": "22.78",
            "effet": "new",
            "documents": "",
        }
    ]
    ok(run(services, "billing", "run", "--month", "2026-09"))
    [invoice] = invoices(services)
    lines = {line.state: line for line in invoice.lines}
    assert lines[ConsumptionState.ABSENT_UNJUSTIFIED].total == euros("10,40")
    surcharge = lines[ConsumptionState.PRESENT_UNBOOKED]
    assert surcharge.unit_price == euros("12,38")
    assert surcharge.bracket == "QF de 900 à 1299 + majoration sans réservation"
    assert invoice.total == euros("22,78")


def test_refusals_exit_4_and_write_nothing(services: Services, clock: FixedClock) -> None:
    family = add_family(services)
    lea = child_id(services, family)
    ok(
        run(services, "reservations", "book", str(family), str(lea), "--establishment", "ALSH",
            "--unit", "JOURNEE", "--date", "2026-09-09")
    )  # fmt: skip
    clock.set(pendulum.datetime(2026, 9, 30, 18, 0, tz="Europe/Paris"))
    early = run(services, "billing", "run", "--month", "2026-09")
    assert early.exit_code == 4
    assert "Le mois 2026-09 n'est pas terminé" in early.stderr
    assert ok(run(services, "billing", "run", "--month", "2026-09", "--dry-run"))
    bad = run(services, "billing", "run", "--month", "septembre")
    assert bad.exit_code == 2
    assert "Mois invalide : « septembre »" in bad.stderr
    clock.set(OCTOBER_2)
    too_long = run(services, "billing", "run", "--month", "2026-09", "--due-days", "400")
    assert too_long.exit_code == 2
    assert "Le délai de paiement va de 1 à 90 jours." in too_long.stderr

    with services.ports.uow() as uow:  # the ALSH's day loses its tariffs
        catalogue = uow.catalogue.get()
        alsh = catalogue.establishment("ALSH")
        assert alsh is not None
        units = tuple(attrs.evolve(u, tariffs=()) if u.code == "JOURNEE" else u for u in alsh.units)
        changed = attrs.evolve(alsh, units=units)
        uow.catalogue.replace(
            Catalogue(
                catalogue.schools,
                tuple(changed if e.code == "ALSH" else e for e in catalogue.establishments),
            )
        )
        uow.commit()
    dry = run(services, "billing", "run", "--month", "2026-09", "--dry-run")
    assert dry.exit_code == 4
    assert "1 problème(s) : la facturation réelle serait refusée." in dry.stderr
    assert "  - Martin : 09/09/2026 : aucun tarif en vigueur pour « Journée avec repas »" in (
        dry.stderr
    )
    refused = run(services, "billing", "run", "--month", "2026-09")
    assert refused.exit_code == 4
    assert "Facturation impossible, rien n'a été écrit" in refused.stderr
    assert invoices(services) == []


def test_json_output_and_an_empty_month(services: Services, clock: FixedClock) -> None:
    add_family(services)
    clock.set(OCTOBER_2)
    result = ok(run(services, "billing", "run", "--month", "2026-09", "--format", "json"))
    data = json.loads(result.stdout)
    assert data["counts"] == {"new": 0, "corrected": 0, "unchanged": 0, "nothing": 1}
    assert data["total"] == "0.00"
    assert data["families"] == []
    table = ok(run(services, "billing", "run", "--month", "2026-08"))
    assert "Aucune famille n'a de consommation ce mois-ci." in table.output
