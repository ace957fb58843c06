"""Support records: what was paid to which establishments, by province, year, area, place."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import chart_with_data, cite_many, filters, source_caption, view_tabs
from plans.charts.budget import funding_labels, series_names
from plans.charts.support import (
    DISTRICT_BARS,
    area_bars,
    change_heatmap,
    district_bars,
    place_labels,
    province_bars,
    source_bars,
    source_refs,
    year_bars,
)
from plans.charts.tables import for_display
from plans.messages import t
from plans.numbers import format_mvnd, format_number

f = filters()
lang = f.lang
HEADERS = {
    "rank": t("support.rank", lang),
    "province": t("support.province", lang),
    "establishment": t("support.establishment", lang),
    "records": t("support.records_h", lang),
    "establishments": t("support.establishments_h", lang),
    "amount_mvnd": t("support.amount_mvnd", lang),
    "beneficiaries": t("support.beneficiaries_h", lang),
    "year": t("support.year", lang),
    "prev_amount_mvnd": t("support.prev_amount_mvnd", lang),
    "change_pct": t("support.change_pct", lang),
    "content_area": t("support.content_area", lang),
    "area_name": t("support.area_name", lang),
    "province_written": t("support.province_written", lang),
    "place": t("support.place", lang),
    "district": t("support.district", lang),
    "ward": t("support.ward", lang),
    "province_share_pct": t("support.province_share_pct", lang),
    "funding": t("support.funding_source", lang),
}

st.title(t("support.title", lang))
st.markdown(t("support.intro", lang))
# which boundary view the provinces follow (the sidebar's "Địa giới")
st.caption(
    t("support.boundary_current", lang)
    if f.boundary == "current"
    else t("support.boundary_as_issued", lang)
)

# The same filters for every query; a section code is not a content area of records. The
# provinces are names of the sidebar's boundary view.
params = {
    "boundary": f.boundary,
    "provinces": tuple(f.provinces) or None,
    "y0": f.year_from,
    "y1": f.year_to,
    "content_area": (f.area or None) if f.area_mode == "content_area" else None,
}
if f.area_mode == "section" and f.area:
    st.caption(t("support.section_note", lang))

# Imported records are cited by their files (an import keeps its file name); synthetic records
# are not documents: the caption names the table they come from.
files = query("support_sources", **params)
imported = files[files["import_id"].notna()]
cited_files = list(dict.fromkeys(str(name) for name in imported["source_file"].dropna()))
caption = (
    t("support.caption_imports", lang, sources=cite_many(cited_files))
    if cited_files
    else t("support.caption", lang)
)

# Cancelled đề án are kept in the records but never summed: the page says how many.
statuses = query("support_status_counts", **params)
cancelled = statuses[statuses["status"] == "cancelled"]
if not cancelled.empty:
    st.caption(
        t(
            "support.cancelled",
            lang,
            records=format_number(float(cancelled["records"].iloc[0]), 0, lang),
            amount=format_mvnd(float(cancelled["amount_mvnd"].iloc[0]), lang),
        )
    )

provinces = query("support_by_province", **params)
if provinces.empty:
    everything = query(
        "support_by_province",
        boundary=f.boundary,
        provinces=None,
        y0=None,
        y1=None,
        content_area=None,
    )
    st.info(t("support.empty", lang) if everything.empty else t("support.none", lang))
    st.stop()

c1, c2, c3, c4 = st.columns([1, 1, 1.6, 1])
c1.metric(t("support.records", lang), format_number(float(provinces["records"].sum()), 0, lang))
c2.metric(
    t("support.establishments", lang),
    format_number(float(provinces["establishments"].sum()), 0, lang),
)
amount = float(provinces["amount_mvnd"].sum())
# A metric has little room: the unit in its label, billions to one decimal in the figure
# ("2.550.319,7 billion VND" was cut off at national scale), the exact amount on hover.
c3.metric(
    t("support.amount_bn", lang),
    format_number(amount / 1000, 1, lang),
    help=format_mvnd(amount, lang),
)
c4.metric(
    t("support.beneficiaries", lang),
    format_number(float(provinces["beneficiaries"].sum()), 0, lang),
)

views = {
    "provinces": t("support.view_provinces", lang),
    "years": t("support.view_years", lang),
    "areas": t("support.view_areas", lang),
    "districts": t("support.view_districts", lang),
    "sources": t("support.view_sources", lang),
    "top": t("support.view_top", lang),
}
view, tab = view_tabs(views, key="support_view")
with tab:
    if view == "provinces":
        chart_with_data(
            figure(province_bars, provinces, t("support.by_province", lang), lang),
            # each province under the name its bar gives it (what it sums across the merger)
            provinces.assign(province=series_names(provinces, lang, "province")),
            ["province", "records", "establishments", "amount_mvnd", "beneficiaries", "share_pct"],
            caption,
            key="support_provinces",
            headers=HEADERS,
            files=cited_files,
        )
    elif view == "years":
        years = query("support_by_year", **params)
        chart_with_data(
            figure(year_bars, years, t("support.by_year", lang), lang),
            years.assign(year=years["year"].astype(str)),  # a year, not a number with a mark
            ["year", "records", "amount_mvnd", "beneficiaries"],
            caption + t("support.caption_change", lang),
            key="support_years",
            headers=HEADERS,
            files=cited_files,
        )
        yoy = query("support_yoy", **params)
        chart_with_data(
            figure(change_heatmap, yoy, t("support.changes", lang), lang),
            yoy.assign(year=yoy["year"].astype(str)),
            ["province", "year", "amount_mvnd", "prev_amount_mvnd", "change_pct"],
            caption + t("support.caption_change", lang),
            key="support_changes",
            headers=HEADERS,
            files=cited_files,
        )
    elif view == "areas":
        areas = query("support_by_area", **params)
        choices = query("area_choices")
        names = {
            str(row.code): str(getattr(row, f"name_{lang}"))
            for row in choices[choices["mode"] == "content_area"].itertuples(index=False)
        }
        no_area = t("support.no_area", lang)
        shown_areas = areas.assign(
            area_name=[names.get(str(c), no_area) for c in areas["content_area"].fillna("")]
        )
        chart_with_data(
            figure(area_bars, areas, names, t("support.by_area", lang), lang),
            shown_areas,
            ["content_area", "area_name", "records", "amount_mvnd", "beneficiaries", "share_pct"],
            caption,
            key="support_areas",
            headers=HEADERS,
            files=cited_files,
        )
    elif view == "districts":
        districts = query("support_by_district", **params)
        note = t("support.caption_district", lang)
        if len(districts) > DISTRICT_BARS:
            note += t("support.district_largest", lang, n=DISTRICT_BARS, total=len(districts))
        chart_with_data(
            figure(district_bars, districts, t("support.by_district", lang), lang),
            districts.assign(place=place_labels(districts, lang)),
            ["province", "place", "records", "amount_mvnd", "beneficiaries", "share_pct",
             "province_share_pct"],
            caption + note,
            key="support_districts",
            headers=HEADERS,
            files=cited_files,
        )  # fmt: skip
    elif view == "sources":
        sources = query("support_by_source", **params)
        chart_with_data(
            figure(source_bars, sources, t("support.by_source", lang), lang),
            sources.assign(funding=funding_labels(sources, lang)),
            ["funding", "records", "amount_mvnd", "beneficiaries", "share_pct"],
            caption + t("support.caption_source", lang),
            key="support_sources",
            headers=HEADERS,
            files=cited_files,
        )
    else:
        st.subheader(t("support.top", lang))
        limit = st.select_slider(
            t("support.limit", lang), options=[10, 20, 50, 100], value=20, key="support_limit"
        )
        top = query("support_top_establishments", **params, limit=int(limit))
        columns = ["rank", "province", "establishment", "records", "amount_mvnd", "beneficiaries"]
        if (top["province_written"] != top["province"]).any():
            # an establishment belongs to the province on its records: say which when it differs
            columns.insert(2, "province_written")
        if top["source_files"].notna().any():
            # an imported establishment is cited by the rows of the files its records are on
            top = top.assign(
                source=[
                    cite_many(*source_refs(names, lines)) if isinstance(names, str) else None
                    for names, lines in zip(top["source_files"], top["source_lines"], strict=True)
                ]
            )
            columns.append("source")
        st.dataframe(
            for_display(top, columns, lang, HEADERS), hide_index=True, key="support_top_table"
        )
        source_caption(caption + t("support.caption_names", lang), cited_files)
