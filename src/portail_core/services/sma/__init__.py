"""SMA (multi-accueil) pre-registrations, from the family's request to the place.

A family asks for a place (``family``): a child of its dossier or an expected child, the wished
start, the days and hours, the structures wished in order; a child has one open request at a
time. The desk runs the commission (``desk``): the candidates in the commune's priority order
(``domain.sma.commission``), an offer with a deadline to the first, e-mailed and audited; the
family accepts (the child is enrolled, an expected child joins the dossier) or declines before
the deadline; late offers expire; a declined or expired request leaves the list and the next
candidate comes first. Requests on the waiting list keep their date: the family sees its rank,
confirms every few months or is dropped after a reminder.
"""
