"""SMA requests' repository on the twin, SQLite and PostgreSQL alike (a request kept whole, its
offer and state written back, open ones by date, erased with the family); migration 0022."""

from __future__ import annotations

from datetime import date, time

import pendulum
from sqlalchemy import Engine, inspect

from adapters.persistence import downgrade, upgrade
from portail_core.domain.shared.weekdays import Weekday
from portail_core.domain.sma import SmaRequest, SmaState, WeekSlot
from tests.integration.conftest import UowFactory
from tests.integration.test_billing_repository import add_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")


def test_a_request_is_kept_whole_and_its_offer_written_back(new_uow: UowFactory) -> None:
    family_id, _ = add_family(new_uow)
    request = SmaRequest.create(
        family_id=family_id, child=None, last_name="Martin", expected_birth_date="01/08/2026",
        start_date="01/09/2026", hours={"lundi": ("8:30", "17:00")}, wishes=["SMA", "B"],
        now=NOW,
    )  # fmt: skip
    with new_uow() as uow:
        saved = uow.sma_requests.add(request)
        uow.commit()
    assert saved.id is not None
    saved.offer_place("SMA", date(2026, 9, 1), date(2026, 6, 30), NOW)
    with new_uow() as uow:
        uow.sma_requests.update(saved)
        uow.commit()
    with new_uow(read_only=True) as uow:
        found = uow.sma_requests.get(saved.id)
        assert [r.id for r in uow.sma_requests.open_requests()] == [saved.id]
        assert [r.id for r in uow.sma_requests.of_family(family_id)] == [saved.id]
    assert found is not None
    assert found.slots == (WeekSlot(Weekday.MONDAY, time(8, 30), time(17, 0)),)
    assert (found.wishes, found.state, found.child_name) == (
        ("SMA", "B"), SmaState.OFFERED, "enfant à naître (Martin)",
    )  # fmt: skip
    assert found.offer == saved.offer
    assert found.requested_at == NOW
    with new_uow() as uow:
        uow.sma_requests.delete_of_family(family_id)
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert uow.sma_requests.get(saved.id) is None


def test_0022_creates_the_requests_and_the_communes_rules(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0021")
    before = set(inspect(empty_engine).get_table_names())
    upgrade(empty_engine, "0022")
    inspector = inspect(empty_engine)
    assert set(inspector.get_table_names()) == before | {"sma_requests"}
    columns = {c["name"] for c in inspector.get_columns("communes")}
    assert {"sma_criteria", "sma_confirm_months", "sma_grace_days"} <= columns
    downgrade(empty_engine, "0021")
    inspector = inspect(empty_engine)
    assert set(inspector.get_table_names()) == before
    assert "sma_criteria" not in {c["name"] for c in inspector.get_columns("communes")}
