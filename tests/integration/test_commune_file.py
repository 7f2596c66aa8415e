"""Reading commune files: the demo town, and malformed files whose every error is located."""

from importlib.resources import files

import pytest

from adapters.commune_file import read_commune_file
from portail_core.domain.billing.consumption import BillingRules
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.catalogue.establishments import DayKind, ServiceKind
from portail_core.domain.shared.money import Money
from portail_core.errors import InvalidInput

DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")

MINIMAL = """\
[commune]
insee_code = "99001"
name = "Ville"
school_zone = "A"
contact_email = "guichet@ville.example"

[[schools]]
code = "PLAGE"
name = "École de la Plage"
address = "1 rue"

[[establishments]]
code = "APS"
name = "APS"
kind = "APS"
school = "PLAGE"
address = "1 rue"
contact_email = "aps@ville.example"

[establishments.booking]
booking_deadline = { rule = "days_before", days = 2, at = "12:00" }
cancellation_deadline = { rule = "none" }

[[establishments.units]]
code = "MATIN"
label = "Matin"
days = ["school_days"]
start = "07:30"
end = "08:50"
places = 40
tariffs = [
  { valid_from = 2025-09-01, brackets = [
    { qf_max = 700, resident = "1,10", non_resident = "2,20" },
    { qf_min = 700, resident = "1,60", non_resident = "3,20" },
  ] },
]
"""


def errors_of(text: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        read_commune_file(text)
    assert "rien n'est chargé" in caught.value.message or "TOML" in caught.value.message
    return caught.value.problems


def test_the_demo_file_describes_the_demo_town() -> None:
    demo = read_commune_file(DEMO)
    assert demo.details.name == "Ville de Démo-sur-Mer"
    assert demo.details.school_zone == "A"
    kinds = [e.kind for e in demo.catalogue.establishments]
    assert kinds.count(ServiceKind.APS) == 2
    assert kinds.count(ServiceKind.RESTAURATION) == 2
    assert {ServiceKind.ALSH, ServiceKind.EMS, ServiceKind.SMA} <= set(kinds)
    ems = demo.catalogue.establishment("EMS")
    assert ems is not None
    assert len(ems.units) == 2
    meal = demo.catalogue.establishment("CANTINE-PLAGE")
    assert meal is not None
    tariff = meal.units[0].tariff_on(meal.units[0].tariffs[0].valid_from)
    assert tariff is not None
    assert tariff.bracket_for(1000).resident == Money.from_euros("4,15")


def test_a_minimal_file_reads_with_its_defaults() -> None:
    content = read_commune_file(MINIMAL)
    unit = content.catalogue.establishments[0].units[0]
    assert unit.days == frozenset({DayKind.SCHOOL_DAYS})
    assert unit.places == 40
    assert not unit.with_meal
    assert content.details.school_weekdays is None


def test_every_error_of_a_malformed_file_is_reported_at_once_with_its_place() -> None:
    broken = (
        MINIMAL.replace('school_zone = "A"', 'school_zone = "D"')
        .replace('school = "PLAGE"', 'school = "NULLE-PART"')
        .replace('end = "08:50"', 'end = "07:00"')
        .replace("qf_min = 700,", "qf_min = 800,")
    )
    problems = errors_of(broken)
    assert problems == {
        "commune > school_zone (ligne 4)": "La zone scolaire est A, B ou C.",
        "establishments n°1 « APS » > school (ligne 16)": "école inconnue : « NULLE-PART »",
        "establishments n°1 « APS » > units n°1 « MATIN » > end (ligne 29)": (
            "l'heure de fin doit suivre l'heure de début"
        ),
        "establishments n°1 « APS » > units n°1 « MATIN » > tariffs n°1 (ligne 31)": (
            "les tranches « QF inférieur à 700 » et « QF à partir de 800 » se chevauchent ou "
            "laissent un trou"
        ),
    }


def test_type_errors_in_several_tables_are_all_reported() -> None:
    broken = (
        MINIMAL.replace('address = "1 rue"', "address = 1", 1)
        .replace('resident = "1,10"', "resident = 1.10")
        .replace("days = 2,", "days = -2,")
        .replace('rule = "none"', 'rule = "jamais"')
    )
    problems = errors_of(broken)
    assert problems["schools n°1 « PLAGE » > address (ligne 10)"] == (
        "du texte est attendu, entre guillemets"
    )
    resident = (
        "establishments n°1 « APS » > units n°1 « MATIN » > tariffs n°1 > brackets n°1 > "
        "resident (ligne 31)"
    )
    assert problems[resident] == 'un montant s\'écrit entre guillemets, ex. "3,20"'
    assert problems["establishments n°1 « APS » > booking > booking_deadline (ligne 21)"] == (
        "doit être compris entre 0 et 366 jours"
    )
    assert (
        "règle de délai inconnue : « jamais »"
        in problems["establishments n°1 « APS » > booking > cancellation_deadline (ligne 22)"]
    )


def test_unknown_keys_and_tables_are_errors_not_silently_ignored() -> None:
    problems = errors_of(
        MINIMAL.replace('label = "Matin"', 'label = "Matin"\ncolor = "red"') + "\n[extra]\nx = 1\n"
    )
    assert problems["fichier"] == "table(s) inconnue(s) : extra"
    assert problems["establishments n°1 « APS » > units n°1 « MATIN » (ligne 24)"] == (
        "clé(s) inconnue(s) : color"
    )


def test_missing_keys_and_missing_booking_rules_are_named() -> None:
    without_booking = (
        MINIMAL.split("[establishments.booking]")[0]
        + MINIMAL.split('cancellation_deadline = { rule = "none" }\n')[1]
    )
    problems = errors_of(without_booking.replace('contact_email = "guichet@ville.example"\n', ""))
    assert problems["commune > contact_email (ligne 1)"] == "clé obligatoire manquante"
    assert (
        "délais de réservation et d'annulation manquants"
        in problems["establishments n°1 « APS » > booking (ligne 11)"]
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[commune\nname = 1", "syntaxe"),
        ("", "commune"),
        ('[commune]\nname = "\x00"', "ligne 2"),
        ('[commune]\nname = "\\u0000"', "commune > name"),
        ('[commune]\nname = "Mimi\u202ezan"', "ligne 2"),
        ('[commune]\nname = "Mimi\\u202ezan"', "commune > name"),
    ],
)
def test_hostile_or_empty_files_are_refused_clearly(text: str, key: str) -> None:
    problems = errors_of(text)
    assert any(key in place for place in problems)


def test_a_huge_file_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidInput, match="trop gros"):
        read_commune_file("#" * (3 * 1024 * 1024))


