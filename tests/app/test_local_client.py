"""Which connections count as the machine itself (ui.auth.is_local_client): only a
loopback peer asking for a loopback host name, with no proxy in between."""

from __future__ import annotations

import pytest

from ui.auth import is_local_client


@pytest.mark.parametrize(
    "headers, ip, local",
    [
        ({"Host": "127.0.0.1:8501"}, None, True),
        ({"Host": "localhost:8501"}, None, True),
        ({"host": "LOCALHOST"}, None, True),
        ({"Host": "[::1]:8501"}, None, True),
        ({"Host": "127.0.0.2:8501"}, "127.0.0.2", True),
        ({"Host": "127.0.0.1:8501"}, "192.168.1.20", False),
        ({"Host": "127.0.0.1:8501"}, "10.0.0.5", False),
        ({"Host": "127.0.0.1:8501"}, "::ffff:8.8.8.8", False),
        ({"Host": "claims.newsroom.example"}, None, False),  # a proxy, or DNS rebinding
        ({"Host": "attacker.example:8501"}, None, False),
        ({"Host": "192.168.1.2:8501"}, None, False),
        ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "203.0.113.9"}, None, False),
        ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "127.0.0.1"}, None, False),
        ({"Host": "localhost", "Forwarded": "for=203.0.113.9"}, None, False),
        ({"Host": "localhost", "X-Real-IP": "203.0.113.9"}, None, False),
        ({"Host": "localhost", "X-Forwarded-Host": "claims.example"}, None, False),
        ({"Host": ""}, None, False),
        ({}, None, False),  # no browser connection (a script run)
        ({"Host": "127.0.0.1"}, "not an address", False),
    ],
)
def test_is_local_client(headers, ip, local):
    assert is_local_client(headers, ip) is local
