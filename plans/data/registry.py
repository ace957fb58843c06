"""The import registry: the stored import folders, their meta.json records, the quarantine of
damaged ones and the writer's lock."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plans import settings
from plans.messages import N_

# Damaged imports are set aside here, each folder as it was with a reason.json beside its files:
# the database is built from everything else, and an editor restores or removes them.
QUARANTINE = ".quarantine"
REASON_FILE = "reason.json"
# What every page and the build read of a meta.json: without one of these an import is damaged.
REQUIRED_META = ("id", "kind", "filename", "checksum", "when")
# At most this many of a build's problems are kept with a quarantined import (the first ones).
MAX_REASON_ERRORS = 10


def _candidates(imports_dir: Path | None) -> list[Path]:
    if imports_dir is None or not Path(imports_dir).is_dir():
        return []
    # ".incoming-…", ".removing-…" and ".quarantine" are half-made, half-removed or set aside
    return sorted(
        p for p in Path(imports_dir).iterdir() if not p.name.startswith(".") and p.is_dir()
    )


def import_dirs(imports_dir: Path | None) -> list[Path]:
    """The stored imports, in the order they were made (their ids sort that way).

    A folder whose meta.json is missing or unreadable is not among them: it is damaged
    (damaged_imports lists it, the next writer sets it aside), never read as an import."""
    return [p for p in _candidates(imports_dir) if meta_problem(p) is None]


# meta.json records by path, with the size and modification time they were read at: a record
# is written once, so listing the imports after the 200th does not parse the 199 before again.
_RECORDS: dict[str, tuple[int, int, dict[str, Any] | None]] = {}


def _read_record(folder: Path) -> dict[str, Any] | None:
    """The parsed meta.json (cached by size and time), None when it is not a JSON object."""
    path = folder / "meta.json"
    stat = path.stat()
    cached = _RECORDS.get(str(path))
    if cached is None or cached[:2] != (stat.st_size, stat.st_mtime_ns):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            value = None
        cached = (stat.st_size, stat.st_mtime_ns, value if isinstance(value, dict) else None)
        _RECORDS[str(path)] = cached
    return cached[2]


def meta_problem(folder: Path) -> tuple[str, dict[str, Any]] | None:
    """Why an import folder's meta.json cannot be used (a message id and its fields), or None."""
    try:
        record = _read_record(folder)
    except FileNotFoundError:
        return N_("quarantine.meta_missing"), {}
    except OSError:
        return N_("quarantine.meta_invalid"), {}
    if record is None:
        return N_("quarantine.meta_invalid"), {}
    missing = [key for key in REQUIRED_META if key not in record]
    if missing:
        return N_("quarantine.meta_key_missing"), {"keys": ", ".join(missing)}
    if str(record["id"]) != folder.name:
        return N_("quarantine.meta_other_id"), {"id": str(record["id"])}
    return None


def _record(folder: Path) -> dict[str, Any]:
    return dict(_read_record(folder) or {})  # a copy: callers may change what they get


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


# --- the quarantine ----------------------------------------------------------------------------


def quarantine(
    imports_dir: Path,
    folder: Path,
    key: str,
    fields: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> str:
    """Set an import folder aside (the caller holds the write lock); returns its name there.

    The reason is kept as a message id with its fields (and a build's first problems), so
    each reader sees it in their own language; the folder itself is moved whole, unchanged."""
    home = Path(imports_dir) / QUARANTINE
    home.mkdir(parents=True, exist_ok=True)
    name = folder.name
    n = 2
    while (home / name).exists():  # the same id set aside twice: both are kept
        name, n = f"{folder.name}~{n}", n + 1
    os.replace(folder, home / name)
    reason = {
        "id": name,
        "key": key,
        "fields": fields or {},
        "errors": (errors or [])[:MAX_REASON_ERRORS],
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (home / name / REASON_FILE).write_text(
        json.dumps(reason, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return name


def quarantined(imports_dir: Path | None = None) -> list[dict[str, Any]]:
    """The imports set aside, oldest first: id, key, fields, errors, when, and the file name."""
    home = Path(imports_dir or settings.IMPORTS_DIR) / QUARANTINE
    if not home.is_dir():
        return []
    found: list[dict[str, Any]] = []
    for folder in sorted(p for p in home.iterdir() if p.is_dir()):
        try:
            reason = json.loads((folder / REASON_FILE).read_text(encoding="utf-8"))
            if not isinstance(reason, dict):
                raise ValueError(REASON_FILE)
        except (OSError, ValueError):
            reason = {"key": N_("quarantine.reason_unknown"), "fields": {}, "errors": []}
        try:
            filename = str((_read_record(folder) or {}).get("filename", ""))
        except OSError:
            filename = ""
        found.append(
            {
                "id": folder.name,
                "key": str(reason.get("key", N_("quarantine.reason_unknown"))),
                "fields": dict(reason.get("fields") or {}),
                "errors": list(reason.get("errors") or []),
                "when": str(reason.get("when", "")),
                "filename": filename,
                "place": "quarantine",
            }
        )
    return found


def damaged_imports(imports_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every damaged import: those set aside, then folders whose meta.json broke since (still in
    place until the next writer sets them aside). Nothing damaged is ever left unsaid."""
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    in_place = []
    for folder in _candidates(imports_dir):
        problem = meta_problem(folder)
        if problem is not None:
            in_place.append(
                {
                    "id": folder.name,
                    "key": problem[0],
                    "fields": problem[1],
                    "errors": [],
                    "when": "",
                    "filename": "",
                    "place": "imports",
                }
            )
    return [*quarantined(imports_dir), *in_place]


def quarantine_bad_meta(imports_dir: Path) -> list[str]:
    """Set aside every folder whose meta.json is missing or unusable (under the write lock)."""
    moved = []
    for folder in _candidates(imports_dir):
        problem = meta_problem(folder)
        if problem is not None:
            moved.append(quarantine(imports_dir, folder, problem[0], problem[1]))
    return moved


def unquarantine(imports_dir: Path, name: str) -> Path:
    """Move a quarantined import back among the imports (under the write lock); its new path.

    KeyError when there is no such quarantined import, FileExistsError when an import of that
    id is stored again meanwhile."""
    home = Path(imports_dir) / QUARANTINE
    folder = home / name
    if "/" in name or name.startswith(".") or not folder.is_dir():
        raise KeyError(name)
    target = Path(imports_dir) / name.split("~")[0]
    if target.exists():
        raise FileExistsError(target.name)
    (folder / REASON_FILE).unlink(missing_ok=True)
    os.replace(folder, target)
    return target


def discard(imports_dir: Path, name: str) -> None:
    """Delete a damaged import for good, set aside or still in place (under the write lock)."""
    for place in (Path(imports_dir) / QUARANTINE, Path(imports_dir)):
        folder = place / name
        if "/" not in name and not name.startswith(".") and folder.is_dir():
            if place == Path(imports_dir) and meta_problem(folder) is None:
                raise KeyError(name)  # a sound import is removed by imports.remove, not here
            shutil.rmtree(folder)
            return
    raise KeyError(name)
