"""click's own messages in French: errors, usage, help headings, prompts.

click marks its texts for gettext the standard way (``from gettext import gettext as _`` at
module level), so they follow the process's global text domain. ``speak_french()`` binds the
``portail`` domain to ``locale/`` beside this file, whose ``fr/LC_MESSAGES/portail.po`` translates
click's messages; ``make messages`` compiles it to the ``portail.mo`` committed next to it, so run
time needs only the standard library. gettext picks the language from LANGUAGE, then LC_ALL,
LC_MESSAGES and LANG (our machines have LANG=C.UTF-8, which means English): unless LANGUAGE
already names one, ``speaking_french()`` sets LANGUAGE=fr inside its block, and
``LANGUAGE=en portail ...`` gives click's English back. After the block, the process's
environment and gettext's global domain are as they were: importing the command line or running
a command in a test changes nothing for the rest of the process.

The commands are declared inside the block, as click translates some texts then (the names of
``click.Path`` parameters, the help of ``--version``); ``PortailGroup`` runs each command in it.

click writes some quotes in its code rather than in its messages: the parameter an error names
(``'--month'``) and the names of "Did you mean". ``french_quotes()`` puts them between « ». A
choice list (``'cheque', 'especes'``) keeps click's apostrophes: it is written into the message
before the error is raised. Not translatable at all: a confirmation's ``[y/N]`` (click accepts
only y, yes, n and no; any other answer gets "Répondez y (oui) ou n (non)."), ``[OPTIONS]`` and
``COMMAND [ARGS]...`` in usage lines.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

__all__ = ["DOMAIN", "LOCALE_DIR", "french_quotes", "speaking_french"]

DOMAIN = "portail"
LOCALE_DIR = Path(__file__).with_name("locale")
QUOTED = re.compile(r"'([^']*)'")


@contextmanager
def speaking_french() -> Iterator[None]:
    """click speaks French inside the block, unless the user's LANGUAGE asks for another
    language; LANGUAGE and gettext's global domain are given back afterwards."""
    language, domain = os.environ.get("LANGUAGE"), gettext.textdomain()
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    if not language:
        os.environ["LANGUAGE"] = "fr"
    gettext.textdomain(DOMAIN)
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        elif not language:
            os.environ["LANGUAGE"] = language


@contextmanager
def french_quotes() -> Iterator[None]:
    """Name in « » the parameter of a usage error and the commands or options it suggests.

    Only while click speaks French: with LANGUAGE=en, its errors are left as they are.
    """
    try:
        yield
    except click.UsageError as error:
        if gettext.find(DOMAIN, str(LOCALE_DIR)) is None:
            raise
        quoted = _requoted(error)
        if quoted is error:
            raise
        raise quoted from error


def _requoted(error: click.UsageError) -> click.UsageError:
    if isinstance(error, click.BadParameter):
        if error.param_hint is None and error.param is not None:
            error.param_hint = QUOTED.sub(r"« \1 »", error.param.get_error_hint(error.ctx))
        return error
    if isinstance(error, click.NoSuchOption) and error.possibilities:
        message = _suggesting(error.message, error.possibilities)
        return click.NoSuchOption(error.option_name, message, ctx=error.ctx)
    if isinstance(error, click.NoSuchCommand) and error.possibilities:
        message = _suggesting(error.message, error.possibilities)
        return click.NoSuchCommand(error.command_name, message, ctx=error.ctx)
    return error


def _suggesting(message: str, names: list[str]) -> str:
    """The message and click's "Did you mean" (translated by the catalog), names between « »."""
    quoted = ", ".join(f"« {name} »" for name in sorted(names))
    suggestion = gettext.ngettext(
        "Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", len(names)
    ).format(possibility=quoted, possibilities=quoted)
    return f"{message} {suggestion}"
