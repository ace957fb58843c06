"""Owns making text that did not come from our catalogues inert where it is shown as Markdown."""

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


def markdown_literal(text: str, limit: int = 80) -> str:
    """`text` as Markdown that shows its characters and nothing else, on one line, at most
    `limit` characters (cut with an ellipsis: a name from a URL can be any length)."""
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1] + ELLIPSIS
    escaped = _PUNCTUATION.sub(r"\\\1", flat)
    return _BARE_ADDRESS.sub(lambda m: m.group(0) + WORD_JOINER, escaped)
