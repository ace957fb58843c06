"""User-facing messages in Vietnamese (default) and English."""

from __future__ import annotations

import re

from plans import settings

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def escape_markdown(text: str) -> str:
    """Text from an upload made inert for Streamlit labels and messages (which read Markdown)."""
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", " ")


MESSAGES: dict[str, dict[str, str]] = {
    "where": {
        "vi": "{file}, dòng {line}, cột {column}",
        "en": "{file}, line {line}, column {column}",
    },
    "where_line": {"vi": "{file}, dòng {line}", "en": "{file}, line {line}"},
    "missing_file": {"vi": "không tìm thấy tệp dữ liệu", "en": "data file not found"},
    "not_utf8": {
        "vi": "tệp không phải UTF-8 (byte lỗi ở vị trí {pos}); hãy lưu lại dưới dạng UTF-8",
        "en": "file is not UTF-8 (bad byte at offset {pos}); save it as UTF-8",
    },
    "empty_file": {"vi": "tệp rỗng, thiếu dòng tiêu đề", "en": "file is empty, header row missing"},
    "missing_column": {"vi": "thiếu cột '{name}'", "en": "column '{name}' is missing"},
    "unknown_column": {
        "vi": "cột '{name}' không có trong lược đồ (các cột: {known})",
        "en": "column '{name}' is not in the schema (columns: {known})",
    },
    "field_count": {
        "vi": "dòng có {got} ô, tiêu đề có {want} cột",
        "en": "row has {got} cells, the header has {want} columns",
    },
    "bad_csv": {"vi": "CSV không hợp lệ: {error}", "en": "malformed CSV: {error}"},
    "required": {"vi": "ô bắt buộc đang trống", "en": "required cell is empty"},
    "not_int": {
        "vi": "cần một số nguyên, gặp '{value}'",
        "en": "expected an integer, got '{value}'",
    },
    "not_number": {
        "vi": "cần một số (dấu chấm thập phân, ví dụ 1234.5), gặp '{value}'",
        "en": "expected a number (decimal point, e.g. 1234.5), got '{value}'",
    },
    "not_year": {"vi": "năm không hợp lệ: '{value}'", "en": "not a valid year: '{value}'"},
    "not_lines": {
        "vi": "số dòng nguồn không hợp lệ: '{value}' (ví dụ 267, 269;273 hoặc 85-91)",
        "en": "invalid source line(s): '{value}' (e.g. 267, 269;273 or 85-91)",
    },
    "negative": {"vi": "không được âm: {value}", "en": "must not be negative: {value}"},
    "out_of_range": {
        "vi": "giá trị {value} nằm ngoài khoảng {low}..{high}",
        "en": "value {value} is outside {low}..{high}",
    },
    "choice": {
        "vi": "giá trị '{value}' không thuộc {choices}",
        "en": "value '{value}' is not one of {choices}",
    },
    "duplicate": {
        "vi": "trùng khóa {key} (đã có ở dòng {first})",
        "en": "duplicate key {key} (already on line {first})",
    },
    "unknown_ref": {
        "vi": "'{value}' không có trong {target}",
        "en": "'{value}' is not in {target}",
    },
    "year_outside": {
        "vi": "năm {year} nằm ngoài giai đoạn {start}-{end} của chương trình {programme}",
        "en": "year {year} is outside the period {start}-{end} of programme {programme}",
    },
    "printed_mismatch": {
        "vi": "số in '{printed}' đọc được {parsed}, nhưng cột {column} ghi {value}",
        "en": "printed '{printed}' reads as {parsed}, but column {column} holds {value}",
    },
    "printed_unreadable": {
        "vi": "không đọc được số in '{printed}' theo kiểu số '{style}' của văn bản",
        "en": "cannot read printed '{printed}' in the document's number style '{style}'",
    },
    "basis_printed_empty": {
        "vi": "basis=printed nhưng amount_printed trống",
        "en": "basis=printed but amount_printed is empty",
    },
    "basis_blank_nonzero": {
        "vi": "basis={basis} nghĩa là văn bản không in số, nên amount_printed phải trống",
        "en": "basis={basis} means the document printed no figure, so amount_printed must be empty",
    },
    "line_beyond": {
        "vi": "dòng nguồn {number} vượt quá cuối văn bản {file} ({count} dòng)",
        "en": "source line {number} is beyond the end of {file} ({count} lines)",
    },
    "imported": {
        "vi": "Đã nhập: lần nhập {id} (chương trình {programme}).",
        "en": "Imported: import {id} (programme {programme}).",
    },
    "removed": {"vi": "Đã gỡ lần nhập {id}.", "en": "Removed import {id}."},
    "no_import": {"vi": "Không có lần nhập {id}.", "en": "No import {id}."},
    "build_failed": {
        "vi": "Không dựng được cơ sở dữ liệu ({count} lỗi); tệp cũ giữ nguyên:",
        "en": "Database build failed ({count} errors); the previous file is unchanged:",
    },
    "build_ok": {
        "vi": "Đã dựng {path}: {programmes} chương trình, {lines} dòng kinh phí, "
        "{targets} chỉ tiêu, {findings} điểm lệch số liệu.",
        "en": "Built {path}: {programmes} programmes, {lines} budget lines, "
        "{targets} targets, {findings} reconciliation findings.",
    },
}


def t(key: str, lang: str | None = None, /, **kwargs: object) -> str:
    """Message `key` in `lang` (default from settings), with its fields filled in."""
    entry = MESSAGES[key]
    return entry.get(lang or settings.LANG, entry["vi"]).format(**kwargs)
