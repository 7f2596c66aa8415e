"""`portail family import`: families from the previous software; a family with one bad row is
refused whole, with its lines and reasons; the others are imported in one transaction. The
previous software's reference is kept: importing again skips what was imported; a probable
duplicate of a dossier (and a dossier created twice at the desk) is refused, naming it."""

import json
from pathlib import Path

from click.testing import CliRunner, Result

from adapters.family_csv import COLUMNS
from entrypoints.cli import main
from tests.integration.test_account_opening_cli import family_file


def run(args: list[str], instance: Path) -> Result:
    env = {"PORTAIL_INSTANCE_PATH": str(instance)}
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def row(**values: str) -> str:
    base = {
        "famille": "F1",
        "nom_foyer": "Durand",
        "habitant": "oui",
        "resp1_prenom": "Anne",
        "resp1_nom": "Durand",
        "resp1_lien": "mère",
        "resp1_adresse": "4 rue du Port",
        "resp1_cp": "99100",
        "resp1_ville": "Démo-sur-Mer",
        "resp1_tel": "06 11 11 11 11",
        "resp1_email": "anne.durand@example.fr",
        "resp2_prenom": "",
        "resp2_nom": "",
        "resp2_lien": "",
        "resp2_tel": "",
        "enfant_prenom": "Jules",
        "enfant_nom": "Durand",
        "enfant_naissance": "03/05/2018",
        "enfant_ecole": "PLAGE",
        "enfant_classe": "CE2",
        "qf": "820",
        "qf_source": "CAF",
        "qf_date": "01/01/2026",
    }
    base.update(values)
    return ";".join(base[column] for column in COLUMNS)


