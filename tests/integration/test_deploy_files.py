"""The operators' files say what the code does: Dockerfile, compose.yaml, the systemd units and
the nginx sample run real `portail` commands with real options, set only variables the portal
reads (with values it accepts), and agree on ports, paths, the health probe and the limits.

The image is not built here (no Docker engine on the test machines): these tests read the files
as Docker, Compose, systemd and nginx would; test_compose_sequence.py runs what they run.
"""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from entrypoints.bootstrap import bootstrap_in_memory
from entrypoints.settings import Settings
from entrypoints.web import create_app
from tests.integration.deploy_files import (
    ROOT,
    compose,
    parse_portail,
    portail_invocations,
    service_argv,
    settings_variables,
)

PORTAIL_IMAGE = "portail-famille:local"
INSTANCE = "/var/lib/portail"
UNITS = ("portail.service", "portail-outbox.service", "portail-jobs.service")
# One instance per commune of a deployment serving several (PORTAIL_COMMUNE=%i).
TEMPLATES = ("portail-outbox@.service", "portail-jobs@.service")


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), as (INSTRUCTION, arguments)."""
    text = (ROOT / "Dockerfile").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in joined.splitlines()
        if line.strip()
    ]


def runtime_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage: what the image holds."""
    instructions = dockerfile()
    last_from = max(n for n, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def instruction(name: str) -> str:
    found = [arguments for kind, arguments in runtime_stage() if kind == name]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def portail_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose()["services"].items()
        if service.get("image") == PORTAIL_IMAGE
    }


# --- Dockerfile -----------------------------------------------------------------------------


def test_the_image_is_python_3_11_slim_bookworm_in_two_stages_run_by_a_user_without_rights() -> (
    None
):
    stages = [arguments for kind, arguments in dockerfile() if kind == "FROM"]
    assert stages == ["python:3.11-slim-bookworm AS build", "python:3.11-slim-bookworm"]
    assert instruction("USER") == "portail"
    assert "--uid 10001" in instruction("RUN")
    assert json.loads(instruction("ENTRYPOINT")) == ["portail"]
    assert parse_portail(json.loads(instruction("CMD")))[0] == "serve"


def test_the_image_installs_the_pinned_runtime_dependencies_and_the_system_packages() -> None:
    instructions = dockerfile()
    build_stage = instructions[: len(instructions) - len(runtime_stage())]
    build = " ".join(arguments for kind, arguments in build_stage if kind == "RUN")
    assert "--constraint constraints.txt" in build
    assert "['project']['dependencies']" in build  # the runtime ones, not the dev tools
    assert "pip check" in build
    packages = set(instruction("RUN").split())
    guide = (ROOT / "docs" / "operator-guide.md").read_text("utf-8")
    needed = set(re.findall(r"\| `(lib[a-z0-9.-]+|fonts-[a-z-]+)`", guide))
    needed |= {"libpangoft2-1.0-0", "libharfbuzz-subset0"}
    assert needed <= packages, needed - packages
    assert "postgresql-client" in packages  # pg_dump, pg_restore, psql for `portail backup`


def test_the_image_probes_get_sante_on_the_port_it_serves() -> None:
    health = instruction("HEALTHCHECK")
    bind = json.loads(instruction("CMD"))
    _, options = parse_portail(bind)
    port = options["bind"].rsplit(":", 1)[1]
    assert f"http://127.0.0.1:{port}/sante" in health
    assert instruction("EXPOSE") == port
    assert f"PORTAIL_INSTANCE_PATH={INSTANCE}" in instruction("ENV")
    assert json.loads(instruction("VOLUME")) == [INSTANCE]


def test_the_build_context_holds_only_what_the_image_needs() -> None:
    kept = [
        line for line in (ROOT / ".dockerignore").read_text().splitlines() if line.startswith("!")
    ]
    assert sorted(kept) == ["!README.md", "!constraints.txt", "!pyproject.toml", "!src/"]
    copied = {
        word
        for kind, arguments in dockerfile()
        if kind == "COPY" and "--from" not in arguments
        for word in arguments.split()[:-1]
    }
    assert copied == {"pyproject.toml", "constraints.txt", "README.md", "src"}


# --- compose.yaml ---------------------------------------------------------------------------


def test_every_command_compose_runs_is_a_real_portail_command_with_real_options() -> None:
    image_entrypoint = json.loads(instruction("ENTRYPOINT"))
    commands = {
        name: [
            parse_portail(args)[0]
            for args in portail_invocations(service_argv(s, image_entrypoint))
        ]
        for name, s in portail_services().items()
    }
    assert commands == {
        "migrate": ["db upgrade", "demo load"],
        "portal": ["serve"],
        "payfip": ["payfip simulator"],
        "worker": ["outbox send"],
        "jobs": ["jobs run"],
    }


