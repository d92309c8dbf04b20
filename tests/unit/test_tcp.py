"""Servers answer without waiting for the client's delayed acknowledgement."""

from __future__ import annotations

import asyncio
import socket

from acw_tui.tcp import listening_socket


async def nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def serve(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(serve, sock=listener)
    port = listener.getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(accepted, 5)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


async def test_connections_on_the_listening_socket_send_at_once() -> None:
    # asyncio turns Nagle off only for sockets that say they are TCP; with it on, each
    # answer of the hub or the webhook waited ~40 ms for the client's ACK.
    assert await nodelay_of_an_accepted_connection(listening_socket("127.0.0.1", 0)) != 0


async def test_a_plain_socket_server_would_not() -> None:
    # What `socket.create_server` gives (protocol 0): the check above can fail.
    plain = socket.create_server(("127.0.0.1", 0))
    assert await nodelay_of_an_accepted_connection(plain) == 0


def test_a_taken_port_is_an_os_error_and_closes_the_socket() -> None:
    first = listening_socket("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        try:
            listening_socket("127.0.0.1", port)
        except OSError:
            pass
        else:
            raise AssertionError("a second socket bound a taken port")
    finally:
        first.close()
