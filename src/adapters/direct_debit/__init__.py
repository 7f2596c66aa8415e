"""SEPA direct debit at the edge of the core: bank details checked with schwifty (IBAN, BIC) and
the creditor identifier's check digits, and the pain.008 file written with sepaxml and checked
against its XSD with xmlschema."""

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
