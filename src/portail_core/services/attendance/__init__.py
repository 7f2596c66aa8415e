"""What the establishments need on the day: the attendance sheet (who comes, with what care) and
the staff's attendance record (pointage), which billing turns into consumptions.

The attendance sheet carries health flags (allergies, PAI) and the PAI's practical instructions:
reading it is recorded in the audit trail, naming the establishment and the day, never a health
value.
"""
