"""The source documents' text: look up the lines a figure was read from."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from plans import settings
from plans.data.documents import row_texts  # CSV/XLSX rows, or a decision document's lines
from plans.data.registry import _record, list_imports
from plans.messages import N_, t

# A seed document is `NNN_<hash>.txt` and is cited by its number; an import is cited by its own
# file name (its first three letters, "ke_", named nothing). queries/*.sql write the same rule as
# regexp_replace(source_file, 'SEED_FILE_SQL', '\1') (a test holds them to this pattern).
SEED_FILE_SQL = r"^([0-9]{3})_[0-9a-f]+\.txt$"
SEED_FILE = re.compile(SEED_FILE_SQL)


def short_file(source_file: str) -> str:
    """How a citation names a document: '000' for 000_….txt, an import by its file name."""
    found = SEED_FILE.match(str(source_file))
    return found.group(1) if found else str(source_file)


def short_ref(source_file: str, refs: object) -> str:
    """A compact citation: '000:325' for line 325 of 000_….txt, 'ke_hoach.csv:28' for an import."""
    return f"{short_file(source_file)}:{refs}"


# How a reader names a document by its kind: "QĐ 4153/QĐ-UBND (17/9/2020)".
_KIND_SHORT: dict[str, str] = {
    "Quyết định": N_("sources.kind_decision"),
    "Chương trình": N_("sources.kind_programme"),
    "Kế hoạch": N_("sources.kind_plan"),
    "Công văn": N_("sources.kind_letter"),
}

# The document of a synthetic database (plans.data.synth): never taken for a real decision.
SYNTHETIC_KIND = "Dữ liệu tổng hợp"

Documents = Mapping[str, Mapping[str, Any]]


def document_name(source_file: str, documents: Documents, lang: str = "vi") -> str:
    """A document as people know it: 'QĐ 4153/QĐ-UBND (17/9/2020)'; an import by its file name.

    `documents` maps a stored file name to its row of the documents table. A document without
    a printed number (an import, synthetic data) is named by its file name.
    """
    doc = documents.get(str(source_file)) or {}
    ref = str(doc.get("ref_printed") or "").strip()
    if doc.get("doc_type") == SYNTHETIC_KIND:
        return t("sources.synthetic", lang)
    key = _KIND_SHORT.get(str(doc.get("doc_type") or ""))
    # An import's rows are cited by the uploaded file's own rows, so it keeps its file name.
    if not ref or ref == "nan" or key is None:
        return str(source_file)
    if "/QĐ-" in ref:  # a programme or plan promulgated by a decision is known by the decision
        key = _KIND_SHORT["Quyết định"]
    named = t("sources.named", lang, kind=t(key, lang), ref=ref)
    date = str(doc.get("date_printed") or "").strip()
    return t("sources.dated", lang, name=named, date=date) if date and date != "nan" else named


def cite(source_file: str, refs: object, documents: Documents, lang: str = "vi") -> str:
    """A citation a reader follows: 'QĐ 4153/QĐ-UBND (17/9/2020), dòng 325'."""
    name = document_name(source_file, documents, lang)
    if refs is None or str(refs) in ("", "nan"):
        return name
    return t("sources.at_lines", lang, name=name, lines=str(refs).replace(";", ", "))


def cite_many(
    files: Iterable[object],
    lines: Iterable[object] | None,
    documents: Documents,
    lang: str = "vi",
) -> str:
    """Several citations, one per document with all its lines: '…, dòng 5, 99; …, dòng 205'.

    `lines` None: the documents alone, each once, in the order given.
    """
    files = list(files)
    cited: dict[str, list[str]] = {}
    for name, line in zip(files, [""] * len(files) if lines is None else lines, strict=True):
        refs = cited.setdefault(str(name), [])
        for ref in str(line).split(";"):
            if ref and ref != "nan" and ref not in refs:
                refs.append(ref)
    return "; ".join(
        cite(name, ";".join(refs) or None, documents, lang) for name, refs in cited.items()
    )


def _safe_name(source_file: str) -> bool:
    # a cited name must never reach outside the sources folder
    return not ("/" in source_file or "\\" in source_file or source_file.startswith("."))


@lru_cache(maxsize=32)
def document_lines(source_file: str, sources_dir: Path | None = None) -> tuple[str, ...]:
    """All lines of one source document (line 1 is index 0)."""
    if not _safe_name(source_file):
        raise ValueError(f"invalid source file name: {source_file!r}")
    path = (sources_dir or settings.SOURCES_DIR) / source_file
    return tuple(path.read_text(encoding="utf-8").split("\n"))


@lru_cache(maxsize=8)
def _registry(imports_dir: Path, _names: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    # Keyed on the folder names: an import's folder never changes once stored (its id carries
    # the file's checksum), so the names say which imports there are.
    return tuple(list_imports(imports_dir))


def import_folder(
    source_file: str, programme_id: str | None = None, imports_dir: Path | None = None
) -> Path | None:
    """The stored import whose uploaded file the database cites as `source_file`, or None.

    The import registry (each folder's meta.json) records the file name the rows cite and the
    programme they belong to. Two imports can only share a name if folders were copied by hand
    (the build refuses a second document of one name); then the one of `programme_id` is taken,
    and among several the newest, as a later import is the likelier one to be in the database.
    """
    folder = Path(imports_dir or settings.IMPORTS_DIR)
    try:
        names = tuple(sorted(p.name for p in folder.iterdir()))
    except OSError:
        return None
    named = [r for r in _registry(folder, names) if r.get("filename") == source_file]
    own = [r for r in named if programme_id and r.get("programme_id") == programme_id]
    chosen = (own or named)[-1:]
    return folder / str(chosen[0]["id"]) if chosen else None


@lru_cache(maxsize=16)
def _import_lines(path: Path, _stamp: tuple[int, int]) -> tuple[str, ...] | None:
    try:
        return tuple(row_texts(path.name, path.read_bytes()))
    except (OSError, ValueError):
        return None  # an original that no longer reads as it was imported has no citable text


@lru_cache(maxsize=64)
def _sha256(path: Path, _stamp: tuple[int, int]) -> str | None:
    # hashed again whenever the file's size or time changes: an edit is always seen
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _original(folder: Path) -> tuple[Path, tuple[int, int]] | None:
    original = next(iter(sorted(folder.glob("original.*"))), None)
    if original is None:
        return None
    try:
        stat = original.stat()
    except OSError:
        return None
    return original, (stat.st_mtime_ns, stat.st_size)


def original_intact(folder: Path) -> bool:
    """Whether an import's original is the file imported: its SHA-256 is meta.json's checksum.

    False for a file edited (or replaced) since, or gone: its lines are then not what the rows
    were read from, so nothing cites them."""
    found = _original(folder)
    if found is None:
        return False
    try:
        expected = _record(folder).get("checksum")  # meta.json, parsed once per change
    except OSError:
        return False
    return expected is not None and expected == _sha256(*found)


def import_lines(folder: Path) -> tuple[str, ...] | None:
    """An import's original file as lines numbered like its source_line (None if it is gone,
    or changed since it was imported: see original_intact)."""
    found = _original(folder)
    if found is None or not original_intact(folder):
        return None
    return _import_lines(*found)


def original_changed(
    source_file: str, programme_id: str | None = None, imports_dir: Path | None = None
) -> bool:
    """Whether a cited import's original is still there but no longer the file imported."""
    folder = import_folder(source_file, programme_id, imports_dir)
    return folder is not None and _original(folder) is not None and not original_intact(folder)


def document_text(
    source_file: str,
    programme_id: str | None = None,
    sources_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> tuple[str, ...] | None:
    """The lines a document's source_line counts, or None when no text of it is kept.

    A source document's plain-text copy in data/sources comes first; an imported plan table or
    results report is read from the original file its import folder keeps; synthetic data and an
    import whose folder (or original) is gone have no text.
    """
    sources = sources_dir or settings.SOURCES_DIR
    if _safe_name(source_file) and (sources / source_file).is_file():
        return document_lines(source_file, sources_dir)
    folder = import_folder(source_file, programme_id, imports_dir)
    return import_lines(folder) if folder is not None else None


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
    source_file: str,
    refs: str,
    sources_dir: Path | None = None,
    programme_id: str | None = None,
    imports_dir: Path | None = None,
) -> list[tuple[int, str]]:
    """The (line number, text) pairs a reference points at; none when the document has no text."""
    lines = document_text(source_file, programme_id, sources_dir, imports_dir)
    if lines is None:
        return []
    return [(n, lines[n - 1]) for n in parse_line_refs(refs) if 1 <= n <= len(lines)]
