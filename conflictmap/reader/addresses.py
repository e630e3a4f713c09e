"""Which addresses a server-side fetch may reach: public ones only.

A report's URL comes from a visitor, so the server must not become the visitor's way
into this machine or its network. A host name is resolved once; every address it
resolves to must be public (not loopback, private, link-local, multicast, reserved,
unspecified, shared or a cloud-metadata address, nor an IPv6 form wrapping one), and
the fetch then connects to the vetted address itself, so a name cannot change its
answer between the check and the connection. Numeric spellings that resolvers read
as addresses (``127.1``, ``2130706433``, ``0x7f.1``) and ``localhost`` names are
refused by name.

``CONFLICTMAP_FETCH_ALLOW_HOSTS`` names intranet hosts (comma-separated host names or
addresses, matched exactly, case-insensitively) that may be fetched anyway.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass

ALLOW_ENV = "CONFLICTMAP_FETCH_ALLOW_HOSTS"

# Cloud metadata services answer on these (some also on link-local or private
# addresses, which are refused anyway).
METADATA_ADDRESSES = {
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
}
METADATA_NAMES = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data"}
# 100.64.0.0/10 (carrier-grade NAT) and NAT64, whose embedded IPv4 address is checked.
SHARED = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]*))*$", re.IGNORECASE)
_DOTTED_QUAD = re.compile(
    r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$"
)


class AddressRefused(ValueError):
    """The host may not be fetched from this server; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where to connect: the host as named (for TLS and the Host header), the vetted
    address and the port."""

    host: str
    address: str
    port: int
    family: int


def allowed_hosts() -> set[str]:
    """The intranet hosts ``CONFLICTMAP_FETCH_ALLOW_HOSTS`` allows, normalised."""
    raw = os.environ.get(ALLOW_ENV, "")
    return {_normal(h) for h in raw.split(",") if h.strip()}


def _normal(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.rstrip(".")


def refusal(address: str) -> str | None:
    """Why ``address`` (an IP address) may not be fetched, or None when it is public.

    >>> refusal("93.184.215.14") is None
    True
    >>> refusal("::ffff:127.0.0.1")
    'a loopback address (127.0.0.1)'
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            why = refusal(str(inner))
            return None if why is None else f"{why.split(' (')[0]} ({inner})"
    checks = (
        (ip in METADATA_ADDRESSES, "a cloud metadata address"),
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.version == 4 and ip in SHARED, "a shared (carrier-grade NAT) address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    )
    for hit, why in checks:
        if hit:
            return f"{why} ({ip})"
    return None


def _literal(host: str):
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def check_host(host: str) -> None:
    """Refuse a host by its name alone: localhost, metadata names, odd numeric forms."""
    name = _normal(host)
    if name in allowed_hosts():
        return
    if not name:
        raise AddressRefused("the address has no host")
    if name == "localhost" or name.endswith(".localhost") or name.startswith("localhost."):
        raise AddressRefused(f"{host!r} is this machine (localhost)")
    if name in METADATA_NAMES:
        raise AddressRefused(f"{host!r} is a cloud metadata service")
    literal = _literal(name)
    if literal is None and _NUMERIC.match(name) and not _DOTTED_QUAD.match(name):
        raise AddressRefused(f"{host!r} is an unusual spelling of a numeric address")
    if literal is not None:
        why = refusal(str(literal))
        if why:
            raise AddressRefused(f"{host!r} is {why}")


def resolve(host: str, port: int) -> Target:
    """The address to connect to for ``host``: resolved once, every answer vetted.

    Raises :class:`AddressRefused` when the name or any address it resolves to may not
    be fetched (unless the host is allowed), and OSError when it does not resolve.
    """
    check_host(host)
    name = _normal(host)
    allowed = name in allowed_hosts()
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    if not infos:
        raise OSError(f"{host} does not resolve")
    if not allowed:
        for _family, _type, _proto, _canon, sockaddr in infos:
            why = refusal(sockaddr[0])
            if why:
                raise AddressRefused(f"{host!r} resolves to {why}")
    family, _type, _proto, _canon, sockaddr = infos[0]
    return Target(name, sockaddr[0], port, family)
