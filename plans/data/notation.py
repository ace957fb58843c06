"""Number notation of the documents: figures read as printed ("250.900", "2,52 tỷ đồng")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Context, Decimal

STYLES: tuple[str, ...] = ("vi", "en_thousands")

# (thousands separator, decimal mark) of each parsing style.
_STYLE_SEPARATORS: dict[str, tuple[str, str]] = {"vi": (".", ","), "en_thousands": (",", ".")}

# More digits than any budget cell holds; also keeps int() below Python's str-conversion limit.
_MAX_DIGITS = 300

# Huge precision so quantize() never fails on large values; rounding is set per call.
_CONTEXT = Context(prec=1000)


class NumberFormatError(ValueError):
    """A cell that is not a number in the expected notation.

    `reason` is a short code: "empty", "not_a_number", "ambiguous" (looks like the other
    notation, e.g. "1,234.5" read as Vietnamese), "percent" (a trailing "%"), "too_long",
    "unknown_unit" (parse_amount only).
    """

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"not a number ({reason}): {text!r}")
        self.text = text
        self.reason = reason


def _number_pattern(group: str, mark: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(mark)
    # Either correctly grouped thousands or a bare digit run ("1120", "05"), then a fraction.
    return re.compile(rf"(?P<int>[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}(?P<frac>[0-9]+))?")


_NUMBER_RE: dict[str, re.Pattern[str]] = {
    style: _number_pattern(*seps) for style, seps in _STYLE_SEPARATORS.items()
}


def _check_style(style: str) -> tuple[str, str]:
    if style not in _STYLE_SEPARATORS:
        # A programming error, not bad data, so a plain ValueError rather than NumberFormatError.
        raise ValueError(f"unknown number style {style!r}; expected one of {STYLES}")
    return _STYLE_SEPARATORS[style]


def _parse_decimal(text: str, style: str) -> tuple[Decimal, bool]:
    """Exact value of `text` and whether a decimal mark was written."""
    group, _mark = _check_style(style)
    body = text.strip()  # str.strip() also removes no-break spaces from converted scans
    if not body:
        raise NumberFormatError(text, "empty")
    negative = body[0] in "-−"
    if body[0] in "-−+":
        body = body[1:]
    if body.endswith("%"):
        raise NumberFormatError(text, "percent")
    match = _NUMBER_RE[style].fullmatch(body)
    if match is None:
        other = next(s for s in STYLES if s != style)
        looks_other = _NUMBER_RE[other].fullmatch(body) is not None
        both_marks = "." in body and "," in body
        raise NumberFormatError(text, "ambiguous" if looks_other and both_marks else "not_a_number")
    digits = match["int"].replace(group, "")
    frac = match["frac"]
    if len(digits) + len(frac or "") > _MAX_DIGITS:
        raise NumberFormatError(text, "too_long")
    value = Decimal(f"{digits}.{frac}" if frac is not None else digits)
    return (-value if negative else value), frac is not None


def parse_number(text: str, style: str = "vi") -> float | int:
    """Parse one figure: style "vi" ("250.900", "31,67") or "en_thousands" ("1,050").

    Returns an int when no decimal mark is written, a float otherwise. Thousands groups must be
    exactly three digits ("12.34" is rejected in "vi"), and a trailing "%" is rejected so that
    percentages are never mistaken for plain amounts.
    """
    value, has_fraction = _parse_decimal(text, style)
    return float(value) if has_fraction else int(value)


# Scale words -> factor to million VND; no scale but a currency word means plain đồng.
_SCALE_TO_MVND: dict[str, Decimal] = {
    "tỷ": Decimal(1000),
    "tỉ": Decimal(1000),
    "triệu": Decimal(1),
    "nghìn": Decimal("0.001"),
    "ngàn": Decimal("0.001"),
}
_AMOUNT_RE = re.compile(
    r"(?P<num>.*?)\s*(?P<scale>tỷ|tỉ|triệu|nghìn|ngàn)?\s*(?P<currency>đồng|vnđ|vnd|đ)?"
)


def parse_amount(text: str, style: str = "vi") -> float:
    """Parse a money cell into million VND (triệu đồng), the unit of the budget tables.

    "250,9 tỷ đồng" -> 250900.0, "262,5 triệu đồng" -> 262.5, "163.400.000.000 đồng" -> 163400.0;
    a bare figure ("4.200") is taken as already in million VND, as in the appendix tables.
    """
    normalised = unicodedata.normalize("NFC", text).strip().lower()
    match = _AMOUNT_RE.fullmatch(normalised)
    if match is None:  # pragma: no cover - the pattern accepts any string
        raise NumberFormatError(text, "not_a_number")
    number = match["num"]
    if not number.strip():
        raise NumberFormatError(text, "empty")
    if any(char.isalpha() for char in number):
        # e.g. "15 triệu USD": a money word we do not convert, not a malformed figure.
        raise NumberFormatError(text, "unknown_unit")
    try:
        value, _ = _parse_decimal(number, style)
    except NumberFormatError as error:
        # Report the whole cell, which is what the user sees.
        raise NumberFormatError(text, error.reason) from None
    if match["scale"]:
        factor = _SCALE_TO_MVND[match["scale"]]
    elif match["currency"]:
        factor = Decimal("0.000001")
    else:
        factor = Decimal(1)
    return float(_CONTEXT.multiply(value, factor))


# A figure as officials write it in a table cell: a qualifier word, then one figure or a range,
# then a money scale or a unit ("gần 162,5 triệu đồng", "hơn 342", "300-350", "13 đề án").
# Longest first, so "không quá" is read before "không" would be.
QUALIFIER_WORDS: dict[str, str] = {
    "không vượt quá": "at_most",
    "không quá": "at_most",
    "tối đa": "at_most",
    "dưới": "at_most",
    "không dưới": "at_least",
    "tối thiểu": "at_least",
    "ít nhất": "at_least",
    "trên": "at_least",
    "hơn": "at_least",
    "khoảng": "about",
    "xấp xỉ": "about",
    "gần": "nearly",
}
_QUALIFIER_LEAD = re.compile(
    r"^(?P<word>" + "|".join(sorted(QUALIFIER_WORDS, key=len, reverse=True)) + r")(?:\s+|(?=\d))"
)
# "300-350", "300 – 350", "300 đến 350": the dash of a range, never a minus sign at the start
_RANGE_SPLIT = re.compile(r"(?<=\d)\s*(?:[-–—]|\s(?:đến|tới)\s)\s*(?=\d)")
_FIGURE_HEAD = re.compile(r"^(?P<num>[0-9][0-9.,]*)\s*(?P<rest>.*)$")
_MONEY_WORDS = re.compile(r"^(?:tỷ|tỉ|triệu|nghìn|ngàn)?\s*(?:đồng|vnđ|vnd|đ)?$")


@dataclass(frozen=True)
class Figure:
    """One cell read: its figure (a range's low end), the range's high end, how it is qualified.

    `precision` is the unit of the last significant printed digit, in the unit of `value`
    (million VND for money): "250,9 tỷ" -> 100, "4.200" -> 1. After "khoảng" or "gần" trailing
    zeros of the whole part are rounding, not digits: "khoảng 380 tỷ" -> 10.000.
    """

    value: float
    high: float | None  # a range's upper end ("300-350" -> 350), None otherwise
    qualifier: str  # exact | nearly | at_least | at_most | about | range
    precision: float
    unit: str = ""  # a quantity's words after the figure ("đề án"); '' for money


def _precision(number: str, style: str, rounded: bool) -> Decimal:
    """The unit of the last significant digit of a printed figure (before any scale)."""
    _group, mark = _check_style(style)
    whole, _, frac = number.partition(mark)
    if frac:
        return Decimal(1).scaleb(-len(frac))
    digits = whole.replace(_group, "")
    zeros = len(digits) - len(digits.rstrip("0")) if rounded and digits.strip("0") else 0
    return Decimal(1).scaleb(zeros)


def read_figure(
    text: str, column_unit: str | None = None, money: bool = True, style: str = "vi"
) -> Figure:
    """A money or quantity cell with its qualifier and range, as officials write it.

    Money: "gần 162,5 triệu đồng" -> 162.5 (nearly), "khoảng 375,6 tỷ đồng" -> 375600 (about),
    "300-350" -> 300..350 (range); a bare figure is in `column_unit` (the header's "(tỷ đồng)")
    or else in million VND. Quantity (money=False): "13 đề án" -> 13, unit "đề án".
    Raises NumberFormatError when no figure in the notation is written.
    """
    body = " ".join(unicodedata.normalize("NFC", text).split())
    lead = _QUALIFIER_LEAD.match(body.lower())
    qualifier = "exact"
    if lead:
        qualifier = QUALIFIER_WORDS[lead["word"]]
        body = body[lead.end() :]
    ends = _RANGE_SPLIT.split(body, maxsplit=1)
    if len(ends) == 2 and qualifier == "exact":
        qualifier = "range"
    elif len(ends) == 2 and qualifier != "about":
        raise NumberFormatError(text, "not_a_number")  # "hơn 300-350" says two things at once
    heads = [_FIGURE_HEAD.match(end.strip()) for end in ends]
    if any(head is None for head in heads):
        raise NumberFormatError(text, "not_a_number")
    rest = heads[-1]["rest"].strip()  # type: ignore[index]
    # the unit is written once, after the range's last figure ("300-350 tỷ đồng")
    if any(head["rest"].strip() for head in heads[:-1]):  # type: ignore[index]
        raise NumberFormatError(text, "not_a_number")
    numbers = [head["num"] for head in heads]  # type: ignore[index]
    values = [_parse_decimal(number, style)[0] for number in numbers]
    rounded = qualifier in ("about", "nearly")
    step = min(_precision(number, style, rounded) for number in numbers)
    unit = ""
    if money:
        scale = rest.lower()
        if not _MONEY_WORDS.fullmatch(scale):
            raise NumberFormatError(text, "unknown_unit" if scale[:1].isalpha() else "not_a_number")
        if not scale and column_unit:
            scale = " ".join(column_unit.lower().split())
            if not _MONEY_WORDS.fullmatch(scale):
                raise NumberFormatError(column_unit, "unknown_unit")
        factor = Decimal(parse_amount(f"1 {scale}", style)) if scale else Decimal(1)
        values = [_CONTEXT.multiply(v, factor) for v in values]
        step = _CONTEXT.multiply(step, factor)
    else:
        unit = rest
    if len(values) == 2 and values[0] > values[1]:
        raise NumberFormatError(text, "not_a_number")  # a reversed range is a slip, not a figure
    return Figure(
        value=float(values[0]),
        high=float(values[1]) if len(values) == 2 else None,
        qualifier=qualifier,
        precision=float(step),
        unit=unit,
    )


# A total written in words: "(Bằng chữ: Hai trăm năm mươi tỷ, chín trăm triệu đồng)".


def _fold(text: str) -> str:
    """'Trăm' -> 'tram' (as plans.data.reading folds headers; kept here, below reading)."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if unicodedata.category(c) != "Mn").strip().lower()


_DIGITS = {
    "khong": 0, "mot": 1, "mốt": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
    "sau": 6, "bay": 7, "tam": 8, "chin": 9,
}  # fmt: skip
_SCALES = {"nghin": 10**3, "ngan": 10**3, "trieu": 10**6, "ty": 10**9, "ti": 10**9}


def words_to_vnd(text: str) -> int | None:
    """Vietnamese number words -> đồng: 'Hai trăm năm mươi tỷ, chín trăm triệu đồng' -> 250.9e9.

    None when a word is not a number word (the caller reports the text unread).
    """
    total = group = digit = 0
    seen = False
    for raw in re.split(r"[\s,;.]+", text.strip()):
        if not raw:
            continue
        raw_lower = raw.lower()
        word = _fold(raw)
        if word in ("dong", "chan", "linh", "le", "va", "(", ")"):
            continue
        seen = True
        if raw_lower == "mốt":
            digit = 1
        elif word == "muoi" and raw_lower == "mười":
            group += 10
        elif word == "muoi":  # mươi: tens
            group += (digit or 1) * 10
            digit = 0
        elif word == "tram":
            group += digit * 100
            digit = 0
        elif word in _SCALES:
            total += (group + digit) * _SCALES[word]
            group = digit = 0
        elif word in _DIGITS:
            digit = _DIGITS[word]
        else:
            return None
    return total + group + digit if seen else None