def test_compose_sets_only_variables_the_portal_reads_with_values_it_accepts() -> None:
    for service in portail_services().values():
        environment = service["environment"]
        assert set(environment) <= settings_variables()
        settings = Settings.from_env({**environment, "PORTAIL_INSTANCE_PATH": "/nonexistent"})
        assert settings.database_url.startswith("postgresql+psycopg://")
        assert settings.public_url == "http://localhost:8000"


def test_compose_starts_each_service_when_what_it_needs_is_ready() -> None:
    services = compose()["services"]
    database = make_url(services["portal"]["environment"]["PORTAIL_DATABASE_URL"])
    postgres = services["postgres"]
    assert postgres["image"] == "postgres:15"
    assert postgres["environment"] == {
        "POSTGRES_USER": database.username,
        "POSTGRES_PASSWORD": database.password,
        "POSTGRES_DB": database.database,
    }
    assert database.host == "postgres"
    probe = postgres["healthcheck"]["test"]
    assert probe[:2] == ["CMD", "pg_isready"]
    assert {f"--username={database.username}", f"--dbname={database.database}"} <= set(probe)
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("portal", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    for name in ("payfip", "jobs"):  # in the portal's network, after it
        assert services[name]["network_mode"] == "service:portal"
        assert services[name]["depends_on"] == {"portal": {"condition": "service_started"}}


def test_compose_publishes_the_portal_where_its_public_url_says_and_probes_it() -> None:
    portal = compose()["services"]["portal"]
    _, options = parse_portail(service_argv(portal, ["portail"])[1:])
    port = options["bind"].rsplit(":", 1)[1]
    assert options["bind"] == f"0.0.0.0:{port}"  # reachable from the published port
    assert f"127.0.0.1:{port}:{port}" in portal["ports"]
    public = make_url(portal["environment"]["PORTAIL_PUBLIC_URL"].replace("http", "sqlite", 1))
    assert str(public.port) == port
    assert f"http://127.0.0.1:{port}/sante" in " ".join(portal["healthcheck"]["test"])
    simulator = compose()["services"]["payfip"]
    _, simulator_options = parse_portail(service_argv(simulator, ["portail"])[1:])
    payfip = portal["environment"]["PORTAIL_PAYFIP_URL"]
    assert payfip == f"http://127.0.0.1:{simulator_options['port']}"
    assert f"127.0.0.1:{simulator_options['port']}:{simulator_options['port']}" in portal["ports"]
    assert simulator_options["host"] == "0.0.0.0"  # noqa: S104  (published from its container)


def test_compose_keeps_the_documents_and_the_database_in_volumes() -> None:
    document = compose()
    assert set(document["volumes"]) == {"postgres", "instance"}
    assert "postgres:/var/lib/postgresql/data" in document["services"]["postgres"]["volumes"]
    for name, service in portail_services().items():
        assert f"instance:{INSTANCE}" in service["volumes"], name
        assert service["init"] is True, name


def test_compose_reads_the_secret_key_and_public_url_from_the_environment_when_given() -> None:
    given = {"PORTAIL_SECRET_KEY": "s" * 48, "PORTAIL_PUBLIC_URL": "http://portail.local:8000"}
    environment = compose(given)["services"]["portal"]["environment"]
    assert environment["PORTAIL_SECRET_KEY"] == "s" * 48
    assert environment["PORTAIL_PUBLIC_URL"] == "http://portail.local:8000"
    migrate = compose()["services"]["migrate"]["command"][0]
    assert "[ $? -eq 4 ]" in migrate  # Compose's $$ is the shell's $


# --- systemd --------------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys keep case
    parser.read(ROOT / "deploy" / "systemd" / name, encoding="utf-8")
    return parser


def example_environment() -> dict[str, str]:
    lines = (ROOT / "deploy" / "systemd" / "portail.env.example").read_text("utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {key: value.removeprefix('"').removesuffix('"') for key, value in pairs}


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("portail.service", "serve"),
        ("portail-outbox.service", "outbox send"),
        ("portail-jobs.service", "jobs run"),
        ("portail-outbox@.service", "outbox send"),
        ("portail-jobs@.service", "jobs run"),
    ],
)
def test_each_unit_runs_a_real_portail_command_hardened(name: str, command: str) -> None:
    service = unit(name)["Service"]
    argv = service["ExecStart"].split()
    assert argv[0] == "/opt/portail/bin/portail"
    assert parse_portail(argv[1:])[0] == command
    assert service["User"] == "portail"
    assert service["EnvironmentFile"] == "/etc/portail/portail.env"
    for setting, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "ReadWritePaths": example_environment()["PORTAIL_INSTANCE_PATH"],
        "UMask": "0077",
        "RestartPreventExitStatus": "7",
    }.items():
        assert service[setting] == value, setting


