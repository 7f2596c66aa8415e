"""A group whose commands are imported when they run, not when ``portail`` starts.

Each command is named by its import path (``"entrypoints.cli.absences:group"``) with the first
paragraph of its help, which ``portail --help`` lists without importing anything: a command's
module (and the libraries it needs: the database, PDF, SOAP...) is imported only when it is
invoked, completed or its own help is asked for. click's documented « LazyGroup » pattern.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from gettext import gettext as _
from typing import Any

import click

from entrypoints.cli.feedback import PortailGroup
from entrypoints.cli.french import speaking_french
from entrypoints.cli.options import french_ranges

__all__ = ["LazyCommand", "LazyGroup", "subcommands"]


class LazyCommand:
    """Where a command is (``"module:attribute"``) and the first paragraph of its help."""

    __slots__ = ("path", "summary")

    def __init__(self, path: str, summary: str) -> None:
        self.path, self.summary = path, summary

    def load(self) -> click.Command:
        module_name, _, attribute = self.path.partition(":")
        with speaking_french():  # click translates some texts as the commands are declared
            command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.path} is not a click command")
        french_ranges(command)  # « au moins 1 » rather than click's « x>=1 », in every help
        return command


class LazyGroup(PortailGroup):
    """``PortailGroup`` with commands imported on first use."""

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """click suggests the names close to a mistyped one among the commands imported; here,
        among them all (« Vouliez-vous dire « absences » ? »)."""
        try:
            return super().resolve_command(ctx, args)
        except click.NoSuchCommand as error:
            raise click.NoSuchCommand(
                error.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from their summaries, importing none of them."""
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                command: click.Command | None = self.commands[name]
            else:
                command = click.Command(name, help=self.lazy[name].summary)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
            with formatter.section(_("Commands")):  # translated by click's catalog, as click does
                formatter.write_dl(rows)


def subcommands(group: click.Group) -> dict[str, click.Command]:
    """Every subcommand of ``group`` by name, imported (lazy ones included): tools and tests
    that walk the whole command tree."""
    ctx = click.Context(group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}
