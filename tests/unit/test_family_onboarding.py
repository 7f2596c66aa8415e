"""Onboarding a town (issue 18), without a database: reading the export (every problem at its
line), a family written to the format and read back equals itself, the import's rules on the
in-memory unit of work (a re-import changes nothing, a changed line updates its family, what the
portal holds beyond the file stays), and the paced opening of the accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import FixedClock
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.onboarding_csv import (
    decode_export,
    read_onboarding_csv,
)
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.domain.dossiers.family import DocumentType, Family, SupportingDocument
from portail_core.errors import InvalidInput
from portail_core.services.accounts.batch_opening import Pacing, open_complete_accounts
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.onboarding import (
    OnboardingOutcome,
    onboard_families,
    same_dossier,
)
from tests.unit.onboarding_rows import COLUMNS, complete_line, fr
from tests.unit.reservation_world import DESK, demo_catalogue

NOW = pendulum.datetime(2026, 10, 5, 9, 0, tz="Europe/Paris")
TODAY = date(2026, 10, 5)
YEAR = SchoolYear.containing(TODAY)


def row(**values: str) -> dict[str, str]:
    return complete_line(TODAY, **values)


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ';"\n') else text

    lines = [";".join(COLUMNS)] + [";".join(cell(r[c]) for c in COLUMNS) for r in rows]
    return "\r\n".join(lines).encode("utf-8")


def catalogued_store() -> InMemoryStore:
    """An empty town with the demo commune's catalogue."""
    store = InMemoryStore()
    details, catalogue = demo_catalogue()
    load_catalogue(InMemoryUnitOfWork(store), details, catalogue, actor=DESK, clock=FixedClock(NOW))
    return store


@pytest.fixture
def store() -> InMemoryStore:
    return catalogued_store()


def onboard(store: InMemoryStore, rows: list[dict[str, str]], *, dry_run: bool = False) -> Any:
    parsed = read_onboarding_csv(csv_bytes(rows), TODAY)
    assert parsed.problems == ()
    return onboard_families(
        InMemoryUnitOfWork(store),
        parsed.dossiers,
        source="export.csv",
        actor=DESK,
        clock=FixedClock(NOW),
        dry_run=dry_run,
    )


def families_of(store: InMemoryStore) -> list[Family]:
    with InMemoryUnitOfWork(store, read_only=True) as uow:
        return list(uow.families.each())


# ---------------------------------------------------------------- reading the export


def test_every_problem_is_reported_with_its_line_and_the_family_refused_whole() -> None:
    rows = [
        row(),
        row(enfant_prenom="Lou", enfant_naissance="31/02/2020", enfant_vaccins_a_jour="peut-être"),
        row(famille="F2", nom_foyer="Petit", resp1_cp="ABCDE", qf="beaucoup"),
        row(famille="F3", nom_foyer="Roux"),
    ]
    parsed = read_onboarding_csv(csv_bytes(rows), TODAY)
    assert [d.reference for d in parsed.dossiers] == ["F3"]
    assert parsed.refused == {"F1", "F2"}
    found = [(ref, p.line, p.message.split(" :")[0]) for ref, p in parsed.problems]
    assert ("F1", 3, "enfant_naissance") in found
    assert ("F1", 3, "enfant_vaccins_a_jour") in found
    assert ("F2", 4, "resp1_cp") in found
    assert ("F2", 4, "qf") in found


def test_a_family_whose_lines_disagree_is_refused_naming_the_columns() -> None:
    rows = [row(), row(enfant_prenom="Lou", habitant="non", enfant_naissance="12/09/2020")]
    parsed = read_onboarding_csv(csv_bytes(rows), TODAY)
    assert parsed.dossiers == ()
    [(reference, problem)] = parsed.problems
    assert (reference, problem.line) == ("F1", 3)
    assert "d'autres valeurs : habitant" in problem.message


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("é".encode(), "UTF-8"),
        (b"\xef\xbb\xbf" + "é".encode(), "UTF-8"),
        ("é".encode("cp1252"), "Windows-1252"),
    ],
)
def test_utf8_with_or_without_bom_and_windows_1252_are_decoded(data: bytes, encoding: str) -> None:
    assert decode_export(data) == ("é", encoding)


