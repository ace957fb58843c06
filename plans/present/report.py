"""The presenter kit's printable report: an A4 PDF of a programme's charts, captions and tables."""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb
import pandas as pd
from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from plans import db, settings
from plans.messages import t
from plans.present import images
from plans.present.kit import SUPPORT_KEYS, Chart, DeckInfo
from plans.present.links import optional_link, printed_lines, printed_link, qr_png

# Debian fonts-dejavu-core: glyphs for every Vietnamese letter, embedded (subset) in the PDF.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"

MARGIN = 15  # mm on every side of an A4 page (210 x 297 mm)
FOOTER_SPACE = 20  # mm kept free at the bottom for the footer
TABLE_FONT = 9  # pt: readable on paper, still fits several columns
GREY = (90, 90, 90)
HEAD_FILL = (225, 232, 240)
STRIPE_FILL = (245, 247, 250)
# mm: a phone reads a printed code from about ten times its side; 30 mm keeps every module of a
# long link above half a millimetre (and 3 pixels in a 150 dpi scan)
QR_MM = 30
LINK_CHARS = 70  # characters of the printed link per line at 9 pt beside the code

# A cell that is a formatted figure ("126.300", "50,3%", "250,9 tỷ đồng", "—") is right-aligned.
_FIGURE = re.compile(r"^[−\-+]?[\d.,\s]+(%| ?tỷ đồng| ?billion VND| ?triệu đồng)?$|^—$")

Progress = Callable[[int, int], None]


def _text(value: object) -> str:
    """Printable text: NFC (precomposed letters, so no shaping engine is needed), '—' for gaps."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return unicodedata.normalize("NFC", str(value))


class _Report(FPDF):
    """A4 pages with the 'Trang N / M' footer and the source documents on every page."""

    def __init__(self, info: DeckInfo) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.info = info
        for path in (FONT_REGULAR, FONT_BOLD):
            if not path.is_file():
                raise FileNotFoundError(f"{path}: install fonts-dejavu-core")
        self.add_font(FAMILY, "", str(FONT_REGULAR))
        self.add_font(FAMILY, "B", str(FONT_BOLD))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=FOOTER_SPACE)
        self.set_title(_text(info.title))
        self.set_lang(info.lang)
        self.set_creator("plans report")

    def footer(self) -> None:
        self.set_y(-FOOTER_SPACE + 4)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*GREY)
        # "{nb}" is replaced by the page count at the end
        page = t("report.page", self.info.lang, n=self.page_no(), m="{nb}")
        self.cell(0, 4, page, align="R", new_x="LMARGIN", new_y="NEXT")
        self.multi_cell(0, 3, _text(self.info.sources), align="L", max_line_height=3)
        self.set_text_color(0, 0, 0)


def _cover(pdf: _Report, info: DeckInfo, charts: list[Chart]) -> None:
    lang = info.lang
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font(FAMILY, "B", 22)
    pdf.multi_cell(0, 10, _text(info.title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    for label, value in (
        (t("report.province", lang), info.province),
        (t("report.period", lang), info.period),
        (t("report.date", lang), info.date),
    ):
        pdf.set_font(FAMILY, "B", 12)
        pdf.cell(45, 8, label + ":")
        pdf.set_font(FAMILY, "", 12)
        pdf.multi_cell(0, 8, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, t("report.sources", lang) + ":", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5.5, _text(info.sources), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, t("report.contents", lang) + ":", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    if not charts:
        pdf.multi_cell(0, 5.5, t("report.no_charts", lang), new_x="LMARGIN", new_y="NEXT")
    for number, chart in enumerate(charts, start=1):
        pdf.multi_cell(0, 5.5, f"{number}. {_text(chart.title)}", new_x="LMARGIN", new_y="NEXT")


def _col_widths(pdf: _Report, table: pd.DataFrame) -> list[float]:
    """Widths in proportion to each column's longest word-wrapped need, filling the text width."""
    pdf.set_font(FAMILY, "B", TABLE_FONT)
    needs = []
    for column in table.columns:
        cells = [_text(v) for v in table[column]]
        longest = max((pdf.get_string_width(c) for c in cells), default=0)
        word = max(
            (pdf.get_string_width(w) for c in [_text(column), *cells] for w in c.split()),
            default=0,
        )
        # At least the longest word plus padding; long texts are capped and wrap instead.
        needs.append(max(word + 3, min(longest + 3, 90)))
    total = sum(needs) or 1
    return [n * pdf.epw / total for n in needs]


def _table(pdf: _Report, table: pd.DataFrame) -> None:
    if table.empty:
        pdf.set_font(FAMILY, "", TABLE_FONT)
        pdf.multi_cell(0, 5, t("report.no_table", pdf.info.lang), new_x="LMARGIN", new_y="NEXT")
        return
    widths = _col_widths(pdf, table)
    aligns = [
        "RIGHT" if all(_FIGURE.match(_text(v)) for v in table[column]) else "LEFT"
        for column in table.columns
    ]
    pdf.set_font(FAMILY, "", TABLE_FONT)
    with pdf.table(
        col_widths=widths,
        text_align=aligns,
        line_height=TABLE_FONT * 0.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        cell_fill_color=STRIPE_FILL,
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout="SINGLE_TOP_LINE",
        repeat_headings=1,  # long tables continue on the next page under the same header
        first_row_as_headings=True,
    ) as grid:
        grid.row([_text(c) for c in table.columns])
        for values in table.itertuples(index=False):
            grid.row([_text(v) for v in values])


