"""Fetch a web page for the reader, safely: a visitor gives the URL, the server fetches it.

- only ``http`` and ``https``, on the first request and on every redirect;
- only public addresses (see :mod:`conflictmap.reader.addresses`): each host is
  resolved once, every address it resolves to is vetted, and the connection goes to
  the vetted address, on every hop;
- at most :data:`MAX_REDIRECTS` redirects, :data:`MAX_BYTES` of body, and
  :data:`TIMEOUT_S` seconds in all (a server that sends one byte at a time is cut
  off when the time is up, not when one read waits too long);
- every failure is a :class:`FetchError` whose message says what went wrong.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .addresses import AddressRefused, Target, resolve

TIMEOUT_S = 15.0
MAX_BYTES = 3_000_000
MAX_REDIRECTS = 5
USER_AGENT = "conflictmap-reader/1.0"
REDIRECTS = (301, 302, 303, 307, 308)


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
    try:
        parsed = urlsplit(url)
        host, _port = parsed.hostname, parsed.port
    except ValueError:
        raise FetchError(f"{url!r} is not a web address (its host or port is malformed)") from None
    if parsed.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url!r} is not a web address (it must start with http:// or https://)")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise FetchError(f"{url!r} is not a web address (it holds spaces or control characters)")
    return url


class _Deadline:
    """The time left for the whole fetch; when it is up, the open socket is shut down,
    which ends any read in progress."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            self.expired = True
            raise TimeoutError
        return left

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired and sock is not None:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                self._shut(self._sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            # the plain socket's shutdown, also for a TLS socket: it only ends the reads
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


class _Connection(http.client.HTTPConnection):
    """An HTTP(S) connection to a vetted address, whatever the name resolves to later."""

    def __init__(self, target: Target, tls: bool, deadline: _Deadline):
        super().__init__(target.host, target.port, timeout=deadline.left())
        self.target, self.tls, self.deadline = target, tls, deadline

    def connect(self) -> None:
        sock = socket.socket(self.target.family, socket.SOCK_STREAM)
        self.deadline.watch(sock)
        sock.settimeout(self.deadline.left())
        sock.connect((self.target.address, self.target.port))
        if self.tls:
            context = ssl.create_default_context()
            sock = context.wrap_socket(
                sock, server_hostname=self.target.host, do_handshake_on_connect=False
            )
            self.deadline.watch(sock)
            sock.do_handshake()
        self.sock = sock


def _resolve_within(host: str, port: int, deadline: _Deadline) -> Target:
    """:func:`resolve`, given no longer than the time left."""
    found: dict = {}

    def work():
        try:
            found["target"] = resolve(host, port)
        except Exception as exc:  # handed to the caller below
            found["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(deadline.left())
    if worker.is_alive():
        raise TimeoutError
    if "error" in found:
        raise found["error"]
    return found["target"]


def _read_body(resp: http.client.HTTPResponse, url: str, max_bytes: int, deadline) -> bytes:
    length = resp.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError(f"{url} is {int(length):,} bytes; the limit is {max_bytes:,}")
    chunks, size = [], 0
    while True:
        deadline.left()
        chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
        if deadline.expired:
            raise TimeoutError
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} is larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    if resp.length:  # fewer bytes than its Content-Length said
        raise http.client.IncompleteRead(b"".join(chunks), resp.length)
    return b"".join(chunks)


def _get(url: str, deadline: _Deadline, max_bytes: int):
    """One request: (status, location, content type, body) for ``url``."""
    parts = urlsplit(url)
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    target = _resolve_within(parts.hostname, port, deadline)
    conn = _Connection(target, tls, deadline)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,text/plain;q=0.9",
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
        )
        resp = conn.getresponse()
        if deadline.expired:
            raise TimeoutError
        status = resp.status
        if status in REDIRECTS:
            return status, resp.getheader("Location"), "", b""
        if status >= 400 or status < 200:
            raise FetchError(f"{url} answered {status} {resp.reason}".rstrip())
        ctype = resp.getheader("Content-Type", "") or ""
        if ctype and not ctype.lower().startswith(("text/", "application/xhtml")):
            raise FetchError(f"{url} is {ctype.split(';')[0]}, not a web page")
        return status, None, ctype, _read_body(resp, url, max_bytes, deadline)
    finally:
        conn.close()


def _fetch(url: str, deadline: _Deadline, max_bytes: int, max_redirects: int) -> Page:
    current = url
    for _hop in range(max_redirects + 1):
        try:
            status, location, ctype, body = _get(current, deadline, max_bytes)
        except AddressRefused as exc:
            where = "" if current == url else f" (redirected to {current})"
            raise FetchError(f"{url}{where} is refused: {exc}") from None
        if location is None and status not in REDIRECTS:
            return Page(current, ctype, body)
        if not location:
            raise FetchError(f"{current} answered {status} without saying where to go")
        try:
            following = urljoin(current, location.strip())
            check_url(following)
        except (ValueError, FetchError):
            following = location.strip()
            raise FetchError(
                f"{current} redirects to {following!r}, which is not an http(s) address"
            ) from None
        current = following
    raise FetchError(f"{url} redirects more than {max_redirects} times")


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Page:
    """GET ``url`` within ``timeout`` seconds in all; FetchError for anything that fails
    (a refused or unreachable address, an error status, a broken answer, a huge page)."""
    url = check_url(url)
    deadline = _Deadline(timeout)
    try:
        return _fetch(url, deadline, max_bytes, max_redirects)
    except FetchError:
        raise
    except (http.client.HTTPException, OSError) as exc:  # TimeoutError is an OSError
        late = deadline.expired or isinstance(exc, TimeoutError)
        raise FetchError(f"{url} {_failure(exc, late, timeout)}") from None
    finally:
        deadline.cancel()


def _failure(exc: Exception, late: bool, timeout: float) -> str:
    """What went wrong, for people (the time running out explains any broken read)."""
    if late:
        return f"did not answer in full within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return "cannot be reached (its name does not resolve)"
    if isinstance(exc, ssl.SSLError):
        return f"cannot be reached securely ({exc.reason or exc})"
    if isinstance(exc, http.client.LineTooLong):
        return "sent an HTTP line that is too long"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed the connection without answering"
    if isinstance(exc, http.client.BadStatusLine):
        return "did not answer with HTTP"
    if isinstance(exc, http.client.IncompleteRead):
        return "ended its answer early"
    if isinstance(exc, http.client.HTTPException):
        return f"sent a broken HTTP answer ({exc})"
    return f"cannot be reached ({getattr(exc, 'strerror', None) or exc})"


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
