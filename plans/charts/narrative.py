"""Sentences written from the numbers, in the reader's language (no Streamlit)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from plans.messages import t
from plans.numbers import format_mvnd, format_number, format_pct


def _known(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _direction(change: float, lang: str) -> str:
    """'tăng' / 'up' for a change of 0 or more, 'giảm' / 'down' below."""
    return t("charts_narrative.up", lang) if change >= 0 else t("charts_narrative.down", lang)


def overview_sentences(
    row: Mapping[str, Any],
    this: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    lang: str = "vi",
    literal: Callable[[str], str] = str,
) -> list[str]:
    """Two or three sentences on a programme: size, largest area, change on the previous period.

    `literal` is applied to the names that came from the documents or an import (the title,
    the largest area and its label) before they go into a sentence: a page showing the
    sentences as Markdown passes plans.escape.markdown_literal (issue 19, 4).
    """
    title = literal(row["title"] if lang == "vi" else row["title_en"])
    out: list[str] = []
    total = row["stated_total_mvnd"]
    n_tasks = int(row["n_tasks"] or 0)
    if _known(total) and n_tasks:
        out.append(
            t(
                "charts_narrative.size",
                lang,
                title=title,
                amount=format_mvnd(total, lang),
                tasks=format_number(n_tasks, 0, lang),
            )
        )
    elif _known(total):
        out.append(
            t("charts_narrative.size_no_table", lang, title=title, amount=format_mvnd(total, lang))
        )
    if _known(row.get("largest_area")):
        out.append(
            t(
                "charts_narrative.largest_area",
                lang,
                area=literal(row["largest_area"]),
                label=literal(row["largest_area_label"]),
                share=format_pct(row["largest_area_share_pct"], 1, lang),
            )
        )
    unassigned = row.get("unassigned_share_pct")
    if _known(unassigned) and unassigned > 0:
        out.append(
            t("charts_narrative.unassigned", lang, share=format_pct(float(unassigned), 1, lang))
        )
    if before is not None and _known(before.get("planned_mvnd")) and _known(this["planned_mvnd"]):
        then, now = before["planned_mvnd"], this["planned_mvnd"]
        period = f"{row['previous_start']}-{row['previous_end']}"
        nominal = 100 * (now - then) / then
        year = int(this["price_year"])
        if _known(this["planned_real_mvnd"]) and _known(before.get("planned_real_mvnd")):
            real = 100 * (this["planned_real_mvnd"] - before["planned_real_mvnd"])
            real /= before["planned_real_mvnd"]
            tail = t(
                "charts_narrative.real_change",
                lang,
                year=year,
                direction=_direction(real, lang),
                pct=format_pct(abs(real), 1, lang),
            )
        else:
            missing = this.get("cpi_missing_years") or ""
            tail = t("charts_narrative.no_cpi", lang, year=year, missing=missing)
        out.append(
            t(
                "charts_narrative.change",
                lang,
                period=period,
                then=format_mvnd(then, lang),
                direction=_direction(nominal, lang),
                pct=format_pct(abs(nominal), 1, lang),
                tail=tail,
            )
        )
    return out
