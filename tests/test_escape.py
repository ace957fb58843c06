"""Text from outside our catalogues shown as Markdown shows its characters only (issue 19, 4)."""

from __future__ import annotations

import string

import pytest
from apptest import open_app, open_as_editor

from plans.escape import WORD_JOINER, markdown_literal, plotly_literal


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param("[Đăng nhập lại](https://evil.example/login)", id="link"),
        pytest.param("![x](https://evil.example/pixel.png)", id="image"),
        pytest.param("<a href='https://evil.example'>bấm</a>", id="html link"),
        pytest.param("<img src=https://evil.example/p.png>", id="html image"),
        pytest.param("**đậm** _nghiêng_ ~~gạch~~ `mã`", id="emphasis"),
        pytest.param("# tiêu đề", id="heading"),
        pytest.param(":red[đỏ] :material/warning:", id="streamlit directives"),
        pytest.param("$x^2$", id="maths"),
        pytest.param("https://evil.example", id="bare address"),
    ],
)
def test_every_markup_character_is_escaped(hostile: str) -> None:
    # CommonMark shows a backslash-escaped ASCII punctuation character as itself: with each one
    # escaped, nothing in the text can open a link, an image, a tag or a directive (the browser
    # test in tests/e2e/test_browser.py checks Streamlit's own rendering)
    escaped = markdown_literal(hostile).replace(WORD_JOINER, "")
    expected = "".join("\\" + c if c in string.punctuation else c for c in hostile)
    assert expected == escaped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://a.vn", "https\u2060\\:\\/\\/a\\.vn"),
        ("HTTP://a.vn", "HTTP\u2060\\:\\/\\/a\\.vn"),
        ("www.a.vn", "www\u2060\\.a\\.vn"),
        ("so@congthuong.vn", "so\\@\u2060congthuong\\.vn"),
        ("httpx www", "httpx www"),  # not an address: left as it is
    ],
)
def test_bare_addresses_are_broken_by_an_invisible_joiner(text: str, expected: str) -> None:
    # GFM links bare addresses in the text after the escapes are read (seen in Chromium)
    assert expected == markdown_literal(text)


def test_long_text_is_cut_on_one_line() -> None:
    assert "a b…" == markdown_literal("a\n\n b " + "c" * 500, limit=4)
    # a name from an import is shown whole: only a caller that asks for a limit gets one
    assert "x" * 1000 == markdown_literal("x" * 1000)


@pytest.mark.usefixtures("app_db")
def test_a_links_parameter_names_are_shown_not_rendered() -> None:
    # before: the notice put the names into Markdown as they came, so a crafted link showed a
    # working link and fetched an image, with no sign-in needed
    at = open_app(
        **{"[Đăng nhập](https://evil.example)": "1", "![x](https://evil.example/p.png)": "1"}
    )
    assert not at.exception, [e.value for e in at.exception]
    (notice,) = at.sidebar.warning
    shown = notice.value.replace(WORD_JOINER, "")
    assert r"\[Đăng nhập\]\(https\:\/\/evil\.example\)" in shown
    assert r"\!\[x\]\(https\:\/\/evil\.example\/p\.png\)" in shown


# A plan whose every free-text cell carries markup: Markdown links, an image, HTML links, a
# styled span, bold and italics (issue 19, 4). The province must be a reference name, so it
# cannot carry any; the programme, section, task, unit and unit names can.
HOSTILE = (
    "[Bấm](https://evil.example/a) ![x](https://evil.example/p.png) "
    '<a href="https://evil.example/b">a</a> <span style="color:red">đỏ</span> **đậm**'
)
HOSTILE_TASK = "<b>in_đậm</b> <i>nghiêng</i> " + HOSTILE
HOSTILE_ID = "HY-2018-2020-2"


