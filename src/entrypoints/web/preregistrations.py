"""« Pré-inscription scolaire »: a family asks for a school place for a child of its dossier or a
new one (level from its age, sector school from the address, or a derogation with a reason),
with the documents the commune asks for, and follows the state of its requests. A commune that
publishes no school map offers no pre-registration online: the pages answer 404."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES
from portail_core.domain.preregistrations import PreregistrationDocumentKind
from portail_core.errors import Conflict, InvalidInput
from portail_core.services.absences.common import Upload
from portail_core.services.preregistrations.reading import PreregistrationForm

__all__ = ["blueprint"]

blueprint = Blueprint("preregistrations", __name__, url_prefix="/preinscription-scolaire")
FIELDS = (
    "child",
    "first_name",
    "last_name",
    "birth_date",
    "school_year",
    "level",
    "level_reason",
    "school",
    "derogation_reason",
)


def _offered() -> bool:
    catalogue = portail().catalogue.current()
    return not catalogue.school_map.is_empty and bool(catalogue.schools)


@blueprint.app_context_processor
def _menu_entry() -> dict[str, Callable[[], bool]]:
    """``school_preregistration_offered()`` for the family space's entries."""
    return {"school_preregistration_offered": _offered}


def _form() -> PreregistrationForm:
    form = portail().preregistrations.form(family_id())
    if not form.open:
        abort(404)
    return form


@blueprint.get("")
@login_required
def home() -> str:
    """The family's requests with their state, and the way to a new one."""
    form = _form()
    return render_template(
        "preregistrations/home.html",
        form=form,
        requests=portail().preregistrations.of_family(family_id()),
    )


def _page(
    form: PreregistrationForm,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    refusal: str | None = None,
) -> tuple[str, int]:
    return render_template(
        "preregistrations/form.html",
        form=form,
        values=values,
        errors=errors or {},
        refusal=refusal,
        kinds=list(PreregistrationDocumentKind),
    ), status


@blueprint.get("/demande")
@login_required
def new() -> tuple[str, int]:
    form = _form()
    values = dict.fromkeys(FIELDS, "")
    values["school_year"] = f"{form.school_years[0].start}-{form.school_years[0].start + 1}"
    return _page(form, values)


def _documents() -> dict[str, Upload | None]:
    found: dict[str, Upload | None] = {}
    for kind in PreregistrationDocumentKind:
        upload = request.files.get(f"document_{kind.value}")
        if upload is not None and upload.filename:
            found[kind.value] = Upload(upload.stream.read(MAX_DOCUMENT_BYTES + 1), upload.filename)
    return found


@blueprint.post("/demande")
@login_required
def submit() -> BaseResponse | tuple[str, int]:
    """Record a request; POST-redirect-GET. Wrong fields are shown with the values typed."""
    form = _form()
    values = {name: (request.form.get(name) or "")[:300] for name in FIELDS}
    try:
        portail().preregistrations.submit(
            family_id=family_id(), documents=_documents(), actor=family_actor(), **values
        )
    except InvalidInput as error:
        return _page(form, values, error.problems or {"child": error.message}, 400)
    except Conflict as error:
        return _page(form, values, status=409, refusal=error.message)
    return redirect(url_for("preregistrations.home", deposee="1"), 303)
