"""The presenter kit: one programme's dashboard charts with headlines, and a 16:9 PPTX deck."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_date

from plans import settings
from plans.charts.base import share_bar
from plans.charts.budget import area_share_bars, many_series, period_labels, year_stack
from plans.charts.support import area_bars, year_bars
from plans.charts.support_compare import establishment_bars, plan_year_bars
from plans.charts.tables import for_display
from plans.charts.targets import (
    achievement_chart,
    budget_periods_chart,
    period_budgets,
    results_data,
    with_targets,
)
from plans.charts.timeline import month_span, timeline_gantt
from plans.data.provinces import starts_after_merger
from plans.data.sources import Documents, cite_many, document_name
from plans.db import run
from plans.messages import t
from plans.numbers import format_mvnd, format_number, format_pct
from plans.present.kit import SUPPORT_KEYS, Chart, DeckInfo
from plans.present.links import optional_link, printed_lines, printed_link, qr_png

if TYPE_CHECKING:
    from pptx.shapes.autoshape import Shape
    from pptx.slide import Slide

# The order of the catalogue; the CLI's --charts picks among these keys.
KEYS = (
    "sections",
    "years",
    "areas",
    "results",
    "periods",
    "provinces",
    "timeline",
    *SUPPORT_KEYS,
)
TOP_ESTABLISHMENTS = 10  # establishments on the top slide: what a slide can still name


def _known(value: object) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _documents(con: duckdb.DuckDBPyConnection) -> Documents:
    """Each document's row of the documents table by its stored file name (for citations)."""
    frame = run(con, "source_documents")
    return {str(row["source_file"]): row for row in frame.to_dict("records")}


def _line(ref: object) -> str:
    """'266' from the short reference '000:266' the queries give ('' when there is none)."""
    return str(ref).split(":", 1)[-1] if _known(ref) else ""


def _cited(
    files: Iterable[object],
    documents: Documents,
    lang: str,
    lines: Iterable[object] | None = None,
) -> str:
    """The documents as people know them, each with its lines: 'QĐ 4153/QĐ-UBND (…), dòng 5'."""
    files = list(files)
    lines = [""] * len(files) if lines is None else list(lines)
    return cite_many(files, lines, documents, lang)


def _month(month: int, lang: str) -> str:
    """A month as the headline names it: vi '3' (after 'tháng'), en 'Mar'."""
    return format_date(date(2000, month, 1), format=t("deck.month_pattern", lang), locale=lang)


def _sections(
    con: duckdb.DuckDBPyConnection, pid: str, lang: str, documents: Documents
) -> Chart | None:
    shares = run(
        con,
        "budget_alloc_shares",
        programme_id=pid,
        area_mode="section",
        area=None,
        year_from=None,
        year_to=None,
    )
    if shares.empty:
        return None
    shares = shares.assign(label=shares["label_vi" if lang == "vi" else "label_en"])
    top = shares.loc[shares["share_pct"].idxmax()]
    title = t("deck.sections", lang, prog=pid)
    lines = [_line(ref) for ref in shares["stated_source"]]
    files = _cited(shares["source_file"], documents, lang, lines)
    return Chart(
        key="sections",
        title=title,
        headline=t(
            "deck.sections_head",
            lang,
            key=top["key"],
            pct=format_pct(top["share_pct"], 1, lang),
            amount=format_mvnd(top["amount_mvnd"], lang),
        ),
        caption=t("deck.source", lang, files=files) + t("deck.budget", lang),
        figure=share_bar(shares, title, lang),
        table=for_display(shares, ["key", "label", "amount_mvnd", "share_pct"], lang),
    )


