"""Every user-facing text: one translation function over the gettext catalogues in locale/.

The catalogues are `locale/<lang>/LC_MESSAGES/messages.po`, Vietnamese (the default) and
English, managed with Babel's own tools (ARCHITECTURE.md, "Words and numbers"). A message id
names its place, not its wording ("overview.title", "data.not_number"), so a wording can change
in one language without touching the code or the other catalogue. Placeholders are Python's
`{name}` fields, filled by `t(...)`.

The `.po` files are compiled in memory the first time a language is used (no `.mo` file to
keep in step with its source); `pybabel compile -d locale` gives the same result on disk.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from plans import settings

LANGS: tuple[str, ...] = ("vi", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
# Under the tests a message id missing from the catalogues raises instead of showing the id.
STRICT = os.environ.get("PLANS_STRICT_MESSAGES") == "1"


def catalogue_path(lang: str) -> Path:
    """The `.po` file of one language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGS))
def _translations(lang: str) -> gettext.GNUTranslations:
    with catalogue_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def N_(key: str) -> str:  # noqa: N802 - gettext's conventional name for a marker
    """Mark a message id chosen at run time (from a table of ids), so extraction finds it."""
    return key


def t(key: str, lang: str | None = None, /, **fields: object) -> str:
    """Message `key` in `lang` (default from settings), with its `{fields}` filled in.

    A key missing from the chosen catalogue falls back to the Vietnamese one, then to the key
    itself (tests/test_catalogues.py keeps both catalogues complete, so neither happens; under
    PLANS_STRICT_MESSAGES=1 a missing key raises KeyError).
    """
    chosen = lang or settings.LANG
    text = _translations(chosen if chosen in LANGS else "vi").gettext(key)
    if text == key and chosen != "vi":
        text = _translations("vi").gettext(key)
    if text == key and STRICT:
        raise KeyError(f"message {key!r} is in no catalogue")
    return text.format(**fields) if fields else text