def _qr_block(pdf: _Report, link: str) -> None:
    """The chart's QR code at the left margin, the hint and the printed link beside it."""
    if pdf.get_y() + QR_MM > pdf.page_break_trigger:
        pdf.add_page()  # never a code cut by the page's end
    top = pdf.get_y()
    printed = printed_link(link)
    lang = pdf.info.lang
    pdf.image(
        io.BytesIO(qr_png(link)), x=MARGIN, y=top, w=QR_MM, h=QR_MM, link=link,
        alt_text=t("links.qr_alt", lang, link=printed),
    )  # fmt: skip
    # the code's own white border is its quiet zone: the text starts right after it
    pdf.set_xy(MARGIN + QR_MM + 2, top + 7)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(0, 5, t("links.qr_hint", lang), align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    text = "\n".join(printed_lines(_text(printed), LINK_CHARS))
    pdf.multi_cell(0, 4.5, text, align="L", link=link, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(MARGIN, max(pdf.get_y(), top + QR_MM) + 2)


def _chart_page(pdf: _Report, chart: Chart, png: bytes, link: str | None = None) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, _text(chart.headline), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    height = pdf.epw * images.SLIDE["height"] / images.SLIDE["width"]
    pdf.image(io.BytesIO(png), x=MARGIN, y=pdf.get_y(), w=pdf.epw, h=height)
    pdf.set_y(pdf.get_y() + height + 2)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4, _text(chart.caption), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    if link:
        _qr_block(pdf, link)
    _table(pdf, chart.table)


def build_report(
    charts: list[Chart],
    info: DeckInfo,
    progress: Progress | None = None,
    public_url: str | None = None,
    params: Mapping[str, str] | None = None,
) -> bytes:
    """The PDF: a cover, then per chart its headline, picture, caption and numbers table.

    `progress(done, total)` is called after each chart, e.g. for a progress bar. With a public
    address (`public_url`, default settings.PUBLIC_URL; "" for none) each chart page has a QR
    code and the printed link that open the chart on the dashboard with the view `params` (URL
    filter names; default the report's language and programme).
    """
    base = settings.PUBLIC_URL if public_url is None else public_url
    view = params if params is not None else {"lang": info.lang, "prog": info.programme_id}
    pdf = _Report(info)
    _cover(pdf, info, charts)
    with images.renderer():  # one browser for all pictures
        for done, chart in enumerate(charts, start=1):
            picture = images.baked(chart.figure, chart.title, chart.caption)
            link = optional_link(base, chart.key, view)
            _chart_page(pdf, chart, images.render(picture, "png", scale=1), link)
            if progress is not None:
                progress(done, len(charts))
    return bytes(pdf.output())


def cli(programme_id: str, chart_keys: list[str] | None, lang: str, out: Path) -> int:
    """`python -m plans report`: write the programme's report; 1 on unknown programme or chart."""
    from plans.data.build import BuildError, ensure_database_locked
    from plans.present.deck import catalog, deck_info  # written alongside; imported only when used

    try:
        # a fresh checkout: build it, as the dashboard does, under the imports' lock
        ensure_database_locked(settings.DB_PATH)
        con = db.connect(settings.DB_PATH, read_only=True)
    except BuildError as exc:
        print(exc.report(lang), file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(t("report.no_db", lang, path=settings.DB_PATH, error=exc), file=sys.stderr)
        return 1
    try:
        known = list(db.run(con, "programme_list")["programme_id"])
        if programme_id not in known:
            print(
                t("report.no_programme", lang, id=programme_id, known=", ".join(known)),
                file=sys.stderr,
            )
            return 1
        charts = catalog(con, programme_id, lang)
        if chart_keys:
            by_key = {chart.key: chart for chart in charts}
            missing = [key for key in chart_keys if key not in by_key]
            if missing:
                message = t(
                    "report.no_chart", lang, keys=", ".join(missing), known=", ".join(by_key)
                )
                if any(key in SUPPORT_KEYS for key in missing):
                    # a support page asked of a programme without support records: say why
                    message += " " + t("report.support_none", lang, id=programme_id)
                print(message, file=sys.stderr)
                return 1
            charts = [by_key[key] for key in chart_keys]
        info = deck_info(con, programme_id, lang)
    finally:
        con.close()
    # the charts as the command built them: the programme in the report's language, no filters
    out.write_bytes(build_report(charts, info, params={"lang": lang, "prog": programme_id}))
    print(t("report.written", lang, path=out, pages=len(charts)))
    return 0
