"""The presenter kit: one programme's dashboard charts with headlines, and a 16:9 PPTX deck."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import plotly.graph_objects as go

from plans.charts.base import share_bar
from plans.charts.budget import area_share_bars, many_series, period_labels, year_stack
from plans.charts.tables import for_display
from plans.charts.targets import (
    achievement_chart,
    budget_periods_chart,
    cited_files,
    period_budgets,
    results_data,
    with_targets,
)
from plans.charts.timeline import month_span, timeline_gantt
from plans.db import run
from plans.numbers import format_mvnd, format_number, format_pct
from plans.present.kit import Chart, DeckInfo

if TYPE_CHECKING:
    from pptx.slide import Slide

# The order of the catalogue; the CLI's --charts picks among these keys.
KEYS = ("sections", "years", "areas", "results", "periods", "provinces", "timeline")

T = {
    "vi": {
        "sections": "Cơ cấu kinh phí theo mục — {prog}",
        "sections_head": "Mục {key} chiếm {pct} kinh phí ({amount})",
        "years": "Kinh phí theo năm, chia theo mục — {prog}",
        "years_head": "Kinh phí cao nhất năm {top} ({top_amount}), thấp nhất năm {low} "
        "({low_amount})",
        "years_even": "Kinh phí mỗi năm {amount}, đều trong {n} năm",
        "areas": "Cơ cấu kinh phí theo lĩnh vực chung — {prog}",
        "areas_head": "Lĩnh vực {key} chiếm {pct} kinh phí ({amount})",
        "results": "Tỷ lệ đạt kế hoạch — {prog}",
        "results_head": "Giai đoạn {period} đạt {pct} kế hoạch đào tạo nghề; {met}/{n} chỉ tiêu "
        "đạt hoặc vượt kế hoạch",
        "results_head_plain": "Giai đoạn {period}: {met}/{n} chỉ tiêu đạt hoặc vượt kế hoạch",
        "periods": "Kinh phí theo giai đoạn — {province} (giá danh nghĩa và giá năm {year})",
        "periods_head": "Kinh phí {now} {word} {pct} so với {then} theo giá danh nghĩa",
        "periods_real": "; theo giá năm {year}: {word} {pct}",
        "up": "tăng",
        "down": "giảm",
        "provinces": "Tỷ trọng kinh phí theo lĩnh vực chung — so sánh tỉnh",
        "provinces_part": "{series} dành {pct} cho {key}",
        "provinces_period": "Tỷ trọng kinh phí theo lĩnh vực chung — so sánh tỉnh, giai đoạn "
        "{period}",
        "provinces_many": "{k}/{n} chương trình giai đoạn {period} dành tỷ trọng lớn nhất cho "
        "{key}",
        "timeline": "Tiến độ thực hiện theo tháng — {prog}",
        "timeline_head": "{n} nhiệm vụ trong năm {year}, từ tháng {first} đến tháng {last}",
        "source": "Nguồn: {files}",
        "budget": " (phụ lục kinh phí)",
        "lines": "dòng",
        "cpi": "; CPI: {cpi}",
        "area_map": "; lĩnh vực chung: content_area_map.csv (cách xếp của bộ dữ liệu)",
        "year": "Năm",
        "group_key": "Mã nhóm",
        "series_label": "Tỉnh, giai đoạn",
        "content_area": "Lĩnh vực",
        "indicator": "Chỉ tiêu",
        "unit": "Đơn vị tính",
        "achieved": "Đạt được",
        "target_point": "Kế hoạch",
        "achievement_pct": "Tỷ lệ đạt",
        "period_label": "Giai đoạn",
        "planned_mvnd": "Danh nghĩa (triệu đồng)",
        "planned_real_mvnd": "Giá năm {year} (triệu đồng)",
        "task_code": "Nhiệm vụ",
        "task_name": "Tên nhiệm vụ",
        "months": "Thời gian",
        "lead_unit": "Chủ trì",
        "total": "Tổng",
        "document_date": "ngày {date}",
    },
    "en": {
        "sections": "Budget by section — {prog}",
        "sections_head": "Section {key} takes {pct} of the budget ({amount})",
        "years": "Budget per year by section — {prog}",
        "years_head": "The budget peaks in {top} ({top_amount}) and is lowest in {low} "
        "({low_amount})",
        "years_even": "The budget is {amount} in each of the {n} years",
        "areas": "Budget by common content area — {prog}",
        "areas_head": "Content area {key} takes {pct} of the budget ({amount})",
        "results": "Achievement of the plan — {prog}",
        "results_head": "{period} reached {pct} of the vocational-training plan; {met} of {n} "
        "targets met or exceeded",
        "results_head_plain": "{period}: {met} of {n} targets met or exceeded",
        "periods": "Budget by period — {province} (nominal and in {year} prices)",
        "periods_head": "The {now} budget is {word} {pct} on {then} in nominal terms",
        "periods_real": "; in {year} prices: {word} {pct}",
        "up": "up",
        "down": "down",
        "provinces": "Budget shares by common content area — provinces compared",
        "provinces_part": "{series} gives {pct} to {key}",
        "provinces_period": "Budget shares by common content area — provinces compared, {period}",
        "provinces_many": "{k} of {n} programmes of {period} give their largest share to {key}",
        "timeline": "Monthly plan timeline — {prog}",
        "timeline_head": "{n} tasks in {year}, from {first} to {last}",
        "source": "Source: {files}",
        "budget": " (budget appendix)",
        "lines": "lines",
        "cpi": "; CPI: {cpi}",
        "area_map": "; common content areas: content_area_map.csv (this dataset's mapping)",
        "year": "Year",
        "group_key": "Group",
        "series_label": "Province, period",
        "content_area": "Content area",
        "indicator": "Indicator",
        "unit": "Unit",
        "achieved": "Achieved",
        "target_point": "Target",
        "achievement_pct": "Achievement",
        "period_label": "Period",
        "planned_mvnd": "Nominal (million VND)",
        "planned_real_mvnd": "In {year} prices (million VND)",
        "task_code": "Task",
        "task_name": "Task name",
        "months": "Months",
        "lead_unit": "Lead unit",
        "total": "Total",
        "document_date": "of {date}",
    },
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _known(value: object) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _lines(refs: pd.Series) -> str:
    """'266, 276, 284' from 'file:line' references (the short form the queries give)."""
    out = [str(r).split(":", 1)[-1] for r in refs.dropna()]
    return ", ".join(dict.fromkeys(out))


def _sections(con: duckdb.DuckDBPyConnection, pid: str, lang: str) -> Chart | None:
    w = T[lang]
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
    title = w["sections"].format(prog=pid)
    files = ", ".join(dict.fromkeys(shares["source_file"]))
    lines = _lines(shares["stated_source"])
    caption = w["source"].format(files=files) + w["budget"]
    if lines:
        caption = f"{caption[:-1]}, {w['lines']} {lines})"
    return Chart(
        key="sections",
        title=title,
        headline=w["sections_head"].format(
            key=top["key"],
            pct=format_pct(top["share_pct"], 1, lang),
            amount=format_mvnd(top["amount_mvnd"], lang),
        ),
        caption=caption,
        figure=share_bar(shares, title, lang),
        table=for_display(shares, ["key", "label", "amount_mvnd", "share_pct"], lang),
    )


def _years(con: duckdb.DuckDBPyConnection, pid: str, lang: str) -> Chart | None:
    w = T[lang]
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
        headline = w["years_even"].format(amount=format_mvnd(totals[top], lang), n=len(totals))
    else:
        headline = w["years_head"].format(
            top=top,
            top_amount=format_mvnd(totals[top], lang),
            low=low,
            low_amount=format_mvnd(totals[low], lang),
        )
    title = w["years"].format(prog=pid)
    label = "group_label_vi" if lang == "vi" else "group_label_en"
    table = years.assign(label=years[label], year=years["year"].astype(str))
    files = ", ".join(dict.fromkeys(years["source_file"]))
    return Chart(
        key="years",
        title=title,
        headline=headline,
        caption=w["source"].format(files=files) + w["budget"],
        figure=year_stack(years, title, lang),
        table=for_display(
            table,
            ["year", "group_key", "label", "amount_mvnd"],
            lang,
            {"year": w["year"], "group_key": w["group_key"]},
        ),
    )


def _areas(con: duckdb.DuckDBPyConnection, pid: str, lang: str, source_file: str) -> Chart | None:
    w = T[lang]
    shares = run(con, "programme_shares", programme_id=pid, level="content_area")
    if shares.empty:
        return None
    top = shares.loc[shares["share_pct"].idxmax()]
    title = w["areas"].format(prog=pid)
    return Chart(
        key="areas",
        title=title,
        headline=w["areas_head"].format(
            key=top["key"],
            pct=format_pct(top["share_pct"], 1, lang),
            amount=format_mvnd(top["amount_mvnd"], lang),
        ),
        caption=w["source"].format(files=source_file) + w["budget"] + w["area_map"],
        figure=share_bar(shares, title, lang),
        table=for_display(shares, ["key", "label", "amount_mvnd", "share_pct"], lang),
    )


def _results(con: duckdb.DuckDBPyConnection, pid: str, lang: str, period: str) -> Chart | None:
    w = T[lang]
    results = run(con, "target_page_results", programme_id=pid, content_area=None)
    targeted = with_targets(results)
    if targeted.empty:
        return None
    n, met = len(targeted), int((targeted["achievement_pct"] >= 100).sum())
    # Vocational training (KC1) is the programme's headline output where it has a target.
    training = targeted[targeted["content_area"] == "KC1"]
    if training.empty:
        headline = w["results_head_plain"].format(period=period, met=met, n=n)
    else:
        headline = w["results_head"].format(
            period=period,
            pct=format_pct(training["achievement_pct"].iloc[0], 1, lang),
            met=met,
            n=n,
        )
    title = w["results"].format(prog=pid)
    name = "indicator" if lang == "vi" else "indicator_en"
    data = results_data(results, lang)
    return Chart(
        key="results",
        title=title,
        headline=headline,
        caption=w["source"].format(
            files=cited_files(data["source_file"], data["source_line"], lang)
        ),
        figure=achievement_chart(results, title, lang),
        table=for_display(
            data,
            [name, "unit", "achieved", "target_point", "achievement_pct", "source"],
            lang,
            {k: w[k] for k in ("unit", "achieved", "target_point", "achievement_pct")}
            | {name: w["indicator"]},
        ),
    )


def _periods(
    con: duckdb.DuckDBPyConnection, pid: str, lang: str, province: str, price_year: int | None
) -> Chart | None:
    w = T[lang]
    periods = run(con, "period_programmes", province=province)
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
        headline = w["periods_head"].format(
            now=now["period_label"],
            then=then["period_label"],
            word=w["up" if change >= 0 else "down"],
            pct=format_pct(abs(change), 1, lang),
        )
        real_now, real_then = now["planned_real_mvnd"], then["planned_real_mvnd"]
        if _known(real_now) and _known(real_then) and real_then:
            real = 100 * (real_now - real_then) / real_then
            headline += w["periods_real"].format(
                year=year,
                word=w["up" if real >= 0 else "down"],
                pct=format_pct(abs(real), 1, lang),
            )
    title = w["periods"].format(province=province, year=year)
    cpi = ", ".join(dict.fromkeys(run(con, "period_price_years")["source"]))
    files = cited_files(budgets["budget_source_file"], budgets["budget_source_line"], lang)
    return Chart(
        key="periods",
        title=title,
        headline=headline or title,
        caption=w["source"].format(files=files) + w["cpi"].format(cpi=cpi),
        figure=budget_periods_chart(budgets, title, lang),
        table=for_display(
            budgets,
            ["period_label", "planned_mvnd", "planned_real_mvnd", "source"],
            lang,
            {
                "period_label": w["period_label"],
                "planned_mvnd": w["planned_mvnd"],
                "planned_real_mvnd": w["planned_real_mvnd"].format(year=year),
            },
        ),
    )


def _provinces(con: duckdb.DuckDBPyConnection, lang: str) -> Chart | None:
    w = T[lang]
    shares = run(con, "province_shares", provinces=None)
    if shares["series_label"].nunique() < 2:
        return None
    title = w["provinces"]
    if many_series(shares):
        # At national scale the slide shows the latest period, as the page opens: 189 rows of
        # three periods on one slide could not be read.
        latest = max(period_labels(shares))
        shares = shares[period_labels(shares) == latest]
        title = w["provinces_period"].format(period=latest)
    series = list(dict.fromkeys(shares["series_label"]))
    tops = [
        shares.loc[shares[shares["series_label"] == label]["share_pct"].idxmax()]
        for label in series
    ]
    if many_series(shares):
        # one sentence for the room, not one clause per province
        key, k = Counter(top["content_area"] for top in tops).most_common(1)[0]
        headline = w["provinces_many"].format(k=k, n=len(series), period=latest, key=key)
    else:
        headline = "; ".join(
            w["provinces_part"].format(
                series=label, pct=format_pct(top["share_pct"], 1, lang), key=top["content_area"]
            )
            for label, top in zip(series, tops, strict=True)
        )
    suffix = "_vi" if lang == "vi" else "_en"
    files = ", ".join(sorted({x for s in shares["source_files"].dropna() for x in s.split(", ")}))
    return Chart(
        key="provinces",
        title=title,
        headline=headline,
        caption=w["source"].format(files=files) + w["budget"] + w["area_map"],
        figure=area_share_bars(shares, title, lang),
        table=for_display(
            shares.assign(label=shares[f"area_name{suffix}"]),
            ["series_label", "content_area", "label", "amount_mvnd", "share_pct"],
            lang,
            {"series_label": w["series_label"], "content_area": w["content_area"]},
        ),
    )


def _timeline(con: duckdb.DuckDBPyConnection, pid: str, lang: str) -> Chart | None:
    w = T[lang]
    tasks = run(con, "timeline_tasks", programme_id=pid, section_code=None, content_area=None)
    if tasks.empty:
        return None
    first, last = int(tasks["month_start"].min()), int(tasks["month_end"].max())
    title = w["timeline"].format(prog=pid)
    tasks = tasks.assign(
        months=[
            month_span(int(s), int(e), lang)
            for s, e in zip(tasks["month_start"], tasks["month_end"], strict=True)
        ]
    )
    files = ", ".join(sorted(set(tasks["source_file"])))
    return Chart(
        key="timeline",
        title=title,
        headline=w["timeline_head"].format(
            n=format_number(len(tasks), 0, lang),
            year=int(tasks["year"].iloc[0]),
            first=first if lang == "vi" else MONTHS_EN[first - 1],
            last=last if lang == "vi" else MONTHS_EN[last - 1],
        ),
        caption=w["source"].format(files=files),
        figure=timeline_gantt(tasks, title, lang),
        table=for_display(
            tasks,
            ["task_code", "task_name", "months", "lead_unit"],
            lang,
            {k: w[k] for k in ("task_code", "task_name", "months", "lead_unit")},
        ),
    )


def catalog(
    con: duckdb.DuckDBPyConnection,
    programme_id: str,
    lang: str = "vi",
    price_year: int | None = None,
) -> list[Chart]:
    """The dashboard's charts for one programme, in KEYS order; charts without data are left out.

    Raises KeyError for a programme the database does not hold.
    """
    overview = run(con, "programme_overview", programme_id=programme_id)
    if overview.empty:
        raise KeyError(programme_id)
    row = overview.iloc[0]
    period = f"{row['period_start']}-{row['period_end']}"
    built = [
        _sections(con, programme_id, lang),
        _years(con, programme_id, lang),
        _areas(con, programme_id, lang, str(row["source_file"])),
        _results(con, programme_id, lang, period),
        _periods(con, programme_id, lang, str(row["province"]), price_year),
        _provinces(con, lang),
        _timeline(con, programme_id, lang),
    ]
    return [chart for chart in built if chart is not None]


def today_text(day: date, lang: str = "vi") -> str:
    """vi '23/11/2026', en '23 Nov 2026'."""
    if lang == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def deck_info(
    con: duckdb.DuckDBPyConnection, programme_id: str, lang: str = "vi", day: date | None = None
) -> DeckInfo:
    """Title slide and footer facts of a programme: title, province, period, its documents."""
    overview = run(con, "programme_overview", programme_id=programme_id)
    if overview.empty:
        raise KeyError(programme_id)
    row = overview.iloc[0]
    docs = run(con, "source_documents")
    doc = docs[docs["source_file"] == row["source_file"]]
    sources = str(row["source_file"])
    if not doc.empty:
        d = doc.iloc[0]
        # what the document prints of itself; a synthetic one or an import may have no number
        # or date ("Dữ liệu tổng hợp ngày " read as a date left out)
        when = d["date_printed"]
        parts = [d["doc_type"], d["ref_printed"]]
        parts.append(T[lang]["document_date"].format(date=when) if _given(when) else None)
        sources = f"{sources} ({' '.join(str(p) for p in parts if _given(p))})"
    return DeckInfo(
        programme_id=programme_id,
        title=str(row["title"] if lang == "vi" else row["title_en"]),
        province=str(row["province"]),
        period=f"{row['period_start']}-{row['period_end']}",
        date=today_text(day or date.today(), lang),
        sources=T[lang]["source"].format(files=sources),
        lang=lang,
    )


def _given(value: object) -> bool:
    return value is not None and value == value and str(value).strip() != ""


FONT = "DejaVu Sans"  # has the Vietnamese diacritics; PowerPoint falls back to a sans if missing


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    text: str,
    size: int,
    bold: bool = False,
) -> None:
    """A wrapping text box in FONT at `size` points."""
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run_ = paragraph.add_run()
    run_.text = text
    run_.font.size = Pt(size)
    run_.font.bold = bold
    run_.font.name = FONT


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
    prefix = T[lang]["source"].format(files="")
    return caption[len(prefix) :] if caption.startswith(prefix) else caption


def build_deck(
    charts: list[Chart],
    info: DeckInfo,
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """A 16:9 PPTX: a title slide, then per chart its headline, baked picture and sources."""
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
            _text(slide, Inches(0.5), Inches(6.9), Inches(12.3), Inches(0.5),
                  f"{info.sources}; {_footer_caption(chart.caption, info.lang)}", 10)  # fmt: skip
            if progress:
                progress(i / total, chart.title)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


MESSAGES = {
    "vi": {
        "no_db": "Không mở được cơ sở dữ liệu {path}: {error}",
        "no_programme": "Không có chương trình {id}. Các chương trình: {ids}",
        "unknown_charts": "Không có biểu đồ {keys} cho {id}. Các biểu đồ có: {available}",
        "no_charts": "Chương trình {id} không có biểu đồ nào.",
        "written": "Đã ghi {path}: {n} trang chiếu.",
    },
    "en": {
        "no_db": "Cannot open the database {path}: {error}",
        "no_programme": "No programme {id}. The programmes: {ids}",
        "unknown_charts": "No chart {keys} for {id}. The charts available: {available}",
        "no_charts": "Programme {id} has no charts.",
        "written": "Wrote {path}: {n} slides.",
    },
}


def write_deck(
    db_path: Path, programme_id: str, chart_keys: str, lang: str, out: Path
) -> tuple[int, str]:
    """The `deck` command: (exit code, message). `chart_keys` picks and orders ('' = all)."""
    from plans.data.build import BuildError, ensure_database
    from plans.db import connect

    m = MESSAGES[lang]
    try:
        ensure_database(db_path)  # a fresh checkout: build it, as the dashboard does
        con = connect(db_path, read_only=True)
    except BuildError as exc:
        return 1, exc.report(lang)
    except duckdb.Error as exc:
        return 1, m["no_db"].format(path=db_path, error=exc)
    try:
        try:
            charts = catalog(con, programme_id, lang)
            info = deck_info(con, programme_id, lang)
        except KeyError:
            ids = ", ".join(run(con, "programme_list")["programme_id"])
            return 1, m["no_programme"].format(id=programme_id, ids=ids)
    finally:
        con.close()
    by_key = {chart.key: chart for chart in charts}
    wanted = [k.strip() for k in chart_keys.split(",") if k.strip()] or list(by_key)
    unknown = [k for k in wanted if k not in by_key]
    if unknown:
        available = ", ".join(by_key) or "—"
        return 1, m["unknown_charts"].format(
            keys=", ".join(unknown), id=programme_id, available=available
        )
    if not wanted:
        return 1, m["no_charts"].format(id=programme_id)
    data = build_deck([by_key[k] for k in wanted], info)
    out.write_bytes(data)
    return 0, m["written"].format(path=out, n=len(wanted) + 1)