def hostile_plan_rows() -> list[list[str]]:
    """The Hưng Yên 2018-2020 appendix in the plan template, its texts replaced by markup."""
    from plans.data import templates

    rows = templates.plan_rows("HY-2018-2020")
    column = {name: i for i, name in enumerate(rows[0])}
    for row in rows[1:]:
        row[column["ten_chuong_trinh"]] = "Chương trình " + HOSTILE
        if row[column["ten_muc"]]:
            row[column["ten_muc"]] = f"Mục {row[column['muc']]} " + HOSTILE
        if row[column["muc"]] != "TỔNG":
            # codes are the file's own words too: a section's is bold, a task's a link
            row[column["muc"]] += "**đậm**"
        if row[column["nhiem_vu"]]:
            row[column["nhiem_vu"]] = f"{row[column['ma_nhiem_vu']]} {HOSTILE_TASK}"
            row[column["ma_nhiem_vu"]] += "[c](https://evil.example/c)"
            row[column["dvt"]] = "<i>lớp</i>"
            row[column["chu_tri"]] = "Sở <b>CT</b> [x](https://evil.example/u)"
    return rows


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        HOSTILE_TASK,
        "a & b; 1 < 2 > 0",
        "&lt;b&gt; already an entity &amp; &#60;",  # shown as typed, not decoded
        "<br><sup>x</sup><sub>y</sub>",
        "Bình thường, không có gì",
    ],
)
def test_plotly_literal_shows_every_character_and_opens_no_tag(text: str) -> None:
    import html

    shown = plotly_literal(text)
    # plotly decodes &amp; &lt; &gt; once (svg_text_utils): the reader sees the text as typed
    assert text == html.unescape(shown)
    assert "<" not in shown and ">" not in shown
    # every "&" left starts one of the three entities: none of the text's own is read
    assert shown.count("&") == sum(shown.count(e) for e in ("&amp;", "&lt;", "&gt;"))


def test_plotly_literal_leaves_plain_text_alone() -> None:
    assert "Hưng Yên 2018-2020 · 1,5 tỷ (đồng)" == plotly_literal(
        "Hưng Yên 2018-2020 · 1,5 tỷ (đồng)"
    )


def _texts(fig: object) -> list[str]:
    """Every string of a figure's JSON (titles, ticks, names, hovers, custom data)."""
    import json

    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(fig.to_json()))
    return found


RAW_MARKUP = ('<a href="https', '<span style="color', "<b>in_đậm", "<i>nghiêng", "<i>lớp")


def test_a_figure_builder_shows_hostile_names_as_written() -> None:
    import pandas as pd

    from plans.charts.base import fit_narrow, share_bar

    shares = pd.DataFrame(
        {
            "key": ["I", "II"],
            "label": [HOSTILE, "Mục <i>lớp</i> & hội chợ"],
            "share_pct": [60.0, 40.0],
            "amount_mvnd": [600.0, 400.0],
        }
    )
    fig = fit_narrow(share_bar(shares, "Cơ cấu — " + HOSTILE, "vi"))
    texts = _texts(fig)
    # before: the title and the hover's custom data held the tags as written
    assert [] == [s for s in texts if any(m in s for m in RAW_MARKUP)]
    title = fig.layout.title.text
    assert "&lt;span style=&quot;" not in title  # quotes stay quotes: only & < > are read
    assert '&lt;a href="https://evil.example/b"&gt;' in title.replace("<br>", " ")
    assert ["&lt;i&gt;lớp&lt;/i&gt; &amp; hội chợ"] == [
        c.removeprefix("Mục ") for c in fig.data[0].customdata[1:]
    ]
    # the numbers are the frame's, untouched
    assert [60.0, 40.0] == list(fig.data[0].x)
    # our own markup is kept: the hover's line break, the wrapped title's
    assert "<br>" in fig.data[0].hovertemplate and "<br>" in title


