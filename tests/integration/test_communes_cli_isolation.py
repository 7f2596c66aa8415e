"""Every staff command taking an id, run on commune A with an id only commune B has: « not
found » (exit code 3, a French message), and nothing of B changed (every table of its schema,
every file of its instance folder). The commands are found by walking ``portail``'s tree, as
test_communes_isolation walks the portal's routes: a command with an id parameter this test
gives no value for fails the test, so that no new command escapes it.

The read-only commands are run on B too, with the same ids: there they find the row. The
catalogue's codes are walked the same way: a structure and an allocation campaign only B's
catalogue has are unknown on A.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

import attrs
import click
import pytest
from sqlalchemy import Engine, inspect, text

from entrypoints.cli import main
from entrypoints.cli.demo import DEMO_PDF
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.online import PayfipMode
from portail_core.services.absences.common import Upload
from tests.integration.test_communes_isolation import (  # noqa: F401  (fixtures reused)
    DEMO_FAMILY_ID,
    STAFF,
    Town,
    portail,
    town,
)

pytestmark = pytest.mark.postgresql

# Parameters named like an id that are not a row of a commune's data.
NOT_DATA = {
    "creditor_id": "the commune's SEPA creditor identifier (ICS), typed by the desk",
}
BIRTH_DAY = "02/05/2019"
NOT_FOUND = re.compile(r"introuvable|aucune? |inconnue? |n'existe pas|n'a pas d", re.IGNORECASE)


def is_an_id(parameter: click.Parameter) -> bool:
    name = parameter.name or ""
    if name in NOT_DATA:
        return False
    return name.endswith("_id") or "number" in name or name.startswith("id_")


def is_a_code(parameter: click.Parameter) -> bool:
    """A code of the commune's catalogue: a structure's, an allocation campaign's."""
    return parameter.name in {"code", "period", "establishment"}


def commands_taking_an_id() -> dict[str, click.Command]:
    """Every command of ``portail`` with an id parameter, by its path (« family show »)."""
    return commands_taking(is_an_id)


def commands_taking(kind: Callable[[click.Parameter], bool]) -> dict[str, click.Command]:
    """Every command of ``portail`` with a parameter of that ``kind``, by its path."""
    found: dict[str, click.Command] = {}

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            context = click.Context(command, info_name=path[-1] if path else "portail")
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None, name
                walk(sub, (*path, name))
        elif any(kind(p) for p in command.params):
            found[" ".join(path)] = command

    walk(main, ())
    return found


DEMO_COMMUNE = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
B_S_OWN_CATALOGUE = """
[[allocations]]
code = "HIVER2027"
label = "Hiver 2027"
establishment = "ALSH"
first_day = 2027-12-20
last_day = 2027-12-31
requests_from = 2026-06-01T08:00:00
requests_until = 2027-11-15T18:00:00
priorities = ["residence"]
max_days_per_child = 5

[[establishments]]
code = "CANTINE-BETA"
name = "Restaurant scolaire de Bêta"
kind = "RESTAURATION"
school = "PLAGE"
address = "1 place de Bêta, 99100 Démo-sur-Mer"
contact_email = "restauration@beta.test"
contact_phone = "05 58 00 12 99"

[establishments.booking]
booking_deadline = { rule = "days_before", days = 2, at = "09:00" }
cancellation_deadline = { rule = "days_before", days = 2, at = "09:00" }

[[establishments.units]]
code = "REPAS"
label = "Repas"
days = ["school_days"]
start = "11:45"
end = "13:30"
meal = true
places = 40
tariffs = [
  { valid_from = 2025-09-01, brackets = [{ resident = "2,00", non_resident = "4,00" }] },
]
"""


