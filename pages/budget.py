"""Budget allocation: one programme's budget by section or content area, by task and by year."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import (
    chart_with_data,
    cite,
    cite_many,
    data_downloads,
    filters,
    funding_chart,
    source_caption,
    view_tabs,
)
from plans.charts.budget import (
    EXECUTION_COLUMNS,
    allocation_tree,
    execution_chart,
    execution_data,
    execution_headers,
    execution_note,
    execution_scopes,
    has_execution,
    year_stack,
)
from plans.charts.tables import for_display, headers_for
from plans.escape import markdown_literal
from plans.messages import t
from plans.numbers import format_mvnd

f = filters()
lang = f.lang
HEADERS = {
    "group_key": t("budget.group_key", lang),
    "task_code": t("budget.task_code", lang),
    "task_name": t("budget.task_name", lang),
    "source_line": t("budget.source_line", lang),
    "year": t("budget.year", lang),
    "programme_share_pct": t("budget.programme_share_pct", lang),
    "stated_mvnd": t("budget.stated_mvnd", lang),
    "difference_mvnd": t("budget.difference_mvnd", lang),
    "stated_source": t("budget.stated_source", lang),
    "label": t("budget.label", lang),
}

st.title(t("budget.title", lang))
info = query(
    "budget_alloc_programme", programme_id=f.programme, year_from=f.year_from, year_to=f.year_to
).iloc[0]
st.subheader(markdown_literal(info["title"] if lang == "vi" else info["title_en"]))

if info["n_lines"] == 0:
    st.info(t("budget.no_lines", lang))
    stated = info["stated_total_mvnd"]
    if stated == stated and stated is not None:
        st.metric(
            t("budget.stated", lang),
            format_mvnd(stated, lang),
            help=markdown_literal(info["stated_total_printed"]),
        )
        source_caption(
            t("budget.stated_from", lang, source=cite(info["source_file"], info["source_line"])),
            [info["source_file"]],
        )
    else:
        st.caption(t("budget.not_stated", lang))
    st.stop()

if info["range_years"] == 0:
    st.info(
        t(
            "budget.no_years",
            lang,
            start=info["period_start"],
            end=info["period_end"],
            y0=f.year_from,
            y1=f.year_to,
        )
    )
    st.stop()

params = {
    "programme_id": f.programme,
    "area_mode": f.area_mode,
    "area": f.area or None,
    "year_from": f.year_from,
    "year_to": f.year_to,
}
tree = query("budget_alloc_tree", **params)
years = query("budget_alloc_years", **params)
shares = query("budget_alloc_shares", **params)
if tree.empty:
    st.info(t("budget.empty", lang, area=markdown_literal(f.area)))
    st.stop()
y0, y1 = int(tree["first_year"].min()), int(tree["last_year"].max())
n_years = int(info["period_end"] - info["period_start"] + 1)
label = "label_vi" if lang == "vi" else "label_en"

c1, c2, c3 = st.columns(3)
c1.metric(t("budget.computed", lang, y0=y0, y1=y1), format_mvnd(info["range_total_mvnd"], lang))
if f.area:
    c2.metric(
        t("budget.filtered", lang, area=markdown_literal(f.area)),
        format_mvnd(tree["amount_mvnd"].sum(), lang),
        help=markdown_literal(shares[label].iloc[0]) if len(shares) else None,
    )
stated = info["stated_total_mvnd"]
if stated == stated and stated is not None:
    c3.metric(
        t("budget.stated", lang),
        format_mvnd(stated, lang),
        help=markdown_literal(info["stated_total_printed"]),
    )
if int(info["range_years"]) < n_years:
    st.caption(t("budget.years_note", lang, n=int(info["range_years"]), total=n_years))

caption = t("budget.caption", lang, source=cite(info["source_file"]))
if f.area_mode == "content_area":
    caption += t("budget.caption_area", lang)
derived = int(years["n_derived_cells"].sum())
if derived:
    caption += t("budget.caption_derived", lang, n=derived)

levels = {"section": t("budget.section", lang), "content_area": t("budget.content_area", lang)}
level = levels[f.area_mode]
views = {
    "tree": t("budget.tree_tab", lang),
    "years": t("budget.years_tab", lang),
    "shares": t("budget.shares", lang),
    "funding": t("funding.tab", lang),
}
# a results report's yearly allocated and disbursed figures, where one is stored
execution = query("programme_budget_years", programme_id=f.programme)
if has_execution(execution):
    views["execution"] = t("execution.tab", lang)
view, tab = view_tabs(views, key="budget_view")
with tab:
    if view == "tree":
        shapes = {"treemap": t("budget.treemap", lang), "sunburst": t("budget.sunburst", lang)}
        shape = st.radio(
            t("budget.shape", lang),
            options=["treemap", "sunburst"],
            format_func=shapes.get,
            horizontal=True,
            key="budget_shape",
        )
        st.caption(t("budget.tree_hint", lang))
        tree_fig = figure(
            allocation_tree,
            tree,
            f.programme,
            t("budget.tree", lang, level=level, prog=f.programme, y0=y0, y1=y1),
            lang,
            shape=shape,
        )
        chart_with_data(
            tree_fig,
            tree.assign(label=tree["group_label_vi" if lang == "vi" else "group_label_en"]),
            ["group_key", "label", "task_code", "task_name", "amount_mvnd", "source_line"],
            caption,
            key="budget_tree",
            headers=HEADERS,
            files=[info["source_file"]],
        )
    elif view == "years":
        stack_fig = figure(
            year_stack, years, t("budget.stack", lang, level=level, prog=f.programme), lang
        )
        chart_with_data(
            stack_fig,
            # a year is a label, not an amount: no thousands separator
            years.assign(
                label=years["group_label_vi" if lang == "vi" else "group_label_en"],
                year=years["year"].astype(str),
            ),
            ["year", "group_key", "label", "amount_mvnd"],
            caption,
            key="budget_years",
            headers=HEADERS,
            files=[info["source_file"]],
        )
    elif view == "funding":
        # by who pays, over the chosen years (the content filter does not apply: a source
        # is the programme's, not an area's)
        funding = query(
            "funding_shares", programme_id=f.programme, year_from=f.year_from, year_to=f.year_to
        )
        title = t("funding.budget_chart", lang, prog=f.programme, y0=y0, y1=y1)
        caption = t("budget.caption", lang, source=cite(info["source_file"]))
        if not funding_chart(funding, title, caption, "budget_funding", info["source_file"], lang):
            st.info(t("funding.not_split", lang))
    elif view == "execution":
        # the whole period, whatever years the sidebar chose: to date means from its start
        scopes = execution_scopes(execution, lang)
        scope = st.radio(
            t("execution.scope_choice", lang),
            options=list(scopes),
            format_func=lambda scope: markdown_literal(scopes[scope]),
            horizontal=True,
            key="budget_execution_scope",
        )
        shown = execution_data(execution, lang, scope)
        reports = list(shown["source_file"].dropna().unique())
        caption = t(
            "execution.caption",
            lang,
            plan=cite(info["source_file"]),
            reports=cite_many(reports) if reports else "—",
        )
        chart_with_data(
            figure(
                execution_chart,
                execution,
                t("execution.chart_title", lang, prog=f.programme, scope=scopes[scope]),
                lang,
                scope,
            ),
            shown,
            list(EXECUTION_COLUMNS),
            " ".join(filter(None, [execution_note(execution, lang, scope), caption])),
            key="budget_execution",
            headers=execution_headers(lang),
            files=[info["source_file"], *reports],
        )
    else:
        shares = shares.assign(label=shares[label])
        columns = ["key", "label", "amount_mvnd", "share_pct"]
        if f.area:
            columns.append("programme_share_pct")
        if f.area_mode == "section":
            # the document prints totals by section only; by content area nothing to set beside
            columns += ["stated_mvnd", "difference_mvnd", "stated_source"]
        shown = for_display(shares, columns, lang, HEADERS)
        st.dataframe(shown, hide_index=True, key="budget_shares")
        note = t("budget.shares_caption", lang)
        if f.area_mode == "content_area":
            note += t("budget.shares_area", lang)
        else:
            note += t("budget.shares_stated", lang)
            if int(info["range_years"]) < n_years:
                note += t("budget.shares_partial", lang)
        source_caption(f"{note} {caption}", [info["source_file"]])
        raw = shares[columns].rename(columns=headers_for(lang, HEADERS))
        left, right, _ = st.columns([1, 1, 4])
        data_downloads(raw, "budget_shares", left, right)
