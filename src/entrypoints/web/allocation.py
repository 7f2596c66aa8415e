"""« Demandes de places » (fair allocation): during a campaign's request window, a family asks for
days for each child, in order of preference if it wishes; nothing is decided while the window is
open, so asking early gives no advantage. After the draw is published, the family sees each
request's result with its explanation (« priorité 2, rang 37 au tirage »), and the seed that
anyone can check against the fingerprint published before the close.

Every rule is checked by the use cases (``portail.allocation``); the views only read the form,
and a form refused is shown again with what the family ticked and typed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import groupby

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.shared.french_dates import long_day_fr
from portail_core.errors import InvalidInput, RuleViolation
from portail_core.services.allocation.views import (
    CampaignState,
    FamilyCampaign,
    FormCell,
    RequestForm,
)

__all__ = ["WrongOrder", "blueprint", "in_preference_order"]

blueprint = Blueprint("allocation", __name__, url_prefix="/demandes-de-places")
MAX_BOXES = 1000
_ORDER = re.compile(r"[0-9]{1,3}")
_UNREADABLE = "Le formulaire envoyé n’est pas lisible : rechargez la page et recommencez."
# A change is confirmed after the redirect by a code in the URL, never by its text.
NOTICES = {
    "enregistree": "Vos demandes sont enregistrées. Vous pouvez les modifier jusqu’à la clôture.",
    "retiree": "Vos demandes sont retirées : plus aucun jour n’est demandé pour cet enfant.",
}


def _campaigns() -> list[FamilyCampaign]:
    """The family's campaigns, read once per request (the bookings page asks for them too)."""
    if "allocation_campaigns" not in g:
        g.allocation_campaigns = portail().allocation.campaigns_for(family_id())
    found: list[FamilyCampaign] = g.allocation_campaigns
    return found


@blueprint.app_context_processor
def _menu_entry() -> dict[str, Callable[[], list[FamilyCampaign]]]:
    """``allocation_campaigns()`` for the « Réservations » page's link (none: no link)."""
    return {"allocation_campaigns": _campaigns}


def _campaign(code: str) -> FamilyCampaign:
    found = next((c for c in _campaigns() if c.code == code), None)
    if found is None:
        abort(404)
    return found


@blueprint.get("")
@login_required
def home() -> str:
    """The campaigns the family may see: period, window, state, the draw's fingerprint."""
    return render_template("allocation/home.html", campaigns=_campaigns())


@blueprint.get("/<code>/<int:child_id>")
@login_required
def form(code: str, child_id: int) -> str:
    """The days the child may ask for, grouped by week, the current requests ticked."""
    found = portail().allocation.request_form(family_id(), code, child_id)
    notice = NOTICES.get(request.args.get("fait", ""))
    return _page(found, *_stored(found), notice=notice)[0]


def _stored(found: RequestForm) -> tuple[set[str], dict[str, str]]:
    """The boxes ticked and the orders shown for the requests stored: 1, 2, 3..."""
    ticked = {_value(slot) for slot in found.requests}
    orders = {_value(slot): str(rank) for rank, slot in enumerate(found.requests, start=1)}
    return ticked, orders