def test_bytes_of_no_known_encoding_are_refused_in_french() -> None:
    with pytest.raises(InvalidInput, match="Encodage illisible"):
        decode_export(b"\x81\x8d")


def test_a_header_with_missing_or_unknown_columns_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_onboarding_csv(b"famille;nom_foyr\nF1;Durand\n", TODAY)
    assert "colonnes manquantes" in refused.value.problems
    assert refused.value.problems["colonnes inconnues"] == "nom_foyr"


def test_the_mandate_keeps_its_rum_and_signature_date() -> None:
    mandate = {
        "mandat_rum": "ANCIEN-000042",
        "mandat_titulaire": "Anne Durand",
        "mandat_iban": "FR76 3000 6000 0112 3456 7890 189",
        "mandat_signe_le": "15/03/2019",
    }
    [dossier] = read_onboarding_csv(csv_bytes([row(**mandate)]), TODAY).dossiers
    assert dossier.family.mandate is not None
    assert dossier.family.mandate.rum == "ANCIEN-000042"
    assert dossier.family.mandate.signed_on == date(2019, 3, 15)


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçëô", min_size=2, max_size=12).map(
    str.capitalize
)
yes_no = st.sampled_from(["oui", "non", ""])


@st.composite
def family_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """A family of 1 to 3 children, each value drawn among the valid ones."""
    last = draw(names)
    family = row(
        famille=draw(st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True)),
        nom_foyer=last,
        habitant=draw(st.sampled_from(["oui", "non"])),
        resp1_prenom=draw(names),
        resp1_nom=last,
        resp1_lien=draw(st.sampled_from(["mère", "père", "tuteur", "autre"])),
        resp1_adresse=f"{draw(st.integers(1, 300))} rue {draw(names)}",
        qf=draw(st.sampled_from(["", str(draw(st.integers(0, 99_999)))])),
        tarif_plus_eleve="",
        domicile_fourni_le="",
        domicile_valable_jusquau="",
        assurance_valable_jusquau=draw(st.sampled_from(["", fr(YEAR.last_day)])),
    )
    if not family["qf"]:
        family |= {"qf_source": "", "qf_date": ""}
    firsts = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    children = []
    for first in firsts:
        has_pai = draw(yes_no)
        children.append(
            family
            | {
                "enfant_prenom": first,
                "enfant_nom": last,
                "enfant_naissance": fr(draw(st.dates(date(2010, 1, 1), TODAY))),
                "enfant_sexe": draw(st.sampled_from(["F", "M", ""])),
                "enfant_vaccins_a_jour": draw(yes_no),
                "enfant_pai": has_pai,
                "enfant_pai_jusquau": fr(YEAR.last_day) if has_pai == "oui" else "",
                "enfant_pai_consignes": "Trousse; « urgence »" if has_pai == "oui" else "",
                "enfant_regime": draw(st.sampled_from(["aucun", "sans porc", "végétarien"])),
                "enfant_photos": draw(yes_no),
                "enfant_inscriptions": draw(st.sampled_from(["", "EMS:NATATION"])),
            }
        )
    return children


