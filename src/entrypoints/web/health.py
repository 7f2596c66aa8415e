"""``GET /sante``: the portal's health for a load balancer or a monitoring probe.

JSON, no login, no personal data: the database reachable, its schema at the code's Alembic head,
and the e-mails waiting in the outbox (how many, the oldest one's age in seconds). 200 when the
database answers and its schema is current, 503 otherwise; the backlog is reported, the probe
judges it. Never cached.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify

from entrypoints.web.app_services import portail, services_of

__all__ = ["blueprint"]

blueprint = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@blueprint.route("/sante")
def health() -> tuple[Response, int]:
    """The probe's answer: 200 healthy, 503 not."""
    report: dict[str, object] = {"base_de_donnees": "injoignable", "schema_a_jour": False}
    try:
        current, expected = services_of(current_app).revisions()
    except Exception:  # the database is down or refuses: the probe is told, never a 500
        log.exception("health check: the database cannot be reached")
    else:
        report.update(base_de_donnees="joignable", schema_a_jour=current == expected)
        report.update(revision=current, revision_attendue=expected)
    healthy = report["schema_a_jour"] is True
    if healthy:
        try:
            backlog = portail().messaging.backlog()
        except Exception:
            log.exception("health check: the outbox cannot be read")
            healthy = False
        else:
            report["courriels_en_attente"] = backlog.count
            report["plus_ancien_en_attente_secondes"] = backlog.oldest_age_seconds(portail().now())
    report["statut"] = "ok" if healthy else "en panne"
    response = jsonify(report)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503