def _page(
    found: RequestForm,
    ticked: set[str],
    orders: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> tuple[str, int]:
    return render_template(
        "allocation/form.html",
        form=found,
        weeks=list(_weeks(found.cells)),
        ticked=ticked,
        orders=orders,
        errors=errors or {},
        notice=notice,
        value=_value,
        unit_labels=dict(found.units),
    ), status


def _value(slot: Slot) -> str:
    return f"{slot.day.isoformat()}|{slot.unit_code}"


def _weeks(cells: tuple[FormCell, ...]) -> Iterator[tuple[date, list[tuple[date, list[FormCell]]]]]:
    """The cells by week (its Monday), then by day; a day with nothing to ask is left out."""
    by_day = [(day, list(day_cells)) for day, day_cells in groupby(cells, key=lambda c: c.slot.day)]
    shown = [(day, day_cells) for day, day_cells in by_day if any(c.available for c in day_cells)]
    for monday, days in groupby(shown, key=lambda item: _monday(item[0])):
        yield monday, list(days)


def _monday(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())


class WrongOrder(InvalidInput):
    """An order of preference the form cannot read; ``value``: its day and unit."""

    def __init__(self, value: str, message: str) -> None:
        super().__init__(message)
        self.value = value


def in_preference_order(found: RequestForm, ticked: set[str], orders: dict[str, str]) -> list[Slot]:
    """The ticked slots, the preferred first: numbered ones by their number, then the others;
    a tie goes to the earlier day. Raises ``InvalidInput`` with a French problem."""
    labels = {
        _value(cell.slot): f"{long_day_fr(cell.slot.day)} ({cell.unit_label})"
        for cell in found.cells
        if cell.available
    }
    if not ticked <= labels.keys():
        raise InvalidInput(_UNREADABLE)
    keyed = []
    for value in ticked:
        typed = orders.get(value, "").strip()
        if typed and not _ORDER.fullmatch(typed):
            raise WrongOrder(
                value,
                f"L’ordre de préférence du {labels[value]} doit être un nombre entier "
                f"(1, 2, 3…), ou rester vide : « {typed[:20]} » ne convient pas.",
            )
        keyed.append((int(typed) if typed else 1000, value))
    for value, typed in orders.items():
        if typed.strip() and value not in ticked and value in labels:
            raise WrongOrder(
                value,
                f"Vous avez donné un ordre de préférence au {labels[value]} sans cocher ce jour : "
                "cochez-le, ou effacez son numéro.",
            )
    wanted = []
    for _, value in sorted(keyed):
        day, _, unit = value.partition("|")
        wanted.append(Slot(date.fromisoformat(day), unit))
    return wanted


def _read_form() -> tuple[set[str], dict[str, str]]:
    values = request.form.getlist("creneau")
    orders = {
        name.removeprefix("ordre-"): (typed or "")[:20]
        for name, typed in request.form.items()
        if name.startswith("ordre-")
    }
    if len(values) > MAX_BOXES or len(orders) > MAX_BOXES:
        raise InvalidInput("Trop de cases envoyées : rechargez la page et recommencez.")
    return {value[:60] for value in values}, orders


@blueprint.post("/<code>/<int:child_id>")
@login_required
def submit(code: str, child_id: int) -> BaseResponse | tuple[str, int]:
    """Replace the child's requests (nothing ticked: all withdrawn); POST-redirect-GET. A form
    refused is shown again with what was ticked and typed; nothing is stored."""
    found = portail().allocation.request_form(family_id(), code, child_id)
    ticked: set[str] = set()
    orders: dict[str, str] = {}
    try:
        ticked, orders = _read_form()
        wanted = in_preference_order(found, ticked, orders)
        portail().allocation.submit(family_id(), code, child_id, wanted, family_actor())
    except WrongOrder as error:
        field = "ordre-" + error.value.replace("|", "-")  # the field's id, as the page names it
        return _page(found, ticked, orders, {field: error.message}, 400)
    except InvalidInput as error:
        return _page(found, ticked, orders, {"jours": _described(error)}, 400)
    except RuleViolation as error:
        return _page(found, ticked, orders, {"jours": error.message}, 409)
    done = "enregistree" if wanted else "retiree"
    return redirect(url_for(".form", code=code, child_id=child_id, fait=done), code=303)


def _described(error: InvalidInput) -> str:
    """The message, followed by each day refused with its reason."""
    details = "".join(f" {day} : {reason}" for day, reason in (error.problems or {}).items())
    return error.message + details


@blueprint.post("/<code>/<int:child_id>/retrait")
@login_required
def withdraw(code: str, child_id: int) -> BaseResponse | tuple[str, int]:
    """« Retirer toutes les demandes » of the child."""
    found = portail().allocation.request_form(family_id(), code, child_id)
    try:
        portail().allocation.submit(family_id(), code, child_id, [], family_actor())
    except RuleViolation as error:
        return _page(found, *_stored(found), {"jours": error.message}, 409)
    return redirect(url_for(".form", code=code, child_id=child_id, fait="retiree"), code=303)


@blueprint.get("/<code>/resultats")
@login_required
def results(code: str) -> str:
    """After publication only: each request's result, explained; before, 404."""
    campaign = _campaign(code)
    if campaign.state is not CampaignState.PUBLISHED:
        abort(404)
    outcomes = portail().allocation.results_for(family_id(), code)
    by_child = [
        (name, list(lines))
        for (_, name), lines in groupby(
            sorted(outcomes, key=lambda o: (o.child_name, o.child_id, o.slot)),
            key=lambda o: (o.child_id, o.child_name),
        )
    ]
    return render_template(
        "allocation/results.html", campaign=campaign, by_child=by_child, family=family_id()
    )
