"""The portal as gunicorn serves it in the fault tests (``tests.integration.fault_server:wsgi()``):
``create_app`` on the database of the environment, with the test suite's clock (15 June 2026)
and its fast password hasher; nothing else differs from production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def wsgi() -> Callable[..., Any]:
    from adapters.clock import FixedClock
    from adapters.passwords import PlainTestHasher
    from entrypoints.bootstrap import bootstrap
    from entrypoints.web import create_app
    from tests.unit.reservation_world import NOW

    services = bootstrap(clock=FixedClock(NOW), hasher=PlainTestHasher())
    return create_app({}, services=services).wsgi_app
