import pytest

from entrypoints.errors import present
from portail_core import errors


class DeadlinePassed(errors.RuleViolation):
    """A later, more specific rule violation is shown like its parent."""


@pytest.mark.parametrize(
    ("error", "status", "exit_code"),
    [
        (errors.NotFound(), 404, 3),
        (errors.InvalidInput(), 400, 2),
        (errors.RuleViolation(), 409, 4),
        (DeadlinePassed("Trop tard."), 409, 4),
        (errors.Conflict(), 409, 5),
        (errors.NotAllowed(), 403, 6),
        (errors.ConfigurationError(), 503, 7),
        (errors.PortailError(), 500, 1),
    ],
)
def test_each_kind_of_error_has_its_status_and_exit_code(
    error: errors.PortailError, status: int, exit_code: int
) -> None:
    shown = present(error)
    assert (shown.http_status, shown.exit_code) == (status, exit_code)


def test_every_error_has_a_french_default_message() -> None:
    for kind in errors.PortailError.__subclasses__():
        assert kind().message.endswith(".")
        assert kind().message != errors.PortailError.default_message


def test_invalid_input_keeps_one_problem_per_field() -> None:
    error = errors.InvalidInput(problems={"email": "Adresse invalide."})
    assert error.problems == {"email": "Adresse invalide."}
    assert str(error) == errors.InvalidInput.default_message