def _years(
    con: duckdb.DuckDBPyConnection, pid: str, lang: str, documents: Documents
) -> Chart | None:
    years = run(
        con,
        "budget_alloc_years",
        programme_id=pid,
        area_mode="section",
        area=None,
        year_from=None,
        year_to=None,
    )
    if years.empty:
        return None
    totals = years.groupby("year")["amount_mvnd"].sum()
    top, low = int(totals.idxmax()), int(totals.idxmin())
    if totals[top] == totals[low]:
        headline = t("deck.years_even", lang, amount=format_mvnd(totals[top], lang), n=len(totals))
    else:
        headline = t(
            "deck.years_head",
            lang,
            top=top,
            top_amount=format_mvnd(totals[top], lang),
            low=low,
            low_amount=format_mvnd(totals[low], lang),
        )
    title = t("deck.years", lang, prog=pid)
    label = "group_label_vi" if lang == "vi" else "group_label_en"
    table = years.assign(label=years[label], year=years["year"].astype(str))
    files = _cited(dict.fromkeys(years["source_file"]), documents, lang)
    return Chart(
        key="years",
        title=title,
        headline=headline,
        caption=t("deck.source", lang, files=files) + t("deck.budget", lang),
        figure=year_stack(years, title, lang),
        table=for_display(
            table,
            ["year", "group_key", "label", "amount_mvnd"],
            lang,
            {"year": t("deck.year", lang), "group_key": t("deck.group_key", lang)},
        ),
    )


def _areas(
    con: duckdb.DuckDBPyConnection, pid: str, lang: str, source_file: str, documents: Documents
) -> Chart | None:
    shares = run(con, "programme_shares", programme_id=pid, level="content_area")
    if shares.empty:
        return None
    top = shares.loc[shares["share_pct"].idxmax()]
    title = t("deck.areas", lang, prog=pid)
    files = _cited([source_file], documents, lang)
    return Chart(
        key="areas",
        title=title,
        headline=t(
            "deck.areas_head",
            lang,
            key=top["key"],
            pct=format_pct(top["share_pct"], 1, lang),
            amount=format_mvnd(top["amount_mvnd"], lang),
        ),
        caption=t("deck.source", lang, files=files)
        + t("deck.budget", lang)
        + t("deck.area_map", lang),
        figure=share_bar(shares, title, lang),
        table=for_display(shares, ["key", "label", "amount_mvnd", "share_pct"], lang),
    )


def _results(
    con: duckdb.DuckDBPyConnection, pid: str, lang: str, period: str, documents: Documents
) -> Chart | None:
    results = run(con, "target_page_results", programme_id=pid, content_area=None)
    targeted = with_targets(results)
    if targeted.empty:
        return None
    n, met = len(targeted), int((targeted["achievement_pct"] >= 100).sum())
    # Vocational training (KC1) is the programme's headline output where it has a target.
    training = targeted[targeted["content_area"] == "KC1"]
    if training.empty:
        headline = t("deck.results_head_plain", lang, period=period, met=met, n=n)
    else:
        headline = t(
            "deck.results_head",
            lang,
            period=period,
            pct=format_pct(training["achievement_pct"].iloc[0], 1, lang),
            met=met,
            n=n,
        )
    title = t("deck.results", lang, prog=pid)
    name = "indicator" if lang == "vi" else "indicator_en"
    data = results_data(results, lang)
    files = _cited(data["source_file"], documents, lang, data["source_line"])
    return Chart(
        key="results",
        title=title,
        headline=headline,
        caption=t("deck.source", lang, files=files),
        figure=achievement_chart(results, title, lang),
        table=for_display(
            data,
            [name, "unit", "achieved", "target_point", "achievement_pct", "source"],
            lang,
            {
                name: t("deck.indicator", lang),
                "unit": t("deck.unit", lang),
                "achieved": t("deck.achieved", lang),
                "target_point": t("deck.target_point", lang),
                "achievement_pct": t("deck.achievement_pct", lang),
            },
        ),
    )


def _change(value: float, lang: str) -> str:
    """The word of a change: 'tăng' / 'up', 'giảm' / 'down'."""
    return t("deck.up", lang) if value >= 0 else t("deck.down", lang)


