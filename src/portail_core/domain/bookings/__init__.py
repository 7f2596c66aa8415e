"""Reservations: booking rules and deadlines, the planning grid, selections, waiting lists."""
