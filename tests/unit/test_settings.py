import multiprocessing
import stat
from pathlib import Path

import pytest

from entrypoints.settings import Settings, default_instance_path
from portail_core.errors import ConfigurationError


def test_defaults_put_a_sqlite_file_and_a_secret_key_in_the_instance_folder(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    settings = Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)})
    assert settings.database_url == f"sqlite:///{instance / 'portail.sqlite3'}"
    assert settings.uses_sqlite
    assert settings.smtp_url is None
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(settings.secret_key) >= 32


def test_the_local_secret_key_is_kept_across_restarts(instance_path: Path) -> None:
    env = {"PORTAIL_INSTANCE_PATH": str(instance_path)}
    assert Settings.from_env(env).secret_key == Settings.from_env(env).secret_key


def test_a_secret_key_from_the_environment_wins(instance_path: Path) -> None:
    env = {"PORTAIL_INSTANCE_PATH": str(instance_path), "PORTAIL_SECRET_KEY": "k" * 40}
    assert Settings.from_env(env).secret_key == "k" * 40


KEY = "k" * 40


@pytest.mark.parametrize(
    "url", ["postgres://u@db/portail", "postgresql://u@db/portail", "postgresql+psycopg://u@db/p"]
)
def test_postgresql_urls_get_the_psycopg_driver(url: str, instance_path: Path) -> None:
    settings = Settings.from_env(
        {
            "PORTAIL_INSTANCE_PATH": str(instance_path),
            "PORTAIL_DATABASE_URL": url,
            "PORTAIL_SECRET_KEY": KEY,
        }
    )
    assert settings.database_url.startswith("postgresql+psycopg://u@db/")
    assert not settings.uses_sqlite


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("n'importe quoi", "illisible"),
        ("postgresql://u:p@h:abc/db", "illisible"),
        ("mysql://root@localhost/portail", "non prise en charge"),
        ("postgresql+psycopg2://u@db/p", "non prise en charge"),
        ("sqlite://", "mémoire"),
        ("sqlite:///:memory:", "mémoire"),
    ],
)
def test_a_bad_database_url_is_explained_in_french(
    url: str, expected: str, instance_path: Path
) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        Settings.from_env(
            {"PORTAIL_INSTANCE_PATH": str(instance_path), "PORTAIL_DATABASE_URL": url}
        )


def test_an_instance_folder_that_cannot_be_created_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigurationError, match="PORTAIL_INSTANCE_PATH"):
        Settings.from_env({"PORTAIL_INSTANCE_PATH": str(blocker / "instance")})


def test_postgresql_requires_a_shared_secret_key(instance_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="PORTAIL_SECRET_KEY est obligatoire"):
        Settings.from_env(
            {
                "PORTAIL_INSTANCE_PATH": str(instance_path),
                "PORTAIL_DATABASE_URL": "postgresql://u@db/p",
            }
        )


def test_a_short_secret_key_is_refused(instance_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="trop courte"):
        Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path), "PORTAIL_SECRET_KEY": "x"})


def test_secrets_never_show_in_the_settings_repr(instance_path: Path) -> None:
    settings = Settings.from_env(
        {
            "PORTAIL_INSTANCE_PATH": str(instance_path),
            "PORTAIL_DATABASE_URL": "postgresql://u:motdepasse@db/p",
            "PORTAIL_SECRET_KEY": KEY,
            "PORTAIL_SMTP_URL": "smtp://u:smtpsecret@mail",
        }
    )
    shown = repr(settings)
    assert "motdepasse" not in shown
    assert KEY not in shown
    assert "smtpsecret" not in shown


def _read_key(instance: str) -> str:
    return Settings.from_env({"PORTAIL_INSTANCE_PATH": instance}).secret_key


def test_processes_starting_together_share_one_key(instance_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        keys = pool.map(_read_key, [str(instance_path)] * 16)
    assert len(set(keys)) == 1
    assert [p.name for p in instance_path.iterdir()] == ["secret_key"]


@pytest.mark.parametrize("url", ["ftp://x", "famille.ville.fr", "https://"])
def test_a_bad_public_url_is_refused(url: str, instance_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="PORTAIL_PUBLIC_URL"):
        Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance_path), "PORTAIL_PUBLIC_URL": url})


def test_an_https_public_url_means_secure_cookies(instance_path: Path) -> None:
    settings = Settings.from_env(
        {"PORTAIL_INSTANCE_PATH": str(instance_path), "PORTAIL_PUBLIC_URL": "https://f.ville.fr/"}
    )
    assert settings.uses_https
    assert settings.public_url == "https://f.ville.fr"


def test_trusted_proxies_are_a_small_number(instance_path: Path) -> None:
    env = {"PORTAIL_INSTANCE_PATH": str(instance_path), "PORTAIL_TRUSTED_PROXIES": "1"}
    assert Settings.from_env(env).trusted_proxies == 1
    for bad in ("oui", "-1", "9"):
        with pytest.raises(ConfigurationError, match="PORTAIL_TRUSTED_PROXIES"):
            Settings.from_env({**env, "PORTAIL_TRUSTED_PROXIES": bad})


def test_an_ipv6_client_is_limited_by_its_64_block() -> None:
    from portail_core.domain.accounts.throttle import ip_key

    assert ip_key("2001:db8:1:2::1") == ip_key("2001:db8:1:2:ffff::9")
    assert ip_key("2001:db8:1:2::1") != ip_key("2001:db8:1:3::1")
    assert ip_key("192.0.2.1") != ip_key("192.0.2.2")
    assert ip_key("192.0.2.1") != ip_key("192.0.2.1", "reset")


CHECKOUT = Path(__file__).resolve().parents[2]


def test_the_default_instance_is_the_checkouts_whatever_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_instance_path({}) == CHECKOUT / "instance"
    settings = Settings.from_env(
        {"PORTAIL_DATABASE_URL": "postgresql://u@db/portail", "PORTAIL_SECRET_KEY": KEY}
    )
    assert settings.instance_path == CHECKOUT / "instance"
    assert not (tmp_path / "instance").exists()


def test_installed_elsewhere_the_default_instance_is_in_the_users_data_folder(
    tmp_path: Path,
) -> None:
    installed = tmp_path / "site-packages" / "entrypoints" / "settings.py"
    installed.parent.mkdir(parents=True)
    installed.touch()
    data = tmp_path / "data"
    assert default_instance_path({"XDG_DATA_HOME": str(data)}, installed) == (
        data / "portail-famille"
    )


def test_a_missing_database_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    instance = tmp_path / "nowhere"
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}, require_database=True)
    assert f"Aucune base de données à {instance / 'portail.sqlite3'}" in refused.value.message
    assert "`portail db upgrade`" in refused.value.message
    assert not instance.exists()  # neither the folder nor a secret key
