"""Owns making text that did not come from our catalogues inert where it is shown: as Markdown
(Streamlit's texts and labels) and as plotly's label markup (titles, ticks, legends, hovers)."""

from __future__ import annotations

import re
import string

# CommonMark lets any ASCII punctuation be escaped with a backslash, and then shows it as
# itself: links, images, emphasis, HTML tags, Streamlit's ":material/…:" and ":red[…]"
# directives and "$" maths all stop there.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Not GFM's bare-address links ("https://…", "www.…", "a@b.c"): Streamlit finds them in the
# text after the escapes are read (seen in Chromium, tests/e2e/test_browser.py). A word joiner
# (U+2060, invisible, no width) after "http(s)", "www" and "@" keeps them from matching.
WORD_JOINER = "\u2060"
_BARE_ADDRESS = re.compile(r"(?i)https?(?=\\:)|www(?=\\\.)|\\@")
_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"


def markdown_literal(text: object, limit: int | None = None) -> str:
    """`text` as Markdown that shows its characters and nothing else, on one line; with `limit`,
    at most that many characters (cut with an ellipsis).

    Names from an import are shown whole (no limit): a programme's title or a task's name is
    how a reader tells it from the next, and the import already bounds a cell's size. A name
    from a URL can be any length, so the sidebar notice passes a limit.
    """
    flat = _SPACE.sub(" ", str(text)).strip()
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + ELLIPSIS
    escaped = _PUNCTUATION.sub(r"\\\1", flat)
    return _BARE_ADDRESS.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


# plotly.js reads its label texts (titles, axis titles and ticks, legend entries, annotations,
# hover texts) as a small HTML: <a href>, <span style>, <b>, <i>, <br>, <sup>, <sub> and
# entities. With "&", "<" and ">" written as entities no tag can open; plotly turns the three
# entities back into their characters as text (svg_text_utils' convertEntities, once), so a
# reader sees exactly what was written.
_PLOTLY = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_literal(text: str) -> str:
    """`text` as a plotly label that shows its characters and nothing else (no tag, no entity).

    Escape data before adding markup of our own (plans.charts.base.wrap's `<br>`), never after.
    """
    return str(text).translate(_PLOTLY)
