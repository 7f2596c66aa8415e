""" "Agenda de vos réservations": a family creates a private calendar feed of its children's
reservations, sees its address once (the page answering the creation, never stored, never in
a URL the browser keeps), revokes it or replaces it. The feed itself (``/agenda/<secret>.ics``)
is read by calendars without logging in: an unknown or revoked secret answers the portal's
ordinary 404 page; too many reads answer 429. The secret is masked in the access logs
(``accounts.LinkSecretFilter``)."""

from __future__ import annotations

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
from entrypoints.web.sessions import login_required
from portail_core.domain.accounts.account import TooManyAttempts
from portail_core.errors import NotFound

__all__ = ["FEED_SEGMENT", "blueprint"]

blueprint = Blueprint("feeds", __name__)
FEED_SEGMENT = "agenda"  # /agenda/<secret>.ics: masked in the access logs


def _page(secret: str | None = None, status: int = 200) -> tuple[str, int]:
    feed_url = webcal_url = None
    if secret is not None:
        public = services_of(current_app).settings.public_url.rstrip("/")
        feed_url = public + url_for("feeds.feed", secret=secret)
        webcal_url = "webcal://" + feed_url.split("://", 1)[-1]
    return render_template(
        "feeds/home.html",
        feed=portail().feeds.of_family(family_id()),
        feed_url=feed_url,
        webcal_url=webcal_url,
    ), status


@blueprint.get("/reservations/agenda")
@login_required
def home() -> tuple[str, int]:
    """Whether the family has a feed (never its address), and how to subscribe."""
    return _page()


@blueprint.post("/reservations/agenda")
@login_required
def create() -> tuple[str, int]:
    """A new feed (replacing the old): its address is shown on this answer only."""
    secret = portail().feeds.create(family_id=family_id(), actor=family_actor())
    return _page(secret)


@blueprint.post("/reservations/agenda/revocation")
@login_required
def revoke() -> BaseResponse:
    """Revoke the feed: its address answers 404 from now on; POST-redirect-GET."""
    portail().feeds.revoke(family_id=family_id(), actor=family_actor())
    return redirect(url_for("feeds.home", revoque="1"), code=303)


@blueprint.get(f"/{FEED_SEGMENT}/<secret>.ics")
def feed(secret: str) -> Response | tuple[str, int, dict[str, str]]:
    """The feed as text/calendar, never stored by caches; 404 like any unknown page."""
    try:
        content = portail().feeds.read(secret, actor_ip=request.remote_addr or "inconnue")
    except NotFound:
        abort(404)
    except TooManyAttempts as error:
        wait = str(max(60, int(error.wait.total_seconds())))
        return (
            render_template("errors/error.html", title="Trop de demandes", message=error.message),
            429,
            {"Retry-After": wait, "Cache-Control": "no-store"},
        )
    return Response(
        content,
        mimetype="text/calendar",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'inline; filename="reservations.ics"',
            "X-Robots-Tag": "noindex",
        },
    )
