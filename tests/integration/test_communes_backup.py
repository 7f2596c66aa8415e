"""One commune of several restored from its own backup (PostgreSQL, one schema each): the
other commune keeps everything it did since.

``portail --commune beta backup create`` holds B's schema and instance folder only. To restore
it, the operator puts B's current schema and folder aside (renamed, kept until the restore is
checked) and runs ``portail --commune beta backup restore``, which creates B's schema again,
empty, and restores into it; a restore onto B as it is is refused, nothing written.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from sqlalchemy import create_engine, text

from adapters.persistence.schemas import schema_url
from entrypoints.cli.demo import DEMO_PDF
from tests.integration.conftest import postgres_url_or_skip
from tests.integration.test_communes_cli_isolation import snapshot
from tests.integration.test_communes_isolation import deployment_file, portail

pytestmark = pytest.mark.postgresql


@attrs.frozen
class TwoCommunes:
    base_url: str
    folder: Path  # the deployment file's folder; alpha/ and beta/ are the instance folders
    schemas: dict[str, str]

    def state(self, code: str) -> dict[str, object]:
        engine = create_engine(schema_url(self.base_url, self.schemas[code]))
        try:
            return snapshot(engine, self.folder / code)
        finally:
            engine.dispose()


@pytest.fixture
def communes(tmp_path: Path) -> Iterator[TwoCommunes]:
    base_url = postgres_url_or_skip()
    suffix = uuid.uuid4().hex[:10]
    schemas = {"alpha": f"test_alpha_{suffix}", "beta": f"test_beta_{suffix}"}
    path = deployment_file(tmp_path, schemas["alpha"], schemas["beta"])
    with pytest.MonkeyPatch.context() as env:
        for name in ("PORTAIL_COMMUNE", "PORTAIL_INSTANCE_PATH", "PORTAIL_SMTP_URL"):
            env.delenv(name, raising=False)
        env.setenv("PORTAIL_COMMUNES_FILE", str(path))
        env.setenv("PORTAIL_DATABASE_URL", base_url)
        env.setenv("PORTAIL_SECRET_KEY", "la clé du déploiement, longue et tout à fait secrète")
        try:
            code, output = portail("db", "upgrade")
            assert code == 0, output
            for commune in schemas:
                code, output = portail("--commune", commune, "demo", "load")
                assert code == 0, output
            yield TwoCommunes(base_url, tmp_path, schemas)
        finally:
            admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                aside = [f"{schema}_avant" for schema in schemas.values()]  # put_aside's
                for schema in (*schemas.values(), *aside):
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def put_aside(communes: TwoCommunes, code: str) -> None:
    """What the operator does before restoring a commune: its schema and its instance folder
    renamed, kept until the restored commune is checked."""
    schema = communes.schemas[code]
    admin = create_engine(communes.base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_avant"'))
    admin.dispose()
    folder = communes.folder / code
    shutil.move(folder, folder.with_name(f"{code}-avant-restauration"))


def test_one_commune_is_restored_from_its_backup_and_the_other_keeps_its_changes(
    communes: TwoCommunes,
) -> None:
    piece = communes.folder / "piece.pdf"
    piece.write_bytes(DEMO_PDF)
    code, output = portail(
        *("--commune", "beta", "document", "add", "1", "--type", "assurance"),
        *("--file", str(piece)),
    )
    assert code == 0, output  # a file of B's instance folder in the backup
    archive = communes.folder / "beta.tar.gz"
    code, output = portail("--commune", "beta", "backup", "create", "-o", str(archive))
    assert code == 0, output
    assert f"schéma {communes.schemas['beta']}" in output
    backed_up = communes.state("beta")

    for commune in ("alpha", "beta"):  # each commune goes on after the backup
        code, output = portail(
            *("--commune", commune, "news", "add", "--title", f"Après la sauvegarde ({commune})"),
            *("--text", "Une actualité écrite après la sauvegarde."),
        )
        assert code == 0, output
    code, output = portail(
        *("--commune", "beta", "document", "add", "1", "--type", "justificatif_domicile"),
        *("--file", str(piece)),
    )
    assert code == 0, output
    alpha_now, beta_now = communes.state("alpha"), communes.state("beta")
    assert beta_now != backed_up

    code, output = portail("--commune", "beta", "backup", "restore", str(archive))
    assert code == 5, output  # B as it is: refused, nothing written
    assert "n'est pas vide" in output
    assert "Rien n'a été restauré" in output
    assert communes.state("beta") == beta_now

    put_aside(communes, "beta")
    code, output = portail("--commune", "beta", "backup", "restore", str(archive))
    assert code == 0, output
    assert "Sauvegarde restaurée" in output
    assert communes.state("beta") == backed_up
    assert communes.state("alpha") == alpha_now  # A keeps what it did after B's backup
    code, output = portail("--commune", "beta", "news", "list")
    assert code == 0, output
    assert "Après la sauvegarde" not in output
    code, output = portail(
        *("--commune", "beta", "news", "add", "--title", "Après la restauration"),
        *("--text", "Les numéros reprennent où la sauvegarde les a laissés."),
    )
    assert code == 0, output
    code, output = portail("--commune", "alpha", "news", "list")
    assert "Après la sauvegarde (alpha)" in output
    code, output = portail("backup", "verify", str(archive))
    assert code == 0, output
    assert "Archive intacte" in output


def test_a_commune_s_backup_is_not_restored_into_another_commune(communes: TwoCommunes) -> None:
    archive = communes.folder / "beta.tar.gz"
    code, output = portail("--commune", "beta", "backup", "create", "-o", str(archive))
    assert code == 0, output
    put_aside(communes, "alpha")
    code, output = portail("--commune", "alpha", "backup", "restore", str(archive))
    assert code == 4, output
    assert f"schéma PostgreSQL « {communes.schemas['beta']} »" in output
    assert "Rien n'a été restauré" in output
    assert communes.state("alpha") == {"files": []}  # its schema (created), empty; no file
