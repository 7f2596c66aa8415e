"""Settings read from the environment, with safe defaults for a local trial.

| variable               | default                                                  |
|------------------------|----------------------------------------------------------|
| PORTAIL_INSTANCE_PATH  | the checkout's instance/ when run from a source checkout, |
|                        | else $XDG_DATA_HOME/portail-famille (~/.local/share/...); |
|                        | never the current folder (SQLite file, secret key...)    |
| PORTAIL_DATABASE_URL   | sqlite:///<instance>/portail.sqlite3                     |
| PORTAIL_SECRET_KEY     | with SQLite, a random key kept in <instance>/secret_key; |
|                        | required with PostgreSQL (servers must share it)         |
| PORTAIL_PUBLIC_URL     | http://127.0.0.1:5000 (https:// makes cookies Secure)    |
| PORTAIL_SMTP_URL       | none: e-mails are written to the log instead of sent     |
| PORTAIL_TRUSTED_PROXIES| 0: the client's address is the connection's; N: trust N    |
|                        | reverse proxies' X-Forwarded-For (and -Proto, -Host)     |
| PORTAIL_MAIL_FROM      | Portail Famille <ne-pas-repondre@localhost>              |
| PORTAIL_SEPA_CREDITOR_ | none; _NAME, _ID, _IBAN, _BIC: the town as a SEPA        |
|                        | creditor, defaults of `portail directdebit export`       |
| PORTAIL_PAYFIP_URL     | https://www.payfip.gouv.fr when the public URL is HTTPS; |
|                        | otherwise the local simulator, http://127.0.0.1:5001     |
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from attrs import field, frozen

from adapters.persistence import parse_database_url
from portail_core.errors import ConfigurationError

__all__ = ["Settings", "default_instance_path"]

MIN_SECRET_KEY_LENGTH = 32
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
PAYFIP_URL = "https://www.payfip.gouv.fr"
SIMULATOR_URL = "http://127.0.0.1:5001"  # `portail payfip simulator`, which `make run` starts


@frozen
class Settings:
    instance_path: Path
    database_url: str = field(repr=False)  # may hold a password
    secret_key: str = field(repr=False)
    public_url: str
    smtp_url: str | None = field(repr=False)
    mail_from: str = "Portail Famille <ne-pas-repondre@localhost>"
    trusted_proxies: int = 0
    sepa_creditor_name: str | None = None  # the town as a SEPA creditor (direct debit)
    sepa_creditor_id: str | None = None  # its identifiant créancier SEPA (ICS)
    sepa_creditor_iban: str | None = field(default=None, repr=False)
    sepa_creditor_bic: str | None = None
    payfip_url: str = SIMULATOR_URL  # PayFiP's (or the simulator's) base address

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, require_database: bool = False
    ) -> Settings:
        """Read and check every setting; a bad one raises ConfigurationError saying which.

        With SQLite the instance folder and its secret key are created if need be, unless
        ``require_database``: then a missing database file is a ConfigurationError, raised
        before anything is written (every command but ``portail db upgrade``, the web portal).
        """
        env = os.environ if environ is None else environ
        instance = Path(env.get("PORTAIL_INSTANCE_PATH") or default_instance_path(env)).resolve()
        database_url = (
            env.get("PORTAIL_DATABASE_URL") or f"sqlite:///{instance / 'portail.sqlite3'}"
        )
        parsed = parse_database_url(database_url)
        sqlite = parsed.get_backend_name() == "sqlite"
        if require_database and sqlite:
            _refuse_missing_database(Path(parsed.database or ""), instance, env)
        if sqlite:
            _make_folder(instance)
        return cls(
            instance_path=instance,
            database_url=parsed.render_as_string(hide_password=False),
            secret_key=_secret_key(env.get("PORTAIL_SECRET_KEY"), instance, local=sqlite),
            public_url=_public_url(env.get("PORTAIL_PUBLIC_URL") or DEFAULT_PUBLIC_URL),
            smtp_url=env.get("PORTAIL_SMTP_URL") or None,
            mail_from=env.get("PORTAIL_MAIL_FROM") or "Portail Famille <ne-pas-repondre@localhost>",
            trusted_proxies=_proxies(env.get("PORTAIL_TRUSTED_PROXIES") or "0"),
            sepa_creditor_name=env.get("PORTAIL_SEPA_CREDITOR_NAME") or None,
            sepa_creditor_id=env.get("PORTAIL_SEPA_CREDITOR_ID") or None,
            sepa_creditor_iban=env.get("PORTAIL_SEPA_CREDITOR_IBAN") or None,
            sepa_creditor_bic=env.get("PORTAIL_SEPA_CREDITOR_BIC") or None,
            payfip_url=_payfip_url(env.get("PORTAIL_PAYFIP_URL"), env.get("PORTAIL_PUBLIC_URL")),
        )

    @classmethod
    def in_memory(cls, public_url: str = DEFAULT_PUBLIC_URL) -> Settings:
        """Settings of a portal on the in-memory twins: nothing is read from the environment,
        nothing is written (no database, no instance folder, e-mails to the log)."""
        return cls(
            instance_path=Path("instance").resolve(),
            database_url="",
            secret_key=secrets.token_urlsafe(48),
            public_url=_public_url(public_url),
            smtp_url=None,
        )

    @property
    def payfip_soap_url(self) -> str:
        """PayFiP's web service (SOAP 1.1)."""
        return f"{self.payfip_url}/tpa/services/securite"

    @property
    def payfip_page_url(self) -> str:
        """PayFiP's payment page, where the family's browser goes (``?idop=`` follows)."""
        return f"{self.payfip_url}/tpa/paiementws.web"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_https(self) -> bool:
        return self.public_url.startswith("https://")


