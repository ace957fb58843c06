"""The translation catalogues: complete in both languages, same placeholders, nothing unused."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from plans import messages

ROOT = Path(__file__).resolve().parent.parent
# The functions whose argument is a message id, and which argument (as babel.cfg's command).
KEYWORDS = {"t": (1,), "N_": (1,), "_problem": (4,), "_err": (4,)}
PY = [*ROOT.joinpath("plans").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py")]
CODE = [*sorted(PY), ROOT / "dashboard.py"]
# A message id passed on from a variable: each possible value is marked where it is chosen
# (N_ or a literal id), so extraction still finds it.
PASSED_ON = {"self.key", "key", "tags[p.severity]"}


def _catalogue(lang: str):
    with messages.catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _used() -> set[str]:
    found = extract_from_dir(
        str(ROOT),
        method_map=[
            ("plans/**.py", "python"),
            ("pages/**.py", "python"),
            ("dashboard.py", "python"),
        ],
        keywords=KEYWORDS,
    )
    return {message for _file, _line, message, _comments, _context in found}


def _fields(text: str) -> set[str]:
    """The placeholders; `{error_vi}` and `{error_en}` are one field given in each language."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return {name.removesuffix("_vi").removesuffix("_en") for name in names}


CATALOGUES = {lang: _catalogue(lang) for lang in messages.LANGS}
USED = _used()


def test_the_code_uses_messages() -> None:
    assert len(USED) > 50


@pytest.mark.parametrize("lang", messages.LANGS)
def test_every_message_the_code_uses_is_translated(lang: str) -> None:
    catalogue = CATALOGUES[lang]
    missing = sorted(m for m in USED if not (catalogue.get(m) and catalogue.get(m).string))
    assert [] == missing


@pytest.mark.parametrize("lang", messages.LANGS)
def test_no_catalogue_entry_is_unused(lang: str) -> None:
    ids = {m.id for m in CATALOGUES[lang] if m.id}
    assert [] == sorted(ids - USED)
    assert [] == sorted(CATALOGUES[lang].obsolete)


@pytest.mark.parametrize("lang", messages.LANGS)
def test_no_entry_is_fuzzy(lang: str) -> None:
    assert [] == sorted(m.id for m in CATALOGUES[lang] if m.id and m.fuzzy)


def test_both_languages_have_the_same_placeholders() -> None:
    vi, en = CATALOGUES["vi"], CATALOGUES["en"]
    differ = [
        (m.id, sorted(_fields(m.string)), sorted(_fields(en.get(m.id).string)))
        for m in vi
        if m.id and en.get(m.id) and _fields(m.string) != _fields(en.get(m.id).string)
    ]
    assert [] == differ


def test_message_ids_are_literal_where_they_are_written() -> None:
    """A computed id would escape extraction: only the few that pass an id on may be variables."""
    computed = []
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            if name not in KEYWORDS or len(node.args) < KEYWORDS[name][0]:
                continue
            arg = node.args[KEYWORDS[name][0] - 1]
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            if not literal and ast.unparse(arg) not in PASSED_ON:
                computed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(arg)}")
    assert [] == computed


# Dictionaries keyed by language that hold no words: the Babel locale of each language.
NOT_WORDS = {"LOCALES"}


def _inline_translations(path: Path) -> list[int]:
    """Line numbers of dictionaries keyed by language ({"vi": …, "en": …}) in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and any(
            getattr(target, "id", None) in NOT_WORDS
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and id(node) not in exempt:
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"vi", "en"} <= keys:
                lines.append(node.lineno)
    return lines


def test_no_inline_translations_remain() -> None:
    found = {str(p.relative_to(ROOT)): _inline_translations(p) for p in CODE}
    assert {} == {path: lines for path, lines in found.items() if lines}


@pytest.mark.parametrize(
    ("expected", "key", "lang", "fields"),
    [
        ("dòng 7", "import.where_row", "vi", {"row": 7}),
        ("row 7", "import.where_row", "en", {"row": 7}),
        ("Negative amount: '-5'.", "import.negative", "en", {"value": "-5"}),
    ],
)
def test_t_fills_the_fields(expected: str, key: str, lang: str, fields: dict) -> None:
    assert expected == messages.t(key, lang, **fields)


def test_a_missing_message_is_an_error_under_the_tests() -> None:
    # tests/conftest.py sets PLANS_STRICT_MESSAGES: a page asking for an id the catalogues lack
    # fails its test instead of showing the id.
    with pytest.raises(KeyError):
        messages.t("no.such.message", "vi")
