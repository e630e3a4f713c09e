"""Text from reports, files and visitors shown in Streamlit's Markdown as typed."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """``text`` with every Markdown character escaped: shown as typed, never as markup
    (no links, images, emphasis or HTML).

    >>> print(plain("[x](javascript:1) *b*"))
    \\[x\\]\\(javascript\\:1\\) \\*b\\*
    """
    return _MARKDOWN.sub(r"\\\1", text or "")