def test_floats_never_become_prices() -> None:
    problems = errors_of(MINIMAL.replace('non_resident = "2,20"', "non_resident = 2.2"))
    assert any("entre guillemets" in message for message in problems.values())


def test_places_stay_right_when_an_earlier_table_failed_to_read() -> None:
    broken_first = MINIMAL.replace(
        "[[establishments]]",
        '[[establishments]]\ncode = "BAD"\nname = "B"\nkind = "PISCINE"\naddress = "x"\n'
        'contact_email = "b@ville.example"\n\n[[establishments]]',
        1,
    ).replace('school = "PLAGE"', 'school = "NULLE-PART"')
    problems = errors_of(broken_first)
    assert (
        "valeur inconnue : « PISCINE »" in problems["establishments n°1 « BAD » > kind (ligne 15)"]
    )
    assert problems["establishments n°2 « APS » > school (ligne 23)"] == (
        "école inconnue : « NULLE-PART »"
    )


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("commune = 1", "commune (ligne 1)"),
        ("schools = [1, 2]\n" + MINIMAL.split("[[schools]]")[0], "schools n°2 (ligne 1)"),
        (
            'establishments = ["APS"]\n' + MINIMAL.split("[[schools]]")[0],
            "establishments n°1 (ligne 1)",
        ),
    ],
)
def test_a_value_that_is_not_a_table_is_located(text: str, place: str) -> None:
    problems = errors_of(text)
    assert problems[place] == "une table est attendue (un en-tête [...] suivi de clés)"


def test_times_with_seconds_are_refused_rather_than_silently_rounded() -> None:
    problems = errors_of(MINIMAL.replace('start = "07:30"', "start = 07:30:15"))
    assert problems["establishments n°1 « APS » > units n°1 « MATIN » > start (ligne 28)"] == (
        'une heure s\'écrit "HH:MM", sans secondes'
    )


def test_codes_lengths_and_emails_are_checked_before_the_database_sees_them() -> None:
    problems = errors_of(
        MINIMAL.replace('code = "MATIN"', 'code = "Matin du lundi ?"')
        .replace('name = "APS"', f'name = "{"A" * 201}"')
        .replace('contact_email = "aps@ville.example"', 'contact_email = "pas-une-adresse"')
    )
    assert any("un code s'écrit en majuscules" in message for message in problems.values())
    assert any(message == "200 caractères au plus" for message in problems.values())
    assert any(message == "adresse e-mail invalide" for message in problems.values())


