"""The commune's look (domain/look.py) served to the browsers: a small stylesheet that sets its
colour, and its logo.

The content security policy forbids inline styles, so the colour comes in a stylesheet of its
own, linked after portail.css and setting the custom property portail.css colours with. Both
URLs carry a digest of what they serve: browsers keep them for a year (``immutable``) and a new
colour or logo is a new URL. A digest that is not the commune's current one is a 404, so that a
commune's host never serves another's look.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort

from entrypoints.web.app_services import portail

__all__ = ["blueprint"]

blueprint = Blueprint("communes", __name__)

A_YEAR = 365 * 24 * 3600
_CACHE = f"public, max-age={A_YEAR}, immutable"  # public: kept even for a logged-in family


@blueprint.get("/apparence-<digest>.css")
def stylesheet(digest: str) -> Response:
    commune = portail().communes.current()
    look = commune.look if commune is not None else None
    if look is None or look.colour is None or digest != look.stylesheet_digest:
        abort(404)
    css = f":root {{ --brand: {look.colour}; }}\n"  # checked: "#rrggbb", contrast AA
    return _cached(Response(css, mimetype="text/css"))


@blueprint.get("/logo-<digest>")
def logo(digest: str) -> Response:
    commune = portail().communes.current()
    wanted = commune.look.logo if commune is not None else None
    if wanted is None or digest != wanted.digest:
        abort(404)
    image = portail().communes.logo()
    if image is None or image.logo != wanted:  # changed since the commune was read: a new URL
        abort(404)
    response = _cached(Response(image.content, mimetype=image.format.media_type))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = _CACHE
    return response
