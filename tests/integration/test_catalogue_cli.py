"""`portail catalogue` and `portail calendar`, run through CliRunner on a real SQLite database."""

import json
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints.cli import main

DEMO = files("entrypoints.demo") / "commune-demo.toml"


def run(args: list[str], instance: Path) -> Result:
    env = {"PORTAIL_INSTANCE_PATH": str(instance)}
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


@pytest.fixture
def migrated(instance_path: Path) -> Path:
    assert run(["db", "upgrade"], instance_path).exit_code == 0
    return instance_path


@pytest.fixture
def loaded(migrated: Path) -> Path:
    result = run(["catalogue", "load", str(DEMO)], migrated)
    assert result.exit_code == 0, result.output
    return migrated


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    copy = tmp_path / "commune.toml"
    copy.write_text(DEMO.read_text("utf-8"), "utf-8")
    return copy


def calendar_json(instance: Path, code: str, first: str, last: str) -> list[dict[str, object]]:
    args = ["calendar", "show", "--establishment", code, "--from", first, "--to", last]
    result = run([*args, "--format", "json"], instance)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_check_accepts_the_demo_file_and_writes_nothing(instance_path: Path) -> None:
    result = run(["catalogue", "check", str(DEMO)], instance_path)
    assert result.exit_code == 0
    assert "est valide : 2 école(s), 7 structure(s), 11 unité(s)." in result.output
    assert not (instance_path / "portail.sqlite3").exists()


def test_check_lists_every_error_with_its_place_and_exits_2(
    instance_path: Path, demo_file: Path
) -> None:
    text = demo_file.read_text("utf-8")
    demo_file.write_text(
        text.replace('school_zone = "A"', 'school_zone = "Z"').replace(
            'end = "08:50"', 'end = "07:00"', 1
        ),
        "utf-8",
    )
    result = run(["catalogue", "check", str(demo_file)], instance_path)
    assert result.exit_code == 2
    assert "Erreur : Le fichier compte 2 erreur(s) ; rien n'est chargé." in result.output
    assert "commune > school_zone (ligne " in result.output
    assert "establishments n°2 « APS-PLAGE » > units n°1 « MATIN » > end (ligne " in result.output


def test_a_missing_file_is_a_clear_error(instance_path: Path) -> None:
    result = run(["catalogue", "check", str(instance_path / "absent.toml")], instance_path)
    assert result.exit_code == 2
    assert "Impossible de lire" in result.output


def test_load_then_reload_changes_nothing(migrated: Path) -> None:
    first = run(["catalogue", "load", str(DEMO)], migrated)
    assert first.exit_code == 0, first.output
    assert "Catalogue chargé : 2 école(s), 7 structure(s), 11 unité(s)." in first.output
    assert "Structures ajoutées : ALSH, APS-PLAGE" in first.output
    assert "Commune créée : Ville de Démo-sur-Mer" in first.output
    again = run(["catalogue", "load", str(DEMO)], migrated)
    assert again.exit_code == 0
    assert again.output.strip() == "Aucun changement : le catalogue est déjà celui du fichier."


def test_a_changed_file_updates_and_an_invalid_one_loads_nothing(
    loaded: Path, demo_file: Path
) -> None:
    text = demo_file.read_text("utf-8")
    demo_file.write_text(text.replace('label = "Repas"', 'label = "Déjeuner"', 1), "utf-8")
    updated = run(["catalogue", "load", str(demo_file)], loaded)
    assert "Structures modifiées : CANTINE-PLAGE" in updated.output
    demo_file.write_text(text.replace('label = "Repas"', 'label = ""', 1), "utf-8")
    refused = run(["catalogue", "load", str(demo_file)], loaded)
    assert refused.exit_code == 2
    shown = json.loads(run(["catalogue", "show", "--format", "json"], loaded).output)
    canteen = next(e for e in shown if e["code"] == "CANTINE-PLAGE")
    assert canteen["units"][0]["label"] == "Déjeuner"


def test_an_establishment_removed_from_the_file_is_archived(loaded: Path, demo_file: Path) -> None:
    text = demo_file.read_text("utf-8")
    without_ems = text.split(
        "# ------------------------------------------------------------------ EMS"
    )[0]
    sma = (
        "# SMA"
        + text.split("# ------------------------------------------------------------------ SMA")[1]
    )
    demo_file.write_text(without_ems + sma, "utf-8")
    result = run(["catalogue", "load", str(demo_file)], loaded)
    assert "Structures archivées : EMS" in result.output
    shown = json.loads(run(["catalogue", "show", "--format", "json"], loaded).output)
    assert "EMS" not in [e["code"] for e in shown]


