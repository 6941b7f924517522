"""Connections that never finish their headers are closed.

uvicorn's h11 protocol closes an idle keep-alive connection after `timeout_keep_alive`,
but a connection that sends nothing, or half a request line and then waits, is kept
open for ever: a few thousand such sockets (a "slowloris") hold file descriptors and
memory while sending a few bytes each. `HeaderTimeoutProtocol` gives every request
`header_timeout` seconds from the connection, or from the first bytes of a later request
on a kept-alive connection (the idle time between requests is uvicorn's keep-alive
timeout), to the end of its headers; then the connection is closed. The body and the
response are not timed (uploads and streamed answers may take as long as they take).

`install(seconds)` makes it the protocol of every uvicorn server this process starts
(Gradio builds its uvicorn.Config itself, with `http="auto"`).
"""
from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0


class HeaderTimeoutProtocol(H11Protocol):
    header_timeout: float = HEADER_TIMEOUT_S
    _header_timer: asyncio.TimerHandle | None = None  # armed while a request's headers are awaited

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # a request line or headers still to come
            if self._header_timer is None:
                self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def install(seconds: float = HEADER_TIMEOUT_S) -> None:
    """Use HeaderTimeoutProtocol (with this timeout) for uvicorn's "auto" HTTP protocol."""
    import uvicorn.config

    HeaderTimeoutProtocol.header_timeout = seconds
    uvicorn.config.HTTP_PROTOCOLS["auto"] = f"{__name__}:HeaderTimeoutProtocol"
