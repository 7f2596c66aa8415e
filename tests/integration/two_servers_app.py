"""The portal as gunicorn serves it in test_two_servers.py (``two_servers_app:wsgi()``): built
from the environment like `portail serve`'s, on the reservation tests' clock (15 June 2026) and
their fast password hasher, so that the servers and the test agree on dates and passwords."""

from __future__ import annotations

from typing import Any


def wsgi() -> Any:
    from adapters.clock import FixedClock
    from adapters.passwords import PlainTestHasher
    from entrypoints.bootstrap import bootstrap
    from entrypoints.web import create_app
    from tests.unit.reservation_world import NOW

    return create_app(services=bootstrap(clock=FixedClock(NOW), hasher=PlainTestHasher()))
