"""The lottery and the campaign's settings: reproducible tickets, the published hash, the
classes of priority, the states of a campaign, the French errors of the commune file."""

from __future__ import annotations

import hashlib
from datetime import date

import pendulum
import pytest

from portail_core.domain.allocation import (
    Campaign,
    CampaignSettings,
    CampaignState,
    FamilyStanding,
    class_labels,
    lottery_order,
    new_seed,
    priority_class,
    seed_hash,
    ticket,
)

SEED = "0f" * 32
PARIS = "Europe/Paris"


def test_a_ticket_is_the_sha256_of_the_seed_and_the_family_number() -> None:
    expected = hashlib.sha256(bytes.fromhex(SEED) + b"famille:42").hexdigest()
    assert ticket(SEED, 42) == expected
    assert seed_hash(SEED) == hashlib.sha256(bytes.fromhex(SEED)).hexdigest()


def test_the_order_depends_on_the_seed_not_on_the_order_of_the_families() -> None:
    families = list(range(1, 200))
    assert lottery_order(SEED, families) == lottery_order(SEED, reversed(families))
    assert lottery_order(SEED, families) != lottery_order("10" * 32, families)
    assert sorted(lottery_order(SEED, families)) == families


def test_a_new_seed_is_32_random_bytes() -> None:
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(bytes.fromhex(s)) == 32 for s in seeds)


def test_the_first_criterion_met_gives_the_class() -> None:
    rules = ("residence", "siblings_placed", "both_parents_working")
    assert priority_class(FamilyStanding(True, True, True), rules) == 1
    assert priority_class(FamilyStanding(False, True, False), rules) == 2
    assert priority_class(FamilyStanding(False, False, True), rules) == 3
    assert priority_class(FamilyStanding(False, False, False), rules) == 4
    assert class_labels(rules)[4] == "les autres familles"


def settings(**changed: object) -> CampaignSettings:
    given: dict[str, object] = {
        "code": "ETE2027",
        "label": "Été 2027",
        "establishment_code": "ALSH",
        "first_day": date(2027, 7, 5),
        "last_day": date(2027, 8, 27),
        "requests_from": pendulum.datetime(2027, 5, 1, 8, tz=PARIS),
        "requests_until": pendulum.datetime(2027, 5, 15, 18, tz=PARIS),
        "priorities": ["residence", "siblings_placed"],
    }
    return CampaignSettings.create(**{**given, **changed})  # type: ignore[arg-type]


def test_a_campaign_goes_from_upcoming_to_published() -> None:
    campaign = Campaign(settings())
    assert campaign.state(pendulum.datetime(2027, 4, 30, tz=PARIS)) is CampaignState.UPCOMING
    assert campaign.state(pendulum.datetime(2027, 5, 10, tz=PARIS)) is CampaignState.OPEN
    after = pendulum.datetime(2027, 5, 16, tz=PARIS)
    assert campaign.state(after) is CampaignState.CLOSED
    assert campaign.holds_day(date(2027, 7, 5))
    campaign.drawn_at = after
    assert campaign.state(after).label == "tirée"
    campaign.published_at = after
    assert campaign.state(after) is CampaignState.PUBLISHED
    assert not campaign.holds_day(date(2027, 7, 5))


@pytest.mark.parametrize(
    ("changed", "key"),
    [
        ({"code": "été"}, "code"),
        ({"label": " "}, "label"),
        ({"last_day": date(2027, 7, 1)}, "last_day"),
        ({"last_day": date(2027, 12, 1)}, "last_day"),
        ({"requests_until": pendulum.datetime(2027, 4, 1, tz=PARIS)}, "requests_until"),
        ({"requests_until": pendulum.datetime(2027, 7, 6, tz=PARIS)}, "requests_until"),
        ({"priorities": ["residence", "residence"]}, "priorities"),
        ({"priorities": ["richesse"]}, "priorities"),
        ({"max_days_per_child": 0}, "max_days_per_child"),
    ],
)
def test_wrong_settings_name_their_key_in_french(changed: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match=f"^{key}: "):
        settings(**changed)
