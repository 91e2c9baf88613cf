"""Outbound HTTP to addresses chosen by administrators, safe against SSRF.

:func:`check_target` refuses URLs that are not http(s), not https when https is required
(production), carry credentials, or whose host resolves to a private, loopback, link-local,
multicast, reserved or unspecified address (unless private targets are allowed, for
development only). :func:`post` then connects to the very address that was checked (the IP is
pinned: a DNS answer that changes between the check and the connection cannot redirect the
call), sends the request with connect and read timeouts, never follows redirects, and reads at
most a few kilobytes of the answer.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

MAX_REPLY_BYTES = 16 * 1024


class TargetRefused(ValueError):
    """The URL may not be called; ``reason`` is a stable code (``scheme``, ``private``…)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    address: str


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself; ``localhost`` and
    ``*.localhost`` are loopback without asking the resolver, RFC 6761 §6.3)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return ["127.0.0.1", "::1"]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused("unresolvable") from exc
    return sorted({info[4][0] for info in infos})


def check_target(url: str, *, allow_private: bool, require_https: bool) -> Target:
    """The checked target of ``url``; raises :class:`TargetRefused`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused("malformed") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused("scheme")
    if require_https and scheme != "https":
        raise TargetRefused("https-required")
    if parts.username or parts.password:
        raise TargetRefused("credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused("malformed")
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise TargetRefused("unresolvable")
    if not allow_private and any(_forbidden(ipaddress.ip_address(a)) for a in addresses):
        # Every address must be public: a name answering both a public and a private address
        # would let the connection pick the private one.
        raise TargetRefused("private")
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])


class _PinnedAdapter(HTTPAdapter):
    """Connects to an IP literal but verifies TLS (SNI and certificate) for the host name."""

    def __init__(self, hostname: str, **kwargs):
        self._hostname = hostname
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        pool_kwargs["server_hostname"] = self._hostname
        pool_kwargs["assert_hostname"] = self._hostname
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)


@dataclass(frozen=True)
class Reply:
    status_code: int | None
    body: bytes
    error: str | None
    duration_ms: int


def post(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    read_timeout: float,
    verify: bool | str = True,
) -> Reply:
    """POST ``body`` to the checked ``target``; network failures become ``Reply.error``.
    ``verify`` is the CA bundle for TLS (the system's by default)."""
    parts = urlsplit(target.url)
    ip = ipaddress.ip_address(target.address)
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    default_port = 443 if target.scheme == "https" else 80
    netloc = literal if target.port == default_port else f"{literal}:{target.port}"
    pinned_url = urlunsplit((target.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    started = time.monotonic()
    with requests.Session() as session:
        session.trust_env = False  # no proxies from the environment
        if target.scheme == "https":
            session.mount("https://", _PinnedAdapter(target.host))
        try:
            response = session.post(
                pinned_url,
                data=body,
                headers={**headers, "Host": host_header},
                timeout=(connect_timeout, read_timeout),
                allow_redirects=False,
                stream=True,
                verify=verify,
            )
            content = response.raw.read(MAX_REPLY_BYTES, decode_content=True) or b""
            response.close()
        except requests.Timeout:
            return Reply(None, b"", "timeout", _ms(started))
        except requests.RequestException as exc:
            return Reply(None, b"", f"connection: {type(exc).__name__}", _ms(started))
    error = None
    if 300 <= response.status_code < 400:
        error = "redirect-refused"
    elif response.status_code >= 400:
        error = f"http-{response.status_code}"
    return Reply(response.status_code, content, error, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
