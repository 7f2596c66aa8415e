"""Payments received and their allocation; SEPA direct debit mandates and batches."""
