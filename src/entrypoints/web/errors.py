"""Error pages in French; domain errors shown through ``entrypoints.errors.present``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import UnicodeConverter, ValidationError
from werkzeug.wrappers import Response

from entrypoints.errors import present
from portail_core.domain.shared.text import (
    LINES,
    control_character,
    describe_character,
    refused_character,
)
from portail_core.errors import PortailError

__all__ = ["answers_anything", "register"]

log = logging.getLogger(__name__)

_HTTP_TITLES = {
    400: ("Requête invalide", "La demande envoyée au portail n'est pas valide."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est plus disponible."),
    405: ("Méthode non permise", "Cette adresse ne s'utilise pas de cette façon."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille permise (5 Mo)."),
}


class TextConverter(UnicodeConverter):
    """The converter of the text parts of a URL (``<token>``, ``<number>``...): a part that
    the text rule refuses (NUL, a control, an invisible format character) matches no page, so
    it answers the French 404 instead of reaching the database."""

    def to_python(self, value: str) -> str:
        if refused_character(value) is not None:
            raise ValidationError
        return value


_ANSWERING_ANYTHING: set[str] = set()


def answers_anything(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let a view read a query or form holding control characters itself (PayFiP's
    notification, which answers 200 whatever comes): the 400 page is not for its caller."""
    _ANSWERING_ANYTHING.add(f"{view.__module__}.{view.__name__}")
    return view


def register(app: Flask) -> None:
    """Error pages, and the text rule at the web's entries (call before adding routes)."""
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    app.before_request(_refuse_control_characters)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(PortailError, _domain_error)
    app.register_error_handler(Exception, _unexpected_error)


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", title=title, message=message), status


def _refuse_control_characters() -> tuple[str, int] | None:
    """No keyboard types a control character (NUL, escape...): a query or form holding one is
    refused whole, before any view. The rest of the text rule (invisible format characters)
    is applied field by field by the core, which names the field."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and f"{view.__module__}.{view.__name__}" in _ANSWERING_ANYTHING:
        return None
    for fields in (request.args, request.form):
        for name, value in fields.items(multi=True):
            char = control_character(name) or control_character(value, allow=LINES)
            if char is not None:
                return _page(
                    400,
                    "Requête invalide",
                    f"La demande contient le caractère {describe_character(char)}, qu'aucun "
                    "clavier ne tape : rien n'a été enregistré. Retapez votre saisie.",
                )
    return None


def _csrf_error(_: CSRFError) -> tuple[str, int]:
    return _page(
        400,
        "Formulaire expiré",
        "Le formulaire a expiré ou n'a pas été envoyé depuis le portail. "
        "Rechargez la page et recommencez : rien n'a été enregistré.",
    )


def _http_error(error: HTTPException) -> Response:
    """The French page, keeping the exception's own headers (e.g. ``Allow`` on a 405)."""
    status = error.code or 500
    title, message = _HTTP_TITLES.get(status, ("Erreur", "La demande n'a pas pu aboutir."))
    response = error.get_response()
    response.set_data(_page(status, title, message)[0])
    response.content_type = "text/html; charset=utf-8"
    return response


def _domain_error(error: PortailError) -> tuple[str, int]:
    shown = present(error)
    if shown.http_status >= 500:
        log.error("portal unavailable: %s", error.message)
    return _page(shown.http_status, shown.title, error.message)


def _unexpected_error(error: Exception) -> tuple[str, int]:
    log.exception("unexpected error", exc_info=error)
    return _page(
        500,
        "Erreur du portail",
        "Une erreur inattendue est survenue ; rien n'a été enregistré. "
        "Réessayez dans quelques instants ou contactez le guichet unique.",
    )
