"""« Pré-inscription à la SMA »: a family asks for a place at the multi-accueil (a child of its
dossier or an expected child), follows its requests (state, rank on the waiting list), answers
an offer before its deadline and confirms its request when asked. A commune without an SMA has
none of these pages (404): nothing is promised that is not there."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.shared.weekdays import Weekday
from portail_core.domain.sma import OfferExpired
from portail_core.errors import Conflict, InvalidInput

__all__ = ["blueprint"]

blueprint = Blueprint("sma", __name__, url_prefix="/sma")
WEEKDAYS = [day for day in Weekday if not day.is_weekend]
EXPECTED = "a-naitre"
FIELDS = ("child", "last_name", "expected_birth_date", "start_date")
# A refused answer is shown after the redirect by a code in the URL, never by its text.
REFUSALS = {
    "delai": "Le délai de réponse à cette offre est passé : l'offre a expiré. Pour toute "
    "question, contactez le guichet unique.",
    "etat": "Cette demande a changé entre-temps et ne peut plus recevoir cette réponse : son "
    "état actuel est affiché ci-dessous. Pour toute question, contactez le guichet unique.",
}


def _establishments() -> list[Establishment]:
    found = portail().sma.establishments()
    if not found:
        abort(404)
    return found


@blueprint.get("")
@login_required
def home() -> str:
    """The family's requests: state, rank on each structure's waiting list, offers to answer."""
    _establishments()
    core = portail()
    return render_template(
        "sma/home.html",
        lines=core.sma.of_family(family_id()),
        today=core.today(),
        settings=core.sma.settings(),
        refusal=REFUSALS.get(request.args.get("refus", "")),
    )


def _form(
    values: dict[str, str], errors: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    core = portail()
    children = [c for c in core.dossiers.family(family_id()).children if not c.expected]
    return render_template(
        "sma/request.html",
        children=children,
        establishments=_establishments(),
        weekdays=WEEKDAYS,
        expected=EXPECTED,
        values=values,
        errors=errors or {},
    ), status


@blueprint.get("/demande")
@login_required
def new() -> tuple[str, int]:
    return _form({})


@blueprint.post("/demande")
@login_required
def file() -> BaseResponse | tuple[str, int]:
    """File the request; POST-redirect-GET. Every problem is listed, nothing is stored."""
    form = request.form
    values = {key: (form.get(key) or "")[:200] for key in form}
    child = values.get("child", "")
    hours = {
        day.name.lower(): (
            values.get(f"start_{day.name.lower()}", ""),
            values.get(f"end_{day.name.lower()}", ""),
        )
        for day in WEEKDAYS
        if values.get(f"day_{day.name.lower()}")
    }
    wishes = [values.get(f"wish_{n}", "") for n in range(1, len(_establishments()) + 1)]
    known = {str(c.id) for c in portail().dossiers.family(family_id()).children}
    child_id = None if child == EXPECTED else int(child) if child in known else 0  # 0: none
    try:
        portail().sma.request(
            family_id=family_id(),
            child_id=child_id,
            last_name=values.get("last_name", ""),
            expected_birth_date=values.get("expected_birth_date", ""),
            start_date=values.get("start_date", ""),
            hours=hours,
            wishes=wishes,
            actor=family_actor(),
        )
    except InvalidInput as error:
        return _form(values, error.problems or {"child": error.message}, 400)
    except Conflict as error:
        return _form(values, {"child": error.message}, 409)
    return redirect(url_for("sma.home", deposee="1"), code=303)


@blueprint.post("/<int:request_id>/reponse")
@login_required
def answer(request_id: int) -> BaseResponse:
    """Accept or decline the offer; another family's request answers 404."""
    choice = request.form.get("reponse")
    if choice not in {"accepter", "refuser"}:
        abort(400)
    try:
        portail().sma.answer(
            family_id=family_id(),
            request_id=request_id,
            accepted=choice == "accepter",
            actor=family_actor(),
        )
    except OfferExpired:
        return redirect(url_for("sma.home", refus="delai"), code=303)
    except Conflict:
        return redirect(url_for("sma.home", refus="etat"), code=303)
    return redirect(url_for("sma.home", reponse=choice), code=303)


@blueprint.post("/<int:request_id>/confirmation")
@login_required
def confirm(request_id: int) -> BaseResponse:
    try:
        portail().sma.confirm(family_id=family_id(), request_id=request_id, actor=family_actor())
    except Conflict:
        return redirect(url_for("sma.home", refus="etat"), code=303)
    return redirect(url_for("sma.home", confirmee="1"), code=303)