def with_booking_keys(keys: str) -> str:
    return MINIMAL.replace(
        'cancellation_deadline = { rule = "none" }',
        'cancellation_deadline = { rule = "none" }\n' + keys,
    )


def test_the_waiting_list_is_automatic_unless_the_town_chooses_offers() -> None:
    default = read_commune_file(MINIMAL).catalogue.establishments[0].units[0].rules.waiting_list
    assert default == WaitingListPolicy(PromotionMode.AUTOMATIC, 48)
    chosen = read_commune_file(with_booking_keys('waiting_list = "offer"\noffer_hours = 24'))
    rules = chosen.catalogue.establishments[0].units[0].rules
    assert rules.waiting_list == WaitingListPolicy(PromotionMode.OFFER, 24)
    offer = read_commune_file(with_booking_keys('waiting_list = "offer"'))
    assert offer.catalogue.establishments[0].units[0].rules.waiting_list.offer_hours == 48


def test_a_unit_s_own_booking_table_sets_its_own_waiting_list() -> None:
    text = MINIMAL.replace(
        "places = 40",
        'places = 40\nbooking = { booking_deadline = { rule = "none" }, cancellation_deadline = '
        '{ rule = "none" }, waiting_list = "offer", offer_hours = 12 }',
    )
    unit = read_commune_file(text).catalogue.establishments[0].units[0]
    assert unit.rules.waiting_list == WaitingListPolicy(PromotionMode.OFFER, 12)


@pytest.mark.parametrize(
    ("keys", "key", "message"),
    [
        (
            'waiting_list = "plus tard"',
            "waiting_list (ligne 23)",
            "valeur inconnue : « plus tard »",
        ),
        ('waiting_list = "offer"\noffer_hours = 0', "offer_hours (ligne 24)", "de 1 à 720 heures"),
        ('waiting_list = "offer"\noffer_hours = 721', "offer_hours (ligne 24)", "1 à 720 heures"),
        ('waiting_list = "offer"\noffer_hours = "48"', "offer_hours (ligne 24)", "nombre entier"),
        ("offer_hours = 24", "offer_hours (ligne 23)", 'qu\'avec waiting_list = "offer"'),
        ('waiting_list = "automatic"\noffer_hours = 24', "offer_hours (ligne 24)", "qu'avec"),
    ],
)
def test_a_wrong_waiting_list_policy_is_located(keys: str, key: str, message: str) -> None:
    problems = errors_of(with_booking_keys(keys))
    assert message in problems[f"establishments n°1 « APS » > booking > {key}"]


def test_offer_hours_on_a_unit_without_offers_is_located_in_the_unit() -> None:
    text = MINIMAL.replace(
        "places = 40",
        'places = 40\nbooking = { booking_deadline = { rule = "none" }, cancellation_deadline = '
        '{ rule = "none" }, offer_hours = 12 }',
    )
    problems = errors_of(text)
    place = "establishments n°1 « APS » > units n°1 « MATIN » > booking > offer_hours (ligne 31)"
    assert "qu'avec waiting_list" in problems[place]


def with_billing(keys: str) -> str:
    """MINIMAL with an ``[establishments.billing]`` table holding ``keys``, from line 24."""
    return MINIMAL.replace(
        "\n[[establishments.units]]",
        f"\n[establishments.billing]\n{keys}\n\n[[establishments.units]]",
    )


def test_billing_rules_default_to_the_common_regulation() -> None:
    unit = read_commune_file(MINIMAL).catalogue.establishments[0].units[0]
    assert unit.billing == BillingRules(1, True, True)
    assert unit.billing.describe()[0] == (
        "absence justifiée : 1 premier jour facturé, puis gratuite"
    )


def test_an_establishment_s_billing_table_applies_to_its_units_unless_one_has_its_own() -> None:
    text = with_billing(
        "justified_absence_billed_days = 0\nunjustified_absence_billed = false\n"
        "unbooked_presence_surcharge = false"
    )
    unit = read_commune_file(text).catalogue.establishments[0].units[0]
    assert unit.billing == BillingRules(0, False, False)
    # a unit's own table replaces the establishment's whole: its missing keys take the defaults
    own = text.replace(
        "places = 40", "places = 40\nbilling = { justified_absence_billed_days = 3 }"
    )
    unit = read_commune_file(own).catalogue.establishments[0].units[0]
    assert unit.billing == BillingRules(3, True, True)
    assert "3 premiers jours facturés" in unit.billing.describe()[0]


