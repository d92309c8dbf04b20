"""The listening socket the hub and the webhook listener serve on, and which hosts are
this machine.

Both bind the socket themselves before starting uvicorn, so a busy port is one clear
line. Such a socket must say it is TCP (`IPPROTO_TCP`, not the default 0): asyncio sets
TCP_NODELAY only on connections whose socket says so, and without it every answer
(headers, then body) waited about 40 ms for the client's delayed acknowledgement —
a 200-record sync batch took 44 ms instead of 8.
"""

from __future__ import annotations

import socket


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (IPv6 when the host has a colon); OSError when
    the address is taken or not ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(socket.SOMAXCONN)
    except OSError:
        sock.close()
        raise
    return sock


def is_loopback(host: str) -> bool:
    """Is `host` this machine (127.0.0.0/8, ::1, localhost)? A name other than localhost
    is not: it may resolve to any machine."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
