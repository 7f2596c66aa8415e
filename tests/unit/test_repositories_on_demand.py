"""The units of work give every repository of the port, each capability's imported on demand;
the use cases import the port that unites them for their annotations only."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

import pytest

from adapters.memory import InMemoryUnitOfWork
from adapters.memory import unit_of_work as memory
from adapters.persistence import unit_of_work as persistence
from adapters.repositories_on_demand import mixin_of
from portail_core.ports.unit_of_work import UnitOfWork


def _port_repositories() -> set[str]:
    return {
        name
        for protocol in UnitOfWork.__mro__
        if protocol.__name__.endswith("Repositories")
        for name, value in vars(protocol).items()
        if isinstance(value, property)
    }


@pytest.mark.parametrize("adapter", [persistence, memory], ids=["sql", "memory"])
def test_each_repository_of_the_port_is_named_with_the_mixin_that_gives_it(adapter: object) -> None:
    repositories: Mapping[str, str] = vars(adapter)["REPOSITORIES"]
    assert set(repositories) == _port_repositories()
    for place in set(repositories.values()):
        defined = vars(mixin_of(place))
        given = {name for name in defined if not name.startswith("__")}
        # Only properties are set on the unit of work: a mixin defines nothing else.
        assert all(isinstance(defined[name], property) for name in given), place
        assert given == {name for name, where in repositories.items() if where == place}, place


def test_a_repository_is_given_at_its_first_access_and_an_unknown_name_is_refused() -> None:
    with InMemoryUnitOfWork() as uow:
        assert uow.outbox.listing(10) == []
        assert uow.outbox.listing(10) == []  # the property is now the class's own
        with pytest.raises(AttributeError, match="no attribute 'outbx'"):
            getattr(uow, "outbx")  # noqa: B009  (the name is unknown on purpose)


def test_no_use_case_imports_the_union_of_every_capability_s_repositories_at_run_time() -> None:
    probe = (
        "import importlib, pkgutil, sys\n"
        "import portail_core.services as services\n"
        "for module in pkgutil.walk_packages(services.__path__, 'portail_core.services.'):\n"
        "    importlib.import_module(module.name)\n"
        "print('portail_core.ports.unit_of_work' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "False"
