"""Tables for people: localised headers and numbers in the reader's format (pure pandas)."""

from __future__ import annotations

import pandas as pd

from plans.numbers import format_number, format_pct

# Column headers a reader sees, by language; columns not listed keep their name.
HEADERS: dict[str, dict[str, str]] = {
    "vi": {
        "key": "Mã",
        "label": "Nội dung",
        "amount_mvnd": "Kinh phí (triệu đồng)",
        "share_pct": "Tỷ trọng",
        "location": "Vị trí trong văn bản",
        "kind": "Loại",
        "printed_text": "Số in",
        "stated_value": "Số văn bản ghi",
        "computed_value": "Số tính lại",
        "difference": "Chênh lệch",
        "source": "Nguồn",
        "note": "Ghi chú",
    },
    "en": {
        "key": "Code",
        "label": "Item",
        "amount_mvnd": "Budget (million VND)",
        "share_pct": "Share",
        "location_en": "Place in the document",
        "kind": "Kind",
        "printed_text": "Printed",
        "stated_value": "Stated",
        "computed_value": "Recomputed",
        "difference": "Difference",
        "source": "Source",
        "note": "Note",
    },
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _decimals(values: list[object]) -> int:
    """Decimals for a whole column: the fewest (0-2) that show every value to 0,01.

    One count per column keeps the figures aligned: "1.234,50" under "12,35", never "1.234"
    under "12,35", which reads as if the first were exact and the second not.
    """
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not _missing(v)]
    for decimals in (0, 1):
        if all(round(v, decimals) == round(v, 2) for v in numbers):
            return decimals
    return 2


def _format_value(column: str, value: object, lang: str, decimals: int) -> object:
    if _missing(value):
        return "—"
    if not isinstance(value, (int, float)):
        return value
    if column.endswith("_pct"):
        return format_pct(float(value), 1, lang)
    return format_number(float(value), decimals, lang)


def headers_for(lang: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Column headers for `lang`: the shared ones, overridden by a page's own."""
    return {**HEADERS.get(lang, {}), **(extra or {})}


def for_display(
    frame: pd.DataFrame,
    columns: list[str],
    lang: str = "vi",
    headers: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The chosen columns, numbers formatted as text for `lang`, headers translated."""
    shown = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_numeric_dtype(shown[column]):
            decimals = _decimals(list(shown[column]))
            values = [_format_value(column, v, lang, decimals) for v in shown[column]]
            shown[column] = pd.Series(values, index=shown.index, dtype=object)
    return shown.rename(columns=headers_for(lang, headers))
