""" "Vos réservations et annulations": the seed's seven steps.

(1) Réservations -> (2) the child -> (3) the establishment -> (4) "Continuer" -> (5) the grid and
"Valider le planning" -> (6) the summary and "Confirmer la réservation" -> (7) the confirmation
and "Terminer". Every rule is checked by the use cases; the views only read the form.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.months import shown_month
from entrypoints.web.sessions import login_required
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.dossiers.child import Child
from portail_core.errors import InvalidInput

__all__ = ["blueprint"]

blueprint = Blueprint("bookings", __name__, url_prefix="/reservations")
MAX_BOXES = 1000


def _children() -> list[Child]:
    return portail().dossiers.export(family_id()).family.children


def _child(child_id: int) -> Child:
    child = next((c for c in _children() if c.id == child_id), None)
    if child is None:
        abort(404)
    return child


@blueprint.get("")
@login_required
def home() -> str:
    """Step 2: choose the child; also the waiting lists and the places offered."""
    children = _children()
    names = {c.id: c.first_name for c in children}
    entries = portail().bookings.waiting_entries(family_id=family_id())
    return render_template("bookings/home.html", children=children, entries=entries, names=names)


@blueprint.route("/<int:child_id>", methods=["GET", "POST"])
@login_required
def choose_establishment(child_id: int) -> BaseResponse | tuple[str, int]:
    """Steps 3 and 4: the establishment, then "Continuer"."""
    child = _child(child_id)
    establishments = portail().bookings.establishments(family_id(), child_id)
    error = None
    if request.method == "POST":
        code = request.form.get("structure", "")
        if any(e.code == code for e in establishments):
            return redirect(url_for(".grid", child_id=child_id, code=code))
        error = "Choisissez une structure."
    return render_template(
        "bookings/establishment.html", child=child, establishments=establishments, error=error
    ), (400 if error else 200)


@blueprint.get("/<int:child_id>/<code>")
@login_required
def grid(child_id: int, code: str) -> str:
    """Step 5: the planning of one month; the cells are checkboxes."""
    child = _child(child_id)
    month = shown_month(request.args.get("mois"), portail().today())
    planning = portail().bookings.planning(
        family_id=family_id(),
        child_id=child_id,
        establishment_code=code,
        first=month.first,
        last=month.last,
    )
    return render_template(
        "bookings/grid.html",
        child=child,
        planning=planning,
        days=planning.open_days(),
        previous=month.previous,
        next=month.next,
        month=month.value,
    )


def _slots(name: str) -> frozenset[Slot]:
    """Checkbox values "AAAA-MM-JJ|UNITE"; anything else is refused as a whole."""
    values = request.form.getlist(name)
    if len(values) > MAX_BOXES:
        raise InvalidInput("Trop de cases envoyées.")
    unreadable = InvalidInput("Le planning envoyé n'est pas lisible : rechargez la page.")
    slots = set()
    for value in values:
        day, _, unit = value.partition("|")
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            raise unreadable from None
        if not unit or len(unit) > 40:
            raise unreadable
        slots.add(Slot(parsed, unit))
    return frozenset(slots)


@blueprint.post("/<int:child_id>/<code>")
@login_required
def validate(child_id: int, code: str) -> str | BaseResponse | tuple[str, int]:
    """ "Valider le planning": ticked cells not booked are additions; booked cells shown as
    cancellable and no longer ticked are cancellations; "liste d'attente" boxes join it."""
    child = _child(child_id)
    ticked, shown = _slots("creneau"), _slots("reserve")
    selection = Selection(
        book=ticked - shown, cancel=shown - ticked, wait=_slots("attente") - ticked
    )
    month = request.form.get("mois", "")
    if selection.empty:
        return render_template("bookings/nothing.html", child=child, code=code, month=month), 400
    validation = portail().bookings.validate(
        family_id=family_id(),
        child_id=child_id,
        establishment_code=code,
        selection=selection,
    )
    if validation.draft_token is None:
        return render_template(
            "bookings/summary.html",
            child=child,
            summary=validation.summary,
            token=None,
            code=code,
            month=month,
        ), 422
    return redirect(url_for(".summary", token=validation.draft_token, mois=month))


@blueprint.get("/recapitulatif/<token>")
@login_required
def summary(token: str) -> str:
    """Step 6: what confirmation will do, the refusals with their reasons, the cost."""
    draft = portail().bookings.draft(family_id=family_id(), token=token)
    if draft.confirmation is not None:
        return _confirmation_page(token)
    return render_template(
        "bookings/summary.html",
        child=_child(draft.child_id),
        summary=draft.summary,
        token=token,
        code=draft.establishment_code,
        month=request.args.get("mois", ""),
    )


@blueprint.post("/recapitulatif/<token>")
@login_required
def confirm(token: str) -> BaseResponse:
    """ "Confirmer la réservation" (twice books once)."""
    portail().bookings.confirm(family_id=family_id(), token=token, actor=family_actor())
    return redirect(url_for(".confirmation", token=token))


@blueprint.get("/confirmation/<token>")
@login_required
def confirmation(token: str) -> str:
    """Step 7: the confirmation number, and "Terminer"."""
    return _confirmation_page(token)


def _confirmation_page(token: str) -> str:
    draft = portail().bookings.draft(family_id=family_id(), token=token)
    if draft.confirmation is None or draft.outcome is None:
        abort(404)
    return render_template(
        "bookings/confirmation.html",
        child=_child(draft.child_id),
        number=draft.confirmation,
        summary=draft.outcome,
        code=draft.establishment_code,
    )


@blueprint.get("/<int:child_id>/historique")
@login_required
def history(child_id: int) -> str:
    child = _child(child_id)
    events = portail().bookings.history(family_id=family_id(), child_id=child_id)
    return render_template("bookings/history.html", child=child, events=events)


@blueprint.post("/attente/<int:entry_id>/accepter")
@login_required
def accept(entry_id: int) -> BaseResponse:
    portail().bookings.accept_offer(family_id=family_id(), entry_id=entry_id, actor=family_actor())
    return redirect(url_for(".home", place="acceptee"))


@blueprint.post("/attente/<int:entry_id>/quitter")
@login_required
def leave(entry_id: int) -> BaseResponse:
    portail().bookings.leave_waiting_list(
        family_id=family_id(), entry_id=entry_id, actor=family_actor()
    )
    return redirect(url_for(".home", attente="quittee"))
