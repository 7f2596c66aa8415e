"""Entities and value objects, one module or package per capability (``shared`` holds the values
every capability uses)."""
