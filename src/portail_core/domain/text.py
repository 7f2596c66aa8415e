"""Cleaning of free text typed by people: spaces folded, control characters refused."""

from __future__ import annotations

import unicodedata

__all__ = ["clean_line", "has_control_characters"]


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def clean_line(text: str) -> str | None:
    """One line of text with its spaces folded, or None if it holds control characters."""
    if has_control_characters(text.replace("\t", " ")):
        return None
    return " ".join(text.split())