def test_every_figure_builder_escapes_its_texts() -> None:
    # one place (plans.charts.base.data_labels): a new builder without it fails here
    import importlib
    import inspect
    import pkgutil

    import plans.charts

    missing = []
    for info in pkgutil.iter_modules(plans.charts.__path__):
        module = importlib.import_module(f"plans.charts.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            returns = inspect.signature(fn).return_annotation
            if fn.__module__ != module.__name__ or name.startswith("_") or name == "fit_narrow":
                continue
            if returns in ("go.Figure", go_figure()) and not getattr(fn, "data_labels", False):
                missing.append(f"{module.__name__}.{name}")
    assert [] == missing


def go_figure() -> type:
    import plotly.graph_objects as go

    return go.Figure


@pytest.fixture()
def hostile_store(private_store) -> str:
    """The private database (conftest) with the hostile plan imported as an editor would."""
    import streamlit as st

    from plans.data import imports, templates

    data = templates.to_csv(hostile_plan_rows())
    staged = imports.validate("hostile.csv", data)
    assert staged.storable, staged.problems
    imports.commit(staged, data, "Kiểm thử")
    st.cache_data.clear()
    st.cache_resource.clear()
    return staged.programme_id


def test_the_presenters_charts_of_a_hostile_import_show_its_names_as_written(
    hostile_store: str,
) -> None:
    # every chart the deck, the PDF and the presenter draw for the programme (plans.present)
    from plans import db, settings
    from plans.present.deck import catalog
    from plans.present.images import baked

    con = db.connect(settings.DB_PATH, read_only=True)
    try:
        charts = catalog(con, hostile_store, "vi")
    finally:
        con.close()
    assert charts
    for chart in charts:
        texts = _texts(baked(chart.figure, chart.headline, chart.caption))
        assert [] == [s for s in texts if any(m in s for m in RAW_MARKUP)], chart.key
    # the names are there, escaped (the sections chart's hover names them)
    assert any("&lt;span style" in s for c in charts for s in _texts(c.figure))


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/budget.py"])
def test_a_hostile_programme_title_is_shown_escaped(hostile_store: str, page: str) -> None:
    # before: the subheader (and the overview's sentences) rendered the title's Markdown
    at = open_app(page, prog=hostile_store)
    assert not at.exception, [e.value for e in at.exception]
    title = "Chương trình " + HOSTILE
    assert markdown_literal(title) == at.subheader[0].value
    rendered = [m.value for m in at.markdown]
    assert not [m for m in rendered if "](https://evil" in m or "**đậm**" in m]


def test_a_column_headers_unit_is_shown_as_text_in_the_mapping_warning(
    private_store, monkeypatch
) -> None:
    # two columns of the file read as one template column: the warning names the column, with
    # the unit the header wrote in brackets; before, that unit's Markdown was rendered
    from plans.data import templates

    rows = templates.plan_rows("HY-2018-2020")
    unit = "(triệu **đồng** [l](https://evil.example/u))"
    first = rows[0].index("kinh_phi_2018")
    rows[0][first] = f"Kinh phí 2018 {unit}"
    rows = [[*row, row[first]] for row in rows]
    rows[0][-1] = f"Kinh phi 2018 {unit}"
    at = open_as_editor("pages/imports.py", monkeypatch)  # only an editor is offered the uploader
    at.file_uploader(key="imports_file").set_value(
        ("hai_cot.csv", templates.to_csv(rows), "text/csv")
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    (warning,) = [w.value for w in at.warning if "kinh\\_phi\\_2018" in w.value]
    assert markdown_literal(f"kinh_phi_2018 {unit[:-1]}") in warning


def hostile_results_rows() -> list[list[str]]:
    """A results report of the hostile programme (tests' HOSTILE_ID), its indicators and units
    written with markup (the 2011-2015 evaluation's figures, in the results template)."""
    from plans.data import templates

    rows = templates.results_rows("HN-2011-2015")
    column = {name: i for i, name in enumerate(rows[0])}
    for n, row in enumerate(rows[1:], start=1):
        row[column["ma_chuong_trinh"]] = HOSTILE_ID
        row[column["chi_tieu"]] = f"Chỉ tiêu {n} " + HOSTILE_TASK
        row[column["dvt"]] = "<i>lớp</i>"
        # a backtick closes the code span the sources page shows a printed text in
        row[column["dat_duoc"]] += " ` [x](https://evil.example/r) `"
    return rows


def test_a_hostile_printed_text_and_unit_show_as_text_on_the_sources_page(private_store) -> None:
    # before: a result's printed text went into a code span, which its own backtick closed
    # (the link after it rendered), and its unit went into Markdown as it was
    import streamlit as st

    from plans.data import imports, templates

    for name, rows in (
        ("ke_hoach.csv", hostile_plan_rows()),
        ("ket_qua.csv", hostile_results_rows()),
    ):
        data = templates.to_csv(rows)
        imports.commit(imports.validate(name, data), data, "Kiểm thử")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_app("pages/sources.py", prog=HOSTILE_ID)
    kinds = at.selectbox(key="sources_kind")
    at = kinds.select_index(len(kinds.options) - 1).run()  # achieved results
    assert not at.exception, [e.value for e in at.exception]
    printed, value = (m.value.split("  \n", 1)[1] for m in at.markdown[:2])
    assert markdown_literal("473 lớp ` [x](https://evil.example/r) `") == printed
    assert "473 " + markdown_literal("<i>lớp</i>") == value


def test_a_wrapped_escaped_name_is_not_cut_inside_an_entity() -> None:
    # before: a long category cut to two lines ended in "&g…", shown as typed
    from plans.charts.base import wrap

    name = plotly_literal("Chỉ tiêu 18 <b>in_đậm</b> <i>nghiêng</i>")
    assert "Chỉ tiêu 18<br>&lt;b&gt;in_đậm&lt;/b…" == wrap(name, 24, most=2)


def test_literal_data_escapes_text_cells_and_labels_and_leaves_the_rest() -> None:
    import pandas as pd

    from plans.charts.base import literal_data

    frame = pd.DataFrame(
        {
            "name": pd.array(["<b>a</b>", None, "b & c"], dtype="string"),
            "kind": ["x", "<i>y</i>", None],  # object
            "amount": [1.5, 2.0, None],
        },
        index=pd.Index(["<s>", "t", "u"], dtype="string"),
    )
    shown = literal_data(frame)
    assert ["&lt;b&gt;a&lt;/b&gt;", "b &amp; c"] == list(shown["name"].dropna())
    assert ["x", "&lt;i&gt;y&lt;/i&gt;"] == list(shown["kind"].dropna())
    assert ["&lt;s&gt;", "t", "u"] == list(shown.index)  # a category axis's labels
    assert frame["amount"].set_axis(shown.index).equals(shown["amount"])
    assert "<b>a</b>" == frame["name"].iloc[0]  # the caller's frame is not changed
    plain = frame.iloc[1:2].set_axis(["t"])
    plain = plain.assign(kind=["y"])
    assert literal_data(plain) is plain  # nothing to escape: not even copied
    assert {"t": ["&lt;br&gt;"]} == literal_data({"t": ["<br>"]})


def test_markdown_table_shows_cells_and_row_labels_as_written() -> None:
    # st.table reads every cell and row label as Markdown (st.dataframe reads none)
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        import pandas as pd

        from plans.app.ui import markdown_table

        frame = pd.DataFrame({"2021-2025": ["**21** [x](https://evil.example)", "3"], "n": [1, 2]})
        markdown_table(frame.set_axis(["![p](https://evil.example/p.png)", "b"]))

    at = AppTest.from_function(script).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.table[0].value
    assert [markdown_literal("![p](https://evil.example/p.png)"), "b"] == list(shown.index)
    assert [markdown_literal("**21** [x](https://evil.example)"), "3"] == list(shown["2021-2025"])
    assert [1, 2] == list(shown["n"])


def test_a_charts_picture_keeps_its_own_title_and_escapes_a_given_one() -> None:
    # the dashboard's image button bakes a chart with its own title, already a plotly label
    # (escaped names, line breaks): escaped again it showed "&amp;lt;" and "<br>" as text
    import pandas as pd

    from plans.charts.base import fit_narrow, share_bar
    from plans.present.images import baked

    shares = pd.DataFrame(
        {"key": ["I"], "label": ["a"], "share_pct": [100.0], "amount_mvnd": [1.0]}
    )
    fig = fit_narrow(share_bar(shares, "Cơ cấu kinh phí theo mục — " + HOSTILE, "vi"))
    assert "<br>" in fig.layout.title.text
    assert fig.layout.title.text == baked(fig, None, "nguồn").layout.title.text
    given = baked(fig, "Mục <b>I</b>", "Nguồn: <i>x</i>")
    assert "Mục &lt;b&gt;I&lt;/b&gt;" == given.layout.title.text
    assert "Nguồn: &lt;i&gt;x&lt;/i&gt;" == given.layout.annotations[-1].text