def test_show_lists_each_establishment_with_code_and_kind(loaded: Path) -> None:
    shown = json.loads(run(["catalogue", "show", "--format", "json"], loaded).output)
    assert [(e["code"], e["kind"]) for e in shown] == [
        ("ALSH", "ALSH"),
        ("APS-PLAGE", "APS"),
        ("CANTINE-PLAGE", "RESTAURATION"),
        ("APS-PINS", "APS"),
        ("CANTINE-PINS", "RESTAURATION"),
        ("EMS", "EMS"),
        ("SMA", "SMA"),
    ]
    table = run(["catalogue", "show"], loaded).output
    assert "APS-PLAGE      APS" in table
    csv_lines = run(["catalogue", "show", "--format", "csv"], loaded).output.splitlines()
    assert csv_lines[0] == "structure,type,nom,école,unité,libellé,places"
    alsh_day = shown[0]["units"][0]
    assert alsh_day["billing"] == [
        "absence justifiée : 1 premier jour facturé, puis gratuite",
        "absence non justifiée : facturée",
        "présence sans réservation : tarif majoré",
        "annulation dans les délais : gratuite",
    ]


def test_winter_holidays_of_zone_a_close_the_aps_and_open_the_alsh(loaded: Path) -> None:
    # Zone A, 2026-2027: winter holidays from Saturday 13 February, classes resume 1 March.
    aps = calendar_json(loaded, "APS-PLAGE", "2027-02-12", "2027-03-01")
    alsh = calendar_json(loaded, "ALSH", "2027-02-12", "2027-03-01")
    weekdays_off = ["2027-02-15", "2027-02-16", "2027-02-17", "2027-02-18", "2027-02-19"]
    for day in weekdays_off:
        assert {(r["open"], r["reason"]) for r in aps if r["date"] == day} == {
            (False, "holidays_not_served")
        }
        assert {(r["open"], r["reason"]) for r in alsh if r["date"] == day} == {
            (True, "school_holidays")
        }
    assert {r["open"] for r in aps if r["date"] in {"2027-02-12", "2027-03-01"}} == {True}
    assert {r["open"] for r in alsh if r["date"] == "2027-03-01"} == {False}


def test_public_holidays_close_everything(loaded: Path) -> None:
    for code in ("APS-PLAGE", "CANTINE-PINS", "ALSH", "EMS"):
        rows = calendar_json(loaded, code, "2027-05-06", "2027-05-06")  # Ascension
        assert rows
        assert {(r["open"], r["reason"], r["detail"]) for r in rows} == {
            (False, "public_holiday", "Ascension")
        }


def test_calendar_show_table_and_bad_options(loaded: Path) -> None:
    table = run(
        [
            "calendar",
            "show",
            "--establishment",
            "ALSH",
            "--from",
            "2026-12-24",
            "--to",
            "2026-12-24",
        ],
        loaded,
    )
    assert "fermé  fermeture de la structure (Fermeture de fin d'année)" in table.output
    unknown = run(
        [
            "calendar",
            "show",
            "--establishment",
            "NOPE",
            "--from",
            "2027-01-01",
            "--to",
            "2027-01-02",
        ],
        loaded,
    )
    assert unknown.exit_code == 3
    assert "Aucune structure « NOPE »" in unknown.output
    bad_date = run(
        [
            "calendar",
            "show",
            "--establishment",
            "ALSH",
            "--from",
            "31/02/2027",
            "--to",
            "2027-02-01",
        ],
        loaded,
    )
    assert bad_date.exit_code == 2
    assert "n'est pas une date : JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 15/02/2027)" in bad_date.output
    too_long = run(
        [
            "calendar",
            "show",
            "--establishment",
            "ALSH",
            "--from",
            "2026-01-01",
            "--to",
            "2028-01-01",
        ],
        loaded,
    )
    assert too_long.exit_code == 2
    assert "Période trop longue" in too_long.output


TOUSSAINT = ("2028-10-20T22:00:00+00:00", "2028-11-05T23:00:00+00:00")
OFFICIAL_ROWS = [
    (
        "Description",
        "Population",
        "Date de début",
        "Date de fin",
        "Académies",
        "Zones",
        "annee_scolaire",
    ),
    ("Vacances de la Toussaint", "-", *TOUSSAINT, "Lyon", "Zone A", "2028-2029"),
    ("Vacances de la Toussaint", "-", *TOUSSAINT, "Dijon", "Zone A", "2028-2029"),
    ("Vacances de la Toussaint", "-", *TOUSSAINT, "Lille", "Zone B", "2028-2029"),
    ("Noël", "-", "2028-12-22", "2029-01-07", "Corse", "Corse", "2028-2029"),
    ("Prérentrée", "Enseignants", "2028-08-31", "2028-09-01", "Lyon", "Zone A", "2028-2029"),
]
OFFICIAL_CSV = "".join(";".join(row) + "\n" for row in OFFICIAL_ROWS)


