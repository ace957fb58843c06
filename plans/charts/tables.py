"""Tables for people: localised headers and numbers in the reader's format (pure pandas)."""

from __future__ import annotations

import pandas as pd

from plans.charts.base import UNASSIGNED
from plans.messages import LANGS, t
from plans.numbers import format_number, format_pct

AREA_KEY_COLUMNS = ("key", "group_key", "content_area")


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


def _headers(lang: str) -> dict[str, str]:
    """Column headers a reader sees; columns not listed keep their name. The place in the
    document has a column per language: `location` and `location_en`."""
    if lang not in LANGS:
        return {}
    return {
        "key": t("charts_tables.key", lang),
        "label": t("charts_tables.label", lang),
        "amount_mvnd": t("charts_tables.amount_mvnd", lang),
        "share_pct": t("charts_tables.share_pct", lang),
        "location" if lang == "vi" else "location_en": t("charts_tables.location", lang),
        "kind": t("charts_tables.kind", lang),
        "printed_text": t("charts_tables.printed_text", lang),
        "stated_value": t("charts_tables.stated_value", lang),
        "computed_value": t("charts_tables.computed_value", lang),
        "difference": t("charts_tables.difference", lang),
        "source": t("charts_tables.source", lang),
        "note": t("charts_tables.note", lang),
    }


def headers_for(lang: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Column headers for `lang`: the shared ones, overridden by a page's own."""
    return {**_headers(lang), **(extra or {})}


def for_display(
    frame: pd.DataFrame,
    columns: list[str],
    lang: str = "vi",
    headers: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The chosen columns, numbers formatted as text for `lang`, headers translated."""
    shown = frame[columns].copy()
    for column in columns:
        if column in AREA_KEY_COLUMNS and shown[column].dtype == object:
            # the queries' key of tasks without a content area is '?': a reader sees words
            shown[column] = shown[column].replace({UNASSIGNED: t("areas.unassigned", lang)})
        if pd.api.types.is_numeric_dtype(shown[column]):
            decimals = _decimals(list(shown[column]))
            values = [_format_value(column, v, lang, decimals) for v in shown[column]]
            shown[column] = pd.Series(values, index=shown.index, dtype=object)
    return shown.rename(columns=headers_for(lang, headers))
