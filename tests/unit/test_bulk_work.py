"""The whole-town batches run with the cyclic garbage collector paused, and give it back."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from entrypoints.cli.bulk_work import cyclic_gc_paused


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    gc.enable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_after_a_failure() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="refusé"), cyclic_gc_paused():
        raise ValueError("refusé")
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_cycles_made_inside_are_collected_at_the_end() -> None:
    gc.enable()

    class Node:
        partner: object = None

    with cyclic_gc_paused():
        first, second = Node(), Node()
        first.partner, second.partner = second, first
        count = sum(1 for o in gc.get_objects() if isinstance(o, Node))
        del first, second
        assert sum(1 for o in gc.get_objects() if isinstance(o, Node)) == count
    assert not any(isinstance(o, Node) for o in gc.get_objects())
