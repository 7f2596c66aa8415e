"""Onboarding a town (issue 18): `portail family onboard` imports the previous software's
complete dossiers (every problem reported with its line; a re-import changes nothing; a changed
line updates that family only), then `portail account create --all-complete` opens every
complete dossier's account and paces the activation e-mails. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect, select, update

from adapters.persistence import SqlUnitOfWork, create_database_engine, downgrade, upgrade
from adapters.persistence.tables import accounts, families, metadata, outbox
from entrypoints.cli import main
from tests.unit.dossier_builders import complete_family
from tests.unit.onboarding_rows import COLUMNS, complete_line
from tests.unit.reservation_world import NOW

Run = Callable[..., Result]
COMMUNE = Path(__file__).parents[2] / "examples" / "commune-demo.toml"


def _day(offset: int) -> str:
    return (pendulum.now("Europe/Paris").date() + timedelta(days=offset)).strftime("%d/%m/%Y")


def row(**values: str) -> dict[str, str]:
    """A complete line (its dates keep it complete whatever today is), with ``values``."""
    return complete_line(pendulum.now("Europe/Paris").date(), **values)


def family(reference: str, name: str, **values: str) -> dict[str, str]:
    email = f"{name.lower()}@example.fr"
    return row(famille=reference, nom_foyer=name, resp1_nom=name, resp1_email=email, **values)


MANDATE = {
    "mandat_rum": "ANCIEN-2019-000042",
    "mandat_titulaire": "Paul Petit",
    "mandat_iban": "FR76 3000 6000 0112 3456 7890 189",
    "mandat_bic": "AGRIFRPP",
    "mandat_signe_le": "15/03/2019",
}


def town() -> list[dict[str, str]]:
    """Three families, four children; the second pays by direct debit."""
    return [
        family("F1", "Durand"),
        family(
            "F1", "Durand", enfant_prenom="Lou", enfant_naissance="12/09/2020", enfant_classe="GS"
        ),
        family("F2", "Petit", enfant_prenom="Hugo", enfant_nom="Petit", **MANDATE),
        family(
            "F3",
            "Roux",
            enfant_prenom="Léa",
            enfant_nom="Roux",
            enfant_pai="oui",
            enfant_pai_jusquau=_day(300),
            enfant_pai_consignes="Trousse dans le sac.",
        ),
    ]


def export(
    folder: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", bom: bool = False
) -> Path:
    lines = [";".join(COLUMNS)] + [";".join(r[c] for c in COLUMNS) for r in rows]
    path = folder / "export.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode(encoding))
    return path


@pytest.fixture
def run(database_url: str, instance_path: Path) -> Run:
    env = {
        "PORTAIL_INSTANCE_PATH": str(instance_path),
        "PORTAIL_DATABASE_URL": database_url,
        "PORTAIL_SECRET_KEY": "k" * 40,
    }

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("catalogue", "load", str(COMMUNE)).exit_code == 0
    return invoke


def snapshot(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare two states of the database."""
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(map(repr, r)) for r in connection.execute(select(table))),
                )
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_a_complete_export_opens_every_account_with_paced_emails(
    run: Run, tmp_path: Path, database_url: str
) -> None:
    imported = run("family", "onboard", str(export(tmp_path, town())))
    assert imported.exit_code == 0, imported.output
    assert "3 famille(s) ajoutée(s), 0 mise(s) à jour, 0 inchangée(s), 0 refusée(s)" in (
        imported.output
    )
    listing = json.loads(run("family", "list", "--incomplete", "--format", "json").output)
    assert listing == []

    dry = run("account", "create", "--all-complete", "--dry-run")
    assert "3 compte(s) à ouvrir ; rien n'est enregistré" in dry.output
    opened = run("account", "create", "--all-complete", "--per-minute", "2")
    assert opened.exit_code == 0, opened.output
    assert "3 compte(s) ouvert(s)." in opened.output
    assert "0 dossier(s) incomplet(s)" in opened.output

    assert _activation_due_times(database_url) == [0, 30, 60]

    again = run("account", "create", "--all-complete")
    assert "0 compte(s) ouvert(s)." in again.output
    assert "3 famille(s) avaient déjà un compte." in again.output


def _activation_due_times(database_url: str) -> list[float]:
    """Seconds between the first activation e-mail's due time and each one's, in order."""
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            due = [
                r.next_attempt_at
                for r in connection.execute(
                    select(outbox)
                    .where(outbox.c.template == "account_activation")
                    .order_by(outbox.c.id)
                )
            ]
    finally:
        engine.dispose()
    return [(later - due[0]).total_seconds() for later in due]


