"""``python -m entrypoints.guide [FOLDER]``: write the families' guide (default: docs/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from entrypoints.guide import GuideError, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m entrypoints.guide",
        description="Écrit le guide des familles à partir du portail de démonstration.",
    )
    parser.add_argument("folder", nargs="?", default="docs", type=Path)
    parser.add_argument("--sans-pdf", action="store_true", help="sans le PDF du guide")
    options = parser.parse_args(argv)
    try:
        guide = generate(options.folder, with_pdf=not options.sans_pdf)
    except GuideError as error:
        sys.stderr.write(f"Guide des familles : {error}\n")
        return 1
    sys.stdout.write(f"{guide.markdown} : {len(guide.shots)} captures")
    sys.stdout.write(f", {guide.pdf}\n" if guide.pdf else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