@attrs.frozen
class OnlyInB:
    """Ids of rows only commune B has."""

    family: str  # B's second family (A has only its demo family)
    child: str  # that family's first child
    martin_child: str  # a third child of B's demo family: family 1 exists in A, this child not
    absence: str
    file: str
    invoice: str
    sma_request: str
    preregistration: str
    change: str
    news: str
    payment_operation: str
    day: str  # a day ahead, JJ/MM/AAAA
    pdf: Path  # a certificate, a document to add
    marks: Path  # a pointage file (CSV) of B's child
    structure: str  # a structure of B's catalogue only
    campaign: str  # an allocation campaign of B's catalogue only


@pytest.fixture(scope="module")
def only_in_b(town: Town, tmp_path_factory: pytest.TempPathFactory) -> OnlyInB:
    """To what B's demo holds beyond A's (test_communes_isolation), B adds a change request,
    a pre-registration, a news item and an online payment."""
    services = town.services("beta")
    portail_b = services.portail
    b = town.b
    family_id = int(str(b["family_id"]))
    child = portail_b.dossiers.family(family_id).children[0].id
    assert child is not None
    change = portail_b.dossiers.request_address_change(
        family_id, street="3 rue des Ajoncs", postcode="40200", city="Mimizan", actor=STAFF
    )
    school_year = f"{portail_b.today().year}-{portail_b.today().year + 1}"
    preregistration = portail_b.preregistrations.submit(
        family_id=family_id,
        child=child,
        school_year=school_year,
        school="PLAGE",
        derogation_reason="Près du travail des parents",
        documents={"justificatif_domicile": Upload(DEMO_PDF, "domicile-zebulon.pdf")},
        actor=STAFF,
    )
    news = [
        portail_b.news.add(title=f"Nouvelle {n}", text="Seulement à Bêta.", actor=STAFF)
        for n in range(1, 4)
    ][-1]
    invoice = next(
        view.invoice for view in portail_b.billing.listing() if view.invoice.number == b["invoice"]
    )
    with services.ports.uow() as uow:
        uow.attempts.add(
            PaymentAttempt(
                DEMO_FAMILY_ID,
                invoice.number,
                "R2026000009",
                invoice.total,
                "OP-BETA-SEULEMENT",
                services.ports.clock.now(),
                numcli="012345",
                mode=PayfipMode.TEST,
            )
        )
        uow.commit()
    folder = tmp_path_factory.mktemp("pieces")
    pdf = folder / "certificat.pdf"
    pdf.write_bytes(DEMO_PDF)
    marks = folder / "pointage.csv"
    marks.write_text(f"child_id,unit,presence\n{child},REPAS,p\n", "utf-8")
    catalogue = folder / "commune-beta.toml"
    catalogue.write_text(DEMO_COMMUNE + B_S_OWN_CATALOGUE, "utf-8")
    code, output = portail("--commune", "beta", "catalogue", "load", str(catalogue))
    assert code == 0, output
    assert change.id is not None
    assert news.item.id is not None
    return OnlyInB(
        family=str(family_id),
        child=str(child),
        martin_child=str(b["child_id"]),
        absence=str(b["absence_id"]),
        file=str(b["file_id"]),
        invoice=str(b["invoice"]),
        sma_request=str(b["request_id"]),
        preregistration=str(preregistration.request.id),
        change=str(change.id),
        news=str(news.item.id),
        payment_operation="OP-BETA-SEULEMENT",
        day=(portail_b.today() + timedelta(days=14)).strftime("%d/%m/%Y"),
        pdf=pdf,
        marks=marks,
        structure="CANTINE-BETA",
        campaign="HIVER2027",
    )


Args = Callable[[OnlyInB, Path], list[list[str]]]


@attrs.frozen
class Case:
    """How to run a command with B's ids: each list of arguments is one run."""

    runs: Args
    reads: bool = False  # read-only: the same runs on B find the rows
    # A listing filtered by a code: on A, an empty listing (exit 0) is an answer too, as long
    # as nothing of B is in it.
    listing: bool = False


def _family_and_child(b: OnlyInB) -> list[tuple[str, str]]:
    """B's second family and its child; B's demo family (A has one) and the child only B's
    has."""
    return [(b.family, b.child), (str(DEMO_FAMILY_ID), b.martin_child)]


