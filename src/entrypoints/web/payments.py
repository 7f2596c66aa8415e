"""Paying an invoice online through PayFiP: « Payer en ligne », PayFiP's notification, and the
page the family's browser comes back to.

The notification is unsigned and comes from PayFiP's servers, not from a family: it is exempt
from CSRF (``web.app``), trusts nothing (it only has the portal ask PayFiP about the operation),
is counted per address, and always answers 200. The return page says what PayFiP reports, and
only to the family whose payment it is.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail, services_of
from entrypoints.web.billing import MAX_NUMBER, invoice_page
from entrypoints.web.sessions import login_required
from portail_core.errors import Conflict, OnlinePaymentError, RuleViolation

__all__ = ["blueprint", "notification", "payment_return_posted"]

blueprint = Blueprint("payments", __name__)
MAX_ID_OP = 64
log = logging.getLogger("portail.payfip")


def _client_ip() -> str:
    return request.remote_addr or "inconnue"


@blueprint.post("/factures/<number>/payer-en-ligne")
@login_required
def pay_online(number: str) -> BaseResponse | tuple[str, int]:
    """« Payer en ligne »: the attempt stored, then off to PayFiP's page (303)."""
    try:
        checkout = portail().payments.open_online(
            family_id(),
            number[:MAX_NUMBER],
            notify_url=_public(".notification"),
            return_url=_public(".payment_return"),
            actor=family_actor(),
        )
    except (RuleViolation, Conflict) as error:
        return invoice_page(number, error.message, 409)
    except OnlinePaymentError as error:
        return invoice_page(number, error.message, 503)  # each says that nothing was paid
    return redirect(checkout.page_url, code=303)


def _public(endpoint: str) -> str:
    """The address PayFiP is given: from the portal's public URL, never from the request's
    Host header (PayFiP's servers call it)."""
    return services_of(current_app).settings.public_url.rstrip("/") + url_for(endpoint)


@blueprint.route("/paiement-en-ligne/notification", methods=["GET", "POST"])
def notification() -> Response:
    """PayFiP's notification (``idOp`` or ``idop``, in the query or the form): the portal asks
    PayFiP about the operation. Always 200, whatever comes."""
    id_op = _id_op()
    if id_op:
        try:
            portail().payments.take_notification(id_op, actor_ip=_client_ip())
        except Exception:  # PayFiP does not retry: the reconciliation will look again
            log.exception("notification PayFiP %s", id_op)
    return Response("OK", mimetype="text/plain")


@blueprint.post("/paiement-en-ligne/retour")
def payment_return_posted() -> BaseResponse:
    """Should PayFiP send the browser back with a form, the same page by GET (CSRF-exempt:
    it changes nothing; the family's session cookie comes with the GET)."""
    return redirect(url_for(".payment_return", idop=_id_op()), code=303)


@blueprint.get("/paiement-en-ligne/retour")
@login_required
def payment_return() -> str:
    """The family back from PayFiP: what PayFiP says of the payment, for this family only."""
    id_op = _id_op()
    attempt = portail().payments.check_online(id_op) if id_op else None
    if attempt is None or attempt.family_id != family_id():
        abort(404)
    return render_template("payments/result.html", attempt=attempt)


def _id_op() -> str:
    given = request.values.get("idOp") or request.values.get("idop") or ""
    return given.strip()[:MAX_ID_OP]