def written(family: Family, reference: str) -> list[dict[str, str]]:
    """The family written back to the format, as the previous software would export it."""
    main = family.main_guardian
    quotient = family.quotient
    base = row(
        famille=reference,
        nom_foyer=family.name,
        habitant="oui" if family.resident else "non",
        resp1_prenom=main.first_name,
        resp1_nom=main.last_name,
        resp1_lien=main.relationship.value,
        resp1_adresse=main.address.street if main.address else "",
        qf=str(quotient.value) if quotient else "",
        qf_source=quotient.source.value if quotient else "",
        qf_date=fr(quotient.valid_from) if quotient else "",
        domicile_fourni_le="",
        domicile_valable_jusquau="",
        assurance_valable_jusquau=fr(family.insurance_valid_until)
        if family.insurance_valid_until
        else "",
    )

    def answer(value: bool | None) -> str:
        return "" if value is None else ("oui" if value else "non")

    return [
        base
        | {
            "enfant_prenom": child.first_name,
            "enfant_nom": child.last_name,
            "enfant_naissance": fr(child.birth_date),
            "enfant_sexe": child.sex.value if child.sex else "",
            "enfant_vaccins_a_jour": answer(child.vaccinations_up_to_date),
            "enfant_pai": answer(child.pai.has_pai if child.pai else None),
            "enfant_pai_jusquau": fr(child.pai.valid_until)
            if child.pai and child.pai.valid_until
            else "",
            "enfant_pai_consignes": child.pai.instructions if child.pai else "",
            "enfant_regime": child.diet.kind.value,
            "enfant_photos": "oui" if child.authorizations.photos else "",
            "enfant_inscriptions": " | ".join(f"{e}:{u}" for e, u in sorted(child.enrolments)),
        }
        for child in family.children
    ]


@settings(max_examples=60, deadline=None)
@given(family_rows())
def test_a_family_written_to_the_format_and_read_back_equals_itself(
    rows: list[dict[str, str]],
) -> None:
    [first] = read_onboarding_csv(csv_bytes(rows), TODAY).dossiers
    [again] = read_onboarding_csv(csv_bytes(written(first.family, first.reference)), TODAY).dossiers
    assert again.reference == first.reference
    assert same_dossier(again.family, first.family)


# ---------------------------------------------------------------- the import's rules


def test_a_reimport_changes_nothing_and_a_changed_line_updates_only_its_family(
    store: InMemoryStore,
) -> None:
    town = [row(), row(famille="F2", nom_foyer="Petit", enfant_prenom="Hugo")]
    assert onboard(store, town).count(OnboardingOutcome.ADDED) == 2
    before = families_of(store)
    again = onboard(store, town)
    assert again.count(OnboardingOutcome.UNCHANGED) == 2
    assert all(same_dossier(a, b) for a, b in zip(families_of(store), before, strict=True))

    town[1] = town[1] | {"resp1_tel": "06 22 22 22 22"}
    changed = onboard(store, town)
    assert [o for _, o, _ in changed.outcomes] == [
        OnboardingOutcome.UNCHANGED,
        OnboardingOutcome.UPDATED,
    ]
    after = families_of(store)
    assert after[1].main_guardian.phones == ("+33622222222",)
    assert after[1].children[0].id == before[1].children[0].id


def test_what_the_portal_holds_beyond_the_file_stays(store: InMemoryStore) -> None:
    onboard(store, [row()])
    with InMemoryUnitOfWork(store) as uow:
        [family] = list(uow.families.each())
        family.add_document(SupportingDocument(DocumentType.CAF_ATTESTATION, "a" * 32, NOW, None))
        uow.families.update(family, NOW)
        uow.commit()
    result = onboard(store, [row(), row(enfant_prenom="Lou", enfant_naissance="12/09/2020")])
    assert result.count(OnboardingOutcome.UPDATED) == 1
    [family] = families_of(store)
    assert [d.kind for d in family.documents] == [
        DocumentType.PROOF_OF_ADDRESS,
        DocumentType.CAF_ATTESTATION,
    ]
    assert [c.first_name for c in family.children] == ["Jules", "Lou"]


def test_an_unknown_school_or_activity_refuses_the_family_at_its_line(
    store: InMemoryStore,
) -> None:
    rows = [row(), row(famille="F2", enfant_ecole="LUNE", enfant_inscriptions="EMS:VOILE")]
    parsed = read_onboarding_csv(csv_bytes(rows), TODAY)
    report = onboard_families(
        InMemoryUnitOfWork(store),
        parsed.dossiers,
        source="x",
        actor=DESK,
        clock=FixedClock(NOW),
    )
    [(reference, problems)] = report.refusals
    assert reference == "F2"
    assert [(p.line, p.message.split(" :")[0]) for p in problems] == [
        (3, "enfant_ecole"),
        (3, "enfant_inscriptions"),
    ]
    assert len(families_of(store)) == 1


