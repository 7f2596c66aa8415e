"""The shape of the code base (docs/architecture.md): one capability, one name in every layer;
small modules and use cases; the entrypoints reach the core only through its façade.

import-linter checks the imports (pyproject.toml); these tests check what it cannot see.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src"
CORE, ADAPTERS, ENTRYPOINTS = SRC / "portail_core", SRC / "adapters", SRC / "entrypoints"
CAPABILITIES = (
    "communes",
    "catalogue",
    "dossiers",
    "accounts",
    "bookings",
    "absences",
    "attendance",
    "billing",
    "payments",
    "messaging",
    "audit",
    "news",
    "feeds",
    "menus",
    "regulations",
    "sma",
    "preregistrations",
    "waiting_room",
    "allocation",
)
# Every layer has a module (or a package) named after each capability.
LAYERS = (
    CORE / "domain",
    CORE / "ports",
    CORE / "services",
    CORE / "facade",
    ADAPTERS / "persistence",
    ADAPTERS / "memory",
)
# What the web portal and the command line hold besides their capabilities' modules.
WEB_PLUMBING = {"app", "app_services", "errors", "formatting", "months", "pages", "security"}
WEB_PLUMBING |= {"sessions"}
WEB_PLUMBING |= {"space"}  # the family's home page: the seed's four entries
WEB_PLUMBING |= {"information"}  # « Informations utiles »: the hub of the information pages
WEB_PLUMBING |= {"health"}  # GET /sante: the probe of load balancers and monitoring
WEB_PLUMBING |= {"dispatcher"}  # several communes in one process: each one's portal by host
CLI_PLUMBING = {"db", "demo", "feedback", "french", "options", "output", "serve"}
CLI_PLUMBING |= {"jobs"}  # portail jobs run: the scheduled commands of several capabilities
CLI_PLUMBING |= {"lazy"}  # the commands imported when they run, not at start-up
CLI_PLUMBING |= {"backup"}  # portail backup: the database and the instance folder, like db
CLI_PLUMBING |= {"bulk_work"}  # whole-town batches run without the cyclic garbage collector
LONGEST_MODULE = 400
LONGEST_USE_CASE = 50
TABLE_DECLARATIONS = ADAPTERS / "persistence" / "tables.py"


def _names(folder: Path) -> set[str]:
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    packages = {path.name for path in folder.iterdir() if (path / "__init__.py").exists()}
    return modules | packages


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: str(layer.relative_to(SRC)))
def test_every_capability_has_its_module_in_each_layer(layer: Path) -> None:
    assert [name for name in CAPABILITIES if name not in _names(layer)] == []


@pytest.mark.parametrize(
    ("folder", "plumbing"),
    [(ENTRYPOINTS / "web", WEB_PLUMBING), (ENTRYPOINTS / "cli", CLI_PLUMBING)],
    ids=["web", "cli"],
)
def test_the_entrypoints_modules_are_named_after_capabilities(
    folder: Path, plumbing: set[str]
) -> None:
    assert sorted(_names(folder) - plumbing - set(CAPABILITIES) - {"templates", "static"}) == []


def test_no_module_is_longer_than_400_lines_but_the_table_declarations() -> None:
    long = [
        f"{path.relative_to(SRC)}: {lines}"
        for path in SRC.rglob("*.py")
        if path != TABLE_DECLARATIONS
        and "migrations" not in path.parts
        and (lines := len(path.read_text("utf-8").splitlines())) > LONGEST_MODULE
    ]
    assert long == []


def test_no_use_case_is_longer_than_50_lines() -> None:
    long = []
    for path in (CORE / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST_USE_CASE:
                    long.append(f"{path.relative_to(SRC)}: {node.name} ({length} lines)")
    assert long == []


@pytest.mark.parametrize("part", ["web", "cli"])
def test_views_and_commands_call_the_facade_not_the_ports(part: str) -> None:
    wiring = (".uow(", ".ports.", ".clock.", ".calendars.", ".hasher", ".mailer")
    found = [
        f"{path.relative_to(SRC)}: {needle}"
        for path in (ENTRYPOINTS / part).rglob("*.py")
        for needle in wiring
        if needle in path.read_text("utf-8")
    ]
    assert found == []
