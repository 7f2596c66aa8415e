"""Two communes served by one process on PostgreSQL, one schema each, each with its own demo
(``portail --commune CODE demo load``): nothing of one ever reaches the other, through the
portal (every route taking an id or a secret, sessions, CSRF tokens, e-mailed links,
documents, invoices) or through the staff's commands.

Commune B has more of everything than A (a second family, its children, a document, an
invoice of another month, an account being opened), so that ids that exist only in B exist.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.test import Client, TestResponse

from entrypoints.bootstrap import Services
from entrypoints.cli import main
from entrypoints.cli.demo import DEMO_PASSWORD, DEMO_PDF
from entrypoints.communes import Communes, configured_deployment
from entrypoints.web import HostDispatcher
from portail_core.domain.attendance import Presence
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import WaitingEntry
from portail_core.domain.dossiers.family import Family, FamilyQuotient, RegulationConsent
from portail_core.errors import PortailError
from portail_core.services.attendance.pointage import MarkInput
from tests.integration.conftest import postgres_url_or_skip
from tests.unit.dossier_builders import (
    grandmother,
    lea,
    main_guardian,
    proof_of_address,
    second_guardian,
    tom,
)

pytestmark = pytest.mark.postgresql

HOST_A, HOST_B = "famille.alpha.test", "famille.beta.test"
DEMO_FAMILY_ID = 1  # the demo family, Martin, in each commune
STAFF = Actor.staff("agent")
# What only commune B holds: none of it may ever appear in an answer to A's family.
B_FAMILY, B_CHILDREN, B_FILE = "Zébulon", ("Ondine", "Séraphin"), "martin-beta-domicile.pdf"
B_MARTIN_CHILD = "Quirin"  # a third child of B's demo family, whose id A has not
MARKERS = (B_FAMILY, *B_CHILDREN, B_MARTIN_CHILD, B_FILE)


@attrs.define
class Town:
    """The deployment as the tests use it."""

    root: Path
    dispatcher: HostDispatcher
    b: dict[str, object]  # B's ids and secrets that A does not have

    def services(self, code: str) -> Services:
        return self.dispatcher.communes.services(code)


def deployment_file(folder: Path, schema_a: str, schema_b: str) -> Path:
    path = folder / "communes.toml"
    path.write_text(
        f"""
[[commune]]
code = "alpha"
hosts = ["{HOST_A}"]
schema = "{schema_a}"
instance_path = "alpha"
public_url = "http://{HOST_A}"

