"""The dossier grows at the desk (`portail family add-child|add-guardian|child-born|enrol|
unenrol|set-health`), on SQLite and PostgreSQL: each change is in the family's history, bad
input changes nothing and is explained in French, duplicates are explained."""

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import main
from tests.integration.test_account_opening_cli import family_file

COMMUNE = Path(__file__).parents[2] / "examples" / "commune-demo.toml"
Desk = Callable[..., Result]


@pytest.fixture
def desk(database_url: str, instance_path: Path, tmp_path: Path) -> Desk:
    """`portail` on a database holding the demo town and the example family (n° 1: Léa, n° 1,
    7 years old or more, at PLAGE with a PAI; Tom, n° 2)."""
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


def dossier(desk: Desk) -> dict[str, Any]:
    return dict(json.loads(desk("family", "export", "1").output)["family"])


def actions(desk: Desk) -> list[str]:
    return [
        e["action"] for e in json.loads(desk("family", "history", "1", "--format", "json").output)
    ]


def today() -> pendulum.Date:
    return pendulum.now("Europe/Paris").date()


def test_the_help_is_french(desk: Desk) -> None:
    for command in ("add-child", "add-guardian", "child-born", "enrol", "unenrol", "set-health"):
        result = desk("family", command, "--help")
        assert result.exit_code == 0, command
    assert "enfant à naître" in desk("family", "add-child", "--help").output


