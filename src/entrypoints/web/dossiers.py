"""The family's dossier pages: contact details, supporting documents, "Mes données"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.family_data import export_json
from entrypoints.web.app_services import family_actor, family_id, portail
from entrypoints.web.sessions import login_required
from portail_core.domain.dossiers.changes import pai_text
from portail_core.domain.dossiers.child import Authorizations, DietKind
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES, sniff_format
from portail_core.domain.dossiers.family import DocumentType, Family, QuotientSource
from portail_core.domain.dossiers.guardians import AuthorizedPerson
from portail_core.domain.shared.allergens import Allergen
from portail_core.domain.shared.french_dates import day_format, parse_day
from portail_core.domain.shared.raw_input import phone_for_display
from portail_core.errors import Conflict, InvalidInput
from portail_core.services.dossiers.health import HealthUpdate

__all__ = ["blueprint"]

blueprint = Blueprint("dossiers", __name__, url_prefix="/famille")
UPLOADABLE = list(DocumentType)


def _family() -> Family:
    return portail().dossiers.family(family_id())


@blueprint.route("/responsables/<int:number>", methods=["GET", "POST"])
@login_required
def guardian(number: int) -> str | BaseResponse | tuple[str, int]:
    """Change a guardian's phone numbers and e-mail address."""
    family = _family()
    if not 1 <= number <= len(family.guardians):
        return render_template(
            "errors/error.html", title="Page introuvable", message="Ce responsable n'existe pas."
        ), 404
    person = family.guardians[number - 1]
    if request.method == "GET":
        values = {
            "phone1": phone_for_display(person.phones[0]) if person.phones else "",
            "phone2": phone_for_display(person.phones[1]) if len(person.phones) > 1 else "",
            "email": person.email or "",
        }
        return render_template(
            "dossiers/guardian.html", person=person, number=number, values=values
        )
    values = {name: (request.form.get(name) or "")[:254] for name in ("phone1", "phone2", "email")}
    try:
        portail().dossiers.update_contact(
            family_id(),
            number,
            phones=[values["phone1"], values["phone2"]],
            email=values["email"] or None,
            actor=family_actor(),
        )
    except InvalidInput as error:
        errors = {_FORM_FIELDS.get(k, k): v for k, v in error.problems.items()}
        return render_template(
            "dossiers/guardian.html", person=person, number=number, values=values, errors=errors
        ), 400
    return redirect(url_for("space.family", enregistre="1"))


_FORM_FIELDS = {"phones": "phone1", "email": "email"}


@blueprint.route("/pieces", methods=["GET", "POST"])
@login_required
def documents() -> str | BaseResponse | tuple[str, int]:
    """The supporting documents of the dossier, and sending a new one (a refused one: only the
    error, with the form as it was)."""
    if request.method == "GET":
        sent = request.args.get("envoye") == "1"
        return render_template(
            "dossiers/documents.html", family=_family(), kinds=UPLOADABLE, sent=sent
        )
    upload = request.files.get("fichier")
    kind = request.form.get("type") or ""
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Choisissez un fichier.", {"fichier": "Choisissez un fichier."})
        portail().dossiers.add_document(
            family_id(),
            kind=kind,
            data=upload.stream.read(MAX_DOCUMENT_BYTES + 1),
            filename=upload.filename,
            valid_until=None,
            actor=family_actor(),
        )
    except InvalidInput as error:
        errors = {"fichier" if k == "file" else k: v for k, v in error.problems.items()}
        errors = errors or {"fichier": error.message}
        return render_template(
            "dossiers/documents.html",
            family=_family(),
            kinds=UPLOADABLE,
            errors=errors,
            chosen=kind,
        ), 400
    return redirect(url_for("dossiers.documents", envoye="1"))


@blueprint.get("/pieces/<file_id>")
@login_required
def download(file_id: str) -> Response:
    """A document of the family's own dossier (another family's answers 404)."""
    document, content = portail().dossiers.document(family_id(), file_id[:64])
    kind = sniff_format(content[:16])
    mimetype = kind.mime_type if kind else "application/octet-stream"
    extension = kind.name.lower() if kind else "bin"
    name = f"{document.kind.value}-{document.uploaded_at.format('YYYY-MM-DD')}.{extension}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/mes-donnees")
