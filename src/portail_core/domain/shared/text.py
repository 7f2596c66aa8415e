"""Cleaning of free text typed by people: spaces folded, control characters refused."""

from __future__ import annotations

import unicodedata

__all__ = ["clean_line", "has_control_characters", "printable"]


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def clean_line(text: str) -> str | None:
    """One line of text with its spaces folded, or None if it holds control characters."""
    if has_control_characters(text.replace("\t", " ")):
        return None
    return " ".join(text.split())


def printable(text: str, limit: int = 200) -> str:
    """Untrusted text made safe to store and show (audit trail, messages): control and
    formatting characters (NUL, bidi overrides...) become U+FFFD, the length is capped."""
    return "".join(
        "\ufffd" if unicodedata.category(char) in {"Cc", "Cf", "Cs"} else char
        for char in text[:limit]
    )
