"""Fetching a page: a real HTTP server on 127.0.0.1 serves an article; errors are clear."""

from __future__ import annotations

import http.server
import socket
import threading
from contextlib import contextmanager

import pytest

from conflictmap.reader.fetch import FetchError, check_url, fetch, fetch_article
from tests.reader.test_article import ARTICLE


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/article": (200, "text/html; charset=utf-8", ARTICLE.encode()),
            "/big": (200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>"),
            "/image": (200, "image/png", b"\x89PNG\r\n"),
            "/menu": (200, "text/html", b"<html><body><nav>Home</nav></body></html>"),
        }
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving_articles():
    """A real HTTP server on 127.0.0.1 serving :class:`Handler`'s pages; yields its URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server():
    with serving_articles() as url:
        yield url


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fetches_and_reads_an_article(server):
    a = fetch_article(server + "/article")
    assert a.title == "Russia claims Toretsk" and a.url.endswith("/article")
    assert "Khortytsia" in a.text


@pytest.mark.parametrize(
    "path, kwargs, message",
    [
        ("/missing", {}, "404"),
        ("/big", {"max_bytes": 10_000}, "bytes"),
        ("/image", {}, "not a web page"),
    ],
)
def test_fetch_errors(server, path, kwargs, message):
    with pytest.raises(FetchError, match=message):
        fetch(server + path, **kwargs)


def test_page_without_article_is_refused(server):
    from conflictmap.reader.article import ArticleError

    with pytest.raises(ArticleError, match="no article"):
        fetch_article(server + "/menu")


def test_unreachable_url_is_a_clear_error():
    with pytest.raises(FetchError, match="cannot be reached"):
        fetch(f"http://127.0.0.1:{closed_port()}/x", timeout=2)


@pytest.mark.parametrize("url", ["", "ftp://example.org/a", "file:///etc/passwd", "example.org"])
def test_only_web_addresses(url):
    with pytest.raises(FetchError, match="not a web address"):
        check_url(url)