def _with_children(*options: str) -> Args:
    return lambda b, _: [[f, c, *options] for f, c in _family_and_child(b)]


def _with_family(*options: str) -> Args:
    return lambda b, _: [[b.family, *options]]


def _out(tmp: Path) -> str:
    return str(tmp / "sortie.pdf")


CASES: dict[str, Case] = {
    "absences certificate": Case(lambda b, t: [[b.absence, "--output", _out(t)]]),
    "absences declare": Case(
        lambda b, _: [
            [f, c, "--from", b.day, "--to", b.day, "--reason", "maladie"]
            for f, c in _family_and_child(b)
        ]
    ),
    "absences justify": Case(lambda b, _: [[b.absence, "--certificate", str(b.pdf)]]),
    "absences list": Case(lambda b, _: [["--family", b.family]], reads=True),
    "absences withdraw": Case(lambda b, _: [[b.absence, "--yes"]]),
    "account create": Case(_with_family()),
    "account reset": Case(_with_family()),
    "account unlock": Case(_with_family()),
    "changes approve": Case(lambda b, _: [[b.change]]),
    "changes reject": Case(lambda b, _: [[b.change, "--reason", "Justificatif illisible"]]),
    "directdebit mandate": Case(
        _with_family(
            *("--iban", "FR7630006000011234567890189", "--holder", "Zébulon"),
            *("--signed", "01/09/2026"),
        )
    ),
    "directdebit reject": Case(lambda b, _: [["--invoice", b.invoice, "--reason", "AM04"]]),
    "directdebit resume": Case(_with_family()),
    "directdebit revoke": Case(_with_family()),
    "document add": Case(
        lambda b, _: [[b.family, "--type", "justificatif_domicile", "--file", str(b.pdf)]]
    ),
    "document list": Case(lambda b, _: [["--family", b.family]], reads=True),
    "document show": Case(lambda b, t: [[b.file, "-o", _out(t)]], reads=True),
    "family accept-regulation": Case(_with_family("--establishment", "ALSH")),
    "family add-child": Case(
        _with_family("--first-name", "Ulysse", "--last-name", "Zébulon", "--birth-date", BIRTH_DAY)
    ),
    "family add-guardian": Case(
        _with_family(
            *("--first-name", "Yvette", "--last-name", "Zébulon", "--relationship", "autre")
        )
    ),
    "family child-born": Case(_with_children("--first-name", "Ursule", "--birth-date", BIRTH_DAY)),
    "family edit": Case(
        lambda b, _: [
            [b.family, "--name", "Zébulon-Autre"],
            [str(DEMO_FAMILY_ID), "--child", b.martin_child, "--school", "PLAGE"],
        ]
    ),
    "family enrol": Case(_with_children("--establishment", "ALSH", "--unit", "JOURNEE")),
    "family erase": Case(_with_family("--yes")),
    "family export": Case(_with_family(), reads=True),
    "family history": Case(_with_family(), reads=True),
    "family set-health": Case(_with_children("--vaccinations-up-to-date")),
    "family show": Case(_with_family(), reads=True),
    "family unenrol": Case(_with_children("--establishment", "ALSH", "--unit", "JOURNEE")),
    "invoices list": Case(lambda b, _: [["--family", b.family]], reads=True),
    "invoices pdf": Case(lambda b, _: [[b.invoice, "-o", "-"]], reads=True),
    "news publish": Case(lambda b, _: [[b.news]]),
    "news unpublish": Case(lambda b, _: [[b.news]]),
    "payfip settle": Case(
        lambda b, _: [[b.payment_operation, "--not-paid", "--note", "Vérifié auprès de la DGFiP"]]
    ),
    "payments list": Case(lambda b, _: [["--family", b.family]], reads=True),
    "payments record": Case(
        lambda b, _: [
            ["--invoice", b.invoice, "--amount", "1,00", "--mode", "cheque", "--reference", "n° 1"]
        ]
    ),
    "payments use-credit": Case(lambda b, _: [["--invoice", b.invoice]]),
    "preregistrations accept": Case(lambda b, _: [[b.preregistration]]),
    "preregistrations examine": Case(lambda b, _: [[b.preregistration]]),
    "preregistrations refuse": Case(lambda b, _: [[b.preregistration, "--reason", "Complet"]]),
    "preregistrations show": Case(lambda b, _: [[b.preregistration]], reads=True),
    "preregistrations wait": Case(lambda b, _: [[b.preregistration, "--reason", "Complet"]]),
    "reservations book": Case(
        lambda b, _: [
            [f, c, "--establishment", "ALSH", "--unit", "JOURNEE", "--date", b.day]
            for f, c in _family_and_child(b)
        ]
    ),
    "reservations cancel": Case(
        lambda b, _: [
            [f, c, "--establishment", "ALSH", "--unit", "JOURNEE", "--date", b.day]
            for f, c in _family_and_child(b)
        ]
    ),
    "reservations pattern": Case(
        lambda b, _: [
            [f, c, "--establishment", "ALSH", "--day", "mercredi:JOURNEE", "--until", b.day, *dry]
            for f, c in _family_and_child(b)
            for dry in ((), ("--dry-run",))
        ]
    ),
    "sma offer": Case(
        lambda b, _: [
            [b.sma_request, "--establishment", "SMA", "--start", b.day, "--deadline", b.day]
        ]
    ),
}