def _periods(
    con: duckdb.DuckDBPyConnection,
    pid: str,
    lang: str,
    province: str,
    price_year: int | None,
    documents: Documents,
) -> Chart | None:
    # The deck compares a programme with its own province's periods, as issued; a new province's
    # programme after 1/7/2025 is not set against the old province of the same name (only part
    # of it): the period page sums the old provinces instead.
    periods = run(con, "period_programmes", boundary="as_issued", province=province)
    after = periods["period_start"].map(starts_after_merger)
    if bool(after[periods["programme_id"] == pid].any()) and _across_merger(con, pid):
        periods = periods[after]
    if len(periods) < 2 or pid not in set(periods["programme_id"]):
        return None
    budgets = period_budgets(periods, run(con, "programme_budgets", price_year=price_year), lang)
    year = int(budgets["price_year"].iloc[0])
    i = budgets.index[budgets["programme_id"] == pid][0]
    # The programme against the period before it; the first period against the one after it.
    now, then = (budgets.loc[i], budgets.loc[i - 1]) if i > 0 else (budgets.loc[1], budgets.loc[0])
    headline = ""
    if _known(now["planned_mvnd"]) and _known(then["planned_mvnd"]) and then["planned_mvnd"]:
        change = 100 * (now["planned_mvnd"] - then["planned_mvnd"]) / then["planned_mvnd"]
        headline = t(
            "deck.periods_head",
            lang,
            now=now["period_label"],
            then=then["period_label"],
            word=_change(change, lang),
            pct=format_pct(abs(change), 1, lang),
        )
        real_now, real_then = now["planned_real_mvnd"], then["planned_real_mvnd"]
        if _known(real_now) and _known(real_then) and real_then:
            real = 100 * (real_now - real_then) / real_then
            headline += t(
                "deck.periods_real",
                lang,
                year=year,
                word=_change(real, lang),
                pct=format_pct(abs(real), 1, lang),
            )
    title = t("deck.periods", lang, province=province, year=year)
    cpi = ", ".join(dict.fromkeys(run(con, "period_price_years")["source"]))
    files = _cited(budgets["budget_source_file"], documents, lang, budgets["budget_source_line"])
    return Chart(
        key="periods",
        title=title,
        headline=headline or title,
        caption=t("deck.source", lang, files=files) + t("deck.cpi", lang, cpi=cpi),
        figure=budget_periods_chart(budgets, title, lang),
        table=for_display(
            budgets,
            ["period_label", "planned_mvnd", "planned_real_mvnd", "source"],
            lang,
            {
                "period_label": t("deck.period_label", lang),
                "planned_mvnd": t("deck.planned_mvnd", lang),
                "planned_real_mvnd": t("deck.planned_real_mvnd", lang, year=year),
            },
        ),
    )


def _across_merger(con: duckdb.DuckDBPyConnection, pid: str) -> bool:
    """The programme is a merged province's after 1/7/2025 with old members' programmes before."""
    return bool(run(con, "programme_overview", programme_id=pid)["across_merger"].iloc[0])


