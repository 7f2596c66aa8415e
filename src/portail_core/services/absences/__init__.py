"""Absences signalled by a family (on the portal) or by the desk, and their justification.

An absence covers a child from one day to another, for a reason (maladie, familiale, autre),
possibly with a medical certificate kept in the document store like supporting documents. The
desk justifies it (an illness with a certificate, typically); billing then applies the unit's
rule for justified absences (the first day billed, then free, by default).

A family withdraws an absence signalled by mistake while its first day is still to come and the
desk has not justified it; the desk also withdraws a started or past one, until a month it
touches is invoiced (the invoice rests on it: the correction then goes through the pointage or
the justification, and the next billing run of the month). A withdrawn absence is deleted, the
structures where the child is booked during it are told, and its certificate is destroyed.

The audit trail records who declared, justified or withdrew which absence and when, never its
reason nor the certificate's content (health data); reading a certificate is recorded like other
health reads.
"""
