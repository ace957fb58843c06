"""Sentences written from the numbers, in the reader's language (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plans.numbers import format_mvnd, format_number, format_pct


def _known(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def overview_sentences(
    row: Mapping[str, Any],
    this: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    lang: str = "vi",
) -> list[str]:
    """Two or three sentences on a programme: size, largest area, change on the previous period."""
    vi = lang == "vi"
    title = row["title"] if vi else row["title_en"]
    out: list[str] = []
    total = row["stated_total_mvnd"]
    n_tasks = int(row["n_tasks"] or 0)
    if _known(total) and n_tasks:
        out.append(
            f"{title} dự kiến {format_mvnd(total, lang)} cho {format_number(n_tasks, 0, lang)} "
            "nhiệm vụ."
            if vi
            else f"{title} plans {format_mvnd(total, lang)} for {n_tasks} tasks."
        )
    elif _known(total):
        out.append(
            f"{title} dự kiến {format_mvnd(total, lang)}; văn bản không kèm bảng kinh phí chi tiết."
            if vi
            else f"{title} plans {format_mvnd(total, lang)}; the document has no budget table."
        )
    if _known(row.get("largest_area")):
        share = format_pct(row["largest_area_share_pct"], 1, lang)
        label = row["largest_area_label"]
        out.append(
            f"Lĩnh vực lớn nhất là {row['largest_area']} ({label}), chiếm {share} kinh phí."
            if vi
            else f"The largest content area is {row['largest_area']} ({label}), with {share} "
            "of the budget."
        )
    if before is not None and _known(before.get("planned_mvnd")) and _known(this["planned_mvnd"]):
        then, now = before["planned_mvnd"], this["planned_mvnd"]
        period = f"{row['previous_start']}-{row['previous_end']}"
        nominal = 100 * (now - then) / then
        word = ("tăng" if nominal >= 0 else "giảm") if vi else ("up" if nominal >= 0 else "down")
        pct = format_pct(abs(nominal), 1, lang)
        year = int(this["price_year"])
        if _known(this["planned_real_mvnd"]) and _known(before.get("planned_real_mvnd")):
            real = 100 * (this["planned_real_mvnd"] - before["planned_real_mvnd"])
            real /= before["planned_real_mvnd"]
            real_word = ("tăng" if real >= 0 else "giảm") if vi else ("up" if real >= 0 else "down")
            tail = (
                f"; theo giá năm {year}: {real_word} {format_pct(abs(real), 1, lang)}"
                if vi
                else f"; in {year} prices: {real_word} {format_pct(abs(real), 1, lang)}"
            )
        else:
            missing = this.get("cpi_missing_years") or ""
            tail = (
                f"; chưa quy được về giá năm {year} vì chưa có CPI năm {missing}"
                if vi
                else f"; not comparable in {year} prices: no CPI yet for {missing}"
            )
        out.append(
            f"So với giai đoạn {period} ({format_mvnd(then, lang)}), kinh phí {word} {pct} "
            f"theo giá danh nghĩa{tail}."
            if vi
            else f"Against {period} ({format_mvnd(then, lang)}), the budget is {word} {pct} "
            f"in nominal terms{tail}."
        )
    return out
