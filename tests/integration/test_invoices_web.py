""" "Factures et règlements" through Flask's client on SQLite: the list with statuses and the
balance, the detail page whose lines, totals and numbers are the PDF's, the PDF's headers,
credit notes, direct debit, the payment modes; another family's invoice answers 404."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from entrypoints.bootstrap import Services
from portail_core.services.dossiers.creation import create_family
from tests.integration.invoice_town import (
    SEPTEMBER_WEDNESDAYS,
    add_direct_debit_invoice,
    bill_september,
    book_september,
    mark_present,
    pay,
)
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STAFF,
    activate,
    client,
    clock,
    log_in,
    open_family_account,
    services,
    text,
)
from tests.integration.test_invoice_pdf import assert_tagged_pdf_ua, flat, pdf_text
from tests.unit.dossier_builders import complete_family


class Cells(HTMLParser):
    """The text of each row of the tables of a page, cell by cell; and the description lists'
    terms and definitions, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.terms: list[str] = []
        self._cell: list[str] | None = None
        self._term: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("dt", "dd"):
            self._term = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(flat("".join(self._cell)))
            self._cell = None
        elif tag in ("dt", "dd") and self._term is not None:
            self.terms.append(flat("".join(self._term)))
            self._term = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._term is not None:
            self._term.append(data)


def cells(page: str) -> Cells:
    parser = Cells()
    parser.feed(page)
    return parser


@pytest.fixture
def family_id(services: Services, client: FlaskClient) -> int:
    """The Martin family, logged in, billed for September: Léa 5 days, Tom 3 (74,14 €)."""
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    family = int(account["identifier"].rsplit(".", 1)[1])
    book_september(services, family, "Léa", SEPTEMBER_WEDNESDAYS)
    book_september(services, family, "Tom", SEPTEMBER_WEDNESDAYS[:3])
    bill_september(services)
    return family


def other_family_invoice(services: Services) -> str:
    """Another family, billed too: its invoice's number."""
    other = create_family(
        services.ports.uow(),
        complete_family(),
        actor=STAFF,
        clock=services.ports.clock,
    )
    book_september(services, other, "Léa", SEPTEMBER_WEDNESDAYS[:1])
    bill_september(services)
    with services.ports.uow(read_only=True) as uow:
        return uow.invoices.of_family(other)[-1].number


