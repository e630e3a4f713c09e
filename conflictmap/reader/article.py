"""A report as the reader takes it: text, title, date and publisher, from text or HTML.

HTML pages go through trafilatura, which keeps the article body and drops menus,
footers and comments, and reads the title, date and site name from the metadata.
Input that is not a report is refused with :class:`ArticleError` and a message a
person can act on: empty text, binary files, text too large to be one article, a page
with no article in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_BYTES = 1_000_000  # far above any news article; 10 MB of text is refused
MIN_ARTICLE_CHARS = 80


class ArticleError(ValueError):
    """Input that cannot be read as a report; the message says why."""


@dataclass(frozen=True)
class Article:
    """The text of a report and what is known about its source."""

    text: str
    title: str = ""
    published: date | None = None
    publisher: str = ""
    url: str = ""
    name: str = ""

    def source(self) -> dict:
        """Source fields for ledger records."""
        return {
            "publisher": self.publisher,
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else "",
        }


def decode(data: bytes, name: str = "input") -> str:
    """Text from bytes: UTF-8 (or a detected encoding); binary data is refused."""
    if not data or not data.strip():
        raise ArticleError(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise ArticleError(
            f"{name} is {len(data):,} bytes; a report must be under "
            f"{MAX_BYTES:,} bytes (is it a whole archive rather than one article?)"
        )
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{name} is a binary file, not text or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ArticleError(f"{name} is not readable text (unknown encoding)") from None
        text = str(best)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 8192):
        raise ArticleError(f"{name} is a binary file, not text or HTML")
    return text


def check_text(text: str, name: str = "the text") -> str:
    """The text itself when it can be a report; ArticleError otherwise."""
    if text is None or not text.strip():
        raise ArticleError(f"{name} is empty: paste or upload a news report")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ArticleError(
            f"{name} is {len(text):,} characters; a report must be under {MAX_BYTES:,} bytes"
        )
    if "\x00" in text:
        raise ArticleError(f"{name} contains binary data")
    return text


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML page rather than plain text."""
    head = text[:2000].lower()
    return bool(re.search(r"<!doctype html|<html[\s>]|<body[\s>]|<article[\s>]|<p[\s>]", head))


def from_html(html: str, url: str = "", name: str = "the page") -> Article:
    """The article in an HTML page (trafilatura); ArticleError when there is none."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=False
    )
    data = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    text = (data.get("text") or "").strip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise ArticleError(
            f"{name} has no article text (is it a front page, a search page or a login wall?)"
        )
    published = None
    if data.get("date"):
        try:
            published = date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            published = None
    return Article(
        text=text,
        title=(data.get("title") or "").strip(),
        published=published,
        publisher=(data.get("sitename") or data.get("hostname") or "").strip(),
        url=url or (data.get("url") or ""),
        name=name,
    )


# "By Andrew Osborn", "Reporting by ...": a byline, never the title.
BYLINE = re.compile(r"\s*(?:by|reporting by|written by|editing by)\s+\S", re.I)


def from_text(text: str, name: str = "the text") -> Article:
    """A plain-text report; its first line that looks like a title becomes the title."""
    text = check_text(text, name)
    if looks_like_html(text):
        return from_html(text, name=name)
    url_line = re.search(r"^\s*(?:url:\s*)?<?(https?://\S+?)>?\s*$", text, re.M | re.I)
    first = next(
        (
            ln.strip(" #*\t")
            for ln in text.splitlines()
            if ln.strip()
            and "://" not in ln
            and not re.match(r"\s*\w+:", ln)
            and not BYLINE.match(ln)
        ),
        "",
    )
    title = first if 0 < len(first) <= 160 and not first.endswith(".") else ""
    return Article(text=text, title=title, url=url_line.group(1) if url_line else "", name=name)


def from_file(name: str, data: bytes) -> Article:
    """A report from an uploaded or local file (.txt, .html, .htm)."""
    text = decode(data, name)
    if name.lower().endswith((".html", ".htm")) or looks_like_html(text):
        return from_html(text, name=name)
    return from_text(text, name)
