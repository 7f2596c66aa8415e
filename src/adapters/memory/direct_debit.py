"""The in-memory twin of the pain.008 writer: keeps each batch and writes a plain summary."""

from __future__ import annotations

from portail_core.domain.payments.direct_debit import DebitBatch

__all__ = ["RecordingDebitWriter"]


class RecordingDebitWriter:
    def __init__(self) -> None:
        self.batches: list[DebitBatch] = []

    def write(self, batch: DebitBatch) -> bytes:
        self.batches.append(batch)
        lines = [f"{batch.message_id} {batch.control_sum.cents}"] + [
            f"{d.invoice_number} {d.amount.cents} {d.collection_date} {d.mandate.rum}"
            for d in batch.debits
        ]
        return "\n".join(lines).encode()
