"""docs/embedding.md's code runs as written, in memory and on SQLite, and its tables name every
capability of ``Portail`` and every field of ``Ports``."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from entrypoints.bootstrap import bootstrap_in_memory
from portail_core import Portail, Ports

GUIDE = Path(__file__).parents[2] / "docs" / "embedding.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text("utf-8"), re.DOTALL)


def test_the_guide_books_and_bills_a_family_in_memory_then_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # the SQLite example writes beside it
    namespace: dict[str, object] = {}
    in_memory, book_and_bill, on_sqlite = _blocks()
    exec(compile(in_memory, "in memory", "exec"), namespace)  # noqa: S102  (the guide's code)
    exec(compile(book_and_bill, "book and bill", "exec"), namespace)  # noqa: S102
    printed = capsys.readouterr().out
    assert re.fullmatch(r"Réservation n° R-[A-Z0-9-]+, facturé en septembre : 8,20\xa0€\n", printed)
    memory_total = namespace["total"]
    exec(compile(on_sqlite, "on SQLite", "exec"), namespace)  # noqa: S102
    assert namespace["total"] == memory_total
    assert (tmp_path / "portail-embedding.sqlite3").stat().st_size > 0


def test_the_guide_names_every_capability_of_the_facade() -> None:
    guide = GUIDE.read_text("utf-8")
    portail: Portail = bootstrap_in_memory().portail
    capabilities = [name for name in vars(portail) if name not in {"ports", "public_url"}]
    assert len(capabilities) >= 11
    assert [name for name in capabilities if f"`portail.{name}`" not in guide] == []


def test_the_guide_names_every_port_to_implement() -> None:
    guide = GUIDE.read_text("utf-8")
    fields = [field.name for field in attrs.fields(Ports)]
    assert [name for name in fields if f"| `{name}` |" not in guide] == []