def test_onboard_with_open_accounts_opens_the_complete_dossiers_in_the_same_pass(
    run: Run, tmp_path: Path, database_url: str
) -> None:
    rows = [
        *town(),
        family("F4", "Blanc", enfant_prenom="Max", enfant_nom="Blanc", enfant_vaccins_a_jour=""),
        family("F5", "Noir", enfant_naissance="31/02/2019"),  # refused: no dossier, no account
    ]
    path = export(tmp_path, rows)
    before = snapshot(database_url)
    dry = run("family", "onboard", "--open-accounts", "--dry-run", str(path))
    assert snapshot(database_url) == before
    assert "3 compte(s) à ouvrir ; rien n'est enregistré (--dry-run)." in dry.output
    assert "Incomplet : nouveau dossier (Blanc)" in dry.output  # no number before it is recorded

    result = run("family", "onboard", "--open-accounts", "--per-minute", "2", str(path))
    assert result.exit_code == 2  # F5 refused; the others are recorded
    assert "4 famille(s) ajoutée(s), 0 mise(s) à jour, 0 inchangée(s), 1 refusée(s)" in (
        result.output
    )
    assert "3 compte(s) ouvert(s)." in result.output
    assert "Incomplet : dossier n° 4 (Blanc)" in result.output
    assert "  - Max : carnet de vaccinations à jour" in result.output
    assert _activation_due_times(database_url) == [0, 30, 60]
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            opened = connection.execute(
                select(families.c.name).join(accounts, accounts.c.family_id == families.c.id)
            )
            assert sorted(opened.scalars()) == ["Durand", "Petit", "Roux"]
    finally:
        engine.dispose()

    again = run("family", "onboard", "--open-accounts", str(export(tmp_path, rows[:4])))
    assert "0 famille(s) ajoutée(s), 0 mise(s) à jour, 3 inchangée(s)" in again.output
    assert "0 compte(s) ouvert(s)." in again.output
    assert "3 famille(s) avaient déjà un compte." in again.output
    only_petit = run("family", "onboard", "--open-accounts", str(export(tmp_path, rows[2:3])))
    assert "1 famille(s) avaient déjà un compte." in only_petit.output  # of the file, not the town


def test_incomplete_dossiers_are_listed_with_what_they_lack(run: Run, tmp_path: Path) -> None:
    rows = [
        *town(),
        family(
            "F4",
            "Blanc",
            enfant_prenom="Max",
            enfant_nom="Blanc",
            assurance_valable_jusquau="",
            enfant_vaccins_a_jour="",
        ),
    ]
    assert run("family", "onboard", str(export(tmp_path, rows))).exit_code == 0
    opened = run("account", "create", "--all-complete")
    assert "3 compte(s) ouvert(s)." in opened.output
    assert "Incomplet : dossier n° 4 (Blanc)" in opened.output
    assert "  - Max : carnet de vaccinations à jour" in opened.output
    assert "Assurance responsabilité civile valable jusqu'au" in opened.output


def test_a_dry_run_writes_nothing_and_lists_every_problem_with_its_line(
    run: Run, tmp_path: Path, database_url: str
) -> None:
    rows = [
        *town(),
        family("F5", "Noir", enfant_naissance="31/02/2019"),
        family("F6", "Vert", enfant_ecole="LUNE", resp1_cp="ABCDE"),
        family("F7", "Gris", reglements="ALSH-2026"),
    ]
    before = snapshot(database_url)
    dry = run("family", "onboard", "--dry-run", str(export(tmp_path, rows)))
    assert dry.exit_code == 2
    assert snapshot(database_url) == before
    assert "3 famille(s) ajoutée(s), 0 mise(s) à jour, 0 inchangée(s), 3 refusée(s)" in dry.output
    assert "rien n'est enregistré" in dry.output
    assert "export.csv, ligne 6 (famille F5) : enfant_naissance : date illisible" in dry.output
    assert "export.csv, ligne 7 (famille F6) : resp1_cp : Le code postal compte 5" in dry.output
    assert "export.csv, ligne 8 (famille F7) : reglements : « ALSH-2026 » s'écrit" in dry.output
    # the unknown school is reported too once the line is otherwise readable
    rows[5] = family("F6", "Vert", enfant_ecole="LUNE")
    dry = run("family", "onboard", "--dry-run", str(export(tmp_path, rows)))
    assert "ligne 7 (famille F6) : enfant_ecole : école inconnue « LUNE »" in dry.output


def test_a_reimport_changes_nothing_and_a_changed_line_updates_one_family(
    run: Run, tmp_path: Path, database_url: str
) -> None:
    assert run("family", "onboard", str(export(tmp_path, town()))).exit_code == 0
    assert run("account", "create", "--all-complete").exit_code == 0
    before = snapshot(database_url)
    again = run("family", "onboard", str(export(tmp_path, town())))
    assert "0 famille(s) ajoutée(s), 0 mise(s) à jour, 3 inchangée(s)" in again.output
    assert snapshot(database_url) == before  # no row, no history, no updated_at

    changed = town()
    changed[2] = changed[2] | {"resp1_tel": "06 22 22 22 22"}
    result = run("family", "onboard", str(export(tmp_path, changed)))
    assert "0 famille(s) ajoutée(s), 1 mise(s) à jour, 2 inchangée(s)" in result.output
    after = snapshot(database_url)
    differing = {name for name in after if after[name] != before[name]}
    assert differing == {"families", "audit_events"}
    assert len(after["audit_events"]) == len(before["audit_events"]) + 1
    new_families = set(after["families"]) - set(before["families"])
    assert len(new_families) == 1
    assert "+33622222222" in str(new_families)
    assert len(after["children"]) == len(before["children"])  # same children, same numbers


