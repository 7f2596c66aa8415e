"""SEPA direct debit at the edge of the core: bank details checked with schwifty (IBAN, BIC) and
the creditor identifier's check digits, and the pain.008 file written with sepaxml and checked
against its XSD with xmlschema.

The names below are imported from their modules when first used (PEP 562): building the
adapters does not read the bank returns' XML parser nor schwifty's registry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.direct_debit.accounts import (
        SchwiftyBankDetails,
        check_bic,
        check_creditor,
        check_creditor_identifier,
        check_iban,
    )
    from adapters.direct_debit.pain008 import SCHEMA, Pain008Writer, validate_pain008
    from adapters.direct_debit.returns import MAX_RETURN_FILE_SIZE, read_debit_returns

__all__ = [
    "MAX_RETURN_FILE_SIZE",
    "SCHEMA",
    "Pain008Writer",
    "SchwiftyBankDetails",
    "check_bic",
    "check_creditor",
    "check_creditor_identifier",
    "check_iban",
    "read_debit_returns",
    "validate_pain008",
]

_MODULES = {
    "MAX_RETURN_FILE_SIZE": "returns",
    "SCHEMA": "pain008",
    "Pain008Writer": "pain008",
    "SchwiftyBankDetails": "accounts",
    "check_bic": "accounts",
    "check_creditor": "accounts",
    "check_creditor_identifier": "accounts",
    "check_iban": "accounts",
    "read_debit_returns": "returns",
    "validate_pain008": "pain008",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
