"""Numbers for people: amounts, counts and percentages in the reader's notation."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

LANGS: tuple[str, ...] = ("vi", "en")
_LANG_SEPARATORS: dict[str, tuple[str, str]] = {"vi": (".", ","), "en": (",", ".")}

# Huge precision so quantize() never fails on large values; rounding is set per call.
_CONTEXT = Context(prec=1000)


def _separators(lang: str) -> tuple[str, str]:
    if lang not in _LANG_SEPARATORS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    return _LANG_SEPARATORS[lang]


def _to_decimal(value: float) -> Decimal:
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    # str() gives the shortest repr, so 0.125 stays 0.125 rather than its binary expansion.
    return Decimal(str(value))


def _round(value: Decimal, decimals: int) -> Decimal:
    # ROUND_HALF_UP in decimal rounds ties away from zero (0.125 -> 0.13, -0.125 -> -0.13).
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_CONTEXT)


def _format_decimal(value: Decimal, decimals: int, lang: str) -> str:
    group, mark = _separators(lang)
    rounded = _round(value, decimals)
    sign = "-" if rounded < 0 else ""  # a value that rounds to zero loses its sign ("-0" is noise)
    int_part, _, frac_part = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(int_part):,}".replace(",", group)
    return f"{sign}{grouped}{mark}{frac_part}" if decimals > 0 else f"{sign}{grouped}"


def format_number(value: float, decimals: int = 0, lang: str = "vi") -> str:
    """Fixed decimals, ties away from zero: vi "250.900" / "71,2", en "250,900" / "71.2"."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    return _format_decimal(_to_decimal(value), decimals, lang)


def format_pct(value: float, decimals: int = 1, lang: str = "vi") -> str:
    """Format a percentage: "71,2%" (vi) / "71.2%" (en)."""
    return format_number(value, decimals, lang) + "%"


def _format_trimmed(value: Decimal, max_decimals: int, lang: str) -> str:
    rounded = _round(value, max_decimals)
    exponent = rounded.normalize(_CONTEXT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only, checked by _to_decimal
    return _format_decimal(rounded, max(0, -exponent), lang)


def format_mvnd(value_mvnd: float, lang: str = "vi", max_decimals: int = 3) -> str:
    """Human text for an amount in million VND: "800 triệu đồng", "250,9 tỷ đồng" (en: VND).

    Up to `max_decimals` decimals of the shown unit, trailing zeros dropped: 3 keeps every
    printed figure exact (2,52 tỷ; 262,5 triệu); a chart label reads better with 1.
    """
    # Round to whole-million precision first so 999.9999 is not shown as "1.000 triệu".
    amount = _round(_to_decimal(value_mvnd), max_decimals)
    if abs(amount) >= 1000:
        words = {"vi": "tỷ đồng", "en": "billion VND"}
        shown = _format_trimmed(_CONTEXT.divide(amount, 1000), max_decimals, lang)
    else:
        words = {"vi": "triệu đồng", "en": "million VND"}
        shown = _format_trimmed(amount, max_decimals, lang)
    return f"{shown} {words[lang]}"
