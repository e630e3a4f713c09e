"""A small OpenID Connect identity provider on loopback, for the st.login browser test.

It speaks the authorization-code flow as a newsroom's provider would: discovery
document, an authorization page with a "Continue as EMAIL" button, a token endpoint
that checks the client's secret and the code, ID tokens signed with RS256 and the
key set to check them. Whoever presses the button is the configured email: it
stands in for the provider's own sign-in, which is not what is under test.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "conflictmap-test"
CLIENT_SECRET = "a client secret for the test provider"


class Provider:
    """State of the provider: its key, the email it vouches for, the codes issued."""

    def __init__(self, email: str):
        self.email = email
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.codes: dict[str, dict] = {}
        self.issuer = ""
        self.tokens_issued = 0

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "user-" + self.email,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "email": self.email,
            "email_verified": True,
            "name": self.email.split("@")[0],
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str, headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, data, status=200):
            self._send(status, json.dumps(data).encode(), "application/json")

        def do_GET(self):
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                return self._json(provider.metadata())
            if url.path == "/jwks":
                return self._json({"keys": [provider.key.as_dict(private=False)]})
            if url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    return self._json({"error": "invalid_request"}, 400)
                back = html.escape(json.dumps(query), quote=True)
                page = (
                    "<!doctype html><title>Test identity provider</title>"
                    "<h1>Test identity provider</h1>"
                    f"<form method=post action=/authorize><input type=hidden name=q value='{back}'>"
                    f"<button>Continue as {html.escape(provider.email)}</button></form>"
                )
                return self._send(200, page.encode(), "text/html; charset=utf-8")
            if url.path == "/userinfo":
                return self._json({"sub": "user-" + provider.email, "email": provider.email})
            return self._json({"error": "not_found"}, 404)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path == "/authorize":
                query = json.loads(form["q"])
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                target = (
                    query["redirect_uri"]
                    + "?"
                    + urlencode({"code": code, "state": query.get("state", "")})
                )
                return self._send(302, b"", "text/plain", [("Location", target)])
            if self.path == "/token":
                client_id, client_secret = form.get("client_id"), form.get("client_secret")
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
                if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json({"error": "invalid_client"}, 401)
                query = provider.codes.pop(form.get("code", ""), None)
                if query is None or query.get("redirect_uri") != form.get("redirect_uri"):
                    return self._json({"error": "invalid_grant"}, 400)
                provider.tokens_issued += 1
                return self._json(
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 600,
                        "id_token": provider.id_token(query.get("nonce")),
                    }
                )
            return self._json({"error": "not_found"}, 404)

    return Handler


@contextmanager
def running_provider(email: str):
    """The provider on a free loopback port, vouching for ``email``; yields it."""
    provider = Provider(email)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
