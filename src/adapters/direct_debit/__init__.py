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

__all__ = [
    "SCHEMA",
    "Pain008Writer",
    "SchwiftyBankDetails",
    "check_bic",
    "check_creditor",
    "check_creditor_identifier",
    "check_iban",
    "validate_pain008",
]
