"""Overview: the chosen programme's headline figures, change on the previous period, shares."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import chart_with_data, cite, filters, funding_chart
from plans.charts.base import share_bar
from plans.charts.narrative import overview_sentences
from plans.charts.tables import for_display
from plans.data.sources import short_ref
from plans.escape import markdown_literal
from plans.messages import t
from plans.numbers import format_mvnd, format_number, format_pct

f = filters()
lang = f.lang

row = query("programme_overview", programme_id=f.programme).iloc[0]
budgets = query("programme_budgets", price_year=None).set_index("programme_id")
title = row["title"] if lang == "vi" else row["title_en"]
st.title(t("overview.title", lang))
st.subheader(markdown_literal(title))

this = budgets.loc[f.programme]
before = budgets.loc[row["previous_id"]] if row["previous_id"] in budgets.index else None
unknown = t("overview.unknown", lang)


def change(now: float, then: float | None) -> str:
    if then is None or then != then or now != now or not then:
        return unknown
    return format_pct(100 * (now - then) / then, 1, lang)


c1, c2, c3, c4, c5 = st.columns(5)
total = row["stated_total_mvnd"]
c1.metric(t("overview.total", lang), format_mvnd(total, lang) if total == total else unknown)
c2.metric(t("overview.tasks", lang), format_number(int(row["n_tasks"] or 0), 0, lang))
if row["largest_area"] is not None and row["largest_area"] == row["largest_area"]:
    c3.metric(
        t("overview.largest", lang),
        f"{row['largest_area']} · {format_pct(row['largest_area_share_pct'], 1, lang)}",
        help=markdown_literal(row["largest_area_label"]),
    )
elif (row.get("unassigned_share_pct") or 0) > 0:
    # no task has a content area (an import without linh_vuc): say so, never "?"
    c3.metric(
        t("overview.largest", lang),
        t("areas.unassigned", lang),
        help=t(
            "overview.unassigned_help",
            lang,
            share=format_pct(row["unassigned_share_pct"], 1, lang),
        ),
    )
else:
    c3.metric(t("overview.largest", lang), unknown)
then_nominal = before["planned_mvnd"] if before is not None else None
then_real = before["planned_real_mvnd"] if before is not None else None
# Short labels (five metrics share the row; longer ones were cut off), the comparison on hover.
previous = row["previous_id"] if before is not None else "—"
year = int(this["price_year"])
c4.metric(
    t("overview.change", lang),
    change(this["planned_mvnd"], then_nominal),
    help=t("overview.change_help", lang, previous=previous),
)
c5.metric(
    t("overview.change_real", lang, year=year),
    change(this["planned_real_mvnd"], then_real),
    help=t("overview.change_real_help", lang, previous=previous, year=year),
)

# one list in one element: an element per sentence cost the browser a Markdown render each
sentences = overview_sentences(row, this, before, lang, literal=markdown_literal)
if sentences:
    st.markdown("\n".join(f"- {sentence}" for sentence in sentences))
if row["across_merger"]:
    # a merged province's own earlier programme covered only part of it: no change is shown
    st.info(t("overview.across_merger", lang, province=row["province"]))
if not row["content_list_known"]:
    st.info(
        t(
            "overview.content_list_unknown",
            lang,
            decree=row["decree_in_force"],
            read=row["decree_read"],
        )
    )

shares = query("programme_shares", programme_id=f.programme, level=f.area_mode)
if shares.empty:
    st.info(t("overview.no_lines", lang))
else:
    chart_title = t("overview.chart", lang)
    chart_with_data(
        figure(share_bar, shares, f"{chart_title} — {title}", lang),
        shares,
        ["key", "label", "amount_mvnd", "share_pct"],
        t("overview.caption", lang, source=cite(row["source_file"])),
        key="overview_shares",
        files=[row["source_file"]],
    )

# who pays: only where the document says it line by line (otherwise one line says so)
funding = query("funding_shares", programme_id=f.programme, year_from=None, year_to=None)
funding_title = t("funding.chart", lang) + f" — {title}"
if not funding.empty:
    st.subheader(t("funding.heading", lang))
    caption = t("funding.caption", lang, source=cite(row["source_file"]))
    if not funding_chart(
        funding, funding_title, caption, "overview_funding", row["source_file"], lang
    ):
        st.caption(t("funding.not_split", lang))

st.subheader(t("overview.recon", lang))
findings = query("programme_findings", programme_id=f.programme)
if findings.empty:
    st.success(t("overview.none", lang))
else:
    findings["source"] = [
        short_ref(a, b)
        for a, b in zip(findings["source_file"], findings["source_line"], strict=True)
    ]
    location = "location" if lang == "vi" else "location_en"
    columns = [location, "printed_text", "stated_value", "computed_value", "difference", "source"]
    st.dataframe(
        for_display(findings, [*columns, "note"], lang), hide_index=True, key="overview_findings"
    )
