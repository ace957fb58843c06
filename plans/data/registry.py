"""The import registry: the stored import folders, their meta.json records and the writer's lock."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from plans import settings


def import_dirs(imports_dir: Path | None) -> list[Path]:
    """The stored imports, in the order they were made (their ids sort that way)."""
    if imports_dir is None or not Path(imports_dir).is_dir():
        return []
    # ".incoming-…" and ".removing-…" folders are half-made or half-removed: never read
    return sorted(
        p
        for p in Path(imports_dir).iterdir()
        if not p.name.startswith(".") and (p / "meta.json").is_file()
    )


# meta.json records by path, with the size and modification time they were read at: a record
# is written once, so listing the imports after the 200th does not parse the 199 before again.
_RECORDS: dict[str, tuple[int, int, dict[str, Any]]] = {}


def _record(folder: Path) -> dict[str, Any]:
    path = folder / "meta.json"
    stat = path.stat()
    cached = _RECORDS.get(str(path))
    if cached is None or cached[:2] != (stat.st_size, stat.st_mtime_ns):
        cached = (stat.st_size, stat.st_mtime_ns, json.loads(path.read_text(encoding="utf-8")))
        _RECORDS[str(path)] = cached
    return dict(cached[2])  # a copy: callers may change what they get


def _registry(imports_dir: Path) -> list[dict[str, Any]]:
    return [_record(d) for d in import_dirs(imports_dir)]


@contextmanager
def write_lock(imports_dir: Path) -> Iterator[None]:
    """One writer at a time (imports and removals), across processes."""
    imports_dir.mkdir(parents=True, exist_ok=True)
    with (imports_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def list_imports(imports_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every stored import, oldest first, with who and when."""
    return _registry(Path(imports_dir or settings.IMPORTS_DIR))
