"""The deployment file (PORTAIL_COMMUNES_FILE): what it accepts, the French error naming the
key for what it refuses; the host a request asks for; each commune's own secret key."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.deployment_file import parse_deployment
from entrypoints.communes import (
    chosen_site,
    commune_environment,
    commune_secret_key,
)
from entrypoints.web.dispatcher import host_of
from portail_core.errors import ConfigurationError

FOLDER = Path("/srv/portail")
GOOD = """
[[commune]]
code = "saint-malo"
hosts = ["Famille.Saint-Malo.fr", "portail.saint-malo.fr."]
schema = "commune_saint_malo"
instance_path = "saint-malo"
public_url = "https://famille.saint-malo.fr/"
mail_from = "Mairie de Saint-Malo <ne-pas-repondre@saint-malo.fr>"

[[commune]]
code = "dinard"
hosts = ["famille.dinard.fr"]
database_url = "sqlite:////srv/portail/dinard/portail.sqlite3"
instance_path = "/srv/portail/dinard"
public_url = "https://famille.dinard.fr"
"""


def test_a_good_file_lists_its_communes_in_order() -> None:
    deployment = parse_deployment(GOOD, FOLDER)
    assert deployment.codes == ("saint-malo", "dinard")
    malo = deployment.communes[0]
    assert malo.hosts == ("famille.saint-malo.fr", "portail.saint-malo.fr")
    assert malo.instance_path == FOLDER / "saint-malo"
    assert malo.public_url == "https://famille.saint-malo.fr"
    assert malo.database == "schéma commune_saint_malo"
    assert deployment.for_host("portail.saint-malo.fr") is malo
    assert deployment.for_host("famille.dinard.fr") is deployment.communes[1]
    assert deployment.for_host("saint-malo.fr") is None


def with_change(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "aucune commune"),
        ("[commune\n", "TOML illisible"),
        (with_change('code = "saint-malo"', 'code = "Saint Malo"'), "code invalide"),
        (with_change('code = "saint-malo"', ""), "la clé « code » manque"),
        (with_change('hosts = ["famille.dinard.fr"]', 'hosts = "famille.dinard.fr"'), "hosts"),
        (
            with_change('hosts = ["famille.dinard.fr"]', 'hosts = ["famille.saint-malo.fr"]'),
            "« hosts » (famille.saint-malo.fr) est déjà celui de la commune « saint-malo »",
        ),
        (with_change('code = "dinard"', 'code = "saint-malo"'), "« code » (saint-malo)"),
        (with_change('hosts = ["famille.dinard.fr"]', 'hosts = ["https://x.fr"]'), "hôte"),
        (with_change('schema = "commune_saint_malo"', ""), "soit « schema »"),
        (with_change('schema = "commune_saint_malo"', 'schema = "Malo; DROP"'), "schema"),
        (with_change('public_url = "https://famille.dinard.fr"', 'public_url = "x"'), "public_url"),
        (with_change('code = "dinard"', 'code = "dinard"\ncolour = "bleu"'), "clé inconnue"),
        (
            with_change('instance_path = "/srv/portail/dinard"', 'instance_path = "saint-malo"'),
            "« instance_path »",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_commune_and_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        parse_deployment(text, FOLDER)
    assert message in raised.value.message


def test_a_commune_is_chosen_by_code_or_is_the_only_one() -> None:
    deployment = parse_deployment(GOOD, FOLDER)
    assert chosen_site(deployment, "DINARD").code == "dinard"
    with pytest.raises(ConfigurationError, match="saint-malo, dinard"):
        chosen_site(deployment, None)
    with pytest.raises(ConfigurationError, match="Commune inconnue « rennes »"):
        chosen_site(deployment, "rennes")
    alone = parse_deployment(GOOD.split("[[commune]]")[1].join(["[[commune]]", ""]), FOLDER)
    assert chosen_site(alone, None).code == "saint-malo"


def test_each_commune_s_environment_is_its_own() -> None:
    deployment = parse_deployment(GOOD, FOLDER)
    master = {
        "PORTAIL_SECRET_KEY": "k" * 40,
        "PORTAIL_DATABASE_URL": "postgresql://portail@db/portail",
        "HOME": "/root",
    }
    malo, dinard = (commune_environment(site, master) for site in deployment.communes)
    assert "HOME" not in malo
    assert "options=-csearch_path%3Dcommune_saint_malo" in malo["PORTAIL_DATABASE_URL"]
    assert dinard["PORTAIL_DATABASE_URL"] == "sqlite:////srv/portail/dinard/portail.sqlite3"
    assert malo["PORTAIL_MAIL_FROM"].startswith("Mairie de Saint-Malo")
    assert "PORTAIL_MAIL_FROM" not in dinard
    assert malo["PORTAIL_SECRET_KEY"] != dinard["PORTAIL_SECRET_KEY"]
    assert malo["PORTAIL_SECRET_KEY"] == commune_secret_key("k" * 40, "saint-malo")


@given(st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?", fullmatch=True))
def test_a_commune_s_key_is_long_and_its_own(code: str) -> None:
    key = commune_secret_key("k" * 40, code)
    assert len(key) >= 32
    assert key != commune_secret_key("k" * 40, code + "x")
    assert key != commune_secret_key("m" * 40, code)


@given(
    st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,40}[A-Za-z0-9])?", fullmatch=True),
    st.one_of(st.none(), st.integers(1, 65535)),
)
def test_the_host_asked_for_is_lowercased_without_its_port(name: str, port: int | None) -> None:
    header = name if port is None else f"{name}:{port}"
    environ = {"HTTP_HOST": header, "wsgi.url_scheme": "https", "SERVER_NAME": "x"}
    assert host_of(environ) == name.lower().rstrip(".")


def test_behind_trusted_proxies_the_forwarded_host_is_the_one_asked_for() -> None:
    environ = {
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_X_FORWARDED_HOST": "evil.test, Famille.Dinard.fr",
        "wsgi.url_scheme": "http",
    }
    assert host_of(environ, trusted_proxies=1) == "famille.dinard.fr"
    assert host_of(environ, trusted_proxies=0) == "127.0.0.1"
