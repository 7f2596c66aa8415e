"""The bookings' command groups: ``portail reservations``, ``waitlist``, ``occupancy``."""
