"""The commune file's ``[sma]`` table: the commission's criteria in order and the waiting
list's confirmation, read into the commune's SMA settings (defaults without the table); wrong
values refused in French with their line, nothing loaded."""

from __future__ import annotations

from importlib.resources import files

from adapters.commune_file import read_commune_file
from portail_core.domain.sma import SmaSettings
from portail_core.services.communes import commune_from
from tests.integration.test_commune_file import MINIMAL
from tests.integration.test_commune_file_school_map import errors_of, line_of

DEMO = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")


def test_without_the_table_the_defaults_apply() -> None:
    details = read_commune_file(MINIMAL).details
    assert details.sma is None
    assert commune_from(details).sma == SmaSettings()


def test_the_table_is_read_into_the_communes_settings() -> None:
    text = MINIMAL + '\n[sma]\ncriteria = ["start_date", "residence"]\nconfirm_months = 3\n'
    commune = commune_from(read_commune_file(text).details)
    assert commune.sma == SmaSettings(("start_date", "residence"), 3, 30)
    assert commune_from(read_commune_file(DEMO).details).sma == SmaSettings()


def test_wrong_values_are_refused_with_their_line() -> None:
    text = MINIMAL + '\n[sma]\ncriteria = ["residence", "age"]\n'
    where = f"sma > criteria (ligne {line_of(text, 'criteria = ')})"
    assert errors_of(text) == {
        where: "les critères sont des noms distincts parmi : residence, siblings_placed, "
        "request_date, start_date"
    }
    months = MINIMAL + "\n[sma]\nconfirm_months = 0\n"
    assert errors_of(months) == {
        f"sma > confirm_months (ligne {line_of(months, 'confirm_months')})": (
            "confirm_months va de 1 à 24 (mois)"
        )
    }
    typed = MINIMAL + '\n[sma]\ngrace_days = "trente"\ncolour = "bleu"\n'
    problems = errors_of(typed)
    assert any(key.startswith("sma > grace_days") for key in problems), problems
    assert any("colour" in message for message in problems.values()), problems
