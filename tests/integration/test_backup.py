"""`portail backup create|verify|restore` on SQLite and on PostgreSQL (pg_dump, pg_restore, psql).

A town with families, uploaded documents, a published règlement and reservations is backed up,
then restored into a fresh database and an empty instance folder: every table's rows and every
file's bytes are the same. A damaged archive, a target that is not empty, an archive whose
manifest disagrees with its database, or one from another schema revision are refused in French,
and nothing is written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from adapters.passwords import PlainTestHasher
from adapters.persistence import create_database_engine, head_revision, upgrade
from adapters.persistence.migrate import alembic_config
from entrypoints.bootstrap import bootstrap
from entrypoints.cli import main
from entrypoints.cli.demo import DEMO_PDF
from entrypoints.settings import Settings
from portail_core.services.regulations.publishing import RegulationUpload
from tests.integration.conftest import postgres_url_or_skip
from tests.integration.reservation_town import JOURNEE, make_town
from tests.unit.reservation_world import DESK, WEDNESDAY, book

SECRET_KEY = "k" * 48
KINDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
]


@attrs.frozen
class Installation:
    url: str
    instance: Path

    @property
    def environment(self) -> dict[str, str]:
        return {
            "PORTAIL_DATABASE_URL": self.url,
            "PORTAIL_INSTANCE_PATH": str(self.instance),
            "PORTAIL_SECRET_KEY": SECRET_KEY,
            "PORTAIL_PUBLIC_URL": "http://127.0.0.1:5000",
        }


def fresh_databases(kind: str, tmp_path: Path, count: int) -> Iterator[list[str]]:
    """``count`` empty databases: SQLite files, or PostgreSQL databases of their own (a backup
    holds the connection's whole schema, ``public`` here as on a town's server)."""
    if kind == "sqlite":
        yield [f"sqlite:///{tmp_path / f'base-{n}.sqlite3'}" for n in range(count)]
        return
    base = postgres_url_or_skip()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"portail_backup_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [make_url(base).set(database=n).render_as_string(hide_password=False) for n in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def installations(kind: str, tmp_path: Path) -> Iterator[tuple[Installation, Installation]]:
    """The town's installation and an empty one to restore into."""
    for urls in fresh_databases(kind, tmp_path, 2):
        yield (
            Installation(urls[0], tmp_path / "instance"),
            Installation(urls[1], tmp_path / "restauree"),
        )


def portail(installation: Installation, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=installation.environment)


def populate(installation: Installation, revision: str = "head") -> None:
    """The demo town's catalogue, three families with their documents, reservations, a
    published règlement (its PDF in reglements/)."""
    settings = Settings.from_env(installation.environment)
    setup = bootstrap(settings, hasher=PlainTestHasher(), create_database=True)
    assert setup.engine is not None
    upgrade(setup.engine, revision)
    if revision == "head":
        town = make_town(setup.ports.uow)
        services = bootstrap(settings, clock=town.clock, hasher=PlainTestHasher())
        for n in range(3):
            family = town.add_family()
            services.portail.dossiers.add_document(
                family,
                kind="justificatif_domicile",
                data=DEMO_PDF + f"% famille {n}\n".encode(),
                filename=f"facture-{n}.pdf",
                valid_until=date(2026, 12, 31),
                actor=DESK,
            )
            assert town.run(family, book((WEDNESDAY, JOURNEE))).number
        services.portail.regulations.publish(
            establishment_code="ALSH",
            upload=RegulationUpload(DEMO_PDF, "reglement-alsh-2026.pdf"),
            version="2026-test",
            effective_from=date(2026, 9, 1),
            actor=DESK,
        )
        services.close()
    setup.close()


