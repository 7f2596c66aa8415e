""" "Vos réservations et annulations": the seed's seven steps.

(1) Réservations -> (2) the child and (3) the establishment, on one screen -> (4) "Continuer" ->
(5) the grid and "Valider le planning" -> (6) the summary and "Confirmer la réservation" -> (7)
the confirmation and "Terminer". Every rule is checked by the use cases; the views only read the
form.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.months import shown_month
from entrypoints.web.sessions import login_required
from portail_core.domain.bookings.pattern import PatternRequest, PeriodEnd
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.dossiers.child import Child
from portail_core.errors import InvalidInput
from portail_core.services.bookings.choice import BookingChoices
from portail_core.services.bookings.history import DraftPage
from portail_core.services.bookings.pattern import PatternForm

__all__ = ["blueprint"]

blueprint = Blueprint("bookings", __name__, url_prefix="/reservations")
MAX_BOXES = 1000
MAX_PATTERN_BOXES = 7 * 20  # every unit of every weekday: more is not the « Semaine type » form's
_NUMBER = re.compile(r"[0-9]{1,18}")


def _children() -> list[Child]:
    return portail().dossiers.family(family_id()).children


def _child(child_id: int) -> Child:
    child = next((c for c in _children() if c.id == child_id), None)
    if child is None:
        abort(404)
    return child


@blueprint.route("", methods=["GET", "POST"])
@login_required
def home() -> str | BaseResponse | tuple[str, int]:
    """Steps 2 to 4 on one screen: the child, the establishment, "Continuer" (which leads to the
    planning); also the waiting lists and the places offered."""
    if request.method == "GET":
        page = portail().bookings.page(family_id())
        return _home(page, request.args.get("enfant", ""), request.args.get("structure", ""))
    child, code = request.form.get("enfant", ""), request.form.get("structure", "")[:40]
    errors, status = _choice_errors(portail().bookings.choices(family_id()), child, code)
    if errors:
        return _home(portail().bookings.page(family_id()), child, code, errors), status
    return redirect(url_for(".grid", child_id=int(child), code=code))


def _choice_errors(choices: BookingChoices, child_id: str, code: str) -> tuple[dict[str, str], int]:
    """The form's problems, in French, and the status to answer them with; another family's
    child answers 404."""
    errors = {}
    number = int(child_id) if _NUMBER.fullmatch(child_id) else None
    child = None if number is None else choices.child(number)
    if number is not None and child is None:
        abort(404)
    if child is None:
        errors["enfant"] = "Sélectionnez l’enfant concerné."
    establishment = choices.establishment(code)
    if establishment is None:
        errors["structure"] = "Sélectionnez l’établissement."
    if errors or child is None or establishment is None:
        return errors, 400
    refusal = choices.refusal(child, establishment)
    if refusal is None:
        return {}, 200
    return {"structure": f"{refusal} Choisissez un autre établissement ou un autre enfant."}, 409


def _home(page: BookingChoices, child: str, code: str, errors: dict[str, str] | None = None) -> str:
    return render_template(
        "bookings/home.html",
        choices=page,
        chosen_child=child,
        chosen_code=code,
        entries=page.waiting,
        errors=errors or {},
    )


@blueprint.get("/<int:child_id>")
@login_required
def choose_establishment(child_id: int) -> BaseResponse:
    """A link kept from before the one-screen choice: the choice, with this child selected."""
    _child(child_id)
    return redirect(url_for(".home", enfant=child_id))


@blueprint.get("/<int:child_id>/<code>")
@login_required
def grid(child_id: int, code: str) -> str:
    """Step 5: the planning of one month; the cells are checkboxes (refused with its reason for
    an establishment the child may not be booked in)."""
    month = shown_month(request.args.get("mois"), portail().today())
    page = portail().bookings.grid(
        family_id=family_id(),
        child_id=child_id,
        establishment_code=code,
        first=month.first,
        last=month.last,
    )
    planning = page.planning
    return render_template(
        "bookings/grid.html",
        child=page.child,
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
    cancellable and no longer ticked are cancellations; "liste d'attente" boxes join it.
    (Another family's child: 404, from the use case; the child is read here only to name it on
    a page of refusal.)"""
    ticked, shown = _slots("creneau"), _slots("reserve")
    selection = Selection(
        book=ticked - shown, cancel=shown - ticked, wait=_slots("attente") - ticked
    )
    month = request.form.get("mois", "")
    if selection.empty:
        child = _child(child_id)
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
            child=_child(child_id),
            summary=validation.summary,
            token=None,
            code=code,
            month=month,
        ), 422
    return redirect(url_for(".summary", token=validation.draft_token, mois=month))


@blueprint.route("/<int:child_id>/<code>/semaine-type", methods=["GET", "POST"])
@login_required
def pattern(child_id: int, code: str) -> str | BaseResponse | tuple[str, int]:
    """« Semaine type »: the same units on the same weekdays for a period, then step 6; the
    form again with its errors in French, what was ticked kept."""
    bookings = portail().bookings
    form = bookings.pattern_form(family_id=family_id(), child_id=child_id, establishment_code=code)
    if request.method == "GET":
        return _pattern_page(form, {}, [], {})
    boxes = [box[:60] for box in request.form.getlist("unite")[:MAX_PATTERN_BOXES]]
    values = {name: request.form.get(name, "").strip()[:20] for name in ("periode", "debut", "fin")}
    try:
        asked = PatternRequest.from_form(boxes, values["periode"], values["debut"], values["fin"])
        validation = bookings.validate_pattern(
            family_id=family_id(),
            child_id=child_id,
            establishment_code=form.establishment.code,
            asked=asked,
        )
    except InvalidInput as error:
        errors = error.problems or {"periode": error.message}
        return _pattern_page(form, errors, boxes, values), 400
    if validation.draft_token is None:
        return render_template(
            "bookings/summary.html",
            child=form.child,
            summary=validation.summary,
            token=None,
            code=form.establishment.code,
            month="",
        ), 422
    return redirect(url_for(".summary", token=validation.draft_token))


def _pattern_page(
    form: PatternForm, errors: dict[str, str], boxes: list[str], values: dict[str, str]
) -> str:
    return render_template(
        "bookings/pattern.html",
        form=form,
        ticked=set(boxes),
        values=values,
        errors=errors,
        ends=list(PeriodEnd),
    )


@blueprint.get("/recapitulatif/<token>")
@login_required
def summary(token: str) -> str:
    """Step 6: what confirmation will do, the refusals with their reasons, the cost."""
    page = portail().bookings.draft_page(family_id=family_id(), token=token)
    draft = page.draft
    if draft.confirmation is not None:
        return _confirmation_page(page)
    return render_template(
        "bookings/summary.html",
        child=page.child,
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
    return _confirmation_page(portail().bookings.draft_page(family_id=family_id(), token=token))


def _confirmation_page(page: DraftPage) -> str:
    draft = page.draft
    if draft.confirmation is None or draft.outcome is None:
        abort(404)
    return render_template(
        "bookings/confirmation.html",
        child=page.child,
        number=draft.confirmation,
        summary=draft.outcome,
        code=draft.establishment_code,
    )


@blueprint.get("/<int:child_id>/historique")
@login_required
def history(child_id: int) -> str:
    """The child's history: names of the establishments and units, who acted."""
    child = _child(child_id)
    lines = portail().bookings.family_history(family_id=family_id(), child_id=child_id)
    return render_template("bookings/history.html", child=child, lines=lines)


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
