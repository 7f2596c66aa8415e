"""Error pages in French; domain errors shown through ``entrypoints.errors.present``."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from entrypoints.errors import present
from portail_core.errors import PortailError

__all__ = ["register"]

log = logging.getLogger(__name__)

_HTTP_TITLES = {
    400: ("Requête invalide", "La demande envoyée au portail n'est pas valide."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est plus disponible."),
    405: ("Méthode non permise", "Cette adresse ne s'utilise pas de cette façon."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille permise (5 Mo)."),
}


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(PortailError, _domain_error)
    app.register_error_handler(Exception, _unexpected_error)


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", title=title, message=message), status


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
