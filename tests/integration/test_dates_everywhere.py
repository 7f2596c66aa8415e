"""One way to read a date a person types, everywhere: JJ/MM/AAAA and AAAA-MM-JJ both accepted
(``french_dates.parse_day``), and every refusal says which formats are expected: command
options, the family TOML file, the family CSV file, the commune file, the core's readers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from adapters.commune_file import read_commune_file
from adapters.dossier_file import read_family_file
from adapters.family_csv import COLUMNS, read_family_csv
from entrypoints.bootstrap import Services, bootstrap_in_memory
from entrypoints.cli import main
from portail_core.domain.audit import Actor
from portail_core.domain.shared.french_dates import (
    DAY_FORMATS,
    FIRST_YEAR,
    LAST_YEAR,
    day_format,
    numeric_day_fr,
    parse_day,
)
from portail_core.domain.shared.raw_input import InputReader
from portail_core.errors import InvalidInput
from tests.integration.test_commune_file import MINIMAL
from tests.integration.test_family_import import row
from tests.unit.dossier_builders import complete_family

EXAMPLE = Path(__file__).parents[2] / "examples" / "famille-demo.toml"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = date(2026, 9, 1)
days = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))


@given(days)
def test_both_spellings_of_any_day_read_back_as_that_day(day: date) -> None:
    assert parse_day(numeric_day_fr(day)) == day
    assert parse_day(day.isoformat()) == day
    assert parse_day(f" {day.day}/{day.month}/{day.year} ") == day


@given(st.text(max_size=20))
def test_anything_else_is_refused_or_is_a_real_day_in_range(text: str) -> None:
    parsed = parse_day(text)
    if parsed is not None:
        assert FIRST_YEAR <= parsed.year <= LAST_YEAR
        assert text.strip() in {
            numeric_day_fr(parsed),
            parsed.isoformat(),
            f"{parsed.day}/{parsed.month}/{parsed.year}",
            f"{parsed.day:02d}/{parsed.month}/{parsed.year}",
            f"{parsed.day}/{parsed.month:02d}/{parsed.year}",
        }


@pytest.mark.parametrize(
    "typed", ["31/02/2027", "2027-02-31", "15-02-2027", "15.02.2027", "hier", "0226-01-01", ""]
)
def test_impossible_or_misspelt_days_are_refused(typed: str) -> None:
    assert parse_day(typed) is None
    reader = InputReader()
    reader.day("jour", typed, f"Le jour s'écrit {day_format(date(2027, 2, 15))}.")
    assert DAY_FORMATS in reader.problems["jour"]


@pytest.fixture
def services() -> Services:
    return bootstrap_in_memory()


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services)


def test_document_add_takes_the_date_as_family_edit_does(
    services: Services, tmp_path: Path
) -> None:
    family_id = services.portail.dossiers.create(complete_family(), actor=Actor.staff("agent"))
    scan = tmp_path / "assurance.pdf"
    scan.write_bytes(PDF)
    added = run(
        services,
        *("document", "add", str(family_id), "--type", "assurance", "--file", str(scan)),
        *("--valid-until", "31/08/2027"),
    )
    assert added.exit_code == 0, added.output
    assert "valable jusqu'au 31/08/2027" in added.output
    edited = run(services, "family", "edit", str(family_id), "--insurance-until", "31/08/2027")
    assert edited.exit_code == 0, edited.output
    listed = json.loads(
        run(services, "document", "list", "--family", str(family_id), "--format", "json").output
    )
    assert "2027-08-31" in [d["valid_until"] for d in listed]


def test_family_edit_refuses_a_misspelt_date_with_the_same_formats(services: Services) -> None:
    family_id = services.portail.dossiers.create(complete_family(), actor=Actor.staff("agent"))
    refused = run(services, "family", "edit", str(family_id), "--insurance-until", "le 31 août")
    assert refused.exit_code == 2, refused.output
    assert f"{DAY_FORMATS} (ex. : 31/08/2027)" in refused.output


@pytest.mark.parametrize(
    "args",
    [
        ["document", "add", "1", "--type", "assurance", "--file", "x.pdf", "--valid-until"],
        ["absences", "list", "--from"],
        ["payfip", "attempts", "--from"],
        ["waitlist", "show", "--establishment", "ALSH", "--from"],
    ],
)
def test_every_date_option_says_the_formats_it_expects(services: Services, args: list[str]) -> None:
    refused = run(services, *args, "le 31 août")
    assert refused.exit_code == 2, refused.output
    assert "« le 31 août » n'est pas une date : JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 15/02/2027)." in (
        refused.stderr
    )


def family_toml(old: str, new: str) -> str:
    text = EXAMPLE.read_text("utf-8")
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    "spelling",
    ["birth_date = 2019-03-14", 'birth_date = "14/03/2019"', 'birth_date = "2019-03-14"'],
)
def test_a_family_file_takes_a_toml_date_or_a_typed_one(spelling: str) -> None:
    family = read_family_file(family_toml("birth_date = 2019-03-14", spelling), TODAY)
    assert family.children[0].birth_date == date(2019, 3, 14)


@pytest.mark.parametrize(
    "spelling",
    ['birth_date = "14 mars 2019"', "birth_date = 2019-03-14T08:00:00", "birth_date = 20190314"],
)
def test_a_wrong_date_in_a_family_file_says_the_expected_formats(spelling: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_family_file(family_toml("birth_date = 2019-03-14", spelling), TODAY)
    problem = (caught.value.problems or {})["children n°1 > birth_date"]
    assert DAY_FORMATS in problem
    assert "type de valeur inattendu" not in problem


def test_a_toml_syntax_error_is_located_in_french() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_family_file(family_toml("birth_date = 2019-03-14", "birth_date = 14/03/2019"), TODAY)
    [(where, problem)] = (caught.value.problems or {}).items()
    assert where.startswith("ligne 31, colonne ")
    assert 'JJ/MM/AAAA entre guillemets ("14/03/2019")' in problem


def test_a_family_csv_takes_both_spellings_and_says_them_when_refusing() -> None:
    lines = [
        ";".join(COLUMNS),
        row(famille="F1", enfant_naissance="2018-05-03", qf_date="01/01/2026"),
        row(famille="F2", enfant_naissance="3 mai 2018"),
    ]
    parsed = read_family_csv("\n".join(lines) + "\n", TODAY)
    [(reference, family)] = parsed.families
    assert (reference, family.children[0].birth_date) == ("F1", date(2018, 5, 3))
    [rejection] = parsed.rejections
    assert rejection.reasons == (
        "ligne 3 : date de naissance illisible : « 3 mai 2018 » ; attendu : JJ/MM/AAAA ou "
        "AAAA-MM-JJ (ex. : 03/05/2018).",
    )


def test_the_commune_file_takes_a_typed_date_too() -> None:
    assert "valid_from = 2025-09-01" in MINIMAL
    typed = read_commune_file(
        MINIMAL.replace("valid_from = 2025-09-01", 'valid_from = "01/09/2025"')
    )
    starts = {
        t.valid_from for e in typed.catalogue.establishments for u in e.units for t in u.tariffs
    }
    assert starts == {date(2025, 9, 1)}
    with pytest.raises(InvalidInput) as caught:
        read_commune_file(MINIMAL.replace("valid_from = 2025-09-01", 'valid_from = "1er sept."'))
    assert any(DAY_FORMATS in problem for problem in (caught.value.problems or {}).values())