[[commune]]
code = "beta"
hosts = ["{HOST_B}", "www.{HOST_B}"]
schema = "{schema_b}"
instance_path = "beta"
public_url = "http://{HOST_B}"
mail_from = "Mairie de Bêta <ne-pas-repondre@beta.test>"
""",
        "utf-8",
    )
    return path


def portail(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Town]:
    base_url = postgres_url_or_skip()
    suffix = uuid.uuid4().hex[:10]
    schemas = (f"test_alpha_{suffix}", f"test_beta_{suffix}")
    folder = tmp_path_factory.mktemp("deployment")
    path = deployment_file(folder, *schemas)
    with pytest.MonkeyPatch.context() as env:
        for name in ("PORTAIL_COMMUNE", "PORTAIL_INSTANCE_PATH", "PORTAIL_SMTP_URL"):
            env.delenv(name, raising=False)
        env.setenv("PORTAIL_COMMUNES_FILE", str(path))
        env.setenv("PORTAIL_DATABASE_URL", base_url)
        env.setenv("PORTAIL_SECRET_KEY", "la clé du déploiement, longue et tout à fait secrète")
        env.setenv("PORTAIL_PAYFIP_URL", "http://127.0.0.1:5001")
        try:
            code, output = portail("db", "upgrade")  # both schemas, created
            assert code == 0, output
            for commune in ("alpha", "beta"):
                code, output = portail("--commune", commune, "demo", "load")
                assert code == 0, output
            deployment = configured_deployment()
            assert deployment is not None
            dispatcher = HostDispatcher(Communes(deployment))
            try:
                built = Town(folder, dispatcher, {})
                built.b.update(more_in_b(built.services("beta")))
                yield built
            finally:
                dispatcher.close()
        finally:
            admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                for schema in schemas:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def more_in_b(services: Services) -> dict[str, object]:
    """A second family in B (its children, its account being opened), and for B's demo family
    (the one logged in on each host) a third child, a document and an invoice of another
    month: ids and numbers beyond A's, which B's demo family may see on B."""
    portail_b = services.portail
    today = portail_b.today()
    with services.ports.uow(read_only=True) as uow:
        regulations = uow.catalogue.get().regulations()
    family = Family.create(
        name=B_FAMILY,
        guardians=[
            attrs.evolve(main_guardian(), last_name=B_FAMILY),
            attrs.evolve(second_guardian(), last_name=B_FAMILY),
        ],
        resident=True,
        children=[
            attrs.evolve(lea(), first_name=B_CHILDREN[0], last_name=B_FAMILY),
            attrs.evolve(tom(), first_name=B_CHILDREN[1], last_name=B_FAMILY),
        ],
        authorized_persons=[grandmother()],
        quotient=FamilyQuotient.create(value="980", source="CAF", valid_from=date(2026, 1, 1)),
        insurance_valid_until=date(today.year + 1, 8, 31),
        documents=[proof_of_address(valid_until=today + timedelta(days=60))],
        consents=[
            RegulationConsent.create(
                establishment_code=code, version=version, accepted_at=services.ports.clock.now()
            )
            for code, version in regulations.items()
        ],
    )
    family_id = portail_b.dossiers.create(family, actor=STAFF, allow_duplicate=True)
    document = portail_b.dossiers.add_document(
        DEMO_FAMILY_ID,
        kind="justificatif_domicile",
        data=DEMO_PDF,
        filename=B_FILE,
        valid_until=today + timedelta(days=90),
        actor=STAFF,
    )
    third = attrs.evolve(lea(), first_name=B_MARTIN_CHILD, birth_date=date(2018, 5, 2))
    child = portail_b.dossiers.growth.add_child(
        DEMO_FAMILY_ID, third, actor=STAFF, allow_duplicate=True
    )
    portail_b.accounts.open(family_id, actor=STAFF)
    link = next(
        m.context["activation_url"]
        for m in portail_b.messaging.listing(50)
        if "activation_url" in m.context
    )
    return {
        "family_id": family_id,
        "child_id": child.id,
        "file_id": document.file_id,
        "activation_url": str(link),
        "invoice": bill_another_month(services),
        **rows_of_b_s_demo_family(services, child.id),
    }


def rows_of_b_s_demo_family(services: Services, child_id: int | None) -> dict[str, object]:
    """A waiting-list entry, an absence and an SMA request of B's demo family, made in B only:
    their numbers are ones A's demo family, logged in on A under the same family number, has
    not (A has none of them)."""
    assert child_id is not None
    portail_b = services.portail
    today = portail_b.today()
    entry = WaitingEntry(
        DEMO_FAMILY_ID,
        child_id,
        "ALSH",
        "JOURNEE",
        today + timedelta(days=30),
        "ELEM",
        services.ports.clock.now(),
    )
    with services.ports.uow() as uow:
        uow.waiting_list.add(entry)
        uow.commit()
    absence = portail_b.absences.declare(
        family_id=DEMO_FAMILY_ID,
        child_id=child_id,
        first_day=today + timedelta(days=7),
        last_day=today + timedelta(days=7),
        reason="maladie",
        actor=STAFF,
    )
    request = portail_b.sma.request(
        family_id=DEMO_FAMILY_ID,
        child_id=None,
        last_name="Martin",
        expected_birth_date=today + timedelta(days=60),
        start_date=today + timedelta(days=200),
        hours={"lundi": ("8:30", "17:00")},
        wishes=["SMA"],
        actor=STAFF,
    )
    return {"entry_id": entry.id, "absence_id": absence.number, "request_id": request.id}


def bill_another_month(services: Services) -> str:
    """An invoice of the demo family two months ago in B: B's second number, which A has not."""
    portail_b = services.portail
    first = portail_b.today().replace(day=1)
    month = (first - timedelta(days=40)).replace(day=1)
    family = portail_b.dossiers.dossier(DEMO_FAMILY_ID).family
    children = [c.id for c in family.children if c.id]
    for offset in range(28):
        try:
            portail_b.attendance.record_pointage(
                establishment_code="CANTINE-PLAGE",
                day=month + timedelta(days=offset),
                marks=[MarkInput(child, "REPAS", Presence.PRESENT) for child in children],
                actor=STAFF,
            )
        except PortailError:
            continue
        break
    report = portail_b.billing.run_month(month=month.strftime("%Y-%m"), actor=STAFF)
    numbers = [number for bill in report.bills for number in bill.issued]
    assert numbers, report
    return numbers[-1]


def body(response: TestResponse) -> str:
    """The answer as text (a PDF's bytes too, undecodable ones replaced)."""
    return unescape(response.get_data().decode("utf-8", "replace"))


def csrf_token(client: Client, host: str, path: str = "/connexion") -> str:
    page = body(client.get(path, base_url=f"http://{host}", follow_redirects=True))
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match[1]


