"""The deployment file: the communes one deployment serves (``PORTAIL_COMMUNES_FILE``, TOML).

Each ``[[commune]]`` names its ``code``, the ``hosts`` its families type, its database (a
``schema`` of the shared PostgreSQL database of ``PORTAIL_DATABASE_URL``, or a whole
``database_url``, e.g. a SQLite file), its ``instance_path`` (documents, règlements) and
``public_url``; optionally its e-mail sender and SMTP server, its PayFiP address and its SEPA
creditor. Every problem is a ConfigurationError in French naming the commune and the key.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from attrs import field, frozen

from portail_core.errors import ConfigurationError

__all__ = ["OPTIONAL_KEYS", "CommuneSite", "Deployment", "parse_deployment", "read_deployment_file"]

CODE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?", re.ASCII)
SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}", re.ASCII)
HOST = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", re.ASCII)
# Optional keys, each the environment variable it replaces for its commune.
OPTIONAL_KEYS = {
    "mail_from": "PORTAIL_MAIL_FROM",
    "smtp_url": "PORTAIL_SMTP_URL",
    "payfip_url": "PORTAIL_PAYFIP_URL",
    "sepa_creditor_name": "PORTAIL_SEPA_CREDITOR_NAME",
    "sepa_creditor_id": "PORTAIL_SEPA_CREDITOR_ID",
    "sepa_creditor_iban": "PORTAIL_SEPA_CREDITOR_IBAN",
    "sepa_creditor_bic": "PORTAIL_SEPA_CREDITOR_BIC",
}
_REQUIRED = ("code", "hosts", "instance_path", "public_url")
_KNOWN = {*_REQUIRED, "schema", "database_url", *OPTIONAL_KEYS}


@frozen
class CommuneSite:
    """One commune of the deployment, as its file describes it."""

    code: str
    hosts: tuple[str, ...]
    instance_path: Path
    public_url: str
    schema: str | None = None  # on the shared PostgreSQL database
    database_url: str | None = field(default=None, repr=False)  # may hold a password
    options: dict[str, str] = field(factory=dict, repr=False)  # OPTIONAL_KEYS given

    @property
    def database(self) -> str:
        """Where its data is, for people: the schema, or the URL without its password."""
        if self.schema is not None:
            return f"schéma {self.schema}"
        parts = urlsplit(self.database_url or "")
        return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"


@frozen
class Deployment:
    """Every commune of a deployment, in the file's order."""

    communes: tuple[CommuneSite, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(site.code for site in self.communes)

    def site(self, code: str) -> CommuneSite | None:
        return next((site for site in self.communes if site.code == code), None)

    def for_host(self, host: str) -> CommuneSite | None:
        return next((site for site in self.communes if host in site.hosts), None)


def read_deployment_file(path: Path) -> Deployment:
    """The deployment described by the file at ``path``; relative instance paths are read from
    the file's folder."""
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise ConfigurationError(
            f"PORTAIL_COMMUNES_FILE : impossible de lire {path} ({error.strerror})."
        ) from error
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"PORTAIL_COMMUNES_FILE : {path} n'est pas en UTF-8.") from error
    return parse_deployment(text, path.parent, str(path))


def parse_deployment(text: str, folder: Path, name: str = "le fichier des communes") -> Deployment:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{name} : TOML illisible ({error}).") from error
    unknown = sorted(set(data) - {"commune"})
    if unknown:
        raise ConfigurationError(
            f"{name} : clé inconnue « {unknown[0]} » (seules des tables [[commune]] sont "
            "attendues)."
        )
    tables = data.get("commune")
    if not isinstance(tables, list) or not tables:
        raise ConfigurationError(f"{name} : aucune commune ; ajoutez une table [[commune]].")
    sites = tuple(_site(table, number, folder) for number, table in enumerate(tables, 1))
    _unique(sites)
    return Deployment(sites)


def _site(table: Any, number: int, folder: Path) -> CommuneSite:
    where = f"commune n° {number}"
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where} : une table [[commune]] est attendue.")
    code = table.get("code")
    if isinstance(code, str) and CODE.fullmatch(code):
        where = f"commune « {code} »"
    for key in sorted(set(table) - _KNOWN):
        raise ConfigurationError(f"{where} : clé inconnue « {key} ».")
    for key in _REQUIRED:
        if key not in table:
            raise ConfigurationError(f"{where} : la clé « {key} » manque.")
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise ConfigurationError(
            f"{where} : code invalide « {code} » (lettres minuscules sans accent, chiffres et "
            "tirets, 32 caractères au plus ; ex. : saint-malo)."
        )
    schema, database_url = table.get("schema"), table.get("database_url")
    if (schema is None) == (database_url is None):
        raise ConfigurationError(
            f"{where} : indiquez soit « schema » (un schéma de la base PostgreSQL de "
            "PORTAIL_DATABASE_URL), soit « database_url » (sa propre base), l'un des deux."
        )
    if schema is not None and (not isinstance(schema, str) or not SCHEMA.fullmatch(schema)):
        raise ConfigurationError(
            f"{where} : schema invalide « {schema} » (minuscules, chiffres et _, commençant par "
            "une lettre ; ex. : commune_saint_malo)."
        )
    if database_url is not None and not _text(database_url):
        raise ConfigurationError(f"{where} : database_url doit être une adresse de base.")
    return CommuneSite(
        code=code,
        hosts=_hosts(table["hosts"], where),
        instance_path=(folder / _string(table, "instance_path", where)).resolve(),
        public_url=_public_url(_string(table, "public_url", where), where),
        schema=schema,
        database_url=database_url,
        options={key: _string(table, key, where) for key in OPTIONAL_KEYS if key in table},
    )


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _string(table: dict[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not _text(value):
        raise ConfigurationError(f"{where} : « {key} » doit être un texte non vide.")
    return str(value).strip()


def _hosts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(
            f"{where} : « hosts » doit être une liste de noms d'hôte "
            '(ex. : hosts = ["famille.ma-ville.fr"]).'
        )
    hosts = tuple(v.strip().lower().rstrip(".") for v in value)
    for host in hosts:
        if not HOST.fullmatch(host):
            raise ConfigurationError(
                f"{where} : nom d'hôte invalide « {host} » dans « hosts » (sans schéma ni port ; "
                "ex. : famille.ma-ville.fr)."
            )
    return hosts


def _public_url(text: str, where: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(
            f"{where} : public_url invalide « {text} » (ex. : https://famille.ma-ville.fr)."
        )
    return text.rstrip("/")


def _unique(sites: tuple[CommuneSite, ...]) -> None:
    """Two communes never share a code, a host, an instance folder or a database."""
    taken: dict[tuple[str, str], str] = {}
    for number, site in enumerate(sites):
        places = [("code", site.code), ("instance_path", str(site.instance_path))]
        places += [("hosts", host) for host in site.hosts]
        if site.schema is not None:
            places.append(("schema", site.schema))
        else:
            places.append(("database_url", site.database_url or ""))
        for key, place in places:
            shown = site.database if key == "database_url" else place  # never a password
            other = taken.setdefault((key, place), f"{number}:{site.code}")
            if other != f"{number}:{site.code}":
                raise ConfigurationError(
                    f"commune « {site.code} » : « {key} » ({shown}) est déjà celui de la "
                    f"commune « {other.partition(':')[2]} »."
                )
