"""Viet Nam's provinces before and since 1/7/2025, from the maintained package vietnamadminunits.

Since 1 July 2025 (Nghị quyết 202/2025/QH15) the country has 34 provinces and cities instead of
63: 11 kept their boundaries, 52 were merged into 23. The names, codes and the 63 → 34 mapping
come from `vietnamadminunits` (pinned in requirements.txt), never typed here: its 63-province
table, its 34-province table and its converter of old addresses to new ones. Every province name
in use before or since 1/7/2025 is one row of `provinces`; every name of the 34 is also one of
the 63 (the merged provinces took the name of one of their members), so 63 rows in all.

A name written in a document or an import ("TP. Hồ Chí Minh", "Thừa Thiên Huế", "Ha Noi") is
matched to its reference name, or refused with the closest names suggested.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.metadata import version
from typing import Any

PACKAGE = "vietnamadminunits"
# The day the 34 provinces began (Nghị quyết 202/2025/QH15): a programme whose period starts
# on or after it is a new province's; one that starts before is an old province's.
MERGER_DATE = date(2025, 7, 1)
STATUSES = ("unchanged", "new_2025", "merged_2025")


@dataclass(frozen=True)
class Province:
    """One province name of the reference: what it is since 1/7/2025 and what it was before."""

    province: str  # the short name, as the package writes it ("Hồ Chí Minh", "Huế")
    name_full: str  # "Thành phố Hồ Chí Minh"
    code: str  # the code of the unit this name means today (the new code for the 34)
    code_before: str  # its code among the 63 before 1/7/2025
    status: str  # unchanged | new_2025 | merged_2025
    successor: str  # the province it belongs to since 1/7/2025 (itself for the 34)
    successor_code: str


@dataclass(frozen=True)
class ProvinceMatch:
    """A name as written, read as a reference province (or not)."""

    written: str
    province: Province | None
    exact: bool  # written exactly as the reference name
    suggestions: tuple[str, ...] = ()  # the closest reference names when nothing matched


def source() -> str:
    """Where the reference comes from, for citations: 'vietnamadminunits 1.0.4'."""
    return f"{PACKAGE} {version(PACKAGE)}"


def _key(text: str) -> str:
    """The package's key form of a name: lower-case ASCII letters only ('Hà Nội' -> 'hanoi')."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z]", "", text)


# Words a document puts before a province's name: "Tỉnh", "Thành phố", "TP." (folded).
_PREFIX = re.compile(r"^(?:tinh|thanhpho|tp)")


# The Vietnamese alphabet: ă, â, đ, ê, ô, ơ, ư are letters of their own; tone marks only break
# ties (as ICU's `vi` collation the queries use: "Đà Nẵng" after "Cần Thơ", not after "Yên Bái").
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # grave, hook, tilde, acute, dot


def vietnamese_key(name: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A sort key putting names in Vietnamese alphabetical order."""
    primary: list[int] = []
    secondary: list[int] = []
    for char in str(name):
        base, *marks = unicodedata.normalize("NFD", char.lower())
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        tone = "".join(m for m in marks if m not in _LETTER_MARKS)
        primary.append(_ALPHABET.index(letter) if letter in _ALPHABET else -1 - (base == " "))
        secondary.append(_TONES.index(tone) if tone in _TONES else len(_TONES))
    return tuple(primary), tuple(secondary)


@lru_cache(maxsize=1)
def reference() -> tuple[Province, ...]:
    """The 63 province names, in the order of their code before 1/7/2025."""
    # Imported here: the package reads its datasets on import (about a second), which only a
    # build or an import needs, never a page.
    from vietnamadminunits import convert_address
    from vietnamadminunits.database import get_data

    fields = ["province", "provinceShort", "provinceCode"]
    old = get_data(fields, "admin_units_legacy")
    new = {r["provinceShort"]: r for r in get_data(fields, "admin_units")}
    successor = {r["provinceShort"]: convert_address(r["province"]).short_province for r in old}
    members: dict[str, list[str]] = {}
    for name, after in successor.items():
        members.setdefault(after, []).append(name)
    rows = []
    for r in sorted(old, key=lambda r: r["provinceCode"]):
        name = r["provinceShort"]
        after = successor[name]
        if name in new:
            status = "unchanged" if len(members[name]) == 1 else "new_2025"
        else:
            status = "merged_2025"
        rows.append(
            Province(
                province=name,
                name_full=new[name]["province"] if name in new else r["province"],
                code=new[name]["provinceCode"] if name in new else r["provinceCode"],
                code_before=r["provinceCode"],
                status=status,
                successor=after,
                successor_code=new[after]["provinceCode"],
            )
        )
    return tuple(rows)


def rows() -> list[dict[str, Any]]:
    """The `provinces` table: one row per name, with the package and version it comes from."""
    cited = source()
    return [
        {
            **p.__dict__,
            "changed_on": None if p.status == "unchanged" else MERGER_DATE,
            "source": cited,
        }
        for p in reference()
    ]


@lru_cache(maxsize=1)
def _keywords() -> dict[str, str]:
    """Every key form the package knows for a name (full, short, aliases) -> reference name."""
    import json

    from vietnamadminunits.database import get_data

    names = {p.province for p in reference()}
    keys: dict[str, str] = {}
    for r in get_data(["provinceShort", "provinceKeywords"], "admin_units_legacy"):
        if r["provinceShort"] in names:
            for word in json.loads(r["provinceKeywords"] or "[]"):
                keys.setdefault(word, r["provinceShort"])
    return keys


def by_name() -> dict[str, Province]:
    """Reference name -> province."""
    return {p.province: p for p in reference()}


def match(written: str) -> ProvinceMatch:
    """Read a province name as written: exact, a known variant, or none with suggestions."""
    text = str(written or "").strip()
    known = by_name()
    if text in known:
        return ProvinceMatch(text, known[text], exact=True)
    key = _key(text)
    keywords = _keywords()
    name = keywords.get(key) or keywords.get(_PREFIX.sub("", key))
    if name is None and key:
        name = _parsed(text, key)
    if name is not None:
        return ProvinceMatch(text, known[name], exact=False)
    return ProvinceMatch(text, None, exact=False, suggestions=closest(text))


def _parsed(text: str, key: str) -> str | None:
    """The package's own address parser, for variants its keywords do not list ('Thừa Thiên
    Huế'); kept only when the name it finds is written in the text (no guess from a fragment)."""
    from vietnamadminunits import parse_address

    try:
        unit = parse_address(text, mode="LEGACY", level=1)
    except Exception:  # the parser raises on text it cannot split; that is "no match"
        return None
    name = unit.short_province
    if name and _key(name) in key and name in by_name():
        return name
    return None


def closest(written: str, n: int = 3) -> tuple[str, ...]:
    """The reference names nearest to a name as written (by their key forms)."""
    key = _PREFIX.sub("", _key(written))
    names = {_key(p.province): p.province for p in reference()}
    near = difflib.get_close_matches(key, list(names), n=n, cutoff=0.5)
    return tuple(names[k] for k in near)


def starts_after_merger(period_start: int) -> bool:
    """A period starting in `period_start` begins after 1/7/2025 (so names one of the 34)."""
    return date(int(period_start), 1, 1) >= MERGER_DATE