def test_sepa_mandates_keep_their_rum_and_signature_date(
    run: Run, tmp_path: Path, database_url: str
) -> None:
    assert run("family", "onboard", str(export(tmp_path, town()))).exit_code == 0
    engine = create_database_engine(database_url)
    try:
        with SqlUnitOfWork(engine, read_only=True) as uow:
            petit = uow.families.by_legacy_reference(["F2"])["F2"]
    finally:
        engine.dispose()
    assert petit.mandate is not None
    assert (petit.mandate.rum, petit.mandate.signed_on.isoformat()) == (
        "ANCIEN-2019-000042",
        "2019-03-15",
    )
    assert petit.mandate.iban == "FR7630006000011234567890189"
    assert petit.pays_by_direct_debit


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)]
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read(
    run: Run, tmp_path: Path, encoding: str, bom: bool
) -> None:
    result = run("family", "onboard", str(export(tmp_path, town(), encoding=encoding, bom=bom)))
    assert result.exit_code == 0, result.output
    assert "3 famille(s) ajoutée(s)" in result.output
    shown = json.loads(run("family", "list", "--format", "json").output)
    assert any(f["name"] == "Roux" for f in shown)
    assert "Léa Roux" in run("family", "show", "3").output


def test_bad_files_are_refused_in_french(run: Run, tmp_path: Path, database_url: str) -> None:
    before = snapshot(database_url)
    wrong = tmp_path / "colonnes.csv"
    wrong.write_text("famille;nom;prenom\nF1;Durand;Anne\n", "utf-8")
    result = run("family", "onboard", str(wrong))
    assert result.exit_code != 0
    assert "l'en-tête ne correspond pas au format" in result.output
    assert "colonnes manquantes" in result.output
    assert "colonnes inconnues : nom, prenom" in result.output
    unreadable = tmp_path / "binaire.csv"
    unreadable.write_bytes(";".join(COLUMNS).encode() + b"\n\x81\x8d\x90;\xff\xfe")
    result = run("family", "onboard", str(unreadable))
    assert "Encodage illisible" in result.output
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    assert "Le fichier est vide" in run("family", "onboard", str(empty)).output
    extra = export(tmp_path, town())
    extra.write_text(extra.read_text("utf-8") + "\r\n" + ";" * len(COLUMNS) + "x", "utf-8")
    result = run("family", "onboard", str(extra))
    assert "ligne 6 : plus de valeurs que de colonnes" in result.output
    assert snapshot(database_url) == before


def test_migration_0026_moves_the_reference_kept_in_the_dossier_to_its_column(
    empty_engine: Any,
) -> None:
    upgrade(empty_engine, "0025")
    family = complete_family()
    family.legacy_reference = "ANCIEN-7"
    with SqlUnitOfWork(empty_engine) as uow:  # written as the code before 0026 wrote it
        uow.families.add(attrs.evolve(family, legacy_reference=None), NOW)
        uow.commit()
    with empty_engine.begin() as connection:
        data = connection.execute(select(families.c.data)).scalar_one()
        connection.execute(update(families).values(data={**data, "legacy_reference": "ANCIEN-7"}))
    upgrade(empty_engine)
    with SqlUnitOfWork(empty_engine, read_only=True) as uow:
        found = uow.families.by_legacy_reference(["ANCIEN-7", "ANCIEN-8"])
    assert list(found) == ["ANCIEN-7"]
    downgrade(empty_engine, "0025")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("families")}
    assert "legacy_reference" not in columns


def test_account_create_says_how_to_name_the_families(run: Run) -> None:
    neither = run("account", "create")
    assert neither.exit_code == 2
    assert "Donnez le N°_FAMILLE, ou --all-complete." in neither.output
    both = run("account", "create", "1", "--all-complete")
    assert "sans N°_FAMILLE ni --temporary-password" in both.output
    dry = run("account", "create", "1", "--dry-run")
    assert "--dry-run ne s'emploie qu'avec --all-complete." in dry.output
    pace = run("account", "create", "--all-complete", "--per-minute", "0")
    assert pace.exit_code == 2
    alone = run("account", "create", "1", "--per-minute", "10")
    assert alone.exit_code == 2
    assert "--per-minute ne s'emploie qu'avec --all-complete." in alone.output


def test_onboard_says_which_options_need_open_accounts(run: Run, tmp_path: Path) -> None:
    path = str(export(tmp_path, town()))
    for option in (["--per-minute", "10"], ["--school-year", "2026-2027"]):
        result = run("family", "onboard", *option, path)
        assert result.exit_code == 2
        assert f"{option[0]} ne s'emploie qu'avec --open-accounts." in result.output
    assert run("family", "list", "--format", "json").output.strip() == "[]"  # nothing imported
