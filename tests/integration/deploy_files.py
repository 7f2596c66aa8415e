"""Reading the deployment files as their tools do, for the tests: compose.yaml with Compose's
variable interpolation, the commands a service or a unit runs, and each `portail` command
resolved against the real click group and its options parsed (nothing is run)."""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
import yaml

from entrypoints.cli import main

__all__ = [
    "ROOT",
    "compose",
    "interpolate",
    "parse_portail",
    "path_with_virtualenv",
    "portail_invocations",
    "service_argv",
    "settings_variables",
]

ROOT = Path(__file__).resolve().parents[2]
_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}|\$")
_SHELL_SEPARATORS = {"&&", "||", ";", "|", "{", "}", "[", "]", "(", ")"}


def interpolate(value: Any, environment: Mapping[str, str]) -> Any:
    """Compose's interpolation of ``$$``, ``${NAME}`` and ``${NAME:-default}`` in every string;
    any other use of ``$`` fails the test (this file uses no other form)."""
    if isinstance(value, dict):
        return {key: interpolate(item, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match[0] == "$$":
            return "$"
        if match["name"] is None:
            raise AssertionError(f"a $ Compose would read differently: {value!r}")
        found = environment.get(match["name"])
        if found:
            return found
        assert match["default"] is not None, f"{match['name']} has no default in compose.yaml"
        return match["default"]

    return _VARIABLE.sub(replace, value)


def compose(environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """compose.yaml as Compose reads it: YAML (merge keys included), then interpolated with
    ``environment`` (by default, none of the variables it mentions is set)."""
    document = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    return dict(interpolate(document, environment or {}))


def service_argv(service: Mapping[str, Any], image_entrypoint: list[str]) -> list[str]:
    """What a service's container runs: its entrypoint (or the image's) and its command."""
    entrypoint = service.get("entrypoint", image_entrypoint)
    command = service.get("command", [])
    if isinstance(entrypoint, str):
        entrypoint = shlex.split(entrypoint)
    if isinstance(command, str):
        command = shlex.split(command)
    return [*entrypoint, *command]


def portail_invocations(argv: list[str]) -> Iterator[list[str]]:
    """The `portail` commands an argv runs: itself, or those of the shell script it gives to
    ``sh -c``, each as its arguments after ``portail``."""
    if argv[:2] in (["/bin/sh", "-c"], ["sh", "-c"]):
        lexer = shlex.shlex(argv[2], posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
        current: list[str] | None = None
        for word in [*words, ";"]:
            if word in _SHELL_SEPARATORS:
                if current is not None:
                    yield current
                current = None
            elif current is not None:
                current.append(word)
            elif Path(word).name == "portail":
                current = []
        return
    assert Path(argv[0]).name == "portail", f"not a portail command: {argv}"
    yield argv[1:]


def parse_portail(args: list[str]) -> tuple[str, dict[str, Any]]:
    """Resolve ``portail ARGS`` to its command through the real groups, and parse its options
    and arguments as click does before running it (without running it): an unknown command or
    option, or a bad value, raises click's UsageError. The command's name and its parameters."""
    command: click.Command = main
    names: list[str] = []
    remaining = list(args)
    while isinstance(command, click.Group):
        assert remaining, f"portail {' '.join(names)} needs a command"
        found = command.get_command(click.Context(command), remaining[0])
        assert found is not None, f"no command portail {' '.join([*names, remaining[0]])}"
        names.append(remaining.pop(0))
        command = found
    context = command.make_context(" ".join(names), remaining)
    return " ".join(names), dict(context.params)


def settings_variables() -> set[str]:
    """Every PORTAIL_* variable the code reads (settings, logs, the commands' own)."""
    found: set[str] = set()
    for path in (ROOT / "src" / "entrypoints").rglob("*.py"):
        found |= set(re.findall(r"[\"'](PORTAIL_[A-Z_]+)[\"']", path.read_text("utf-8")))
    return found


def path_with_virtualenv() -> str:
    """PATH with this virtualenv's scripts first (where `portail` and `gunicorn` are)."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
