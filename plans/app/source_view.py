"""Source lines for people: cited lines with context, line search, references and figure labels."""

from __future__ import annotations

import numbers
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from plans.data.sources import cited_text, document_text, original_changed, parse_line_refs
from plans.messages import N_, t
from plans.numbers import format_number

MARK = "▶"

# A stated total's scope (its item_name) as a place in the document: "Nhiệm vụ 1.2".
SCOPES = {
    "task": N_("source_view.task"),
    "section": N_("source_view.section"),
    "grand": N_("source_view.grand"),
    "text": N_("source_view.text"),
}


def no_text_notice(
    lang: str = "vi", source_file: str | None = None, programme_id: str | None = None
) -> str:
    """What a reader sees instead of the lines of a document that has no text to cite: for an
    import whose original was edited since (its checksum no longer matches), that it was."""
    if source_file is not None and original_changed(source_file, programme_id):
        return t("source_view.original_changed", lang)
    return t("source_view.no_text", lang)


def has_text(source_file: str, programme_id: str | None = None) -> bool:
    """Whether the document's lines can be shown (a text copy or a stored import's file)."""
    return document_text(source_file, programme_id) is not None


def _plain(text: str) -> str:
    # Table cells of the converted scans are tab-separated; a visible bar reads better.
    return text.replace("\t", " | ").rstrip()


def context_lines(
    source_file: str,
    refs: str,
    around: int = 2,
    sources_dir: Path | None = None,
    programme_id: str | None = None,
) -> list[tuple[int, str, bool]]:
    """(line number, text, cited?) for the cited lines and `around` lines either side.

    Empty for a document without text (see has_text).
    """
    lines = document_text(source_file, programme_id, sources_dir) or ()
    cited = set(parse_line_refs(refs))
    shown: set[int] = set()
    for n in cited:
        shown.update(range(max(1, n - around), min(len(lines), n + around) + 1))
    return [(n, lines[n - 1], n in cited) for n in sorted(shown)]


def numbered_block(
    rows: list[tuple[int, str, bool]] | list[tuple[int, str]], spaced: bool = False
) -> str:
    """Monospace text with the document's own line numbers; cited lines start with ▶.

    A gap between non-adjacent lines is shown as '…' so a reader sees lines were skipped;
    `spaced` puts an empty line between entries so long wrapped table rows stay apart.
    """
    out: list[str] = []
    previous: int | None = None
    width = max((len(str(row[0])) for row in rows), default=1)
    for row in rows:
        number, text = row[0], row[1]
        cited = bool(row[2]) if len(row) > 2 else False
        if previous is not None and number > previous + 1:
            out.append(" " * (width + 2) + "…")
        mark = MARK if cited else " "
        if spaced and out:
            out.append("")
        out.append(f"{mark} {number:>{width}} │ {_plain(text)}")
        previous = number
    return "\n".join(out)


def cited_snippet(
    source_file: str,
    refs: str,
    limit: int = 240,
    sources_dir: Path | None = None,
    programme_id: str | None = None,
) -> str:
    """The cited lines as one short string for a table cell: '325: 4 | Quản lý …'.

    '—' for a document without text, as for any missing value in the tables.
    """
    if document_text(source_file, programme_id, sources_dir) is None:
        return "—"
    cited = cited_text(source_file, refs, sources_dir, programme_id)
    parts = [f"{n}: {_plain(text).strip()}" for n, text in cited]
    joined = " / ".join(parts)
    return joined if len(joined) <= limit else joined[: limit - 1].rstrip() + "…"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def search_lines(
    source_file: str,
    needle: str,
    sources_dir: Path | None = None,
    programme_id: str | None = None,
) -> list[tuple[int, str]]:
    """Lines of a document containing `needle` (case-insensitive, Unicode-normalised)."""
    wanted = _fold(needle.strip())
    if not wanted:
        return []
    lines = document_text(source_file, programme_id, sources_dir) or ()
    return [(n, text) for n, text in enumerate(lines, start=1) if wanted in _fold(text)]


def full_text(
    source_file: str, programme_id: str | None = None, sources_dir: Path | None = None
) -> list[tuple[int, str]] | None:
    """Every (line number, text) of a document for the viewer; None when it has no text."""
    lines = document_text(source_file, programme_id, sources_dir)
    if lines is None:
        return None
    if lines and not lines[-1]:
        lines = lines[:-1]  # the file's final newline, not a line of the document
    return list(enumerate(lines, start=1))


def _number(value: object) -> float | None:
    # Rows come from pandas: numpy scalars, None, NaN or pd.NA for a missing value.
    if isinstance(value, numbers.Real) and value == value:
        return float(value)
    return None


def _value_text(value: float, unit: str, lang: str) -> str:
    decimals = 0 if float(value).is_integer() else 2
    shown = format_number(float(value), decimals, lang)
    if unit == "mvnd":
        unit = t("source_view.mvnd", lang)
    return f"{shown} {unit}".strip()


def figure_value(row: Mapping[str, object], lang: str = "vi") -> str:
    """The stored value of a figure in the reader's notation, a range as 'a–b'."""
    value, high = _number(row.get("value")), _number(row.get("value_max"))
    unit = str(row.get("unit") or "")
    if unit == "quantity":
        unit = t("source_view.quantity", lang)
    if value is None:
        return "—"
    if high is not None and high != value:
        return f"{_value_text(value, '', lang)}–{_value_text(high, unit, lang)}"
    return _value_text(value, unit, lang)


def figure_label(row: Mapping[str, object], lang: str = "vi") -> str:
    """A readable one-line label for a traced figure, e.g. 'I.1 · 2021 · 4.200 triệu đồng'."""
    kind = row.get("kind")
    year = _number(row.get("year"))
    value = figure_value(row, lang)
    if kind == "budget_line":
        return f"{row.get('item_code')} · {int(year) if year is not None else '—'} · {value}"
    if kind == "stated_total":
        scope = str(row.get("item_name"))
        code = row.get("item_code")
        key = SCOPES.get(scope)
        place = t(key, lang, code=code) if key else str(code)
        when = str(int(year)) if year is not None else t("source_view.all_years", lang)
        return f"{place} · {when} · {value}"
    if kind == "target" and row.get("printed_text"):
        # the quantity as printed ("Trên 7.000 lượt doanh nghiệp") says more than the unit
        return f"{row.get('item_code')} · {row.get('printed_text')}"
    name = str(row.get("item_name") or "")
    return f"{row.get('item_code')} · {name} · {value}"
