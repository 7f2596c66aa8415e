"""`portail family edit`: the desk changes a dossier, on SQLite and PostgreSQL; each change is in
the history (old -> new, channel guichet); bad input changes nothing and is explained in French."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import main
from tests.integration.test_account_opening_cli import family_file

COMMUNE = Path(__file__).parents[2] / "examples" / "commune-demo.toml"
Desk = Callable[..., Result]


@pytest.fixture
def desk(database_url: str, instance_path: Path, tmp_path: Path) -> Desk:
    """`portail` on a database holding the demo town and the example family (n° 1)."""
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
    return run


def history(desk: Desk) -> list[dict[str, Any]]:
    return list(json.loads(desk("family", "history", "1", "--format", "json").output))


def dossier(desk: Desk) -> dict[str, Any]:
    return dict(json.loads(desk("family", "export", "1").output)["family"])


def test_the_help_explains_the_options_in_french(desk: Desk) -> None:
    result = desk("family", "edit", "--help")
    assert result.exit_code == 0
    assert "Modifie le dossier d'une famille au guichet" in result.output
    for option in ("--quotient-source", "--highest-tariff", "--guardian", "--child", "--class"):
        assert option in result.output
    assert "rien n'est enregistré" in result.output


def test_staff_change_the_quotient_insurance_contact_and_class_with_old_and_new_in_history(
    desk: Desk,
) -> None:
    result = desk(
        "family",
        "edit",
        "1",
        "--quotient",
        "980",
        "--quotient-source",
        "MSA",
        "--quotient-from",
        "01/09/2026",
        "--insurance-until",
        "2028-08-31",
        "--guardian",
        "2",
        "--phone",
        "07 98 76 54 32",
        "--phone",
        "05 58 00 11 22",
        "--email",
        "marc.martin@example.fr",
        "--child",
        "1",
        "--class",
        "CE2",
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Dossier n° 1 modifié :\n")
    assert "  quotient : " in result.output
    assert "-> 980 (MSA, à partir du 2026-09-01)" in result.output
    assert "  children.1.school_class : CE1 -> CE2" in result.output
    assert "  guardians.2.email : (vide) -> marc.martin@example.fr" in result.output
    saved = dossier(desk)
    assert saved["quotient"] == {"value": 980, "source": "MSA", "valid_from": "2026-09-01"}
    assert saved["insurance_valid_until"] == "2028-08-31"
    edit = history(desk)[1]  # the export's health read came after
    assert edit["action"] == "family.edit"
    assert edit["channel"] == "guichet"
    assert edit["details"]["changes"]["insurance_valid_until"][1] == "2028-08-31"
    table = desk("family", "history", "1").output
    assert "children.1.school_class : CE1 -> CE2" in table
    assert "arachide" not in json.dumps(edit, ensure_ascii=False)  # no health value


def test_a_new_main_address_needs_the_residency_which_decides_the_tariffs(desk: Desk) -> None:
    moving = ("family", "edit", "1", "--street", "3 allée des Mouettes", "--postcode", "99100")
    refused = desk(*moving)
    assert refused.exit_code == 2
    assert "--resident/--non-resident : La nouvelle adresse du responsable principal" in (
        refused.output
    )
    done = desk(*moving, "--non-resident")
    assert done.exit_code == 0, done.output
    assert "resident : True -> False" in done.output
    shown = desk("family", "show", "1").output
    assert "habitante de la commune" not in shown
    guardian = dossier(desk)["guardians"][0]
    assert guardian["address"]["street"] == "3 allée des Mouettes"


def test_the_highest_tariff_replaces_the_quotient(desk: Desk) -> None:
    result = desk("family", "edit", "1", "--highest-tariff")
    assert result.exit_code == 0, result.output
    assert "-> tarif le plus élevé" in result.output
    saved = dossier(desk)
    assert saved["quotient"] is None
    assert saved["highest_tariff_chosen"] is True
    both = desk(
        "family",
        "edit",
        "1",
        "--highest-tariff",
        "--quotient",
        "1",
        "--quotient-source",
        "CAF",
        "--quotient-from",
        "01/01/2026",
    )
    assert both.exit_code == 2
    assert "soit un quotient familial, soit le tarif le plus élevé" in both.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "options : Rien à modifier"),
        (("--quotient", "980"), "--quotient : Le montant, la source et la date de début"),
        (("--class", "CE2"), "--child : Précisez l'enfant"),
        (("--name", ""), "--name : Le nom du foyer est obligatoire"),
        (("--name", "x" * 5000), "--name : Le nom du foyer est obligatoire"),
        (("--insurance-until", "demain"), "--insurance-until : La fin de validité"),
        (("--insurance-until", "31/02/2027"), "--insurance-until : La fin de validité"),
        (("--phone", "0612"), "--phone : Un numéro de téléphone n'est pas valide"),
        (("--email", "pas-une-adresse"), "--email : L'adresse e-mail n'est pas valide"),
        (("--postcode", "ABCDE", "--resident"), "--postcode : Le code postal compte 5 chiffres"),
        (("--child", "1", "--school", "../../etc"), "--school : Le code de l'école"),
        (("--child", "1", "--school", "LUNE"), "n'est pas au catalogue de la commune"),
        (
            ("--quotient", "1e9", "--quotient-source", "impôts", "--quotient-from", "hier"),
            "--quotient-source : La source du quotient familial est",
        ),
    ],
)
def test_bad_input_is_explained_in_french_and_nothing_is_written(
    desk: Desk, args: tuple[str, ...], message: str
) -> None:
    before = dossier(desk)
    result = desk("family", "edit", "1", *args)
    assert result.exit_code == 2
    assert result.output.startswith("Erreur : ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert dossier(desk) == before
    assert all(event["action"] != "family.edit" for event in history(desk))


def test_a_control_character_is_refused_before_anything_is_read(desk: Desk) -> None:
    before = dossier(desk)
    result = desk("family", "edit", "1", "--name", "Martin\x1b[31m")
    assert result.exit_code == 2
    assert "Caractère invisible ou de contrôle refusé : U+001B (échappement)." in result.output
    assert "\x1b" not in result.output
    assert dossier(desk) == before


def test_every_problem_is_listed_at_once(desk: Desk) -> None:
    result = desk(
        "family",
        "edit",
        "1",
        "--name",
        "",
        "--quotient",
        "abc",
        "--quotient-source",
        "impots",
        "--quotient-from",
        "31/02/2026",
        "--email",
        "x",
    )
    assert result.exit_code == 2
    for option in ("--name", "--quotient", "--quotient-source", "--quotient-from", "--email"):
        assert f"  - {option} : " in result.output


def test_an_unknown_family_guardian_or_child_exits_3(desk: Desk) -> None:
    assert desk("family", "edit", "9", "--name", "X").exit_code == 3
    assert desk("family", "edit", "1", "--child", "99", "--class", "CE2").exit_code == 3
    alone = desk("family", "edit", "1", "--guardian", "3", "--email", "a@b.fr")
    assert alone.exit_code == 2  # click refuses a third guardian before the dossier is read
    assert "Aucune famille n° 9." in desk("family", "edit", "9", "--name", "X").output


def test_the_same_values_change_nothing(desk: Desk) -> None:
    result = desk("family", "edit", "1", "--name", "Martin", "--resident")
    assert result.exit_code == 0
    assert "Aucun changement" in result.output
    assert all(event["action"] != "family.edit" for event in history(desk))