def test_a_newer_official_calendar_is_imported_and_used(loaded: Path, tmp_path: Path) -> None:
    before = calendar_json(loaded, "APS-PLAGE", "2028-09-04", "2028-09-04")
    assert {r["reason"] for r in before} == {"unknown_calendar"}
    official = tmp_path / "fr-en-calendrier-scolaire.csv"
    official.write_text(OFFICIAL_CSV, "utf-8")
    result = run(["calendar", "import", str(official)], loaded)
    assert result.exit_code == 0, result.output
    assert "zone A, 2028-2029 : 1 période(s) de vacances" in result.output
    assert "zone B, 2028-2029 : 1 période(s) de vacances" in result.output
    after = calendar_json(loaded, "APS-PLAGE", "2028-09-04", "2028-11-06")
    by_day = {r["date"]: (r["open"], r["reason"]) for r in after if r["unit"] == "MATIN"}
    assert by_day["2028-09-04"] == (True, "school_day")
    assert by_day["2028-10-23"] == (False, "holidays_not_served")
    assert by_day["2028-11-06"] == (True, "school_day")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a;b;c\n1;2;3\n", "colonnes"),
        ("", "vide"),
        (
            "Description;Population;Date de début;Date de fin;Zones;annee_scolaire\n"
            "Noël;-;demain;2029-01-07;Zone A;2028-2029\n",
            "lignes invalides",
        ),
    ],
)
def test_a_bad_calendar_file_is_refused_and_nothing_changes(
    loaded: Path, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, "utf-8")
    result = run(["calendar", "import", str(bad)], loaded)
    assert result.exit_code == 2
    assert message in result.output


def test_loads_and_imports_are_in_the_audit_trail_with_who_and_what(
    loaded: Path, demo_file: Path, tmp_path: Path
) -> None:
    text = demo_file.read_text("utf-8")
    demo_file.write_text(text.replace('label = "Repas"', 'label = "Déjeuner"', 1), "utf-8")
    run(["catalogue", "load", str(demo_file)], loaded)
    run(["catalogue", "load", str(demo_file)], loaded)  # no change: nothing recorded
    official = tmp_path / "calendrier.csv"
    official.write_text(OFFICIAL_CSV, "utf-8")
    run(["calendar", "import", str(official)], loaded)
    events = json.loads(run(["audit", "list", "--format", "json"], loaded).output)
    assert [e["action"] for e in events] == [
        "calendar.import",
        "catalogue.load",
        "catalogue.load",
        "commune.create",
    ]
    assert {e["channel"] for e in events} == {"guichet"}
    assert events[1]["details"]["updated"] == ["CANTINE-PLAGE"]
    assert events[1]["details"]["differences"] == {
        "CANTINE-PLAGE": {"units.REPAS.label": ["Repas", "Déjeuner"]}
    }
    assert (
        events[2]["summary"]
        == "Catalogue chargé : structures 7 ajoutée(s), 0 modifiée(s), 0 archivée(s)"
    )
    assert events[3]["details"]["changes"]["name"] == ["", "Ville de Démo-sur-Mer"]
    assert events[0]["details"]["years"] == ["zone A 2028-2029", "zone B 2028-2029"]
    assert events[0]["details"]["replaced"]["zone A 2028-2029"] == {
        "before": [],
        "after": ["Vacances de la Toussaint : du 2028-10-21 à la reprise du 2028-11-06"],
    }
    table = run(["audit", "list", "--limit", "1"], loaded).output
    assert "calendar.import" in table
    assert "catalogue.load" not in table


def test_reordering_establishments_is_a_change(loaded: Path, demo_file: Path) -> None:
    text = demo_file.read_text("utf-8")
    marker = "# ------------------------------------------------------------------ APS"
    head, rest = text.split(marker)
    alsh_start = head.index(
        "# ------------------------------------------------------------------ ALSH"
    )
    reordered = head[:alsh_start] + marker + rest + "\n" + head[alsh_start:]
    demo_file.write_text(reordered, "utf-8")
    result = run(["catalogue", "load", str(demo_file)], loaded)
    assert "Ordre des structures modifié" in result.output
    shown = json.loads(run(["catalogue", "show", "--format", "json"], loaded).output)
    assert shown[-1]["code"] == "ALSH"


def test_the_2026_ascension_bridge_closes_the_aps_of_zone_a(loaded: Path) -> None:
    rows = calendar_json(loaded, "APS-PLAGE", "2026-05-15", "2026-05-15")
    assert {(r["open"], r["reason"], r["detail"]) for r in rows} == {
        (False, "holidays_not_served", "Pont de l'Ascension")
    }
    alsh = calendar_json(loaded, "ALSH", "2026-05-15", "2026-05-15")
    assert {r["open"] for r in alsh} == {True}


def test_show_on_an_unmigrated_database_asks_for_the_upgrade(instance_path: Path) -> None:
    result = run(["catalogue", "show"], instance_path)
    assert result.exit_code == 7
    assert "portail db upgrade" in result.output