def export(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(";".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_good_families_are_imported_and_bad_ones_refused_whole(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    path = export(
        tmp_path,
        row(),
        row(enfant_prenom="Lou", enfant_naissance="12/09/2020", enfant_classe="GS"),
        row(famille="F2", nom_foyer="Petit", resp1_nom="Petit", enfant_prenom="Hugo"),
        row(
            famille="F2",
            nom_foyer="Petit",
            resp1_nom="Petit",
            enfant_prenom="Eva",
            enfant_naissance="31/02/2019",
        ),
        row(famille="F3", nom_foyer="Roux", resp1_nom="Roux", resp1_cp="ABCDE"),
    )
    dry = run(["family", "import", str(path), "--dry-run"], instance_path)
    assert "1 famille(s) importable(s), 2 refusée(s)" in dry.output
    assert json.loads(run(["family", "list", "--format", "json"], instance_path).output) == []

    result = run(["family", "import", str(path)], instance_path)
    assert result.exit_code == 2  # rejections are reported as a failure to scripts
    assert "1 famille(s) importée(s), 2 refusée(s)." in result.output
    assert "Refusée : famille F2 (lignes 4, 5)" in result.output
    assert "ligne 5 : date de naissance illisible : « " in result.output
    assert "attendu : JJ/MM/AAAA ou AAAA-MM-JJ (ex. : 03/05/2018)." in result.output
    assert "Refusée : famille F3 (lignes 6)" in result.output
    families = json.loads(run(["family", "list", "--format", "json"], instance_path).output)
    assert [(f["name"], len(f["children"])) for f in families] == [("Durand", 2)]
    assert (
        "Dossier importé : famille Durand" in run(["family", "history", "1"], instance_path).output
    )


def test_a_file_without_the_expected_columns_imports_nothing(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    path = tmp_path / "autre.csv"
    path.write_text("nom;prénom\nDurand;Anne\n", "utf-8")
    result = run(["family", "import", str(path)], instance_path)
    assert result.exit_code == 2
    assert "Colonnes manquantes" in result.output
    assert "famille, nom_foyer" in result.output


def test_line_numbers_quotes_and_inconsistent_families(instance_path: Path, tmp_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    quoted = row(
        famille="F4", nom_foyer="Blanc", resp1_nom="Blanc", resp1_adresse='"4 rue du Port\nBât. B"'
    )
    path = export(
        tmp_path,
        "",
        quoted,
        row(famille="F5", nom_foyer="Noir", resp1_nom="Noir"),
        row(famille="F5", nom_foyer="Autre", resp1_nom="Noir", enfant_prenom="Zoé"),
        row(
            famille="F6",
            nom_foyer="Vert",
            resp1_nom="Vert",
            enfant_prenom="",
            enfant_naissance="01/01/2020",
        ),
        row(famille="F7", nom_foyer="Gris", resp1_nom="Gris", qf_date=""),
    )
    result = run(["family", "import", str(path)], instance_path)
    assert "1 famille(s) importée(s), 3 refusée(s)." in result.output
    assert "Refusée : famille F5 (lignes 5, 6)" in result.output
    assert "ligne 6 : même référence de famille mais d'autres valeurs (nom_foyer)" in result.output
    assert "ligne 7 : enfant sans prénom." in result.output
    assert "qf_date : la date du quotient familial est obligatoire" in result.output
    shown = json.loads(run(["family", "export", "1"], instance_path).output)
    assert shown["family"]["guardians"][0]["address"]["street"].startswith("4 rue du Port")


def test_an_unbalanced_quote_imports_nothing(instance_path: Path, tmp_path: Path) -> None:
    run(["db", "upgrade"], instance_path)
    path = export(tmp_path, row(), row(famille="F2", nom_foyer='"Petit'))
    result = run(["family", "import", str(path)], instance_path)
    assert result.exit_code == 2
    assert "CSV illisible" in result.output or "Refusée" in result.output


def test_importing_the_same_export_again_skips_the_families_already_imported(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    path = export(
        tmp_path,
        row(),
        row(enfant_prenom="Lou", enfant_naissance="12/09/2020"),
        row(
            famille="F2",
            nom_foyer="Petit",
            resp1_prenom="Paul",
            resp1_nom="Petit",
            resp1_email="paul.petit@example.fr",
            enfant_prenom="Hugo",
            enfant_nom="Petit",
            enfant_naissance="01/02/2017",
        ),
    )
    first = run(["family", "import", str(path)], instance_path)
    assert "2 famille(s) importée(s), 0 refusée(s)." in first.output
    shown = run(["family", "show", "1"], instance_path).output
    assert "Référence dans l'ancien logiciel : F1" in shown
    again = run(["family", "import", str(path)], instance_path)
    assert again.exit_code == 0, again.output
    assert "Déjà importée : famille F1 (lignes 2, 3) : dossier n° 1, ignorée." in again.output
    assert "Déjà importée : famille F2 (lignes 4) : dossier n° 2, ignorée." in again.output
    assert "0 famille(s) importée(s), 0 refusée(s)." in again.output
    assert "2 famille(s) déjà importée(s) (même référence) : ignorée(s)." in again.output
    families = json.loads(run(["family", "list", "--format", "json"], instance_path).output)
    assert [(f["name"], f["legacy_reference"]) for f in families] == [
        ("Durand", "F1"),
        ("Petit", "F2"),
    ]


def test_a_family_the_portal_already_has_is_not_imported_unless_allowed(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    assert run(["family", "import", str(export(tmp_path, row()))], instance_path).exit_code == 0
    # the previous software had the same family twice, under another reference
    path = export(tmp_path, row(famille="F9", resp1_email="", resp1_nom="DURAND"))
    dry = run(["family", "import", str(path), "--dry-run"], instance_path)
    assert "Doublon probable, non importée : famille F9 (lignes 2)" in dry.output
    result = run(["family", "import", str(path)], instance_path)
    assert result.exit_code == 2
    assert "Doublon probable, non importée : famille F9 (lignes 2)" in result.output
    assert (
        "La famille Durand a probablement déjà un dossier : le dossier n° 1 (famille Durand), "
        "même responsable principal (Anne DURAND) et un enfant né le même jour (03/05/2018)."
    ) in result.output
    assert "0 famille(s) importée(s), 0 refusée(s)." in result.output
    assert len(json.loads(run(["family", "list", "--format", "json"], instance_path).output)) == 1
    allowed = run(["family", "import", str(path), "--allow-duplicate"], instance_path)
    assert allowed.exit_code == 0, allowed.output
    assert "1 famille(s) importée(s), 0 refusée(s)." in allowed.output
    assert len(json.loads(run(["family", "list", "--format", "json"], instance_path).output)) == 2


def test_a_reference_longer_than_forty_characters_is_refused(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    result = run(["family", "import", str(export(tmp_path, row(famille="R" * 41)))], instance_path)
    assert result.exit_code == 2
    assert "famille : la référence compte 40 caractères au plus." in result.output


def test_creating_the_same_dossier_twice_names_the_first(
    instance_path: Path, tmp_path: Path
) -> None:
    run(["db", "upgrade"], instance_path)
    path = family_file(tmp_path)
    assert run(["family", "create", str(path)], instance_path).exit_code == 0
    again = run(["family", "create", str(path)], instance_path)
    assert again.exit_code == 5
    assert "a probablement déjà un dossier : le dossier n° 1 (famille Martin)" in again.output
    assert "même adresse électronique du responsable principal" in again.output
    assert "--allow-duplicate" in again.output
    assert len(json.loads(run(["family", "list", "--format", "json"], instance_path).output)) == 1
    allowed = run(["family", "create", str(path), "--allow-duplicate"], instance_path)
    assert allowed.exit_code == 0, allowed.output
    assert "n° 2" in allowed.output
