""" "Signaler une absence": a family tells the structures that a child will be (or was) absent,
for illness or another reason, with the medical certificate if it has one; the guichet unique
justifies it. The page lists the family's absences with their status, and a button to withdraw
each one signalled by mistake while its first day is to come and it is not justified."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.absences import AbsenceReason
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES
from portail_core.errors import Conflict, InvalidInput, RuleViolation
from portail_core.services.absences.common import Upload

__all__ = ["blueprint"]

blueprint = Blueprint("absences", __name__, url_prefix="/absences")
FIELDS = ("child", "first_day", "last_day", "reason")


def _page(
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    refusal: str | None = None,
) -> tuple[str, int]:
    core = portail()
    return render_template(
        "absences/home.html",
        children=core.dossiers.family(family_id()).children,
        absences=core.absences.of_family(family_id()),
        today=core.today(),
        reasons=list(AbsenceReason),
        values=values,
        errors=errors or {},
        refusal=refusal,
    ), status


@blueprint.get("")
@login_required
def home() -> tuple[str, int]:
    """The family's absences, and the form to signal a new one."""
    return _page(dict.fromkeys(FIELDS, ""))


@blueprint.post("")
@login_required
def declare() -> BaseResponse | tuple[str, int]:
    """Signal an absence; POST-redirect-GET. Another family's child answers 404."""
    values = {name: (request.form.get(name) or "")[:40] for name in FIELDS}
    upload = request.files.get("certificate")
    certificate = None
    if upload is not None and upload.filename:
        certificate = Upload(upload.stream.read(MAX_DOCUMENT_BYTES + 1), upload.filename)
    try:
        portail().absences.declare(
            family_id=family_id(),
            child_id=values["child"],
            first_day=values["first_day"],
            last_day=values["last_day"],
            reason=values["reason"],
            certificate=certificate,
            actor=family_actor(),
        )
    except InvalidInput as error:
        return _page(values, error.problems or {"first_day": error.message}, 400)
    except Conflict as error:
        return _page(values, {"first_day": error.message}, 409)
    return redirect(url_for("absences.home", signalee="1"))


@blueprint.post("/<int:absence_id>/retrait")
@login_required
def withdraw(absence_id: int) -> BaseResponse | tuple[str, int]:
    """Withdraw an absence signalled by mistake; POST-redirect-GET. Another family's answers 404;
    a started, past or justified one is refused with its reason and nothing changes."""
    try:
        portail().absences.withdraw(
            family_id=family_id(), absence_id=absence_id, actor=family_actor()
        )
    except RuleViolation as error:
        return _page(dict.fromkeys(FIELDS, ""), status=409, refusal=error.message)
    return redirect(url_for("absences.home", retiree="1"))


@blueprint.get("/<int:absence_id>/certificat")
@login_required
def certificate(absence_id: int) -> Response:
    """The certificate of one of the family's absences (another family's answers 404)."""
    line, content, kind = portail().absences.certificate(
        absence_id=absence_id, actor=family_actor(), family_id=family_id()
    )
    extension = kind.extension if kind is not None else "bin"
    name = f"certificat-absence-{line.number}.{extension}"
    return Response(
        content,
        mimetype=kind.mime_type if kind is not None else "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
