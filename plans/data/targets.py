"""Quantified targets in free Vietnamese text ("khoảng 500 - 600 doanh nghiệp" -> bounds, unit)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from plans.data.notation import NumberFormatError, parse_number
from plans.numbers import format_number

QUALIFIERS: tuple[str, ...] = ("exact", "range", "at_least", "at_most", "about", "nearly")


@dataclass(frozen=True)
class Target:
    quantity_text: str  # the exact substring matched, e.g. "khoảng 500 - 600 doanh nghiệp"
    unit: str  # normalised unit phrase, e.g. "lượt doanh nghiệp", "lớp", "%", "%/năm"
    min: float | None  # None = no lower bound
    max: float | None  # None = no upper bound
    qualifier: str  # one of QUALIFIERS
    certain: bool  # False when the unit is not in the known-unit list ("uncertain parse")
    per: str | None = None  # "năm" for "…/năm" rates, "hội chợ" for "mỗi hội chợ …", else None


# Surface form -> normalised unit. Matched longest first, so "lượt doanh nghiệp" wins over "lượt"
# and "lao động nông thôn" is recognised whole before being normalised to "lao động".
_UNIT_FORMS: dict[str, str] = {
    "lượt doanh nghiệp": "lượt doanh nghiệp",
    "lượt cơ sở": "lượt cơ sở",
    "lượt cán bộ": "lượt cán bộ",
    "lượt học viên": "lượt học viên",
    "lượt khách": "lượt khách",
    "lượt lãnh đạo": "lượt lãnh đạo",
    "lượt": "lượt",
    "lao động nông thôn": "lao động",
    "lao động": "lao động",
    "doanh nghiệp": "doanh nghiệp",
    "cơ sở công nghiệp nông thôn": "cơ sở",
    "cơ sở": "cơ sở",
    "lớp": "lớp",
    "hội nghị": "hội nghị",
    "hội thảo": "hội thảo",
    "diễn đàn": "diễn đàn",
    "mô hình": "mô hình",
    "kỳ hội chợ": "hội chợ",
    "hội chợ": "hội chợ",
    "kỳ triển lãm": "triển lãm",
    "triển lãm": "triển lãm",
    "gian hàng": "gian hàng",
    "nhà nhập khẩu": "nhà nhập khẩu",
    "mẫu sản phẩm": "mẫu",
    "mẫu": "mẫu",
    "sản phẩm": "sản phẩm",
    "cuộc thi": "cuộc thi",
    "cuộc bình chọn": "cuộc bình chọn",
    "đoàn": "đoàn",
    "đại biểu": "đại biểu",
    "học viên": "học viên",
    "người": "người",
    "cán bộ": "cán bộ",
    "làng thuần nông": "làng",
    "làng nghề": "làng nghề",
    "làng": "làng",
    "huyện": "huyện",
    "quận": "quận",
    "xã": "xã",
    "tỉnh": "tỉnh",
    "quốc gia": "quốc gia",
    "dự án": "dự án",
    "lĩnh vực": "lĩnh vực",
    "cụm công nghiệp": "cụm công nghiệp",
    "ccn": "cụm công nghiệp",
    "nhãn hiệu": "nhãn hiệu",
    "hệ thống": "hệ thống",
    "đơn vị": "đơn vị",
    "lần": "lần",
    "triệu usd": "triệu USD",
    "tỷ usd": "tỷ USD",
    "tỉ usd": "tỷ USD",
    "usd": "USD",
    "tỷ đồng": "tỷ đồng",
    "tỉ đồng": "tỷ đồng",
    "triệu đồng": "triệu đồng",
    "đồng": "đồng",
}
KNOWN_UNITS: frozenset[str] = frozenset(_UNIT_FORMS.values())

# A figure whose unit is one of these is a duration ("dưới 3 tháng"), not a target.
TIME_WORDS: frozenset[str] = frozenset({"ngày", "tháng", "năm", "tuần", "giờ", "phút", "quý"})

_LETTER = r"[^\W\d_]"  # a letter in any script; \w would also let digits and "_" through
_WORD_END = r"(?!\w)"  # "C1607" is a code, not the word "c"
# Whitespace that stays inside one table cell: a tab separates cells in the converted tables.
_SPACE = r"[^\S\t]"


def _phrase_pattern(phrases: list[str]) -> str:
    # Spaces inside a phrase may be any run of whitespace (scans break lines mid-phrase).
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(rf"{_SPACE}+".join(re.escape(word) for word in p.split()) for p in ordered)


_UNIT_RE = re.compile(
    rf"{_SPACE}*(?P<unit>{_phrase_pattern(list(_UNIT_FORMS))}){_WORD_END}", re.IGNORECASE
)
_WORD_RE = re.compile(rf"{_SPACE}+(?P<word>{_LETTER}+){_WORD_END}")
_GLUED_WORD_RE = re.compile(rf"{_LETTER}+{_WORD_END}")
_PERCENT_RE = re.compile(rf"{_SPACE}*%")
# "/năm", "/ năm", "/1 năm", "/lớp": the denominator of a rate, possibly chained ("/người/tháng").
_PER_RE = re.compile(rf"{_SPACE}*/{_SPACE}*(?:[0-9]+{_SPACE}*)?(?=\S)")

# Vietnamese notation as printed: "10.500", "60.000", "31,67", "05".
_NUM = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?"
_QUANTITY_RE = re.compile(
    # Not glued to a word, a dotted/slashed code, a decimal tail or a "Covid-" style prefix.
    rf"(?<![\w./])(?<![0-9],)(?<!{_LETTER}-)(?<![0-9][-–—])"
    rf"(?P<a>{_NUM})(?![.,]?[0-9])"
    rf"(?:(?P<a_pct>{_SPACE}*%)?(?:{_SPACE}*[-–—]{_SPACE}*|{_SPACE}+(?:đến|tới){_SPACE}+)"
    rf"(?P<b>{_NUM})(?![.,]?[0-9]))?",
    re.IGNORECASE,
)
# A figure immediately followed by "/" and more code: a date ("16/4/2019") or "920/QĐ-BCT".
_CODE_TAIL_RE = re.compile(r"(?:/[\w-]+)+")

_QUALIFIER_WORDS: dict[str, str] = {
    "không vượt quá": "at_most",
    "không quá": "at_most",
    "tối đa": "at_most",
    "dưới": "at_most",
    "không dưới": "at_least",
    "tối thiểu": "at_least",
    "ít nhất": "at_least",
    "trên": "at_least",
    "hơn": "at_least",
    "từ": "at_least",
    "khoảng": "about",
    "xấp xỉ": "about",
    "gần": "nearly",
}
_QUALIFIER_RE = re.compile(
    rf"(?<!{_LETTER})(?P<word>{_phrase_pattern(list(_QUALIFIER_WORDS))})"
    rf"{_SPACE}*(?P<colon>:)?{_SPACE}*$",
    re.IGNORECASE,
)
# Words after which a figure is a date part, a period or a reference, never a quantity.
_ALWAYS_SKIP_AFTER = ("giai đoạn", "điều", "khoản", "mục", "chương", "phụ lục", "covid", "thứ")
_DATE_WORD_LIMITS: dict[str, int] = {"ngày": 31, "tháng": 12, "quý": 4}
_CONTEXT_WORD_RE = re.compile(
    rf"(?<!{_LETTER})(?P<word>{_phrase_pattern([*_ALWAYS_SKIP_AFTER, *_DATE_WORD_LIMITS, 'năm'])})"
    rf"{_SPACE}*:?{_SPACE}*$",
    re.IGNORECASE,
)
_ACRONYM_RE = re.compile(r"(?<![^\W\d_])[A-Z]{2,}\s*$")  # "ISO 9001", "COVID 19"
_PER_LEAD_RE = re.compile(rf"(?<!{_LETTER})mỗi\s+(?P<rest>[^,;.()0-9\n]{{0,80}})$", re.IGNORECASE)
_ENUMERATOR_RE = re.compile(r"^[ \t]*(?:[0-9]+(?:\.[0-9]+)*[.)](?=\s|$)|[0-9]+\t)", re.MULTILINE)
_LIST_END_RE = re.compile(r"[);\n]|\.(?:\s|$)")
_CHANGE_RE = re.compile(r"\s*(?:xuống|lên)(?!\w)", re.IGNORECASE)

_PREFIX_WINDOW = 120  # characters of left context examined for qualifiers and "mỗi …"


def _normalise_unit(surface: str) -> str:
    return _UNIT_FORMS[" ".join(surface.lower().split())]


def _unit_at(text: str, pos: int) -> tuple[str, bool, int] | None:
    """(normalised unit, known?, end) of the unit phrase starting at `pos`, if any."""
    known = _UNIT_RE.match(text, pos)
    if known:
        return _normalise_unit(known["unit"]), True, known.end()
    word = _WORD_RE.match(text, pos)  # an unknown unit must be separated by whitespace
    if word:
        return word["word"].lower(), False, word.end()
    return None


def _per_at(text: str, pos: int) -> tuple[str | None, int]:
    """The "/x" or "/x/y" denominator starting at `pos`, and where it ends."""
    parts: list[str] = []
    while slash := _PER_RE.match(text, pos):
        known = _UNIT_RE.match(text, slash.end())
        word = known or _GLUED_WORD_RE.match(text, slash.end())
        if word is None:
            break
        parts.append(_normalise_unit(known["unit"]) if known else word.group().lower())
        pos = word.end()
    return ("/".join(parts) or None), pos


def _is_context_skip(prefix: str, low: float) -> bool:
    context = _CONTEXT_WORD_RE.search(prefix)
    if context:
        word = context["word"].lower()
        if word in _ALWAYS_SKIP_AFTER:
            return True
        if word == "năm":
            # "năm 2021" is a year; "mỗi năm 2 hội chợ" is not, hence the range check.
            return 1900 <= low <= 2200
        return low <= _DATE_WORD_LIMITS[word]
    return _ACRONYM_RE.search(prefix) is not None


def _per_from_lead(prefix: str) -> str | None:
    lead = _PER_LEAD_RE.search(prefix)
    if lead is None:
        return None
    rest = lead["rest"]
    unit = _unit_at(" " + rest, 0)  # _unit_at expects the separator before an unknown word
    return unit[0] if unit else None


def _to_value(number: str) -> float | None:
    try:
        return parse_number(number, "vi")
    except NumberFormatError:
        return None  # absurdly long digit runs; nothing a user wrote as a target


def parse_targets(text: str) -> list[Target]:
    """Every quantified target in `text`, in reading order.

    Decisions on cases the documents leave open:

    - A range after "khoảng" ("khoảng 500 - 600 doanh nghiệp") keeps qualifier "about" with min/max
      set to the range ends; any other range ("từ 150 – 200", "15-20") is qualifier "range".
    - "khoảng:" followed by a list ("dự kiến khoảng: 05 lớp, 350 lượt học viên") applies "about" to
      every figure of the list, up to the closing bracket, ";" or the end of the sentence.
    - A rate is a target with `per` set: "(01 cuộc thi/năm)" -> 1 cuộc thi per "năm",
      "(02 đoàn/1 năm)" -> 2 đoàn per "năm", "100 người/lớp" -> 100 người per "lớp". Only figures
      whose own unit is a time word ("dưới 3 tháng", "2 ngày/lớp") are dropped as durations.
    - "mỗi <thing> … <figure>" in the same clause sets `per` to the thing
      ("quy mô mỗi hội chợ từ 400 – 600 gian hàng" -> per "hội chợ"); `quantity_text` covers only
      qualifier, figures and unit, not the "mỗi …" lead-in.
    - "từ X <unit> xuống/lên …" describes a change, not a lower bound, so it is "exact".
    - Not targets: dates and document numbers (a figure glued to "/"), years and day/month numbers
      after năm/ngày/tháng/quý, periods after "giai đoạn", references after Điều/Khoản/Mục/Chương,
      identifiers (glued to letters as in "G7", or after an acronym or "Covid"), list enumerators at
      a line start ("1.", "2.1.", a table index followed by a tab), a reversed range ("32027 - 10"),
      and figures followed by no word at all.
    - A unit never crosses a tab (the converted tables separate cells with tabs); a word that is
      not a known unit becomes the unit with certain=False.
    - `quantity_text` is a substring of the NFC-normalised input (the seed files are already NFC).
    """
    text = unicodedata.normalize("NFC", text)
    enumerators = [(m.start(), m.end()) for m in _ENUMERATOR_RE.finditer(text)]
    targets: list[Target] = []
    sticky_about_until = -1  # end of a "khoảng: a, b, c" list
    pos = 0
    while match := _QUANTITY_RE.search(text, pos):
        start, end = match.start(), match.end()
        pos = end
        if any(lo <= start < hi for lo, hi in enumerators):
            continue
        code_tail = _CODE_TAIL_RE.match(text, end)
        if code_tail and match["b"] is None:
            pos = code_tail.end()
            continue
        low = _to_value(match["a"])
        high = _to_value(match["b"]) if match["b"] is not None else low
        if low is None or high is None or low > high:
            continue
        prefix = text[max(0, start - _PREFIX_WINDOW) : start]
        if _is_context_skip(prefix, low):
            continue

        percent = _PERCENT_RE.match(text, end)
        if percent:
            unit, certain, unit_end = "%", True, percent.end()
        else:
            found = _unit_at(text, end)
            if found is None:
                continue  # "Chương trình 1956," or a figure glued to an unknown word
            unit, certain, unit_end = found
        if unit in TIME_WORDS:
            pos = unit_end
            continue
        per, quantity_end = _per_at(text, unit_end)
        pos = quantity_end
        if unit == "%" and per in TIME_WORDS:
            unit = f"%/{per}"

        qualifier_match = _QUALIFIER_RE.search(prefix)
        quantity_start = start
        if qualifier_match:
            quantity_start = start - (len(prefix) - qualifier_match.start())
            word = " ".join(qualifier_match["word"].lower().split())
            qualifier = _QUALIFIER_WORDS[word]
            if qualifier == "about" and qualifier_match["colon"]:
                list_end = _LIST_END_RE.search(text, quantity_end)
                sticky_about_until = list_end.start() if list_end else len(text)
            if word == "từ" and match["b"] is None and _CHANGE_RE.match(text, quantity_end):
                qualifier = "exact"
            lead_prefix = prefix[: qualifier_match.start()]
        else:
            qualifier = "about" if start < sticky_about_until else "exact"
            lead_prefix = prefix
        if per is None:
            per = _per_from_lead(lead_prefix)

        if match["b"] is not None and qualifier != "about":
            qualifier = "range"
        bounds: dict[str, tuple[float | None, float | None]] = {
            "at_least": (low, None),
            "at_most": (None, high),
            "nearly": (None, high),
        }
        minimum, maximum = bounds.get(qualifier, (low, high))
        targets.append(
            Target(
                quantity_text=text[quantity_start:quantity_end],
                unit=unit,
                min=minimum,
                max=maximum,
                qualifier=qualifier,
                certain=certain,
                per=per,
            )
        )
    return targets


_SYMBOLS: dict[str, str] = {"at_least": "≥ ", "at_most": "≤ ", "about": "≈ ", "nearly": "≲ "}


def _shown(value: float, lang: str) -> str:
    # As many decimals as the figure has (31,67 stays 31,67), at most three.
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    decimals = min(3, max(0, -exponent)) if isinstance(exponent, int) else 0
    return format_number(value, decimals, lang)


def target_summary(t: Target, lang: str = "vi") -> str:
    """Compact display: "150–200 sản phẩm", "≥ 10.000 lượt doanh nghiệp", "≈ 8.000 lượt cán bộ"."""
    shown = [_shown(bound, lang) for bound in (t.min, t.max) if bound is not None]
    if not shown:
        raise ValueError(f"target without bounds: {t!r}")
    figures = "–".join(dict.fromkeys(shown))  # one figure when min == max
    gap = "" if t.unit.startswith("%") else " "  # "80%", but "300 lớp"
    summary = f"{_SYMBOLS.get(t.qualifier, '')}{figures}{gap}{t.unit}"
    if t.per and not t.unit.endswith(f"/{t.per}"):
        summary += f"/{t.per}"
    return summary
