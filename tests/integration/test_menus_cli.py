"""``portail menus import|list|show`` through click's CliRunner on SQLite: the demo file is
imported, listed and shown with its allergens; a week imported again is replaced; --dry-run
stores nothing; hostile files (wrong columns, unknown allergens, bad dates, not UTF-8, 10,000
lines) are refused whole with each bad line named in French, or loaded whole."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path

from click.testing import CliRunner, Result

from entrypoints.bootstrap import Services
from entrypoints.cli import main
from tests.integration.test_auth_web import NOW, clock, services  # noqa: F401  (fixtures reused)

HEADER = "structure;date;composante;intitule;allergenes\n"
DEMO = (files("entrypoints.demo") / "menus-demo.csv").read_text("utf-8")


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj=services)


def written(tmp_path: Path, text: str, name: str = "menus.csv") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def stored(services: Services) -> list[dict[str, object]]:
    listed = run(services, "menus", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    found: list[dict[str, object]] = json.loads(listed.output)
    return found


def test_the_commands_explain_themselves_in_french(services: Services) -> None:
    assert "menus" in run(services, "--help").output
    assert "allergenes" in run(services, "menus", "import", "--help").output
    assert "Tout ou rien" in run(services, "menus", "import", "--help").output


def test_import_list_show_and_import_again(services: Services, tmp_path: Path) -> None:
    imported = run(services, "menus", "import", written(tmp_path, DEMO))
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines() == [
        "CANTINE-PINS, semaine du lundi 7 septembre 2026 : 2 jour(s), 8 plat(s)",
        "CANTINE-PLAGE, semaine du lundi 7 septembre 2026 : 4 jour(s), 18 plat(s)",
        "CANTINE-PLAGE, semaine du lundi 14 septembre 2026 : 4 jour(s), 16 plat(s)",
        "Menus importés : 3 semaine(s), 42 plat(s).",
    ]
    listed = run(services, "menus", "list", "--structure", "cantine-plage")
    assert listed.output.splitlines()[2:] == [
        "CANTINE-PLAGE  07/09/2026  07/09/2026, 08/09/2026, 10/09/2026, 11/09/2026  18",
        "CANTINE-PLAGE  14/09/2026  14/09/2026, 15/09/2026, 17/09/2026, 18/09/2026  16",
    ]
    shown = run(services, "menus", "show", "CANTINE-PLAGE", "--semaine", "09/09/2026")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[:3] == [
        "Restaurant scolaire de l'école de la Plage (CANTINE-PLAGE), semaine du lundi 7 "
        "septembre 2026",
        "",
        "Lundi 7 septembre 2026",
    ]
    assert "  Dessert : Brownie aux cacahuètes (allergènes : gluten, œufs, arachides, lait)" in (
        shown.output.splitlines()
    )
    again = HEADER + "CANTINE-PLAGE;2026-09-10;plat;Lasagnes;gluten, lait\n"
    replaced = run(services, "menus", "import", written(tmp_path, again))
    assert "(remplace la semaine importée)" in replaced.output
    shown = run(services, "menus", "show", "CANTINE-PLAGE", "--semaine", "2026-09-07")
    assert "Lundi" not in shown.output
    assert "  Plat : Lasagnes (allergènes : gluten, lait)" in shown.output
    missing = run(services, "menus", "show", "CANTINE-PLAGE", "--semaine", "01/06/2026")
    assert missing.exit_code == 3
    assert "Aucun menu de CANTINE-PLAGE pour la semaine du 01/06/2026" in missing.output


def test_a_dry_run_stores_nothing(services: Services, tmp_path: Path) -> None:
    checked = run(services, "menus", "import", written(tmp_path, DEMO), "--dry-run")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1] == (
        "Vérification seule (--dry-run) : 3 semaine(s), 42 plat(s), rien n'est enregistré."
    )
    assert stored(services) == []


def test_wrong_columns_are_refused_on_line_one(services: Services, tmp_path: Path) -> None:
    text = (
        "restaurant;jour;composante;intitule;allergenes;prix\nCANTINE-PLAGE;07/09/2026;plat;X;;1\n"
    )
    refused = run(services, "menus", "import", written(tmp_path, text))
    assert refused.exit_code == 2
    assert "Ligne 1 : la première ligne doit nommer les colonnes" in refused.output
    assert "colonnes manquantes : structure, date" in refused.output
    assert "colonnes inconnues : restaurant, jour, prix" in refused.output
    assert stored(services) == []


def test_bad_lines_are_all_named_and_nothing_is_stored(services: Services, tmp_path: Path) -> None:
    text = (
        HEADER
        + "CANTINE-PLAGE;07/09/2026;plat;Poulet;\n"
        + "CANTINE-PLAGE;31/02/2026;plat;Poulet;\n"
        + "\n"
        + "CANTINE-PLAGE;08/09/2026;dessert;Brownie;gluten, noix de coco\n"
        + "CANTINE-PLAGE;2026-09-10;plat\n"
        + "CANTINE-PLAGE;demain;plat;Poulet;lait\n"
    )
    refused = run(services, "menus", "import", written(tmp_path, text))
    assert refused.exit_code == 2
    lines = refused.output.splitlines()
    assert lines[0] == (
        "Erreur : 4 ligne(s) refusée(s) sur 5 : rien n'est enregistré. Corrigez-les et relancez "
        "l'import."
    )
    assert lines[1].startswith("  - ligne 3 : date « 31/02/2026 » illisible : JJ/MM/AAAA ou ")
    assert lines[2].startswith("  - ligne 5 : allergène inconnu « noix de coco »")
    assert lines[3].startswith("  - ligne 6 : 3 colonne(s) au lieu de 5")
    assert lines[4].startswith("  - ligne 7 : date « demain » illisible")
    assert stored(services) == []


def test_a_file_that_is_not_utf8_or_not_csv_is_refused(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "CANTINE-PLAGE;07/09/2026;entrée;Pâté;\n").encode("latin-1"))
    refused = run(services, "menus", "import", str(path))
    assert refused.exit_code == 2
    assert "n'est pas en UTF-8" in refused.output
    quote = HEADER + 'CANTINE-PLAGE;07/09/2026;plat;"Poulet;\n'
    assert run(services, "menus", "import", written(tmp_path, quote)).exit_code == 2
    nul = HEADER + "CANTINE-PLAGE;07/09/2026;plat;Poulet\x00;\n"
    assert (
        "ligne 2 : Caractère invisible"
        in run(services, "menus", "import", written(tmp_path, nul)).output
    )
    assert stored(services) == []


def ten_thousand_lines() -> list[str]:
    monday = date(2026, 9, 7)
    rows = []
    for n in range(10_000):
        day = monday + timedelta(weeks=n // 20, days=(n // 5) % 4)
        rows.append(f"CANTINE-PLAGE;{day.isoformat()};dessert;Fruit n° {n};\n")
    return rows


def test_ten_thousand_lines_load_whole(services: Services, tmp_path: Path) -> None:
    loaded = run(
        services, "menus", "import", written(tmp_path, HEADER + "".join(ten_thousand_lines()))
    )
    assert loaded.exit_code == 0, loaded.output[-500:]
    assert loaded.output.splitlines()[-1] == "Menus importés : 500 semaine(s), 10000 plat(s)."
    assert sum(int(str(w["plats"])) for w in stored(services)) == 10_000


def test_ten_thousand_lines_with_one_bad_at_the_end_store_nothing(
    services: Services, tmp_path: Path
) -> None:
    rows = ten_thousand_lines()
    rows[-1] = "CANTINE-PLAGE;2027-02-30;dessert;Fruit;kiwi\n"
    refused = run(services, "menus", "import", written(tmp_path, HEADER + "".join(rows)))
    assert refused.exit_code == 2
    assert "1 ligne(s) refusée(s) sur 10000" in refused.output
    assert "  - ligne 10001 : date « 2027-02-30 » illisible" in refused.output
    assert "allergène inconnu « kiwi »" in refused.output
    assert stored(services) == []