def _provinces(con: duckdb.DuckDBPyConnection, lang: str, documents: Documents) -> Chart | None:
    # as issued: one series per programme's own province (the page offers both views)
    shares = run(con, "province_shares", boundary="as_issued", provinces=None)
    if shares["series_label"].nunique() < 2:
        return None
    title = t("deck.provinces", lang)
    if many_series(shares):
        # At national scale the slide shows the latest period, as the page opens: 189 rows of
        # three periods on one slide could not be read.
        latest = max(period_labels(shares))
        shares = shares[period_labels(shares) == latest]
        title = t("deck.provinces_period", lang, period=latest)
    series = list(dict.fromkeys(shares["series_label"]))
    tops = [
        shares.loc[shares[shares["series_label"] == label]["share_pct"].idxmax()]
        for label in series
    ]
    if many_series(shares):
        # one sentence for the room, not one clause per province
        key, k = Counter(top["content_area"] for top in tops).most_common(1)[0]
        headline = t("deck.provinces_many", lang, k=k, n=len(series), period=latest, key=key)
    else:
        headline = "; ".join(
            t(
                "deck.provinces_part",
                lang,
                series=label,
                pct=format_pct(top["share_pct"], 1, lang),
                key=top["content_area"],
            )
            for label, top in zip(series, tops, strict=True)
        )
    suffix = "_vi" if lang == "vi" else "_en"
    names = sorted({x for s in shares["source_files"].dropna() for x in s.split(", ")})
    files = _cited(names, documents, lang)
    return Chart(
        key="provinces",
        title=title,
        headline=headline,
        caption=t("deck.source", lang, files=files)
        + t("deck.budget", lang)
        + t("deck.area_map", lang),
        figure=area_share_bars(shares, title, lang),
        table=for_display(
            shares.assign(label=shares[f"area_name{suffix}"]),
            ["series_label", "content_area", "label", "amount_mvnd", "share_pct"],
            lang,
            {
                "series_label": t("deck.series_label", lang),
                "content_area": t("deck.content_area", lang),
            },
        ),
    )


def _timeline(
    con: duckdb.DuckDBPyConnection, pid: str, lang: str, documents: Documents
) -> Chart | None:
    tasks = run(con, "timeline_tasks", programme_id=pid, section_code=None, content_area=None)
    if tasks.empty:
        return None
    first, last = int(tasks["month_start"].min()), int(tasks["month_end"].max())
    title = t("deck.timeline", lang, prog=pid)
    tasks = tasks.assign(
        months=[
            month_span(int(s), int(e), lang)
            for s, e in zip(tasks["month_start"], tasks["month_end"], strict=True)
        ]
    )
    files = _cited(sorted(set(tasks["source_file"])), documents, lang)
    return Chart(
        key="timeline",
        title=title,
        headline=t(
            "deck.timeline_head",
            lang,
            n=format_number(len(tasks), 0, lang),
            year=int(tasks["year"].iloc[0]),
            first=_month(first, lang),
            last=_month(last, lang),
        ),
        caption=t("deck.source", lang, files=files),
        figure=timeline_gantt(tasks, title, lang),
        table=for_display(
            tasks,
            ["task_code", "task_name", "months", "lead_unit"],
            lang,
            {
                "task_code": t("deck.task_code", lang),
                "task_name": t("deck.task_name", lang),
                "months": t("deck.months", lang),
                "lead_unit": t("deck.lead_unit", lang),
            },
        ),
    )


def _support_cited(years: pd.DataFrame, lang: str) -> str:
    """The files the programme's support records came from, as their imports name them."""
    names = sorted({x for s in years["support_files"].dropna() for x in str(s).split(", ")})
    # plans.data.synth writes 'synthetic' as the records' file: said in words, not as a file
    return "; ".join(
        t("sources.synthetic", lang) if name == "synthetic" else name for name in names
    )


def _span(years: pd.Series) -> str:
    """'2021-2023', or '2019' for one year."""
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}-{last}"