# The commands taking a code of the catalogue and no id, with B's own codes.
CODE_CASES: dict[str, Case] = {
    "allocation draw": Case(lambda b, _: [[b.campaign], ["--period", b.campaign, "--dry-run"]]),
    "allocation open": Case(lambda b, _: [[b.campaign]]),
    "allocation publish": Case(lambda b, _: [["--period", b.campaign]]),
    "allocation status": Case(lambda b, _: [[b.campaign]], reads=True),
    "attendance record": Case(
        lambda b, _: [["--establishment", b.structure, "--date", b.day, "--file", str(b.marks)]]
    ),
    "attendance show": Case(
        lambda b, _: [["--establishment", b.structure, "--date", b.day]], reads=True
    ),
    "calendar show": Case(
        lambda b, _: [["--establishment", b.structure, "--from", b.day, "--to", b.day]],
        reads=True,
    ),
    "menus list": Case(lambda b, _: [["--structure", b.structure]], reads=True, listing=True),
    "menus show": Case(lambda b, _: [[b.structure, "--semaine", b.day]]),
    "news add": Case(
        lambda b, _: [["--title", "Pour Bêta", "--text", "Texte.", "--establishment", b.structure]]
    ),
    "occupancy": Case(
        lambda b, _: [["--establishment", b.structure, "--month", b.day[6:] + "-" + b.day[3:5]]],
        reads=True,
    ),
    "regulations add": Case(
        lambda b, _: [
            [
                *("--establishment", b.structure, "--file", str(b.pdf)),
                *("--version", "2027-1", "--effective-from", b.day),
            ]
        ]
    ),
    "regulations list": Case(lambda b, _: [["--establishment", b.structure]], reads=True),
    "regulations show": Case(lambda b, _: [[b.structure, "2025-3"]]),
    "reservations list": Case(
        lambda b, _: [["--establishment", b.structure, "--date", b.day]], reads=True
    ),
    "sma commission": Case(lambda b, _: [["--establishment", b.structure, "--date", b.day]]),
    "waitlist show": Case(lambda b, _: [["--establishment", b.structure]], reads=True),
}