def test_a_dry_run_records_nothing(store: InMemoryStore) -> None:
    report = onboard(store, [row()], dry_run=True)
    assert report.count(OnboardingOutcome.ADDED) == 1
    assert not report.recorded
    assert families_of(store) == []


# ---------------------------------------------------------------- the accounts, paced


def complete_and_one_incomplete(complete: int) -> list[dict[str, str]]:
    """``complete`` families with their own e-mail addresses, then Blanc, without insurance."""
    rows = [
        row(famille=f"F{n}", nom_foyer=f"Famille{n}", resp1_email=f"f{n}@example.fr")
        for n in range(1, complete + 1)
    ]
    return [*rows, row(famille="F9", nom_foyer="Blanc", assurance_valable_jusquau="")]


def test_accounts_open_for_complete_dossiers_with_emails_spread_at_the_pace(
    store: InMemoryStore,
) -> None:
    rows = complete_and_one_incomplete(5)
    onboard(store, rows)
    opened = open_complete_accounts(
        InMemoryUnitOfWork(store),
        school_year=YEAR,
        public_url="https://portail.example.fr",
        actor=DESK,
        clock=FixedClock(NOW),
        per_minute=4,
    )
    assert len(opened.opened) == 5
    [incomplete] = opened.incomplete
    assert incomplete.name == "Blanc"
    assert "Assurance" in incomplete.missing[0]
    with InMemoryUnitOfWork(store, read_only=True) as uow:
        due = [m.next_attempt_at for m in uow.outbox.listing(100)]
    assert sorted((d - NOW).total_seconds() for d in due if d is not None) == [
        0,
        15,
        30,
        45,
        60,
    ]


def test_a_pace_out_of_bounds_is_refused_in_french(store: InMemoryStore) -> None:
    with pytest.raises(InvalidInput, match="courriels par minute"):
        open_complete_accounts(
            InMemoryUnitOfWork(store),
            school_year=YEAR,
            public_url="https://x",
            actor=DESK,
            clock=FixedClock(NOW),
            per_minute=0,
        )


def test_opening_in_the_same_pass_opens_what_the_batch_would_open_afterwards(
    store: InMemoryStore,
) -> None:
    rows = complete_and_one_incomplete(4)
    later = catalogued_store()
    onboard(later, rows)
    afterwards = open_complete_accounts(
        InMemoryUnitOfWork(later),
        school_year=YEAR,
        public_url="https://portail.example.fr",
        actor=DESK,
        clock=FixedClock(NOW),
        per_minute=4,
    )
    parsed = read_onboarding_csv(csv_bytes(rows), TODAY)
    report = onboard_families(
        InMemoryUnitOfWork(store),
        parsed.dossiers,
        source="export.csv",
        actor=DESK,
        clock=FixedClock(NOW),
        open_accounts=Pacing(YEAR, "https://portail.example.fr", per_minute=4),
    )
    assert report.opening is not None
    assert report.opening.opened == afterwards.opened
    assert report.opening.incomplete == afterwards.incomplete

    def activation_emails(of: InMemoryStore) -> list[tuple[str, Any]]:
        with InMemoryUnitOfWork(of, read_only=True) as uow:
            return sorted((m.to, m.next_attempt_at) for m in uow.outbox.listing(100))

    assert activation_emails(store) == activation_emails(later)


def test_a_dry_run_opening_in_the_same_pass_counts_and_records_nothing(
    store: InMemoryStore,
) -> None:
    rows = [row(famille=f"F{n}", nom_foyer=f"Famille{n}") for n in range(1, 4)]
    parsed = read_onboarding_csv(csv_bytes(rows), TODAY)
    report = onboard_families(
        InMemoryUnitOfWork(store),
        parsed.dossiers,
        source="export.csv",
        actor=DESK,
        clock=FixedClock(NOW),
        dry_run=True,
        open_accounts=Pacing(YEAR, "https://portail.example.fr"),
    )
    assert report.opening is not None
    assert (len(report.opening.opened), report.opening.recorded) == (3, False)
    assert families_of(store) == []
    with InMemoryUnitOfWork(store, read_only=True) as uow:
        assert uow.outbox.listing(100) == []
