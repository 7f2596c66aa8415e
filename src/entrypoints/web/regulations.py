"""« Règlements intérieurs » (under « Informations utiles »): each establishment's règlement as
the town publishes it (a PDF with its title, version and the day it takes effect), readable by
anyone; a logged-in family sees which ones concern its children and accepts online the version
it is asked for (recorded once per version, audited). A commune that publishes none shows
nothing: the hub's entry and the notices appear only when there is something to read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.errors import NotFound, RuleViolation
from portail_core.services.regulations.reading import EstablishmentRegulation

__all__ = ["blueprint"]

blueprint = Blueprint("regulations", __name__, url_prefix="/informations/reglements")


@blueprint.app_context_processor
def _regulation_helpers() -> dict[str, Any]:
    """For the hub and the family's pages: whether anything is published, and what the
    logged-in family is asked to accept (each asked only when a template calls it)."""

    def regulations_published() -> bool:
        return portail().regulations.any_published()

    def regulations_due() -> list[EstablishmentRegulation]:
        if g.get("portal_session") is None:
            return []
        return portail().regulations.due(family_id())

    return {"regulations_published": regulations_published, "regulations_due": regulations_due}


def _page(refusal: str | None = None, status: int = 200) -> tuple[str, int]:
    logged_in = g.get("portal_session") is not None
    regulations = portail().regulations.for_family(family_id() if logged_in else None)
    return render_template(
        "regulations/home.html",
        regulations=regulations,
        logged_in=logged_in,
        refusal=refusal,
        accepted=request.args.get("accepte", "")[:40],
    ), status


@blueprint.get("")
def home() -> tuple[str, int]:
    """The published règlements; for a family, what it must accept and until when."""
    return _page()


@blueprint.get("/<code>/<version>.pdf")
def document(code: str, version: str) -> Response:
    """The PDF of a published version (a règlement is public)."""
    regulation, data = portail().regulations.document(code[:40], version[:40])
    name = f"reglement-{regulation.establishment_code}-{regulation.version}.pdf"
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{safe}"'},
    )


@blueprint.post("/<code>/acceptation")
@login_required
def accept(code: str) -> BaseResponse | tuple[str, int]:
    """Accept the version read (the form says which); POST-redirect-GET. A version that is no
    longer the one asked for is refused with the reason, nothing recorded."""
    try:
        done = portail().regulations.accept(
            family_id=family_id(),
            establishment_code=code[:40],
            version=(request.form.get("version") or "")[:40],
            actor=family_actor(),
        )
    except RuleViolation as error:
        return _page(error.message, 409)
    except NotFound as error:
        return _page(error.message, 404)
    del done  # the page shows the establishment's acceptance
    return redirect(url_for("regulations.home", accepte=code[:40]))