def test_the_demo_town_writes_its_alsh_rule_explicitly() -> None:
    assert "[establishments.billing]\njustified_absence_billed_days = 1" in DEMO
    alsh = read_commune_file(DEMO).catalogue.establishment("ALSH")
    assert alsh is not None
    assert {u.billing for u in alsh.units} == {BillingRules(1, True, True)}


@pytest.mark.parametrize(
    ("keys", "key", "message"),
    [
        (
            "justified_absence_billed_days = 32",
            "justified_absence_billed_days (ligne 25)",
            "0 à 31",
        ),
        (
            "justified_absence_billed_days = -1",
            "justified_absence_billed_days (ligne 25)",
            "0 à 31",
        ),
        (
            'justified_absence_billed_days = "1"',
            "justified_absence_billed_days (ligne 25)",
            "nombre entier",
        ),
        ('unjustified_absence_billed = "oui"', "unjustified_absence_billed (ligne 25)", "true ou"),
        ("unbooked_presence_surcharge = 1", "unbooked_presence_surcharge (ligne 25)", "true ou"),
    ],
)
def test_a_wrong_billing_rule_is_located(keys: str, key: str, message: str) -> None:
    problems = errors_of(with_billing(keys))
    assert message in problems[f"establishments n°1 « APS » > billing > {key}"]


def test_an_unknown_billing_key_is_named_and_a_unit_s_error_is_located_in_the_unit() -> None:
    problems = errors_of(with_billing("carence = 2"))
    assert problems["establishments n°1 « APS » > billing (ligne 24)"] == (
        "clé(s) inconnue(s) : carence"
    )
    text = MINIMAL.replace(
        "places = 40", "places = 40\nbilling = { justified_absence_billed_days = 99 }"
    )
    problems = errors_of(text)
    [(place, message)] = problems.items()
    assert place.startswith(
        "establishments n°1 « APS » > units n°1 « MATIN » > billing > justified_absence_billed_days"
    )
    assert "0 à 31" in message


def test_the_town_may_refuse_bookings_above_an_unpaid_balance() -> None:
    rules = read_commune_file(MINIMAL).catalogue.establishments[0].units[0].rules
    assert rules.unpaid_balance_limit is None  # no limit unless the town sets one
    limited = read_commune_file(with_booking_keys('unpaid_balance_limit = "150,00"'))
    unit = limited.catalogue.establishments[0].units[0]
    assert unit.rules.unpaid_balance_limit == Money.from_euros("150")


def test_the_demo_town_pays_online_through_payfip_in_test_mode() -> None:
    payfip = read_commune_file(DEMO).details.payfip
    assert payfip is not None
    assert (payfip.enabled, payfip.numcli, payfip.saisie, payfip.days_after_due) == (
        True,
        "123456",
        "T",
        0,
    )


def test_without_a_payfip_table_there_is_no_online_payment() -> None:
    assert read_commune_file(MINIMAL).details.payfip is None


def test_a_payfip_table_reads_its_defaults_online_payment_staying_off() -> None:
    payfip = read_commune_file(MINIMAL + '\n[payfip]\nnumcli = "654321"\n').details.payfip
    assert payfip is not None
    assert (payfip.enabled, payfip.saisie, payfip.days_after_due) == (False, "T", 0)


@pytest.mark.parametrize(
    ("keys", "place", "message"),
    [
        ('numcli = "12345"', "payfip > numcli", "6 chiffres"),
        ('numcli = "123456"\nsaisie = "Z"', "payfip > saisie", "T (test), X (activation) ou W"),
        ('numcli = "123456"\ndays_after_due = 91', "payfip > days_after_due", "de 0 à 90"),
        ('numcli = "123456"\nsecret = "x"', "payfip", "secret"),
        ("numcli = 123456", "payfip > numcli", "du texte est attendu, entre guillemets"),
    ],
)
def test_a_wrong_payfip_table_is_located(keys: str, place: str, message: str) -> None:
    problems = errors_of(MINIMAL + f"\n[payfip]\n{keys}\n")
    found = {k: v for k, v in problems.items() if k.startswith(place)}
    assert found, problems
    assert any(message in v or message in k for k, v in found.items()), problems
