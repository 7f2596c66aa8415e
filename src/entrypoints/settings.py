"""Settings read from the environment, with safe defaults for a local trial.

| variable               | default                                  |
|------------------------|------------------------------------------|
| PORTAIL_INSTANCE_PATH  | ./instance (SQLite file, secret key...)  |
| PORTAIL_DATABASE_URL   | sqlite:///<instance>/portail.sqlite3     |
| PORTAIL_SECRET_KEY     | a random key kept in <instance>/secret_key |
| PORTAIL_SMTP_URL       | none: e-mails stay in the outbox and go to the log |
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from attrs import frozen

from adapters.persistence import parse_database_url
from portail_core.errors import ConfigurationError

__all__ = ["Settings"]

MIN_SECRET_KEY_LENGTH = 32


@frozen
class Settings:
    instance_path: Path
    database_url: str
    secret_key: str
    smtp_url: str | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; a bad one raises ConfigurationError saying which."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("PORTAIL_INSTANCE_PATH") or "instance").resolve()
        default_url = f"sqlite:///{instance / 'portail.sqlite3'}"
        database_url = env.get("PORTAIL_DATABASE_URL") or default_url
        parsed = parse_database_url(database_url)
        if parsed.get_backend_name() == "sqlite":
            _make_folder(instance)
        return cls(
            instance_path=instance,
            database_url=parsed.render_as_string(hide_password=False),
            secret_key=env.get("PORTAIL_SECRET_KEY") or _local_secret_key(instance),
            smtp_url=env.get("PORTAIL_SMTP_URL") or None,
        )

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"Impossible de créer le dossier d'instance {folder} : {error.strerror}. "
            "Choisissez-en un autre avec PORTAIL_INSTANCE_PATH."
        ) from error


def _local_secret_key(instance: Path) -> str:
    """A random key created once and kept, readable by its owner only, in the instance folder."""
    _make_folder(instance)
    key_file = instance / "secret_key"
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = key_file.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(f"La clé secrète {key_file} est trop courte : supprimez-la.")
    return key
