"""Numbers and dates for people: amounts, counts, percentages in the reader's notation (Babel).

Separators, grouping, signs and date patterns are Babel's (CLDR `vi_VN`, `en`); what stays ours
is the product's rounding (ties away from zero, as a reader rounds, not Babel's half-to-even)
and the triệu/tỷ scaling of amounts in million VND.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from plans.messages import t

LANGS: tuple[str, ...] = ("vi", "en")
LOCALES: dict[str, str] = {"vi": "vi_VN", "en": "en"}

# Moments are stored in UTC and shown in the time of the provinces that read them.
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Huge precision so quantize() never fails on large values; rounding is set per call.
_CONTEXT = Context(prec=1000)


def _locale(lang: str) -> str:
    if lang not in LOCALES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    return LOCALES[lang]


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal mark, then group) for the reader's language, from Babel."""
    locale = _locale(lang)
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def _to_decimal(value: float) -> Decimal:
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    # str() gives the shortest repr, so 0.125 stays 0.125 rather than its binary expansion.
    return Decimal(str(value))


def _round(value: Decimal, decimals: int) -> Decimal:
    # ROUND_HALF_UP in decimal rounds ties away from zero (0.125 -> 0.13, -0.125 -> -0.13).
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_CONTEXT)


def _format_decimal(value: Decimal, decimals: int, lang: str) -> str:
    rounded = _round(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # a value that rounds to zero loses its sign ("-0" is noise)
    # Already rounded to `decimals` (ties away from zero), so Babel's own rounding is a no-op.
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale=_locale(lang))


def format_number(value: float, decimals: int = 0, lang: str = "vi") -> str:
    """Fixed decimals, ties away from zero: vi "250.900" / "71,2", en "250,900" / "71.2"."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    return _format_decimal(_to_decimal(value), decimals, lang)


def format_pct(value: float, decimals: int = 1, lang: str = "vi") -> str:
    """Format a percentage: "71,2%" (vi) / "71.2%" (en)."""
    return t("numbers.percent", lang, value=format_number(value, decimals, lang))


def _format_trimmed(value: Decimal, max_decimals: int, lang: str) -> str:
    rounded = _round(value, max_decimals)
    exponent = rounded.normalize(_CONTEXT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only, checked by _to_decimal
    return _format_decimal(rounded, max(0, -exponent), lang)


def format_trimmed(value: float, max_decimals: int, lang: str = "vi") -> str:
    """Up to `max_decimals` decimals, trailing zeros dropped: "2,5" for 2.50, "3" for 3.00."""
    return _format_trimmed(_to_decimal(value), max_decimals, lang)


def format_mvnd(value_mvnd: float, lang: str = "vi", max_decimals: int = 3) -> str:
    """Human text for an amount in million VND: "800 triệu đồng", "250,9 tỷ đồng" (en: VND).

    Up to `max_decimals` decimals of the shown unit, trailing zeros dropped: 3 keeps every
    printed figure exact (2,52 tỷ; 262,5 triệu); a chart label reads better with 1.
    """
    # Round to whole-million precision first so 999.9999 is not shown as "1.000 triệu".
    amount = _round(_to_decimal(value_mvnd), max_decimals)
    if abs(amount) >= 1000:
        return t(
            "numbers.billion_vnd", lang, value=_format_trimmed(amount / 1000, max_decimals, lang)
        )
    return t("numbers.million_vnd", lang, value=_format_trimmed(amount, max_decimals, lang))


def format_mvnd_label(value_mvnd: float, lang: str = "vi") -> str:
    """An amount as a chart writes it beside a bar: always one decimal of its unit.

    One rule for every label, so bars side by side read alike: "46,0 tỷ đồng" beside
    "126,3 tỷ đồng" and "121,6 tỷ đồng" (not "46", "126,3" and "121,631"); "262,5 triệu đồng".
    Hover texts and sentences quote amounts as printed (format_mvnd, up to 3 decimals).
    """
    amount = _round(_to_decimal(value_mvnd), 1)
    if abs(amount) >= 1000:
        shown = format_number(float(_CONTEXT.divide(amount, 1000)), 1, lang)
        return t("numbers.billion_vnd", lang, value=shown)
    return t("numbers.million_vnd", lang, value=format_number(float(amount), 1, lang))


def format_when(moment: str | datetime, lang: str = "vi") -> str:
    """A stored moment (ISO text, UTC) in Viet Nam's time: "02/12/2026 16:15" (vi)."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    pattern = t("numbers.when_pattern", lang)
    return babel_datetime(when, format=pattern, tzinfo=TIMEZONE, locale=_locale(lang))
