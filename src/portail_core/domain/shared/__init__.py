"""Values every capability uses: money, instants, weekdays, text and the form reader."""
