"""What of a child's PAI waits for the guichet unique when a family changes it (issue 15, item
14): switching it on or off and its end of validity change the price and wait; its instructions
and a first « non » do not. A PAI is refused without an end of validity or instructions."""

from datetime import date

from portail_core.domain.dossiers.changes import family_pai_problems, pai_needs_validation
from portail_core.domain.dossiers.child import Pai

TODAY = date(2026, 6, 15)
ON = Pai(True, date(2027, 7, 4), "Trousse d'urgence.")
OFF = Pai(False)


def test_switching_on_or_off_and_the_end_of_validity_wait_for_the_desk() -> None:
    assert pai_needs_validation(OFF, ON)
    assert pai_needs_validation(None, ON)
    assert pai_needs_validation(ON, OFF)
    assert pai_needs_validation(ON, Pai(True, date(2027, 8, 31), ON.instructions))


def test_instructions_and_a_first_no_are_saved_at_once() -> None:
    assert not pai_needs_validation(ON, Pai(True, ON.valid_until, "Autre consigne."))
    assert not pai_needs_validation(None, OFF)
    assert not pai_needs_validation(OFF, OFF)


def test_a_pai_needs_its_end_of_validity_and_its_instructions() -> None:
    problems = family_pai_problems(OFF, Pai(True, None, ""), TODAY)
    assert set(problems) == {"pai_valid_until", "pai_instructions"}
    assert "date de fin de validité" in problems["pai_valid_until"]
    assert family_pai_problems(OFF, ON, TODAY) == {}
    assert family_pai_problems(ON, OFF, TODAY) == {}


def test_a_past_end_of_validity_is_refused_unless_it_is_the_recorded_one() -> None:
    expired = Pai(True, date(2026, 6, 1), "Trousse.")
    assert "est passée" in family_pai_problems(OFF, expired, TODAY)["pai_valid_until"]
    assert family_pai_problems(expired, expired, TODAY) == {}  # other fields may still be saved