@login_required
def my_data() -> Response:
    """ "Mes données": everything the portal holds about the family, as JSON: the document of
    ``portail family export`` (docs/family-data.md). Health information included: the read is
    recorded in the audit trail."""
    export = portail().dossiers.export(family_id(), health_read_by=family_actor())
    return Response(
        json.dumps(export_json(export), ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mes-donnees.json"'},
    )


@blueprint.route("/adresse", methods=["GET", "POST"])
@login_required
def address() -> str | BaseResponse | tuple[str, int]:
    """Ask for a change of address; it waits for the guichet unique (it may change tariffs)."""
    if request.method == "GET":
        current = _family().main_guardian.address
        values = {
            "street": current.street if current else "",
            "postcode": current.postcode if current else "",
            "city": current.city if current else "",
        }
        return render_template("dossiers/address.html", values=values)
    values = {name: (request.form.get(name) or "")[:200] for name in ("street", "postcode", "city")}
    try:
        portail().dossiers.request_address_change(family_id(), actor=family_actor(), **values)
    except InvalidInput as error:
        return render_template("dossiers/address.html", values=values, errors=error.problems), 400
    except Conflict as error:
        return render_template(
            "dossiers/address.html", values=values, errors={"street": error.message}
        ), 409
    return redirect(url_for("space.family", demande="1"))


@blueprint.route("/quotient", methods=["GET", "POST"])
@login_required
def quotient() -> str | BaseResponse | tuple[str, int]:
    """Ask for a new quotient familial; it waits for the guichet unique (it changes tariffs)."""
    page = {"family": _family(), "sources": list(QuotientSource)}
    if request.method == "GET":
        return render_template("dossiers/quotient.html", values={}, **page)
    values = {
        name: (request.form.get(name) or "")[:40] for name in ("value", "source", "valid_from")
    }
    try:
        portail().dossiers.request_quotient_change(family_id(), actor=family_actor(), **values)
    except (InvalidInput, Conflict) as error:
        errors = getattr(error, "problems", None) or {"value": error.message}
        status = 409 if isinstance(error, Conflict) else 400
        return render_template(
            "dossiers/quotient.html", values=values, errors=errors, **page
        ), status
    return redirect(url_for("space.family", demande="1"))


def _yes_no(name: str) -> bool | None:
    return {"oui": True, "non": False}.get(request.form.get(name) or "")


@blueprint.route("/enfants/<int:child_id>", methods=["GET", "POST"])
@login_required
def child(child_id: int) -> str | BaseResponse | tuple[str, int]:
    """A child's health information and authorisations (another family's child: 404); each
    display of the health information is recorded in the audit trail."""
    if request.method == "GET":
        return _child_page(child_id)
    form = request.form
    try:
        valid_until = form.get("pai_valid_until") or None
        saved = portail().dossiers.update_child_health(
            family_id(),
            child_id,
            HealthUpdate(
                allergies=form.get("allergies") or "",
                allergens=frozenset(v[:40] for v in form.getlist("allergens")[:20]),
                diet=(form.get("diet") or "aucun")[:40],
                diet_details=form.get("diet_details") or "",
                has_pai=_yes_no("has_pai"),
                pai_valid_until=_typed_day(valid_until),
                pai_instructions=form.get("pai_instructions") or "",
                vaccinations_up_to_date=_yes_no("vaccinations"),
                authorizations=Authorizations(
                    photos="photos" in form,
                    leave_alone="leave_alone" in form,
                    emergency_care="emergency_care" in form,
                    transport="transport" in form,
                ),
            ),
            actor=family_actor(),
        )
    except ValueError:
        problem = {"pai_valid_until": f"Date invalide : {day_format(date(2027, 7, 4))}."}
        return _child_page(child_id, problem, typed=form), 400
    except InvalidInput as error:
        return _child_page(child_id, error.problems, typed=form), 400
    except Conflict as error:  # a PAI change already waits for the desk
        return _child_page(child_id, {"pai": error.message}, typed=form), 409
    if saved.pai_request is not None:
        return redirect(url_for("space.family", sante="1", pai="1"))
    return redirect(url_for("space.family", sante="1"))


def _typed_day(text: str | None) -> date | None:
    """A date typed in a form (JJ/MM/AAAA or AAAA-MM-JJ); ValueError if unreadable."""
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        raise ValueError(text)
    return day


def _child_page(
    child_id: int, errors: dict[str, str] | None = None, typed: Mapping[str, str] | None = None
) -> str:
    """The child's form with its stored values, or after a refusal with what was typed (nothing
    lost, every limit named); showing them is a recorded health read. A PAI change waiting for
    the desk is shown as asked, with the PAI recorded meanwhile."""
    form = portail().dossiers.health_form(family_id(), child_id, actor=family_actor())
    return render_template(
        "dossiers/child.html",
        child=form.shown,
        pending_pai=form.pending_pai,
        recorded_pai=pai_text(form.child.pai),
        diets=list(DietKind),
        allergens=list(Allergen),
        errors=errors,
        typed=typed,
    )


@blueprint.route("/personnes-autorisees", methods=["GET", "POST"])
@login_required
def authorized_persons() -> str | BaseResponse | tuple[str, int]:
    """The people who may pick the children up or be called; add one."""
    if request.method == "GET":
        return render_template("dossiers/authorized.html", family=_family(), values={})
    form = request.form
    values = {
        name: (form.get(name) or "")[:100]
        for name in ("first_name", "last_name", "phone", "relationship")
    }
    try:
        person = AuthorizedPerson.create(
            **values,
            can_pick_up="can_pick_up" in form,
            emergency_contact="emergency_contact" in form,
        )
        portail().dossiers.add_authorized_person(family_id(), person, actor=family_actor())
    except (InvalidInput, Conflict) as error:
        errors = getattr(error, "problems", None) or {"first_name": error.message}
        return render_template(
            "dossiers/authorized.html", family=_family(), values=values, errors=errors
        ), 400
    return redirect(url_for("dossiers.authorized_persons", ajoute="1"))


@blueprint.post("/personnes-autorisees/<int:number>/retirer")
@login_required
def remove_person(number: int) -> BaseResponse:
    portail().dossiers.remove_authorized_person(family_id(), number, actor=family_actor())
    return redirect(url_for("dossiers.authorized_persons", retire="1"))
