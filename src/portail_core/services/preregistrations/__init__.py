"""School pre-registrations (pré-inscriptions scolaires): a family asks for a school place for a
child of its dossier or a new one; the guichet unique examines the request, then accepts it (the
child joins the dossier if new, its school and class are set: the canteen and the APS become
bookable), refuses it with a reason or puts it on hold.

The level comes from the birth date (the family may ask for another with a reason); the school
from the commune's school map and the family's address (or a derogation with a reason). The
same child asked twice for the same school year is refused with an explanation. Each change of
state is e-mailed to the family and audited; the documents (livret de famille, justificatif de
domicile) are kept in the family's folder of the document store, deleted again if nothing is
recorded.
"""
