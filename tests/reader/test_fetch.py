"""Fetching a page: a real HTTP server on 127.0.0.1 serves an article; errors are clear.

The server runs on loopback, which the fetch refuses unless
``CONFLICTMAP_FETCH_ALLOW_HOSTS`` allows it: the tests that read from it allow
127.0.0.1 (as a newsroom would allow an intranet host), and others show that without
it the very same server is refused. Hostile servers (slow, broken, endless) run on
loopback too, each bounded in time.
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
import time
from contextlib import contextmanager

import pytest

from conflictmap.reader.addresses import ALLOW_ENV, refusal, resolve
from conflictmap.reader.fetch import (
    MAX_BYTES,
    MAX_REDIRECTS,
    TIMEOUT_S,
    FetchError,
    check_url,
    fetch,
    fetch_article,
)
from tests.reader.test_article import ARTICLE


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/hops/"):  # /hops/N redirects N times, then the article
            n = int(self.path.rsplit("/", 1)[1])
            return self.redirect(f"/hops/{n - 1}" if n else "/article")
        redirects = {
            "/to-private": "http://10.0.0.1/article",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-localhost": f"http://localhost:{self.server.server_address[1]}/article",
            "/to-ftp": "ftp://127.0.0.1/article",
            "/to-file": "file:///etc/passwd",
            "/to-nowhere": "",
        }
        if self.path in redirects:
            return self.redirect(redirects[self.path])
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

    def redirect(self, location: str):
        self.send_response(302)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def serving(handler, server_class=http.server.ThreadingHTTPServer):
    """A real server on 127.0.0.1 with ``handler``; yields its URL."""
    server_class.daemon_threads = True
    httpd = server_class(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def serving_articles():
    """A real HTTP server on 127.0.0.1 serving :class:`Handler`'s pages; yields its URL."""
    with serving(Handler) as url:
        yield url


@pytest.fixture(scope="module")
def server():
    with serving_articles() as url:
        yield url


@pytest.fixture
def allow_loopback(monkeypatch):
    """127.0.0.1 allowed, as an intranet host would be."""
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.1")