def snapshot(engine: Engine, instance: Path) -> dict[str, object]:
    """Every row of every table of the commune's schema, and every file of its instance
    folder with its digest."""
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        tables = inspect(connection).get_table_names(schema=schema)
        state: dict[str, object] = {
            table: sorted(
                repr(tuple(row))
                for row in connection.execute(text(f'SELECT * FROM "{schema}"."{table}"'))  # noqa: S608
            )
            for table in tables
        }
    state["files"] = sorted(
        (str(path.relative_to(instance)), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in instance.rglob("*")
        if path.is_file()
    )
    return state


def test_the_walk_finds_the_commands_taking_an_id() -> None:
    found = commands_taking_an_id()
    assert len(found) >= 40
    assert {"family show", "invoices pdf", "payfip settle", "news publish"} <= set(found)
    assert not set(CASES) - set(found), "a case for a command that takes no id (or is gone)"


@pytest.fixture(scope="module")
def b_state(town: Town) -> Callable[[], dict[str, object]]:
    services = town.services("beta")
    engine, instance = services.engine, services.settings.instance_path
    assert engine is not None
    return lambda: snapshot(engine, instance)


def test_no_command_taking_an_id_reaches_b_from_a(
    town: Town, only_in_b: OnlyInB, b_state: Callable[[], dict[str, object]], tmp_path: Path
) -> None:
    found = commands_taking_an_id()
    missing = sorted(set(found) - set(CASES))
    assert not missing, f"say which of B's ids to give: {missing}"
    run_on_a(CASES, only_in_b, b_state, tmp_path, codes={3})


def test_no_command_taking_a_code_of_b_s_catalogue_reaches_it_from_a(
    town: Town, only_in_b: OnlyInB, b_state: Callable[[], dict[str, object]], tmp_path: Path
) -> None:
    found = set(commands_taking(is_a_code)) - set(CASES)  # those with ids are run above
    missing = sorted(found - set(CODE_CASES))
    assert not missing, f"say which of B's codes to give: {missing}"
    assert not set(CODE_CASES) - found, "a case for a command that takes no code (or is gone)"
    # A code the catalogue has not: « not found » (3) in French, and nothing of B touched.
    run_on_a(CODE_CASES, only_in_b, b_state, tmp_path, codes={3})


def answered_not_found(
    case: Case, code: int, output: str, codes: set[int], only_in_b: OnlyInB
) -> bool:
    if case.listing and code == 0:  # an empty listing, without anything of B
        return only_in_b.structure not in output and only_in_b.campaign not in output
    return code in codes and output.startswith("Erreur : ") and bool(NOT_FOUND.search(output))


def run_on_a(
    cases: dict[str, Case],
    only_in_b: OnlyInB,
    b_state: Callable[[], dict[str, object]],
    tmp_path: Path,
    *,
    codes: set[int],
) -> None:
    """Each case's runs on A: not found, in French (exit ``codes``); B unchanged; no file
    written."""
    tried, wrong = 0, []
    for name, case in sorted(cases.items()):
        for args in case.runs(only_in_b, tmp_path):
            before = b_state()
            code, output = portail("--commune", "alpha", *name.split(), *args)
            where = f"portail --commune alpha {name} {' '.join(args)} -> {code}: {output}"
            if not answered_not_found(case, code, output, codes, only_in_b):
                wrong.append(where)
            if b_state() != before:
                wrong.append(f"B changed by {where}")
            if (tmp_path / "sortie.pdf").exists():
                wrong.append(f"a file written by {where}")
            tried += 1
    assert not wrong, "\n".join(wrong)
    assert tried >= len(cases)


def test_the_read_only_commands_find_b_s_rows_on_b(
    only_in_b: OnlyInB, b_state: Callable[[], dict[str, object]], tmp_path: Path
) -> None:
    """The control: the ids given to A are good, on their commune."""
    reads = {name: case for name, case in {**CASES, **CODE_CASES}.items() if case.reads}
    assert len(reads) >= 16
    wrong = []
    for name, case in sorted(reads.items()):
        for args in case.runs(only_in_b, tmp_path):
            code, output = portail("--commune", "beta", *name.split(), *args)
            if code != 0:
                wrong.append(f"portail --commune beta {name} {' '.join(args)} -> {code}: {output}")
    assert not wrong, "\n".join(wrong)
