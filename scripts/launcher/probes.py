"""Readiness probes: a TCP connection plus one real protocol exchange per server kind."""

from __future__ import annotations

import socket
import struct
import urllib.error
import urllib.request

_PROBE_TIMEOUT_S = 1.0
_KAFKA_API_VERSIONS = 18
_PROBE_CORRELATION_ID = 7


def _exchange(port: int, payload: bytes, reply_size: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=_PROBE_TIMEOUT_S) as sock:
        sock.sendall(payload)
        reply = b""
        while len(reply) < reply_size:
            chunk = sock.recv(reply_size - len(reply))
            if not chunk:
                break
            reply += chunk
        return reply


def redis_ping(port: int) -> bool:
    try:
        return _exchange(port, b"PING\r\n", 7) == b"+PONG\r\n"
    except OSError:
        return False


def kafka_api_versions(port: int) -> bool:
    """Send a Kafka ApiVersions v0 request; ready when it answers with error code 0."""
    client_id = b"huleedu-probe"
    body = (
        struct.pack(">hhih", _KAFKA_API_VERSIONS, 0, _PROBE_CORRELATION_ID, len(client_id))
        + client_id
    )
    try:
        reply = _exchange(port, struct.pack(">i", len(body)) + body, 10)
    except OSError:
        return False
    if len(reply) < 10:
        return False
    _size, correlation_id, error_code = struct.unpack(">iih", reply)
    return bool(correlation_id == _PROBE_CORRELATION_ID and error_code == 0)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=_PROBE_TIMEOUT_S) as response:
            status = int(response.status)
    except (OSError, urllib.error.URLError, ValueError):
        return False
    return 200 <= status < 300