def test_a_child_is_added_with_its_school_and_a_duplicate_is_explained(desk: Desk) -> None:
    added = desk(
        "family", "add-child", "1", "--first-name", "Zoé", "--last-name", "Martin",
        "--birth-date", "03/02/2020", "--school", "plage", "--class", "ce1", "--sex", "F",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output == "Zoé Martin ajouté au dossier n° 1 : enfant n° 3.\n"
    zoe = dossier(desk)["children"][2]
    assert (zoe["school_code"], zoe["school_class"], zoe["expected"]) == ("PLAGE", "CE1", False)
    assert "child.add" in actions(desk)
    again = desk(
        "family", "add-child", "1", "--first-name", "zoe", "--last-name", "Martin-Durand",
        "--birth-date", "2020-02-03",
    )  # fmt: skip
    assert again.exit_code == 5
    assert "Zoé Martin, né(e) le 03/02/2020, figure déjà dans ce dossier" in again.output
    assert "--allow-duplicate" in again.output
    assert len(dossier(desk)["children"]) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--birth-date", "01/01/2099"), "--birth-date : La date de naissance ne peut pas être"),
        (("--birth-date", "01/01/2020", "--school", "LUNE"), "L'école « LUNE » n'est pas au"),
        (("--birth-date", "01/01/2020", "--class", "CE7"), "Niveau inconnu : « CE7 »"),
        (("--birth-date", "32/01/2020"), "n'est pas une date"),
    ],
)
def test_bad_input_adds_no_child(desk: Desk, args: tuple[str, ...], message: str) -> None:
    result = desk("family", "add-child", "1", "--first-name", "Zoé", "--last-name", "Martin", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(dossier(desk)["children"]) == 2


def test_an_expected_child_is_born_then_may_be_enrolled(desk: Desk) -> None:
    due = (today() + timedelta(days=60)).strftime("%d/%m/%Y")
    added = desk(
        "family", "add-child", "1", "--last-name", "Martin", "--birth-date", due, "--expected"
    )
    assert added.exit_code == 0, added.output
    assert added.output == "Enfant à naître ajouté au dossier n° 1 : enfant n° 3.\n"
    baby = dossier(desk)["children"][2]
    assert (baby["first_name"], baby["expected"]) == ("(à naître)", True)
    shown = desk("family", "show", "1").output
    assert "(à naître)" in shown
    refused = desk("family", "set-health", "1", "3", "--vaccinations-up-to-date")
    assert refused.exit_code == 5
    assert "pas encore né" in refused.output
    future = desk(
        "family", "child-born", "1", "3", "--first-name", "Jules", "--birth-date", "01/01/2099"
    )
    assert future.exit_code == 2
    assert "ne peut pas être dans le futur" in future.output
    born = today().strftime("%d/%m/%Y")
    done = desk("family", "child-born", "1", "3", "--first-name", "Jules", "--birth-date", born)
    assert done.exit_code == 0, done.output
    assert done.output == "Naissance enregistrée : Jules Martin (enfant n° 3).\n"
    jules = dossier(desk)["children"][2]
    assert (jules["first_name"], jules["expected"]) == ("Jules", False)
    assert "child.birth" in actions(desk)
    twice = desk("family", "child-born", "1", "3", "--first-name", "Jules", "--birth-date", born)
    assert twice.exit_code == 2
    assert "est déjà né(e)" in twice.output


def test_a_second_guardian_is_added_once(desk: Desk, tmp_path: Path) -> None:
    third = desk(
        "family", "add-guardian", "1", "--first-name", "Anne", "--last-name", "Roux",
        "--relationship", "tutrice",
    )  # fmt: skip
    assert third.exit_code == 5
    assert "déjà deux responsables légaux" in third.output
    bad = desk(
        "family", "add-guardian", "1", "--first-name", "Anne", "--last-name", "Roux",
        "--relationship", "cousine", "--phone", "12",
    )  # fmt: skip
    assert bad.exit_code == 2
    assert "--relationship : Le lien avec les enfants est" in bad.output
    assert "--phone : Un numéro de téléphone n'est pas valide" in bad.output


def test_a_single_guardian_family_gets_its_second_one(
    database_url: str, instance_path: Path, tmp_path: Path
) -> None:
    env = {
        "PORTAIL_INSTANCE_PATH": str(instance_path),
        "PORTAIL_DATABASE_URL": database_url,
        "PORTAIL_SECRET_KEY": "k" * 40,
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    path = family_file(tmp_path)
    text = path.read_text("utf-8")
    start = text.index("[[guardians]]", text.index("[[guardians]]") + 1)
    path.write_text(text[:start] + text[text.index("[[children]]") :], "utf-8")
    assert run("db", "upgrade").exit_code == 0
    assert run("catalogue", "load", str(COMMUNE)).exit_code == 0
    assert run("family", "create", str(path)).exit_code == 0
    added = run(
        "family", "add-guardian", "1", "--first-name", "Marc", "--last-name", "Martin",
        "--relationship", "père", "--phone", "07 98 76 54 32", "--email", "marc@example.fr",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "responsable n° 2" in added.output
    family = json.loads(run("family", "export", "1").output)["family"]
    assert family["guardians"][1]["email"] == "marc@example.fr"
    history = json.loads(run("family", "history", "1", "--format", "json").output)
    assert any(e["action"] == "guardian.add" for e in history)


def test_enrolment_is_checked_against_the_catalogue_and_eligibility(desk: Desk) -> None:
    unknown = desk("family", "enrol", "1", "1", "--establishment", "EMS", "--unit", "ESCRIME")
    assert unknown.exit_code != 0
    assert "n'a pas d'activité « ESCRIME »" in unknown.output
    free = desk("family", "enrol", "1", "1", "--establishment", "ALSH", "--unit", "JOURNEE")
    assert free.exit_code == 5
    assert "ne demande pas d'inscription" in free.output
    young = desk("family", "enrol", "1", "2", "--establishment", "EMS", "--unit", "NATATION")
    assert young.exit_code == 5
    assert "Tom Martin ne peut pas être inscrit" in young.output
    done = desk("family", "enrol", "1", "1", "--establishment", "ems", "--unit", "natation")
    assert done.exit_code == 0, done.output
    assert "est inscrit à EMS / NATATION" in done.output
    assert ["EMS", "NATATION"] in dossier(desk)["children"][0]["enrolments"]
    again = desk("family", "enrol", "1", "1", "--establishment", "EMS", "--unit", "NATATION")
    assert "était déjà inscrit" in again.output
    ended = desk("family", "unenrol", "1", "1", "--establishment", "EMS", "--unit", "NATATION")
    assert ended.exit_code == 0, ended.output
    assert dossier(desk)["children"][0]["enrolments"] == []
    assert {"child.enrol", "child.unenrol"} <= set(actions(desk))
    not_enrolled = desk(
        "family", "unenrol", "1", "1", "--establishment", "EMS", "--unit", "NATATION"
    )
    assert not_enrolled.exit_code == 5


def test_the_desk_sets_pai_and_vaccinations_audited_without_values(desk: Desk) -> None:
    missing = desk("family", "set-health", "1", "2", "--pai")
    assert missing.exit_code == 2
    assert "--pai-until : Indiquez la date de fin de validité du PAI" in missing.output
    assert "--pai-instructions : Indiquez les consignes pratiques" in missing.output
    until = (today() + timedelta(days=200)).strftime("%d/%m/%Y")
    done = desk(
        "family", "set-health", "1", "2", "--pai", "--pai-until", until,
        "--pai-instructions", "Ventoline dans le sac", "--vaccinations-not-up-to-date",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    tom = dossier(desk)["children"][1]
    assert tom["pai"]["has_pai"] is True
    assert tom["pai"]["instructions"] == "Ventoline dans le sac"
    assert tom["vaccinations_up_to_date"] is False
    events = json.loads(desk("family", "history", "1", "--format", "json").output)
    change = next(e for e in events if e["action"] == "child.health_update")
    assert set(change["details"]["health_fields_changed"]) == {"pai", "vaccinations_up_to_date"}
    assert "Ventoline" not in json.dumps(events, ensure_ascii=False)
    nothing = desk("family", "set-health", "1", "2")
    assert nothing.exit_code == 2
    assert "Rien à modifier" in nothing.output
    contradictory = desk("family", "set-health", "1", "2", "--no-pai", "--pai-until", until)
    assert contradictory.exit_code == 2
    assert "mais l'enfant n'a pas de PAI" in contradictory.output