def logged_in(town: Town, host: str) -> tuple[Client, str]:
    """A browser logged in as the demo family on ``host``, and its portal session's secret."""
    client = Client(town.dispatcher)
    token = csrf_token(client, host)
    response = client.post(
        "/connexion",
        base_url=f"http://{host}",
        data={"csrf_token": token, "identifier": "martin.1", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302, body(response)
    assert response.headers["Location"].endswith("/espace")
    cookie = response.headers["Set-Cookie"]
    assert "domain=" not in cookie.lower()  # host-only: never sent to another commune's host
    return client, cookie.partition("=")[2].partition(";")[0]


def test_an_unknown_host_is_a_plain_404_that_opens_no_commune(town: Town) -> None:
    dispatcher = HostDispatcher(town.dispatcher.communes)
    before = dict(town.dispatcher.communes._built)
    response = Client(dispatcher).get("/", base_url="http://inconnue.test")
    assert response.status_code == 404
    assert "Aucun portail des familles" in body(response)
    assert town.dispatcher.communes._built == before
    assert dispatcher._apps == {}


def test_each_host_serves_its_commune(town: Town) -> None:
    client = Client(town.dispatcher)
    for host in (HOST_A, HOST_B, f"WWW.{HOST_B}:443"):
        response = client.get("/connexion", base_url=f"http://{host}")
        assert response.status_code == 200, host
    a, b = town.services("alpha"), town.services("beta")
    assert a.settings.public_url == f"http://{HOST_A}"
    assert b.settings.mail_from.startswith("Mairie de Bêta")
    assert a.settings.secret_key != b.settings.secret_key


def test_a_session_of_a_is_not_one_on_b(town: Town) -> None:
    client, secret = logged_in(town, HOST_A)
    assert client.get("/famille", base_url=f"http://{HOST_A}").status_code == 200
    stranger = Client(town.dispatcher)
    stranger.set_cookie("portail_session", secret, domain=HOST_B)
    response = stranger.get("/famille", base_url=f"http://{HOST_B}")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_a_csrf_token_of_a_is_refused_on_b(town: Town) -> None:
    client = Client(town.dispatcher)
    token = csrf_token(client, HOST_A)
    csrf_cookie = client.get_cookie("csrf", domain=HOST_A)
    assert csrf_cookie is not None
    stranger = Client(town.dispatcher)
    stranger.set_cookie("csrf", csrf_cookie.value, domain=HOST_B)
    data = {"csrf_token": token, "identifier": "martin.1", "password": DEMO_PASSWORD}
    refused = stranger.post("/connexion", base_url=f"http://{HOST_B}", data=data)
    assert refused.status_code == 400
    assert "Set-Cookie" not in refused.headers or "portail_session" not in str(refused.headers)
    accepted = client.post("/connexion", base_url=f"http://{HOST_A}", data=data)
    assert accepted.status_code == 302  # the same token is good where it was given


def test_an_activation_link_of_b_fails_on_a(town: Town) -> None:
    link = str(town.b["activation_url"])
    path = link.removeprefix(f"http://{HOST_B}")
    assert path != link
    on_a = Client(town.dispatcher).get(path, base_url=f"http://{HOST_A}", follow_redirects=True)
    assert "Activer mon compte" not in body(on_a)
    on_b = Client(town.dispatcher).get(path, base_url=f"http://{HOST_B}", follow_redirects=True)
    assert "Activer mon compte" in body(on_b)  # the link itself is good, on its commune


def test_what_b_has_beyond_a_is_shown_to_b_s_demo_family_on_b(town: Town) -> None:
    """The control of the tests below: on its own host, B's demo family reaches them."""
    client, _ = logged_in(town, HOST_B)
    b = town.b
    child = client.get(f"/famille/enfants/{b['child_id']}", base_url=f"http://{HOST_B}")
    assert child.status_code == 200
    assert B_MARTIN_CHILD in body(child)
    document = client.get(f"/famille/pieces/{b['file_id']}", base_url=f"http://{HOST_B}")
    assert document.status_code == 200
    assert document.data == DEMO_PDF
    invoice = client.get(f"/factures/{b['invoice']}", base_url=f"http://{HOST_B}")
    assert invoice.status_code == 200


def test_a_document_of_b_cannot_be_downloaded_on_a(town: Town) -> None:
    client, _ = logged_in(town, HOST_A)
    response = client.get(f"/famille/pieces/{town.b['file_id']}", base_url=f"http://{HOST_A}")
    assert response.status_code == 404
    assert response.data != DEMO_PDF


def test_invoices_are_numbered_by_each_commune(town: Town) -> None:
    firsts = []
    for code in ("alpha", "beta"):
        portail = town.services(code).portail
        numbers = sorted(view.invoice.number for view in portail.billing.listing())
        firsts.append(numbers[0])
    assert firsts[0] == firsts[1]  # each starts at its own first number
    assert str(town.b["invoice"]) > firsts[1]


def values_from_b(town: Town, rule: Rule) -> dict[str, object]:
    """Each argument of ``rule`` given what only B has: its ids, numbers and secrets."""
    b = town.b
    secret = str(b["activation_url"]).rstrip("/").rpartition("/")[2]
    known: dict[str, object] = {
        "child_id": b["child_id"],
        "file_id": b["file_id"],
        "number": b["invoice"],  # an invoice's number (text) or a person's rank (int): below
        "secret": secret,
        "token": secret,
        "entry_id": b["entry_id"],
        "absence_id": b["absence_id"],
        "request_id": b["request_id"],
        "code": "ALSH",  # codes are not ids: both demo towns have it
        "version": "2026-1",
        "digest": "0" * 64,  # the look's stylesheet and logo: A has none (test_communes_look.py)
    }
    unknown = set(rule.arguments) - set(known)
    assert not unknown, f"{rule.rule}: say which value of B to try for {unknown}"
    values = {name: known[name] for name in rule.arguments}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter) and not isinstance(values[name], int):
            values[name] = 9  # a guardian's or authorised person's rank A's family has not
    return values


ID_FREE = {"code", "version"}  # arguments that are not ids: A may answer with its own page


def test_no_route_taking_an_id_or_a_secret_gives_a_family_of_a_what_is_b(town: Town) -> None:
    client, _ = logged_in(town, HOST_A)
    app = town.dispatcher.app("alpha")
    adapter = app.url_map.bind(HOST_A)
    rules = [r for r in app.url_map.iter_rules() if r.arguments and r.endpoint != "static"]
    assert len(rules) >= 25  # every route with an argument, found by walking the map
    tried = 0
    for rule in rules:
        values = values_from_b(town, rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path = adapter.build(rule.endpoint, values, method=method)
            if method == "GET":
                response = client.get(path, base_url=f"http://{HOST_A}")
            else:
                token = csrf_token(client, HOST_A, "/famille")
                response = client.post(
                    path, base_url=f"http://{HOST_A}", data={"csrf_token": token}
                )
            tried += 1
            answer = body(response) + response.headers.get("Location", "")
            where = f"{method} {path} -> {response.status_code}"
            assert response.status_code < 500, where
            assert not [m for m in MARKERS if m in answer], where
            if set(rule.arguments) - ID_FREE:
                assert response.status_code in {302, 303, 400, 404}, where
    assert tried >= len(rules)


def test_staff_commands_of_a_never_show_b(town: Town) -> None:
    code, listing = portail("--commune", "alpha", "family", "list")
    assert code == 0, listing
    assert "Martin" in listing
    assert B_FAMILY not in listing
    code, listing_b = portail("--commune", "beta", "family", "list")
    assert B_FAMILY in listing_b
    family_id = str(town.b["family_id"])
    code, shown = portail("--commune", "alpha", "family", "show", family_id)
    assert code == 3, shown
    assert B_FAMILY not in shown
    invoice = str(town.b["invoice"])
    code, invoices = portail("--commune", "alpha", "invoices", "list")
    assert code == 0, invoices
    assert invoice not in invoices
    code, pdf = portail("--commune", "alpha", "invoices", "pdf", invoice, "-o", "-")
    assert code == 3, pdf
    code, documents = portail("--commune", "alpha", "document", "list", "--family", family_id)
    assert code == 3, documents
    assert B_FILE not in documents
    target = town.root / "piece.pdf"
    file_id = str(town.b["file_id"])
    code, shown = portail("--commune", "alpha", "document", "show", file_id, "-o", str(target))
    assert code == 3, shown
    assert not target.exists()


def test_a_command_without_a_commune_is_refused_naming_them(town: Town) -> None:
    code, output = portail("family", "list")
    assert code == 7
    assert "alpha, beta" in output
    assert "--commune" in output
    code, output = portail("--commune", "gamma", "family", "list")
    assert code == 7
    assert "Commune inconnue « gamma »" in output


def test_db_upgrade_migrated_both_schemas_and_communes_list_says_so(town: Town) -> None:
    head = town.services("alpha").revisions()[1]
    for code in ("alpha", "beta"):
        assert town.services(code).revisions() == (head, head)
    code, output = portail("db", "upgrade")
    assert code == 0, output
    assert f"Commune alpha : Base déjà à jour (révision {head})" in output
    assert f"Commune beta : Base déjà à jour (révision {head})" in output
    code, listing = portail("communes", "list")
    assert code == 0, listing
    assert listing.count(f"{head} (à jour)") == 2
    assert f"{HOST_B} www.{HOST_B}" in listing