@pytest.fixture
def no_allow_list(monkeypatch):
    monkeypatch.delenv(ALLOW_ENV, raising=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fetches_and_reads_an_article(server, allow_loopback):
    a = fetch_article(server + "/article")
    assert a.title == "Russia claims Toretsk" and a.url.endswith("/article")
    assert "Khortytsia" in a.text


def test_the_same_server_is_refused_without_the_allow_list(server, no_allow_list):
    with pytest.raises(FetchError, match=r"refused: '127\.0\.0\.1' is a loopback address"):
        fetch(server + "/article")


def test_the_limits():
    assert (TIMEOUT_S, MAX_BYTES, MAX_REDIRECTS) == (15.0, 3_000_000, 5)


@pytest.mark.parametrize(
    "path, kwargs, message",
    [
        ("/missing", {}, "404"),
        ("/big", {"max_bytes": 10_000}, "bytes"),
        ("/image", {}, "not a web page"),
    ],
)
def test_fetch_errors(server, allow_loopback, path, kwargs, message):
    with pytest.raises(FetchError, match=message):
        fetch(server + path, **kwargs)


def test_page_without_article_is_refused(server, allow_loopback):
    from conflictmap.reader.article import ArticleError

    with pytest.raises(ArticleError, match="no article"):
        fetch_article(server + "/menu")


def test_unreachable_url_is_a_clear_error(allow_loopback):
    with pytest.raises(FetchError, match="cannot be reached"):
        fetch(f"http://127.0.0.1:{closed_port()}/x", timeout=2)


@pytest.mark.parametrize(
    "url",
    ["", "ftp://example.org/a", "file:///etc/passwd", "example.org", "gopher://127.0.0.1/"],
)
def test_only_web_addresses(url):
    with pytest.raises(FetchError, match="not a web address"):
        check_url(url)


# -- addresses a visitor must not reach through the server --------------------------------
REFUSED = [
    ("http://127.0.0.1/", "loopback"),
    ("http://127.0.0.2:8501/", "loopback"),
    ("http://localhost/", "localhost"),
    ("http://localhost./", "localhost"),
    ("http://LOCALHOST:8501/", "localhost"),
    ("http://app.localhost/", "localhost"),
    ("http://127.1/", "unusual spelling"),
    ("http://2130706433/", "unusual spelling"),
    ("http://0x7f.1/", "unusual spelling"),
    ("http://0x7f000001/", "unusual spelling"),
    ("http://017700000001/", "unusual spelling"),
    ("http://0177.0.0.1/", "unusual spelling"),
    ("http://0/", "unusual spelling"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:7f00:1]/", "loopback"),
    ("http://[64:ff9b::7f00:1]/", "loopback"),
    ("http://[2002:7f00:1::]/", "loopback"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://[::ffff:192.168.1.1]/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://169.254.170.2/v2/credentials", "metadata"),
    ("http://100.100.100.200/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://169.254.1.1/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://100.64.0.1/", "shared"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),
    ("http://192.0.2.1/", "private"),
    ("http://198.18.0.1/", "private"),
    ("https://127.0.0.1/", "loopback"),
]


@pytest.mark.parametrize("url, why", REFUSED)
def test_addresses_that_are_not_public_are_refused(no_allow_list, url, why):
    started = time.monotonic()
    with pytest.raises(FetchError, match="is refused") as caught:
        fetch(url, timeout=5)
    assert why in str(caught.value)
    assert time.monotonic() - started < 2  # refused before any connection is tried


def test_a_name_is_judged_by_the_addresses_it_resolves_to(no_allow_list):
    name = socket.gethostname()  # this machine's own name
    answers = {info[4][0] for info in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    if all(refusal(a) is None for a in answers):  # a public name: it passes the check
        assert resolve(name, 80).address in answers
    else:
        with pytest.raises(FetchError, match=f"'{name}' resolves to"):
            fetch(f"http://{name}/")


def test_every_address_a_name_resolves_to_is_checked(no_allow_list, monkeypatch):
    """A name answering a public address and a private one is refused, whichever
    comes first (the resolver itself cannot be asked for such a name here)."""
    real = socket.getaddrinfo

    def two_answers(host, port, *args, **kwargs):
        if host != "mixed.test":
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_answers)
    with pytest.raises(
        FetchError, match=r"'mixed.test' resolves to a private address \(10.0.0.5\)"
    ):
        fetch("http://mixed.test/")


@pytest.mark.parametrize("address", ["1.1.1.1", "2606:4700:4700::1111", "93.184.215.14"])
def test_public_addresses_pass(address):
    assert refusal(address) is None


def test_allow_list_names_intranet_hosts(server, monkeypatch):
    monkeypatch.setenv(ALLOW_ENV, "wiki.newsroom.internal, 127.0.0.1")
    assert fetch(server + "/article").body.startswith(b"<")
    monkeypatch.setenv(ALLOW_ENV, "wiki.newsroom.internal")
    with pytest.raises(FetchError, match="loopback"):
        fetch(server + "/article")


# -- redirects: every hop is checked ----------------------------------------------------
@pytest.mark.parametrize(
    "path, message",
    [
        ("/to-private", r"redirected to http://10\.0\.0\.1/article\) is refused: .*private"),
        ("/to-metadata", "metadata"),
        ("/to-localhost", "localhost"),
        ("/to-ftp", "not an http"),
        ("/to-file", "not an http"),
        ("/to-nowhere", "without saying where"),
        (f"/hops/{MAX_REDIRECTS}", f"redirects more than {MAX_REDIRECTS} times"),
    ],
)
def test_redirects_are_checked_at_every_hop(server, allow_loopback, path, message):
    with pytest.raises(FetchError, match=message):
        fetch(server + path)


def test_five_redirects_are_followed(server, allow_loopback):
    page = fetch(server + f"/hops/{MAX_REDIRECTS - 1}")  # 4 hops, then the article
    assert page.url.endswith("/article") and b"Toretsk" in page.body


def test_a_name_is_resolved_once_and_the_vetted_address_is_used(server, monkeypatch):
    """DNS rebinding: a name that answers 127.0.0.1 once and then an address the fetch
    must not reach. The fetch asks once and connects to what it was told."""
    port = int(server.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    asked = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        asked.append(host)
        address = "127.0.0.1" if len(asked) == 1 else "10.255.255.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setenv(ALLOW_ENV, "rebind.test")
    page = fetch(f"http://rebind.test:{port}/article", timeout=5)
    assert b"Toretsk" in page.body and asked == ["rebind.test"]


# -- hostile servers -------------------------------------------------------------------
class Raw(socketserver.BaseRequestHandler):
    """Answers a request with whatever its path asks for, byte by byte if need be."""

    def handle(self):
        sock = self.request
        sock.settimeout(30)
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ")[1].decode()
        ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        try:
            if path == "/drip":  # one byte every 2 s, forever
                for byte in ok + b"Content-Length: 100000\r\n\r\n" + b"x" * 100000:
                    sock.sendall(bytes([byte]))
                    time.sleep(2)
            elif path == "/fast-drip":  # one byte every 0.3 s
                for byte in ok + b"\r\n" + b"x" * 100000:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.3)
            elif path == "/silent":
                time.sleep(30)
            else:
                sock.sendall(RAW_ANSWERS[path])
        except (BrokenPipeError, ConnectionResetError):
            return  # the fetch hung up on this slow server: that is the point


RAW_ANSWERS = {
    "/garbage": b"this is not http\r\n\r\n",
    "/long-line": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "/many-headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 101 + b"\r\n",
    "/hang-up": b"",
    "/endless": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"x" * (MAX_BYTES + 10),
    "/short": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\nabc",
    "/bad-chunks": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
    "/status-999": b"HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n",
    "/status-text": b"HTTP/1.1 abc OK\r\n\r\n",
    "/huge-length": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    b"Content-Length: 99999999999\r\n\r\nabc",
    "/bad-location": b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
}


@pytest.fixture(scope="module")
def raw_server():
    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True

    with serving(Raw, Server) as url:
        yield url


@pytest.mark.parametrize(
    "path, message",
    [
        ("/garbage", "did not answer with HTTP"),
        ("/long-line", "HTTP line that is too long"),
        ("/many-headers", "broken HTTP answer .*more than 100 headers"),
        ("/hang-up", "closed the connection without answering"),
        ("/endless", "larger than 3,000,000 bytes"),
        ("/short", "ended its answer early"),
        ("/bad-chunks", "broken HTTP answer|ended its answer early"),
        ("/status-999", "answered 999"),
        ("/status-text", "did not answer with HTTP"),
        ("/huge-length", "99,999,999,999 bytes; the limit is 3,000,000"),
        ("/bad-location", "not an http"),
        ("/silent", "within 3 s"),
        ("/fast-drip", "within 3 s"),
    ],
)
def test_broken_servers_give_a_message(raw_server, allow_loopback, path, message):
    started = time.monotonic()
    with pytest.raises(FetchError, match=message):
        fetch(raw_server + path, timeout=3)
    assert time.monotonic() - started < 4.5


def test_a_server_sending_a_byte_every_2_s_is_cut_off_at_15_s(raw_server, allow_loopback):
    started = time.monotonic()
    with pytest.raises(FetchError, match="within 15 s"):
        fetch(raw_server + "/drip")
    assert 14.5 < time.monotonic() - started < 16.5
