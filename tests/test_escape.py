"""Text from outside our catalogues shown as Markdown shows its characters only (issue 19, 4)."""

from __future__ import annotations

import string

import pytest
from apptest import open_app

from plans.escape import WORD_JOINER, markdown_literal


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
        if row[column["nhiem_vu"]]:
            row[column["nhiem_vu"]] = f"{row[column['ma_nhiem_vu']]} {HOSTILE_TASK}"
            row[column["dvt"]] = "<i>lớp</i>"
            row[column["chu_tri"]] = "Sở <b>CT</b> [x](https://evil.example/u)"
    return rows
