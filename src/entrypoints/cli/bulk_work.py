"""Whole-town batches (onboarding a town, opening its accounts) without the cyclic garbage
collector.

Such a batch builds some 50 objects per family and keeps them all until it commits. CPython's
collector then walks every object still alive, again and again as allocations pile up: measured
on 10,000 families, about a third of the batch's time (benchmarks/onboarding.py). Nothing in a
batch depends on collecting cycles while it runs; they are collected once at its end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["cyclic_gc_paused"]


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (reference counting still frees nearly
    everything), then collect once and restore it as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()