def default_instance_path(environ: Mapping[str, str], package_file: Path = Path(__file__)) -> Path:
    """Where the local files live when PORTAIL_INSTANCE_PATH is not set, whatever the current
    folder: ``instance/`` of the source checkout the code runs from (``make run``, the
    README's commands), else the user's data folder, ``$XDG_DATA_HOME/portail-famille``
    (``~/.local/share/portail-famille``)."""
    checkout = package_file.resolve().parents[2]  # <checkout>/src/entrypoints/settings.py
    pyproject = checkout / "pyproject.toml"
    if pyproject.is_file() and 'name = "portail-famille"' in pyproject.read_text("utf-8"):
        return checkout / "instance"
    data_home = environ.get("XDG_DATA_HOME")
    return (Path(data_home) if data_home else Path("~/.local/share").expanduser()) / (
        "portail-famille"
    )


def _refuse_missing_database(database: Path, instance: Path, env: Mapping[str, str]) -> None:
    """A command other than ``portail db upgrade`` never creates the database."""
    if database.is_file():
        return
    chosen = (
        "PORTAIL_DATABASE_URL"
        if env.get("PORTAIL_DATABASE_URL")
        else "PORTAIL_INSTANCE_PATH"
        if env.get("PORTAIL_INSTANCE_PATH")
        else "le dossier d'instance par défaut"
    )
    raise ConfigurationError(
        f"Aucune base de données à {database} (choisie par {chosen}) : rien n'a été créé. "
        "Créez-la avec `portail db upgrade` (ou `make run` pour la démonstration), ou "
        f"indiquez la base existante avec PORTAIL_INSTANCE_PATH (dossier actuel : {instance}) "
        "ou PORTAIL_DATABASE_URL."
    )


def _proxies(text: str) -> int:
    if not text.strip().isdigit() or int(text) > 5:
        raise ConfigurationError(
            f"PORTAIL_TRUSTED_PROXIES invalide : « {text} » (un nombre de 0 à 5 : les "
            "mandataires inverses devant le portail)."
        )
    return int(text)


def _payfip_url(given: str | None, public_url: str | None) -> str:
    """PayFiP's base address: the one given, the DGFiP's for a portal served over HTTPS, the
    local simulator for a trial."""
    if not given:
        return PAYFIP_URL if (public_url or "").strip().startswith("https://") else SIMULATOR_URL
    parts = urlsplit(given.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ConfigurationError(
            f"PORTAIL_PAYFIP_URL invalide : « {given[:80]} » (ex. : {PAYFIP_URL}, ou "
            f"{SIMULATOR_URL} pour le simulateur)."
        )
    return given.strip().rstrip("/")


def _public_url(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(
            f"PORTAIL_PUBLIC_URL invalide : « {text} » (ex. : https://famille.ma-ville.fr)."
        )
    return text.strip().rstrip("/")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"Impossible de créer le dossier d'instance {folder} : {error.strerror}. "
            "Choisissez-en un autre avec PORTAIL_INSTANCE_PATH."
        ) from error


def _secret_key(given: str | None, instance: Path, *, local: bool) -> str:
    if given:
        if len(given) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"PORTAIL_SECRET_KEY est trop courte : au moins {MIN_SECRET_KEY_LENGTH} "
                "caractères aléatoires (ex. : python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )
        return given
    if not local:
        raise ConfigurationError(
            "PORTAIL_SECRET_KEY est obligatoire avec PostgreSQL : tous les serveurs du portail "
            "doivent partager la même clé."
        )
    return _local_secret_key(instance)


def _local_secret_key(instance: Path) -> str:
    """A random key created once, atomically, readable by its owner only, in the instance folder.

    Several processes starting together (gunicorn workers) all end up with the same key: each
    writes a candidate to a private file and publishes it with a hard link, which only the first
    one wins.
    """
    key_file = instance / "secret_key"
    if not key_file.exists():
        candidate = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            with contextlib.suppress(FileExistsError):
                os.link(candidate, key_file)
        finally:
            candidate.unlink()
    key = key_file.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"Le fichier de clé secrète {key_file} est abîmé (trop court) : remplacez-le, "
            "ou définissez PORTAIL_SECRET_KEY."
        )
    return key
