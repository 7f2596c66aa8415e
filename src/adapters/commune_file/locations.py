"""Where something is in the commune file: a readable path and, where it can be found, a line.

A location is a list of segments: ``("establishments", 2)`` for the third ``[[establishments]]``,
``("start", None)`` for a key. Lines are found by walking the TOML text's table headers.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Segment", "describe", "line_of", "parse_cattrs_path"]

Segment = tuple[str, int | None]
_HEADER = re.compile(r"^\s*\[")
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_cattrs_path(path: str) -> list[Segment]:
    """``$.establishments[0].units[1].from_`` gives
    ``[("establishments", 0), ("units", 1), ("from", None)]``."""
    segments: list[Segment] = []
    for name, index in _PATH_PART.findall(path):
        if name:
            segments.append((name.removesuffix("_"), None))
        elif segments:
            segments[-1] = (segments[-1][0], int(index))
    return segments


def describe(segments: list[Segment], data: dict[str, Any], line: int | None) -> str:
    """``establishments n°3 « APS-PLAGE » > units n°1 « MATIN » > start (ligne 57)``"""
    parts: list[str] = []
    node: Any = data
    for name, index in segments:
        child = node.get(name) if isinstance(node, dict) else None
        if index is None:
            parts.append(name)
            node = child
            continue
        element = child[index] if isinstance(child, list) and index < len(child) else None
        code = (element.get("code") or element.get("street")) if isinstance(element, dict) else None
        parts.append(f"{name} n°{index + 1}" + (f" « {code} »" if isinstance(code, str) else ""))
        node = element
    where = " > ".join(parts) or "fichier"
    return f"{where} (ligne {line})" if line else where


def line_of(text: str, segments: list[Segment]) -> int | None:
    """The 1-based line of the deepest part of ``segments`` that can be found, or None."""
    lines = text.splitlines()
    start, end, found = 0, len(lines), None
    prefix: list[str] = []
    for name, index in segments:
        dotted = ".".join([*prefix, name])
        if index is not None:
            header = re.compile(rf"^\s*\[\[\s*{re.escape(dotted)}\s*\]\]")
            hits = [n for n in range(start, end) if header.match(lines[n])]
            if index < len(hits):
                start = found = hits[index]
                end = hits[index + 1] if index + 1 < len(hits) else end
                prefix.append(name)
                continue
        table = re.compile(rf"^\s*\[\s*{re.escape(dotted)}\s*\]")
        tables = [n for n in range(start, end) if table.match(lines[n])]
        if tables:
            start = found = tables[0]
            inside = re.compile(rf"^\s*\[\[?\s*{re.escape(dotted)}\.")  # [[school_map.sectors]]
            end = next(
                (
                    n
                    for n in range(start + 1, end)
                    if _HEADER.match(lines[n]) and not inside.match(lines[n])
                ),
                end,
            )
            prefix.append(name)
            continue
        key = re.compile(rf"^\s*{re.escape(name)}\s*=")
        own_lines = range(
            start, next((n for n in range(start + 1, end) if _HEADER.match(lines[n])), end)
        )
        keys = [n for n in own_lines if key.match(lines[n])]
        if keys:
            found = keys[0]
        elif index is None and not prefix:  # a table only named by its sub-tables' headers
            prefix.append(name)
            continue
        break
    return None if found is None else found + 1
