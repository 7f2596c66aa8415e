"""The month's debits as a pain.008.001.02 document (SEPA Core direct debit, the version every
French bank accepts), built by sepaxml and checked against the XSD it ships, with xmlschema.

The message id is the batch's (one per month: a bank refuses a second copy of the same file) and
the creation time the batch's, on the Paris clock. Names and texts are reduced to the SEPA Latin
character set. Every debit is recurrent (RCUR): since the 2016 rulebook a first debit no longer
needs FRST.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from typing import TYPE_CHECKING

from portail_core.domain.payments.direct_debit import DebitBatch, sepa_text
from portail_core.domain.shared.instants import as_paris
from portail_core.errors import InvalidInput

if TYPE_CHECKING:  # imported when a file is written (they cost 0.15 s): not at start-up
    import xmlschema

__all__ = ["SCHEMA", "Pain008Writer", "validate_pain008"]

SCHEMA = "pain.008.001.02"


@functools.cache
def _schema() -> xmlschema.XMLSchema:
    import xmlschema

    return xmlschema.XMLSchema(str(files("sepaxml") / "schemas" / f"{SCHEMA}.xsd"))


def validate_pain008(document: bytes) -> None:
    """InvalidInput (in French, with the schema's first complaint) unless the document is a
    valid pain.008.001.02."""
    error = next(iter(_schema().iter_errors(document.decode("utf-8"))), None)
    if error is not None:
        reason = " ".join(str(error.reason or error.message).split())[:300]
        raise InvalidInput(
            f"Le fichier de prélèvement n'est pas conforme au schéma {SCHEMA} : {reason}. "
            "Rien n'a été enregistré."
        )


class Pain008Writer:
    def write(self, batch: DebitBatch) -> bytes:
        from sepaxml import SepaDD

        creditor = batch.creditor
        document = SepaDD(
            {
                "name": sepa_text(creditor.name, 70),
                "IBAN": creditor.iban,
                "BIC": creditor.bic,
                "batch": True,
                "creditor_id": creditor.identifier,
                "currency": "EUR",
            },
            schema=SCHEMA,
            clean=False,
        )
        for debit in batch.debits:
            mandate = debit.mandate
            payment: dict[str, object] = {
                "name": sepa_text(mandate.holder, 70),
                "IBAN": mandate.iban,
                "amount": debit.amount.cents,
                "type": "RCUR",
                "collection_date": debit.collection_date,
                "mandate_id": mandate.rum,
                "mandate_date": mandate.signed_on,
                "description": sepa_text(debit.description, 140),
                "endtoend_id": debit.invoice_number,
            }
            if mandate.bic:
                payment["BIC"] = mandate.bic
            document.add_payment(payment)
        created = as_paris(batch.created_at).strftime("%Y-%m-%dT%H:%M:%S")
        xml: bytes = document.export(validate=False)
        xml = _replace_once(xml, "MsgId", batch.message_id)
        xml = _replace_once(xml, "CreDtTm", created)
        validate_pain008(xml)
        return xml


def _replace_once(xml: bytes, tag: str, value: str) -> bytes:
    pattern = re.compile(rb"<" + tag.encode() + rb">[^<]*</" + tag.encode() + rb">")
    replacement = f"<{tag}>{value}</{tag}>".encode()
    return pattern.sub(lambda _: replacement, xml, count=1)