def test_the_list_shows_each_invoice_with_its_status_and_the_balance(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    home = text(client.get("/espace"))
    assert '<a href="/factures">Factures et règlements</a>' in home
    response = client.get("/factures")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert "<h1>Factures et règlements</h1>" in page
    assert "Reste à payer : <strong>74,14\u00a0€</strong>" in page
    assert 'href="/factures/modes-de-paiement"' in page
    [header, row] = cells(page).rows
    assert header == [
        "Numéro",
        "Mois",
        "Émise le",
        "Montant",
        "Reste à payer",
        "Statut",
        "PDF",
    ]
    assert row == [
        "Facture FA-2026-000001",
        "septembre 2026",
        "2 octobre 2026",
        "74,14 €",
        "74,14 €",
        "À payer",
        "PDF : facture FA-2026-000001",
    ]
    pay(services, family_id, "FA-2026-000001", "50,00")
    page = text(client.get("/factures"))
    assert cells(page).rows[1][4:6] == ["24,14 €", "Partiellement payée"]
    assert "Reste à payer : <strong>24,14\u00a0€</strong>" in page
    pay(services, family_id, "FA-2026-000001", "30,00")  # 5,86 € too much: a credit
    page = text(client.get("/factures"))
    assert cells(page).rows[1][4:6] == ["0,00 €", "Payée"]
    assert "vous disposez d’un avoir de <strong>5,86\u00a0€</strong>" in page


def test_the_detail_page_and_the_pdf_say_the_same_thing(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    page = text(client.get("/factures/FA-2026-000001"))
    assert "<h1>Facture FA-2026-000001</h1>" in page
    shown = cells(page)
    lines = [row for row in shown.rows if row and row[0] in ("Léa", "Tom")]
    assert lines == [
        [
            "Léa",
            "Accueil de loisirs Les Dunes",
            "Journée avec repas : présent 2, 9, 16, 23 et 30 septembre",
            "QF de 900 à 1299",
            "5",
            "10,40 €",
            "52,00 €",
        ],
        [  # the PAI price less the second child's reduction, not the bracket's 10,40 €
            "Tom",
            "Accueil de loisirs Les Dunes",
            "Journée avec repas : présent 2, 9 et 16 septembre",
            "tarif PAI (panier-repas), réduction 2e enfant 10 %",
            "3",
            "7,38 €",
            "22,14 €",
        ],
    ]
    desk = (
        "Guichet unique de Ville de Démo-sur-Mer, Guichet unique, Hôtel de ville, 1 place de la "
        "Mairie, 99100 Démo-sur-Mer, téléphone : 05 58 00 12 34"
    )
    assert desk in flat(re.sub(r"<[^>]+>", "", page))
    assert 'href="tel:0558001234"' in page
    facts = dict(zip(shown.terms[::2], shown.terms[1::2], strict=True))
    assert facts == {
        "Période": "septembre 2026",
        "Date d’émission": "02/10/2026",
        "Date d’échéance": "01/11/2026",
        "Quotient familial": "QF 1 250 (attestation CAF, depuis le 01/01/2026)",
        "Statut": "à payer",
        "Total de la facture": "74,14 €",
        "Déjà réglé": "0,00 €",
        "Montant dû": "74,14 €",
    }
    assert 'action="/factures/FA-2026-000001/payer-en-ligne"' in page
    assert "Payer en ligne 74,14\xa0€</button>" in page  # the demo commune offers it

    response = client.get("/factures/FA-2026-000001/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="facture-FA-2026-000001.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    content = response.get_data()
    assert_tagged_pdf_ua(content)
    pdf = pdf_text(content)
    for row in lines:  # the same rows, cell after cell
        assert " ".join(row) in pdf, (row, pdf)
    for term, value in facts.items():
        assert f"{term} {value}" in pdf, (term, value, pdf)
    detail_note = re.search(r"<h2>Règlement</h2>\s*<p>([^<]+)</p>", page)
    assert detail_note is not None
    assert flat(detail_note[1]) in pdf
    for option in re.findall(r"<li><strong>([^<]+)</strong> : ([^<]+)</li>", page):
        assert flat(f"{option[0]} : {option[1]}") in pdf
    assert "Famille Martin Claire Martin 12 rue des Pins 40200 Mimizan" in pdf
    assert (
        "Guichet unique – Portail Famille Guichet unique, Hôtel de ville, 1 place de la Mairie, "
        "99100 Démo-sur-Mer Téléphone : 05 58 00 12 34 Contact : "
        "guichet-unique@demo-sur-mer.example"
    ) in pdf
    assert "ou appelez-le au 05 58 00 12 34" in pdf


def test_another_familys_invoice_answers_404_and_so_do_unknown_numbers(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    theirs = other_family_invoice(services)
    assert theirs == "FA-2026-000002"
    for path in (
        f"/factures/{theirs}",
        f"/factures/{theirs}/pdf",
        "/factures/FA-2026-000999",
        "/factures/FA-2026-000999/pdf",
        "/factures/..%2F..%2Fetc%2Fpasswd",
        "/factures/" + "9" * 5000,
        "/factures/FA-2026-000001'%20OR%201=1/pdf",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "introuvable" in text(response)
        assert "%PDF" not in response.get_data(as_text=True)
    assert theirs not in text(client.get("/factures"))
    assert client.get("/factures/FA-2026-000001").status_code == 200
    client.delete_cookie("portail_session")  # no session any more
    for path in ("/factures", "/factures/FA-2026-000001", "/factures/FA-2026-000001/pdf"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/connexion" in response.headers["Location"]


def test_a_correction_shows_the_credit_note_and_the_cancelled_invoice(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    mark_present(services, family_id, "Tom", SEPTEMBER_WEDNESDAYS[3])  # a late pointage
    assert bill_september(services).count("corrected") == 1
    page = text(client.get("/factures"))
    rows = {row[0]: row for row in cells(page).rows[1:]}
    assert rows["Facture FA-2026-000002"][5] == "À payer"
    assert rows["Avoir AV-2026-000001"][3:6] == ["-74,14 €", "0,00 €", "Avoir"]
    assert rows["Facture FA-2026-000001"][4:6] == ["0,00 €", "Annulée par avoir"]
    credit = text(client.get("/factures/AV-2026-000001"))
    assert "<h1>Avoir AV-2026-000001</h1>" in credit
    assert '<a href="/factures/FA-2026-000001">FA-2026-000001</a>' in credit
    assert "Payer en ligne" not in credit
    assert "Vous n'avez rien à payer." in credit
    response = client.get("/factures/AV-2026-000001/pdf")
    assert 'filename="avoir-AV-2026-000001.pdf"' in response.headers["Content-Disposition"]
    assert "Total de l’avoir -74,14 €" in pdf_text(response.get_data())


def test_a_family_on_direct_debit_sees_the_debit_date_instead_of_a_button(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    number = add_direct_debit_invoice(services, family_id, date(2026, 12, 5))
    page = text(client.get("/factures"))
    row = next(r for r in cells(page).rows if r[0] == f"Facture {number}")
    assert row[5] == "À payer, prélèvement le 5 décembre 2026"
    detail = text(client.get(f"/factures/{number}"))
    assert "Cette facture sera prélevée le 05/12/2026" in detail
    assert "Prélèvement automatique le <strong>05/12/2026</strong>" in detail
    assert "Payer en ligne" not in detail
    assert "Trésor public" not in detail
    assert "sera prélevée le 05/12/2026" in pdf_text(client.get(f"/factures/{number}/pdf").data)


def test_the_payment_modes_page(client: FlaskClient, family_id: int) -> None:
    page = text(client.get("/factures/modes-de-paiement"))
    assert "<h1>Modes de paiement</h1>" in page
    for words in ("PayFiP", "Trésor public", "espèces", "CESU", "ANCV", "prélèvement SEPA"):
        assert words in page
    assert "pas encore ouvert" not in page