def _support_years(years: pd.DataFrame, pid: str, lang: str, documents: Documents) -> Chart | None:
    if years.empty or int(years["records"].sum()) == 0:
        return None
    title = t("deck.support_years", lang, prog=pid)
    paid = years[years["records"] > 0]
    n = format_number(float(paid["records"].sum()), 0, lang)
    amount = format_mvnd(float(paid["amount_mvnd"].sum()), lang)
    # the share of the plan over the years that have both support and a plan
    both = paid[paid["planned_mvnd"].notna() & (paid["planned_mvnd"] > 0)]
    if both.empty:
        headline = t(
            "deck.support_years_plain", lang, n=n, amount=amount, years=_span(paid["year"])
        )
        figure = year_bars(years, title, lang)
    else:
        pct = 100 * float(both["amount_mvnd"].sum()) / float(both["planned_mvnd"].sum())
        headline = t(
            "deck.support_years_head",
            lang,
            n=n,
            amount=amount,
            pct=format_pct(pct, 1, lang),
            years=_span(both["year"]),
        )
        figure = plan_year_bars(years, title, lang)
    plan = _cited(dict.fromkeys(years["source_file"].dropna()), documents, lang)
    caption = t("deck.support_source", lang, files=_support_cited(years, lang))
    if plan:
        caption += t("deck.support_plan", lang, files=plan)
    return Chart(
        key="support_years",
        title=title,
        headline=headline,
        caption=caption + t("deck.support_cancelled", lang),
        figure=figure,
        table=for_display(
            years.assign(year=years["year"].astype(str)),
            ["year", "records", "cancelled_records", "amount_mvnd", "planned_mvnd", "executed_pct"],
            lang,
            {
                "year": t("deck.year", lang),
                "records": t("deck.support_records", lang),
                "cancelled_records": t("deck.support_cancelled_records", lang),
                "amount_mvnd": t("deck.support_amount", lang),
                "planned_mvnd": t("deck.support_planned", lang),
                "executed_pct": t("deck.support_executed", lang),
            },
        ),
    )


def _support_areas(con: duckdb.DuckDBPyConnection, pid: str, lang: str, files: str) -> Chart | None:
    areas = run(con, "programme_support_areas", programme_id=pid)
    if areas.empty:
        return None
    choices = run(con, "area_choices")
    names = {
        str(row.code): str(getattr(row, f"name_{lang}"))
        for row in choices[choices["mode"] == "content_area"].itertuples(index=False)
    }
    top = areas.loc[areas["share_pct"].fillna(0).idxmax()]  # NaN: every amount 0
    no_area = t("charts_support.no_area", lang)
    key = str(top["content_area"]) if _known(top["content_area"]) else no_area
    title = t("deck.support_areas", lang, prog=pid)
    return Chart(
        key="support_areas",
        title=title,
        headline=t(
            "deck.support_areas_head",
            lang,
            key=key,
            pct=format_pct(float(top["share_pct"]), 1, lang),
            amount=format_mvnd(float(top["amount_mvnd"]), lang),
        ),
        caption=t("deck.support_source", lang, files=files) + t("deck.support_area_rule", lang),
        figure=area_bars(areas, names, title, lang),
        table=for_display(
            areas.assign(
                content_area=[str(c) if _known(c) else no_area for c in areas["content_area"]],
                label=[names.get(str(c)) for c in areas["content_area"]],  # None: "—"
            ),
            ["content_area", "label", "records", "amount_mvnd", "share_pct", "planned_mvnd"],
            lang,
            {
                "content_area": t("deck.content_area", lang),
                "records": t("deck.support_records", lang),
                "amount_mvnd": t("deck.support_amount", lang),
                "planned_mvnd": t("deck.support_planned", lang),
            },
        ),
    )


def _support_top(con: duckdb.DuckDBPyConnection, pid: str, lang: str, files: str) -> Chart | None:
    top = run(con, "programme_support_establishments", programme_id=pid, limit=TOP_ESTABLISHMENTS)
    if top.empty:
        return None
    first = top.iloc[0]
    title = t("deck.support_top", lang, prog=pid, n=len(top))
    return Chart(
        key="support_top",
        title=title,
        headline=t(
            "deck.support_top_head",
            lang,
            n=len(top),
            pct=format_pct(float(top["share_pct"].sum()), 1, lang),
            name=str(first["establishment"]),
            amount=format_mvnd(float(first["amount_mvnd"]), lang),
        ),
        caption=t("deck.support_source", lang, files=files) + t("deck.support_identity", lang),
        figure=establishment_bars(top, title, lang),
        table=for_display(
            top,
            ["rank", "establishment", "commune", "district", "records", "amount_mvnd", "share_pct"],
            lang,
            {
                "rank": t("deck.support_rank", lang),
                "establishment": t("deck.support_establishment", lang),
                "commune": t("deck.support_commune", lang),
                "district": t("deck.support_district", lang),
                "records": t("deck.support_records", lang),
                "amount_mvnd": t("deck.support_amount", lang),
            },
        ),
    )


