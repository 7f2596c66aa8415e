"""Fair allocation's use cases: the families' requests, the staff's open, draw and publish."""
