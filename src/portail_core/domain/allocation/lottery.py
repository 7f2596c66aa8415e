"""The seeded lottery: reproducible and verifiable.

Each family's ticket is SHA-256(seed || "famille:" || its number): a pure function of the seed,
published as its hash before the close and revealed after, so anyone can recompute the order.
The order of the requests, or the time they were made, plays no part.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

__all__ = ["SEED_BYTES", "lottery_order", "new_seed", "seed_hash", "ticket"]

SEED_BYTES = 32


def new_seed() -> str:
    """32 random bytes, in hex."""
    return secrets.token_hex(SEED_BYTES)


def seed_hash(seed: str) -> str:
    """What is published before the close: the SHA-256 of the seed's bytes, in hex."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def ticket(seed: str, family_id: int) -> str:
    """The family's lottery ticket (hex): the smaller is drawn first."""
    return hashlib.sha256(bytes.fromhex(seed) + f"famille:{family_id}".encode()).hexdigest()


def lottery_order(seed: str, family_ids: Iterable[int]) -> list[int]:
    """The families in draw order (ties are impossible in practice; the number breaks them)."""
    return sorted(set(family_ids), key=lambda family_id: (ticket(seed, family_id), family_id))