def catalog(
    con: duckdb.DuckDBPyConnection,
    programme_id: str,
    lang: str = "vi",
    price_year: int | None = None,
) -> list[Chart]:
    """The dashboard's charts for one programme, in KEYS order; charts without data are left out.

    The support slides (SUPPORT_KEYS) come only for a programme with support records not
    cancelled. Raises KeyError for a programme the database does not hold.
    """
    overview = run(con, "programme_overview", programme_id=programme_id)
    if overview.empty:
        raise KeyError(programme_id)
    row = overview.iloc[0]
    period = f"{row['period_start']}-{row['period_end']}"
    docs = _documents(con)
    built = [
        _sections(con, programme_id, lang, docs),
        _years(con, programme_id, lang, docs),
        _areas(con, programme_id, lang, str(row["source_file"]), docs),
        _results(con, programme_id, lang, period, docs),
        _periods(con, programme_id, lang, str(row["province"]), price_year, docs),
        _provinces(con, lang, docs),
        _timeline(con, programme_id, lang, docs),
    ]
    years = run(con, "programme_support_years", programme_id=programme_id)
    support = _support_years(years, programme_id, lang, docs)
    if support is not None:
        files = _support_cited(years, lang)
        built += [
            support,
            _support_areas(con, programme_id, lang, files),
            _support_top(con, programme_id, lang, files),
        ]
    return [chart for chart in built if chart is not None]


def today_text(day: date, lang: str = "vi") -> str:
    """vi '23/11/2026', en '23 Nov 2026'."""
    return format_date(day, format=t("deck.date_pattern", lang), locale=lang)


def deck_info(
    con: duckdb.DuckDBPyConnection, programme_id: str, lang: str = "vi", day: date | None = None
) -> DeckInfo:
    """Title slide and footer facts of a programme: title, province, period, its documents."""
    overview = run(con, "programme_overview", programme_id=programme_id)
    if overview.empty:
        raise KeyError(programme_id)
    row = overview.iloc[0]
    # what the document prints of itself: 'QĐ 4153/QĐ-UBND (17/9/2020)'; a synthetic one or an
    # import has no number and is named by its file
    source = document_name(str(row["source_file"]), _documents(con), lang)
    return DeckInfo(
        programme_id=programme_id,
        title=str(row["title"] if lang == "vi" else row["title_en"]),
        province=str(row["province"]),
        period=f"{row['period_start']}-{row['period_end']}",
        date=today_text(day or date.today(), lang),
        sources=t("deck.source", lang, files=source),
        lang=lang,
    )


FONT = "DejaVu Sans"  # has the Vietnamese diacritics; PowerPoint falls back to a sans if missing


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    text: str | list[str],
    size: int,
    bold: bool = False,
) -> Shape:
    """A wrapping text box in FONT at `size` points; a list of lines gives a paragraph each."""
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate([text] if isinstance(text, str) else text):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run_ = paragraph.add_run()
        run_.text = line
        run_.font.size = Pt(size)
        run_.font.bold = bold
        run_.font.name = FONT
    return box


def _legend_rows(fig: go.Figure, width: float = 1400, char: float = 11, item: float = 40) -> int:
    """Rough number of rows a horizontal legend wraps to at the slide's 18 px font."""
    names = [str(t.name or "") for t in fig.data if t.showlegend is not False and t.name]
    rows, used = 1, 0.0
    for name in dict.fromkeys(names):
        need = item + char * len(name)
        if used and used + need > width:
            rows, used = rows + 1, 0.0
        used += need
    return rows if names else 0


