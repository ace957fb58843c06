"""The source documents' text: look up the lines a figure was read from."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from plans import settings


@lru_cache(maxsize=32)
def document_lines(source_file: str, sources_dir: Path | None = None) -> tuple[str, ...]:
    """All lines of one source document (line 1 is index 0)."""
    if "/" in source_file or "\\" in source_file or source_file.startswith("."):
        raise ValueError(f"invalid source file name: {source_file!r}")
    path = (sources_dir or settings.SOURCES_DIR) / source_file
    return tuple(path.read_text(encoding="utf-8").split("\n"))


def parse_line_refs(refs: str) -> list[int]:
    """Line numbers from a reference such as '267', '269;273' or '85-91'."""
    out: list[int] = []
    for part in str(refs).split(";"):
        if not re.fullmatch(r"\d+(?:-\d+)?", part.strip()):
            raise ValueError(f"invalid line reference: {refs!r}")
        first, _, last = part.strip().partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def cited_text(
    source_file: str, refs: str, sources_dir: Path | None = None
) -> list[tuple[int, str]]:
    """The (line number, text) pairs a reference points at."""
    lines = document_lines(source_file, sources_dir)
    return [(n, lines[n - 1]) for n in parse_line_refs(refs) if 1 <= n <= len(lines)]