def every_row(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Each table's rows, sorted: what two databases must share to be the same."""
    engine = create_database_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def every_file(instance: Path) -> dict[str, bytes]:
    return {
        path.relative_to(instance).as_posix(): path.read_bytes()
        for folder in ("documents", "reglements")
        for path in sorted((instance / folder).rglob("*"))
        if path.is_file()
    }


def written_nothing(target: Installation) -> bool:
    """No table in the target database (none created for SQLite), no file in its folders."""
    if target.url.startswith("sqlite"):
        database = Path(make_url(target.url).database or "")
        tables_exist = database.exists() and database.stat().st_size > 0
    else:
        engine = create_database_engine(target.url)
        with engine.connect() as connection:
            tables_exist = bool(
                connection.execute(
                    text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                ).scalar_one()
            )
        engine.dispose()
    files = [p for p in target.instance.rglob("*") if p.is_file() and p.name != "secret_key"]
    return not tables_exist and not files


def test_a_backup_restored_into_a_fresh_installation_has_every_row_and_every_file(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"

    created = portail(town, "backup", "create", "--output", str(archive))
    assert created.exit_code == 0, created.output
    assert "Sauvegarde écrite" in created.output
    assert archive.stat().st_mode & 0o777 == 0o600  # health data: the operator's eyes only
    verified = portail(fresh, "backup", "verify", str(archive))
    assert verified.exit_code == 0, verified.output
    assert "Archive intacte" in verified.output
    restored = portail(fresh, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output

    rows = every_row(town.url)
    assert rows == every_row(fresh.url)
    assert len(rows["reservations"]) == 3
    assert len(rows["families"]) == 3
    files = every_file(town.instance)
    assert len([name for name in files if name.startswith("documents/famille-")]) == 3
    assert any(name.startswith("reglements/") for name in files)
    assert every_file(fresh.instance) == files
    mode = (fresh.instance / "documents").stat().st_mode & 0o777
    assert mode == 0o700
    current = portail(fresh, "db", "current")
    assert "à jour" in current.output


def test_restoring_twice_is_refused_the_second_time_and_changes_nothing(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    assert portail(fresh, "backup", "restore", str(archive)).exit_code == 0
    before = every_row(fresh.url), every_file(fresh.instance)

    again = portail(fresh, "backup", "restore", str(archive))

    assert again.exit_code == 5, again.output
    assert "n'est pas vide" in again.output or "existe déjà" in again.output
    assert "Rien n'a été restauré" in again.output
    assert (every_row(fresh.url), every_file(fresh.instance)) == before


def test_a_restore_into_a_folder_holding_documents_is_refused(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    stray = fresh.instance / "documents" / "famille-9" / ("0" * 32)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left behind")

    refused = portail(fresh, "backup", "restore", str(archive))

    assert refused.exit_code == 5, refused.output
    assert "contient déjà des fichiers" in refused.output
    stray.unlink()
    assert written_nothing(fresh)


@pytest.mark.parametrize("damage", ["truncated", "corrupted", "empty", "not an archive"])
def test_a_damaged_archive_is_refused_in_french_and_nothing_is_written(
    installations: tuple[Installation, Installation], tmp_path: Path, damage: str
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    data = archive.read_bytes()
    damaged = tmp_path / "abimee.tar.gz"
    if damage == "truncated":
        damaged.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "corrupted":
        middle = len(data) // 2
        damaged.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "empty":
        damaged.write_bytes(b"")
    else:
        damaged.write_bytes(b"PK\x03\x04 a zip file, not a backup" * 100)

    verified = portail(fresh, "backup", "verify", str(damaged))
    restored = portail(fresh, "backup", "restore", str(damaged))

    for result in (verified, restored):
        assert result.exit_code == 2, result.output
        assert "est abîmée ou incomplète" in result.output
        assert "Traceback" not in result.output
    assert written_nothing(fresh)


def rewritten(archive: Path, into: Path, **changes: object) -> Path:
    """The archive with its manifest changed (and its database member's digest kept right)."""
    members: list[tuple[tarfile.TarInfo, bytes]] = []
    with tarfile.open(archive, "r:gz") as tar:
        for info in tar:
            source = tar.extractfile(info)
            assert source is not None
            members.append((info, source.read()))
    info, data = members.pop()
    manifest = {**json.loads(data), **changes}
    with tarfile.open(into, "w:gz") as tar:
        for member, content in members:
            tar.addfile(member, io.BytesIO(content))
        content = json.dumps(manifest).encode()
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return into


def test_an_archive_whose_counts_disagree_with_its_database_is_rolled_back(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    tables = {**manifest["tables"], "reservations": manifest["tables"]["reservations"] + 1}
    forged = rewritten(archive, tmp_path / "faux.tar.gz", tables=tables)

    refused = portail(fresh, "backup", "restore", str(forged))

    assert refused.exit_code != 0, refused.output
    assert "reservations" in refused.output
    assert "rien n'a été" in refused.output.lower()
    assert written_nothing(fresh)


def test_a_backup_of_an_earlier_schema_is_restored_only_with_upgrade(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, fresh = installations
    head = head_revision()
    script = ScriptDirectory.from_config(alembic_config()).get_revision(head)
    assert script is not None
    earlier = str(script.down_revision)
    populate(town, revision=earlier)
    archive = tmp_path / "ancienne.tar.gz"
    created = portail(town, "backup", "create", "-o", str(archive))  # the code is newer: allowed
    assert created.exit_code == 0, created.output
    assert f"révision {earlier}" in created.output

    refused = portail(fresh, "backup", "restore", str(archive))
    assert refused.exit_code == 4, refused.output
    assert "--upgrade" in refused.output
    assert written_nothing(fresh)

    restored = portail(fresh, "backup", "restore", "--upgrade", str(archive))
    assert restored.exit_code == 0, restored.output
    assert f"de la révision {earlier} à {head}" in restored.output
    assert "à jour" in portail(fresh, "db", "current").output


def test_a_backup_from_a_newer_portal_is_refused(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    newer = rewritten(archive, tmp_path / "future.tar.gz", revision="9999_future")

    refused = portail(fresh, "backup", "restore", "--upgrade", str(newer))

    assert refused.exit_code == 4, refused.output
    assert "plus récente" in refused.output
    assert written_nothing(fresh)


@pytest.mark.postgresql
def test_a_sqlite_backup_is_not_restored_into_postgresql(tmp_path: Path) -> None:
    town = Installation(f"sqlite:///{tmp_path / 'essai.sqlite3'}", tmp_path / "essai")
    populate(town)
    archive = tmp_path / "essai.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    for urls in fresh_databases("postgresql", tmp_path, 1):
        target = Installation(urls[0], tmp_path / "production")

        refused = portail(target, "backup", "restore", str(archive))

        assert refused.exit_code == 4, refused.output
        assert "celle d'une base SQLite ; la base cible est PostgreSQL" in refused.output
        assert written_nothing(target)


def test_create_never_replaces_a_file_and_leaves_no_partial_archive(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, _ = installations
    populate(town)
    existing = tmp_path / "sauvegarde.tar.gz"
    existing.write_bytes(b"yesterday's backup")

    refused = portail(town, "backup", "create", "-o", str(existing))

    assert refused.exit_code == 5, refused.output
    assert "existe déjà" in refused.output
    assert existing.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_archive_is_a_plain_tar_gz_an_operator_can_inspect(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    town, _ = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    with gzip.open(archive) as unzipped, tarfile.open(fileobj=unzipped) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(names[-1]).read())  # type: ignore[union-attr]
        database = tar.extractfile(names[0]).read()  # type: ignore[union-attr]
    assert names[-1] == "manifest.json"
    assert names[0] in {"database.pgdump", "database.sqlite3"}
    assert manifest["members"][names[0]]["sha256"] == hashlib.sha256(database).hexdigest()
    assert manifest["revision"] == head_revision()
    assert manifest["tables"]["reservations"] == 3
    assert {name.split("/")[0] for name in names[1:-1]} == {"documents", "reglements"}


@pytest.mark.parametrize(
    "hostile", ["documents/../../ailleurs", "/etc/portail-backup-test", "documents/lien"]
)
def test_an_archive_with_a_member_leaving_its_folder_or_a_link_is_refused(
    installations: tuple[Installation, Installation], tmp_path: Path, hostile: str
) -> None:
    town, fresh = installations
    populate(town)
    archive = tmp_path / "sauvegarde.tar.gz"
    assert portail(town, "backup", "create", "-o", str(archive)).exit_code == 0
    forged = tmp_path / "piege.tar.gz"
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(forged, "w:gz") as out:
        members = [(info, tar.extractfile(info).read()) for info in tar]  # type: ignore[union-attr]
        info = tarfile.TarInfo(hostile)
        if hostile.endswith("lien"):
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            out.addfile(info)
        else:
            info.size = 4
            out.addfile(info, io.BytesIO(b"evil"))
        for member, content in members:
            out.addfile(member, io.BytesIO(content))

    refused = portail(fresh, "backup", "restore", str(forged))

    assert refused.exit_code == 2, refused.output
    assert "est abîmée ou incomplète" in refused.output
    assert written_nothing(fresh)
    assert not (tmp_path / "ailleurs").exists()
    assert not Path("/etc/portail-backup-test").exists()
