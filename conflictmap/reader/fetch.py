"""Fetch a web page for the reader: http(s) only, with a timeout and a size limit."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

TIMEOUT_S = 10.0
MAX_BYTES = 3_000_000
USER_AGENT = "conflictmap-reader/1.0"


class FetchError(ValueError):
    """The page could not be fetched; the message says why."""


@dataclass(frozen=True)
class Page:
    """A fetched page: where it ended up, its type and its body."""

    url: str
    content_type: str
    body: bytes

    def text(self) -> str:
        """The body decoded with the charset the server named (UTF-8 by default)."""
        charset = "utf-8"
        for piece in self.content_type.split(";"):
            if piece.strip().lower().startswith("charset="):
                charset = piece.split("=", 1)[1].strip() or charset
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def check_url(url: str) -> str:
    """The URL, stripped, when it is an http(s) URL with a host; FetchError otherwise."""
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise FetchError(f"{url!r} is not a web address (it must start with http:// or https://)")
    return url


def fetch(url: str, *, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> Page:
    """GET ``url``; FetchError for a bad address, no answer, an error status or a huge page."""
    url = check_url(url)
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            ctype = resp.headers.get("Content-Type", "")
            if ctype and not ctype.lower().startswith(("text/", "application/xhtml")):
                raise FetchError(f"{url} is {ctype.split(';')[0]}, not a web page")
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{url} is {int(length):,} bytes; the limit is {max_bytes:,}")
            body = resp.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than {max_bytes:,} bytes")
            return Page(resp.geturl(), ctype, body)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"{url} did not answer within {timeout:g} s") from None
        raise FetchError(f"{url} cannot be reached ({reason})") from None
    except TimeoutError:
        raise FetchError(f"{url} did not answer within {timeout:g} s") from None
    except (ConnectionError, OSError) as exc:
        raise FetchError(f"{url} cannot be reached ({exc})") from None


def fetch_article(url: str, **kwargs):
    """Fetch ``url`` and read its article (see :func:`conflictmap.reader.article.from_html`)."""
    from .article import ArticleError, from_html, from_text

    page = fetch(url, **kwargs)
    text = page.text()
    if "html" in page.content_type.lower() or "<html" in text[:2000].lower():
        return from_html(text, url=page.url, name=page.url)
    try:
        return from_text(text, page.url)
    except ArticleError:
        raise