def _for_slide(fig: go.Figure) -> go.Figure:
    """Room for the baked caption and the title: a legend below the plot moves above it, and
    the top margin grows with the legend's rows so the title never runs into it."""
    legend = fig.layout.legend
    if legend.orientation == "h" and legend.y is not None and legend.y < 0:
        fig.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    if fig.layout.legend.orientation == "h" and (fig.layout.legend.y or 0) >= 1:
        fig.update_layout(
            margin_t=100 + 27 * _legend_rows(fig),
            title={"y": 0.985, "yanchor": "top", "yref": "container"},
        )
    if not fig.layout.title.x:
        fig.update_layout(title_x=0.02)
    return fig


def _footer_caption(caption: str, lang: str) -> str:
    prefix = t("deck.source", lang, files="")
    return caption[len(prefix) :] if caption.startswith(prefix) else caption


# The column right of the chart picture (which ends 11.6 in from the left) and above the
# footer (6.9 in from the top): from the bottom up, the printed link, the QR code, a hint.
QR_LEFT, QR_COLUMN, QR_SIDE = 11.66, 1.6, 1.45  # inches
QR_BOTTOM = 6.85
LINK_CHARS = 22  # characters of the printed link per line at 8 pt in the column (~1.4 in)
LINK_LINE = 8 * 1.2 / 72  # inches: one 8 pt line
# A link of many chosen provinces would climb over the picture's corner: its end is cut ("…");
# the QR code still holds it whole.
LINK_LINES = 12


def _qr_corner(slide: Slide, link: str, lang: str) -> None:
    """A QR code of `link` in the slide's bottom-right corner, the short link printed under it."""
    from pptx.util import Inches

    printed = printed_link(link)
    lines = printed_lines(printed, LINK_CHARS)
    if len(lines) > LINK_LINES:
        lines = [*lines[: LINK_LINES - 1], lines[LINK_LINES - 1] + "…"]
    column, side = Inches(QR_COLUMN), Inches(QR_SIDE)
    left = Inches(QR_LEFT)
    height = Inches(len(lines) * LINK_LINE + 0.1)  # the box's own top and bottom margins
    top = Inches(QR_BOTTOM) - height - side
    hint = _text(slide, left, top - Inches(0.5), column, Inches(0.5), t("links.qr_hint", lang), 9)
    picture = slide.shapes.add_picture(
        io.BytesIO(qr_png(link)), left + (column - side) // 2, top, side, side
    )
    # alt text: a screen reader says what the code opens
    picture._element.nvPicPr.cNvPr.set("descr", t("links.qr_alt", lang, link=printed))
    box = _text(slide, left, top + side, column, height, lines, 8)
    # the column is narrow: the text boxes' default 0.1 in side margins would take an eighth
    for shape in (hint, box):
        shape.text_frame.margin_left = shape.text_frame.margin_right = Inches(0.02)
    box.click_action.hyperlink.address = link  # a click on the shown deck opens it too


