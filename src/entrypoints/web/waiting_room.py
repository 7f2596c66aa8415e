"""The waiting room in front of the booking pages (``domain.waiting_room``).

A gate before the seven steps' pages: a family inside (or every family, the room off) goes on;
otherwise it is sent (303) to « File d'attente des réservations », a light page with its
position and the estimate, which a small script keeps up to date by asking ``/etat`` (JSON)
every few seconds (a ``<meta refresh>`` without JavaScript), then leads on to the page asked
for. After « Confirmer la réservation », or « Se déconnecter », the family's place goes to
the next in line. The ticket is the account's: no number in any address, nothing about
another family.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Flask,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import portail
from entrypoints.web.sessions import login_required, safe_next
from portail_core.domain.waiting_room import KEEP_PLACE_SECONDS

__all__ = ["GATED", "blueprint", "register"]

log = logging.getLogger(__name__)
blueprint = Blueprint("waiting_room", __name__, url_prefix="/file-d-attente")
# The booking pages behind the gate: the seven steps but the confirmation (its page is read
# once the place is freed) and the light pages around them (history, offers).
GATED = frozenset(
    {
        "bookings.home",
        "bookings.choose_establishment",
        "bookings.grid",
        "bookings.validate",
        "bookings.summary",
        "bookings.confirm",
    }
)
CONFIRM, LOGOUT = "bookings.confirm", "accounts.logout"
_INSIDE = "waiting_room_inside"  # on ``g``: the gate let this request in


def register(app: Flask) -> None:
    """The gate: call after ``sessions.register`` (it reads the session loaded)."""
    app.before_request(_gate)
    app.after_request(_leave_when_done)


def _account_id() -> int:
    number: int = g.portal_session.account_id
    return number


def _gate() -> BaseResponse | None:
    if request.endpoint not in GATED or g.get("portal_session") is None:
        return None  # not a booking page, or not logged in (the page sends to the login)
    if portail().waiting_room.enter(account_id=_account_id()):
        setattr(g, _INSIDE, True)
        return None
    reading = request.method in ("GET", "HEAD")
    asked = request.full_path.rstrip("?") if reading else request.path  # a form: its page
    return redirect(url_for("waiting_room.queue", suite=asked), code=303)


def _leave_when_done(response: Response) -> Response:
    """A confirmation done (its redirect to the confirmation page), or a logout: the place goes
    to the next in line. A failure here is logged only: the lease frees the place anyway."""
    done = g.get(_INSIDE) if request.endpoint == CONFIRM else request.endpoint == LOGOUT
    if done and g.get("portal_session") is not None and response.status_code in (302, 303):
        try:
            portail().waiting_room.leave(account_id=_account_id())
        except Exception:  # the booking or the logout is done: its answer stays
            log.exception("waiting room: the place of a confirmed family was not freed")
    return response


def _target() -> str:
    asked = request.args.get("suite")
    return safe_next(asked) if asked else url_for("bookings.home")


@blueprint.get("")
@login_required
def queue() -> str | BaseResponse:
    """The family's position and estimate; the page asked for once its turn has come."""
    target = _target()
    place = portail().waiting_room.place(account_id=_account_id())
    if not place.waiting:
        return redirect(target, code=303)
    return render_template(
        "waiting_room/queue.html",
        place=place,
        target=target,
        keep_minutes=KEEP_PLACE_SECONDS // 60,
    )


@blueprint.get("/etat")
def state() -> tuple[Response, int]:
    """The waiting page's news, as JSON: ``entree`` (go on), or the position and estimate in
    French and when to ask again; 401 once logged out (the page then reloads)."""
    if g.get("portal_session") is None:
        return jsonify(connexion=True), 401
    place = portail().waiting_room.place(account_id=_account_id())
    if not place.waiting:
        return jsonify(entree=True), 200
    return jsonify(
        entree=False,
        rang=place.position,
        position=place.position_fr,
        attente=place.wait_fr,
        prochaine=place.poll_seconds,
    ), 200
