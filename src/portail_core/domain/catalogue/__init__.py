"""What the commune offers: schools, establishments, units, tariffs, calendars and openings."""