def build_deck(
    charts: list[Chart],
    info: DeckInfo,
    progress: Callable[[float, str], None] | None = None,
    public_url: str | None = None,
    params: Mapping[str, str] | None = None,
) -> bytes:
    """A 16:9 PPTX: a title slide, then per chart its headline, baked picture and sources.

    With a public address (`public_url`, default settings.PUBLIC_URL; "" for none) each chart
    slide has a QR code and the printed link that open the chart on the dashboard with the view
    `params` (URL filter names; default the deck's language and programme).
    """
    from pptx import Presentation
    from pptx.util import Inches

    from plans.present.images import baked, render, renderer

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    total = len(charts) + 1

    slide = prs.slides.add_slide(blank)
    _text(slide, Inches(0.8), Inches(2.0), Inches(11.7), Inches(1.8), info.title, 36, bold=True)
    _text(slide, Inches(0.8), Inches(4.0), Inches(11.7), Inches(0.6), info.province, 24)
    _text(slide, Inches(0.8), Inches(4.6), Inches(11.7), Inches(0.6), info.period, 24)
    _text(slide, Inches(0.8), Inches(5.4), Inches(11.7), Inches(0.5), info.date, 18)
    _text(slide, Inches(0.8), Inches(6.6), Inches(11.7), Inches(0.6), info.sources, 12)
    if progress:
        progress(1 / total, info.title)

    base = settings.PUBLIC_URL if public_url is None else public_url
    view = params if params is not None else {"lang": info.lang, "prog": info.programme_id}
    # the picture keeps the figure's 16:9; the body is 5.55 in high between headline and footer
    height = Inches(5.55)
    width = int(height * 16 / 9)
    with renderer():
        for i, chart in enumerate(charts, start=2):
            slide = prs.slides.add_slide(blank)
            _text(slide, Inches(0.5), Inches(0.25), Inches(12.3), Inches(1.0), chart.headline, 26,
                  bold=True)  # fmt: skip
            png = render(_for_slide(baked(chart.figure, chart.title, chart.caption)), "png")
            picture = slide.shapes.add_picture(
                io.BytesIO(png), (prs.slide_width - width) // 2, Inches(1.3), width, height
            )
            # alt text for screen readers: the headline says what the picture shows
            picture._element.nvPicPr.cNvPr.set("descr", chart.headline)
            link = optional_link(base, chart.key, view)
            if link:
                _qr_corner(slide, link, info.lang)  # before the footer: that stays the last text
            _text(slide, Inches(0.5), Inches(6.9), Inches(12.3), Inches(0.5),
                  f"{info.sources}; {_footer_caption(chart.caption, info.lang)}", 10)  # fmt: skip
            if progress:
                progress(i / total, chart.title)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def write_deck(
    db_path: Path, programme_id: str, chart_keys: str, lang: str, out: Path
) -> tuple[int, str]:
    """The `deck` command: (exit code, message). `chart_keys` picks and orders ('' = all)."""
    from plans.data.build import BuildError, ensure_database_locked
    from plans.db import connect

    try:
        # a fresh checkout: build it, as the dashboard does, under the imports' lock
        ensure_database_locked(db_path)
        con = connect(db_path, read_only=True)
    except BuildError as exc:
        return 1, exc.report(lang)
    except duckdb.Error as exc:
        return 1, t("deck.no_db", lang, path=db_path, error=exc)
    try:
        try:
            charts = catalog(con, programme_id, lang)
            info = deck_info(con, programme_id, lang)
        except KeyError:
            ids = ", ".join(run(con, "programme_list")["programme_id"])
            return 1, t("deck.no_programme", lang, id=programme_id, ids=ids)
    finally:
        con.close()
    by_key = {chart.key: chart for chart in charts}
    wanted = [k.strip() for k in chart_keys.split(",") if k.strip()] or list(by_key)
    unknown = [k for k in wanted if k not in by_key]
    if unknown:
        available = ", ".join(by_key) or "—"
        message = t(
            "deck.unknown_charts",
            lang,
            keys=", ".join(unknown),
            id=programme_id,
            available=available,
        )
        if any(k in SUPPORT_KEYS for k in unknown):
            # a support slide asked of a programme without support records: say why
            message += " " + t("deck.support_none", lang, id=programme_id)
        return 1, message
    if not wanted:
        return 1, t("deck.no_charts", lang, id=programme_id)
    # the charts as the command built them: the programme in the deck's language, no filters
    data = build_deck(
        [by_key[k] for k in wanted], info, params={"lang": lang, "prog": programme_id}
    )
    out.write_bytes(data)
    return 0, t("deck.written", lang, path=out, n=len(wanted) + 1)
