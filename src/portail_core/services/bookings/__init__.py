"""Use cases of the reservation flow: the planning, « Valider le planning », « Confirmer la
réservation », the desk booking or cancelling on a family's behalf, waiting lists, occupancy.

Confirmation is one transaction: it locks the places it touches, checks every rule again on what
it then reads, writes the reservations, their history and the e-mail, or nothing at all.
"""
