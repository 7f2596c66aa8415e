"""What the commune offers (the commune file's establishments, units and tariffs) and the opening
calendars (school calendars, public holidays)."""