def test_the_units_environment_example_is_read_by_the_portal_as_a_production_setting() -> None:
    environment = example_environment()
    example = ROOT / "deploy" / "systemd" / "portail.env.example"
    read_by_a_shell = subprocess.run(
        ["/bin/sh", "-c", f"set -a; . '{example}'; env"],
        env={},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert {
        k: v for k, _, v in (line.partition("=") for line in read_by_a_shell) if k in environment
    } == environment
    assert set(environment) <= settings_variables()
    settings = Settings.from_env({**environment, "PORTAIL_INSTANCE_PATH": "/nonexistent"})
    assert settings.uses_https
    assert settings.smtp_url is not None  # required for an HTTPS portal
    assert settings.trusted_proxies == 1  # nginx, deploy/nginx/portail.conf
    _, options = parse_portail(unit("portail.service")["Service"]["ExecStart"].split()[1:])
    assert options["bind"] == "127.0.0.1:8000"


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """systemd-analyze verify, with the paths of this machine (it checks ExecStart is there)."""
    assert shutil.which("systemd-analyze"), "systemd-analyze (Debian's systemd package) is needed"
    portail = Path(sys.executable).with_name("portail")
    example = ROOT / "deploy" / "systemd" / "portail.env.example"
    # a template is verified as one of its instances, here the commune "demo"
    names = {**{name: name for name in UNITS}, **{t: t.replace("@", "@demo") for t in TEMPLATES}}
    for name, written in names.items():
        text = (ROOT / "deploy" / "systemd" / name).read_text("utf-8")
        text = text.replace("/opt/portail/bin/portail", str(portail))
        (tmp_path / written).write_text(text.replace("/etc/portail/portail.env", str(example)))
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in names.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys and bad values are warnings


# --- nginx ----------------------------------------------------------------------------------


def nginx() -> str:
    return (ROOT / "deploy" / "nginx" / "portail.conf").read_text("utf-8")


def directives(name: str) -> list[str]:
    return re.findall(rf'^\s*{name}\s+((?:"[^"]*"|[^;"])*);', nginx(), flags=re.MULTILINE)


def test_nginx_speaks_modern_tls_only_and_sends_the_portals_hsts() -> None:
    assert directives("ssl_protocols") == ["TLSv1.2 TLSv1.3"]
    ciphers = directives("ssl_ciphers")[0].split(":")
    assert all(
        c.startswith(("ECDHE-", "DHE-")) and ("GCM" in c or "CHACHA20" in c) for c in ciphers
    )
    assert directives("ssl_session_tickets") == ["off"]
    assert directives("return") == ["301 https://$host$request_uri"]
    client = create_app({"TESTING": True}, services=bootstrap_in_memory()).test_client()
    portal_hsts = client.get("/sante").headers["Strict-Transport-Security"]
    sent = directives("add_header")
    hsts = [h for h in sent if h.startswith("Strict-Transport-Security")]
    assert hsts
    assert all(h == f'Strict-Transport-Security "{portal_hsts}" always' for h in hsts)
    # every block with add_header of its own repeats it (nginx does not inherit them then)
    assert len(hsts) == nginx().count("location /static/") + 1


def test_nginx_passes_the_headers_the_portals_trusted_proxies_setting_believes() -> None:
    headers = dict(h.split(None, 1) for h in directives("proxy_set_header"))
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Host"] == headers["X-Forwarded-Host"] == "$host"
    app_source = (ROOT / "src" / "entrypoints" / "web" / "app.py").read_text("utf-8")
    assert "x_for=count, x_proto=count, x_host=count" in app_source
    assert example_environment()["PORTAIL_TRUSTED_PROXIES"] == "1"
    upstream = re.search(r"upstream portail \{(.*?)\}", nginx(), flags=re.DOTALL)
    assert upstream is not None
    assert "server 127.0.0.1:8000;" in upstream[1]  # portail.service's --bind


def test_nginx_lets_the_portals_largest_upload_through_so_that_the_portal_answers() -> None:
    app = create_app({"TESTING": True}, services=bootstrap_in_memory())
    limit = app.config["MAX_CONTENT_LENGTH"]
    (size,) = directives("client_max_body_size")
    nginx_limit = int(size.removesuffix("m")) * 1024 * 1024
    assert limit < nginx_limit <= limit + 1024 * 1024


def test_nginx_logs_no_link_secret_and_serves_the_installed_static_files() -> None:
    guide = (ROOT / "docs" / "operator-guide.md").read_text("utf-8")
    pages = re.search(r"\(\?<page>([a-z|-]+)\)", guide)
    assert pages is not None
    assert f"(?<page>{pages[1]})" in nginx()  # the pages the guide names
    logs = directives("access_log")
    assert logs
    assert all(line.endswith(" portail") for line in logs)
    assert "$request_uri" not in re.search(r"log_format portail(.*?);", nginx(), re.DOTALL)[1]  # type: ignore[index]
    (alias,) = directives("alias")
    static = ROOT / "src" / "entrypoints" / "web" / "static"
    assert alias.endswith("/site-packages/entrypoints/web/static/")
    assert sorted(p.name for p in static.iterdir())  # the folder the alias names exists


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_unit_names_its_commune(template: str) -> None:
    """An instance of the template serves the commune named after its « @ »."""
    assert unit(template)["Service"]["Environment"] == "PORTAIL_COMMUNE=%i"
