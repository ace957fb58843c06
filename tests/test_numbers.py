"""Tests for plans.data.notation (parsing printed figures) and plans.numbers (display)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.data.notation import NumberFormatError, parse_amount, parse_number
from plans.numbers import (
    format_mvnd,
    format_mvnd_label,
    format_number,
    format_pct,
    format_when,
    plotly_separators,
)


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        pytest.param(250900, "250.900", id="000:326 total 250.900"),
        pytest.param(1234.5, "1.234,5", id="thousands and decimal"),
        pytest.param(31.67, "31,67", id="001:17 31,67 (without %)"),
        pytest.param(5, "05", id="000:269 leading zero 05"),
        pytest.param(1120, "1120", id="000:314 ungrouped 1120"),
        pytest.param(82.155, "82,155", id="001:5 82,155 is a decimal"),
        pytest.param(-1200, "-1.200", id="negative"),
        pytest.param(-1200, "−1.200", id="unicode minus"),
        pytest.param(4200, " 4.200 ", id="surrounding spaces"),
        pytest.param(4200, "\xa04.200\xa0", id="no-break spaces"),
        pytest.param(163400000000, "163.400.000.000", id="001:99 several groups"),
        pytest.param(0.5, "0,5", id="zero point five"),
        pytest.param(0, "0", id="zero"),
    ],
)
def test_parse_number_vi(expected: float, text: str) -> None:
    assert expected == parse_number(text)


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        pytest.param(1050, "1,050", id="002:271 1,050"),
        pytest.param(3750, "3,750", id="002:269 3,750"),
        pytest.param(1514, "1,514", id="002:290 1,514"),
        pytest.param(126, "126", id="002:264 126"),
        pytest.param(1234.5, "1,234.5", id="grouped with decimal point"),
    ],
)
def test_parse_number_en_thousands(expected: float, text: str) -> None:
    assert expected == parse_number(text, style="en_thousands")


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        pytest.param(int, "250.900", id="no decimal mark"),
        pytest.param(float, "31,67", id="decimal mark"),
        pytest.param(float, "5,0", id="written zero fraction"),
    ],
)
def test_parse_number_type(expected: type, text: str) -> None:
    assert expected is type(parse_number(text))


@pytest.mark.parametrize(
    ("reason", "text", "style"),
    [
        pytest.param("empty", "", "vi", id="empty"),
        pytest.param("empty", " \xa0 ", "vi", id="only spaces"),
        pytest.param("not_a_number", "1.23.4", "vi", id="bad group 1.23.4"),
        pytest.param("not_a_number", "12.34", "vi", id="dot then two digits 12.34"),
        pytest.param("not_a_number", "1.2345", "vi", id="dot then four digits"),
        pytest.param("not_a_number", "abc", "vi", id="letters"),
        pytest.param("not_a_number", ",5", "vi", id="no integer part"),
        pytest.param("not_a_number", "1.", "vi", id="dangling dot"),
        pytest.param("not_a_number", "٣", "vi", id="non-ASCII digit"),
        pytest.param("percent", "31,67%", "vi", id="001:17 trailing percent"),
        pytest.param("ambiguous", "1,234.5", "vi", id="English notation read as vi"),
        pytest.param("ambiguous", "1.234,5", "en_thousands", id="vi notation read as English"),
        pytest.param("not_a_number", "1,05", "en_thousands", id="comma group of two"),
        pytest.param("too_long", "1" * 400, "vi", id="absurdly long"),
    ],
)
def test_parse_number_rejects(reason: str, text: str, style: str) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_number(text, style)
    assert reason == caught.value.reason
    assert text == caught.value.text


def test_parse_number_unknown_style_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown number style"):
        parse_number("1", style="fr")


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        pytest.param(250900.0, "250,9 tỷ đồng", id="000:205 250,9 tỷ đồng"),
        pytest.param(2520.0, "2,52 tỉ đồng", id="tỉ spelling"),
        pytest.param(262.5, "262,5 triệu đồng", id="triệu đồng"),
        pytest.param(163400.0, "163.400.000.000 đồng", id="001:99 163.400.000.000 đồng"),
        pytest.param(4200.0, "4.200", id="000:267 plain cell is million VND"),
        pytest.param(82155.0, "82,155 tỷ đồng", id="001:5 82,155 tỷ đồng"),
        pytest.param(86000.0, "86 tỷ đồng", id="001:5 86 tỷ đồng"),
        pytest.param(8374.0, "8.374 triệu đồng", id="002:162 8.374 triệu đồng"),
        pytest.param(250900.0, "250,9 tỷ", id="tỷ without đồng"),
        pytest.param(250900.0, "250,9 TỶ ĐỒNG", id="upper case"),
        pytest.param(0.5, "500 nghìn đồng", id="nghìn đồng"),
    ],
)
def test_parse_amount(expected: float, text: str) -> None:
    assert expected == parse_amount(text)


def test_parse_amount_en_thousands() -> None:
    assert 1050.0 == parse_amount("1,050", style="en_thousands")


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        pytest.param("empty", "tỷ đồng", id="unit only"),
        pytest.param("unknown_unit", "15 triệu USD", id="001:20 dollars are not converted"),
        pytest.param("not_a_number", "12.34 tỷ", id="bad grouping"),
    ],
)
def test_parse_amount_rejects(reason: str, text: str) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_amount(text)
    assert reason == caught.value.reason
    assert text == caught.value.text


@pytest.mark.parametrize(
    ("expected", "value", "decimals", "lang"),
    [
        pytest.param("250.900", 250900, 0, "vi", id="vi thousands"),
        pytest.param("71,2", 71.2, 1, "vi", id="vi decimal"),
        pytest.param("250,900", 250900, 0, "en", id="en thousands"),
        pytest.param("71.2", 71.2, 1, "en", id="en decimal"),
        pytest.param("0,13", 0.125, 2, "vi", id="half away from zero, not to even"),
        pytest.param("-0,13", -0.125, 2, "vi", id="negative half away from zero"),
        pytest.param("3", 2.5, 0, "vi", id="2.5 rounds to 3"),
        pytest.param("-1.200", -1200, 0, "vi", id="negative keeps sign"),
        pytest.param("0", -0.4, 0, "vi", id="no minus on a rounded zero"),
        pytest.param("5,00", 5, 2, "vi", id="pads decimals"),
        pytest.param("1.234.567,9", 1234567.89, 1, "vi", id="millions"),
    ],
)
def test_format_number(expected: str, value: float, decimals: int, lang: str) -> None:
    assert expected == format_number(value, decimals, lang)


@pytest.mark.parametrize(
    ("value", "decimals", "lang"),
    [
        pytest.param(float("nan"), 0, "vi", id="nan"),
        pytest.param(float("inf"), 0, "vi", id="inf"),
        pytest.param(1.0, -1, "vi", id="negative decimals"),
        pytest.param(1.0, 0, "fr", id="unknown language"),
    ],
)
def test_format_number_rejects(value: float, decimals: int, lang: str) -> None:
    with pytest.raises(ValueError):
        format_number(value, decimals, lang)


@pytest.mark.parametrize(
    ("expected", "value", "lang"),
    [
        pytest.param("71,2%", 71.2, "vi", id="001:8 71,2%"),
        pytest.param("71.2%", 71.2, "en", id="en"),
        pytest.param("31,7%", 31.67, "vi", id="001:17 one decimal by default"),
    ],
)
def test_format_pct(expected: str, value: float, lang: str) -> None:
    assert expected == format_pct(value, lang=lang)


@pytest.mark.parametrize(
    ("expected", "value", "lang"),
    [
        pytest.param("800 triệu đồng", 800, "vi", id="below a billion"),
        pytest.param("800 million VND", 800, "en", id="below a billion en"),
        pytest.param("262,5 triệu đồng", 262.5, "vi", id="fractional million"),
        pytest.param("250,9 tỷ đồng", 250900, "vi", id="000:205 250,9 tỷ"),
        pytest.param("250.9 billion VND", 250900, "en", id="000:205 en"),
        pytest.param("82,155 tỷ đồng", 82155, "vi", id="001:5 82,155 tỷ"),
        pytest.param("8,374 tỷ đồng", 8374, "vi", id="002:162 8.374 triệu"),
        pytest.param("163,4 tỷ đồng", 163400, "vi", id="001:99 163,4 tỷ"),
        pytest.param("1 tỷ đồng", 1000, "vi", id="exactly a billion"),
        pytest.param("1 tỷ đồng", 999.9999, "vi", id="rounds up into billions"),
        pytest.param("1.234,567 tỷ đồng", 1234567, "vi", id="thousands of billions"),
        pytest.param("-1,5 tỷ đồng", -1500, "vi", id="negative"),
    ],
)
def test_format_mvnd(expected: str, value: float, lang: str) -> None:
    assert expected == format_mvnd(value, lang)


@pytest.mark.parametrize(
    ("expected", "value", "max_decimals"),
    [
        ("40.708,4 tỷ đồng", 40_708_437.0, 1),
        ("40.708,437 tỷ đồng", 40_708_437.0, 3),
        ("2,5 tỷ đồng", 2520.0, 1),
        ("262,5 triệu đồng", 262.5, 1),
        ("1 tỷ đồng", 999.96, 1),  # rounded before the unit is chosen: never "1.000 triệu"
        ("263 triệu đồng", 262.5, 0),
    ],
)
def test_format_mvnd_max_decimals(expected: str, value: float, max_decimals: int) -> None:
    assert expected == format_mvnd(value, "vi", max_decimals=max_decimals)


@given(st.text())
def test_parse_number_only_raises_number_format_error(text: str) -> None:
    for style in ("vi", "en_thousands"):
        try:
            parse_number(text, style)
        except NumberFormatError:
            pass


@given(st.text())
def test_parse_amount_only_raises_number_format_error(text: str) -> None:
    try:
        parse_amount(text)
    except NumberFormatError:
        pass


_LANG_STYLE = st.sampled_from([("vi", "vi"), ("en", "en_thousands")])


@given(st.integers(min_value=-(10**15), max_value=10**15), _LANG_STYLE)
def test_int_round_trip(value: int, lang_style: tuple[str, str]) -> None:
    lang, style = lang_style
    assert value == parse_number(format_number(value, 0, lang), style)


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=1, max_value=3),
    _LANG_STYLE,
)
def test_decimal_round_trip(scaled: int, decimals: int, lang_style: tuple[str, str]) -> None:
    # scaled / 10**decimals is the float nearest to a 1-3 decimal figure, as a parser produces.
    lang, style = lang_style
    value = scaled / 10**decimals
    assert value == parse_number(format_number(value, decimals, lang), style)


@pytest.mark.parametrize(
    ("expected", "value", "lang"),
    [
        pytest.param("46,0 tỷ đồng", 46000, "vi", id="periods chart 2011-2015 planned 46 tỷ"),
        pytest.param("126,3 tỷ đồng", 126300, "vi", id="periods chart 2016-2020"),
        pytest.param("121,6 tỷ đồng", 121631.4, "vi", id="real terms, three decimals before"),
        pytest.param("262,5 triệu đồng", 262.5, "vi", id="triệu keeps one decimal"),
        pytest.param("800,0 triệu đồng", 800, "vi", id="whole triệu still written with one"),
        pytest.param("250.9 billion VND", 250900, "en", id="English"),
        pytest.param("1.000,0 tỷ đồng", 999999.96, "vi", id="rounds up into a grouped tỷ"),
    ],
)
def test_chart_labels_round_every_amount_to_one_decimal(
    expected: str, value: float, lang: str
) -> None:
    assert expected == format_mvnd_label(value, lang)


@pytest.mark.parametrize(
    ("expected", "value", "decimals", "lang"),
    [
        pytest.param("0,13", 0.125, 2, "vi", id="ties away from zero, not Babel's half-even"),
        pytest.param("2,5", 2.45, 1, "vi", id="2,45 -> 2,5"),
        pytest.param("-1,250,900.50", -1250900.5, 2, "en", id="en grouping and minus"),
        pytest.param("0", -0.4, 0, "vi", id="no minus on a zero"),
    ],
)
def test_rounding_is_ours_notation_is_babels(
    expected: str, value: float, decimals: int, lang: str
) -> None:
    assert expected == format_number(value, decimals, lang)


def test_plotly_separators_follow_the_locale() -> None:
    assert (",.", ".,") == (plotly_separators("vi"), plotly_separators("en"))


@pytest.mark.parametrize(
    ("expected", "lang"),
    [("02/12/2026 16:15", "vi"), ("2 Dec 2026, 16:15", "en")],
)
def test_moments_are_shown_in_viet_nam_time(expected: str, lang: str) -> None:
    assert expected == format_when("2026-12-02T09:15:00+00:00", lang)
